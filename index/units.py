"""Unit names: split a list of responsible units, expand, clean and name them.

A list body ("税务总局、财政部、海关总署", "郑州、洛阳、新乡市人民政府") goes
through small named steps, in order:

1. :func:`split_list` splits on ``、 , ;`` outside brackets ("县〔区〕人民政府" stays whole);
2. :func:`split_etc` cuts "商务部等有关部门" into "商务部" and drops the generic tail;
   :func:`split_joined` parts "X主管部门和Y主管部门" at a 和 between two names;
3. :func:`join_runs` rejoins items that are not names on their own: a collective
   ("各市、县人民政府") or a described group ("辐射区、辐射点所在地市、县〔区〕人民政府");
4. :func:`expand_shared_suffix` gives "郑州、洛阳、新乡市人民政府" one full name each;
5. :func:`clean_name` strips "等" and role words; :func:`is_collective` marks classes of units.

Which role each unit has is decided by the rule chain in :mod:`zhengce.index.duty`;
``extract_units`` here is its entry point kept for callers of the old API.
"""

from __future__ import annotations

import re

from zhengce.index.aliases import Aliases
from zhengce.index.aliases import canonical as _canonical
from zhengce.index.model import Unit

# A unit name ends in one of these (matched on the normalized name).
_UNIT_END = re.compile(
    r"(局|厅|委|办|部|署|院|所|室|会|协|政府|中心|小组|单位|处|科|队|站|社|联|行|司|集团|公司|"
    r"管委会|委员会|机构|分局|支局|银行|协会|学会|法院|检察院|大学|学校|园区|基地|税务局|海关|部门|机关|组委)$"
)
# Words that never occur inside a unit name: a "list" holding them is a sentence.
_NOT_NAME = re.compile(r"[由的要。,;:!?]|以下|其中|内$|负责|牵头|按照|根据|依法|应当")
# Where a shared suffix may begin inside the last item of a list.
_SUFFIX_START = re.compile(r"(市|县|区|省|国家|高新|经开|自贸|人民政府|管委会|片区)")
_COLLECTIVE = re.compile(r"^(各|其他|地方各级)|有关|相关|所在地|各级|成员单位|县级以上|设区的市")
# A word for a role or a kind, not a unit: "有关部门", "主管单位", "登记管理机关", "行业协会".
_GENERIC_TAIL = re.compile(r"^(?:各(?=参与|牵头|配合|责任|协办))?"
                           r"(其他|有关|相关|主管|主办|承办|责任|牵头|配合|参与|协办|行业主管|业务主管|登记管理)?"
                           r"(部门|单位|机构|方面|机关)$|^(?:行业|社会)(?:协会|组织|商会)$")
# Role words a name never ends in; they are left over from the phrase around a list.
_ROLE_TAIL = re.compile(r"(等|负责落实|负责|牵头|参与|配合|协办|协助|指导|按职责分工|分别)+$")

_SPLIT = re.compile(r"[、,;]|\s+和\s+")
# "…等省财政部门" names one body; "…等市直部门" a kind of them
_PLACED = re.compile(r"^(?:国务院|[省市县区]|[\u4e00-\u9fff]{2,4}[省市县区])(?!直)")
_OPEN, _CLOSE = "〔([【", "〕)]】"


def canonical(name: str, level: str | None = None) -> str:
    return _canonical(name, level)


# A unit's second name in brackets: "工业和信息化部(中小企业局)", "省委宣传部(省新闻出版局)".
_SECOND_NAME = re.compile(r"(?<=[\u4e00-\u9fff])[(〔（]([^()〔〕（）]{2,20})[)〕）]$")


def looks_like_unit(name: str) -> bool:
    m = _SECOND_NAME.search(name)
    if m and _UNIT_END.search(m[1]):
        name = name[:m.start()]
    return bool(_UNIT_END.search(name)) and not _NOT_NAME.search(name.replace("设区的市", "设区市"))


def is_collective(name: str) -> bool:
    """"各省级人民政府", "各有关部门", "辐射点所在地市、县人民政府": a class of units."""
    return bool(_COLLECTIVE.search(name))


