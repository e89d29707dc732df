"""Answer types: the kind of fact a question asks for, and whether a clause states one.

A question can name a matter the notices do discuss and still ask for something none of them
says: "国家最高科学技术奖奖金有多少" finds the decision that awards the prize, which names no
amount; "科技创新券怎么申领" finds clauses on innovation policy that describe no procedure.
Shared words cannot tell these apart from answerable questions, so the answerability judgement
(:mod:`zhengce.search.answerability`) also asks: if the question asks for an amount of money, an
age, a time span, a date, a share, a count, a subsidy or a procedure, does one of the clauses
it would cite state one?

Like an analyzer chain, the types are small named rules tried in order (``RULES``); the first
whose ``asks`` pattern matches the question decides, so the specific kinds ("多少钱", "多少岁")
come before the generic count ("多少"). ``states`` is deliberately loose (any amount with 元,
any number with a time unit, "免费", "由…确定"…): a rule may only refuse a question whose
cited clauses hold no expression of the kind at all. Questions are read normalized (NFKC,
traditional → simplified: "多少錢" asks "多少钱"), clauses through NFKC ("３０日" is "30日").

Only questions are typed: a draft clause pasted to find precedents, a duty question ("由谁负责",
answered by units) and a comparison are not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from zhengce.index.thesaurus import normalize_query

_NUM = r"[0-9一二三四五六七八九十百千万两〇零半]"
_SUBSIDY = r"(?:补贴|补助|资助|奖励|奖补|贴息|优惠|补偿|扶持资金)"
_PROCEDURE_WORDS = "申请|申领|申报|办理|领取|登记|报名|认定|注册"
_PROCEDURE = f"(?:{_PROCEDURE_WORDS})"


@dataclass(frozen=True)
class AnswerType:
    """One kind of fact: ``asks`` finds it in a question, ``states`` in a clause."""

    name: str
    missing: str  # what the refusal says is not stated: "未写明{missing}"
    asks: re.Pattern
    states: re.Pattern


def _rule(name: str, missing: str, asks: str, states: str) -> AnswerType:
    return AnswerType(name, missing, re.compile(asks), re.compile(states))


RULES: tuple[AnswerType, ...] = (
    _rule("money", "金额",
          r"多少钱|多少(?:[^，。？?\s]{0,6}?)(?:补贴|补助|奖金|资金|工资|费用|钱)"
          r"|(?:费|金|价格?|价钱|补贴|补助|资助|奖励|工资|待遇|租金|收费)(?:标准)?"
          r"(?:是|有|要|为|大概|大约|一般)?(?:多少|几)",
          _NUM + r"+(?:\.\d+)?\s*(?:元|万元|亿元|千元|百元)|免费|不收费|减免"
          r"|(?:标准|价格|费用|数额|金额|收费)[^。；,，]{0,8}(?:由|按|参照|根据|实行)"),
    _rule("age", "年龄", r"多少岁|几岁|多大岁数|(?:年龄|年纪)[^，。？?]{0,6}(?:多少|多大|几)", _NUM + r"+\s*周?岁"),
    _rule("span", "期限",
          r"多久|多长时间|(?<![近前这那哪])(?:多少|几)(?:个)?(?:工作日|天|日|月|年|小时|周)(?!级)",
          r"(?:(?<![0-9])[0-9]{1,3}|[一二三四五六七八九十两半]+)\s*(?:个)?(?:工作日|日|天|月|年|周|小时)"
          r"|每(?:年|季度|月|周|半年|两年|三年|五年)"
          r"|定期|长期|永久"),
    _rule("when", "时间",
          r"什么时候|何时|哪一?年|哪天|截止(?:时间|日期)?(?:是|到)",
          r"\d{4}\s*年|" + _NUM + r"+\s*(?:月|日)|年底|年内|年前|底前|每年|上半年|下半年|季度|之日起"
          r"|以前|之前|前完成|定期|及时|随时"),
    _rule("share", "比例", r"(?:比例|占比|百分比)[^，。？?]{0,6}(?:多少|几)|百分之几|多少成|几成",
          r"[0-9.]+\s*%|百分之|" + _NUM + r"+成|" + _NUM + r"+分之|一半|半数|全部|全覆盖"),
    _rule("subsidy", "补贴",
          _SUBSIDY + r"吗|有没有" + _SUBSIDY + r"|(?:什么|哪些)" + _SUBSIDY + r"|补不补|给不给(?:钱|补贴)",
          r"补贴|补助|资助|奖励|奖补|贴息|减免|优惠|补偿|代偿|专项资金|资金支持|财政支持|给予[^。；]{0,8}支持"),
    _rule("procedure", "办理程序",
          r"(?:怎么|怎样|如何)(?:才能)?" + _PROCEDURE
          + r"|(?:哪里|哪儿)(?:才能)?(?:" + _PROCEDURE_WORDS + r"|办)|(?:申请|办理|申报)(?:流程|程序|条件)",
          r"申请|申领|申报|办理|受理|提出|提交|登记|备案|审批|审核|认定|注册|程序|流程|材料|窗口"),
    _rule("count", "数量", r"多少|(?<![近前这那哪])几(?!乎)|多大|多高|多重|多远", _NUM),
)


def asked_type(question: str) -> AnswerType | None:
    """The kind of fact ``question`` asks for, or None when it asks for none the rules know."""
    q = normalize_query(question)
    return next((rule for rule in RULES if rule.asks.search(q)), None)


def states(rule: AnswerType, texts: Iterable[str]) -> bool:
    """Whether any of ``texts`` (clause titles and texts) states a fact of ``rule``'s kind."""
    return any(rule.states.search(unicodedata.normalize("NFKC", t)) for t in texts)
