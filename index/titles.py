"""Where a notice's title comes from: a chain of small named rules, the first that finds one wins.

===============  ===========================================================  ==============
rule             reads                                                        title_source
===============  ===========================================================  ==============
``page``         the page's metadata table (标题) or ``<meta name=ArticleTitle>``  ``page``
``title_line``   a line before the body that ends in a document kind:          ``text``
                 ``…的通知``, ``…管理办法（试行）``, ``…实施方案（2021—2023年）``
``two_lines``    a title set over two (or three) lines or paragraphs, or under  ``text``
                 joint issuers' lines ("中共某区委办公室" / "某区人民政府办公室"
                 / "关于…的通知": a paragraph broken by line breaks)
``title_tag``    the page's ``<title>`` with the site's name cut off            ``page``
                 (``…的意见_中国政府网``), when it names a document
``first_heading``  the first line before the body when it reads as a heading    ``heading``
``file``         nothing else: the file's stem, marked as such                 ``file``
===============  ===========================================================  ==============

No rule takes a line shaped like a file name; ``first_heading`` never takes a masthead (版头 "郑州市人民政府文件", also
wrapped onto a second line: read as the issuer instead), a file name ("文件003_通知.txt"), a 文号, a date, a metadata label or a
numbered item. ``page``, ``title_line`` and ``two_lines`` are applied while
:func:`zhengce.index.metadata.read_header` scans the header; the rest after it.

The issuer helpers at the end read the names a title or a signature line is issued by
(:func:`split_issuers`, :func:`spaced_issuers` for joint issuers spaced apart).
"""

from __future__ import annotations

import re

from zhengce.index.cleaning import Line, normalize

KIND_WORDS = "通知|意见|办法|方案|计划|要点|规定|决定|批复|通报|报告|规划|细则|纲要|公告|函|议政|条例|答复|规则"
# A trailing note in parentheses after the kind: (试行), (暂行), (修订), (征求意见稿), (2021—2023年).
_TRAILER = r"(?:\((?:试行|暂行|修订|修订稿|征求意见稿|送审稿|草案|(?:19|20)\d{2}(?:[-—~至](?:19|20)?\d{2,4})?年?(?:修订|版)?)\))?"
TITLE_END = re.compile(rf"(?:{KIND_WORDS}){_TRAILER}$")
# 版头: "郑州市人民政府文件", "国务院办公厅文件", "中共郑州市委文件".
_MASTHEAD = re.compile(r"^(?P<issuer>[\u4e00-\u9fff、]{2,30}?(?:人民政府|办公室|办公厅|委员会|政府|委|局|厅|院|部|署))文件$")
# An issuer on a line of its own, above "关于…": "河北省人民政府办公厅", "国家发展改革委 财政部".
_ISSUER_LINE = re.compile(r"^[\u4e00-\u9fff、 ]{2,40}?(?:人民政府|办公室|办公厅|委员会|政府|委|局|厅|院|部|署|会|行)$")
_FILE_NAME = re.compile(r"_|\.(?:txt|md|html?|shtml|docx?|pdf|wps|ofd)$|^[\x00-\x7f]+$", re.IGNORECASE)
_SITE_SEPARATOR = re.compile(r"\s*(?:_|\||｜|\s[-—–－]+\s|--|——)\s*")
_SITE_NAME = re.compile(r"(网|网站|门户|首页|政府信息公开|信息公开专栏|专栏|频道|平台)$")
_MARKER_START = re.compile(r"^(第[一二三四五六七八九十百\d]+[章节条]|[一二三四五六七八九十]+[、.]|\(|\d+[.、]|[-—•·])")


def is_title_line(text: str) -> bool:
    """``title_line``: a short line, not a sentence or a numbered item, ending in a document kind."""
    return bool(TITLE_END.search(text)) and len(text) < 80 and not text.endswith("。") \
        and not _MARKER_START.match(text) and not _FILE_NAME.search(text)


def two_lines(a: str, b: str, doc_number, c: str | None = None) -> str | None:
    """``two_lines``: "国务院关于促进综合保税区" + "高水平开放高质量发展的若干意见"; with ``c``, a
    title over three lines in the 公文 form: an issuer, then "关于…", then the rest
    ("河北省人民政府办公厅" / "关于加快发展银发经济增进老年人福祉" / "的实施意见")."""
    parts = (a, b) if c is None else (a, b, c)
    if c is None and _ISSUER_LINE.match(a) and b.startswith("关于") and is_title_line(b) \
            and not doc_number.search(b) and not re.search(r"[。;:!?]", b):
        return a + b  # the issuer's line over a whole "关于…的通知" line, however long
    if c is not None and not (_ISSUER_LINE.match(a) and b.startswith("关于")):
        return None  # three lines only in the 公文 form: the issuer, then "关于…", then the rest
    numbered = parts[1:] if c is None else parts  # no line of the title is a 文号
    if any(len(x) > 40 or re.search(r"[。,;:!?]", x) for x in parts) or any(doc_number.search(x) for x in numbered):
        return None
    joined = "".join(parts)
    return joined if TITLE_END.search(joined) and len(joined) >= 8 else None


def masthead(lines: list[Line], i: int) -> tuple[str, int] | None:
    """A masthead (版头) on line ``i``, or wrapped onto a short next line ("广西壮族自治区人民政府办公"
    / "厅文件"): its issuer and how many lines it takes."""
    if issuer := masthead_issuer(lines[i].norm):
        return issuer, 1
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if nxt and not nxt.junk and len(nxt.norm) <= 8 and (issuer := masthead_issuer(lines[i].norm + nxt.norm)):
        return issuer, 2
    return None


