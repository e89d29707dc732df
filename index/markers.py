"""Numbering markers of Chinese official documents, and which lines start a paragraph or a part.

Levels (full-width and half-width forms are the same level, because markers
are matched on the NFKC view):

====  ===========================  =========================
rank  marker                        example
====  ===========================  =========================
-10   annex heading                 ``附件`` ``附件2`` ``附件：分工表``
 -6…  markdown heading              ``#`` … ``######``
  0   chapter / section             ``第一章`` ``第一节``
  1   article                       ``第一条``
  2   Chinese numeral               ``一、``
  3   bracketed Chinese numeral     ``(一)`` ``（一）``
  4   arabic numeral                ``1.`` ``1、`` ``1．`` ``１．``
  5   bracketed arabic numeral      ``(1)`` ``（1）``
  6   circled numeral               ``①``
  7   dash bullet                   ``——`` ``--`` ``-``
====  ===========================  =========================

An annex heading ends the body's numbering: what follows it (the annex's own
headings, its task table) is a part of the notice of its own, never a child of
the body's last item. It is a line of its own ("附件", "附件2：", "附件1．深圳湾…坐标"),
never a sentence that names an annex ("附件下载：无", "附件所列事项…").

Where a paragraph starts: in a text notice :func:`group_blocks` joins a line cut
mid-sentence to the next one (a page-break fragment). In a printed notice
(:mod:`zhengce.index.pdf`) the lines' geometry decides and their form overrides it:
a numbered or annex heading after a finished sentence opens a part (:func:`opens_part`);
a line starting with closing punctuation ("，" "。" "）" "”") never begins a paragraph,
since line breaking never puts these first (:func:`continues`); an opening quote or
bracket that is no numbered marker ("“一卡通”，实现…", not "（二）", :func:`opens_quote`)
goes on a sentence left unfinished by running text, not by a heading (:func:`is_heading`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhengce.index.cleaning import Line, ends_sentence

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "零〇一二三四五六七八九十百"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# (rank, kind of marker, pattern) matched on the normalized line.
MARKERS: list[tuple[float, str, re.Pattern]] = [
    (0, "chapter", re.compile(rf"^第(?P<n>[{_CN_NUM}\d]+)[章节]\s*")),
    (1, "article", re.compile(rf"^第(?P<n>[{_CN_NUM}\d]+)条\s*")),
    (2, "cn", re.compile(rf"^(?P<n>[{_CN_NUM}]+)\s*[、.]\s*")),
    (3, "pcn", re.compile(rf"^\((?P<n>[{_CN_NUM}]+)\)\s*")),
    (4, "num", re.compile(r"^(?P<n>\d{1,3})\s*(?:、|\.(?!\d))\s*")),
    (5, "pnum", re.compile(r"^\((?P<n>\d{1,3})\)\s*")),
    (7, "dash", re.compile(r"^(?:——|--|—|-(?![-\d]))\s*(?=\S)")),
]
_MD = re.compile(r"^(?P<hashes>#{1,6})\s*(?=\S)")
# "附件" alone, or with a number ("附件2", "附件二", "附件1-1"), then a separator and a title or nothing.
_ANNEX = re.compile(rf"^附件(?P<n>\d{{1,2}}|[{_CN_NUM}]{{1,3}})?(?:-\d{{1,2}})?(?:\s*[:.、]\s*|\s+|$)")
ANNEX_RANK = -10
ANNEX_TITLE_MAX = 60
# After NFKC: what never begins a printed line.
_CLOSING = tuple(",。、;:!?)]}」』”’》〉】〕…%")
_OPENING = tuple("“‘《〈「『【〔([")
_SENTENCE_END = re.compile(r"[。!?;]")


def cn_to_int(text: str) -> int:
    """``十二`` -> 12, ``二十一`` -> 21, ``一百零五`` -> 105; arabic digits pass through."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS.get(ch, 0)
    return total + current


@dataclass(frozen=True)
class Marker:
    rank: float
    kind: str
    number: str   # as written (normalized), e.g. "(五)", "12.", "###", "附件2:"
    ordinal: int  # numeric value, 0 when the marker has none
    end: int      # where the marker ends in the normalized line


def annex_marker(norm: str) -> Marker | None:
    """The annex heading a normalized line is ("附件", "附件2:", "附件:分工表"), if it is one."""
    m = _ANNEX.match(norm)
    if not m:
        return None
    title = norm[m.end():]
    if len(title) > ANNEX_TITLE_MAX or "。" in title:
        return None
    n = m["n"]
    return Marker(ANNEX_RANK, "annex", norm[: m.end()].strip(), cn_to_int(n) if n else 0, m.end())


def match_marker(norm: str, raw_head: str = "") -> Marker | None:
    """The numbering marker a normalized line starts with, if any."""
    m = _MD.match(norm)
    if m:
        hashes = m["hashes"]
        return Marker(-7 + len(hashes), "md", hashes, 0, m.end())
    if raw_head and raw_head[0] in _CIRCLED:
        # NFKC turns ① into 1, so circled numbers are read from the raw text.
        digits = re.match(r"\d+", norm)
        end = digits.end() if digits else 1
        return Marker(6, "circled", raw_head[0], _CIRCLED.index(raw_head[0]) + 1, end)
    annex = annex_marker(norm)
    if annex is not None:
        return annex
    for rank, kind, pattern in MARKERS:
        m = pattern.match(norm)
        if m and m.end() < len(norm):
            n = m.groupdict().get("n")
            return Marker(rank, kind, norm[: m.end()].strip(), cn_to_int(n) if n else 0, m.end())
    return None


def opens_part(norm: str) -> bool:
    """A normalized line that starts a part of a notice: a numbered heading or an annex heading."""
    marker = match_marker(norm)
    return marker is not None and marker.kind != "dash"


def is_heading(norm: str) -> bool:
    """A normalized line that is a heading: a markdown one, or a numbered one holding no sentence."""
    marker = match_marker(norm)
    return marker is not None and (marker.kind == "md" or not _SENTENCE_END.search(norm))


def continues(norm: str) -> bool:
    """A normalized line that cannot begin a paragraph: it starts with closing punctuation."""
    return norm.startswith(_CLOSING)


def opens_quote(norm: str) -> bool:
    """A normalized line that starts with an opening quote or bracket and is no numbered marker."""
    return norm.startswith(_OPENING) and match_marker(norm) is None


def group_blocks(lines: list[Line], fixed: frozenset[int] | set[int] = frozenset()) -> list[list[Line]]:
    """Group content lines into paragraphs, joining page-break fragments.

    A line starting at an offset in ``fixed`` (a table line with a place in its table's
    outline) is a block of its own: it never joins or is joined.
    """
    blocks: list[list[Line]] = []
    for line in lines:
        marker = match_marker(line.norm, "")
        if blocks and not marker and not line.norm.startswith("#") and not line.after_skipped \
                and line.start not in fixed and blocks[-1][0].start not in fixed:
            prev = blocks[-1][-1]
            if not ends_sentence(prev.norm) and len(prev.norm) >= 25 and not is_heading(blocks[-1][0].norm):
                blocks[-1].append(line)
                continue
        blocks.append([line])
    return blocks
