"""Shift hand-over and duty logs (D1–D4): hand-over entries, forbidden hand-overs, the written report the day after a
major event, the weekly check of every post's records — from ledger rows, at each boundary and across nights."""
from __future__ import annotations

from pathlib import Path

from .conftest import write_xlsx

HANDOVER = ["交接班时间", "班次", "交班人", "接班人", "交接事项", "原因", "经过", "结果", "交班人签字", "接班人签字",
            "重大或紧急事件未处理完", "交接准备工作完成"]
DUTY = ["值班日期", "岗位", "值班人", "值班起止时间", "值班情况", "处理结果", "重大事件", "书面报告时间", "检查人",
        "检查日期"]


def folder(tmp_path: Path, *, handovers=None, logs=None, name="ledgers") -> Path:
    d = tmp_path / name
    write_xlsx(d / "业主档案.xlsx", {"业主": [["房号", "业主姓名", "联系电话", "身份证号", "家庭成员"],
                                            ["1-1-101", "王建国", "13812345678", "110101199001011234", "妻"]]})
    if handovers is not None:
        write_xlsx(d / "交接班记录.xlsx", {"交接班": [["客服部交接班记录"], HANDOVER, *handovers]})
    if logs is not None:
        write_xlsx(d / "值班记录表.xlsx", {"值班": [DUTY, *logs]})
    return d


def by_rule(result, prefix="D") -> dict[str, list]:
    out: dict[str, list] = {}
    for f in result.findings:
        if f.rule.startswith(prefix) and not f.rule.startswith("DATA"):
            out.setdefault(f.rule, []).append(f)
    return out


def hand(at="2026-11-18 17:00", matter="3栋电梯困人已解救", cause="停电", course="报修并安抚业主", result="已恢复",
         hs="张伟", ts="王芳", major="否", ready="是"):
    return [at, "白班", "张伟", "王芳", matter, cause, course, result, hs, ts, major, ready]


def log(day="2026-11-18", post="客服前台", who="张伟", span="08:00-17:00", what="正常", result=None, major="否",
        reported=None, checker=None, checked=None):
    return [day, post, who, span, what, result, major, reported, checker, checked]


def test_a_hand_over_missing_its_course_and_the_incoming_signature(tmp_path, night):
    rows = [hand(), hand(at="2026-11-19 17:00", course=None, ts=None),
            hand(at="2026-11-20 17:00", matter="无", cause=None, course=None, result=None)]
    r = night(folder(tmp_path, handovers=rows), tmp_path / "out", "2026-11-20 23:59")
    (f,) = by_rule(r)["D1-1"]
    assert "2026-11-19 17:00" in f.message and "记录缺少：经过、接班人签字" in f.message
    assert "张*" in f.message and "张伟" not in f.message


def test_a_hand_over_while_a_major_event_is_unresolved_is_forbidden(tmp_path, night):
    rows = [hand(major="是，2栋水管爆裂抢修中"), hand(at="2026-11-19 17:00", ready="否"),
            hand(at="2026-11-20 17:00")]
    logs = [log("2026-11-20", what="地下车库进水", major="是", reported="2026-11-21 09:00")]  # no result yet
    r = night(folder(tmp_path, handovers=rows, logs=logs), tmp_path / "out", "2026-11-20 23:59")
    found = {f.message.split("（")[0]: f.message for f in by_rule(r)["D2-1"]}
    assert set(found) == {"2026-11-18 17:00", "2026-11-19 17:00", "2026-11-20 17:00"}
    assert "重大或紧急事件未处理完（是,2栋水管爆裂抢修中）" in found["2026-11-18 17:00"]
    assert "交接班准备工作未完成" in found["2026-11-19 17:00"]
    assert "地下车库进水" in found["2026-11-20 17:00"]


def test_a_major_event_reported_the_next_day_is_on_time_and_two_days_later_is_late(tmp_path, night):
    logs = [log("2026-11-17", what="电梯困人", result="已解救", major="是", reported="2026-11-18 23:00", checker="李强"),
            log("2026-11-18", what="水管爆裂", result="已修复", major="是", reported="2026-11-20 09:00", checker="李强")]
    r = night(folder(tmp_path, logs=logs), tmp_path / "out", "2026-11-20 23:59")
    (f,) = by_rule(r)["D3-1"]
    assert f.subject == "2026-11-18 张*" and "应于 2026-11-19 23:59 前上报客服部经理" in f.message
    assert "超时 9小时" in f.message


def test_a_major_event_without_a_report_is_overdue_night_after_night_and_stays_late_once_reported(tmp_path, night):
    out = tmp_path / "out"
    row = log("2026-11-18", what="火警误报", result="已复位", major="是", checker="李强")
    d = folder(tmp_path, logs=[row])
    assert "D3-1" not in by_rule(night(d, out, "2026-11-19 12:00"))  # the next day has not ended
    assert by_rule(night(d, out, "2026-11-20"))["D3-1"][0].details["state"] == "已超时"
    assert by_rule(night(d, out, "2026-11-21"))["D3-1"][0].details["state"] == "已超时"
    row[7] = "2026-11-21 10:00"
    d2 = folder(tmp_path, logs=[row], name="later")
    assert by_rule(night(d2, out, "2026-11-22"))["D3-1"][0].details["state"] == "超时完成"


def test_each_posts_week_is_checked_and_an_unchecked_week_is_reported_once_it_ends(tmp_path, night):
    logs = [log("2026-11-09", post="客服前台", checker="李强", checked="2026-11-13"),
            log("2026-11-10", post="客服前台"),
            log("2026-11-10", post="大堂值守", who="王芳"),  # nobody checked 大堂值守 that week
            log("2026-11-17", post="客服前台")]  # this week has not ended on the 20th
    r = night(folder(tmp_path, logs=logs), tmp_path / "out", "2026-11-20")
    (f,) = by_rule(r)["D4-1"]
    assert f.message.startswith("大堂值守 2026-11-09至2026-11-15")


def test_a_duty_record_with_an_event_and_no_result(tmp_path, night):
    logs = [log("2026-11-18", what="业主投诉噪音", result=None, checker="李强"),
            log("2026-11-19", what="正常", result=None, checker="李强")]
    r = night(folder(tmp_path, logs=logs), tmp_path / "out", "2026-11-20")
    (f,) = by_rule(r)["D4-2"]
    assert f.subject == "2026-11-18 张*" and "值班记录缺少：处理结果" in f.message


def test_a_duty_log_without_a_check_column_is_said_once(tmp_path, night):
    d = tmp_path / "ledgers"
    write_xlsx(d / "值班记录表.xlsx", {"值班": [["值班日期", "值班人", "值班情况", "处理结果"],
                                              ["2026-11-18", "张伟", "正常", None]]})
    r = night(d, tmp_path / "out", "2026-11-20")
    gaps = by_rule(r)["D4-3"]
    assert len(gaps) == 1 and "检查人或检查日期" in gaps[0].message
