"""Atomic output: a night's folder is built beside its final place and renamed into it.

A killed run leaves at most a hidden ``.<as-of>.tmp-…`` folder, never a
half-written ``<as-of>/``; the next run clears such leftovers.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def staged_folder(out: Path, name: str) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``out/name`` in one rename."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(f".{name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=out))
    try:
        yield tmp
        final = out / name
        if final.exists():
            old = out / f".{name}.old-{os.getpid()}"
            final.rename(old)
            tmp.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_json(path: Path, data) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    tmp.replace(path)


def write_json_list(path: Path, items: list) -> None:
    """A JSON array with one item per line: readable, diffable, and written by the fast C encoder."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write("[\n")
        fh.write(",\n".join(json.dumps(item, ensure_ascii=False, default=str) for item in items))
        fh.write("\n]\n")
    tmp.replace(path)
