"""``wuye explain``: why was this notice issued, why is this finding there?

Given a notice number (催字〔2026〕第0002号), a finding id or a unit, and a
night's output folder, it prints in Chinese, for each finding concerned: the
rule and its citation, the parameter values in force that night with their
effective dates and sources, the facts the rule was applied to, and every
input cell (file › sheet › cell). It reads the night's ``findings.json`` and
``run.json``, the register and the rule files; it changes nothing.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from hashlib import sha256
from pathlib import Path
from typing import Any

from .errors import WuyeError

_NIGHT = re.compile(r"\d{4}-\d{2}-\d{2}")
_PARAM_REF = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_NOTICE = re.compile(r"[〔〕\[\]（）()【】\s]")


# How the fact fields are called in the ledgers and the policies (the code's names stay beside them).
FACT_LABELS = {
    "unit": "房号", "unit_display": "房号（台账写法）", "item": "收费项目", "period_text": "所属期", "period": "所属期",
    "outstanding": "欠缴金额", "amount_due": "应收金额", "paid": "实收金额", "due_date": "缴费期限",
    "days_late": "逾期天数", "instalment": "分期协议", "pay_by": "缴清期限", "late_fee": "违约金",
    "late_fee_ratio": "违约金与本金之比", "days_to_due": "距缴费期限天数", "payment_method": "缴费方式",
    "ticket_id": "工单号", "kind": "类型", "level": "等级", "deadline": "时限", "state": "时限状态", "met_at": "完成时间",
    "received_at": "受理时间", "completed_at": "完成时间", "week_start": "抽样周（周一）", "site": "项目",
    "rank": "名次", "sample_size": "抽取张数", "completed_orders": "完成张数", "method": "抽样方法", "seed": "排序原文",
    "building": "楼栋", "debit_pending": "银行代扣尚未扣款", "rate": "收费率", "target": "目标", "step": "催费级别",
}
VALUE_LABELS = {"instalment": {"on_time": "按期履行", "late": "未按期履行", "none": "无"}}


class ExplainError(WuyeError):
    hint = "可以写通知书编号（如 催字〔2026〕第0002号）、异常清单 ID 列中的编号，或房号；用 --date 指定检查日期，--out 指定输出文件夹。"


@dataclass
class Night:
    folder: Path
    as_of: str
    findings: list[dict]
    run: dict


def _norm_notice(text: str) -> str:
    return _NOTICE.sub("", text or "")


def nights(out: Path) -> list[str]:
    return sorted(p.name for p in Path(out).iterdir() if p.is_dir() and _NIGHT.fullmatch(p.name)) if Path(out).is_dir() else []


def load_night(out: Path, day: str) -> Night:
    folder = Path(out) / day
    path = folder / "findings.json"
    if not path.exists():
        have = "、".join(nights(out)[-5:]) or "无"
        raise ExplainError(f"{folder} 中没有 findings.json（这一晚没有运行过？已有的检查日期：{have}）")
    findings = json.loads(path.read_text(encoding="utf-8"))
    run_path = folder / "run.json"
    run = json.loads(run_path.read_text(encoding="utf-8")) if run_path.exists() else {}
    return Night(folder, day, findings, run)


def _marks(out: Path, ids: list[str | None]) -> dict[str, tuple]:
    """The clerk's latest marks for these findings (engine.record.status), if any were made."""
    path = out / "status.sqlite"
    wanted = [i for i in ids if i]
    if not path.exists() or not wanted:
        return {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0]: row[1:] for row in db.execute(
            f"SELECT id, status, handler, note, handled_on, origin FROM marks WHERE id IN ({','.join('?' * len(wanted))})",
            wanted)}
    except sqlite3.Error:
        return {}
    finally:
        db.close()


def _register_notice(out: Path, query: str) -> tuple[str, str, str] | None:
    """(subject, document, as_of) of a notice number, from the register."""
    path = Path(out) / "register.sqlite"
    if not path.exists():
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for number, subject, document, as_of in db.execute("SELECT number, subject, document, as_of FROM notices"):
            if _norm_notice(number) == _norm_notice(query):
                return subject, document, as_of
    except sqlite3.Error:
        return None
    finally:
        db.close()
    return None