# Words that open a phrase naming no particular unit ("本单位", "该委员会", "上述部门").
_DEICTIC = re.compile(r"^(?:本|该|其|此|这|上述|前款)")


def points_back(name: str) -> bool:
    """"本单位", "其管委会", "上述部门": a phrase pointing back at a unit named elsewhere."""
    return bool(_DEICTIC.match(name))


def is_generic(name: str) -> bool:
    """"有关部门", "相关单位", "主管单位": no unit at all, only a word for others or for a role."""
    return bool(_GENERIC_TAIL.match(name))


def clean_name(name: str) -> str:
    """Strip a trailing "等" and role words, and edge punctuation: "财政部等" -> "财政部"."""
    name = name.strip(" 及和—―-－–")  # "——省科技厅牵头": a dash that opens the line is no part of a name
    prev = None
    while prev != name:
        prev = name
        name = _ROLE_TAIL.sub("", name).strip(" 及和—―-－–")
    return name


def split_list(body: str) -> list[str]:
    """Split a unit list on separators that are not inside brackets."""
    items, depth, buf = [], 0, []
    for ch in body:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and _SPLIT.fullmatch(ch):
            items.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    items.append("".join(buf))
    return [i.strip(" 等及") for i in (s.strip() for s in items) if i.strip(" 等及")]


# "卫生健康、农业农村、生态环境等部门": sectors whose departments are meant
_SECTORS = re.compile(r"([\u4e00-\u9fff]{2,8})等部门")


def split_etc(items: list[str]) -> list[str]:
    """"商务部等有关部门" -> "商务部"; "X等和各省级人民政府" -> "X", "各省级人民政府";
    "财政、生态环境等部门" -> "财政", "生态环境部门" (the suffix is then shared)."""
    out: list[str] = []
    for item in items:
        sector = _SECTORS.fullmatch(item)
        if sector and not looks_like_unit(sector[1]):  # "…、生态环境等部门": the sectors' departments
            out.append(sector[1] + "部门")
            continue
        parts = [p for p in re.split(r"等(?:和|及|以及)?|会同", item) if p]
        if len(parts) > 1:
            parts = [p for p in parts if not _GENERIC_TAIL.match(p)]
        # what follows 等 and only says what kind the units are: "X、Y等执法部门"
        kinds = {m.group(1) for m in re.finditer(r"等([\u4e00-\u9fff]{1,6}(?:部门|单位|机构))$", item)}
        out.extend(p for p in parts if p not in kinds or _PLACED.match(p))
    return out


def _place_head(item: str) -> bool:
    """A bare place that shares the next item's suffix: "郑州" in "郑州、洛阳市人民政府"."""
    return (not looks_like_unit(item) and len(item) <= 4 and not item.endswith(("区", "市", "县", "点"))
            and not item.startswith(("市", "省", "县", "区", "各")))


def join_runs(items: list[str]) -> list[str]:
    """Rejoin items that are no name on their own with the unit that completes them."""
    out: list[str] = []
    run: list[str] = []
    for item in items:
        if run:
            run.append(item)
            if looks_like_unit(item):
                out.append("、".join(run))
                run = []
            continue
        if not looks_like_unit(item) and not _place_head(item):
            run = [item]
            continue
        out.append(item)
    out.extend(run)
    return out


def _suffix_of(last: str, head_len_hint: int) -> str | None:
    """The shared suffix of a list's last item, e.g. ``市人民政府`` of ``新乡市人民政府``."""
    depth = 0
    for i, ch in enumerate(last):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if i >= 2 and depth == 0 and _SUFFIX_START.match(last, i) and looks_like_unit(last[i:]):
            return last[i:]
    if 0 < head_len_hint < len(last) - 1 and looks_like_unit(last[head_len_hint:]):
        return last[head_len_hint:]
    return None


