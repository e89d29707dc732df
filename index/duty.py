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
:func:`lead_marks`). When nothing above names a unit, prose rules read sentences:
"X负责…", "X会同Y…" (the list stops at the task's verb), "X负责，Y配合" (both roles named),
"由X负责", "由X商Y制定" (X leads, Y is consulted), "X是…的主管单位". Role words ("主管单位",
"登记管理机关") name nobody.

Roles: ``lead`` only where the text says so (牵头) or a stated convention does (the
first-listed unit of every later list, basis ``convention``); the first of a labelled
``责任单位`` list keeps the lead role this project gave it before (basis ``listed_first``);
everything else is ``support``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from zhengce.index.aliases import Aliases
from zhengce.index.model import CONVENTION, EXPLICIT, LEAD, LISTED, LISTED_FIRST, SUPPORT, Unit
from zhengce.index.units import is_generic, list_names, looks_like_unit, make_unit, split_list, valid_names

# A parenthesis, one level of nesting inside ("（…（试行）…负责）"); the duty answer reads the same ones.
PAREN = re.compile(r"\((?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)")
_PIECE_SPLIT = re.compile(r"[,;。]")

_LEAD_LABELS = ("牵头考核单位", "牵头单位", "牵头部门")
_SUPPORT_LABELS = ("配合单位", "配合部门", "协办单位", "参与单位", "参与部门", "指导单位", "指导部门")
_LISTED_LABELS = ("责任单位", "责任部门", "负责部门", "负责单位", "主责单位", "主责部门")
_DUTY_LABEL = "|".join(_LEAD_LABELS + _SUPPORT_LABELS + _LISTED_LABELS)
_ANY_LABEL = re.compile(r"^(?P<label>[\u4e00-\u9fff]{2,8}):(?P<body>.*)$")

# A lead marked in place inside a list: "省发展改革委（牵头）、省财政厅".
_LEAD_MARK = re.compile(r"\((?:牵头|牵头单位|牵头部门)\)")
_CONVENTION = re.compile(r"(?:排在|列|排)?(?:第一位|首位)(?:的)?(?:部门|单位|者)?为牵头(?:部门|单位)")
_IMPLIED = re.compile(r"以下(?:均|都)?(?:需|由)(?P<list>.+?)(?:负责)?落实")


@dataclass
class DutyContext:
    """Per-document state: conventions stated once hold for the clauses after them."""

    aliases: Aliases = field(default_factory=Aliases.default)
    level: str | None = None
    first_is_lead: bool = False      # "排在第一位的部门为牵头部门，下同"
    implied: tuple[str, ...] = ()    # "以下均需Y落实，不再列出"


@dataclass(frozen=True)
class Duties:
    """What the chain found in one clause."""

    units: tuple[Unit, ...]
    text: str                 # the clause text with duty parentheses removed
    forms: tuple[str, ...]    # names of the rules that fired, in order


@dataclass
class _Group:
    names: list[str]
    kind: str                 # "lead", "support" or "listed"
    labelled: bool = False    # from a "责任单位：" label (first may lead, basis listed_first)


# ---- piece rules: (piece, ctx) -> list of groups, [] for a piece read but holding no units, or None

def rule_convention(piece: str, ctx: DutyContext) -> list[_Group] | None:
    if _CONVENTION.search(piece):
        ctx.first_is_lead = True
        head = piece[: _CONVENTION.search(piece).start()]
        return rule_responsible(head, ctx) or [] if head else []
    return None


def rule_implied(piece: str, ctx: DutyContext) -> list[_Group] | None:
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
    marked = {names[-1] for m in _LEAD_MARK.finditer(body)
              if m.start() and body[m.start() - 1] not in "、,;"  # a mark after a separator marks nobody
              and (names := list_names(_LEAD_MARK.sub("", body[:m.start()])))}
    return _LEAD_MARK.sub("", body), marked


def _promote(groups: list[_Group], marked: set[str]) -> list[_Group]:
    """The marked names of a listed or support group become a lead group of their own, first."""
    if not marked:
        return groups
    out: list[_Group] = []
    for g in groups:
        lead = [n for n in g.names if n in marked]
        if g.kind == "lead" or not lead:
            out.append(g)
            continue
        out.append(_Group(lead, "lead"))
        rest = [n for n in g.names if n not in marked]
        if rest:
            out.append(_Group(rest, g.kind, labelled=g.labelled))
    return out


def rule_label(piece: str, ctx: DutyContext) -> list[_Group] | None:
    m = _ANY_LABEL.match(piece)
    if not m:
        return None
    label, (body, marked) = m["label"], lead_marks(m["body"])
    if label.endswith(_LEAD_LABELS) or label in _LEAD_LABELS:
        return [_Group(list_names(body), "lead")]
    if label in _SUPPORT_LABELS:
        return _promote([_Group(list_names(body), "support")], marked)
    if label in _LISTED_LABELS:
        return _promote([_Group(list_names(body), "listed", labelled=True)], marked)
    return []  # another label ("适用范围：…"): read, holds no units


def rule_lead(piece: str, ctx: DutyContext) -> list[_Group] | None:
    m = re.fullmatch(r"(?:由)?(?P<list>.+?)牵头(?:负责)?", piece)
    return [_Group(list_names(m["list"]), "lead")] if m else None


def rule_support(piece: str, ctx: DutyContext) -> list[_Group] | None:
    m = re.fullmatch(r"(?P<list>.+?)(?:参与|配合|协办|协助)", piece)
    return [_Group(list_names(m["list"]), "support")] if m else None


def rule_guide(piece: str, ctx: DutyContext) -> list[_Group] | None:
    m = re.fullmatch(r"(?P<list>.+?)指导", piece)
    return [_Group(list_names(m["list"]), "support")] if m else None


def rule_responsible(piece: str, ctx: DutyContext) -> list[_Group] | None:
    m = re.fullmatch(r"(?P<list>.+?)(?:按职责分工|分别|共同)?负责(?:落实|实施)?", piece)
    if not m:
        return None
    head, sep, rest = m["list"].partition("会同")
    if sep:  # "财政部会同有关部门负责": the unit that convenes the others leads
        groups = [_Group(list_names(head), "lead")]
        names = [n for n in list_names(rest) if not is_generic(n)]
        return groups + [_Group(names, "support")] if names else groups
    return [_Group(list_names(m["list"]), "listed")]


PIECE_RULES: list[tuple[str, Callable[[str, DutyContext], list[_Group] | None]]] = [
    ("convention", rule_convention),
    ("implied", rule_implied),
    ("label", rule_label),
    ("lead", rule_lead),
    ("support", rule_support),
    ("guide", rule_guide),
    ("responsible", rule_responsible),
]


def _pieces(body: str) -> list[str]:
    return [p.strip() for p in _PIECE_SPLIT.split(body) if p.strip()]


def read_paren(body: str, ctx: DutyContext) -> tuple[list[_Group], list[str]] | None:
    """Groups and rule names of one parenthesis body, or ``None`` when it is no duty."""
    groups: list[_Group] = []
    fired: list[str] = []
    pending: list[str] = []  # a bare list before the piece that says what it does
    before = (ctx.first_is_lead, ctx.implied)
    for piece in _pieces(body):
        for name, rule in PIECE_RULES:
            got = rule(piece, ctx)
            if got is None:
                continue
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
            if groups and groups[-1].names:
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
    r"由(?P<lead>[^,。;由]{2,30}?)牵头(?:负责)?"
    r"(?:,?(?:会同|联合|协调|协同)(?P<with>[^。;]*)|,(?P<sup>[^,。;]{2,60}?)(?:配合|参与|协助|协办))?"
)


