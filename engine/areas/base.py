"""What a policy area declares, and what its ``derive`` returns.

A policy area (fees, complaints, keys …) is one module under ``engine/areas/`` that defines ``AREA``:
its rule files, the ledger kinds it reads, the fact types it derives (fields and their types, checked
against the rule files when they load) and a ``derive(records, ctx)`` function. What a matching rule
*does* is chosen in the rule file from the outcome primitives in :mod:`engine.outcomes`; the area
only says what is true of its subjects on the night, and (optionally) what goes on its documents and
extra sheets. Nothing else in the engine names an area.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, Optional

from ..findings import Finding, Source

if TYPE_CHECKING:  # pragma: no cover
    from ..derive.calendar import WorkCalendar
    from ..outcomes.engine import AreaOutcomes
    from ..record.register import Register
    from ..rules import RuleBook
    from ..validate import Records

Table = tuple[list[str], list[list]]  # an extra sheet or CSV: (header, rows)


@dataclass(frozen=True)
class FactType:
    """A kind of fact an area derives: every field a rule may test or a message may print, with its type.

    Types: ``int``, ``float`` (any number), ``str``, ``bool``, ``list`` or a tuple of them.
    """

    name: str
    fields: dict[str, Any]
    title: str = ""
    # How a fact of this type is shown on a list sheet (the clocks' SLA sheet, a rule's ``sheet:``):
    # (column header, key in the fact's doc or data)
    columns: tuple[tuple[str, str], ...] = ()
    clock_sheet: Optional[str] = None  # the sheet listing every open fact with its nearest deadline
    list_columns: tuple[tuple[str, str], ...] = ()  # for a rule's ``sheet:`` list (default: ``columns``)


@dataclass
class Fact:
    """One thing that is true on the night, about one subject.

    ``data`` is what the rules read and messages print (declared in the fact type); ``doc`` is more for
    the documents only; ``matter`` names what the subject's ladder, document or fine is about (a fee item
    and period, a case number); ``times`` feed clocks; ``closed_at`` (when set) drops findings for a
    matter closed before the look-back window; ``sources`` are the input cells it came from.
    """

    type: str
    subject: Optional[str]
    data: dict[str, Any]
    sources: tuple[Source, ...] = ()
    matter: Optional[str] = None
    times: dict[str, Optional[datetime]] = field(default_factory=dict)
    doc: dict[str, Any] = field(default_factory=dict)
    closed_at: Optional[datetime] = None

    def rule_view(self) -> dict[str, Any]:
        return {"fact": self.type, **self.data}


@dataclass
class Derived:
    """What an area's ``derive`` returns: facts for the rules, and what it found on the way."""

    facts: list[Fact] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sheets: dict[str, Table] = field(default_factory=dict)
    csv: dict[str, Table] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)  # anything the area's own hooks need later


@dataclass
class Context:
    """The night, as every area sees it."""

    as_of: datetime
    today: date
    book: "RuleBook"
    calendar: "WorkCalendar"
    register: "Register"
    records: "Records"
    cache: dict[str, Any] = field(default_factory=dict)  # shared derivations (e.g. ticket facts for two areas)

    @property
    def day(self) -> date:
        return self.as_of.date()

    @property
    def params(self) -> dict[str, Any]:
        if "_params" not in self.cache:
            self.cache["_params"] = self.book.params_at(self.day)
        return self.cache["_params"]


@dataclass(frozen=True)
class Area:
    """A policy area. ``notice`` (optional) builds a document's context from what the primitives decided
    (the ladder's matters, a periodic period …); ``finish`` (optional) adds sheets from the outcomes
    (an SLA sheet from the clocks, the SMS list from the reminders)."""

    name: str
    title: str
    rule_files: tuple[str, ...]
    reads: tuple[str, ...]
    fact_types: tuple[FactType, ...]
    derive: Callable[["Records", Context], Derived]
    notice: Optional[Callable[..., dict]] = None
    finish: Optional[Callable[[Derived, "AreaOutcomes", Context], Derived]] = None
    # the ledger kinds any one of which makes the area run (default: ``reads[0]``, its main ledger); an area
    # over several independent ledgers (surveys, the GM mailbox …) runs on a night that has any of them
    runs_on: tuple[str, ...] = ()
    # what it derives once for several areas through ``ctx.cache`` (complaints and repairs: the ticket facts);
    # areas sharing a derivation run in one process on a night dealt between two (engine.areas.run)
    shares: tuple[str, ...] = ()

    def fact_type(self, name: str) -> Optional[FactType]:
        return next((t for t in self.fact_types if t.name == name), None)
