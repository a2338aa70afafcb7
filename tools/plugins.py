"""Per-area tool plug-ins: each policy area adds its own demo ledgers, Word templates and benchmark data.

    tools/sample_areas/<area>.py   def write(out: Path) -> str        demo ledgers (make samples); returns the
                                                                       Markdown section appended to ledgers/README.md
    tools/form_areas/<area>.py     BUILDERS: dict[str, Callable]       template file name → builder returning a
                                                                       python-docx Document (make forms)
    tools/bench_areas/<area>.py    def generate(ledgers: Path, units: int, seed: int) -> dict
                                                                       extra benchmark ledgers (make bench)

Modules are imported in name order, so the output is deterministic.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

TOOLS = Path(__file__).resolve().parent


def area_modules(folder: str) -> list[ModuleType]:
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))
    out = []
    for path in sorted((TOOLS / folder).glob("*.py")):
        if path.name.startswith("_"):
            continue
        name = f"{folder}.{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        out.append(module)
    return out
