"""Stage 1 — read ledgers: every workbook in the folder, every sheet, into typed records."""
from .ledgers import Ledgers, read_ledgers

__all__ = ["Ledgers", "read_ledgers"]
