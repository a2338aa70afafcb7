"""The night's report ``OUT/<date>/index.html``: one page for the 客服主管.

Counts by policy area and severity, the most severe findings listed first,
arrears aging and the collection rate by building as charts, ticket deadline
(SLA) states, and links to every print batch, report and the exception
workbook written that night.

The page is one self-contained HTML file: inline CSS and inline SVG charts,
no script, no web font, no CDN — it opens offline from a file share and
prints on A4. Everything on it comes from what the night's run already has
(findings, the extra workbook sheets, document counts); grouping and chart
bands are display settings in ``report.yaml`` beside this module.
"""
from __future__ import annotations

import os
import re
import tempfile
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from .mask import scrub

HERE = Path(__file__).resolve().parent
SETTINGS = HERE / "report.yaml"
TEMPLATES = HERE / "templates"

COLLECTION_SHEET = "收费率统计"
SLA_SHEET = "工单时限"


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load(SETTINGS.read_text(encoding="utf-8"))


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = money
    env.filters["href"] = href
    return env


# --------------------------------------------------------------------------
# reading what the run produced (numbers may be text like '6,304.20' or '92.3%')
# --------------------------------------------------------------------------

def number(value: Any) -> float | None:
    """A number from a sheet cell or a finding detail: 6304.2, '6,304.20', '92.3%' (→ 0.923)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    text = str(value).strip().replace(",", "").replace("，", "").replace("元", "").replace("¥", "")
    percent = text.endswith("%")
    try:
        n = float(Decimal(text.rstrip("%").strip()))
    except (InvalidOperation, ValueError):
        return None
    return n / 100 if percent else n


def money(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def href(path: str) -> str:
    """A relative link to a file beside index.html (Chinese names percent-encoded)."""
    return "/".join(quote(part) for part in path.split("/"))


@lru_cache(maxsize=1024)  # (asked for each of a night's findings, of a few dozen policies)
def area_of(policy: str | None) -> str:
    """F3a → F, C12 → C, DATA → DATA."""
    if not policy:
        return "DATA"
    if policy.upper().startswith("DATA"):
        return "DATA"
    m = re.match(r"[A-Za-z]+", policy)
    return m.group(0).upper() if m else policy


def _column(header: list[str], *names: str) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _get(f, key: str, default=None):
    """A Finding attribute, or the key of a finding already in JSON form."""
    if isinstance(f, dict):
        return f.get(key, default)
    return getattr(f, key, default)


# --------------------------------------------------------------------------
# the page's sections
# --------------------------------------------------------------------------

def severity_rank(severity: str) -> int:
    order = settings()["severities"]
    return order.index(severity) if severity in order else len(order)


def area_table(findings: list) -> dict:
    """Rows: one per policy area present (in the catalogue's order), counts per severity."""
    cfg = settings()
    severities = list(cfg["severities"])
    counts: dict[str, Counter] = defaultdict(Counter)
    for f in findings:
        sev = _get(f, "severity") or ""
        if sev not in severities:
            severities.append(sev)
        counts[area_of(_get(f, "policy"))][sev] += 1
    order = list(cfg["areas"]) + sorted(a for a in counts if a not in cfg["areas"])
    rows = []
    for area in order:
        if area not in counts:
            continue
        c = counts[area]
        rows.append({"area": area, "name": cfg["areas"].get(area, area),
                     "counts": [c.get(s, 0) for s in severities], "total": sum(c.values())})
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(severities))]
    return {"severities": severities, "rows": rows, "totals": totals, "total": sum(totals)}


