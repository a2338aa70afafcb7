"""The night's documents: one print batch per document type (a page per notice) and one file per notice,
from the templates in ``forms/``; periodic reports one file each.

On a large night the notices are split between worker processes (an option of rendering: off when the
library is called, on from the CLI) while the calling process writes the lists (``side_job``).
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable, Sequence

from .documents import BatchShell, assemble_batch, notice_template, render_report, render_singles
from .parallel import Workers


# a worker compiles each template it renders from: measured, 50–90 ms, as long as about 150 notices take
TEMPLATE_NOTICES = 150


def plan_shares(notices: dict[str, list[dict]], workers: int,
                head_start: int = 0) -> list[list[tuple[str, list[dict]]]]:
    """Split the documents between the workers evenly by count: the largest document type is cut in two,
    the others go whole to the less busy worker (each document type a worker touches costs it a template).
    ``head_start``: the first worker's other work, counted in notices."""
    if workers == 1 or not notices:
        return [list(notices.items())] + [[] for _ in range(workers - 1)]
    assert workers == 2, "the split below is for two workers"
    plan: list[list[tuple[str, list[dict]]]] = [[], []]
    load = [head_start, 0]
    by_size = sorted(notices, key=lambda t: (-len(notices[t]), t))
    biggest, rest = by_size[0], by_size[1:]
    for title in rest:
        k = load.index(min(load))
        plan[k].append((title, notices[title]))
        load[k] += len(notices[title]) + TEMPLATE_NOTICES
    big = notices[biggest]
    # cut the biggest so the two loads end equal (as far as it allows), keeping its notices in order
    first = max(0, min(len(big), (len(big) + load[1] - load[0]) // 2))
    plan[0].insert(0, (biggest, big[:first]))
    plan[1].insert(0, (biggest, big[first:]))
    return [[(t, n) for t, n in jobs if n] for jobs in plan]


def template_maker(catalogue, forms: Path) -> Callable[[str], None]:
    """``make(title)``: the document's notice template compiled here ahead of its notices (kept in this process
    and shared with the document workers forked from it, which then compile none of their own: 50–80 ms a
    template). For time this process would otherwise spend waiting."""

    def make(title: str) -> None:
        spec = catalogue.documents.get(title)
        if spec is None:
            return
        try:
            notice_template(forms / spec.template, catalogue.company)
        except Exception:  # (not kept: the same error is raised, and said, where its notices are rendered)
            pass

    return make


def render_share(jobs: list[tuple], reports: Sequence[tuple] = (),
                 spare: Callable[[], None] | None = None) -> list[tuple[Path, BatchShell]]:
    """Render one worker's share of every document type (a module-level function, so workers can run it):
    for each, its part of the print batch and the template's shell; then the ``reports`` given it
    (:func:`render_report`'s arguments), each a file of its own; ``spare`` first, if given."""
    if spare is not None:
        spare()
    done = [render_singles(*job) for job in jobs]
    for report in reports:
        render_report(*report)
    return done


def render_documents(notices: dict[str, list[dict]], reports: dict[str, list[dict]], catalogue, forms: Path,
                     folder: Path, pool: Workers, side_job: Callable[[], None],
                     spare: tuple[Callable[[], None], int] | None = None) -> dict[str, int]:
    """Every document of the night into ``folder``; ``side_job`` runs meanwhile, here. ``spare``: (another job,
    its time counted in notices), run by the first worker, whose share of the notices it shortens (the calling
    process's side job would otherwise end a second after the workers on the bench night, one core idle).
    Returns {title: count}."""
    titles = sorted(notices)
    parts_dir = folder / ".parts"
    parts_dir.mkdir()
    spare_job, head_start = spare if spare else (None, 0)
    plan = plan_shares({t: notices[t] for t in titles}, pool.count, head_start)

    def share(k: int) -> list[tuple]:
        """Worker k's jobs: (template, company, notices, folder, part file) for each document type it renders."""
        return [(forms / catalogue.documents[title].template, catalogue.company, items,
                 folder / "通知书" / title, parts_dir / f"{title}.{k}") for title, items in plan[k]]

    # the periodic reports are rendered by the last worker after its notices, not here once the workers are done
    # (the workers finish before the lists do: on the bench night, 0.25 s less at the end of the night)
    report_jobs = [(forms / catalogue.documents[title].template, title, report, catalogue.company, folder / "报表")
                   for title in sorted(reports) for report in reports[title]]
    if pool.count == 1:
        side_job()
        shares = [render_share(share(0), report_jobs, spare_job)]
    else:
        shares = pool.run(side_job, [(render_share, (share(k), report_jobs if k == pool.count - 1 else [],
                                                     spare_job if k == 0 else None))
                                     for k in range(pool.count)])
    for title in titles:
        done = [rendered for k, results in enumerate(shares) for (t, _), rendered in zip(plan[k], results) if t == title]
        assemble_batch(done[0][1], [part for part, _ in done],
                       folder / "打印批次" / f"打印批次_{title}_{len(notices[title])}份.docx")
    shutil.rmtree(parts_dir)
    return document_counts(notices, reports)


def document_counts(notices: dict[str, list[dict]], reports: dict[str, list[dict]]) -> dict[str, int]:
    """{title: how many} of the night's documents (what :func:`render_documents` returns, known before)."""
    counts = {title: len(notices[title]) for title in sorted(notices)}
    counts.update((title, len(reports[title])) for title in sorted(reports))
    return counts
