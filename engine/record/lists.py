"""The night's lists: ``findings.json`` for machines, the exception workbook for clerks, CSV lists for
other systems, and ``run.json`` — the manifest an auditor starts from."""
from __future__ import annotations

import csv
import hashlib
import platform
from collections import Counter
from datetime import datetime
from pathlib import Path

from ..findings import Finding
from ..read.kinds import KINDS
from ..render.mask import may_hold_personal, scrub
from ..render.workbook import scrub_value, write_workbook
from ..version import version as wuye_version
from .output import write_json, write_json_list
from .status import finding_id


def counts_of(findings: list[Finding]) -> dict[str, dict[str, int]]:
    return {
        "by_category": dict(sorted(Counter(f.category for f in findings).items())),
        "by_policy": dict(sorted(Counter(f.policy for f in findings).items())),
        "by_severity": dict(sorted(Counter(f.severity for f in findings).items())),
    }


def write_lists(folder: Path, findings: list[Finding], night, counts, as_of: datetime, inventory: list[dict],
                status=None, with_json: bool = True) -> None:
    """findings.json (unless ``with_json`` is off: :func:`write_findings_json` writes it then), the exception
    workbook and the CSV lists."""
    if with_json:
        write_findings_json(folder, findings, status)
    summary: list[list] = [["检查日期", as_of.strftime("%Y-%m-%d %H:%M")], ["发现总数", len(findings)]]
    summary += [[f"类别：{k}", v] for k, v in counts["by_category"].items()]
    summary += [[f"文书：{k}", len(v)] for k, v in sorted(night.notices.items())]
    summary += [[f"台账：{s['file']} › {s.get('sheet') or ''}", sheet_summary(s)] for s in inventory]
    write_workbook(folder / f"异常清单_{as_of.date().isoformat()}.xlsx", findings, night.sheets, summary, status=status)
    for name, (header, rows) in night.csv.items():
        write_csv(folder / name, header, rows)


def write_findings_json(folder: Path, findings: list[Finding], status=None) -> None:
    id_of = status.id_of if status else finding_id  # (the status view has each id already)

    def data():  # one finding at a time into findings.json
        for f in findings:
            item = f.to_json(id_of(f))
            item["message"] = scrub(item["message"])
            details = item["details"]
            # a sample's SHA-256 kept whole; details with no text that could hold a phone or ID number (nearly
            # all: dates, amounts, units) kept as they are after one search (the bench night: 1.0 → 0.1 s)
            if may_hold_personal(details.values()):
                item["details"] = {k: scrub_value(v) for k, v in details.items()}
            yield item
    write_json_list(folder / "findings.json", data())


def sheet_summary(sheet: dict) -> str:
    """What was read of a sheet and which rows were skipped, so no row disappears unseen."""
    if sheet.get("kind") is None:
        return sheet["status"]
    kind = KINDS.get(sheet["kind"])
    text = f"{kind.title if kind else sheet['kind']}，表头第{sheet['header_row']}行，数据 {sheet['data_rows']} 行"
    for reason, rows in sheet.get("skipped_rows", {}).items():
        shown = "、".join(map(str, rows[:20])) + ("……" if len(rows) > 20 else "")
        text += f"；跳过{reason}：第{shown}行"
    return text


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    def cell(v):
        v = "" if v is None else str(v)
        return "'" + v if v[:1] in ("=", "+", "-", "@") else v

    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # utf-8 with BOM: Excel and SMS platforms read it
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows([[cell(v) for v in row] for row in rows])


def parameters_in_force(book, day) -> dict[str, dict]:
    """Every parameter's value on the night, with its effective dates and source (for ``wuye explain``)."""
    out = {}
    for f in book.files:
        for name, p in f.model.parameters.items():
            v = p.at(day)
            if v is not None:
                out[name] = {"value": v.value, "from": v.from_.isoformat(), "to": v.to.isoformat() if v.to else None,
                             "label": p.label, "file": f.name, "citation": v.citation or p.citation,
                             "company_setting": p.company_setting}
    return out


def write_manifest(path: Path, as_of, today, loaded, book, forms: Path, counts, documents, durations,
                   ledgers: Path, rules: Path) -> None:
    from importlib import metadata

    def version(pkg: str):
        try:
            return metadata.version(pkg)
        except metadata.PackageNotFoundError:
            return None

    write_json(path, {
        "as_of": as_of.isoformat(),
        "run_on": today.isoformat(),
        "finished_at": datetime.now().isoformat(timespec="seconds"),
        "version": wuye_version(),
        "ledgers_folder": str(ledgers),
        "inputs": loaded.files,
        "sheets": loaded.inventory,
        "rules_folder": str(rules),
        "rules": book.hashes,
        "parameters": parameters_in_force(book, as_of.date()),
        "forms": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(forms.glob("*")) if p.is_file()},
        "counts": counts,
        "documents": documents,
        "durations_s": durations,
        "python": platform.python_version(),
        "packages": {pkg: version(pkg) for pkg in ("durable_rules", "python-calamine", "docxtpl", "openpyxl",
                                                   "pydantic", "chinesecalendar")},
    })
