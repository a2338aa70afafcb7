"""Fee notices an owner can act on: company details, salutation, legal basis, receipt slip (issue 14)."""
from __future__ import annotations

import re

import pytest
import yaml

from engine.render.company import Company
from engine.render.documents import NoticeTemplate, document_text, render_bytes

from .conftest import REPO

FEE_NOTICES = ["催费通知书", "二次催费通知书", "最后催费通知书"]


def _company() -> Company:
    return Company.model_validate(yaml.safe_load((REPO / "forms" / "forms.yaml").read_text(encoding="utf-8"))["company"])


def _notice(title: str, *, previous=(), instalment=None) -> dict:
    final = title == "最后催费通知书"
    return {
        "number": "催字〔2026〕第0042号", "title": title, "unit": "2栋1单元402", "unit_key": "2-1-402",
        "owner_name": "李秀英", "issue_date": "2026年11月24日", "pay_by": "2026年12月1日", "deadline_days": 7,
        "citation": "004 › 入住手续办理作业指导书 › ⑤",
        "items": [{"item": "物业费", "period": "2026年10月", "amount_due": "223.90", "amount_paid": "0.00",
                   "outstanding": "223.90", "due_date": "2026年10月15日", "days_late": 40,
                   "late_fee": "4.48" if final else "0.00", "step_text": "第二次催缴",
                   "notified_before": "已于2026年11月16日催缴"}],
        "total_outstanding": "223.90", "total_late_fee": "4.48" if final else "0.00",
        "total": "228.38" if final else "223.90",
        "late_fee_rate_text": "每日万分之五（按欠缴本金单利计算）" if final else "",
        "late_fee_basis": "", "previous": list(previous), "instalment": instalment,
    }


def _text(title: str, notice: dict) -> str:
    return document_text(render_bytes(REPO / "forms" / f"{title}.docx", {"notices": [notice], "company": _company()}))


@pytest.mark.parametrize("title", FEE_NOTICES)
def test_fee_notice_names_the_company_payment_channels_and_legal_basis(title):
    company = _company()
    text = _text(title, _notice(title))
    assert "尊敬的李秀英业主：" in text
    assert f"{company.name}{company.department}" in text and company.seal in text
    assert company.phone in text and company.address in text
    for channel in company.payment:
        assert f"{channel.channel}：{channel.detail}" in text
    assert "第九百四十四条" in text and "不得采取停止供电、供水、供热、供燃气等方式催交物业费" in text
    assert ("第五百八十五条" in text) == (title == "最后催费通知书")
    assert "\n依据：" not in text and "004 ›" not in text  # the SOP clause stays in findings, not on the owner's notice
    assert "滞纳金" not in text
    # one deadline, counted from the issue date: the day count and the date agree
    assert "自本通知发出之日起7日内，即2026年12月1日（含当日）前" in text
    assert "收到本通知之日起" not in text
    assert "第二次催缴（已于2026年11月16日催缴）" in text


@pytest.mark.parametrize("title", FEE_NOTICES)
def test_tear_off_receipt_carries_unit_and_number(title):
    text = _text(title, _notice(title))
    receipt = text[text.index("请沿虚线剪下"):]
    assert "送达回执" in receipt
    for needed in ("2栋1单元402", "催字〔2026〕第0042号", f"《{title}》", "签收人（签字）", "签收日期", "2026年11月24日"):
        assert needed in receipt, needed
    assert "李秀英" not in receipt  # the slip names the unit, not the owner


def test_earlier_notices_are_mentioned_only_when_there_are_any():
    none = _text("二次催费通知书", _notice("二次催费通知书"))
    assert "此前已" not in none and "《催费通知书》" not in none
    previous = [{"number": "催字〔2026〕第0007号", "document": "催费通知书", "issue_date": "2026年11月16日"}]
    some = _text("二次催费通知书", _notice("二次催费通知书", previous=previous))
    assert "我中心此前已于2026年11月16日向您发出《催费通知书》（编号：催字〔2026〕第0007号）。" in some
    two = previous + [{"number": "催字〔2026〕第0019号", "document": "二次催费通知书", "issue_date": "2026年11月24日"}]
    final = _text("最后催费通知书", _notice("最后催费通知书", previous=two))
    assert "（编号：催字〔2026〕第0007号）、于2026年11月24日向您发出《二次催费通知书》（编号：催字〔2026〕第0019号）。" in final


def test_instalment_agreement_shows_what_was_paid():
    plan = {"agreement": "FQ-2026-003", "paid": "300.00", "due": "600.00", "note": "第二期未按期缴纳，恢复催缴。"}
    text = _text("最后催费通知书", _notice("最后催费通知书", instalment=plan))
    assert "分期缴费协议（协议编号：FQ-2026-003）" in text and "已缴300.00元" in text and "应缴600.00元" in text
    assert "第二期未按期缴纳，恢复催缴。" in text
    assert "分期缴费协议" not in _text("最后催费通知书", _notice("最后催费通知书"))


def test_compiled_template_matches_docxtpl_with_the_company_block(tmp_path):
    """The fast renderer (one compiled template per process) and docxtpl give the same text."""
    company = _company()
    for title in FEE_NOTICES:
        notice = _notice(title, previous=[{"number": "催字〔2026〕第0001号", "document": "催费通知书",
                                           "issue_date": "2026年10月16日"}])
        ours = NoticeTemplate(REPO / "forms" / f"{title}.docx", company)
        ours.package(ours.body(notice), tmp_path / "ours.docx")
        theirs = render_bytes(REPO / "forms" / f"{title}.docx", {"notices": [notice], "company": company})
        assert document_text(tmp_path / "ours.docx") == document_text(theirs)


def test_templates_carry_no_policy_number():
    """Days, rates and amounts come from the context (rules/), never from the template text."""
    for template in sorted((REPO / "forms").glob("*.docx")):
        text = document_text(template)
        literal = re.sub(r"\{[{%].*?[%}]\}", "", text)
        assert not re.search(r"[0-9０-９]", literal), (template.name, re.findall(r".{8}[0-9].{8}", literal))


def test_a_plain_company_name_still_loads():
    assert Company.model_validate("XX物业服务中心").name == "XX物业服务中心"
    with pytest.raises(ValueError):
        Company.model_validate({"name": "X", "fax": "1"})


def test_the_templates_in_forms_are_what_their_builders_make(tmp_path):
    """forms/*.docx are generated (make forms): a builder changed without regenerating is caught here."""
    import subprocess
    import sys

    subprocess.run([sys.executable, str(REPO / "tools" / "build_forms.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    built = {p.name: p.read_bytes() for p in tmp_path.glob("*.docx")}
    shipped = {p.name: p.read_bytes() for p in (REPO / "forms").glob("*.docx")}
    assert built.keys() == shipped.keys()
    assert [name for name in built if built[name] != shipped[name]] == []
