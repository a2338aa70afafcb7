"""Move-in, move-out, goods release and owner records (入伙 / 退伙 / 放行条 / 业主档案) — M1–M6 in ``rules/movein.yaml``.

Facts (one per ledger row, or per unit for M2):
- ``movein_file``   a row of the move-in register (入伙资料查验登记): which of the papers the rule file names are
                    missing (first move-in, second move-in, someone acting for the owner) — M1, M6;
- ``movein_docs``   a unit's 《入伙文件签署发放确认表》 (its own sheet, or the same columns on the move-in register):
                    documents not issued, not signed — M2;
- ``moveout``       a row of the move-out register: papers missing, fee settlement not explicit without a written
                    statement, closed (建档) or not — M3, M6;
- ``release_slip``  a 《物品出入放行条》: a non-owner without the owner's written consent, the lower half returned
                    the same day (a clock), filed — M4;
- ``owner_record``  an owner-file row missing items of a complete record — M5, listed masked for a visit;
- ``column_gap``    a sheet without a column a rule needs (said once per sheet, never guessed per row).

Which papers are required, the words meaning "missing" or "owner", are parameters of the rule file.
"""
from __future__ import annotations

from collections import defaultdict

from ..outcomes.engine import fmt_time
from ..render.mask import mask_name, mask_phone
from ..validate import Records
from ._paperwork import COLUMN_GAP, gap_facts, moment, present, text
from .base import Area, Context, Derived, Fact, FactType

# the papers and documents by the names the seeds (and the vocabulary labels) give them
PAPERS = {
    "准予入住通知书": "entry_notice", "身份证或营业执照复印件": "id_copy", "代理入伙委托证明": "proxy_letter",
    "代理人身份证": "proxy_id", "发展商要求的其他资料": "developer_papers", "商品房买卖合同复印件": "sales_contract",
    "家庭成员相片": "family_photos", "委托银行代收收费协议书": "bank_agreement",
    "业主入伙交接验收签认表": "acceptance_form",
    "住户手册": "handbook", "装修管理规定": "decoration_rules", "住宅使用说明书": "usage_manual",
    "住宅质量保证书": "warranty", "业主档案": "owner_file", "业主公约": "covenant", "消防安全责任书": "fire_pledge",
    "房屋转让情况通知书": "transfer_notice", "转让合同": "contract", "书面说明": "statement",
    "管理处负责人同意": "head_consent", "物业交接验收表": "handover_form",
}
OWNER_ITEMS = {"业主姓名": "owner_name", "房号": "unit", "联系电话": "phone", "证件号码": "id_number",
               "家庭成员": "family"}

MOVEIN = FactType("movein_file", {
    "unit": str, "owner_masked": str, "date_text": str, "movein_kind": str, "second": bool, "by_proxy": bool,
    "missing": str, "missing_count": int, "proxy_missing": str, "proxy_missing_count": int,
}, "入伙资料", columns=(("房号", "unit"), ("业主", "owner_masked"), ("入伙日期", "date_text"),
                        ("缺少的资料", "missing")))
DOCS = FactType("movein_docs", {
    "unit": str, "owner_masked": str, "recorded": bool, "not_issued": str, "not_issued_count": int,
    "not_signed": str, "not_signed_count": int,
}, "入伙文件签署发放", columns=(("房号", "unit"), ("业主", "owner_masked"), ("未发放", "not_issued"),
                                ("未签收", "not_signed")))
MOVEOUT = FactType("moveout", {
    "unit": str, "owner_masked": str, "date_text": str, "filed": bool, "filed_text": str, "missing": str,
    "missing_count": int, "settlement": str, "consent": bool, "handover_form": bool,
}, "退伙", columns=(("房号", "unit"), ("业主", "owner_masked"), ("退伙日期", "date_text"), ("缺少的资料", "missing")))
SLIP = FactType("release_slip", {
    "slip": str, "unit": str, "mover_masked": str, "goods": str, "issued_text": str, "holder": str,
    "consent": bool, "returned": bool, "returned_text": str, "filed": bool, "filing_recorded": bool,
}, "物品出入放行条", columns=(("放行条", "slip"), ("房号", "unit"), ("搬运人", "mover_masked"), ("物品", "goods"),
                              ("放行时间", "issued_text")), clock_sheet="放行条下联未收回")
