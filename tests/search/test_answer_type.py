"""Answer types: what kind of fact a question asks for, and the veto when no clause states one."""

from __future__ import annotations

import pytest

from zhengce.index.calibration import Calibration
from zhengce.index.corpus import parse_text
from zhengce.index.embedding import FakeEmbedder
from zhengce.index.store import build_index
from zhengce.search.answer import Answerer
from zhengce.search.answer_type import (
    RULES,
    asked_type,
    names_year,
    pinned_ranks,
    pinned_years,
    question_type,
    states,
)
from zhengce.search.answerability import Answerability
from zhengce.search.engine import SearchEngine
from zhengce.search.intent import DUTY, FIND


@pytest.mark.parametrize("question, kind", [
    ("国家最高科学技术奖奖金有多少", "money"),
    ("專利代理師資格考試報名費多少錢", "money"),  # traditional characters ask the same
    ("来郑州的高层次人才能拿多少购房补贴", "money"),
    ("社团秘书长年纪最大可以多少岁", "age"),
    ("规范性文件合法性审核一般要多少个工作日", "span"),
    ("国务院常务会议多久开一次", "span"),
    ("督查激励实施办法什么时候报国务院办公厅", "when"),
    ("支小支农业务占比要达到多少", "share"),
    ("孵化器的场地租金有补贴吗", "subsidy"),
    ("科技创新券怎么申领", "procedure"),
    ("驾驶证到期换证在哪里办", "procedure"),
    ("年满多少周岁可以申请", "age"),  # an age before a span
    ("每年几月份开始申报", "when"),  # a date before a span
    ("住房公积金几年可以提取一次", "span"),  # 金 then 几年: a span, not an amount
    ("技术合同成交额目标是多少亿？", "money"),  # 多少亿 at the end: an amount
    ("研发费用加计扣除按多大比例在税前扣除", "share"),
    ("技术转移项目按交易额的多少比例给支持", "share"),
    ("制造业研发投入占全社会研发投入的比重目标是多少", "share"),
    ("单次交易限值和年度交易限值各是多少", "money"),  # a limit's amount
    ("首贷额度最高多少", "money"),
    ("考核结果等级是怎么划分的", "grades"),
    ("清理整顿分哪几个阶段", "grades"),
    ("补贴分几档", "grades"),
    ("科技创新券的咨询电话是多少", "contact"),
    ("申报网址是什么", "contact"),
    ("违规使用资金罚款多少", "money"),
    ("郑州市科协主席是谁", "post"),
    ("联席会议召集人由谁担任", "post"),
    ("对接大会今年幾號開幕", "day"),  # traditional characters ask the same
    ("英文版是哪天开通的", "day"),  # a day before a date
    ("几月几日截止申报", "day"),
    ("联席会议的联系人是谁", "post"),
    ("科技型企业贷款有没有贴息", "subsidy"),
])
def test_a_question_asks_for_one_kind_of_fact(question, kind):
    rule = asked_type(question)
    assert rule is not None and rule.name == kind


@pytest.mark.parametrize("question", [
    "谁负责科技成果转化",
    "综合保税区要建成哪几个中心",  # a list, not a count
    "重点检查事项的抽查比例有没有上限",  # yes or no, not a share
    "县区之间研发投入不均衡怎么办",  # what to do, not a procedure
    "近几年出台了哪些科技政策",
    "几乎所有企业都能享受吗",
    "内地西藏初中班扩大招生到多少人",  # a bare count: almost any clause holds a number
    "未来几年体育竞赛表演产业的发展目标是什么",  # 几年 inside a phrase
    "这十几年来科技投入有什么变化",
    "国家融资担保基金有几种合作方式",  # 金有几 then a counter: no amount
    "国家科学技术奖励有几个奖项",
    "去年有多少家企业拿到补贴",  # a count of firms, not an amount
    "任何时候都可以申请吗",  # 任何时 is no 何时
    "申请条件有哪些",  # who qualifies, not how to apply
    "多少年轻人返乡创业",
    "引进多少万人才",  # 多少万 before a counter: a count
    "有哪几个部门负责",  # a list of units, not grades
    "申请材料有哪几类",  # what to bring, not how a thing is graded
    "12345热线归哪个部门统筹管理",  # who runs the hotline, not its number
    "政府网站要不要建外文版",
    "科技成果转化的负责人是谁",  # who is responsible: the units, not a post
])
def test_questions_that_ask_for_no_typed_fact(question):
    assert asked_type(question) is None


