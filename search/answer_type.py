"""Answer types: the kind of fact a question asks for, and whether a clause states one.

A question can name a matter the notices do discuss and still ask for something none of them
says: "国家最高科学技术奖奖金有多少" finds the decision that awards the prize, which names no
amount; "科技创新券怎么申领" finds clauses on innovation policy that describe no procedure.
Shared words cannot tell these apart from answerable questions, so the answerability judgement
(:mod:`zhengce.search.answerability`) also asks: if the question asks for an amount of money (a
limit's too: "限值各是多少"), an age, a date, a time span, a share, how something is graded or
staged ("等级怎么划分", "分哪几个阶段"), a way to get in touch ("咨询电话是多少"), a day
("几号开幕", "哪天开通": a month is no day), a subsidy or a procedure, does one of the clauses it
would cite state one? Some questions name the very word the answer must hold: a post ("科协主席是
谁" is not answered by a clause naming a 主任) and a subsidy's form ("有没有贴息" is not answered by
any 补贴). A grade the question names itself ("三级医院") is no division: the clause
must say how ("分为…", "分三个阶段", "优秀、良好…").

Like an analyzer chain, the types are small named rules tried in order (``RULES``); the first
whose ``asks`` pattern matches the question decides, so "多少周岁" is an age before it is a span
and "几月份" a date before it is a span. A 几 or 多少 that holds a counter ("几种", "多少家") or
sits inside a phrase ("未来几年", "十几年来") asks for no amount; a bare count ("多少个") is not
typed at all, since almost any clause holds a number. A question that pins a year ("2017年…目标是
多少") also asks that the stating clause be about that year: the clause, its notice's title or its
date must name the year or a span of years holding it ("2024—2026年"), so a question about a year
no notice covers is not answered from another year's figures. A grade or a batch the question
pins ("二级公立医院", "第一批试点") must be named likewise, so a neighbouring grade's clause
("三级公立医院") does not answer it. ``states`` is deliberately loose (an
amount with 元 or a percentage, "免费", "标准另行制定"; a number with a time unit, "当场",
"每学期"…): a rule may only refuse a question whose cited clauses hold no expression of the
kind at all. Questions and clauses are both read normalized (NFKC, traditional → simplified:
"多少錢" asks "多少钱", "５０萬元" states "50万元"); a clause's evidence includes its notice's date.

Only questions are typed: a draft clause pasted to find precedents and a comparison are not. A
duty question ("由谁负责") is answered by units, so it is typed only by a fact it asks besides
them ("人才公寓归哪个部门管，怎么申请", and "是谁" questions about a post, which read as duty
questions), never by a year it names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from zhengce.index.thesaurus import normalize_query
from zhengce.search.intent import DUTY, FIND, is_draft_clause

_NUM = r"[0-9一二三四五六七八九十百千万两〇零半]"
_SUBSIDY = r"(?:补贴|补助|资助|奖励|奖补|贴息|优惠|补偿|扶持资金)"
_PROCEDURE_WORDS = "申请|申领|申报|办理|领取|登记|报名|认定|注册"
_PROCEDURE = f"(?:{_PROCEDURE_WORDS})"
_GRADE = r"(?:类|级|档|等(?![部单])|种|阶段|批|步|层次)"
# After 几/多少: a counter or a time word makes it a count or a span, not an amount
# ("基金有几种…", "公积金几年可以提取一次", "多少家企业拿到补贴").
_NOT_AMOUNT = r"(?!\s*(?:个|家|种|项|类|次|支|档|等|名|人|户|批|所|条|年|月|天|日|号|周|期|轮|倍))"
# Before 几/多少: words that hold them without asking ("未来几年", "十几年来", "这几天").
_NOT_ASKED = r"(?<![近前这那哪十头])(?<!未来)(?<!今后)(?<!过去)(?<!最近)"


@dataclass(frozen=True)
class AnswerType:
    """One kind of fact: ``asks`` finds it in a question, ``states`` in a clause."""

    name: str
    missing: str  # what the refusal says is not stated: "未写明{missing}"
    asks: re.Pattern
    states: re.Pattern
    years: tuple[int, ...] = ()  # years the question pins: a stating text must name each one
    ranks: tuple[str, ...] = ()  # a grade or batch the question pins ("二级", "第一批"): named by each
    terms: tuple[str, ...] = ()  # words the question asks about ("秘书长", "贴息"): a stating text holds one


def _rule(name: str, missing: str, asks: str, states: str) -> AnswerType:
    return AnswerType(name, missing, re.compile(asks), re.compile(states))


_POSTS = (r"主席|副主席|主任|副主任|秘书长|副秘书长|组长|副组长|召集人|局长|厅长|部长|会长|理事长|院长|校长"
          r"|书记|市长|省长|区长|县长|联系人")  # not 负责人: "…的负责人是谁" asks for the units
# A subsidy of one form ("有没有贴息") is only stated by that form, not by any subsidy.
_SUBSIDY_FORM = r"贴息|免息|免税|退税|减税|代偿|租金减免|房租减免"

RULES: tuple[AnswerType, ...] = (
    _rule("post", "人选",
          rf"(?P<term>{_POSTS})(?:是谁|是哪位|由谁(?:担任|兼任)|叫什么)",
          r""),
    _rule("day", "日期",
          r"(?<![这那])几号|哪一?天|几月几[日号]|哪一?日(?![本常])",
          _NUM + r"+\s*(?:日|号)(?![本常])|当日|当天|同日|即日"),
    _rule("money", "金额",
          r"多少钱|多少(?![家个人名户项所])(?:[^，。？?\s]{0,6}?)(?:补贴|补助|奖金|资金|工资|费用|钱)"
          r"|多少(?:亿|万)元?(?=[？?，,。！!\s]|$)|(?:限额|限值|额度)[^，。？?]{0,6}?(?:是|有|为)?(?:多少|几)"
          r"|(?:费|金|价格?|价钱|补贴|补助|资助|奖励|工资|待遇|租金|收费|罚款)(?:标准)?"
          r"(?:是|有|要|为|大概|大约|一般)?(?:多少|几)" + _NOT_AMOUNT,
          _NUM + r"+(?:\.\d+)?\s*(?:元|万元|亿元|千元|百元)|[0-9.]+\s*%|百分之|免费|不收费|减免|全额|据实"
          r"|免收|免交|免缴|不收取|零收费|无偿|倍以[上下]"
          r"|(?:标准|价格|费用|数额|金额|收费)[^。；,，]{0,8}(?:由|按|参照|根据|实行|见|另行|执行|确定|核定)"),
    _rule("age", "年龄", r"多少周?岁|几周?岁|多大岁数|(?:年龄|年纪)[^，。？?]{0,6}(?:多少|多大|几)",
          _NUM + r"+\s*周?岁|\d{4}年[^。；]{0,8}(?:以后|之后|以前|之前)出生|退休年龄|成年"),
    _rule("when", "时间",
          r"什么时候|(?<!任)何时|哪一?年|哪天|哪个月|" + _NOT_ASKED + r"几(?:月份?|号|点)|周几|截止(?:时间|日期)?(?:是|到)",
          r"\d{4}\s*年|\d{4}-\d{1,2}|" + _NUM + r"+\s*(?:月|日|号)|年底|年内|年前|底前|每年|上半年|下半年|季度"
          r"|之日起|以前|之前|前完成|定期|及时|随时|按月|按年|次月|当月|即时|施行|全年|工作日"),
    _rule("span", "期限",
          r"多久|多长时间|" + _NOT_ASKED + r"(?:多少|几)(?:个)?"
          r"(?:工作日|天(?!然)|日(?!本|常)|月|年(?![轻代级度初底末])|小时|周(?![边岁]))(?!级)",
          r"(?:(?<![0-9])[0-9]{1,3}|[一二三四五六七八九十两半]+)\s*(?:个)?(?:工作日|日|天|月|年|周|小时)"
          r"|每(?:年|季度|月|周|半年|两年|三年|五年|学期|旬)|季度|学期|定期|长期|永久|当场|即时|当日|立即"
          r"|次月|次年|期间|有效期|至\d{4}年"),
    _rule("share", "比例", r"(?:比例|占比|百分比|比重)[^，。？?]{0,6}(?:多少|几|多大)|百分之几|多少成|几成"
          r"|(?:多大|多少|什么)的?(?:比例|比重|占比)",
          r"[0-9.]+\s*[%‰]|百分之|千分之|个百分点|" + _NUM + r"+成|" + _NUM + r"+分之"
          r"|\d+\s*[:：∶比]\s*\d+|一半|半数|全部|全额|全覆盖"),
    _rule("grades", "划分",
          r"(?:怎么|如何|怎样)(?:划分|分类|分级|分档|分等)|分(?:为|成)?(?:哪|几)(?:几)?(?:个)?" + _GRADE
          + r"|(?:等级|类别|档次|等次)(?:是)?(?:怎么|如何|怎样)(?:分|定|确定|评定)",
          r"分为|分成|划分为|分" + _NUM + r"+\s*(?:个)?" + _GRADE + r"|" + _NUM
          + r"+\s*个(?:等级|类别|档次|等次|阶段|批次|层次)|第" + _NUM + r"+\s*(?:个)?(?:阶段|批|步)"
          + r"|[A-E]级|优秀|合格|良好|等次"),
    _rule("contact", "联系方式",
          r"(?:电话|热线|联系方式|邮箱|网址|地址)(?:号码)?(?:是|为)?(?:多少|什么|哪|几)|联系(?:谁|人是)"
          r"|(?:打|拨)(?:什么|哪个|几号)电话",
          r"\d{3,4}\s*[-－—]\s*\d{7,8}|(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)123\d\d(?!\d)|电话|热线|网址"
          r"|www\.|https?://|\.gov\.cn|邮箱|@|地址|联系人|联系方式"),
    _rule("subsidy", "补贴",
          rf"(?P<term>{_SUBSIDY_FORM})(?:政策)?吗|有没有(?P<term2>{_SUBSIDY_FORM})"
          r"|" + _SUBSIDY + r"吗|有没有" + _SUBSIDY + r"|(?:什么|哪些)" + _SUBSIDY + r"|补不补|给不给(?:钱|补贴)",
          r"补贴|补助|资助|奖励|奖补|贴息|减免|优惠|补偿|代偿|专项资金|资金支持|财政支持|给予[^。；]{0,8}支持"
          r"|免征|减征|减半|减按|免税|退税|即征即退|先征后返|加计扣除|免收|免租|返还|予以支持"),
    _rule("procedure", "办理程序",
          r"(?:怎么|怎样|如何)(?:才能)?" + _PROCEDURE
          + r"|(?:哪里|哪儿)(?:才能)?(?:" + _PROCEDURE_WORDS + r"|办)|(?:申请|办理|申报)(?:流程|程序)",
          r"申请|申领|申报|办理|受理|提出|提交|登记|备案|审批|审核|认定|注册|程序|流程|材料|窗口"
          r"|报名|领取|换领|填报|登录|前往|持[^。；]{1,12}(?:到|前往)|网上|线上|服务大厅"),
)


# A year a question pins ("2017年", "1998年的"), and a span of years a clause covers ("2024—2026年",
# "2021年至2023年"): read after NFKC, so full-width digits count.
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*年")
_YEAR_SPAN = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*年?\s*(?:—|–|-|~|～|至|到)+\s*((?:19|20)[0-9]{2})(?![0-9])")
# Only a year, a grade or a batch: the question asks for no kind the rules know, but for its matter.
_ANY = _rule("pinned", "情况", r"(?!)", r"")


# A grade or a batch a question pins ("二级公立医院", "第一批试点"): the stating text must name it,
# so a question about a grade or batch no notice covers is not answered from another's clause.
_RANK = re.compile(r"第[一二三四五六七八九十0-9]+(?:批|届|轮)|(?<![0-9一二三四五六七八九十])[一二三四五六七八九1-9]级"
                   r"(?=[\u4e00-\u9fff])|首批")
_DIGITS = str.maketrans("123456789", "一二三四五六七八九")


def pinned_ranks(question: str) -> tuple[str, ...]:
    """The grades and batches ``question`` names ("二级", "第一批"), in Chinese numerals, once each."""
    return tuple(dict.fromkeys(m.translate(_DIGITS) for m in _RANK.findall(normalize_query(question))))


def asked_type(question: str) -> AnswerType | None:
    """The kind of fact ``question`` asks for, or None when it asks for none the rules know; with
    the words it asks about when the rule names them (a post, a subsidy's form)."""
    q = normalize_query(question)
    for rule in RULES:
        m = rule.asks.search(q)
        if m:
            terms = tuple(v for k, v in m.groupdict().items() if k.startswith("term") and v)
            if not terms:
                return rule
            missing = "、".join(terms) + ("人选" if rule.name == "post" else "")
            return replace(rule, terms=terms, missing=missing)
    return None


def pinned_years(question: str) -> tuple[int, ...]:
    """The years ``question`` names ("2017年" → 2017), in order, once each."""
    return tuple(dict.fromkeys(int(y) for y in _YEAR.findall(normalize_query(question))))


def names_year(year: int, text: str) -> bool:
    """Whether ``text`` names ``year`` or a span of years that holds it."""
    if str(year) in text:
        return True
    return any(int(a) <= year <= int(b) for a, b in _YEAR_SPAN.findall(text))


def question_type(question: str, intent: str) -> AnswerType | None:
    """The kind of fact a question of ``intent`` asks for, with the years it pins: find and duty
    questions are typed (a duty question only by a kind, not a year; a draft clause asks nothing)."""
    if is_draft_clause(question) or intent not in (FIND, DUTY):
        return None
    rule, years = asked_type(question), pinned_years(question)
    if intent == DUTY:  # answered by units: only a fact it asks besides them ("…归谁管，怎么申请")
        return rule
    ranks = pinned_ranks(question)
    if not years and not ranks:
        return rule
    rule = rule or _ANY
    pinned = [f"{y}年" for y in years] + list(ranks)
    return replace(rule, years=years, ranks=ranks, missing="、".join(pinned) + f"的{rule.missing}")


def evidence(clause) -> str:
    """What a clause offers as an answer: its title, its text, its notice's title and date."""
    doc = clause.doc
    title, date = (doc.title, doc.date) if doc is not None else (None, None)
    return f"{clause.title} {clause.text} {title or ''} {date or ''}"


def _stated(rule: AnswerType, text: str) -> bool:
    return (bool(rule.states.search(text)) and all(names_year(y, text) for y in rule.years)
            and all(rank in text.translate(_DIGITS) for rank in rule.ranks)
            and (not rule.terms or any(term in text for term in rule.terms)))


def states(rule: AnswerType, texts: Iterable[str]) -> bool:
    """Whether any of ``texts`` (see :func:`evidence`) states a fact of ``rule``'s kind (of the
    years the question pins, when it pins any)."""
    texts = [unicodedata.normalize("NFKC", t) for t in texts]
    if any(_stated(rule, t) for t in texts):
        return True
    # Traditional → simplified only before refusing: most clauses state the fact as read.
    return any(_stated(rule, normalize_query(t)) for t in texts)
