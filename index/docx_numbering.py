"""Word's automatic numbering, rendered as the reader of the document sees it.

A notice written in Word often numbers its clauses with a list style ("一、", "（一）", "1.")
instead of typing the numbers: the numbers live in ``numbering.xml``, not in the paragraph's
text, so a reader that takes ``Paragraph.text`` gets clauses without their numbers, and the
chunker cannot see the levels. :class:`Numbering` follows Word's rules closely enough for
official documents:

* a paragraph is numbered by its own ``w:numPr`` or by its style's (through ``w:basedOn``);
* ``w:num`` points to an ``w:abstractNum`` whose ``w:lvl`` gives, per level, the start, the
  format (``decimal``, ``chineseCounting``, ``chineseCountingThousand``,
  ``ideographTraditional``, ``decimalEnclosedCircle``, letters, ``bullet``, ``none``) and the
  text ("%1、", "（%1）", "%1.%2");
* one counter per list and level; a level's number resets the deeper levels, and a
  ``w:startOverride`` of the ``w:num`` sets where it starts.

The label is put before the paragraph's text, as Word shows it (in a table cell too: a 序号
column numbered by Word holds only the number). A bullet or an unnumbered level gives no label.
"""

from __future__ import annotations

from dataclasses import dataclass

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_STEMS = "甲乙丙丁戊己庚辛壬癸"      # ideographTraditional
_LEGAL = "壹贰叁肆伍陆柒捌玖"        # chineseLegalSimplified, 1-9


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (up to 999)."""
    if n <= 0 or n >= 1000:
        return str(n)
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    out = f"{_CN[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _CN[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (_CN[ones] if ones else "")


def roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out += letters * count
    return out


def format_number(n: int, fmt: str) -> str | None:
    """One level's number in a ``w:numFmt``; ``None`` for bullets and unnumbered levels."""
    if fmt in ("bullet", "none"):
        return None
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "japaneseCounting"):
        return chinese_number(n)
    if fmt == "chineseLegalSimplified" and 1 <= n <= 9:
        return _LEGAL[n - 1]
    if fmt == "ideographTraditional" and 1 <= n <= len(_STEMS):
        return _STEMS[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt in ("upperLetter", "lowerLetter") and 1 <= n <= 26:
        letter = chr(ord("A") + n - 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= n < 4000:
        return roman(n) if fmt == "upperRoman" else roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)  # decimal, decimalFullWidth and anything unknown


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str


def _int(value: str | None, default: int | None) -> int | None:
    """An attribute's number; ``default`` when it is missing or not a number (files in the wild)."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _val(el, tag: str, default: str | None = None) -> str | None:
    child = el.find(_W + tag) if el is not None else None
    return child.get(_W + "val", default) if child is not None else default


class Numbering:
    """Labels for the numbered paragraphs of one document, in document order (see the module)."""

    def __init__(self, document):
        self._levels: dict[str, dict[int, _Level]] = {}
        self._starts: dict[str, dict[int, int]] = {}
        self._counters: dict[str, list[int | None]] = {}
        self._style_num: dict[str, tuple[str | None, int | None]] = {}
        self._cells: dict = {}  # table cell element -> its text, numbers included
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        if root is not None:
            abstract = {a.get(_W + "abstractNumId"): {
                _int(lvl.get(_W + "ilvl"), 0): _Level(_int(_val(lvl, "start"), 1), _val(lvl, "numFmt", "decimal"),
                                                      _val(lvl, "lvlText", "") or "")
                for lvl in a.findall(_W + "lvl")} for a in root.findall(_W + "abstractNum")}
            for num in root.findall(_W + "num"):
                num_id = num.get(_W + "numId")
                self._levels[num_id] = abstract.get(_val(num, "abstractNumId"), {})
                self._starts[num_id] = {_int(o.get(_W + "ilvl"), 0): _int(_val(o, "startOverride"), 1)
                                        for o in num.findall(_W + "lvlOverride") if o.find(_W + "startOverride") is not None}
        self._styles = {s.style_id: s for s in document.styles} if root is not None else {}

    def _style_numbering(self, style_id: str | None, depth: int = 0) -> tuple[str | None, int | None]:
        if not style_id or depth > 10 or style_id not in self._styles:
            return None, None
        if style_id not in self._style_num:
            el = self._styles[style_id].element
            num_pr = el.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                found = (_val(num_pr, "numId"), _int(_val(num_pr, "ilvl"), None))
            else:
                based = el.find(_W + "basedOn")
                found = self._style_numbering(based.get(_W + "val") if based is not None else None, depth + 1)
            self._style_num[style_id] = found
        return self._style_num[style_id]

    def label(self, p) -> str:
        """The number Word shows before paragraph element ``p`` ("一、", "（二）", "3."), or ""."""
        if not self._levels:
            return ""
        ppr = p.find(_W + "pPr")
        num_pr = ppr.find(_W + "numPr") if ppr is not None else None
        style = _val(ppr, "pStyle")
        style_num, style_ilvl = self._style_numbering(style)
        num_id = _val(num_pr, "numId") if num_pr is not None else None
        ilvl = _val(num_pr, "ilvl") if num_pr is not None else None
        num_id = num_id or style_num
        level = _int(ilvl, style_ilvl or 0)
        levels = self._levels.get(num_id or "")
        if not levels or num_id == "0" or level is None or not 0 <= level < 9 or level not in levels:
            return ""
        key = self._abstract_key(num_id)
        counters = self._counters.setdefault(key, [None] * 9)
        start = self._starts.get(num_id, {}).get(level, levels[level].start)
        counters[level] = start if counters[level] is None else counters[level] + 1
        for deeper in range(level + 1, 9):
            counters[deeper] = None
        if format_number(counters[level], levels[level].fmt) is None:
            return ""
        text = levels[level].text
        for k in range(level, -1, -1):  # %1..%9: each level's current number in its own format
            lvl = levels.get(k)
            n = counters[k] if counters[k] is not None else (lvl.start if lvl else 1)
            text = text.replace(f"%{k + 1}", format_number(n, lvl.fmt if lvl else "decimal") or "")
        return text

    def cell_text(self, cell) -> str:
        """A table cell's text with its paragraphs' numbers: a 序号 column numbered by Word holds
        only the number ("1"). A merged cell, met once per row and column it covers, is numbered
        once."""
        key = cell._tc
        if key not in self._cells:
            self._cells[key] = "\n".join(self.label(p._p) + p.text for p in cell.paragraphs)
        return self._cells[key]

    def _abstract_key(self, num_id: str) -> str:
        """Lists that share an abstract numbering count on (Word continues them) unless restarted."""
        return num_id if self._starts.get(num_id) else f"a{id(self._levels[num_id])}"
