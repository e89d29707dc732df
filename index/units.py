"""Responsible units: find them in a clause, split, expand and normalize them.

Handles ``(责任单位:…)`` parentheses, ``牵头单位:`` / ``配合单位:`` /
``责任部门:`` labels and phrases such as ``由市科协牵头,会同市委人才办、…``.
Lists split on ``、 , ; ,``; shared-suffix lists ("郑州、洛阳、新乡市人民政府")
expand to one unit each; bracketed parts ("县〔区〕人民政府") stay intact.
Aliases map to one canonical name (``zhengce.index.aliases``).
"""

from __future__ import annotations

import re

from zhengce.index.aliases import canonical
from zhengce.index.model import LEAD, SUPPORT, Unit

# A unit name ends in one of these (matched on the normalized name).
_UNIT_END = re.compile(
    r"(局|厅|委|办|部|署|院|所|室|会|协|政府|中心|小组|单位|处|科|队|站|社|联|行|司|集团|公司|"
    r"管委会|委员会|分局|支局|银行|协会|学会|法院|检察院|大学|学校|园区|基地|税务局|海关)$"
)
# Where a shared suffix may begin inside the last item of a list.
_SUFFIX_START = re.compile(r"(市|县|区|省|国家|高新|经开|自贸|人民政府|管委会|片区)")

# "(责任单位:…)" and its labelled variants; matched on normalized text.
_LABELS = r"(?:牵头|责任|配合|协办|参与|主责)(?:单位|部门)"
UNIT_PAREN = re.compile(rf"\(\s*(?P<label>{_LABELS})\s*:(?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)")
UNIT_LINE = re.compile(rf"(?P<label>{_LABELS})\s*:(?P<body>[^。;;\n]*)")
LEAD_PHRASE = re.compile(
    r"由(?P<lead>[^,,。;;由]{2,30}?)牵头(?:[,,]?\s*(?:会同|联合|协调|配合)(?P<rest>[^。;;]*))?"
)

_SPLIT = re.compile(r"[、,,;;]|\s+和\s+")
_OPEN, _CLOSE = "〔([【", "〕)]】"


def looks_like_unit(name: str) -> bool:
    return bool(_UNIT_END.search(name))


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
        bare = (not looks_like_unit(item) and len(item) <= 4 and not item.endswith("区")
                and not item.startswith(("市", "省", "县", "区")))
        if bare:
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


def parse_list(body: str, first_is_lead: bool = True) -> list[Unit]:
    """Units of a list body; the first listed is the lead unless told otherwise."""
    names = expand_shared_suffix(split_list(body))
    units: list[Unit] = []
    seen: set[str] = set()
    for i, raw in enumerate(names):
        name = canonical(raw)
        if not name or name in seen:
            continue
        seen.add(name)
        units.append(Unit(name, LEAD if (i == 0 and first_is_lead) else SUPPORT))
    return units


def _merge(*groups: list[Unit]) -> tuple[Unit, ...]:
    """Merge unit lists: one entry per name, lead wins over support."""
    order: list[str] = []
    roles: dict[str, str] = {}
    for group in groups:
        for u in group:
            if u.name not in roles:
                order.append(u.name)
                roles[u.name] = u.role
            elif u.role == LEAD:
                roles[u.name] = LEAD
    return tuple(Unit(n, roles[n]) for n in order)


def _trim_unit(item: str) -> str | None:
    """The longest head of ``item`` that is a unit name: ``市财政局推进`` -> ``市财政局``."""
    for i in range(len(item), 1, -1):
        if looks_like_unit(item[:i]):
            return item[:i]
    return None


def _take_units(body: str) -> str:
    """Cut a phrase list at the first item that is not a unit ("统筹推进…")."""
    kept = []
    for item in split_list(body):
        if looks_like_unit(item):
            kept.append(item)
            continue
        head = _trim_unit(item)
        if head:
            kept.append(head)
            break
        if kept and looks_like_unit(kept[-1]):
            break
        kept.append(item)  # a bare item may be a shared-suffix head ("郑州、洛阳…")
    return "、".join(kept)


def extract_units(norm_text: str) -> tuple[tuple[Unit, ...], str]:
    """Find units in a normalized clause text.

    Returns the units and the text with unit parentheses removed.
    """
    groups: list[list[Unit]] = []
    lead_given = False

    def paren(m: re.Match) -> str:
        nonlocal lead_given
        label = m.group("label")
        if label.startswith("牵头"):
            lead_given = True
            groups.append(parse_list(m.group("body"), first_is_lead=True))
        elif label.startswith(("配合", "协办", "参与")):
            groups.append(parse_list(m.group("body"), first_is_lead=False))
        else:
            groups.append(parse_list(m.group("body"), first_is_lead=not lead_given))
        return ""

    text = UNIT_PAREN.sub(paren, norm_text).strip()
    if not groups:
        for m in UNIT_LINE.finditer(text):
            label = m.group("label")
            lead = label.startswith(("牵头", "责任", "主责")) and not lead_given
            lead_given = lead_given or label.startswith("牵头")
            groups.append(parse_list(_take_units(m.group("body")), first_is_lead=lead))
    for m in LEAD_PHRASE.finditer(text):
        lead_name = m.group("lead").strip()
        if looks_like_unit(lead_name):
            groups.insert(0, [Unit(canonical(lead_name), LEAD)])
            if m.group("rest"):
                groups.append(parse_list(_take_units(m.group("rest")), first_is_lead=False))
    return _merge(*groups), text