def expand_shared_suffix(items: list[str]) -> list[str]:
    """``[郑州, 洛阳, 新乡市人民政府]`` -> three full names; other items pass through."""
    out: list[str] = []
    pending: list[str] = []
    for item in items:
        if _place_head(item):
            pending.append(item)
            continue
        if pending:
            suffix = _suffix_of(item, len(pending[-1]))
            if suffix:
                out.extend(p + suffix for p in pending)
            else:
                out.extend(pending)
            pending = []
        out.append(item)
    out.extend(pending)
    return out


_JOIN = re.compile(r"以及|和|及|与")
# A level that the second of two joined departments shares ("县级以上人民政府X主管部门和Y主管部门").
_LEVEL_HEAD = re.compile(r"^(?P<level>.*?(?:人民政府|国务院))(?=.*(?:部门|机关|机构)$)")
_OTHERS = re.compile(r"^其他(?:有关|相关)?(?:部门|单位|机构|方面)$")
# "X及县直有关单位": a word for others after a named unit names nobody more.
_SOME = re.compile(r"(?:有关|相关)(?:部门|单位|机构|方面)$")
_OWN_LEVEL = re.compile(r"^(?:国务院|国家|中央|中共|各|省|乡|镇|(?:市|县|区)(?!场|域|级))|政府")


def split_joined(items: list[str]) -> list[str]:
    """"省财政厅和省教育厅" -> two names, at the first 和 / 及 / 与 with a unit on either side
    ("工业和信息化部" is one: "工业" is no unit); a department after 和 takes the level of the one
    before ("国务院X主管部门和Y主管部门" -> "国务院Y主管部门"); a generic tail ("和其他有关部门")
    is dropped, and so is a word for others ("及县直有关单位"). A class after 和 ("国务院及各部门":
    every body) or a word pointing back ("及其管委会") keeps the item whole, as written."""
    out: list[str] = []
    for item in items:
        while True:
            cut = next((m for m in _JOIN.finditer(item, 2)
                        if looks_like_unit(item[:m.start()]) and looks_like_unit(item[m.end():])), None)
            if cut is None:
                break
            left, right = item[:cut.start()], item[cut.end():]
            if is_generic(right) or _OTHERS.match(right) or _SOME.search(right):
                item = left
                break
            if is_collective(right) or points_back(right):
                break
            out.append(left)
            item = with_level_of(left, right)
        out.append(item)
    return out


def with_level_of(first: str, name: str) -> str:
    """``name`` with the level of ``first`` when it names none of its own: a department named
    after "县级以上人民政府X部门" ("和Y部门", "会同Y部门") is of the same government."""
    level = _LEVEL_HEAD.match(first)
    return level["level"] + name if level and not _OWN_LEVEL.search(name) else name


def list_names(body: str) -> list[str]:
    """The unit names of a list body, as written (cleaned), in order, without repeats."""
    names: list[str] = []
    for raw in expand_shared_suffix(join_runs(split_joined(split_etc(split_list(body))))):
        name = clean_name(raw)
        if name and name not in names:
            names.append(name)
    return names


def valid_names(names: list[str]) -> bool:
    """Every name is a unit name (a list holding a sentence is no unit list)."""
    return bool(names) and all(looks_like_unit(n) or (is_collective(n) and not _NOT_NAME.search(n))
                               for n in names)


def make_unit(surface: str, role: str, basis: str, aliases: Aliases | None = None,
              level: str | None = None) -> Unit:
    """A :class:`Unit` with its canonical name for the level; collectives keep their words."""
    collective = is_collective(surface)
    aliases = aliases or Aliases.default()
    name = surface if collective else aliases.canonical(surface, level)
    return Unit(name, role, basis, collective, "" if name == surface else surface)


def extract_units(norm_text: str, aliases: Aliases | None = None,
                  level: str | None = None) -> tuple[tuple[Unit, ...], str]:
    """Units of one normalized clause text, and the text with duty parentheses removed."""
    from zhengce.index.duty import DutyContext, find_duties

    found = find_duties(norm_text, DutyContext(aliases=aliases or Aliases.default(), level=level))
    return found.units, found.text
