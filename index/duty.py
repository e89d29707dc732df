"""Who is responsible: a chain of small named rules over a clause's normalized text.

Modelled on Lucene's analyzer chains: each rule is a small function that reads one
form and nothing else, and the chain applies them in order. Text is normalized
(NFKC), so full-width and half-width punctuation give the same result.

A parenthesis is split at ``, ; 。`` into pieces; each piece goes through
:data:`PIECE_RULES` and the first rule that reads it wins:

=====================  ================================================================
rule                   reads
=====================  ================================================================
``convention``         ``排在第一位的部门为牵头部门，下同`` / ``列第一位者为牵头单位``
``implied``            ``以下均需Y落实，不再列出`` (Y is added to every later duty)
``label``              ``牵头单位：X`` ``配合单位：Y`` ``负责部门：X`` ``牵头考核单位：X``;
                       other labels (``适用范围：…``) end the list and are left alone
``lead``               ``X牵头``
``support``            ``Y参与`` ``Y配合`` ``Y协办`` ``Y协助``
``guide``              ``X指导``
``responsible``        ``X、Y负责`` ``X、Y等和各省级人民政府负责`` ``…按职责分工负责``
=====================  ================================================================

A parenthesis counts only when every list in it is a list of unit names
("（技工院校内由人力资源社会保障行政部门负责）" is a sentence, not a list).
Outside parentheses, :data:`TEXT_RULES` read labelled lines (``牵头单位：…；配合单位：…``)
and phrases (``由X牵头，会同Y、Z``, ``由X牵头，Y配合``).

A labelled list may mark its lead in place ("责任单位：省发展改革委（牵头）、省财政厅":
:func:`lead_marks`). When nothing above names a unit, the prose rules of
:mod:`zhengce.index.duty_prose` read sentences ("X负责…", "X会同Y…", "由X商Y制定", …).

Roles: ``lead`` only where the text says so (牵头) or a stated convention does (the
first-listed unit of every later list, basis ``convention``); the first of a labelled
``责任单位`` list keeps the lead role this project gave it before (basis ``listed_first``);
everything else is ``support``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from zhengce.index.duty_prose import PROSE_RULES, DutyContext, Group, promote_listed, take_units
from zhengce.index.model import CONVENTION, EXPLICIT, LEAD, LISTED, LISTED_FIRST, SUPPORT, Unit
from zhengce.index.units import is_generic, list_names, make_unit, valid_names

__all__ = ["PAREN", "TEXT_RULES", "PROSE_RULES", "DutyContext", "Duties", "find_duties", "merge_units", "read_paren"]

# A parenthesis, one level of nesting inside ("（…（试行）…负责）"); the duty answer reads the same ones.
PAREN = re.compile(r"\((?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)")
# 【…】 holds a duty as a parenthesis does ("【省税务局、省工业和信息化厅按职责分工负责】").
BRACKETS = str.maketrans("【】", "()")

_LEAD_LABELS = ("牵头考核单位", "牵头单位", "牵头部门", "牵头")
_SUPPORT_LABELS = ("配合单位", "配合部门", "协办单位", "参与单位", "参与部门", "指导单位", "指导部门", "配合")
_LISTED_LABELS = ("责任单位", "责任部门", "负责部门", "负责单位", "主责单位", "主责部门")
_DUTY_LABEL = "|".join(_LEAD_LABELS + _SUPPORT_LABELS + _LISTED_LABELS)
# "X牵头", "由X统筹", "X负总责" lead; "Y配合", "Y具体实施" (under the one that 统筹) support.
_LEAD_VERB = "(?:牵头|统筹|负总责)"
_SUPPORT_VERB = "(?:参与|配合|协办|协助|具体实施|具体落实)"
# Pieces part at , ; 。 and before a label that only spaces parted from the value before it; the
# normalized text has lost those spaces ("【牵头：X　配合：Y　时限：Z】" -> "牵头:X配合:Y时限:Z").
_PIECE_SPLIT = re.compile(rf"[,;。]|\s+(?=[\u4e00-\u9fff]{{2,8}}:)|(?<=[^\s:])(?=(?:{_DUTY_LABEL}|完成时限|时限):)")
_ANY_LABEL = re.compile(r"^(?P<label>[\u4e00-\u9fff]{2,8}):(?P<body>.*)$")

# A lead marked in place inside a list: "省发展改革委（牵头）、省财政厅".
_LEAD_MARK = re.compile(r"\((?P<joint>共同|联合)?(?:牵头|牵头单位|牵头部门)\)")
_CONVENTION = re.compile(r"(?:排在|列|排)?(?:第一位|首位)(?:的)?(?:部门|单位|者)?为牵头(?:部门|单位)")
_IMPLIED = re.compile(r"以下(?:均|都)?(?:需|由)(?P<list>.+?)(?:负责)?落实")


@dataclass(frozen=True)
class Duties:
    """What the chain found in one clause."""

    units: tuple[Unit, ...]
    text: str                 # the clause text with duty parentheses removed
    forms: tuple[str, ...]    # names of the rules that fired, in order


# ---- piece rules: (piece, ctx) -> list of groups, [] for a piece read but holding no units, or None

def rule_convention(piece: str, ctx: DutyContext) -> list[Group] | None:
    if _CONVENTION.search(piece):
        ctx.first_is_lead = True
        head = piece[: _CONVENTION.search(piece).start()]
        return rule_responsible(head, ctx) or [] if head else []
    return None


def rule_implied(piece: str, ctx: DutyContext) -> list[Group] | None:
    m = _IMPLIED.search(piece)
    if not m:
        return None
    names = list_names(m["list"])
    if valid_names(names):
        ctx.implied = tuple(names)
    return []


def lead_marks(body: str) -> tuple[str, set[str]]:
    """A list that marks its lead in place ("省发展改革委（牵头）、省财政厅"): the list without
    the marks, and the names they followed."""
    marked: set[str] = set()
    for m in _LEAD_MARK.finditer(body):
        if not m.start() or body[m.start() - 1] in "、,;":  # a mark after a separator marks nobody
            continue
        before = _LEAD_MARK.sub("", body[:m.start()])
        if m["joint"]:  # "X、Y（共同牵头），Z": every name since the last comma leads
            before = re.split(r"[,;]", before)[-1]
        names = list_names(before)
        marked.update(names if m["joint"] else names[-1:])
    return _LEAD_MARK.sub("", body), marked


def _promote(groups: list[Group], marked: set[str]) -> list[Group]:
    """The marked names of a listed or support group become a lead group of their own, first."""
    if not marked:
        return groups
    out: list[Group] = []
    for g in groups:
        lead = [n for n in g.names if n in marked]
        if g.kind == "lead" or not lead:
            out.append(g)
            continue
        out.append(Group(lead, "lead"))
        rest = [n for n in g.names if n not in marked]
        if rest:
            out.append(Group(rest, g.kind, labelled=g.labelled))
    return out


def rule_label(piece: str, ctx: DutyContext) -> list[Group] | None:
    m = _ANY_LABEL.match(piece)
    if not m:
        return None
    label, (body, marked) = m["label"], lead_marks(m["body"])
    if label in _LISTED_LABELS and (said := rule_lead(body, ctx) or rule_support(body, ctx)):
        return said  # "责任单位：X牵头，Y配合": the body says the role itself
    if label.endswith(_LEAD_LABELS) or label in _LEAD_LABELS:
        return [Group(list_names(body), "lead")]
    if label in _SUPPORT_LABELS:
        return _promote([Group(list_names(body), "support")], marked)
    if label in _LISTED_LABELS:
        return _promote([Group(list_names(body), "listed", labelled=True)], marked)
    return []  # another label ("适用范围：…"): read, holds no units


def rule_lead(piece: str, ctx: DutyContext) -> list[Group] | None:
    """"X牵头", "由X统筹", "X负总责": X leads."""
    m = re.fullmatch(rf"(?:由)?(?P<list>.+?){_LEAD_VERB}(?:负责)?", piece)
    return [Group(list_names(m["list"]), "lead")] if m else None


def rule_support(piece: str, ctx: DutyContext) -> list[Group] | None:
    """"Y配合", "Y具体实施" (beside a unit that leads or is responsible)."""
    m = re.fullmatch(rf"(?P<list>.+?){_SUPPORT_VERB}", piece)
    return [Group(list_names(m["list"]), "support")] if m else None


def rule_guide(piece: str, ctx: DutyContext) -> list[Group] | None:
    m = re.fullmatch(r"(?P<list>.+?)指导", piece)
    return [Group(list_names(m["list"]), "support")] if m else None


def rule_responsible(piece: str, ctx: DutyContext) -> list[Group] | None:
    m = re.fullmatch(r"(?P<list>.+?)(?:按职责分工|分别|共同)?负责(?:落实|实施)?", piece)
    if not m:
        return None
    head, sep, rest = m["list"].partition("会同")
    if sep:  # "财政部会同有关部门负责": the unit that convenes the others leads
        lead, others = _convened(head, rest)
        return [Group(lead, "lead")] + ([Group(others, "support")] if others else [])
    return [Group(list_names(m["list"]), "listed")]


def _convened(lead: str, others: str) -> tuple[list[str], list[str]]:
    """The names of "X会同Y": X, and Y without a word for others ("有关部门")."""
    return list_names(lead), [n for n in list_names(others) if not is_generic(n)]


def rule_convening(piece: str, ctx: DutyContext) -> list[Group] | None:
    """"（以工代赈处会同评督处）": the unit that convenes the others leads."""
    m = re.fullmatch(r"(?P<lead>[^会]+?)会同(?P<with>.+?)(?:等(?:有关)?(?:部门|单位))?", piece)
    if not m:
        return None
    lead, others = _convened(m["lead"], m["with"])
    return [Group(lead, "lead"), Group(others, "support")] if valid_names(lead) and valid_names(others) else None


PIECE_RULES: list[tuple[str, Callable[[str, DutyContext], list[Group] | None]]] = [
    ("convention", rule_convention),
    ("implied", rule_implied),
    ("label", rule_label),
    ("lead", rule_lead),
    ("support", rule_support),
    ("guide", rule_guide),
    ("responsible", rule_responsible),
    ("convening", rule_convening),
]


def _pieces(body: str) -> list[str]:
    return [p.strip() for p in _PIECE_SPLIT.split(body) if p.strip()]


def read_paren(body: str, ctx: DutyContext) -> tuple[list[Group], list[str]] | None:
    """Groups and rule names of one parenthesis body, or ``None`` when it is no duty."""
    groups: list[Group] = []
    fired: list[str] = []
    pending: list[str] = []  # a bare list before the piece that says what it does
    before = (ctx.first_is_lead, ctx.implied)
    marked_last = False  # the last piece marked its lead in place ("责任单位：X（牵头），Y、Z")
    for piece in _pieces(body):
        for name, rule in PIECE_RULES:
            got = rule(piece, ctx)
            if got is None:
                continue
            marked_last = bool(_LEAD_MARK.search(piece))
            if any(not valid_names(g.names) for g in got):
                ctx.first_is_lead, ctx.implied = before
                return None
            if pending and got and got[0].names:
                # "（省发展改革委、省财政厅，各省辖市政府负责）": the list before belongs to this one.
                got[0].names[:0] = [n for n in pending if n not in got[0].names]
                pending = []
            groups.extend(got)
            fired.append(name)
            break
        else:
            # "责任单位：A、B，C、D": a bare list after a labelled one continues it.
            names = list_names(piece)
            if not valid_names(names):
                continue
            if groups and groups[-1].names and marked_last and groups[-1].kind == "lead":
                groups.append(Group(names, "listed", labelled=True))  # the units after the marked lead
                marked_last = False
            elif groups and groups[-1].names:
                groups[-1].names.extend(n for n in names if n not in groups[-1].names)
            else:
                pending.extend(names)
    if not groups or pending:
        ctx.first_is_lead, ctx.implied = before
        return None
    return groups, fired


# ---- text rules: read the text outside parentheses

_LINE = re.compile(rf"(?P<label>{_DUTY_LABEL})\s*:(?P<body>[^。;\n]*)")
_LEAD_PHRASE = re.compile(
    r"由(?P<lead>[^,。;由]{2,30}?)(?:牵头(?:负责)?|统筹(?=[,;。]|$))"
    r"(?:,?(?:会同|联合|协调|协同)(?P<with>[^。;]*)|,(?P<sup>[^,。;]{2,60}?)"
    r"(?:配合|参与|参加|协助|协办|具体实施|具体落实|(?:按照?职责(?:分工)?)?(?:分别|共同)?负责))?"
)


def rule_labelled_lines(text: str, ctx: DutyContext) -> list[Group]:
    groups = []
    for m in _LINE.finditer(text):
        body, marked = lead_marks(m["body"])
        got = _promote(rule_label(f"{m['label']}:{take_units(body)}", ctx) or [], marked)
        groups.extend(g for g in got if valid_names(g.names))
    return groups


def only_labels(text: str) -> bool:
    """Whether ``text`` holds nothing but duty label lines ("责任单位：市发改委、市财政局")."""
    return bool(_LINE.search(text)) and not _LINE.sub("", text).strip(" ,;。.")


def rule_lead_phrase(text: str, ctx: DutyContext) -> list[Group]:
    groups = []
    for m in _LEAD_PHRASE.finditer(text):
        lead = list_names(m["lead"])
        if not valid_names(lead):
            continue
        groups.append(Group(lead, "lead"))
        rest = m["with"] or m["sup"]
        if rest:  # "由X牵头，有关部门按职责分工负责": a word for others names nobody
            names = [n for n in list_names(take_units(rest)) if not is_generic(n)]
            if valid_names(names):
                groups.append(Group(names, "support"))
    return groups


def rule_convention_sentence(text: str, ctx: DutyContext) -> list[Group]:
    if _CONVENTION.search(text):
        ctx.first_is_lead = True
    return []


TEXT_RULES = [
    ("labelled_line", rule_labelled_lines),
    ("lead_phrase", rule_lead_phrase),
    ("convention_sentence", rule_convention_sentence),
]


# ---- the chain

def _roles(groups: list[Group], ctx: DutyContext) -> list[tuple[str, str, str]]:
    """(surface, role, basis) for every name, in order."""
    explicit_lead = any(g.kind == "lead" for g in groups)
    out: list[tuple[str, str, str]] = []
    first_listed = True
    for g in groups:
        for i, name in enumerate(g.names):
            if g.kind == "lead":
                out.append((name, LEAD, EXPLICIT))
            elif g.kind == "support":
                out.append((name, SUPPORT, EXPLICIT))
            elif explicit_lead:
                out.append((name, SUPPORT, LISTED))
            elif ctx.first_is_lead:
                out.append((name, LEAD if first_listed and i == 0 else SUPPORT, CONVENTION))
            elif g.labelled and first_listed and i == 0 and len(g.names) > 1:
                out.append((name, LEAD, LISTED_FIRST))
            else:
                out.append((name, SUPPORT, LISTED))
        if g.kind == "listed" and g.names:
            first_listed = False
    return out


def merge_units(units: list[Unit] | tuple[Unit, ...]) -> tuple[Unit, ...]:
    """One entry per canonical name; lead wins over support."""
    by_name: dict[str, Unit] = {}
    for u in units:
        old = by_name.get(u.name)
        if old is None or (u.role == LEAD and old.role != LEAD):
            by_name[u.name] = u
    seen: list[str] = []
    for u in units:
        if u.name not in seen:
            seen.append(u.name)
    return tuple(by_name[n] for n in seen)


def find_duties(norm_text: str, ctx: DutyContext | None = None) -> Duties:
    """Run the chain over one clause; ``ctx`` carries conventions between clauses."""
    ctx = ctx or DutyContext()
    implied_before = ctx.implied
    groups: list[Group] = []
    forms: list[str] = []

    def paren(m: re.Match) -> str:
        got = read_paren(m["body"], ctx)
        if got is None:
            return m.group(0)
        groups.extend(got[0])
        forms.extend(f"paren:{f}" for f in got[1])
        return ""

    text = PAREN.sub(paren, norm_text.translate(BRACKETS)).strip()
    for name, rule in TEXT_RULES:
        if name == "labelled_line" and groups:
            continue
        got = rule(text, ctx)
        if got:
            groups.extend(got)
            forms.append(name)
    if not groups:
        for name, rule in PROSE_RULES:
            got = rule(text, ctx)
            if got:
                groups.extend(got)
                forms.append(name)
        # a sentence that names who supports and who is responsible; a modal task elsewhere in
        # the clause ("X要加强统筹。Y负责…，Z配合") does not lead by it
        promote_listed([g for g in groups if not g.modal])
    units = [make_unit(s, role, basis, ctx.aliases, ctx.level) for s, role, basis in _roles(groups, ctx)]
    if units and implied_before:
        units += [make_unit(s, SUPPORT, CONVENTION, ctx.aliases, ctx.level) for s in implied_before]
        forms.append("implied")
    return Duties(merge_units(units), text, tuple(forms))
