"""The notice register: an SQLite file in the output folder that numbers notices and remembers what was issued.

Running the same night twice issues nothing twice (tonight's notices are
found again, with the same numbers); a skipped night is caught up (the
highest ladder step reached is issued, lower ones are not back-filled).
The register only ever looks at nights up to the one being run, so an
auditor re-running a past night sees what that night saw.

Numbers are never reused, even across a crash. A run's numbers are committed
*before* its night folder becomes visible, as a run in state ``pending``
(:func:`engine.record.output.publish_night` does lock → stage → commit →
rename → :meth:`Register.mark_published`). If the process dies between the
commit and the rename, the next run that holds the output folder's lock
finds the pending run whose folder never appeared and **voids** it: its
numbers stay in the register (so the sequence never hands them out again)
but no longer count as issued, so the households are given fresh numbers on
the next night and nobody silently loses a notice. A pending run whose folder
did appear (the process died just after the rename) is marked published.
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..errors import RegisterError

RUN_MARKER = ".wuye-run"  # in a published night folder: the run whose numbers its documents carry

SCHEMA = """
CREATE TABLE IF NOT EXISTS notices (
    number   TEXT PRIMARY KEY,
    prefix   TEXT NOT NULL,
    year     INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    subject  TEXT NOT NULL,
    document TEXT NOT NULL,
    step     INTEGER,
    as_of    TEXT NOT NULL,
    UNIQUE (prefix, year, seq)
);
CREATE TABLE IF NOT EXISTS notice_items (
    number  TEXT NOT NULL REFERENCES notices(number),
    subject TEXT NOT NULL,
    item    TEXT NOT NULL,
    step    INTEGER
);
CREATE INDEX IF NOT EXISTS notice_items_subject ON notice_items(subject, item);
CREATE TABLE IF NOT EXISTS reminders (
    subject TEXT NOT NULL,
    item    TEXT NOT NULL,
    channel TEXT NOT NULL,
    as_of   TEXT NOT NULL,
    PRIMARY KEY (subject, item, channel)
);
CREATE TABLE IF NOT EXISTS runs (
    run     TEXT PRIMARY KEY,
    night   TEXT NOT NULL,
    state   TEXT NOT NULL,  -- pending | published | void
    started TEXT NOT NULL,
    note    TEXT
);
"""
# notices of a void run keep their numbers (the sequence never reuses them) but are not issued
_LIVE = "(n.run IS NULL OR n.run NOT IN (SELECT run FROM runs WHERE state = 'void'))"


@dataclass(frozen=True)
class Voided:
    """A run that died between committing its numbers and publishing its folder."""

    night: str
    run: str
    numbers: list[str]


@dataclass(frozen=True)
class IssuedNotice:
    number: str
    subject: str
    document: str
    step: int | None
    as_of: str


class Register:
    """Open on a night with :meth:`load`; lookups are answered from memory, writes go in on :meth:`commit`."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.recovered: list[Voided] = []  # interrupted runs voided by the last load()
        self.on_close: Callable[[], object] | None = None  # called by close(): releases the output folder's lock (see open_register)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path)
            self.db.execute("PRAGMA busy_timeout = 10000")
            self.db.executescript(SCHEMA)
            for table in ("notices", "reminders"):  # registers written before runs were recorded
                if "run" not in {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN run TEXT")
            self.db.commit()
            # a real (tiny) write: fails now, not after the night's work, if the register cannot be written
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            self.db.execute(f"PRAGMA user_version = {int(version)}")
            self.db.commit()
        except (sqlite3.Error, OSError) as exc:
            raise self._error(exc) from None
        self._as_of: str | None = None
        self._pending_notices: list[tuple] = []
        self._pending_items: list[tuple] = []
        self._pending_reminders: list[tuple] = []
        self._commit_hooks: list = []
        self.publishing: tuple[str, str] | None = None  # (run, night) the folder being staged will be published as
        self._staged: tuple | None = None  # what stage() wrote, inside the transaction commit() ends

    def on_commit(self, callback) -> None:
        """``callback(db, run)`` runs inside :meth:`commit`'s transaction: what another register kept in this
        file (the fines register) is written together with tonight's numbers, or not at all."""
        self._commit_hooks.append(callback)

    def _error(self, exc: BaseException) -> RegisterError:
        text = str(exc).lower()
        if "readonly" in text or "read-only" in text or isinstance(exc, PermissionError):
            why = "只读，无法写入"
        elif "not a database" in text or "malformed" in text or "corrupt" in text:
            why = "已损坏"
        elif "locked" in text or "busy" in text:
            why = "正被其他程序占用"
        elif "full" in text or getattr(exc, "errno", None) == 28:
            why = "所在磁盘已满"
        else:
            why = f"无法使用（{exc}）"
        return RegisterError(f"通知书登记簿 {self.path} {why}，本次未发出任何编号")

    def load(self, as_of: date) -> None:
        """Read what earlier nights issued (and what this night issued in an earlier run of it).

        Under the output folder's lock, a run that died before its folder appeared is voided first."""
        try:
            self._load(as_of)
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _load(self, as_of: date) -> None:
        from .lock import held

        if held(self.path.parent):
            self.recovered = self.recover()
        day = self._as_of = as_of.isoformat()
        self._highest: dict[tuple[str, str], int] = {}
        self._latest: dict[tuple[str, str], IssuedNotice] = {}
        rows = self.db.execute(
            "SELECT i.subject, i.item, i.step, n.number, n.document, n.step, n.as_of FROM notice_items i "
            f"JOIN notices n ON n.number = i.number WHERE n.as_of < ? AND {_LIVE} ORDER BY n.as_of, n.number", (day,))
        for subject, item, step, number, document, nstep, n_as_of in rows:
            key = (subject, item)
            self._highest[key] = max(self._highest.get(key, 0), step or 0)
            self._latest[key] = IssuedNotice(number, subject, document, nstep, n_as_of)
        self._tonight = {
            (subject, prefix): IssuedNotice(number, subject, document, step, n_as_of)
            for number, prefix, subject, document, step, n_as_of in self.db.execute(
                f"SELECT number, prefix, subject, document, step, as_of FROM notices n WHERE as_of = ? AND {_LIVE}",
                (day,))
        }
        self._tonight_items = {  # (subject, item) → tonight's notice that lists it (a re-run finds it again)
            (subject, item): IssuedNotice(number, subject, document, step, n_as_of)
            for number, subject, item, document, step, n_as_of in self.db.execute(
                "SELECT n.number, n.subject, i.item, n.document, n.step, n.as_of FROM notices n "
                f"JOIN notice_items i ON i.number = n.number WHERE n.as_of = ? AND {_LIVE}", (day,))
        }
        self._seq = {(prefix, year): seq for prefix, year, seq in self.db.execute(
            "SELECT prefix, year, MAX(seq) FROM notices GROUP BY prefix, year")}
        self._reminded = {(subject, item, channel): a for subject, item, channel, a in self.db.execute(
            "SELECT subject, item, channel, as_of FROM reminders")}

    # -- notices ---------------------------------------------------------
    def highest_step_before(self, subject: str, item: str) -> int:
        """The highest ladder step at which this item was already notified on an earlier night."""
        return self._highest.get((subject, item), 0)

    def issued_before(self, subject: str, item: str) -> IssuedNotice | None:
        return self._latest.get((subject, item))

    def tonight(self, subject: str, prefix: str, item: str | None = None) -> IssuedNotice | None:
        """Tonight's notice to the subject (under the prefix, or the one listing ``item``), from an earlier run."""
        if item is not None:
            return self._tonight_items.get((subject, item))
        return self._tonight.get((subject, prefix))

    def issue(self, prefix: str, number_format: str, subject: str, document: str, step: int | None,
              as_of: date, items: list[tuple[str, int | None]]) -> IssuedNotice:
        year = as_of.year
        seq = self._seq.get((prefix, year), 0) + 1
        self._seq[(prefix, year)] = seq
        number = number_format.format(prefix=prefix, year=year, seq=seq)
        notice = IssuedNotice(number, subject, document, step, as_of.isoformat())
        self._tonight[(subject, prefix)] = notice
        self._tonight_items.update({(subject, item): notice for item, _ in items})
        self._pending_notices.append((number, prefix, year, seq, subject, document, step, as_of.isoformat()))
        self._pending_items += [(number, subject, item, s) for item, s in items]
        return notice

    # -- reminders --------------------------------------------------------
    def reminded_before(self, subject: str, item: str, channel: str) -> bool:
        when = self._reminded.get((subject, item, channel))
        return when is not None and when < self._as_of

    def marked_on(self, subject: str, item: str, channel: str) -> str | None:
        """The first night (YYYY-MM-DD) this mark was made, on any night."""
        return self._reminded.get((subject, item, channel))

    def remind(self, subject: str, item: str, channel: str, as_of: date) -> None:
        self._reminded.setdefault((subject, item, channel), as_of.isoformat())
        self._pending_reminders.append((subject, item, channel, as_of.isoformat()))

    # -- tonight's work done in another process (engine.areas.run) ----------------
    def mark(self) -> tuple[int, int, int]:
        """Where tonight's pending numbers and marks stand now (see :meth:`since`)."""
        return len(self._pending_notices), len(self._pending_items), len(self._pending_reminders)

    def since(self, mark: tuple[int, int, int]) -> tuple[list, list, list]:
        """The numbers issued and marks made since ``mark``: what a second process hands back to the night."""
        return (self._pending_notices[mark[0]:], self._pending_items[mark[1]:], self._pending_reminders[mark[2]:])

    def absorb(self, issued: tuple[list, list, list]) -> None:
        """Take in what a second process issued (its own number series) as if it had been issued here."""
        notices, items, reminders = issued
        by_number = {}
        for number, prefix, year, seq, subject, document, step, as_of in notices:
            self._seq[(prefix, year)] = max(self._seq.get((prefix, year), 0), seq)
            by_number[number] = self._tonight[(subject, prefix)] = IssuedNotice(number, subject, document, step, as_of)
        for number, subject, item, _ in items:
            self._tonight_items[(subject, item)] = by_number[number]
        for subject, item, channel, as_of in reminders:
            self._reminded.setdefault((subject, item, channel), as_of)
        self._pending_notices += notices
        self._pending_items += items
        self._pending_reminders += reminders

    # -- transaction --------------------------------------------------------
    def stage(self) -> None:
        """Write tonight's numbers for the run being published (:attr:`publishing`) ahead of :meth:`commit`, inside
        a transaction only it ends: made while the document workers render, the inserts (0.18 s on the bench
        night) are not left for the end of the night with one core idle. Nothing is visible before the commit,
        and a rollback or a failure throws it away; should the inserts fail here, :meth:`commit` does them
        again (and says why if they fail there too)."""
        if self.publishing is None or self._staged is not None:
            return
        run, night = self.publishing
        try:
            self._insert(run, night, "pending")
        except sqlite3.Error:
            self.db.rollback()
            return
        self._staged = self._batch(run, night)

    def commit(self, run: str | None = None, night: str | None = None) -> None:
        """Write tonight's numbers. With ``run``, they are recorded as that run's, pending until
        :meth:`mark_published` (see :func:`engine.record.output.publish_night`); without, published at once."""
        state = "pending" if run else "published"
        run = run or os.urandom(16).hex()
        try:
            with self.db:
                if self._staged != self._batch(run, night):  # (staged as it is: only the hooks are left)
                    if self._staged is not None:
                        self.db.rollback()
                    self._insert(run, night, state)
                for hook in self._commit_hooks:  # (a fines register's rows are written here, never staged)
                    hook(self.db, run)
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        finally:
            self._staged = None
        self.rollback()

    def _batch(self, run: str, night: str | None) -> tuple:
        """What :meth:`_insert` writes, told apart (numbers are only ever added to the pending lists)."""
        return run, night, len(self._pending_notices), len(self._pending_items), len(self._pending_reminders)

    def _insert(self, run: str, night: str | None, state: str) -> None:
        self.db.execute("INSERT INTO runs (run, night, state, started) VALUES (?,?,?,?)",
                        (run, night or self._as_of or "", state, datetime.now().isoformat(timespec="seconds")))
        self.db.executemany(
            "INSERT INTO notices (number, prefix, year, seq, subject, document, step, as_of, run) "
            "VALUES (?,?,?,?,?,?,?,?,?)", [(*n, run) for n in self._pending_notices])
        self.db.executemany("INSERT INTO notice_items (number, subject, item, step) VALUES (?,?,?,?)",
                            self._pending_items)
        self.db.executemany("INSERT OR IGNORE INTO reminders (subject, item, channel, as_of, run) "
                            "VALUES (?,?,?,?,?)", [(*r, run) for r in self._pending_reminders])

    def mark_published(self, run: str) -> None:
        try:
            with self.db:
                self.db.execute("UPDATE runs SET state = 'published' WHERE run = ?", (run,))
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def void(self, run: str, note: str) -> Voided:
        """A run whose documents were never published: its numbers stay taken, but count as not issued."""
        with self.db:
            night = (self.db.execute("SELECT night FROM runs WHERE run = ?", (run,)).fetchone() or ("",))[0]
            numbers = [n for (n,) in self.db.execute("SELECT number FROM notices WHERE run = ? ORDER BY number", (run,))]
            self.db.execute("UPDATE runs SET state = 'void', note = ? WHERE run = ?", (note, run))
            self.db.execute("DELETE FROM reminders WHERE run = ?", (run,))
        return Voided(night, run, numbers)

    def recover(self) -> list[Voided]:
        """Settle runs left pending by a process that died while publishing (call only under the lock)."""
        out = []
        pending = self.db.execute("SELECT run, night FROM runs WHERE state = 'pending' ORDER BY started").fetchall()
        for run, night in pending:
            marker = self.path.parent / night / RUN_MARKER
            try:
                published = marker.read_text(encoding="utf-8").strip() == run
            except OSError:
                published = False
            if published:
                self.mark_published(run)
            else:
                out.append(self.void(run, "运行在发布文书前中断，这些编号作废，不再使用"))
        return out

    def rollback(self) -> None:
        if self._staged is not None:  # what stage() wrote is thrown away
            self._staged = None
            self.db.rollback()
        self._pending_notices, self._pending_items, self._pending_reminders = [], [], []

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            release, self.on_close = self.on_close, None
            if release is not None:
                release()