def _take_units(body: str) -> str:
    """Cut a phrase list at the first item that is not a unit ("…，统筹推进…")."""
    kept = []
    for item in split_list(body):
        if looks_like_unit(item):
            kept.append(item)
            continue
        head = next((item[:i] for i in range(len(item), 1, -1) if looks_like_unit(item[:i])), None)
        if head:
            kept.append(head)
            break
        if kept and looks_like_unit(kept[-1]):
            break
        kept.append(item)  # a bare item may be a shared-suffix head ("郑州、洛阳…")
    return "、".join(kept)


def rule_labelled_lines(text: str, ctx: DutyContext) -> list[_Group]:
    groups = []
    for m in _LINE.finditer(text):
        body, marked = lead_marks(m["body"])
        got = _promote(rule_label(f"{m['label']}:{_take_units(body)}", ctx) or [], marked)
        groups.extend(g for g in got if valid_names(g.names))
    return groups


def rule_lead_phrase(text: str, ctx: DutyContext) -> list[_Group]:
    groups = []
    for m in _LEAD_PHRASE.finditer(text):
        lead = list_names(m["lead"])
        if not valid_names(lead):
            continue
        groups.append(_Group(lead, "lead"))
        rest = m["with"] or m["sup"]
        if rest:
            names = list_names(_take_units(rest))
            if valid_names(names):
                groups.append(_Group(names, "support"))
    return groups