OWNER = FactType("owner_record", {
    "unit": str, "name_masked": str, "phone_masked": str, "missing": str, "missing_count": int,
}, "业主档案", columns=(("房号", "unit"), ("业主", "name_masked"), ("联系电话", "phone_masked"),
                        ("缺少的项目", "missing")))


def _labels(params: dict, name: str, out: Derived) -> list[str]:
    """A parameter listing papers by name; a name the engine does not know is said, not ignored."""
    labels = [str(x) for x in params.get(name) or []]
    unknown = [x for x in labels if x not in PAPERS and x not in OWNER_ITEMS]
    if unknown:
        from ..findings import Finding
        out.findings.append(Finding(policy="DATA", rule="DATA-param", category="规则参数", subject=name,
                                    severity="错误", message=f"规则参数 {name} 中的资料名称 {'、'.join(unknown)} "
                                    f"不是台账中的栏目（可用: {'、'.join(PAPERS)}），这些资料未核对"))
    return [x for x in labels if x in PAPERS or x in OWNER_ITEMS]


def derive(records: Records, ctx: Context) -> Derived:
    out = Derived()
    p = ctx.params
    words = p.get("paper_missing_words") or []
    owners = {o.unit.key: o for o in records.of("owners")}
    out.facts += _movein(records, ctx, out, words)
    out.facts += _docs(records, ctx, out, words)
    out.facts += _moveout(records, ctx, out, words)
    out.facts += _slips(records, ctx, out, words, owners)
    out.facts += _owner_records(records, ctx, out)
    return out


def _unit(rec) -> str:
    return rec.unit.display if getattr(rec, "unit", None) is not None else ""


def _missing(rec, labels: list[str], words) -> list[str]:
    """Papers whose column is on the sheet and whose cell says they were not collected."""
    return [x for x in labels if PAPERS[x] in rec.ref.columns and not present(getattr(rec, PAPERS[x], None), words)]


def _movein(records: Records, ctx: Context, out: Derived, words) -> list[Fact]:
    p = ctx.params
    first = _labels(p, "movein_papers", out)
    second = _labels(p, "movein_second_papers", out)
    proxy = _labels(p, "movein_proxy_papers", out)
    optional = _labels(p, "movein_papers_if_column", out)
    rows = [r for r in records.of("movein") if r.movein_date is None or r.movein_date <= ctx.day]
    facts = gap_facts(rows, "M1", "入伙资料查验登记", {PAPERS[x]: x for x in dict.fromkeys(first + second + proxy)},
                      "入伙资料是否齐全")
    for rec in rows:
        is_second = "二次" in text(getattr(rec, "movein_type", None))
        by_proxy = bool(text(getattr(rec, "proxy_name", None))) or present(getattr(rec, "proxy_letter", None), words)
        needed = list(dict.fromkeys((second if is_second else first) + optional))
        missing = _missing(rec, needed, words)
        proxy_missing = _missing(rec, proxy, words) if by_proxy else []
        when = rec.movein_date
        facts.append(Fact("movein_file", rec.unit.key, {
            "unit": _unit(rec), "owner_masked": mask_name(text(getattr(rec, "owner_name", None))) or "（未写业主）",
            "date_text": f"{when:%Y-%m-%d}" if when else "（未写日期）",
            "movein_kind": "二次入伙" if is_second else "入伙", "second": is_second, "by_proxy": by_proxy,
            "missing": "、".join(f"《{x}》" if x in ("准予入住通知书",) else x for x in missing) or "无",
            "missing_count": len(missing), "proxy_missing": "、".join(proxy_missing) or "无",
            "proxy_missing_count": len(proxy_missing),
        }, (rec.ref.whole_row(),), matter=f"入伙 {when:%Y-%m-%d}" if when else "入伙"))
    return facts