def _issuers_over_title(lines: list[Line], i: int, original: str, doc_number) -> tuple[str | None, int]:
    """Joint issuers on lines of their own above "关于…" (a title paragraph broken by line breaks:
    "中共某某区委办公室" / "某某区人民政府办公室" / "关于印发…的通知"): the title, the issuers
    spaced apart, and how many lines it takes."""
    run: list[str] = []
    j = i
    while j < len(lines) and len(run) < 4 and not lines[j].junk and is_issuer_line(name := spaced_issuers(lines[j], original)):
        run.append(name)
        j += 1
    if len(run) < 2 or j >= len(lines) or lines[j].junk:
        return None, 0
    head = " ".join(run)
    if two := two_lines(head, lines[j].norm, doc_number):
        return two, len(run) + 1
    if j + 1 < len(lines) and not lines[j + 1].junk:
        three = two_lines(head, lines[j].norm, doc_number, lines[j + 1].norm)
        return (three, len(run) + 2) if three else (None, 0)
    return None, 0


def over_lines(lines: list[Line], i: int, original: str, doc_number) -> tuple[str | None, int]:
    """A title set over two lines ("国务院关于促进综合保税区" / "高水平开放高质量发展的若干意见"),
    else over three (issuer, matter, kind), or under joint issuers' lines; the title and how
    many lines it takes."""
    if i + 1 >= len(lines) or lines[i].junk or lines[i + 1].junk:
        return None, 0
    joint, n = _issuers_over_title(lines, i, original, doc_number)
    if joint:
        return joint, n
    first = spaced_issuers(lines[i], original)
    two = two_lines(first, lines[i + 1].norm, doc_number)
    if two or i + 2 >= len(lines) or lines[i + 2].junk:
        return two, 2
    return two_lines(first, lines[i + 1].norm, doc_number, lines[i + 2].norm), 3


def title_tag(raw: str) -> str | None:
    """``title_tag``: the part of a page's ``<title>`` that names the document, not the site."""
    parts = [p.strip() for p in _SITE_SEPARATOR.split(raw) if p and p.strip()]
    named = [p for p in parts if TITLE_END.search(p) and len(p) >= 6]
    if named:
        return max(named, key=len)
    rest = [p for p in parts if not _SITE_NAME.search(p) and len(p) >= 6 and not _FILE_NAME.search(p)]
    return rest[0] if len(rest) == 1 and len(parts) > 1 else None


def masthead_issuer(text: str) -> str | None:
    """A masthead line (版头) "郑州市人民政府文件": the issuer it names, else ``None``."""
    m = _MASTHEAD.match(text)
    return m["issuer"] if m else None


def reads_as_heading(text: str, doc_number, is_date) -> bool:
    """``first_heading``: a short line without sentence punctuation that is none of the excluded forms."""
    return (6 <= len(text) <= 40 and not re.search(r"[。,;:!?]", text) and not _MARKER_START.match(text)
            and not doc_number.search(text) and not is_date(text) and not _FILE_NAME.search(text)
            and not masthead_issuer(text))


def file_title(file: str) -> str | None:
    """``file``: the stem of the file's name."""
    return re.sub(r"\.[A-Za-z0-9]{1,5}$", "", file.replace("\\", "/").rsplit("/", 1)[-1]) or None


def kind_of(title: str | None, kinds: tuple[str, ...]) -> str | None:
    """The kind a title ends in (its trailing note dropped): "…管理办法（试行）" -> 办法."""
    if not title:
        return None
    title = re.sub(rf"{_TRAILER}$", "", title.replace("（", "(").replace("）", ")"))
    for k in kinds:
        if title.endswith(k) or title.endswith(k + "》") or (k + "》") in title:
            return k
    return None


# ---- issuers: the names a notice is issued by, one line each or several on one line

# An issuer's name ends in one of these; national ones end in 院, 部, 署 (国务院, 财政部, 审计署).
ISSUER_END = re.compile(r"(人民政府|人民政府办公室|人民政府办公厅|办公室|办公厅|局|委员会|厅|委|院|部|署|总局)$")
_OFFICE_ONLY = re.compile(r"^(?:办公厅|办公室|委员会|人民政府|政府)$")


def split_issuers(text: str) -> list[str]:
    """Joint issuers, each on its own: "国务院办公厅、中央军委办公厅" -> two names."""
    return [p for p in re.split(r"[、,;\s]+", text) if p]


def is_issuer_line(text: str) -> bool:
    """A line that holds only issuers' names."""
    parts = split_issuers(text)
    return bool(parts) and len(text) <= 40 and all(ISSUER_END.search(p) and len(p) <= 20 for p in parts)


def spaced_issuers(line: Line, original: str) -> str:
    """A line of issuers as normalized, one space between the names the original spaces apart
    ("湖南省教育厅 湖南省财政厅"; an office word spaced off its body, "湖南省人民政府 办公厅", stays
    with it): the normalized copy drops spaces between Chinese words. Any other line, markup
    inside it, or no original: as normalized."""
    parts: list[str] = []
    for piece in original[line.start:line.end].split() if original else ():
        piece = normalize(piece)
        if parts and _OFFICE_ONLY.match(piece):
            parts[-1] += piece
        elif piece:
            parts.append(piece)
    if len(parts) < 2 or "".join(parts) != line.norm or not all(is_issuer_line(p) for p in parts):
        return line.norm
    return " ".join(parts)


def spaced_title(line: Line, original: str) -> str:
    """A title line as normalized, joint issuers at its head one space apart as the original
    spaces them ("湖南省教育厅 湖南省财政厅关于…的通知"); any other line as normalized."""
    pieces = [normalize(p) for p in original[line.start:line.end].split()] if original else []
    if len(pieces) < 2 or "".join(pieces) != line.norm or not all(is_issuer_line(p) for p in pieces[:-1]):
        return line.norm
    return " ".join(pieces)
