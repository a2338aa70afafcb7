"""The version of wuye, as installed (pyproject.toml's ``version``); shown by ``wuye --version`` and in run.json."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def version() -> str:
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if pyproject.exists():  # a source checkout (pip install -e): the file is the truth, even before a reinstall
        m = re.search(r'(?m)^version\s*=\s*"([^"]+)"', pyproject.read_text(encoding="utf-8"))
        if m:
            return m.group(1)
    from importlib import metadata

    try:
        return metadata.version("wuye")
    except metadata.PackageNotFoundError:
        return "未知"
