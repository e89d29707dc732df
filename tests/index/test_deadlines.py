"""Deadlines: raw words kept, an ISO date (the last day of the period) where the year is known."""

from __future__ import annotations

import pytest

from zhengce.index.cleaning import normalize
from zhengce.index.deadlines import find_deadline, parse_deadline
from zhengce.index.model import Deadline


@pytest.mark.parametrize("raw, year, iso, ongoing", [
    ("2019年底前完成", None, "2019-12-31", False),
    ("2020年6月底前", None, "2020-06-30", False),
    ("2021年2月底前", None, "2021-02-28", False),
    ("5月底完成", 2019, "2019-05-31", False),
    ("5月底完成", None, None, False),       # no year known: raw only, never a guessed year
    ("2020年12月31日前", None, "2020-12-31", False),
    ("2020年上半年", None, "2020-06-30", False),
    ("2025年第三季度前完成", None, "2025-09-30", False),
    ("2026年一季度末", None, "2026-03-31", False),
    ("2024年4季度", None, "2024-12-31", False),
    ("长期坚持", 2019, None, True),
    ("持续推进", None, None, True),
    # forms of provincial task lists (ours): within a year, this year's end, ongoing from a year
    ("2025年内完成", None, "2025-12-31", False),
    ("今年底前", 2025, "2025-12-31", False),
    ("年底前", 2025, "2025-12-31", False),
    ("年底前", None, None, False),          # no year known: raw only
    ("2025年起持续推进", None, None, True),
])
def test_forms(raw, year, iso, ongoing):
    d = parse_deadline(raw, year)
    assert (d.raw, d.iso, d.ongoing) == (raw, iso, ongoing)


def test_where_deadlines_are_read():
    # a time label, a duty parenthesis, an explicit phrase in running text
    assert find_deadline(normalize("完成时限：2020年6月底前")).iso == "2020-06-30"
    assert find_deadline(normalize("开展考核。（5月底完成，牵头考核单位：国务院办公厅）"), 2019).iso == "2019-05-31"
    assert find_deadline(normalize("各地要于2019年底前完成清理。")).raw == "2019年底前完成"
    assert find_deadline(normalize("出台实施细则，2025年第二季度前完成。")).iso == "2025-06-30"
    # a label's bare year or month is due at its end; running text says so with 内完成 or 今年底前
    assert find_deadline(normalize("（完成时限：2026年）")).iso == "2026-12-31"
    assert find_deadline(normalize("完成时限：2025年6月")).iso == "2025-06-30"
    assert find_deadline(normalize("推进改造。(2025年内完成)")).iso == "2025-12-31"
    assert find_deadline(normalize("各地要在今年底前完成清理。"), 2024).iso == "2024-12-31"
    # …but not a target in running text, nor a label's value that only starts like one
    assert find_deadline(normalize("2025年内完成投资500亿元。")) is None
    assert find_deadline(normalize("今年底前后陆续开工。"), 2024) is None
    assert find_deadline(normalize("完成时限：内部审核通过后一个月"), 2024).iso is None
    assert find_deadline(normalize("完成时限：年内"), 2024).iso == "2024-12-31"
    assert find_deadline(normalize("到2025年,年内新增就业10万人。")) is None  # a bare year in text is no deadline
    # a time label inside 【…】, parted from the labels around it only by spaces
    assert find_deadline(normalize("加快建设。【牵头:省科技厅　时限:2025年10月　配合:省数据局】")).raw == "2025年10月"
    # ordinary words are no deadline in running text
    assert find_deadline(normalize("要持续推进改革，长期坚持下去。")) is None
    assert find_deadline(normalize("到2025年，体育竞赛表演产业总规模达到2万亿元。")) is None


def test_recurring_and_relative_time_limits_keep_their_words_and_no_date():
    # every year: never the document's year
    assert find_deadline(normalize("每年3月31日前报送上年度工作情况。"), 2019) == Deadline("每年3月31日前")
    assert find_deadline(normalize("2020年起，每年2月底前完成上述工作。"), 2019) == Deadline("每年2月底前完成")
    assert find_deadline(normalize("完成时限：每年12月底前"), 2019) == Deadline("每年12月底前")
    assert parse_deadline("每年2月底前完成", 2019) == Deadline("每年2月底前完成")
    # counted from an event, or within days; a dated deadline in the same clause wins
    assert find_deadline(normalize("应当自本办法施行之日起６个月内完成整改。")) == Deadline("自本办法施行之日起6个月内")
    assert find_deadline(normalize("受理后在5个工作日内办结。")) == Deadline("在5个工作日内")
    assert find_deadline(normalize("2019年底前完成清理，此后每年3月底前更新。")).iso == "2019-12-31"
    # a horizon is no time limit; a month with this year's words keeps its date
    assert find_deadline(normalize("力争3年内建成区域中心。")) is None
    assert find_deadline(normalize("今年12月底前完成清理。"), 2024).iso == "2024-12-31"