def find(out: Path, query: str, day: str | None = None) -> tuple[Night, list[dict], str]:
    """The night and its findings the query names, and what the query was taken to be."""
    query = query.strip()
    looks_like_notice = "第" in query and "号" in query
    notice = _register_notice(out, query) if looks_like_notice else None
    if day is None:
        if notice:
            day = notice[2]
        else:
            available = nights(out)
            if not available:
                raise ExplainError(f"输出文件夹 {out} 中还没有任何一晚的结果")
            day = available[-1]
    night = load_night(out, day)
    items = night.findings
    if looks_like_notice:
        hits = [f for f in items if _norm_notice(f.get("number") or "") == _norm_notice(query)]
        if not hits and notice:  # findings.json without notice numbers: the register names subject and document
            hits = [f for f in items if f.get("subject") == notice[0] and f.get("document") == notice[1]]
        if not hits:
            raise ExplainError(f"{day} 的结果中没有通知书 {query}")
        return night, hits, f"通知书 {query}"
    hits = [f for f in items if f.get("id") and (f["id"] == query or (len(query) >= 6 and f["id"].startswith(query)))]
    if hits:
        return night, hits, f"发现 {query}"
    hits = [f for f in items if f.get("subject") == query]
    if not hits:
        unit = re.sub(r"\s", "", query)
        hits = [f for f in items if (f.get("details") or {}).get("unit_display") == unit]
    if hits:
        return night, hits, f"对象 {query}"
    # a finding id computed without findings.json ids (older outputs): try the fallback id
    from .findings import Finding, Source
    from .record.status import finding_id
    for f in items:
        finding = Finding(policy=f["policy"], rule=f["rule"], category=f.get("category", ""), subject=f.get("subject"),
                          message=f.get("message", ""), details=f.get("details") or {},
                          sources=tuple(Source(s["file"], s["sheet"], s["row"], s.get("column")) for s in f["sources"]))
        if finding_id(finding) == query:
            return night, [f], f"发现 {query}"
    raise ExplainError(f"{day} 的结果中找不到 {query}")


# ----------------------------------------------------------------------------- the text

def _value(v: Any, unit: str = "") -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, list):
        return "、".join(_value(x) for x in v) + (f" {unit}" if unit else "")
    if isinstance(v, dict):
        return "；".join(f"{k}: {_value(x)}" for k, x in v.items())
    return f"{v}{(' ' + unit) if unit else ''}"


def _param_names(rule) -> list[str]:
    names: list[str] = []
    text = json.dumps(rule.model_dump(mode="json", by_alias=True), ensure_ascii=False)
    for name in _PARAM_REF.findall(text):
        if name not in names:
            names.append(name)
    return names


def _rulebook(night: Night, rules: Path | None):
    from .rules import load_rulebook

    candidates = [rules] if rules else []
    if night.run.get("rules_folder"):
        candidates.append(Path(night.run["rules_folder"]))
    from . import REPO
    candidates.append(REPO / "rules")
    for folder in candidates:
        if folder and Path(folder).is_dir():
            return load_rulebook(Path(folder))
    raise ExplainError("找不到规则文件夹", "请用 --rules 指定当晚使用的规则文件夹")


def _column_letters(ledgers: Path, night: Night) -> dict[tuple[str, str], dict[str, str]]:
    """For sources without a cell address: (file, sheet) → {header: column letter}, read from the ledger's
    header row — only when the ledger file is byte for byte the one the night read (its SHA-256 in run.json)."""
    from .render.xlsx import col_letter

    out: dict[tuple[str, str], dict[str, str]] = {}
    hashes = night.run.get("inputs") or {}
    for sheet in night.run.get("sheets") or []:
        file, name, header_row = sheet.get("file"), sheet.get("sheet"), sheet.get("header_row")
        path = ledgers / file if file else None
        if not header_row or not path or not path.exists():
            continue
        if isinstance(hashes, dict) and hashes.get(file) != sha256(path.read_bytes()).hexdigest():
            continue
        try:
            from python_calamine import CalamineWorkbook

            grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:
            continue
        letters: dict[str, str] = {}
        for r in range(max(0, header_row - 2), min(len(grid), header_row)):  # a two-row header: both rows
            for c, v in enumerate(grid[r]):
                if v not in (None, ""):
                    letters.setdefault(re.sub(r"\s", "", str(v)), col_letter(c + 1))
        out[(file, name)] = letters
    return out


def _source_line(s: dict, letters: dict) -> str:
    where = f"{s.get('file')} › {s.get('sheet')}"
    cell = s.get("cell")
    column = s.get("column")
    if not cell and column and s.get("row"):
        letter = letters.get((s.get("file"), s.get("sheet")), {}).get(re.sub(r"\s", "", column))
        if letter:
            cell = f"{letter}{s['row']}"
    if cell:
        text = f"{where} › {cell}" + (f"（{column}）" if column else "")
    elif s.get("row"):
        span = sorted(letters.get((s.get("file"), s.get("sheet")), {}).values(), key=lambda c: (len(c), c))
        whole = f"（整行 {span[0]}{s['row']}:{span[-1]}{s['row']}）" if span else "（整行）"
        text = f"{where} › 第{s['row']}行" + (f" › {column}" if column else whole)
    else:
        text = where
    if s.get("value") not in (None, ""):
        text += f" = {s['value']}"
    return text