def listed_findings(findings: list) -> list[dict]:
    """The most severe findings, most severe first; each level capped at ``list_limit``."""
    cfg = settings()
    groups = []
    for sev in cfg["listed_severities"]:
        chosen = [f for f in findings if _get(f, "severity") == sev]
        chosen.sort(key=lambda f: (area_of(_get(f, "policy")), _get(f, "rule") or "", _get(f, "subject") or "",
                                   _get(f, "message") or ""))
        rows = [{"policy": _get(f, "policy"), "rule": _get(f, "rule"), "category": _get(f, "category"),
                 "subject": _get(f, "subject") or "", "message": scrub(_get(f, "message") or ""),
                 "document": _get(f, "document") or ""} for f in chosen[: cfg["list_limit"]]]
        groups.append({"severity": sev, "rows": rows, "total": len(chosen),
                       "more": max(0, len(chosen) - cfg["list_limit"])})
    return groups


def arrears_aging(findings: list) -> dict:
    """Outstanding amounts and households by days late, from the fee findings' details.

    Each (unit, item, period) is counted once, whatever the number of rules that matched it.
    """
    bounds = settings()["aging_days"]
    labels, lo = [], 1
    for hi in bounds:
        labels.append(f"{lo}–{hi}天")
        lo = hi + 1
    labels.append(f"{lo}天以上")
    amount = [0.0] * len(labels)
    units: list[set] = [set() for _ in labels]
    seen = set()
    for f in findings:
        if area_of(_get(f, "policy")) != "F":  # (the cheap test first: most findings are of other areas)
            continue
        d = _get(f, "details") or {}
        days, owed = number(d.get("days_late")), number(d.get("outstanding"))
        if days is None or owed is None or days <= 0:
            continue
        unit = d.get("unit") or _get(f, "subject")
        key = (unit, d.get("item"), d.get("period_text") or d.get("period"))
        if key in seen:
            continue
        seen.add(key)
        i = next((k for k, hi in enumerate(bounds) if days <= hi), len(bounds))
        amount[i] += owed
        units[i].add(unit)
    bars = [{"label": labels[i], "value": amount[i], "text": money(amount[i]), "note": f"{len(units[i])}户"}
            for i in range(len(labels))]
    return {"bars": bars, "total": sum(amount), "households": len({u for s in units for u in s}),
            "count": len(seen)}


def collection_by_building(sheets: dict) -> dict | None:
    """Collection rate per building (all fee items together) from the 收费率统计 sheet."""
    if COLLECTION_SHEET not in sheets:
        return None
    header, rows = sheets[COLLECTION_SHEET]
    header = [str(h) for h in header]
    b, due, paid, target = (_column(header, "楼栋"), _column(header, "应收金额"), _column(header, "实收金额"),
                            _column(header, "目标", "收费率目标"))
    if b is None or due is None or paid is None:
        return None
    sums: dict[str, list[float]] = {}
    target_value = None
    for row in rows:
        d, p = number(row[due]), number(row[paid])
        if d is None or p is None:
            continue
        name = str(row[b])
        name = name if name.endswith("栋") else f"{name}栋"
        acc = sums.setdefault(name, [0.0, 0.0])
        acc[0] += d
        acc[1] += p
        if target is not None and target_value is None:
            target_value = number(row[target])
    def natural(name: str):
        return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]
    bars = []
    for name in sorted(sums, key=natural):
        d, p = sums[name]
        rate = p / d if d else None
        below = rate is not None and target_value is not None and rate < target_value
        bars.append({"label": name, "value": rate or 0.0, "text": "—" if rate is None else f"{rate:.1%}",
                     "note": f"{money(p)} / {money(d)}", "alert": below})
    return {"bars": bars, "target": target_value,
            "target_text": "" if target_value is None else f"{target_value:.0%}",
            "below": [x["label"] for x in bars if x["alert"]]}