def _rule(name):
    return next(r for r in RULES if r.name == name)


@pytest.mark.parametrize("kind, text, stated", [
    ("money", "对获奖人员给予奖金50万元。", True),
    ("money", "对获奖人员给予奖金５０万元。", True),  # full-width digits read through NFKC
    ("money", "收费标准由省级价格主管部门制定。", True),  # how the amount is set is an answer
    ("money", "每年评选一次，奖励做出突出贡献的科技人员。", False),
    ("span", "在执法决定作出之日起20个工作日内公开。", True),
    ("span", "2019年起开展试点。", False),  # a year is a date, not a span
    ("when", "2025年底前完成。", True),
    ("share", "抽查比例不低于5%。", True),
    ("share", "抽查比例不设上限。", False),
    ("subsidy", "对符合条件的孵化器给予运营补贴。", True),
    ("procedure", "向市科技局提出申请，经审核后发放。", True),
    ("procedure", "实施科技创新券制度，激发企业创新活力。", False),
    ("money", "給予獎金５０萬元。", True),  # traditional characters and full-width digits
    ("money", "按其缴纳养老保险费的50%给予补贴。", True),
    ("money", "补贴标准另行制定。", True),
    ("money", "免收培训费。", True),
    ("age", "1985年1月1日以后出生。", True),
    ("span", "符合条件的当场办结。", True),
    ("span", "每学期组织一次。", True),
    ("when", "审核通过后15个工作日内发放到位。", True),
    ("share", "按照6∶4的比例分担。", True),
    ("share", "下调0.5个百分点。", True),
    ("subsidy", "减半征收企业所得税。", True),
    ("subsidy", "符合条件的可以即征即退。", True),
    ("procedure", "登录政务服务网填报。", True),
    ("procedure", "持身份证到社区服务中心领取。", True),
    ("grades", "考核结果分为优秀、良好、合格、不合格四个等次。", True),
    ("grades", "整顿工作分三个阶段进行。", True),
    ("grades", "补贴按企业规模分档给予。", False),  # graded, but not said how
    ("grades", "对三级公立医院实施绩效考核。", False),  # a grade named is no division
    ("contact", "咨询电话：0371-12345678。", True),
    ("contact", "登录www.example.gov.cn在线申报。", True),
    ("contact", "由市科技局负责受理咨询。", False),
    ("money", "处违法所得1倍以上3倍以下罚款。", True),
    ("day", "2006年1月1日正式开通。", True),
    ("day", "2019年3月底前完成。", False),  # a month is no day
    ("day", "每年举办一次对接大会。", False),
])
def test_whether_a_clause_states_a_fact_of_a_kind(kind, text, stated):
    assert states(_rule(kind), [text]) is stated


def test_a_post_or_a_subsidy_form_the_question_names_must_be_stated():
    """"主席是谁" is not answered by a clause naming another post, "有没有贴息" not by any subsidy."""
    post = asked_type("郑州市科协主席是谁")
    assert post.terms == ("主席",) and post.missing == "主席人选"
    assert states(post, ["市科协主席由…担任。"]) and not states(post, ["国家教材委员会主任由…担任。"])
    form = asked_type("郑州对科技型中小企业的贷款有没有贴息？")
    assert form.terms == ("贴息",) and form.missing == "贴息"
    assert states(form, ["对科技型企业贷款给予贴息。"]) and not states(form, ["对孵化器给予运营补贴。"])
    assert asked_type("孵化器的场地租金有补贴吗").terms == ()  # any subsidy states a plain one
    # A duty question is answered by units; a fact it asks besides them is checked too.
    assert question_type("郑州市科协主席是谁", DUTY).name == "post"
    assert question_type("人才公寓归哪个部门管，怎么申请", DUTY).name == "procedure"
    assert question_type("人才公寓归哪个部门管", DUTY) is None


