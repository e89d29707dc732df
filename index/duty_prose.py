"""What every duty rule shares, and the prose rules: sentences that name who does what.

The rule chain (:mod:`zhengce.index.duty`) reads parentheses, labelled lines and phrases first;
when those find no unit, the prose rules here read the sentences of regulations and opinions:
"司法部负责…", "财政部要会同发展改革委…" (the list stops at the task's verb), "X负责，Y配合"
(both roles named), "X负总责" and "X统筹，Y具体实施" (X leads, Y supports), "Y协助X负责…", "由X负责", "由X商Y制定" (X leads, Y is consulted),
"X是…的主管单位" and "责任单位为X", "X要…" for a public body named in full ("司法部要加强…";
not "用人单位应当…" nor "各地要…"). Adverbs and scope words may stand before the verb ("由X具体
负责", "按照职责分工分别负责"). Role words ("主管单位", "登记管理机关"), words pointing back
("本单位"), a bare "政府" and a clause of the sentence that ends like a name ("并指定专门机构")
name nobody. Where a sentence names supporting units and no lead, the units it names as
responsible lead (:func:`promote_listed`); a unit named only by "X要…" never leads by that.

:class:`DutyContext` (per-document state) and :class:`Group` (names found together, with their
role) are the types every rule passes; :func:`take_units` cuts a list at its first item that is
not a unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhengce.index.aliases import Aliases
from zhengce.index.units import (
    is_collective,
    is_generic,
    list_names,
    looks_like_unit,
    points_back,
    split_list,
    with_level_of,
)


@dataclass
class DutyContext:
    """Per-document state: conventions stated once hold for the clauses after them."""

    aliases: Aliases = field(default_factory=Aliases.default)
    level: str | None = None
    first_is_lead: bool = False      # "排在第一位的部门为牵头部门，下同"
    implied: tuple[str, ...] = ()    # "以下均需Y落实，不再列出"


@dataclass
class Group:
    """Names a rule found together, and the role the rule read for them."""

    names: list[str]
    kind: str                 # "lead", "support" or "listed"
    labelled: bool = False    # from a "责任单位：" label (first may lead, basis listed_first)
    modal: bool = False       # from "X要…" (rule_modal): a task set, no role stated


def take_units(body: str) -> str:
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


# ---- prose rules: sentences of regulations and opinions that name who does what. They run
# only when the rules above found nothing, so a task list's own duty lines always win.

_SEGMENTS = re.compile(r"[,。;()]")
# A bracket of places inside a name ("各旗县(市、区)人民政府", "各市(州)发改委"), the name going on.
_NAME_BRACKET = re.compile(r"\(([市县区州盟旗镇乡、]{1,6})\)(?=[\u4e00-\u9fff])")


def segments(text: str) -> list[str]:
    """The text split at commas, stops and brackets, but not at a bracket inside a name."""
    masked = _NAME_BRACKET.sub("\ue000\\1\ue001", text)
    return [seg.replace("\ue000", "(").replace("\ue001", ")") for seg in _SEGMENTS.split(masked)]
_MODAL = r"(?:要|应|应当|须|必须|将|可|也)?"
_MODAL_END = re.compile(r"(?:要|应|应当|须|必须)$")  # "Y要参与": the modal makes 参与 a duty
_SCOPES = r"在(?:各自)?职责范围内|(?:按照|按|依照|根据|依据)(?:各自)?职责(?:分工)?"
_DUTY_SCOPE = rf"(?:{_SCOPES})?(?:分别|共同|统一)?"
_SCOPE_COMMA = re.compile(rf"({_SCOPES}),")  # "X在职责范围内，分别负责"
_SUBJECT = re.compile(rf"^(?P<list>[^,。;]{{2,60}}?){_MODAL}{_DUTY_SCOPE}(?:具体|主要|直接|积极|主动|全力)?"
                      r"(?P<verb>负总责|负责|承担|承办|主管(?!部门|单位|机关|机构)|会同|牵头|统筹(?=$)|配合|协助"
                      r"|协办|参与|参加|(?<=具体)实施(?=$)"
                      r"|(?:(?<=职责)|(?<=分工)|(?<=范围内))(?:落实|做好))(?!人|同志)")
_SUPPORT_VERBS = ("配合", "协助", "协办", "参与", "参加", "实施")  # "Y具体实施" under the one that 统筹
_LEAD_VERBS = ("牵头", "统筹", "负总责")
# "X牵头，Y等部门按职责落实": Y carries out its part (落实 counts only after 按职责)
_AGENT_VERB = re.compile(r"(?:统一)?(?:负责|承担|承办|主管|登记管理|管理|组织|审查|审核|认定|办理|责令)")
# What may stand between the units after 由 and the verb: "由X具体负责" "由X、Y按照职责分工分别负责".
_AGENT_TAIL = re.compile(rf"{_DUTY_SCOPE}(?:具体|主要|直接|共同|分别)*$")
_WITH = re.compile(r"(?P<list>[^,。;]+?)(?:等(?:有关|相关)?(?:部门|单位|方面|机构)?|$)")
# Where the task begins after "会同Y": its verb ("…会同省科技厅制定…").
_TASK_START = re.compile(r"(?:制定|研究|出台|建立|开展|推进|做好|加强|组织|完善|实施|落实|编制|印发|抓紧|加快|"
                         r"统筹|共同|联合|进一步|支持|指导|配合|协助|协调|督促|推动|负责|牵头|确定|另行|提出|"
                         r"发布|修订|起草|审查|办理|设立|按照|根据|围绕|及时|定期|积极|认真|切实|全面|对|在|于|做|抓)")
_ROLE_WORD = r"(?P<role>主管单位|主管部门|主管机关|登记管理机关|牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门)"
_COMPETENT = re.compile(rf"^(?:明确|确定|指定|由)?(?P<list>[^,。;]{{2,40}}?)(?:是|为)[^,。;]{{0,40}}?的?{_ROLE_WORD}$")
_ROLE_FIRST = re.compile(rf"^{_ROLE_WORD}(?:是|为)(?P<list>[^,。;]{{2,60}})$")  # "责任单位为省生态环境厅"
# "X要加快…" "X应当…": a public body's name, then a modal verb; "X要求…" asks others.
_MODAL_SUBJECT = re.compile(r"^(?P<list>[^,。;]{2,40}?)(?:要|应当|应该|应|须|必须)(?!求|素|点|件|害|闻|务|急|用|该|是|届)")
# A public body named in full: a level first ("省…", "郑州市…", "国务院…"; a place name holds no
# office, "市场" "区域" "省级" are words, "市县" "区县" classes), an office last; "和", "及", "各"
# inside join or class bodies ("省教育厅和各市教育局").
_PUBLIC_BODY = re.compile(r"^(?:国务院|[^及和与并级各、()厅局委办部署会]{2,6}?(?:省|市|县|区|自治区|自治州|盟|旗)|省|市|县|区)"
                          r"(?![场域级省市县区州])[^及和与并级各、()]*"
                          r"(?:部|委|厅|局|办|署|政府|管委会|委员会|办公室|部门|中心)$|^国务院$")
# A regulation's class of departments: a level class first, a department last.
_CLASS_DEPARTMENT = re.compile(r"^(?:县级以上(?:地方)?(?:各级)?人民政府|设区的市(?:级)?(?:人民政府)?|省级|市级|县级|乡级)"
                               r"[^,;。、和及与各]{2,20}?(?:部门|机关)$")
_HOST = re.compile(r"办公室设在(?P<list>[^,。;]{2,60})")
_COLLECTIVE_HEAD = re.compile(r"^(?:地方各级|各级|各)")
# A phrase that ends like a unit but is a clause of the sentence ("并指定专门机构", "可通过…方式委托相关机构").
_CLAUSE_WORDS = re.compile(r"^(?:邀请|请|并)|通过|方式|指定|委托|依托|鼓励|支持|引导")
_BARE = re.compile(r"^(?:地方)?(?:人民)?政府$|^部委$")  # a kind of body, not one ("政府主要负责规划战略")
_EVERY = re.compile(r".各(?:部门|单位|地区?|机构)$")  # "全市各部门", "国务院各部门": every body of a kind


def _named(body: str) -> list[str]:
    """Unit names of a subject or agent phrase; a bare "各部门" or "各地区" names nobody."""
    names = list_names(body)
    if not names or not all(looks_like_unit(n) and not points_back(n) and not _CLAUSE_WORDS.search(n)
                            for n in names):
        return []
    return [n for n in names if not is_generic(n) and not _BARE.match(n) and not _EVERY.search(n)
            and not (_COLLECTIVE_HEAD.match(n) and len(_COLLECTIVE_HEAD.sub("", n)) < 4)]


def _cut_task(body: str) -> str | None:
    """The unit list before the task's verb: "省科技厅制定…" -> "省科技厅" (``None``: no such verb). A verb-like word
    inside a name is not a cut: the stretch before it must end a unit ("中华全国妇女|联合会" does
    not) and the stretch it starts must not ("市委组织部" does)."""
    for t in _TASK_START.finditer(body, 2):
        stretch = re.split(r"[、,;]", body[t.start():], maxsplit=1)[0]
        if looks_like_unit(body[:t.start()]) and not looks_like_unit(stretch):
            return body[:t.start()]
    return None


def _task_units(body: str) -> list[str] | None:
    """The units named before the task's verb (:func:`_cut_task`); ``None`` when no verb ends a
    unit list there."""
    cut = _cut_task(body)
    return None if cut is None else _named(take_units(cut))


def rule_subject(text: str, ctx: DutyContext) -> list[Group]:
    """"司法部负责…" "财政部要会同发展改革委、…等部门，…" "X在职责范围内分别负责…".

    A unit that only 配合 / 协助 / 参与 supports; beside it, the units that 负责 lead
    ("省工业和信息化厅负责，省财政厅配合"): the sentence names both roles.
    """
    groups: list[Group] = []
    closing: list[Group] = []  # "…，Y参加": a duty only beside a unit that leads or is responsible
    for seg in (s.strip() for s in segments(_SCOPE_COMMA.sub(r"\1", text))):
        m = _SUBJECT.match(seg)
        names = _named(m["list"]) if m else []
        if not names:
            continue
        if m["verb"] == "会同":
            groups.append(Group(names, "lead"))
            w = _WITH.match(seg[m.end():])
            listed = w["list"] if w else ""
            support = _task_units(listed)  # "…会同省科技厅制定…": the units, not the task
            if support is None:
                support = _named(listed)
            if support:
                groups.append(Group([with_level_of(names[0], n) for n in support], "support"))
        elif m["verb"] in _SUPPORT_VERBS:
            if m["verb"] in ("参与", "参加") and not _MODAL_END.search(seg[:m.start("verb")]):
                if m.end() == len(seg):  # a closing "Y参加"; "…共同参与" "X和参与…的Y" are no duty
                    closing.append(Group(names, "support"))
                continue
            groups.append(Group(names, "support"))  # "Y配合…", "Y要参与…"
            # "Y协助X负责…" / "Y配合X做好…": X, named before the task's verb, leads
            if led := _task_units(seg[m.end():]):
                groups.append(Group(led, "lead"))
        else:
            groups.append(Group(names, "lead" if m["verb"] in _LEAD_VERBS else "listed"))
    if any(g.kind in ("lead", "listed") for g in groups):
        groups += closing  # "省卫生健康委牵头，省医保局参加"; not "…召开会议，省财政厅参加"
    return groups


def promote_listed(groups: list[Group]) -> list[Group]:
    """Where prose names supporting units and no lead, the units it names as responsible lead
    ("省工业和信息化厅负责，省财政厅配合" "由X具体负责，Y配合")."""
    if any(g.kind == "support" for g in groups) and not any(g.kind == "lead" for g in groups):
        supporters = {n for g in groups if g.kind == "support" for n in g.names}
        for g in groups:
            if g.kind == "listed" and not set(g.names) & supporters:
                g.kind = "lead"
    return groups


def rule_agent(text: str, ctx: DutyContext) -> list[Group]:
    """"…的组织工作由国务院办公厅负责" "申办经费由X承担" "统一由各级民政部门登记管理";
    "由X商Y制定", "由X会同Y组织实施": X acts (leads), Y is consulted or convened (supports)."""
    groups = []
    for seg in segments(text):
        for by in re.finditer("由", seg):
            consulted = _consulting(seg[by.end():])
            if consulted:
                groups += [Group(consulted[0], "lead"), Group(consulted[1], "support")]
                break
            # the first verb after which the words since 由 are unit names ("…事务管理所承担")
            for verb in _AGENT_VERB.finditer(seg, by.end() + 2, by.end() + 42):
                names = _named(_AGENT_TAIL.sub("", seg[by.end():verb.start()]))
                if names and "由" not in seg[by.end():verb.start()]:
                    groups.append(Group(names, "listed"))
                    break
    return groups


def _consulting(body: str) -> tuple[list[str], list[str]] | None:
    """"X商Y制定…" / "X会同Y组织实施…" after 由: the units X and Y, at the first 商 or 会同 with
    unit names on both sides ("商务部商财政部": a 商 inside a name is passed by)."""
    for at in re.finditer("商|会同", body):
        x = _named(body[:at.start()])
        y = _task_units(body[at.end():]) if x else None
        if x and y:
            return x, y
    return None


def rule_competent(text: str, ctx: DutyContext) -> list[Group]:
    """"国务院办公厅是全国政务新媒体工作的主管单位" "X为本行政区域的登记管理机关" "牵头单位为X，
    配合单位为Y". A 责任单位 must be a public body: "学校是学生安全的责任单位" binds a party."""
    groups = []
    for seg in segments(text):
        m = _COMPETENT.match(seg.strip()) or _ROLE_FIRST.match(seg.strip())
        names = _named(take_units(m["list"])) if m else []
        if names and m["role"].startswith("责任") and not _public(names, ctx):
            continue
        if names:
            kind = "lead" if m["role"].startswith("牵头") else "support" if m["role"].startswith("配合") else "listed"
            groups.append(Group(names, kind))
    return groups


