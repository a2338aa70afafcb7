"""Stage 3 — derive facts from records: amounts outstanding, due dates, days late, deadlines."""
from . import fees, tickets  # noqa: F401  (registers calculators)

__all__ = ["fees", "tickets"]