def test_a_question_pins_the_years_it_names():
    assert pinned_years("郑州２０１７年科技工作要点定的目标是多少") == (2017,)  # full-width digits
    assert pinned_years("2015年和2024年对科技金融的要求, 2015年") == (2015, 2024)
    assert pinned_years("未来几年的发展目标") == () and pinned_years("第2017号文件") == ()
    assert names_year(2025, "《三年行动计划(2024—2026年)》") and names_year(2022, "2021年至2023年持续推进")
    assert not names_year(2027, "2024-2026年") and not names_year(2017, "到2020年达到300亿元")


@pytest.mark.parametrize("question, missing", [
    ("2017年技术合同成交额目标是多少亿", "2017年的金额"),  # a kind and a year
    ("2018年國家自然科學獎一等獎是哪個項目", "2018年的情况"),  # a year alone
])
def test_a_find_question_that_pins_a_year_is_typed_by_it(question, missing):
    rule = question_type(question, FIND)
    assert rule is not None and rule.missing == missing
    duty = question_type(question, DUTY)  # a duty question is typed by its kind, never by a year
    assert duty is None or duty.years == ()


def test_a_question_pins_the_grades_and_batches_it_names():
    assert pinned_ranks("二级公立医院绩效考核是从哪年开始的") == ("二级",)
    assert pinned_ranks("第2批试点有哪些") == ("第二批",)  # Arabic digits read as Chinese numerals
    assert pinned_ranks("县级以上人民政府的职责") == () and pinned_ranks("十二级台风") == ()
    rule = question_type("二级公立医院绩效考核是从哪年开始的", FIND)
    assert rule.name == "when" and rule.missing == "二级的时间"
    assert not states(rule, ["2019年，在全国启动三级公立医院绩效考核工作。"])  # another grade's date
    assert states(rule, ["2020年启动二级公立医院绩效考核工作。"])
    untyped = question_type("第一批试点的是哪几个证书", FIND)  # untyped, but the batch is pinned
    assert untyped.ranks == ("第一批",) and not states(untyped, ["启动1+X证书制度试点工作。"])
    assert states(untyped, ["第1批试点包括以下证书。"])


def test_a_clause_of_another_year_does_not_state_the_asked_years_fact():
    rule = question_type("2017年技术合同成交额目标是多少亿", FIND)
    assert not states(rule, ["到2020年，技术合同成交额达到300亿元。"])  # the amount of another year
    assert not states(rule, ["2017年全面完成科技工作目标任务。"])  # the year, but no amount
    assert states(rule, ["2017年技术合同成交额达到200亿元。"])
    assert states(rule, ["2016—2018年，技术合同成交额每年增长10亿元。"])  # a span holding the year


PRIZE = "关于设立郑州市青年科技奖的通知\n一、设立郑州市青年科技奖。每年评选一次，表彰在科技创新中作出突出贡献的青年科技人员。\n"
PRIZE_WITH_AMOUNT = ("关于设立郑州市青年科技奖的通知\n"
                     "一、设立郑州市青年科技奖。每年评选一次，每人奖金10万元，表彰在科技创新中作出突出贡献的青年科技人员。\n")
QUESTION = "郑州市青年科技奖奖金有多少"


def _engine(seed_docs, notice):
    embedder = FakeEmbedder()
    index, _ = build_index([*seed_docs.values(), parse_text(notice, "prize_notice")], embedder)
    return SearchEngine(index, embedder)


