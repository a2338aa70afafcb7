"""The policy areas: every module in this package that defines ``AREA`` (see :mod:`engine.areas.base`)."""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from .base import Area, Context, Derived, Fact, FactType


@lru_cache(maxsize=1)
def registry() -> tuple[Area, ...]:
    """Every area, in module-name order (so a night is deterministic)."""
    areas = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "base" or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        area = getattr(module, "AREA", None)
        if isinstance(area, Area):
            areas.append(area)
    return tuple(areas)


def area_of_rule_file(stem: str) -> Area | None:
    return next((a for a in registry() if stem in a.rule_files), None)


__all__ = ["Area", "Context", "Derived", "Fact", "FactType", "area_of_rule_file", "registry"]
