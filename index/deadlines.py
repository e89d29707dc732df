"""Deadlines of tasks: "2019年底前完成", "2020年6月底前", "5月底完成", "2025年第三季度前", "2025年内完成",
"今年底前" (the document's year), "长期坚持", "2025年起持续推进"; recurring ("每年3月31日前") and relative
("自施行之日起6个月内", "在5个工作日内") time limits keep their words and have no date.

A deadline is read from where notices state one, in order:

1. a time label or column (``完成时限：…``, ``时间节点：…``, a task table's time cell);
2. a piece of a duty parenthesis ("（5月底完成，牵头考核单位：X）");
3. an explicit phrase anywhere ("…于2019年底前完成", "2020年6月底前");
4. failing those, a recurring or relative time limit ("每年2月底前", "自受理之日起20个工作日内").

"长期坚持", "持续推进" and "2025年内完成" are deadlines only in the first two places: in running
text they are ordinary words ("2025年内完成投资500亿元" is a target), as "今年底前" is not. The ISO date is the last day of the period; a
month without a year takes the document's year; with no year known it stays ``None``. A time
label's bare year or month ("完成时限：2026年") is due at its end.
"""

from __future__ import annotations

import calendar
import re

from zhengce.index.duty import BRACKETS, PAREN
from zhengce.index.model import Deadline

_ONGOING = re.compile(r"^(?:(?:19|20)\d{2}年(?:起|开始|(?:至|-|—|到)(?:19|20)\d{2}年))?,?(长期坚持|持续推进|长期推进|持续开展|长期|持续)(?:推进|实施|开展)?$")
_FULL_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:前|之前|以前)")
_MONTH_END = re.compile(r"(?:(?P<y>(?:19|20)\d{2})年)?(?P<m>\d{1,2})月(?:底|末)(?:前|之前)?(?:完成|前完成)?")
# "2025年底前", "2025年内完成"; "今年底前" / "年底前" take the document's year
_YEAR_END = re.compile(r"(?:(?:(?P<y>(?:19|20)\d{2})年|今年|本年)(?:底|年底|末|内)|^年(?:底|末|内))(?:前|之前)?(?:完成)?")
# A time label's value may be a bare year or month ("完成时限：2026年", "完成时限：2025年6月"): by its end.
_LABEL_YEAR = re.compile(r"^(?P<y>(?:19|20)\d{2})年(?:(?P<m>\d{1,2})月)?$")
_HALF = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<h>上半年|年中|下半年)(?:前)?(?:完成)?")
_QUARTER = re.compile(r"(?:(?P<y>(?:19|20)\d{2})年)?(?:第)?(?P<q>[一二三四1-4])季度(?:末|底)?(?:前|之前)?(?:完成)?")
# A period's end ("（2月20日—3月10日）", "2024年3月1日至4月30日"): due on its last day.
_RANGE = re.compile(r"(?:(?P<y0>(?:19|20)\d{2})年)?(?P<m0>\d{1,2})月\d{1,2}日?\s*(?:—|–|-|~|～|至|到)\s*"
                    r"(?:(?P<y>(?:19|20)\d{2})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日")
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# Running text: only phrases that say "by" (前) or "done" (完成).
_IN_TEXT = re.compile(
    r"(?:(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日|底|末)?|底|年底|上半年|下半年|第?[一二三四1-4]季度(?:末|底)?)?"
    r"(?:前|之前)(?:完成)?"
    r"|(?:(?:19|20)\d{2}年第?[一二三四1-4]季度(?:末|底)?完成)"
    r"|(?:(?:今年|本年)(?:底|年底)|(?<![\d今本])年底)(?:前|之前)(?!后)(?:完成)?"
    r"|(?:(?:19|20)\d{2}年|(?<!每年)(?<!每年\d))\d{1,2}月底(?:前)?完成)"
)
_NUMBER = r"[\d一二两三四五六七八九十百]+"
# Recurring ("每年3月31日前", "每季度末前") or relative ("自本办法施行之日起6个月内", "在5个工作日内"):
# the words are the deadline; no date is computed.
_RECURRING = re.compile(r"每(?:年|季度|半年|月)(?:\d{1,2}月)?(?:\d{1,2}日|底|末)?(?:前|之前)(?:完成)?")
# counted from an event, any unit; unanchored only in days ("在5个工作日内"): "力争3年内" is a horizon
_RELATIVE = re.compile(r"(?:自|从|在)[^,;。:]{1,20}?之日起" + _NUMBER + r"个?(?:工作日|自然日|日|天|个月|周|年)(?:以内|内)"
                       r"|(?:在|于)?" + _NUMBER + r"个?(?:工作日|自然日|日|天)(?:以内|内)")