def sla_states(sheets: dict) -> dict | None:
    """Open tickets by deadline state, and the tickets already late or about to be."""
    if SLA_SHEET not in sheets:
        return None
    header, rows = sheets[SLA_SHEET]
    header = [str(h) for h in header]
    s = _column(header, "时限状态", "状态")
    if s is None:
        return None
    colors = settings()["sla_states"]
    counts = Counter(str(r[s]) for r in rows)
    order = [k for k in colors if k in counts] + sorted(k for k in counts if k not in colors)
    bars = [{"label": k, "value": counts[k], "text": str(counts[k]), "color": colors.get(k, "#607d8b")}
            for k in order]
    urgent_states = [k for k in ("已超时", "无法计算", "临近超时") if k in counts]
    shown = [i for i, h in enumerate(header) if h != "依据"]
    urgent = [[_cell(r[i]) for i in shown] for r in rows if str(r[s]) in urgent_states]
    urgent.sort(key=lambda r: urgent_states.index(r[shown.index(s)]))
    return {"bars": bars, "total": len(rows), "header": [header[i] for i in shown], "urgent": urgent[:100],
            "more": max(0, len(urgent) - 100)}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return scrub(str(value))


def links(folder: Path) -> dict:
    """Every file the night wrote that a person opens: print batches, reports, the workbook, lists."""
    def rel(p: Path) -> str:
        return p.relative_to(folder).as_posix()

    def entries(paths: Iterable[Path]) -> list[dict]:
        return [{"name": p.name, "path": rel(p), "size": p.stat().st_size} for p in sorted(paths)]

    return {
        "batches": entries(folder.glob("打印批次/*.docx")),
        "reports": entries(folder.glob("报表/*.docx")),
        "workbooks": entries(folder.glob("*.xlsx")),
        "lists": entries(list(folder.glob("*.csv")) + [p for p in (folder / "findings.json", folder / "run.json")
                                                      if p.exists()]),
    }


# --------------------------------------------------------------------------
# charts: inline SVG, sized in pixels so they render (and print) without script
# --------------------------------------------------------------------------

def _svg_text(x, y, text, *, anchor="start", size=12, color="#222", weight="normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{color}" text-anchor="{anchor}" '
            f'font-weight="{weight}">{escape(text)}</text>')


def hbar_chart(bars: list[dict], *, title: str, max_value: float | None = None, target: float | None = None,
               target_text: str = "", color="#1565c0", alert_color="#c62828", width=640) -> Markup:
    """Horizontal bars: label | bar | value text (and a note). ``target`` draws a dashed line."""
    label_w, text_w, row_h, top = 90, 190, 26, 30
    plot_w = width - label_w - text_w
    height = top + row_h * max(1, len(bars)) + 20
    top_value = max_value if max_value is not None else max([b["value"] for b in bars] + [0]) or 1
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
             f"<title>{escape(title)}</title>",
             f'<line x1="{label_w}" y1="{top - 6}" x2="{label_w}" y2="{height - 14}" stroke="#999"/>']
    for i, b in enumerate(bars):
        y = top + i * row_h
        w = max(0.0, min(1.0, b["value"] / top_value)) * plot_w
        fill = b.get("color") or (alert_color if b.get("alert") else color)
        parts.append(_svg_text(label_w - 8, y + 14, b["label"], anchor="end"))
        parts.append(f'<rect class="bar" x="{label_w}" y="{y}" width="{max(w, 1):.1f}" height="{row_h - 8}" '
                     f'fill="{fill}"><title>{escape(b["label"])}：{escape(b["text"])}</title></rect>')
        note = f'  {b["note"]}' if b.get("note") else ""
        parts.append(_svg_text(label_w + w + 6, y + 14, f'{b["text"]}{note}', size=11))
    if target is not None:
        x = label_w + min(1.0, target / top_value) * plot_w
        parts.append(f'<line class="target" x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{height - 14}" '
                     f'stroke="#c62828" stroke-dasharray="4 3"/>')
        parts.append(_svg_text(x, top - 12, f"目标 {target_text}", anchor="middle", size=11, color="#c62828"))
    parts.append("</svg>")
    return Markup("".join(parts))


