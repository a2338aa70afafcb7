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
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level="DEFERRED")
        self.db.executescript(SCHEMA)
        self.db.commit()

    # -- notices ---------------------------------------------------------
    def highest_step_before(self, subject: str, item: str, as_of: date) -> int:
        """The highest ladder step at which this item was already notified on an earlier night."""
        row = self.db.execute(
            "SELECT MAX(i.step) FROM notice_items i JOIN notices n ON n.number = i.number "
            "WHERE i.subject = ? AND i.item = ? AND n.as_of < ?", (subject, item, as_of.isoformat())).fetchone()
        return row[0] or 0

    def issued_before(self, subject: str, item: str, as_of: date) -> IssuedNotice | None:
        row = self.db.execute(
            "SELECT n.number, n.subject, n.document, n.step, n.as_of FROM notice_items i "
            "JOIN notices n ON n.number = i.number WHERE i.subject = ? AND i.item = ? AND n.as_of < ? "
            "ORDER BY n.as_of DESC, n.number DESC LIMIT 1", (subject, item, as_of.isoformat())).fetchone()
        return IssuedNotice(*row) if row else None

    def tonight(self, subject: str, document_prefix: str, as_of: date) -> IssuedNotice | None:
        row = self.db.execute(
            "SELECT number, subject, document, step, as_of FROM notices WHERE subject = ? AND prefix = ? AND as_of = ?",
            (subject, document_prefix, as_of.isoformat())).fetchone()
        return IssuedNotice(*row) if row else None

    def issue(self, prefix: str, number_format: str, subject: str, document: str, step: int | None,
              as_of: date, items: list[tuple[str, int | None]]) -> IssuedNotice:
        year = as_of.year
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM notices WHERE prefix = ? AND year = ?",
                              (prefix, year)).fetchone()[0]
        number = number_format.format(prefix=prefix, year=year, seq=seq)
        self.db.execute("INSERT INTO notices VALUES (?,?,?,?,?,?,?,?)",
                        (number, prefix, year, seq, subject, document, step, as_of.isoformat()))
        self.db.executemany("INSERT INTO notice_items VALUES (?,?,?,?)",
                            [(number, subject, item, s) for item, s in items])
        return IssuedNotice(number, subject, document, step, as_of.isoformat())

    # -- reminders --------------------------------------------------------
    def reminded_before(self, subject: str, item: str, channel: str, as_of: date) -> bool:
        row = self.db.execute("SELECT as_of FROM reminders WHERE subject = ? AND item = ? AND channel = ?",
                              (subject, item, channel)).fetchone()
        return row is not None and row[0] < as_of.isoformat()

    def remind(self, subject: str, item: str, channel: str, as_of: date) -> None:
        self.db.execute("INSERT OR IGNORE INTO reminders VALUES (?,?,?,?)", (subject, item, channel, as_of.isoformat()))

    def commit(self) -> None:
        self.db.commit()

    def rollback(self) -> None:
        self.db.rollback()

    def close(self) -> None:
        self.db.close()