def rule_convention_sentence(text: str, ctx: DutyContext) -> list[_Group]:
    if _CONVENTION.search(text):
        ctx.first_is_lead = True
    return []


# ---- prose rules: sentences of regulations and opinions that name who does what. They run
# only when the rules above found nothing, so a task list's own duty lines always win.

_SEGMENTS = re.compile(r"[,。;()]")
_MODAL = r"(?:要|应|应当|须|必须|将|可|也)?"
_DUTY_SCOPE = r"(?:在职责范围内|按职责分工|按照职责分工|按照职责|按职责|根据职责)?(?:分别|共同|统一)?"
_SCOPE_COMMA = re.compile(r"(在职责范围内|按职责分工|按照职责分工|按照职责|根据职责),")  # "X在职责范围内，分别负责"
_SUBJECT = re.compile(rf"^(?P<list>[^,。;]{{2,60}}?){_MODAL}{_DUTY_SCOPE}"
                      r"(?P<verb>负责|承担|承办|主管|会同|牵头|配合|协助|协办|参与)")
_SUPPORT_VERBS = ("配合", "协助", "协办", "参与")
_AGENT_VERB = re.compile(r"(?:统一)?(?:负责|承担|承办|主管|登记管理|管理|组织|审查|审核|认定|办理)")
_WITH = re.compile(r"(?P<list>[^,。;]+?)(?:等(?:有关|相关)?(?:部门|单位|方面|机构)?|$)")
# Where the task begins after "会同Y": its verb ("…会同省科技厅制定…").
_TASK_START = re.compile(r"(?:制定|研究|出台|建立|开展|推进|做好|加强|组织|完善|实施|落实|编制|印发|抓紧|加快|"
                         r"统筹|共同|联合|进一步|支持|指导|配合|协助|协调|督促|推动|负责|牵头|确定|另行|提出|"
                         r"发布|修订|起草|审查|办理|设立|按照|根据|围绕|及时|定期|积极|认真|切实|全面|对|在|于|做|抓)")
# Words that open a phrase naming no particular unit ("本单位", "该委员会", "上述部门").
_DEICTIC = re.compile(r"^(?:本|该|其|此|这|上述|前款)")
_COMPETENT = re.compile(r"^(?P<list>[^,。;]{2,40}?)(?:是|为)[^,。;]{0,40}?的?"
                        r"(?P<role>主管单位|主管部门|主管机关|登记管理机关|牵头单位|牵头部门)$")
_HOST = re.compile(r"办公室设在(?P<list>[^,。;]{2,60})")
_COLLECTIVE_HEAD = re.compile(r"^(?:地方各级|各级|各)")


def _named(body: str) -> list[str]:
    """Unit names of a subject or agent phrase; a bare "各部门" or "各地区" names nobody."""
    names = list_names(body)
    if not names or not all(looks_like_unit(n) and not _DEICTIC.match(n) for n in names):
        return []
    return [n for n in names if not is_generic(n) and not (_COLLECTIVE_HEAD.match(n)
                                                           and len(_COLLECTIVE_HEAD.sub("", n)) < 4)]


def _cut_task(body: str) -> str | None:
    """The unit list before the task's verb: "省科技厅制定…" -> "省科技厅" (``None``: no such verb). A verb-like word
    inside a name is not a cut: the stretch before it must end a unit ("中华全国妇女|联合会" does
    not) and the stretch it starts must not ("市委组织部" does)."""
    for t in _TASK_START.finditer(body, 2):
        stretch = re.split(r"[、,;]", body[t.start():], maxsplit=1)[0]
        if looks_like_unit(body[:t.start()]) and not looks_like_unit(stretch):
            return body[:t.start()]
    return None


def rule_subject(text: str, ctx: DutyContext) -> list[_Group]:
    """"司法部负责…" "财政部要会同发展改革委、…等部门，…" "X在职责范围内分别负责…".

    A unit that only 配合 / 协助 / 参与 supports; beside it, the units that 负责 lead
    ("省工业和信息化厅负责，省财政厅配合"): the sentence names both roles.
    """
    groups: list[_Group] = []
    for seg in _SEGMENTS.split(_SCOPE_COMMA.sub(r"\1", text)):
        m = _SUBJECT.match(seg.strip())
        names = _named(m["list"]) if m else []
        if not names:
            continue
        if m["verb"] == "会同":
            groups.append(_Group(names, "lead"))
            w = _WITH.match(seg.strip()[m.end():])  # "…会同省科技厅制定…": the units, not the task
            cut = _cut_task(w["list"]) if w else None
            support = _named(_take_units(cut)) if cut else _named(w["list"]) if w else []
            if support:
                groups.append(_Group(support, "support"))
        elif m["verb"] in _SUPPORT_VERBS:
            if m["verb"] != "参与" or re.search(r"(?:要|应|应当|须|必须)$", seg.strip()[:m.start("verb")]):
                groups.append(_Group(names, "support"))  # "…共同参与" "X和参与…的Y" are no duty
                # "Y协助X负责…" / "Y配合X做好…": X, named before the task's verb, leads
                cut = _cut_task(seg.strip()[m.end():])
                if cut and (led := _named(_take_units(cut))):
                    groups.append(_Group(led, "lead"))
        else:
            groups.append(_Group(names, "lead" if m["verb"] == "牵头" else "listed"))
    if any(g.kind == "support" for g in groups) and not any(g.kind == "lead" for g in groups):
        for g in groups:
            if g.kind == "listed":
                g.kind = "lead"
    return groups