def vbar_chart(bars: list[dict], *, title: str, color="#ef6c00", width=640, height=260) -> Markup:
    """Vertical bars with the value above each bar and the label (and a note) below."""
    left, bottom, top = 20, 46, 28
    n = max(1, len(bars))
    slot = (width - 2 * left) / n
    plot_h = height - top - bottom
    top_value = max([b["value"] for b in bars] + [0]) or 1
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
             f"<title>{escape(title)}</title>",
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - left}" y2="{height - bottom}" stroke="#999"/>']
    for i, b in enumerate(bars):
        h = b["value"] / top_value * plot_h
        x = left + i * slot + slot * 0.2
        y = height - bottom - h
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" height="{max(h, 1):.1f}" '
                     f'fill="{b.get("color") or color}"><title>{escape(b["label"])}：{escape(b["text"])}</title></rect>')
        cx = x + slot * 0.3
        parts.append(_svg_text(cx, y - 6, b["text"], anchor="middle", size=11))
        parts.append(_svg_text(cx, height - bottom + 16, b["label"], anchor="middle"))
        if b.get("note"):
            parts.append(_svg_text(cx, height - bottom + 32, b["note"], anchor="middle", size=11, color="#555"))
    parts.append("</svg>")
    return Markup("".join(parts))


# --------------------------------------------------------------------------
# the page
# --------------------------------------------------------------------------

def _as_of_text(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    try:
        return _as_of_text(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value or "")


def _page_sums(findings: list, result_info: dict) -> dict:
    """Everything on the page but the links to the night's files."""
    sheets = result_info.get("sheets") or {}
    documents = result_info.get("documents") or {}
    aging = arrears_aging(findings)
    collection = collection_by_building(sheets)
    sla = sla_states(sheets)
    return {
        "as_of": _as_of_text(result_info.get("as_of")),
        "company": result_info.get("company") or "",
        "version": result_info.get("version") or "",
        "areas": area_table(findings),
        "listed": listed_findings(findings),
        "aging": aging,
        "aging_chart": vbar_chart(aging["bars"], title="欠费账龄（按逾期天数，欠缴金额）") if aging["count"] else None,
        "collection": collection,
        "collection_chart": hbar_chart(collection["bars"], title="各楼栋收费率", max_value=1.0,
                                       target=collection["target"], target_text=collection["target_text"],
                                       color="#2e7d32") if collection and collection["bars"] else None,
        "sla": sla,
        "sla_chart": hbar_chart(sla["bars"], title="未办结工单时限状态") if sla and sla["bars"] else None,
        "documents": documents,
        "documents_total": sum(documents.values()),
        "unread": result_info.get("unread") or [],
    }


def write_report(folder: Path, findings: list, result_info: dict) -> Path:
    """Write ``folder/index.html`` for the night and return its path.

    ``findings``: :class:`engine.findings.Finding` objects (or their JSON dicts).
    ``result_info``: ``as_of`` (datetime), ``documents`` {title: count}, ``sheets``
    {sheet title: (header, rows)} — 收费率统计 and 工单时限 feed the charts —
    ``counts``; optional ``company`` (name), ``version``, ``unread`` (ledger files
    that could not be read, listed at the top). Call it after the print batches,
    reports and workbook are written: the page links the files it finds.
    """
    return Report(findings, result_info).write(folder)


class Report:
    """The page, its sums over the night's findings made (and its template compiled) when it is made, before
    the files it links are all written: on the bench night 0.2 s done while the document workers render
    rather than after them. :meth:`write` looks for the files and writes ``folder/index.html``."""

    def __init__(self, findings: list, result_info: dict):
        self._sums = _page_sums(findings, result_info)
        self._template = _env().get_template("report.html")

    def write(self, folder: Path) -> Path:
        folder = Path(folder)
        return _write_page(folder, self._template.render(**self._sums, links=links(folder)))


def _write_page(folder: Path, html: str) -> Path:
    path = folder / "index.html"
    fd, tmp = tempfile.mkstemp(prefix=".index.", suffix=".html", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(html)
        os.chmod(tmp, 0o644)  # mkstemp makes it private
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