def test_a_period_is_due_on_its_last_day():
    # a phase's dates in brackets or under a time label; the year is the document's when unstated
    assert find_deadline(normalize("①自查阶段（2月20日—3月10日）。各校开展自查。"), 2024) == \
        Deadline("2月20日—3月10日", "2024-03-10")
    assert find_deadline(normalize("开展检查（3月1日-15日）")).iso is None  # no year known
    assert find_deadline(normalize("时间节点：2025年5月1日—2025年6月30日")).iso == "2025-06-30"
    assert find_deadline(normalize("（2024年12月1日至2025年1月15日）")).iso == "2025-01-15"
    # in running text a period is what is done when, not by when
    assert find_deadline(normalize("2024年3月1日至3月31日开展专项行动。")) is None
    assert parse_deadline("2021年至2023年持续推进") == Deadline("2021年至2023年持续推进", None, True)


def test_a_clause_gets_its_deadline_with_the_document_year():
    from zhengce.index.corpus import parse_text

    doc = parse_text("关于做好督查工作的通知\n发布日期:2019-03-01\n一、重点工作\n1.开展督查。（5月底完成，牵头考核单位：国务院办公厅）\n",
                     "d")
    item = doc.clauses[-1]
    assert item.deadline.raw == "5月底完成" and item.deadline.iso == "2019-05-31"
    assert item.unit_names("lead") == ["国务院办公厅"]


def test_a_real_deadline_in_running_text():
    from pathlib import Path

    from zhengce.index.corpus import load_document

    doc = load_document(Path(__file__).resolve().parents[2] / "eval" / "corpus" / "govcn" / "content_5362266.htm")
    clause = next(c for c in doc.clauses if c.heading.startswith("(四)建立考核信息系统"))
    assert (clause.deadline.raw, clause.deadline.iso) == ("2019年3月底前", "2019-03-31")


@pytest.mark.parametrize("text, raw, iso, ongoing", [
    # a bracket inside a tail's unit list ("各市(州)"), and a quarter with no year (the document's)
    ("推进项目。(以工代赈处、各市(州)发改委按职责分工负责;长期坚持)", "长期坚持", None, True),
    ("推进项目。(以工代赈处负责,各市(州)发改委具体实施;10月底前)", "10月底前", "2025-10-31", False),
    ("开展培训。(省人社厅职业能力建设处负责;三季度)", "三季度", "2025-09-30", False),
    # running text: a sentence closing on 长期坚持, a bare 年底前, a quarter 完成
    ("盟生态环境局牵头,盟水利局配合,长期坚持。", "长期坚持", None, True),
    ("确保年底前全部开工。", "年底前", "2025-12-31", False),
    ("2025年第三季度完成排查,年底前完成整改。", "2025年第三季度完成", "2025-09-30", False),
])
def test_deadline_forms_of_a_fifth_probe(text, raw, iso, ongoing):
    assert find_deadline(normalize(text), 2025) == Deadline(raw, iso, ongoing)


@pytest.mark.parametrize("text", [
    "到2025年底,普及率达到65%。",  # a target's horizon, not a deadline
    "每年2月底前完成上述工作。",  # recurring: read as such, not as 底前
    "坚持长期坚持的原则开展工作。",  # the words inside a sentence
])
def test_running_text_that_states_no_new_deadline(text):
    got = find_deadline(normalize(text), 2025)
    assert got is None or got.raw.startswith("每年")


def test_a_time_label_line_is_the_task_deadline_over_a_time_its_text_mentions():
    from zhengce.index.corpus import parse_text

    doc = parse_text("关于印发优化营商环境任务清单的通知\n发布日期:2025-03-01\n一、重点任务\n"
                     "1.推行企业开办全程网办,企业开办时间压缩至1个工作日以内。\n牵头单位:县市场监管局\n"
                     "完成时限:2025年6月底前\n2.推进政务服务事项网上办理。\n", "d")
    item = next(c for c in doc.clauses if c.text.startswith("推行企业开办"))
    assert (item.deadline.raw, item.deadline.iso) == ("2025年6月底前", "2025-06-30")
    assert item.unit_names("lead") == ["县市场监管局"]
