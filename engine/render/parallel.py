"""Run independent output jobs side by side on the machine's cores.

Each document share goes to a forked process (:mod:`engine.fork`): the notices are already in memory and are
shared with it copy-on-write, so nothing is pickled over and the document libraries are not imported again
(measured on the bench night: spawned workers spent about a second each importing docxtpl, jinja2 and lxml
and receiving their notices). While they render, the calling process writes the lists. A worker that fails
has its share rendered here.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable

from ..fork import Forked, ForkFailed, can_fork

WORKERS = 2


class Workers:
    """Two document workers; ``Workers(False)`` runs everything in this process instead."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    @property
    def count(self) -> int:
        return WORKERS if self.enabled else 1

    def run(self, own_job: Callable[[], Any], calls: list[tuple[Callable, tuple]]) -> list[Any]:
        """Run ``calls`` (function, arguments) in forked workers while ``own_job`` runs here."""
        if not self.enabled or not can_fork():
            own_job()
            return [fn(*args) for fn, args in calls]
        forks = [Forked(partial(fn, *args)) for fn, args in calls]
        try:
            own_job()
        except BaseException:
            for worker in forks:
                worker.kill()
            raise
        results = []
        for worker, (fn, args) in zip(forks, calls):
            try:
                results.append(worker.result())
            except ForkFailed:
                results.append(fn(*args))
        return results
