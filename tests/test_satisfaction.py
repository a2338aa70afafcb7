"""Satisfaction surveys, GM reception day and GM mailbox (S1–S5): ledger rows to findings at each boundary
(the 5 % phone line, 08:30 on the third morning, a mailbox report at 08:31), across nights."""
from __future__ import annotations

from pathlib import Path

from .conftest import write_xlsx

OWNERS = [["房号", "业主姓名", "联系电话", "身份证号", "家庭成员"],
          ["1-1-101", "王建国", "13812345678", "110101199001011234", "妻"]]
SURVEY = ["房号", "调查期次", "发放日期", "物业助理", "回收日期", "交客服部时间", "填写方式", "客服主管同意", "总体评价",
          "意见建议", "回访日期", "问卷定稿日期", "问卷审批人", "统计报告日期"]
LETTERS = ["信件编号", "信箱", "开箱时间", "来信人", "来信内容", "呈报时间", "交全质办时间"]


def folder(tmp_path: Path, *, surveys=None, receptions=None, letters=None, name="ledgers") -> Path:
    d = tmp_path / name
    write_xlsx(d / "业主档案.xlsx", {"业主": OWNERS})
    if surveys is not None:
        write_xlsx(d / "满意度调查登记.xlsx", {"调查": [["2026年下半年业户满意度调查表发放回收登记"], SURVEY, *surveys]})
    if receptions is not None:
        write_xlsx(d / "总经理接待日记录表.xlsx", {"接待日": [["接待日期", "通知日期", "来访业户", "谈话内容", "记录人"],
                                                           *receptions]})
    if letters is not None:
        write_xlsx(d / "总经理信箱信件处理台帐.xlsx", {"台帐": [LETTERS, *letters]})
    return d


def form(unit, method="亲笔", score="满意", *, out="2026-11-03", back="2026-11-05", sub="2026-11-06 08:00",
         consent=None, opinion=None, followup=None, rnd="2026年下半年"):
    return [unit, rnd, out, "张伟", back, sub, method, consent, score, opinion, followup, "2026-10-01", "李强",
            "2026-11-10"]


def survey_rows(n: int, phone: int, unhappy: int = 0) -> list[list]:
    rows = []
    for i in range(n):
        unit = f"{1 + i // 100}-{1 + (i // 10) % 10}-{101 + i % 10}"
        rows.append(form(unit, "电话" if i < phone else "亲笔", "不满意" if i >= n - unhappy else "满意",
                         consent="王芳" if i < phone else None))
    return rows


def by_rule(result, prefix="S") -> dict[str, list]:
    out: dict[str, list] = {}
    for f in result.findings:
        if f.rule.startswith(prefix):
            out.setdefault(f.rule, []).append(f)
    return out


def test_nineteen_phone_questionnaires_of_400_households_are_within_5_percent_and_21_are_not(tmp_path, night):
    ok = night(folder(tmp_path, surveys=survey_rows(400, 19), name="a"), tmp_path / "out_a", "2026-11-20")
    assert "S2-1" not in by_rule(ok)
    line = night(folder(tmp_path, surveys=survey_rows(400, 20), name="b"), tmp_path / "out_b", "2026-11-20")
    assert "S2-1" not in by_rule(line)  # exactly 5 % is not more than 5 %
    over = night(folder(tmp_path, surveys=survey_rows(400, 21), name="c"), tmp_path / "out_c", "2026-11-20")
    (f,) = by_rule(over)["S2-1"]
    assert "调查 400 户，电话调查 21 份，占 5.25%" in f.message and "总调查户数的5%" in f.message


def test_forms_handed_in_at_0830_on_the_third_morning_are_on_time_and_0831_late(tmp_path, night):
    rows = [form("1-1-101", sub="2026-11-06 08:30"), form("1-1-102", sub="2026-11-06 08:30")]
    r = night(folder(tmp_path, surveys=rows, name="a"), tmp_path / "out_a", "2026-11-20")
    assert "S1-4" not in by_rule(r)
    rows = [form("1-1-101", sub="2026-11-06 08:30"), form("1-1-102", sub="2026-11-06 08:31")]
    r = night(folder(tmp_path, surveys=rows, name="b"), tmp_path / "out_b", "2026-11-20")
    (f,) = by_rule(r)["S1-4"]  # one finding for the 物业助理's batch, not one per form
    assert "应于 2026-11-06 08:30 前交客户服务部" in f.message and "超时 1分钟" in f.message
    assert "张*" in f.message and "张伟" not in f.message


