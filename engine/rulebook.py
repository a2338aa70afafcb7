"""The rulebook: ``wuye rules book`` — every policy, rule, parameter and source, for people.

Written from the rule files themselves (``rules/*.yaml``, read as plain YAML so
the book shows exactly what is written there) and two data files:

* ``rules/catalogue.yaml`` — every policy ID of the catalogue with a title, its
  source and, for what is not (fully) enforced, the reason. A policy that a
  rule file lists under ``policies:`` and that has rules is *enforced* without
  anyone editing the catalogue; one that is listed but has no rule yet is
  *partly*; the rest are *out of scope* with the catalogue's reason.
* ``engine/sources/`` — the source documents the citations point into
  (``sources.yaml`` names them). Each citation ``seed › document › clause`` is
  located in its document: the book quotes the passage and links to the line
  of the shipped text.

Output: ``index.html`` (self-contained, prints on A4), ``sources/<id>.html``
with numbered lines, the original ``.txt`` files, and ``规则手册.pdf`` when a
headless Chromium or LibreOffice is installed (otherwise the HTML alone).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .errors import RuleFileError

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
TEMPLATES = HERE / "render" / "templates"
CATALOGUE_FILE = "catalogue.yaml"
CALENDAR_FILE = "calendar.yaml"
NOT_RULE_FILES = {CATALOGUE_FILE, CALENDAR_FILE}

STATUS_TEXT = {"enforced": "已执行", "partly": "部分执行", "out_of_scope": "未纳入"}
CONDITIONS = {"at_least": "≥", "more_than": ">", "at_most": "≤", "less_than": "<", "not": "不是",
              "in": "属于", "not_in": "不属于", "any": "满足其一", "all": "全部满足"}


# --------------------------------------------------------------------------
# the source documents and where a citation points in them
# --------------------------------------------------------------------------

@dataclass
class Passage:
    seed: str
    title: str
    line: int | None  # 1-based line of the passage in the shipped text; None when only the document was found
    quote: str
    found: str  # "clause" (its words or its number), "number" (a bare list number: check it), "document", ""

    @property
    def href(self) -> str:
        return f"sources/{self.seed}.html" + (f"#L{self.line}" if self.line else "")


@dataclass
class Citation:
    text: str
    passages: list[Passage] = field(default_factory=list)


class Sources:
    """The shipped seed documents (``engine/sources``)."""

    def __init__(self, folder: Path = SOURCES):
        self.folder = folder
        self.index: dict[str, dict] = {str(k): v for k, v in
                                       yaml.safe_load((folder / "sources.yaml").read_text(encoding="utf-8")).items()}
        self._texts: dict[str, str] = {}

    def text(self, seed: str) -> str:
        if seed not in self._texts:
            self._texts[seed] = (self.folder / self.index[seed]["file"]).read_text(encoding="utf-8")
        return self._texts[seed]

    def cite(self, text: str | None) -> Citation:
        """Every ``seed › document › clause`` in a citation, located in its document."""
        citation = Citation(text or "")
        for m in re.finditer(r"(?<![\d.])(\d{3})\s*›\s*([^；;]*)", text or ""):
            if m.group(1) in self.index:
                citation.passages.append(self.locate(m.group(1), m.group(2)))
        return citation

    def locate(self, seed: str, rest: str) -> Passage:
        text = self.text(seed)
        parts = [p.strip() for p in rest.split("›")]
        doc, clause = parts[0], " ".join(parts[1:])
        m = re.match(r"(篇\s*\d+)\s*(.*)", doc)
        if m and m.group(2):  # "篇3 (二) 收费率达到80%": the part, then the clause
            doc, clause = m.group(1), (m.group(2) + " " + clause).strip()
        start, end = _document_region(text, doc)
        found, pos = ("document", start) if start or doc else ("", 0)
        if start < 0:
            start, end, found, pos = 0, len(text), "", 0
        hit = _find_clause(text, start, end, clause) if clause else None
        if hit is None and clause and found == "" and doc:
            hit = _find_clause(text, 0, len(text), doc)
        if hit is not None:
            found, pos = hit[1], hit[0]
        line = text.count("\n", 0, pos) + 1 if found else None
        return Passage(seed, self.index[seed]["title"], line, _quote(text, pos) if found else "", found)


def _document_region(text: str, doc: str) -> tuple[int, int]:
    """(start, end) of a document in a seed: ``篇3`` is a part heading, anything else a title."""
    if not doc:
        return 0, len(text)
    m = re.match(r"篇\s*(\d+)", doc)
    if m:
        n = int(m.group(1))
        heading = re.compile(rf"(^篇{n}[:：])|(篇{n}\s*$)", re.M)
        h = heading.search(text)
        if not h:
            return -1, len(text)
        nxt = re.compile(rf"(^篇{n + 1}[:：])|(篇{n + 1}\s*$)", re.M).search(text, h.end())
        return h.start(), nxt.start() if nxt else len(text)
    title = re.split(r"[（(\s]", doc)[0]
    pos = text.find(title) if title else -1
    return (pos, len(text)) if pos >= 0 else (-1, len(text))


_SPLIT = re.compile(r"[\s,，、；;：:“”\"'《》（）()]+|…+|\.{3,}")


def _find_clause(text: str, start: int, end: int, clause: str) -> tuple[int, str] | None:
    """Where a clause is in ``text[start:end]``.

    Its number (4.2.2, ④, 第二十八条) followed closely by its quoted words is best; then the words
    anywhere in the document; then the number alone. A bare list number ("7") is only a guess —
    lists restart in every part — and is marked "number".
    """
    region = text[start:end]
    tokens = [t.strip("()（）") for t in _SPLIT.split(clause)]
    pieces = (piece for f in _SPLIT.split(clause) for piece in re.split(r"[\d.%％+＋]+", f))
    fragments = sorted({f for f in pieces if len(f) >= 3}, key=len, reverse=True)
    numbered = None
    for token in tokens:
        if re.fullmatch(r"\d+(\.\d+)+|第[一二三四五六七八九十百]+条", token or ""):
            numbered = token
        elif re.fullmatch(r"[①-⑳]+", token or ""):
            numbered = token[:1]
        if numbered:
            break
    at = region.find(numbered) if numbered else -1
    if at >= 0:
        window = region[at:at + 800]
        for f in fragments:
            j = window.find(f)
            if j >= 0:
                return start + at + j, "clause"
    for f in fragments:
        i = region.find(f)
        if i >= 0:
            return start + i, "clause"
    if at >= 0:
        return start + at, "clause"
    # "3.26" where the text numbers the items of its section "26." — and a bare "7": a guess to check
    for token in tokens:
        if re.fullmatch(r"\d+(\.\d+)+", token or ""):
            token = token.rsplit(".", 1)[1]
        if re.fullmatch(r"\d+", token or ""):
            m = re.search(rf"(^|\n|\s){token}[、.．]", region)
            if m:
                return start + m.start() + len(m.group(1)), "number"
    return None


def _quote(text: str, pos: int, before: int = 40, after: int = 220) -> str:
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    a, b = max(line_start, pos - before), min(line_end, pos + after)
    return ("…" if a > line_start else "") + text[a:b].strip() + ("…" if b < line_end else "")


# --------------------------------------------------------------------------
# the rule files, as written
# --------------------------------------------------------------------------

def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleFileError(f"{path.name} 无法读取: {exc}（请用 UTF-8 保存）") from exc


def rule_files(folder: Path) -> list[tuple[Path, dict]]:
    folder = Path(folder)
    if not folder.is_dir():
        raise RuleFileError(f"规则文件夹不存在: {folder}")
    files = [(p, _load_yaml(p)) for p in sorted(folder.glob("*.yaml")) if p.name not in NOT_RULE_FILES]
    return [(p, d) for p, d in files if isinstance(d, dict)]


def value_in_force(param: dict, day: date) -> tuple[Any, dict | None]:
    for v in param.get("values") or []:
        start, end = _as_date(v.get("from")), _as_date(v.get("to"))
        if start and start <= day and (end is None or day <= end):
            return v.get("value"), v
    return None, None


def _as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def show(value: Any) -> str:
    """A parameter value or a fact value as a person reads it."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(show(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}: {show(v)}" for k, v in value.items())
    if value is None:
        return "—"
    return str(value)