def _docs(records: Records, ctx: Context, out: Derived, words) -> list[Fact]:
    p = ctx.params
    issued = _labels(p, "movein_issued_documents", out)
    signed = _labels(p, "movein_signed_documents", out)
    fields = {PAPERS[x] for x in issued + signed}
    rows = [r for r in records.of("movein") if fields & set(r.ref.columns)
            and (r.movein_date is None or r.movein_date <= ctx.day)]
    rows += [r for r in records.of("movein_signoff")
             if getattr(r, "signed_on", None) is None or r.signed_on <= ctx.day]
    facts = gap_facts(rows, "M2", "入伙文件签署发放确认表", {PAPERS[x]: x for x in issued + signed},
                      "入伙文件是否发放、签收")
    by_unit: dict[str, list] = defaultdict(list)
    for rec in rows:
        by_unit[rec.unit.key].append(rec)
    movein_units = {r.unit.key: r for r in records.of("movein") if r.movein_date is None or r.movein_date <= ctx.day}
    if records.of("movein_signoff"):  # a unit that moved in but is on no 确认表
        for key, rec in movein_units.items():
            by_unit.setdefault(key, [])
    for key, recs in sorted(by_unit.items()):
        def got(label: str) -> bool:
            return any(present(getattr(r, PAPERS[label], None), words) for r in recs)

        def gap(labels: list[str]) -> list[str]:
            # recorded on some sheet of this unit with that column, or no sheet of it at all
            return [x for x in labels if not got(x) and (not recs or any(PAPERS[x] in r.ref.columns for r in recs))]

        not_issued, not_signed = gap(issued), gap(signed)
        src = recs or [movein_units[key]]
        owner = next((text(getattr(r, "owner_name", None)) for r in src if text(getattr(r, "owner_name", None))), "")
        facts.append(Fact("movein_docs", key, {
            "unit": _unit(src[0]), "owner_masked": mask_name(owner) or "（未写业主）", "recorded": bool(recs),
            "not_issued": "、".join(f"《{x}》" for x in not_issued) or "无", "not_issued_count": len(not_issued),
            "not_signed": "、".join(f"《{x}》" for x in not_signed) or "无", "not_signed_count": len(not_signed),
        }, tuple(r.ref.whole_row() for r in src), matter="入伙文件"))
    return facts


def _moveout(records: Records, ctx: Context, out: Derived, words) -> list[Fact]:
    p = ctx.params
    papers = _labels(p, "moveout_papers", out)
    explicit_words = [str(w) for w in p.get("settlement_explicit_words") or []]
    rows = [r for r in records.of("moveout") if r.moveout_date <= ctx.day]
    facts = gap_facts(rows, "M3", "退伙登记", {PAPERS[x]: x for x in papers}
                      | {"fees_settlement": "费用结算是否明确", "statement": "书面说明", "filed_on": "建档日期"},
                      "退伙资料是否备齐")
    facts += gap_facts(rows, "M6", "退伙登记", {"head_consent": "管理处负责人同意", "handover_form": "物业交接验收表"},
                       "退伙是否经管理处负责人同意、是否填写《物业交接验收表》")
    for rec in rows:
        missing = _missing(rec, papers, words)
        settled = text(getattr(rec, "fees_settlement", None))
        explicit = bool(settled) and present(settled, words) and any(w in settled for w in explicit_words) \
            and not any(settled.startswith(w) for w in ("未", "不", "没"))
        if not explicit and "statement" in rec.ref.columns and not present(getattr(rec, "statement", None), words):
            missing.append("书面说明")
        filed_on = getattr(rec, "filed_on", None)
        filed = filed_on is not None and filed_on <= ctx.day
        facts.append(Fact("moveout", rec.unit.key, {
            "unit": _unit(rec), "owner_masked": mask_name(text(getattr(rec, "owner_name", None))) or "（未写业主）",
            "date_text": f"{rec.moveout_date:%Y-%m-%d}", "filed": filed,
            "filed_text": f"{filed_on:%Y-%m-%d}" if filed else "未建档",
            "missing": "、".join(f"《{x}》" if x in ("房屋转让情况通知书",) else x for x in missing) or "无",
            "missing_count": len(missing),
            "settlement": "明确" if explicit else (settled if settled.startswith(("未", "不", "没")) else
                                                  f"未明确（{settled}）" if settled else "未记录"),
            "consent": "head_consent" not in rec.ref.columns or present(getattr(rec, "head_consent", None), words),
            "handover_form": "handover_form" not in rec.ref.columns
            or present(getattr(rec, "handover_form", None), words),
        }, (rec.ref.whole_row(),), matter=f"退伙 {rec.moveout_date:%Y-%m-%d}"))
    return facts