def test_a_question_is_refused_when_no_top_clause_states_what_it_asks(seed_docs):
    engine = _engine(seed_docs, PRIZE)
    judge = Answerability(engine).judge
    # The confidence threshold is set to zero: only the answer type can refuse.
    typed = judge(QUESTION, threshold=0.0, answer_type=question_type(QUESTION, FIND))
    assert not typed.answerable and typed.unstated == "金额" and typed.signals["answer_type"] == 0.0
    assert question_type("谁负责郑州市青年科技奖", DUTY) is None  # units are all a duty question asks
    untyped = judge(QUESTION, threshold=0.0)
    assert untyped.answerable and "answer_type" not in untyped.signals
    answer = Answerer(engine, answerability=Answerability(engine, Calibration(threshold=0.0))).ask(QUESTION)
    assert not answer.answerable and "未写明金额" in answer.answer
    assert answer.citations and answer.citations[0].clause.doc_id == "prize_notice"


def test_a_question_about_a_year_no_notice_covers_is_refused(seed_docs):
    """The prize notice states an amount, but of 2020: a 2017 question is not answered from it."""
    engine = _engine(seed_docs, PRIZE_WITH_AMOUNT.replace("每人奖金10万元", "2020年起每人奖金10万元"))
    answerer = Answerer(engine, answerability=Answerability(engine, Calibration(threshold=0.0)))
    refused = answerer.ask("2017年郑州市青年科技奖奖金有多少")
    assert not refused.answerable and "未写明2017年的金额" in refused.answer
    answered = answerer.ask("2020年郑州市青年科技奖奖金有多少")
    assert answered.answerable and answered.citations[0].clause.doc_id == "prize_notice"


def test_the_same_question_is_answered_when_a_clause_states_the_amount(seed_docs):
    engine = _engine(seed_docs, PRIZE_WITH_AMOUNT)
    answer = Answerer(engine, answerability=Answerability(engine, Calibration(threshold=0.0))).ask(QUESTION)
    assert answer.answerable and answer.signals["answer_type"] == 1.0
    assert answer.citations[0].clause.doc_id == "prize_notice"


def test_a_post_question_is_answered_only_by_a_clause_that_names_the_post(seed_docs):
    """"评审委员会主任是谁" reaches the prize notice as a duty question; it names no 主任 until it does."""
    question = "郑州市青年科技奖评审委员会主任是谁"
    engine = _engine(seed_docs, PRIZE)
    answer = Answerer(engine, answerability=Answerability(engine, Calibration(threshold=0.0))).ask(question)
    assert answer.intent == DUTY and not answer.answerable and "未写明主任人选" in answer.answer
    named = PRIZE.replace("青年科技人员。", "青年科技人员。评审委员会主任由市科技局局长担任。")
    engine = _engine(seed_docs, named)
    answer = Answerer(engine, answerability=Answerability(engine, Calibration(threshold=0.0))).ask(question)
    assert answer.answerable and answer.citations[0].clause.doc_id == "prize_notice"


def test_a_contact_question_is_answered_only_by_a_clause_that_gives_one(seed_docs):
    """The prize notice names no telephone: "咨询电话是多少" is refused until a clause gives one."""
    question = "郑州市青年科技奖的咨询电话是多少"
    engine = _engine(seed_docs, PRIZE)
    answer = Answerer(engine, answerability=Answerability(engine, Calibration(threshold=0.0))).ask(question)
    assert not answer.answerable and "未写明联系方式" in answer.answer
    engine = _engine(seed_docs, PRIZE.replace("青年科技人员。", "青年科技人员。咨询电话：0371-67188888。"))
    answer = Answerer(engine, answerability=Answerability(engine, Calibration(threshold=0.0))).ask(question)
    assert answer.answerable and answer.citations[0].clause.doc_id == "prize_notice"
