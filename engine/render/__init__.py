"""Stage 5 — render: Word notices from forms/, the exception workbook, CSV lists."""