def _slips(records: Records, ctx: Context, out: Derived, words, owners: dict) -> list[Fact]:
    p = ctx.params
    owner_words = [str(w) for w in p.get("slip_owner_words") or []]
    non_owner = [str(w) for w in p.get("slip_non_owner_words") or []]
    rows = [r for r in records.of("release_slips") if r.issued_at <= ctx.as_of]
    facts = gap_facts(rows, "M4", "物品出入放行条", {"returned_at": "下联交回时间"}, "放行条下联是否当日交回")
    for rec in rows:
        role, mover = text(getattr(rec, "mover_role", None)), text(getattr(rec, "mover", None))
        owner = owners.get(rec.unit.key)
        if role:
            holder = ("非业主" if role in non_owner or any(w in role for w in non_owner if not w.isascii()) else
                      "业主" if role in owner_words or any(w in role for w in owner_words if not w.isascii()) else
                      "无法判断")
        elif mover and owner is not None:
            holder = "业主" if "".join(mover.split()) == "".join(str(owner.owner_name).split()) else "非业主"
        else:
            holder = "无法判断"
        returned_at = moment(getattr(rec, "returned_at", None), end_of_day=True)
        if returned_at is not None and returned_at > ctx.as_of:
            returned_at = None
        filed_on = getattr(rec, "filed_on", None)
        slip = text(getattr(rec, "slip_no", None)) or f"{_unit(rec)} {rec.issued_at:%Y-%m-%d %H:%M}"
        facts.append(Fact("release_slip", slip, {
            "slip": slip, "unit": _unit(rec), "mover_masked": mask_name(mover) or "（未写搬运人）",
            "goods": text(rec.goods), "issued_text": fmt_time(rec.issued_at), "holder": holder,
            "consent": present(getattr(rec, "owner_consent", None), words), "returned": returned_at is not None,
            "returned_text": fmt_time(returned_at) or "未交回", "filed": filed_on is not None and filed_on <= ctx.day,
            "filing_recorded": "filed_on" in rec.ref.columns,
        }, (rec.ref.whole_row(),), matter=f"{rec.issued_at:%Y-%m-%d %H:%M}",
            times={"issued_at": rec.issued_at, "returned_at": returned_at},
            closed_at=returned_at))
    return facts


def _owner_records(records: Records, ctx: Context, out: Derived) -> list[Fact]:
    items = _labels(ctx.params, "owner_record_items", out)
    owners = records.of("owners")
    facts = gap_facts(owners, "M5", "业主档案", {OWNER_ITEMS[x]: x for x in items if x in OWNER_ITEMS},
                      "业主档案是否完整")
    for o in owners:
        missing = [x for x in items if x in OWNER_ITEMS and OWNER_ITEMS[x] in o.ref.columns
                   and not text(getattr(o, OWNER_ITEMS[x], None))]
        if not missing:
            continue
        facts.append(Fact("owner_record", o.unit.key, {
            "unit": o.unit.display, "name_masked": mask_name(text(o.owner_name)),
            "phone_masked": mask_phone(text(o.phone)) or "（无）", "missing": "、".join(missing),
            "missing_count": len(missing),
        }, (o.ref.whole_row(),), matter="业主档案"))
    return facts


AREA = Area(
    name="movein",
    title="入伙退伙与业主档案",
    rule_files=("movein",),
    reads=("owners", "movein", "movein_signoff", "moveout", "release_slips"),
    runs_on=("owners", "movein", "movein_signoff", "moveout", "release_slips"),
    fact_types=(MOVEIN, DOCS, MOVEOUT, SLIP, OWNER, COLUMN_GAP),
    derive=derive,
)