def _with_params(text: str, params: dict, day: date) -> str:
    """``{$name}`` in a rule title → the value in force, the way the rule reads that night."""
    def sub(m):
        p = params.get(m.group(1))
        return show(value_in_force(p, day)[0]) if p else m.group(0)
    return re.sub(r"\{\$([A-Za-z_][\w]*)\}", sub, text or "")


def condition_lines(when: Any, params: dict, day: date, indent: str = "") -> list[str]:
    """The ``when`` block as lines: 字段 ≥ $参数（= 值）."""
    def term(v):
        if isinstance(v, str) and v.startswith("$") and v[1:] in params:
            return f"{v}（= {show(value_in_force(params[v[1:]], day)[0])}）"
        return show(v)

    lines = []
    if isinstance(when, dict):
        for key, cond in when.items():
            if key in ("any", "all") and isinstance(cond, list):
                lines.append(f"{indent}{CONDITIONS[key]}：")
                for sub in cond:
                    lines += condition_lines(sub, params, day, indent + "　　")
            elif isinstance(cond, dict) and set(cond) <= set(CONDITIONS):
                lines.append(f"{indent}{key} " + "，".join(f"{CONDITIONS[k]} {term(v)}" for k, v in cond.items()))
            else:
                lines.append(f"{indent}{key} = {term(cond)}")
    elif when is not None:
        lines.append(f"{indent}{show(when)}")
    return lines


