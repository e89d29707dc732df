"""Where a notice applies: its level and place, read from its issuer, 文号 and title.

Levels are those of the alias profiles (:data:`zhengce.index.aliases.LEVELS`):

============  =====================================================================
level         issued by
============  =====================================================================
``national``  国务院, 中共中央, a ministry or its office (财政部, 人力资源社会保障部办公厅,
              审计署, 体育总局), or a 文号 of the State Council (国发, 国办函 …)
``province``  a 省 or 自治区 (广西壮族自治区 -> place 广西)
``city``      a 市, 盟, 自治州 or 地区 (锡林郭勒盟 -> 锡林郭勒)
``county``    a 县, 区, 新区, 旗 or 自治县, also one named inside its city (重庆市渝北区 -> 渝北)
============  =====================================================================

A party body's "中共" (中共重庆市渝北区委办公室) is not part of the place. The place is
the name without the word for its kind, and without the peoples an autonomous area
names (广西壮族自治区 -> 广西, 恩施土家族苗族自治州 -> 恩施).
"""

from __future__ import annotations

import re

_KIND_LEVEL = {"省": "province", "自治区": "province", "市": "city", "盟": "city", "自治州": "city",
               "地区": "city", "县": "county", "区": "county", "新区": "county", "旗": "county", "自治县": "county"}
_KINDS = "|".join(sorted(_KIND_LEVEL, key=len, reverse=True))
# The division an issuer's name starts with: its name (lazily, so "郑州市" is 郑州 + 市) and kind.
_TOP = re.compile(r"^(?!国家|中国|全国|中华|国务院)(?P<place>[\u4e00-\u9fff]{2,8}?)(?P<kind>省|自治区|市|盟|自治州|地区|县|新区|区|自治县)")
# A division right after the first one: the county of a city ("重庆市" + "渝北区").
_INNER = re.compile(rf"(?P<place>[\u4e00-\u9fff]{{2,5}}?)(?P<kind>{_KINDS})(?=人民政府|委|党|行政公署|办公|政府|$)")
_PARTY = re.compile(r"^(?:中共|中国共产党)")
_PEOPLES = re.compile(r"(?:壮族|回族|维吾尔|藏族|蒙古族|土家族|苗族|彝族|侗族|布依族|朝鲜族|哈尼族|傣族|白族|"
                      r"羌族|瑶族|黎族|哈萨克|柯尔克孜|傈僳族|纳西族|景颇族|仡佬族|水族|畲族|达斡尔族)$")
_NATIONAL = re.compile(r"^(国务院|中共中央|全国人大|中央|国家)|(部|署|总局)(?:办公厅|办公室)?$")
_NATIONAL_NUMBER = re.compile(r"^(国发|国办|国函|国令|国务院令|中华人民共和国国务院令|中发|中办)")
_QUOTED_PLACE = re.compile(r"[《“](?P<place>[\u4e00-\u9fff]{2,4}?)(?P<kind>省|自治区|市)")
_TITLE_PLACE = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2,4}?)(?P<kind>省|自治区|市)(?=人民政府|关于|(?:19|20)\d{2}年)")


def _short(place: str) -> str:
    """The name without the peoples an autonomous area names: "广西壮族" -> "广西"."""
    while (m := _PEOPLES.search(place)) and m.start() >= 2:
        place = place[:m.start()]
    return place


def issuer_place(issuer: str) -> tuple[str, str] | None:
    """(level, place) of the division an issuer belongs to, the innermost it names, else ``None``:
    "郑州市人民政府办公室" -> ("city", "郑州"), "中共重庆市渝北区委办公室" -> ("county", "渝北")."""
    name = _PARTY.sub("", issuer)
    m = _TOP.match(name)
    if not m:
        return None
    inner = _INNER.match(name, m.end())
    if inner and _KIND_LEVEL[inner["kind"]] != _KIND_LEVEL[m["kind"]] and _KIND_LEVEL[m["kind"]] != "county":
        m = inner
    return _KIND_LEVEL[m["kind"]], _short(m["place"])


def jurisdiction(fields: dict) -> tuple[str | None, str | None]:
    """(level, place) of a notice from its issuer, 文号 and title: ("national", None), ("city", "郑州")."""
    issuer = (fields.get("issuer") or "").split("、")[0]
    number = fields.get("doc_number") or ""
    placed = issuer_place(issuer) if issuer else None
    if _NATIONAL_NUMBER.match(number) or (issuer and _NATIONAL.search(issuer) and not placed):
        return "national", None
    if placed:
        return placed
    title = fields.get("title") or ""
    m = _TITLE_PLACE.match(title) or _QUOTED_PLACE.search(title)  # "郑州市2020年…方案"
    if m:
        return _KIND_LEVEL[m["kind"]], _short(m["place"])
    return None, None
