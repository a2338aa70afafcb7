"""Outcome primitives (finding, document, clock, ladder, hold, sample, periodic, fines), built once."""
from .engine import AreaOutcomes, apply_area

__all__ = ["AreaOutcomes", "apply_area"]
