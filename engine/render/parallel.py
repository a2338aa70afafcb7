"""Run independent output jobs side by side on the machine's cores.

The document shares go to fresh worker processes (the ``spawn`` start
method, on every operating system): each receives only its notices, pickled,
so nothing of the night's large in-memory data is shared with it (forking
would share it copy-on-write). While they start and render, the calling
process writes the lists. (Starting them earlier, during the rules, was
measured slower: their imports then compete with the rules for the cores.)
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable

WORKERS = 2


def _warm_up() -> None:
    from . import documents  # noqa: F401  (docxtpl, jinja2, lxml: the slow imports)


class Workers:
    """A pool of document workers; ``Workers(False)`` runs everything in this process instead."""

    def __init__(self, enabled: bool):
        self._pool: ProcessPoolExecutor | None = None
        if enabled:
            from ..record.lock import die_with_parent  # a worker dies with the run that started it

            self._pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=die_with_parent, initargs=(os.getpid(),))
            for _ in range(WORKERS):
                self._pool.submit(_warm_up)

    @property
    def count(self) -> int:
        return WORKERS if self._pool else 1

    def run(self, own_job: Callable[[], Any], calls: list[tuple[Callable, tuple]]) -> list[Any]:
        """Run ``calls`` (module-level function, arguments) in the workers while ``own_job`` runs here."""
        if self._pool is None:
            own_job()
            return [fn(*args) for fn, args in calls]
        futures: list[Future] = [self._pool.submit(fn, *args) for fn, args in calls]
        own_job()
        return [f.result() for f in futures]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