def example_table(examples: list[dict]) -> dict:
    """Worked examples as a table: one column per fact field, then the expected result."""
    fact_keys: list[str] = []
    time_keys: list[str] = []
    for ex in examples:
        for k in (ex.get("fact") or {}):
            if k not in fact_keys:
                fact_keys.append(k)
        for k in (ex.get("times") or {}):
            if k not in time_keys:
                time_keys.append(k)
    has_as_of = any(ex.get("as_of") for ex in examples)
    header = ["示例"] + (["检查时间"] if has_as_of else []) + fact_keys + time_keys + ["应触发的规则", "应得到的值"]
    rows = []
    for ex in examples:
        expected = ex.get("expect")
        values = dict(ex.get("expect_values") or {})
        if ex.get("expect_clock"):
            values.update({f"时限{k}": v for k, v in ex["expect_clock"].items()})
        rows.append([ex.get("name", "")] + ([show(ex.get("as_of"))] if has_as_of else [])
                    + [show((ex.get("fact") or {}).get(k, "")) for k in fact_keys]
                    + [show((ex.get("times") or {}).get(k, "")) for k in time_keys]
                    + [show(expected) if expected else "（无）", show(values) if values else ""])
    return {"header": header, "rows": rows}


# --------------------------------------------------------------------------
# policy statuses
# --------------------------------------------------------------------------

def load_catalogue(folder: Path) -> dict:
    path = Path(folder) / CATALOGUE_FILE
    if not path.exists():
        raise RuleFileError(f"规则文件夹中没有政策目录 {CATALOGUE_FILE}", hint="从 wuye 的 rules/ 复制一份")
    data = _load_yaml(path) or {}
    if not isinstance(data.get("policies"), dict):
        raise RuleFileError(f"{CATALOGUE_FILE}: 缺少 policies")
    return data


def policy_area(pid: str) -> str:
    m = re.match(r"[A-Z]+", pid)
    return m.group(0) if m else pid


def _natural(pid: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", pid)]


def policy_statuses(catalogue: dict, files: list[tuple[Path, dict]]) -> list[dict]:
    """Every policy with its status: derived from the rule files, explained by the catalogue."""
    listed: dict[str, list[str]] = {}
    ruled: dict[str, list[str]] = {}
    for path, data in files:
        for pid in data.get("policies") or []:
            listed.setdefault(str(pid), []).append(path.name)
        for rule in data.get("rules") or []:
            if isinstance(rule, dict) and rule.get("policy"):
                ruled.setdefault(str(rule["policy"]), []).append(str(rule.get("id")))
    entries = dict(catalogue["policies"])
    for pid in sorted(set(listed) | set(ruled)):
        entries.setdefault(pid, {"title": "（政策目录中没有此编号）"})
    areas = catalogue.get("areas") or {}
    area_order = list(areas)
    out = []
    for pid, entry in entries.items():
        entry = entry or {}
        declared = entry.get("status")
        rules = ruled.get(pid, [])
        if rules:
            status = "partly" if declared == "partly" else "enforced"
        elif declared in ("enforced", "partly"):
            status = declared
        elif pid in listed:
            status = "partly"
        else:
            status = "out_of_scope"
        why = entry.get("why") or ""
        if not why and status == "partly" and not rules:
            why = f"规则文件 {'、'.join(listed[pid])} 列出此政策，但还没有规则。"
        if not why and status == "out_of_scope":
            why = "尚未纳入规则文件。"
        if status == "enforced" and declared == "out_of_scope":
            why = ""  # the catalogue's reason is out of date: rules now enforce it
        area = policy_area(pid)
        out.append({"id": pid, "area": area, "area_name": areas.get(area, area), "title": entry.get("title", ""),
                    "source": entry.get("source", ""), "status": status, "status_text": STATUS_TEXT[status],
                    "why": why, "rules": rules, "files": listed.get(pid, [])})
    out.sort(key=lambda e: (area_order.index(e["area"]) if e["area"] in area_order else len(area_order),
                            _natural(e["id"])))
    return out


# --------------------------------------------------------------------------
# the book
# --------------------------------------------------------------------------

@dataclass
class Rulebook:
    html: Path
    pdf: Path | None
    policies: list[dict]
    rules: int
    citations: int
    located: int
    pdf_note: str = ""


def book_context(rules: Path, day: date, sources: Sources) -> dict:
    catalogue = load_catalogue(rules)
    files = rule_files(rules)
    cite_cache: dict[str, Citation] = {}

    def cite(text):
        if text not in cite_cache:
            cite_cache[text] = sources.cite(text)
        return cite_cache[text]

    books = []
    n_rules = 0
    for path, data in files:
        params = data.get("parameters") or {}
        plist = []
        for name, p in params.items():
            value, entry = value_in_force(p, day)
            history = [{"from": show(v.get("from")), "to": show(v.get("to")) if v.get("to") else "至今",
                        "value": show(v.get("value")), "citation": cite(v["citation"]) if v.get("citation") else None}
                       for v in p.get("values") or []]
            plist.append({"name": name, "label": p.get("label", ""), "unit": p.get("unit", ""),
                          "value": show(value), "company": bool(p.get("company_setting")), "note": p.get("note", ""),
                          "citation": cite(p.get("citation")), "history": history})
        rlist = []
        for r in data.get("rules") or []:
            if not isinstance(r, dict):
                continue
            n_rules += 1
            then = r.get("then") or {}
            rlist.append({
                "id": r.get("id"), "policy": r.get("policy"), "title": _with_params(r.get("title", ""), params, day),
                "raw_title": r.get("title", ""), "citation": cite(r.get("citation")), "note": r.get("note", ""),
                "when": condition_lines(r.get("when"), params, day),
                "then": [(k, show(v) if not isinstance(v, dict) else json.dumps(v, ensure_ascii=False))
                         for k, v in then.items()] if isinstance(then, dict) else [("", show(then))],
                "examples": example_table([e for e in r.get("examples") or [] if isinstance(e, dict)]),
            })
        books.append({"file": path.name, "title": data.get("title", path.stem), "policies": data.get("policies") or [],
                      "source": data.get("source", ""), "note": data.get("note", ""), "parameters": plist,
                      "rules": rlist})
    policies = policy_statuses(catalogue, files)
    for p in policies:
        p["citation"] = cite(p["source"])
    calendar = _load_yaml(rules / CALENDAR_FILE) if (rules / CALENDAR_FILE).exists() else None
    counts = {k: sum(1 for p in policies if p["status"] == k) for k in STATUS_TEXT}
    all_cites = list(cite_cache.values())
    return {
        "day": day.isoformat(), "rules_folder": str(rules), "files": books, "policies": policies,
        "counts": counts, "status_text": STATUS_TEXT, "n_rules": n_rules,
        "calendar_years": sorted((calendar or {}).get("years") or {}) if isinstance(calendar, dict) else [],
        "sources": [{"id": k, "title": v["title"], "file": v["file"]} for k, v in sources.index.items()],
        "n_citations": sum(len(c.passages) for c in all_cites),
        "n_located": sum(1 for c in all_cites for p in c.passages if p.found),
    }


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)  # mkstemp makes it private; the book is for everyone
    os.replace(tmp, path)


