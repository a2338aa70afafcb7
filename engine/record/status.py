"""The clerk's marks, carried from night to night: 状态, 处理人, 处理说明, 处理日期.

The clerk works through the exception workbook during the day and types a
status and a note on its rows — in the night's own workbook in the output
folder, or in a copy dropped back into the ledgers folder. The next run reads
those workbooks (only the ones changed since they were last read), keeps each
finding's latest mark in ``out/status.sqlite`` and writes it into the new
workbook, so the day's work is never lost — not by the next night, not by a
re-run of the same night. A finding that was there the night before and is
gone tonight (paid, fixed) is listed as resolved, with the night it went.

How an edit is told from what wuye itself wrote: every workbook carries its
run number (汇总 › 运行编号), and what each run wrote is recorded; a row that
differs from what its run wrote is the clerk's edit, and the latest edit (by
the file's modification time) wins.
"""
from __future__ import annotations

import os
import sqlite3
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from hashlib import sha256
from pathlib import Path

from ..findings import Finding, Source

STATUS_FILE = "status.sqlite"
WORKBOOK_GLOB = "异常清单_*.xlsx"
STATUSES = ("未处理", "处理中", "已处理")
OPEN = STATUSES[0]
DONE = STATUSES[-1]
MARK_HEADERS = ("状态", "处理人", "处理说明", "处理日期")  # the clerk's columns, in every finding sheet
ID_HEADER = "ID"
TOKEN_LABEL = "运行编号"  # the row of the 汇总 sheet that names the run which wrote the workbook
RESOLVED_SHEET = "已解决"

SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
    id         TEXT PRIMARY KEY,
    status     TEXT NOT NULL,
    handler    TEXT NOT NULL,
    note       TEXT NOT NULL,
    handled_on TEXT NOT NULL,
    marked_at  REAL NOT NULL,   -- modification time of the workbook the clerk edited
    origin     TEXT NOT NULL    -- that workbook
);
CREATE TABLE IF NOT EXISTS runs (
    token TEXT PRIMARY KEY,
    as_of TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS written (  -- what a run wrote into its workbook, where it was not the default
    token      TEXT NOT NULL,
    id         TEXT NOT NULL,
    status     TEXT NOT NULL,
    handler    TEXT NOT NULL,
    note       TEXT NOT NULL,
    handled_on TEXT NOT NULL,
    PRIMARY KEY (token, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS nights (  -- the findings present on each night that was published
    as_of TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    ids   BLOB NOT NULL             -- zlib of the sorted ids, one per line
);
CREATE TABLE IF NOT EXISTS seen (    -- what a finding said the last time it was there
    id       TEXT PRIMARY KEY,
    policy   TEXT, rule TEXT, category TEXT, subject TEXT, message TEXT, document TEXT, number TEXT,
    last_as_of TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS harvested (  -- workbooks already read, so an unchanged one is not read again
    path     TEXT PRIMARY KEY,
    mtime_ns INTEGER NOT NULL,
    size     INTEGER NOT NULL
);
"""

# details fields that name the matter of a finding (until findings carry ``matter`` themselves)
_MATTER_FIELDS = ("item", "period_text", "period", "week_start", "month", "key", "agreement")


def finding_id(f: Finding) -> str:
    """Stable across nights: the same policy, rule, subject and matter give the same id."""
    own = getattr(f, "id", None)
    if own:
        return own
    matter = getattr(f, "matter", None)
    if not matter:
        parts = [str(f.details[k]) for k in _MATTER_FIELDS if f.details.get(k) not in (None, "")]
        if not parts and f.sources and (f.policy == "DATA" or not f.subject):
            s = f.sources[0]
            parts = [s.file, s.sheet, str(s.row), s.column or ""]
        matter = "|".join(parts)
    key = "|".join((f.policy, f.rule, f.subject or "", matter))
    return sha256(key.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Mark:
    status: str = OPEN
    handler: str = ""
    note: str = ""
    handled_on: str = ""  # ISO date (or the clerk's own text when it is not a date)
    marked_at: float = 0.0
    origin: str = ""

    def values(self) -> tuple[str, str, str, str]:
        return (self.status, self.handler, self.note, self.handled_on)

    @property
    def is_default(self) -> bool:
        return self.values() == DEFAULT

    def handled_date(self) -> date | str:
        """处理日期 for the workbook: a real date when it is one."""
        if not self.handled_on:  # (most are blank: no exception raised and caught for each)
            return self.handled_on
        try:
            return date.fromisoformat(self.handled_on)
        except ValueError:
            return self.handled_on


DEFAULT = (OPEN, "", "", "")


@dataclass
class Resolved:
    """A finding present on the previous night and gone tonight."""

    id: str
    policy: str
    rule: str
    category: str
    subject: str
    message: str
    document: str
    number: str
    last_seen: str  # the last night it was there (ISO)
    gone_on: str  # the night it went (ISO): tonight
    mark: Mark


@dataclass
class StatusView:
    """The marks to write into tonight's workbook; :meth:`commit` records the night once it is published."""

    path: Path
    out: Path
    as_of: date
    token: str
    marks: dict[str, Mark]
    resolved: list[Resolved]
    findings: list[Finding] = field(default_factory=list)  # problems reading the clerk's workbooks
    _ids: dict[int, str] = field(default_factory=dict)
    _written: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    _tonight: list[Finding] = field(default_factory=list)
    _prepared: tuple[bytes, list[tuple]] | None = None
    # stage()'s open transaction, the run it replaces and how many marks the workbook had reported written
    _staged: tuple[sqlite3.Connection, tuple | None, int] | None = None

    def prepare(self) -> None:
        """Make the rows :meth:`commit` writes of tonight's findings ahead of it (while the documents are being
        written: on the bench night 0.2 s of the 0.37 s commit, otherwise spent with one core idle)."""
        day = self.as_of.isoformat()
        ids = sorted({self.id_of(f) for f in self._tonight})
        seen = [(self.id_of(f), f.policy, f.rule, f.category, f.subject or "", f.message, f.document or "",
                 getattr(f, "number", None) or "", day) for f in self._tonight]
        self._prepared = zlib.compress("\n".join(ids).encode("ascii")), seen

    def id_of(self, f: Finding) -> str:
        key = id(f)
        fid = self._ids.get(key)
        if fid is None:
            fid = self._ids[key] = finding_id(f)
        return fid

    def mark(self, f: Finding | str) -> Mark:
        fid = f if isinstance(f, str) else self.id_of(f)
        return self.marks.get(fid) or Mark()

    def wrote(self, fid: str, mark: Mark) -> None:
        """The workbook writer reports each row it wrote (defaults need not be reported)."""
        if not mark.is_default:
            self._written[fid] = mark.values()

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for f in self._tonight:
            status = self.mark(f).status
            out[status] = out.get(status, 0) + 1
        return out

    def stage(self) -> None:
        """Write tonight's rows ahead of :meth:`commit`, inside a transaction only it ends (while the documents are
        being written: on the bench night 0.18 s otherwise left for the end, one core idle). Nothing is visible
        before the commit; :meth:`discard` or a failure throws it away, and :meth:`commit` then writes them itself."""
        if self._staged is not None:
            return
        db = _connect(self.path)
        try:
            self._staged = db, self._insert(db), len(self._written)
        except sqlite3.Error:
            db.close()

    def discard(self) -> None:
        """Throw away what :meth:`stage` wrote (the night was not published)."""
        staged, self._staged = self._staged, None
        if staged is not None:
            staged[0].close()  # (an open transaction is rolled back)

    def commit(self) -> None:
        """Record tonight (its findings, what its workbook says); call once the night's folder is published."""
        day = self.as_of.isoformat()
        staged, self._staged = self._staged, None
        if staged is not None and staged[2] != len(self._written):  # (a mark reported since: all written again)
            staged[0].close()
            staged = None
        db, old = (staged[0], staged[1]) if staged is not None else (_connect(self.path), None)
        try:
            with db:
                if staged is None:
                    old = self._insert(db)
                workbook = self.out / day / f"异常清单_{day}.xlsx"
                if workbook.exists():  # tonight's own workbook need not be read again until the clerk edits it
                    st = workbook.stat()
                    db.execute("INSERT OR REPLACE INTO harvested VALUES (?,?,?)",
                               (str(workbook.resolve()), st.st_mtime_ns, st.st_size))
                if old and old[0] != self.token:  # the run this one replaces: its workbook is gone
                    db.execute("DELETE FROM written WHERE token = ?", (old[0],))
        finally:
            db.close()

    def _insert(self, db: sqlite3.Connection) -> tuple | None:
        """Tonight's run, the marks its workbook was written with and its findings; returns the run it replaces."""
        day = self.as_of.isoformat()
        if self._prepared is None:
            self.prepare()
        assert self._prepared is not None
        ids, seen = self._prepared
        old = db.execute("SELECT token FROM nights WHERE as_of = ?", (day,)).fetchone()
        db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?)", (self.token, day))
        db.executemany("INSERT OR REPLACE INTO written VALUES (?,?,?,?,?,?)",
                       [(self.token, fid, *values) for fid, values in self._written.items()])
        db.execute("INSERT OR REPLACE INTO nights VALUES (?, ?, ?)", (day, self.token, ids))
        db.executemany(
            "INSERT INTO seen VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
            "policy=excluded.policy, rule=excluded.rule, category=excluded.category, subject=excluded.subject, "
            "message=excluded.message, document=excluded.document, number=excluded.number, "
            "last_as_of=excluded.last_as_of WHERE excluded.last_as_of >= seen.last_as_of", seen)
        return old


def _connect(path: Path | None) -> sqlite3.Connection:
    if path is None:
        db = sqlite3.connect(":memory:")
        db.executescript(SCHEMA)
        return db
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    return db


def carry_status(out: Path, ledgers: Path | None, as_of: date | datetime, findings: list[Finding]) -> StatusView:
    """Read the clerk's marks from every changed exception workbook (``out/*/`` and the ledgers folder),
    keep them in ``out/status.sqlite`` and return what tonight's workbook should show.

    Call before writing tonight's workbook; pass the view to :func:`engine.render.workbook.write_workbook`;
    call ``view.commit()`` once the night's folder is in place.
    """
    out = Path(out)
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    path = out / STATUS_FILE
    db = _connect(path) if path.exists() else _connect(None)  # the file is made by the first night that has marks
    problems: list[Finding] = []
    try:
        marks = {row[0]: Mark(*row[1:]) for row in db.execute(
            "SELECT id, status, handler, note, handled_on, marked_at, origin FROM marks")}
        harvested = {p: (m, s) for p, m, s in db.execute("SELECT path, mtime_ns, size FROM harvested")}
        known_tokens = {t for (t,) in db.execute("SELECT token FROM runs")}
        candidates = [p for p in sorted(out.glob(f"*/{WORKBOOK_GLOB}")) if not p.parent.name.startswith(".")]
        if ledgers is not None and Path(ledgers).is_dir():
            candidates += sorted(Path(ledgers).glob(WORKBOOK_GLOB))
        changed: list[tuple[Path, os.stat_result]] = []
        for p in candidates:
            st = p.stat()
            if harvested.get(str(p.resolve())) != (st.st_mtime_ns, st.st_size):
                changed.append((p, st))
        changed.sort(key=lambda ps: ps[1].st_mtime_ns)  # oldest first: a later edit wins
        updates: dict[str, Mark] = {}
        done: list[tuple] = []
        for p, st in changed:
            try:
                token, rows = read_marks(p)
            except Exception as exc:  # a half-copied or password-protected file: say so, read it again next night
                problems.append(_problem(p, f"无法读取其中的处理状态（{exc.__class__.__name__}: {exc}），下次运行时再读"))
                continue
            written = {}
            if token in known_tokens:
                written = {r[0]: tuple(r[1:]) for r in db.execute(
                    "SELECT id, status, handler, note, handled_on FROM written WHERE token = ?", (token,))}
            when = st.st_mtime_ns / 1e9
            for fid, values, where in rows:
                status = values[0]
                if status not in STATUSES:
                    problems.append(_problem(p, f"{where}: 状态 {status!r} 不是 {' / '.join(STATUSES)} 之一，未采用", where))
                    values = (written.get(fid, DEFAULT)[0],) + values[1:]
                if values == written.get(fid, DEFAULT):
                    continue  # as wuye wrote it
                current = updates.get(fid) or marks.get(fid)
                if current is None or when >= current.marked_at:
                    updates[fid] = Mark(*values, marked_at=when, origin=p.name)
            done.append((str(p.resolve()), st.st_mtime_ns, st.st_size))
        if (updates or done) and not path.exists():
            db.close()
            db = _connect(path)
        with db:  # the clerk's work is kept at once, whatever happens to the rest of the run
            db.executemany("INSERT OR REPLACE INTO marks VALUES (?,?,?,?,?,?,?)",
                           [(fid, *m.values(), m.marked_at, m.origin) for fid, m in updates.items()])
            db.executemany("INSERT OR REPLACE INTO harvested VALUES (?,?,?)", done)
        marks.update(updates)
        view = StatusView(path, out, day, uuid.uuid4().hex[:16], marks, [], problems)
        view._tonight = list(findings)
        view.resolved = _resolved(db, day, {view.id_of(f) for f in findings}, marks)
    finally:
        db.close()
    return view


def _resolved(db: sqlite3.Connection, day: date, tonight: set[str], marks: dict[str, Mark]) -> list[Resolved]:
    prev = db.execute("SELECT as_of, ids FROM nights WHERE as_of < ? ORDER BY as_of DESC LIMIT 1",
                      (day.isoformat(),)).fetchone()
    if not prev:
        return []
    before = set(zlib.decompress(prev[1]).decode("ascii").split("\n")) - {""}
    gone = sorted(before - tonight)
    out = []
    for fid in gone:
        row: tuple[str, str, str, str, str, str, str] = db.execute(
            "SELECT policy, rule, category, subject, message, document, number FROM seen WHERE id = ?",
            (fid,)).fetchone() or ("", "", "", "", "", "", "")
        out.append(Resolved(fid, *row, last_seen=prev[0], gone_on=day.isoformat(), mark=marks.get(fid) or Mark()))
    out.sort(key=lambda r: (r.category, r.policy, r.rule, r.subject, r.id))
    return out


def _problem(path: Path, reason: str, where: str | None = None) -> Finding:
    return Finding(policy="DATA", rule="DATA-status", category="数据问题", subject=None, severity="警告",
                   message=f"{path.name}: {reason}", sources=(Source(path.name, where or "", 0),))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ", "minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_marks(path: Path) -> tuple[str | None, list[tuple[str, tuple[str, str, str, str], str]]]:
    """(run number, [(finding id, (状态, 处理人, 处理说明, 处理日期), "sheet › row")]) of an exception workbook.

    Every sheet whose header row has an ID column and a 状态 column is read; columns are found by their
    headers, so a clerk who inserts or moves a column loses nothing.
    """
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    token = None
    rows = []
    for name in book.sheet_names:
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if not grid:
            continue
        header = [_text(v) for v in grid[0]]
        if name == "汇总" or (token is None and TOKEN_LABEL in [_text(r[0]) for r in grid if r]):
            for r in grid:
                if r and _text(r[0]) == TOKEN_LABEL and len(r) > 1:
                    token = _text(r[1])
        if ID_HEADER not in header or MARK_HEADERS[0] not in header:
            continue
        cols = [header.index(h) if h in header else None for h in MARK_HEADERS]
        id_col = header.index(ID_HEADER)
        for n, row in enumerate(grid[1:], start=2):
            fid = _text(row[id_col]) if id_col < len(row) else ""
            if not fid:
                continue
            status, handler, note, handled_on = (_text(row[c]) if c is not None and c < len(row) else "" for c in cols)
            rows.append((fid, (status or OPEN, handler, note, handled_on), f"{name} › 第{n}行"))
    return token, rows
