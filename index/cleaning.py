"""Normalization and web-junk detection.

Nothing here changes the original text. ``normalize`` gives the matching view
(NFKC, so full-width and half-width forms agree; whitespace between Chinese
characters removed, because page copies scatter it). ``find_lines`` splits the
original into visible lines with exact offsets and marks the ones that are web
junk, so downstream code works on clean lines but can still cite the source.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’《》〔〕【】"
_WS_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_WS = re.compile(r"\s+")

# Sentence-final punctuation (after NFKC): a line ending in one of these is complete.
TERMINAL = tuple("。!?;:)」』”’》…") + (".",)

# Inline junk: markup left in copied pages.
# Markdown's too: a blockquote's ">" at a line's start ("> 湘政办发〔2024〕15号") and bold's "**"
# ("**1. 全面落实公平竞争审查制度。**" is item 1).
_INLINE_JUNK = re.compile(
    r"<\?xml[^>]*\?>|<!--.*?-->|</?(?:o:p|st1:[a-z]+|span|font|p|div|br|strong|b|i|u)\b[^>]*>"
    r"|(?<![^\n])[ \t]{0,3}>(?:[ \t]*>)*[ \t]?|\*\*",
    re.IGNORECASE | re.DOTALL,
)

# Whole-line junk, matched on the normalized, stripped line (bullets removed).
_JUNK_LINES = [
    re.compile(p)
    for p in (
        r"^扫一扫在手机(上)?打开(当前页|本页)?$",
        r"^标签:.{0,40}$",
        r"^留言与评论.*$",
        r"^验证码:?.{0,20}$",
        r"^(主办单位|承办单位|网站标识码|技术支持|版权所有|ICP备).{0,120}$",
        r"^(当前位置|您的位置|你的位置|您现在的位置)[::](?=.*(?:首页|>|›|»)).{0,120}$",   # breadcrumbs
        r"^((无障碍|长者模式|关怀版|适老化|English|繁体|繁體|简体|登录|注册|手机版)[\s|/]*){2,}$",
        r"^(地址|邮编|联系电话|电话):.{0,60}$",
        r"^.{0,12}(记者|通讯员|编辑).{0,30}(整理|报道|采写|摄|文/图)$",
        r"^(【?(打印本页|打印|关闭窗口|关闭本页|关闭|返回顶部|收藏|分享到?|字号|默认|大|中|小)】?[\s|:]*)+$",
        r"^分享到[::]?((微信|微博|朋友圈|QQ空间|QQ|豆瓣|人人网|腾讯微博|新浪微博)[\s|、,]*)+$",
        r"^(上一篇|下一篇|相关链接|相关文章|责任编辑|来源:$).{0,60}$",
        r"^(分享|浏览次数|访问量|点击数|阅读数)[::].{0,30}$",
        r"^(附件下载|相关附件|下载附件)[::]?(无|暂无)?$",   # a page's empty download box
        r"^[||/\s]+$",
        r"^\((此件|本件)[^()]{0,12}\)$",   # "（此件公开发布）": a release note, not notice text
        r"^(责任编辑|【?纠错】?|【?我要纠错】?)[::]?.{0,20}$",
        r"^[-—–―]+ ?\d{1,4} ?[-—–―]+$|^第\d{1,4}页(,?共\d{1,4}页)?$",  # a printed page's number: "— 2 —"
    )
]

_BULLET = re.compile(r"^[•·●▪◦]\s*")


def normalize(text: str) -> str:
    """NFKC, and whitespace removed where it touches Chinese; other runs become one space."""
    text = unicodedata.normalize("NFKC", text)
    text = _WS_BETWEEN_CJK.sub("", text)
    return _WS.sub(" ", text).strip()


def strip_bullet(norm_line: str) -> tuple[str, bool]:
    """Remove a leading web bullet (``•``); returns the rest and whether one was there."""
    m = _BULLET.match(norm_line)
    return (norm_line[m.end():], True) if m else (norm_line, False)


# A site footer names two or more of these ("主办:X承办:Y网站标识码:…鄂ICP备…号"); one alone may
# be content ("主办:省商务厅、省贸促会" in a meeting notice, "ICP备案编号" in a rule on websites).
_FOOTER_MARKS = re.compile(r"主办[::]|承办[::]|协办[::]|网站标识码[::]?\d|ICP备\d|公网安备\d|版权所有|技术支持[::]")


def junk_reason(norm_line: str) -> str | None:
    """Why a normalized line is web junk, or ``None`` if it is content."""
    line, _ = strip_bullet(norm_line)
    if not line:
        return "junk"
    for pattern in _JUNK_LINES:
        if pattern.match(line):
            return "junk"
    if len(line) <= 240 and len({m.group(0)[:2] for m in _FOOTER_MARKS.finditer(line)}) >= 2:
        return "junk"
    return None


# Page furniture that follows a value on the same line ("来源：某某司 【字体：大 中 小】 打印本页").
_FURNITURE_AFTER = re.compile(r"【|(?:字体|字号)[::]|打印本页|关闭窗口|返回顶部|分享到|(?:浏览次数|点击数|阅读数|访问量)[::]")


def cut_furniture(norm_value: str) -> str:
    """A normalized value without the page furniture after it: "某某司【字体:大中小】打印本页" -> "某某司"."""
    m = _FURNITURE_AFTER.search(norm_value)
    return norm_value[:m.start()].strip() if m else norm_value


def ends_sentence(norm_line: str) -> bool:
    return norm_line.endswith(TERMINAL)


@dataclass(frozen=True)
class Line:
    """A visible line: ``original[start:end]`` is its content without edge whitespace."""

    start: int
    end: int
    norm: str
    blank_before: bool
    junk: str | None = None
    after_skipped: bool = False  # a skipped (junk/metadata) line stands right before this one


def inline_junk_spans(original: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _INLINE_JUNK.finditer(original)]


def find_lines(original: str) -> tuple[list[Line], list[tuple[int, int]]]:
    """Split the original into visible lines; also return inline junk spans.

    A line's ``norm`` excludes inline junk; ``start``/``end`` are the offsets of
    its first and last visible character in the original.
    """
    spans = inline_junk_spans(original)
    junk_at = bytearray(len(original))
    for s, e in spans:
        junk_at[s:e] = b"\x01" * (e - s)
    lines: list[Line] = []
    pos = 0
    blank = True
    for raw in original.splitlines(keepends=True):
        line_start, pos = pos, pos + len(raw)
        idx = [i for i in range(line_start, line_start + len(raw))
               if not junk_at[i] and not original[i].isspace()]
        if not idx:
            blank = True
            continue
        visible = "".join(original[i] for i in range(idx[0], idx[-1] + 1) if not junk_at[i])
        norm = normalize(visible)
        lines.append(Line(idx[0], idx[-1] + 1, norm, blank, junk_reason(norm)))
        blank = False
    return lines, spans