_TIME_LABEL = re.compile(r"(?:完成时限|完成时间|时间节点|时限要求|时限|完成期限)\s*:\s*"
                         r"(?P<v>[^;。\n)】]+?)(?=\s+[\u4e00-\u9fff]{2,8}:|(?:牵头|配合|责任)[\u4e00-\u9fff]{0,4}:|[;。\n)】]|$)")
# A sentence's own closing words: "…配合,长期坚持。" says the task never ends.
_ONGOING_TAIL = re.compile(r"[,;](长期坚持|长期推进)(?=[。;]|$)")


def _last_day(year: int, month: int) -> str | None:
    if not 1 <= month <= 12:
        return None
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def parse_deadline(raw: str, default_year: int | None = None, strict: bool = True) -> Deadline | None:
    """A deadline from a short time expression; ``strict`` wants the whole text to be one."""
    text = raw.strip(" ,;。")
    if not text:
        return None
    if _ONGOING.match(text):
        return Deadline(text, None, True)
    if _RECURRING.search(text) or _RELATIVE.search(text):  # every year, or counted from an event: no date
        return Deadline(text) if not strict or _RECURRING.fullmatch(text) or _RELATIVE.fullmatch(text) else None
    period = _RANGE.fullmatch(text)
    if period:
        year = int(period["y"] or period["y0"] or 0) or default_year
        month = int(period["m"] or period["m0"])  # "3月1日-15日": the period's own month
        return Deadline(text, f"{year:04d}-{month:02d}-{int(period['d']):02d}" if year else None)
    for pattern in (_FULL_DATE, _MONTH_END, _YEAR_END, _HALF, _QUARTER):
        m = pattern.search(text)
        if not m or (strict and len(text) - (m.end() - m.start()) > 4):
            continue
        year = int(m["y"]) if m["y"] else default_year
        if year is None:
            return Deadline(text)
        if pattern is _FULL_DATE:
            iso = f"{year:04d}-{int(m['m']):02d}-{int(m['d']):02d}"
        elif pattern is _MONTH_END:
            iso = _last_day(year, int(m["m"]))
        elif pattern is _QUARTER:
            iso = _last_day(year, 3 * _QUARTERS[m["q"]])
        elif pattern is _HALF:
            iso = f"{year:04d}-06-30" if m["h"] in ("上半年", "年中") else f"{year:04d}-12-31"
        else:
            iso = f"{year:04d}-12-31"
        return Deadline(text, iso)
    return Deadline(text) if not strict else None


def only_time_label(norm_text: str) -> bool:
    """Whether ``norm_text`` is a time label and nothing else ("完成时限:长期坚持")."""
    m = _TIME_LABEL.match(norm_text.strip())
    return bool(m) and not norm_text.strip()[m.end():].strip(" ,;。.")


def find_deadline(norm_text: str, default_year: int | None = None) -> Deadline | None:
    """The deadline a clause states, or ``None``."""
    m = _TIME_LABEL.search(norm_text)
    if m:
        bare = _LABEL_YEAR.match(m["v"].strip())
        if bare:  # the label says it is a deadline: a bare year or month is its last day
            year = int(bare["y"])
            iso = _last_day(year, int(bare["m"])) if bare["m"] else f"{year:04d}-12-31"
            return Deadline(m["v"].strip(), iso)
        return parse_deadline(m["v"], default_year, strict=False)
    for paren in PAREN.finditer(norm_text.translate(BRACKETS)):  # a bracket inside too ("各市(州)")
        for piece in re.split(r"[,;。]", paren["body"]):
            d = parse_deadline(piece, default_year)
            if d:
                return d
    m = _IN_TEXT.search(norm_text)
    if m:
        return parse_deadline(m.group(0), default_year, strict=False)
    m = _ONGOING_TAIL.search(norm_text)
    if m:
        return Deadline(m[1], None, True)
    found = [m for m in (_RECURRING.search(norm_text), _RELATIVE.search(norm_text)) if m]
    return Deadline(min(found, key=lambda m: m.start()).group(0)) if found else None