def explain_text(out: Path, query: str, day: str | None = None, rules: Path | None = None) -> str:
    night, hits, what = find(Path(out), query, day)
    on = date.fromisoformat(night.as_of)
    book = _rulebook(night, rules)
    lines = [f"{what} — 检查日期 {night.as_of}（{night.folder}）", ""]
    changed = [n for n, h in (night.run.get("rules") or {}).items()
               if (book.folder / n).exists() and sha256((book.folder / n).read_bytes()).hexdigest() != h]
    if changed:
        lines += [f"注意：规则文件 {'、'.join(changed)} 在这一晚之后改过；下列规则和参数按现在的文件显示，"
                  "当晚的参数值以 run.json 为准。", ""]
    ledgers = Path(night.run.get("ledgers_folder") or "ledgers")
    letters = _column_letters(ledgers, night) if any(not s.get("cell") for f in hits for s in f.get("sources", [])) else {}
    if not ledgers.is_absolute() and not ledgers.exists():
        ledgers = Path(out).resolve().parent / ledgers
    run_params = night.run.get("parameters") or {}
    marks = _marks(Path(out), [f.get("id") for f in hits])
    for n, f in enumerate(hits, start=1):
        lines += _explain_one(n, len(hits), f, book, on, run_params, letters)
        mark = marks.get(f.get("id") or "")  # a finding without an id has no mark
        if mark:
            status, handler, note, handled_on, origin = mark
            lines.insert(len(lines) - 1, f"  处理状态（异常清单）：{status}" + (f"，{handler}" if handler else "")
                         + (f"，{handled_on}" if handled_on else "") + (f"：{note}" if note else "") + f"（{origin}）")
    return "\n".join(lines).rstrip() + "\n"


def _explain_one(n: int, total: int, f: dict, book, on: date, run_params: dict, letters) -> list[str]:
    head = f"【{n}/{total}】" if total > 1 else ""
    lines = [f"{head}{f.get('severity', '')} {f['policy']} / {f['rule']}" + (f"  对象 {f['subject']}" if f.get("subject") else "")
             + (f"  ID {f['id']}" if f.get("id") else "")]
    lines.append(f"  说明：{f.get('message', '')}")
    if f.get("document"):
        lines.append(f"  文书：《{f['document']}》" + (f" 编号 {f['number']}" if f.get("number") else ""))
    if f.get("matter"):
        lines.append(f"  事项：{f['matter']}")
    rule = None
    try:
        rule = book.rule(f["rule"])
    except WuyeError:
        pass
    if rule is not None:
        params_now = {}
        for name in _param_names(rule):
            try:
                params_now[name] = book.param(name, on)
            except WuyeError:
                pass
        title = re.sub(r"\{\$([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: _value(params_now.get(m.group(1), m.group(0))),
                       rule.title)
        lines.append(f"  规则：{rule.id} {title}")
        lines.append(f"  出处：{rule.citation}")
        if getattr(rule, "company_setting", False):
            lines.append("  （此规则为公司设定，来源文件未作规定）")
        if getattr(rule, "note", ""):
            lines.append(f"  备注：{rule.note}")
        names = _param_names(rule)
        if names:
            lines.append(f"  参数（{on:%Y-%m-%d} 当晚生效的值）：")
        for name in names:
            lines.append("    " + _param_line(book, name, on, run_params.get(name)))
    else:
        lines.append(f"  规则：{f['rule']}" + ("（读取台账时的数据检查）" if f["policy"] == "DATA" else "（规则文件中已没有此规则）"))
        if f.get("citation"):
            lines.append(f"  出处：{f['citation']}")
    facts = f.get("facts") or f.get("details") or {}
    if facts:
        lines.append("  事实（规则据以判断的数据）：")
        for k, v in facts.items():
            if v in (None, ""):
                continue
            shown = VALUE_LABELS.get(k, {}).get(v, v) if isinstance(v, str) else v
            label = f"{FACT_LABELS[k]}（{k}）" if k in FACT_LABELS else k
            lines.append(f"    {label} = {_value(shown)}")
    sources = f.get("sources") or []
    if sources:
        lines.append("  输入单元格：")
        lines += [f"    {_source_line(s, letters)}" for s in sources]
    lines.append("")
    return lines


def _param_line(book, name: str, on: date, recorded) -> str:
    try:
        file, p = book.parameter(name)
    except WuyeError:
        return f"{name}: 规则文件中已没有此参数" + (f"（当晚的值：{_value(recorded)}）" if recorded is not None else "")
    v = p.at(on)
    value = recorded.get("value") if isinstance(recorded, dict) and "value" in recorded else recorded
    if value is None and v is not None:
        value = v.value
    text = f"{p.label}（{name}）= {_value(value, p.unit)}"
    if v is not None:
        text += f"，自 {v.from_} 起生效" + (f"至 {v.to}" if v.to else "")
        text += f"；出处：{v.citation or p.citation}"
    else:
        text += f"；出处：{p.citation}（当晚没有生效的值）"
    history = [x for x in p.values if x is not v]
    if history:
        text += "；其他时期：" + "，".join(f"{x.from_}" + (f"至{x.to}" if x.to else "起") + f" {_value(x.value, p.unit)}"
                                       for x in history)
    if p.company_setting:
        text += "（公司设定）"
    text += f"  [{file.name}]"
    return text