def test_a_form_returned_on_the_third_day_is_late_and_unreturned_forms_are_not_findings(tmp_path, night):
    rows = [form("1-1-101", back="2026-11-05"), form("1-1-102", back="2026-11-06", sub="2026-11-06 08:00"),
            form("1-1-103", back=None, sub=None, score=None)]
    r = night(folder(tmp_path, surveys=rows), tmp_path / "out", "2026-11-20")
    (late,) = by_rule(r)["S1-3"]
    assert late.subject == "1-1-103" or late.subject == "1-1-102"
    assert late.subject == "1-1-102" and "应于 2026-11-05 23:59 前回收" in late.message


def test_satisfaction_below_85_percent_after_the_round_closes(tmp_path, night):
    r = night(folder(tmp_path, surveys=survey_rows(20, 0, unhappy=4)), tmp_path / "out", "2026-11-20")
    (f,) = by_rule(r)["S3-1"]
    assert "满意 16 份，满意率 80.00%，低于目标85%" in f.message
    r = night(folder(tmp_path, surveys=survey_rows(20, 0, unhappy=3), name="b"), tmp_path / "out_b", "2026-11-20")
    assert "S3-1" not in by_rule(r)  # 85.00 %


def test_a_scheduled_month_without_a_survey_and_a_phone_survey_without_consent(tmp_path, night):
    rows = [form("1-1-101", out="2026-06-10", back="2026-06-11", sub="2026-06-12 08:00", rnd="2026年上半年"),
            form("1-1-102", "电话", out="2026-06-10", back="2026-06-11", sub="2026-06-12 08:00", rnd="2026年上半年")]
    r = night(folder(tmp_path, surveys=rows), tmp_path / "out", "2026-12-02")
    (missed,) = by_rule(r)["S1-1"]
    assert missed.subject == "2026-11" and "2026年11月" in missed.message and "6月、11月" in missed.message
    (phone,) = by_rule(r)["S5-3"]
    assert phone.subject == "1-1-102"


def test_an_opinion_not_visited_within_a_week_of_the_return_deadline(tmp_path, night):
    rows = [form("1-1-101", opinion="电梯噪音大", followup="2026-11-12"),
            form("1-1-102", opinion="绿化差", followup="2026-11-13")]
    r = night(folder(tmp_path, surveys=rows), tmp_path / "out", "2026-11-20")
    (f,) = by_rule(r)["S5-2"]
    assert f.subject == "1-1-102" and "应于 2026-11-12 23:59 前回访" in f.message


def test_the_mailbox_report_at_0831_next_morning_is_late(tmp_path, night):
    letters = [["XX-01", "管理处总经理信箱", "2026-11-19 16:00", "王建国", "车位收费", "2026-11-20 08:30", None],
               ["XX-02", "管理处总经理信箱", "2026-11-19 16:00", "李秀英", "噪音", "2026-11-20 08:31", None],
               ["JT-01", "物业集团总经理信箱", "2026-11-19 16:00", "赵雷", "服务态度", None, "2026-11-20 09:00"]]
    r = night(folder(tmp_path, letters=letters), tmp_path / "out", "2026-11-20 23:59")
    (late,) = by_rule(r)["S4-4"]
    assert late.subject == "XX-02" and "应于 2026-11-20 08:30 前呈报公司领导批示" in late.message
    assert "超时 1分钟" in late.message
    (group,) = by_rule(r)["S5-4"]
    assert group.subject == "JT-01" and "应当天交全质办" in group.message


def test_a_letter_not_yet_reported_is_overdue_every_night_until_reported_then_stays_late(tmp_path, night):
    out = tmp_path / "out"
    row = ["XX-03", "管理处总经理信箱", "2026-11-19 16:00", "王建国", "车位", None, None]
    d = folder(tmp_path, letters=[row])
    assert night(d, out, "2026-11-20 08:00") and "S4-4" not in by_rule(night(d, out, "2026-11-20 08:00"))
    assert by_rule(night(d, out, "2026-11-20 12:00"))["S4-4"][0].details["state"] == "已超时"
    assert by_rule(night(d, out, "2026-11-21"))["S4-4"][0].details["state"] == "已超时"
    d2 = folder(tmp_path, letters=[[*row[:5], "2026-11-21 10:00", None]], name="later")
    assert by_rule(night(d2, out, "2026-11-22"))["S4-4"][0].details["state"] == "超时完成"


def test_reception_day_each_quarter_with_a_weeks_notice(tmp_path, night):
    receptions = [["2026-03-20", "2026-03-13", "王建国", "停车难", "张伟"],
                  ["2026-09-18", "2026-09-12", "李秀英", "绿化", "张伟"]]
    r = night(folder(tmp_path, receptions=receptions), tmp_path / "out", "2026-11-20")
    (quarter,) = by_rule(r)["S4-1"]
    assert "2026年4月至6月" in quarter.message
    (notice,) = by_rule(r)["S4-2"]
    assert notice.subject == "2026-09-18" and "只提前 6 天" in notice.message
