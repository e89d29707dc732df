"""Intent detection: duty, unit or find, by rules kept in one readable place.

* **duty** — who is responsible for a matter: 谁负责 / 由哪些单位 / 哪个部门牵头 /
  归谁管 / 责任单位是… / 是不是工信部牵头 / 是发改委负责吗 (read on the NFKC, simplified
  text, so 由哪個部門負責 is the same question).
* **unit** — a named unit's own tasks: 市科技局负责哪些工作.
* **find** — everything else.

``topic`` strips the question words, leaving the matter to retrieve on
("谁负责科技成果转化" -> "科技成果转化").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from zhengce.index.thesaurus import normalize_query

DUTY = "duty"
UNIT = "unit"
FIND = "find"

# The words the patterns share: what "谁" is asked to do, "which", and a word for a body.
_WHO_DOES = "(负责|牵头|主管|管|抓|承担|落实|组织|推进|制定|办|配合|协助|审核|审批|监管|发放|出资)"
_WHICH = "(哪些|哪个|什么|哪家|那个|那些|哪几家|哪几个)"
_BODY = "(单位|部门|部委|机构|局|委|厅|办)"
# Phrases that ask who is responsible (matched on the NFKC form).
DUTY_PATTERNS = [
    rf"谁(来|在)?{_WHO_DOES}",
    r"(?<![查寻询访])(找|问)谁(?!都)",
    r"(由|归|是)谁",
    r"是谁",
    _WHICH + _BODY,
    r"(哪几家|哪家)(负责|牵头|主管|管)",
    r"(是不是|是否)\S{1,30}?(负责|牵头|主管|管|承担|组织|制定)",
    r"是\S{1,30}?(负责|牵头|主管|管)(的)?吗",
    r"(责任|牵头|配合|主管|主责)(单位|部门)",
    r"归(哪|那)",
    r"谁$",
]
# Phrases that ask for a unit's tasks, once a unit is named.
UNIT_TASK_PATTERNS = [
    r"(负责|承担|牵头|参与|要做|做|干|管)(了)?(哪些|什么|啥)",
    r"的(工作|任务|职责|事项)",
    r"(哪些|什么)(工作|任务|职责|事项)",
]
_STRIP = [
    rf"(由|归|是)?谁(来|在)?{_WHO_DOES}(的)?",
    r"(由|归|是)谁(来)?",
    r"(应该|应当|该|要|可以)?(去)?(?<![查寻询访])(找|问)(谁|(?=哪))",  # "…找谁" "应该找哪个部门"
    rf"(由|归)?{_WHICH}{_BODY}(来)?(负责|牵头|主管|管)?(的)?",
    r"(由|归|是)?(哪几家|哪家)(来)?(负责|牵头|主管|管)(的)?",  # "…是哪几家负责的"
    r"^(是不是|是否)|(是不是|是否)(?=\S{1,30}?(负责|牵头|主管|管|承担|组织|制定))",
    r"(的)?(责任|牵头|配合|主管|主责)(单位|部门)(是|有)?(哪些|哪个|哪家|什么|谁)?",
    r"归(哪|那)(个)?(部门|单位)?管", r"这块|这类|这些|方面", r"[??吗呢啊呀吧。!!,,]",
]


@dataclass(frozen=True)
class Intent:
    kind: str
    topic: str
    unit: str | None = None


def _normalize(text: str) -> str:
    """NFKC and traditional → simplified: "由哪個部門負責" asks what "由哪个部门负责" asks."""
    return normalize_query(text)


def is_duty(question: str) -> bool:
    q = _normalize(question)
    return any(re.search(p, q) for p in DUTY_PATTERNS)


def topic_of(question: str) -> str:
    """The matter asked about, question words removed (falls back to the question)."""
    q = _normalize(question)
    for pattern in _STRIP:
        q = re.sub(pattern, " ", q)
    q = re.sub(r"\(\s*\)", " ", q)
    q = re.sub(r"(负责|牵头|主管)(的)?$", "", q.strip())
    q = re.sub(r"(?:\s+|的)(事|事情|事儿|活)$", "", q.strip())  # "…是哪个局的事"
    q = re.sub(r"^(?:负责|牵头|主管)(\S{2,}?)的是?$", r"\1", q.strip())  # "负责科技成果转化的是哪个单位"
    q = re.sub(r"^(是|由|请问)|(由|是|的|的是)$", "", q.strip())  # not 归: "…人才回归"
    q = re.sub(r"\s+", " ", q).strip()
    return q if len(q) >= 2 else _normalize(question)


# What may follow an alias for it to name the unit: a short alias also occurs inside other words
# ("人行道" holds 人行, "安全部署" 安全部, "国办发" 国办); a unit's own name is taken anywhere.
_AFTER_ALIAS = re.compile(r"(?:$|[^\u4e00-\u9fff]|[负承牵主有的在要需应都还等做和与及今近去明本具分共管干抓是])")


# What may not stand right before an alias that names no level: a level or a place makes it
# another unit ("区科技局" is not 市科技局, "中央组织部" not 省委组织部).
_BEFORE_ALIAS = re.compile(r"[省市县区州盟旗委央]")


def _stands_alone(q: str, spelling: str) -> bool:
    at = q.find(spelling)
    other_level = at > 0 and spelling[0] not in "省市县区" and _BEFORE_ALIAS.match(q, at - 1)
    return bool(_AFTER_ALIAS.match(q, at + len(spelling))) and not other_level


def named_unit(question: str, units: Iterable[str] | Mapping[str, str]) -> str | None:
    """The longest known unit name (or spelling, when ``units`` maps spellings to names) the
    question contains, as written in the question. An alias counts only where it ends a word
    (see ``_AFTER_ALIAS``)."""
    q = _normalize(question)
    aliases = units if isinstance(units, Mapping) else {}
    found = [u for u in units if u and u in q and (aliases.get(u, u) == u or _stands_alone(q, u))]
    return max(found, key=len) if found else None


def detect(question: str, units: Iterable[str] | Mapping[str, str] = ()) -> Intent:
    """The intent of a question; ``units`` are the index's unit names, or its spellings mapped to
    the names (:meth:`IndexReader.unit_spellings`: "省发改委负责哪些工作" names 省发展改革委)."""
    q = _normalize(question)
    spelled = named_unit(q, units)
    if spelled and any(re.search(p, q.replace(spelled, "", 1)) for p in UNIT_TASK_PATTERNS) and "谁" not in q:
        unit = units[spelled] if isinstance(units, Mapping) else spelled
        return Intent(UNIT, q.replace(spelled, "", 1).strip() or q, unit)
    if is_duty(q):
        return Intent(DUTY, topic_of(q))
    return Intent(FIND, q)


PRECEDENT = "precedent"
# A draft clause, not a question: a sentence of policy text, ending as one, asking nothing.
_QUESTION_WORDS = re.compile(r"[?？吗呢]|什么|怎么|怎样|如何|哪|多少|几|谁|是否|有没有|能不能|可不可以")
DRAFT_MIN_CHARS = 20


def is_draft_clause(text: str) -> bool:
    """Policy wording pasted to find precedents: at least ``DRAFT_MIN_CHARS`` characters,
    ending with 。 or ；, with no question mark or question word."""
    q = _normalize(text)
    return len(q) >= DRAFT_MIN_CHARS and q[-1] in "。;；" and not _QUESTION_WORDS.search(q)


def retrieval_intent(text: str) -> str:
    """The intent that picks the hybrid fusion weights: duty, precedent (a draft clause) or find."""
    if is_duty(text):
        return DUTY
    return PRECEDENT if is_draft_clause(text) else FIND