def _public(names: list[str], ctx: DutyContext) -> bool:
    """Every name is a public body: one the aliases know, one named in full (``_PUBLIC_BODY``), or
    a regulation's class of departments (``_CLASS_DEPARTMENT``: "县级以上人民政府X主管部门应当…"
    sets a duty for each of them; "各地要…" exhorts, and names none)."""
    known = ctx.aliases.table()
    return all(((n in known or _PUBLIC_BODY.match(n)) and not is_collective(n)) or _CLASS_DEPARTMENT.match(n)
               for n in names)


def rule_modal(text: str, ctx: DutyContext) -> list[Group]:
    """"省发展改革委要加快推进…" "省人民政府教育督导委员会办公室要将…": a task set for a public
    body by a modal verb. Only names of public bodies count ("用人单位应当…" binds a regulated
    party; "各地要…" and "地方各级人民政府要…" exhort every unit of a kind, and name none)."""
    groups = []
    for seg in re.split(r"[,。;]", text):  # a bracket inside a name ("各有关省(市)人民政府") stays
        if (s := _SUBJECT.match(seg.strip())) and _named(s["list"]):
            continue  # "省财政厅要配合…": the subject rule reads its role
        m = _MODAL_SUBJECT.match(seg.strip())
        names = _named(m["list"]) if m and (_CLASS_DEPARTMENT.match(m["list"]) or not is_collective(m["list"])) else []
        if names and _public(names, ctx):
            groups.append(Group(names, "listed", modal=True))
    return groups


def rule_host(text: str, ctx: DutyContext) -> list[Group]:
    """"联合办公室设在教育部、住房城乡建设部": the units that host a working office."""
    return [Group(names, "listed") for m in _HOST.finditer(text) if (names := _named(take_units(m["list"])))]


PROSE_RULES = [
    ("subject", rule_subject),
    ("agent", rule_agent),
    ("competent", rule_competent),
    ("host", rule_host),
    ("modal", rule_modal),
]