def rule_agent(text: str, ctx: DutyContext) -> list[_Group]:
    """"…的组织工作由国务院办公厅负责" "申办经费由X承担" "统一由各级民政部门登记管理";
    "由X商Y制定": X acts (leads), Y is consulted (supports)."""
    groups = []
    for seg in _SEGMENTS.split(text):
        for by in re.finditer("由", seg):
            consulted = _consulting(seg[by.end():])
            if consulted:
                groups += [_Group(consulted[0], "lead"), _Group(consulted[1], "support")]
                break
            # the first verb after which the words since 由 are unit names ("…事务管理所承担")
            for verb in _AGENT_VERB.finditer(seg, by.end() + 2, by.end() + 42):
                names = _named(seg[by.end():verb.start()])
                if names and "由" not in seg[by.end():verb.start()]:
                    groups.append(_Group(names, "listed"))
                    break
    return groups


def _consulting(body: str) -> tuple[list[str], list[str]] | None:
    """"X商Y制定…" after 由: the units X and Y, at the first 商 with unit names on both sides
    ("商务部商财政部": a 商 inside a name is passed by)."""
    for at in re.finditer("商", body):
        x = _named(body[:at.start()])
        cut = _cut_task(body[at.end():]) if x else None
        y = _named(_take_units(cut)) if cut else []
        if x and y:
            return x, y
    return None


def rule_competent(text: str, ctx: DutyContext) -> list[_Group]:
    """"国务院办公厅是全国政务新媒体工作的主管单位" "X为本行政区域的登记管理机关"."""
    groups = []
    for seg in _SEGMENTS.split(text):
        m = _COMPETENT.match(seg.strip())
        if m and (names := _named(m["list"])):
            groups.append(_Group(names, "lead" if m["role"].startswith("牵头") else "listed"))
    return groups


def rule_host(text: str, ctx: DutyContext) -> list[_Group]:
    """"联合办公室设在教育部、住房城乡建设部": the units that host a working office."""
    return [_Group(names, "listed") for m in _HOST.finditer(text) if (names := _named(_take_units(m["list"])))]


TEXT_RULES = [
    ("labelled_line", rule_labelled_lines),
    ("lead_phrase", rule_lead_phrase),
    ("convention_sentence", rule_convention_sentence),
]
PROSE_RULES = [
    ("subject", rule_subject),
    ("agent", rule_agent),
    ("competent", rule_competent),
    ("host", rule_host),
]


# ---- the chain

def _roles(groups: list[_Group], ctx: DutyContext) -> list[tuple[str, str, str]]:
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
            elif g.labelled and first_listed and i == 0:
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
    groups: list[_Group] = []
    forms: list[str] = []

    def paren(m: re.Match) -> str:
        got = read_paren(m["body"], ctx)
        if got is None:
            return m.group(0)
        groups.extend(got[0])
        forms.extend(f"paren:{f}" for f in got[1])
        return ""

    text = PAREN.sub(paren, norm_text).strip()
    for name, rule in TEXT_RULES:
        if name == "labelled_line" and groups:
            continue
        got = rule(text, ctx)
        if got:
            groups.extend(got)
            forms.append(name)
    for name, rule in PROSE_RULES if not groups else ():
        got = rule(text, ctx)
        if got:
            groups.extend(got)
            forms.append(name)
    units = [make_unit(s, role, basis, ctx.aliases, ctx.level) for s, role, basis in _roles(groups, ctx)]
    if units and implied_before:
        units += [make_unit(s, SUPPORT, CONVENTION, ctx.aliases, ctx.level) for s in implied_before]
        forms.append("implied")
    return Duties(merge_units(units), text, tuple(forms))
