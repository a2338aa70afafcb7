"""The notice register: an SQLite file in the output folder that numbers notices and remembers what was issued.

Running the same night twice issues nothing twice (tonight's notices are
found again, with the same numbers); a skipped night is caught up (the
highest ladder step reached is issued, lower ones are not back-filled).
The register only ever looks at nights up to the one being run, so an
auditor re-running a past night sees what that night saw.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

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
"""


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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.executescript(SCHEMA)
        self.db.commit()
        self._as_of: str | None = None
        self._pending_notices: list[tuple] = []
        self._pending_items: list[tuple] = []
        self._pending_reminders: list[tuple] = []

    def load(self, as_of: date) -> None:
        """Read what earlier nights issued (and what this night issued in an earlier run of it)."""
        day = self._as_of = as_of.isoformat()
        self._highest: dict[tuple[str, str], int] = {}
        self._latest: dict[tuple[str, str], IssuedNotice] = {}
        rows = self.db.execute(
            "SELECT i.subject, i.item, i.step, n.number, n.document, n.step, n.as_of FROM notice_items i "
            "JOIN notices n ON n.number = i.number WHERE n.as_of < ? ORDER BY n.as_of, n.number", (day,))
        for subject, item, step, number, document, nstep, n_as_of in rows:
            key = (subject, item)
            self._highest[key] = max(self._highest.get(key, 0), step or 0)
            self._latest[key] = IssuedNotice(number, subject, document, nstep, n_as_of)
        self._tonight = {
            (subject, prefix): IssuedNotice(number, subject, document, step, n_as_of)
            for number, prefix, subject, document, step, n_as_of in self.db.execute(
                "SELECT number, prefix, subject, document, step, as_of FROM notices WHERE as_of = ?", (day,))
        }
        self._tonight_items = {  # (subject, item) → tonight's notice that lists it (a re-run finds it again)
            (subject, item): IssuedNotice(number, subject, document, step, n_as_of)
            for number, subject, item, document, step, n_as_of in self.db.execute(
                "SELECT n.number, n.subject, i.item, n.document, n.step, n.as_of FROM notices n "
                "JOIN notice_items i ON i.number = n.number WHERE n.as_of = ?", (day,))
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

    # -- transaction --------------------------------------------------------
    def commit(self) -> None:
        with self.db:
            self.db.executemany("INSERT INTO notices VALUES (?,?,?,?,?,?,?,?)", self._pending_notices)
            self.db.executemany("INSERT INTO notice_items VALUES (?,?,?,?)", self._pending_items)
            self.db.executemany("INSERT OR IGNORE INTO reminders VALUES (?,?,?,?)", self._pending_reminders)
        self.rollback()

    def rollback(self) -> None:
        self._pending_notices, self._pending_items, self._pending_reminders = [], [], []

    def close(self) -> None:
        self.db.close()