def write_rulebook(rules: Path, out: Path, day: date | None = None, *, pdf: bool = True) -> Rulebook:
    """Write the rulebook into ``out``: index.html, sources/, and a PDF when a printer program is found."""
    rules, out = Path(rules), Path(out)
    day = day or date.today()
    sources = Sources()
    ctx = book_context(rules, day, sources)
    env = _env()
    html = out / "index.html"
    _write(html, env.get_template("rulebook.html").render(**ctx))
    page = env.get_template("source.html")
    for s in ctx["sources"]:
        lines = sources.text(s["id"]).split("\n")
        _write(out / "sources" / f"{s['id']}.html", page.render(source=s, lines=lines))
        shutil.copyfile(SOURCES / s["file"], out / "sources" / s["file"])
    pdf_path, note = (print_pdf(html, out / "规则手册.pdf") if pdf else (None, "未要求 PDF"))
    return Rulebook(html, pdf_path, ctx["policies"], ctx["n_rules"], ctx["n_citations"], ctx["n_located"], note)


def find_printer() -> tuple[str, str] | None:
    """("chromium", path) or ("libreoffice", path) — whichever is installed, Chromium first."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return "chromium", path
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return "libreoffice", path
    return None


def print_pdf(html: Path, pdf: Path, timeout: int = 180) -> tuple[Path | None, str]:
    """Print the HTML to PDF with headless Chromium or LibreOffice; (None, reason) when neither works."""
    printer = find_printer()
    if printer is None:
        return None, "未找到 Chromium 或 LibreOffice，只生成了 HTML（安装 chromium 后可同时生成 PDF）"
    kind, exe = printer
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        if kind == "chromium":
            cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                   "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri()]
        else:
            cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf:writer_web_pdf_Export",
                   "--outdir", profile, str(html)]
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, f"{kind} 未能生成 PDF（{exc.__class__.__name__}），只生成了 HTML"
        if kind == "libreoffice":
            made = Path(profile) / (html.stem + ".pdf")
            if made.exists():
                shutil.move(str(made), pdf)
    if pdf.exists() and pdf.stat().st_size > 0:
        return pdf, f"PDF 由 {kind} 生成"
    return None, f"{kind} 未能生成 PDF，只生成了 HTML"
