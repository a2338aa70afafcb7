"""Message and title text: ``{field}`` from the fact (or what a primitive adds), ``{$param}`` from the rule
file's parameters in force on the night — so a changed parameter never leaves a stale number in the text."""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

PLACEHOLDER = re.compile(r"\{(\$?)([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders(text: str) -> tuple[set[str], set[str]]:
    """(fact fields, parameters) a text refers to."""
    fields: set[str] = set()
    params: set[str] = set()
    for dollar, name in PLACEHOLDER.findall(text):
        (params if dollar else fields).add(name)
    return fields, params


def show(v: Any) -> str:
    """How a value reads in Chinese text: money with two decimals, 0.0005 as 万分之五, lists joined."""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, Decimal):
        return f"{v:,.2f}"
    if isinstance(v, float):
        return f"{v:,.2f}" if not v.is_integer() else str(int(v))
    if isinstance(v, (list, tuple)):
        return "、".join(show(x) for x in v)
    return str(v)


def show_param(v: Any) -> str:
    """A parameter in a sentence: a rate below 1 as a percentage or per-mille, whole numbers plainly."""
    if isinstance(v, bool) or not isinstance(v, (int, float, Decimal)):
        return show(v)
    d = Decimal(str(v))
    if d == d.to_integral_value():
        return str(int(d))
    if d < Decimal("0.01"):
        per_mille = (d * 1000).normalize()
        return f"千分之{per_mille:f}" if per_mille >= 1 else f"万分之{(d * 10000).normalize():f}"
    return f"{(d * 100).normalize():f}%"


def render(template: str, fact: dict[str, Any], params: dict[str, Any] | None = None) -> str:
    """``template`` with each placeholder replaced; one the fact or the parameters lack stays as written."""
    params = params or {}
    pieces, tail = _pieces(template)
    out = []
    for literal, dollar, name, whole in pieces:
        out.append(literal)
        if dollar:
            out.append(show_param(params[name]) if name in params else whole)
        else:
            out.append(show(fact[name]) if name in fact else whole)
    out.append(tail)
    return "".join(out)


@lru_cache(maxsize=1024)
def _pieces(template: str) -> tuple[tuple[tuple[str, str, str, str], ...], str]:
    """(text before, "$" or "", name, the placeholder as written) for each placeholder, and the text after the
    last: a rule's message is cut up once, not searched again for each of the night's 30,000 findings."""
    pieces, pos = [], 0
    for m in PLACEHOLDER.finditer(template):
        pieces.append((template[pos:m.start()], m.group(1), m.group(2), m.group(0)))
        pos = m.end()
    return tuple(pieces), template[pos:]
