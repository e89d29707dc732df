"""Document metadata from header bullets, labelled fields or the text itself.

Two header forms are read: labelled bullets (``• 发布机构:郑州市科学技术局``)
and bare bullets (``• 郑政办〔2024〕36号``, ``• 2024-06-13``) whose meaning is
inferred from their shape. Fields nothing supports stay ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhengce.index import titles
from zhengce.index.cleaning import Line, cut_furniture, strip_bullet
from zhengce.index.places import jurisdiction
from zhengce.index.titles import ISSUER_END, is_issuer_line, spaced_issuers, split_issuers
from zhengce.index.titles import TITLE_END as _TITLE_END

_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-年./]\s*(?P<m>\d{1,2})\s*[-月./]\s*(?P<d>\d{1,2})\s*日?")
_CN_DATE_LINE = re.compile(r"^(?:(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月"
                           r"[一二三四五六七八九十]{1,3}日)$")
_CN_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
# A signature of a person above the date ("总理 李克强", "省长 王某某").
_SIGNER = re.compile(r"^(总理|国务院总理|主席|省长|市长|县长|区长|部长|主任|局长)\s*[\u4e00-\u9fff]{2,4}$")
# 文号 forms: 国发〔2019〕5号, 国办函〔2004〕36号, 国办发明电〔2018〕15号, 国令第706号.
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[(【](?:19|20)\d{2}[〕\])】]\s*第?\s*\d{1,4}\s*号"
                        r"|[\u4e00-\u9fff]{1,14}令\s*第\s*\d{1,5}\s*号")
# A rule's promulgation note: "(2019年9月20日九江市人民政府令第12号公布 自2019年11月1日起施行)".
_PROMULGATED = re.compile(r"(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)(?P<number>(?P<issuer>[\u4e00-\u9fff]{2,14}?)"
                          r"(?:令|令第\d{1,5}号|第\d{1,5}号令))(?:公布|发布)")
_INDEX_NUMBER = re.compile(r"^[0-9A-Za-z]{6,}/\d{4}-\d{3,}$")
KINDS = ("行动计划", "工作要点", "实施方案", "实施意见", "实施细则", "管理办法", "复函", "答复", "通知", "意见",
         "办法", "方案", "规划", "规定", "决定", "批复", "通报", "报告", "纲要", "公告",
         "条例", "议政", "计划", "要点")
_KIND_IN_TEXT = re.compile(r"制定本(?P<kind>行动计划|工作要点|实施方案|方案|意见|办法|规划|计划|细则)")

LABELS = {
    "索引号": "index_number",
    "发布机构": "issuer",
    "发文机关": "issuer",
    "发文单位": "issuer",
    "来源": "source",  # the site's 来源: the issuer only when nothing else names one
    "文号": "doc_number",
    "发文字号": "doc_number",
    "成文日期": "date_written",
    "发布日期": "date_published",
    "日期": "date_published",
    "发文日期": "date_published",
    "主题分类": None,
    "关键词": "keywords",
    "体裁": "kind",
    "文种": "kind",
    "标题": "title",
    "名称": "title",
    "生效日期": None,
    "废止日期": None,
    # Other fields of flattened metadata lines on provincial pages: known, so that a line is
    # split at them and their values never run into the field before.
    "信息来源": "source",
    "公开日期": "date_published",
    "实施日期": None,
    "施行日期": None,
    "公开方式": None,
    "公开范围": None,
    "有效性": None,
    "时效性": None,
    "组配分类": None,
    "主题词": "keywords",
}
_LABEL_ALT = "|".join(sorted(LABELS, key=len, reverse=True))  # longest first: 成文日期 before 日期
_LABEL_RE = re.compile(rf"^(?P<label>{_LABEL_ALT})\s*:?\s*")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
_VALUE_END = set("号日厅局委府室部院署会办司处心")  # the last character of a 文号, a date or an issuer
_LABEL_AT = re.compile(rf"(?:{_LABEL_ALT})\s*:")


def _cn_numeral_date(text: str) -> str | None:
    """"二〇〇四年四月二十七日" -> "2004-04-27"."""
    m = re.search(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日", text)
    if not m:
        return None

    def small(n: str) -> int:
        digits = "零一二三四五六七八九"
        if "十" not in n:
            return digits.index(n)
        tens, _, ones = n.partition("十")
        return (digits.index(tens) if tens else 1) * 10 + (digits.index(ones) if ones else 0)

    y, mo, d = int(m[1].translate(_CN_YEAR_DIGITS)), small(m[2]), small(m[3])
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


def iso_date(text: str) -> str | None:
    if not _DATE.search(text):
        return _cn_numeral_date(text)
    m = _DATE.search(text)
    if not m:
        return None
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def normalize_doc_number(text: str) -> str:
    """``郑政办[2024]36号`` and ``郑政办(2024) 36号`` -> ``郑政办〔2024〕36号``."""
    text = re.sub(r"\s+", "", text)
    return re.sub(r"[\[(【](\d{4})[\])】]", r"〔\1〕", text)


def kind_of(title: str | None) -> str | None:
    return titles.kind_of(title, KINDS)


@dataclass
class HeaderInfo:
    """What the header and text say; ``header``/``title``/``meta`` line indexes are skipped."""

    fields: dict = field(default_factory=dict)
    header_lines: set[int] = field(default_factory=set)
    title_lines: set[int] = field(default_factory=set)
    meta_lines: set[int] = field(default_factory=set)


def _set(fields: dict, key: str, value) -> None:
    if value and not fields.get(key):
        fields[key] = value


def _bare_bullet(fields: dict, text: str) -> None:
    """Infer a bare bullet's field from its shape."""
    if _INDEX_NUMBER.match(text):
        _set(fields, "index_number", text)
    elif DOC_NUMBER.fullmatch(text.replace(" ", "")):
        _set(fields, "doc_number", normalize_doc_number(text))
    elif re.fullmatch(r"(?:19|20)\d{2}-\d{1,2}-\d{1,2}", text):
        key = "date_written" if not fields.get("date_written") else "date_published"
        _set(fields, key, iso_date(text))
    elif text in KINDS:
        _set(fields, "kind", text)
    elif _TITLE_END.search(text) and len(text) > 8:
        _set(fields, "title", text)
    elif ISSUER_END.search(text) and len(text) <= 30 and "," not in text:
        _set(fields, "issuer", text)
    elif "," in text or "," in text:
        _set(fields, "keywords", tuple(k for k in re.split(r"[,,]", text) if k))


def _labelled(fields: dict, text: str) -> bool:
    """Read ``发布机构:…`` style lines (several labels may share a line)."""
    m = _LABEL_RE.match(text)
    if not m:
        return False
    # Split where a label and its colon start: after a non-Chinese character, or right after a
    # value that has ended ("发布机构:湖北省人民政府办公厅发文日期:…", spaces removed). A label
    # word that ends a longer label this table does not know ("实施日期", "信息来源") is no cut.
    starts = sorted({0, *(m.start() for m in _LABEL_AT.finditer(text)
                          if not _CJK_CHAR.match(text[m.start() - 1:m.start()]) or text[m.start() - 1] in _VALUE_END)})
    parts = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    for part in parts:
        pm = _LABEL_RE.match(part)
        if not pm:
            continue
        key, value = LABELS[pm["label"]], part[pm.end():].strip()
        if not key or not value:
            continue
        _set(fields, key, field_value(key, value, _HEADER_KEYWORD_SEP))
    return True


# Keywords are split on commas and spaces in a notice's own header lines; the page's metadata
# table also lists them with 、 and ;.
_HEADER_KEYWORD_SEP = re.compile(r"[,,\s]")
_PAGE_KEYWORD_SEP = re.compile(r"[,、;\s]+")


# What a flattened metadata table leaves around a value: "；川发改振兴〔2025〕56号；", "…的通知。".
_VALUE_EDGE = ";,、:。 "


def field_value(key: str, value: str, keyword_sep: re.Pattern = _PAGE_KEYWORD_SEP):
    """A labelled field's value converted: page furniture after it ("【字体：大 中 小】") and
    separators around it cut off, dates to ISO, 文号 normalized (``None`` when it is none),
    keywords split on ``keyword_sep``; other fields as written."""
    value = cut_furniture(value).strip(_VALUE_EDGE)
    if key.startswith("date"):
        return iso_date(value)
    if key == "doc_number":
        return normalize_doc_number(value) if DOC_NUMBER.search(value) else None
    if key == "keywords":
        return tuple(k for k in keyword_sep.split(value) if k)
    return value


def read_header(lines: list[Line], known: dict | None = None, original: str = "") -> HeaderInfo:
    """Metadata from the lines before the body, and the indexes of lines that are metadata.

    ``known`` holds fields already read from page metadata; they win over the text. ``original``
    (the text the lines index into) keeps joint issuers apart where only spaces part them
    ("湖南省教育厅 湖南省财政厅"): a line's normalized copy drops spaces between Chinese words.
    """
    info = HeaderInfo(fields=dict(known or {}))
    f = info.fields
    if f.get("title"):
        f["title_source"] = "page"  # rule ``page`` (zhengce.index.titles)
    body_seen = 0
    for i, line in enumerate(lines):
        if line.junk or i in info.header_lines:
            continue
        text, bullet = strip_bullet(line.norm)
        if bullet and body_seen < 3:
            info.header_lines.add(i)
            if not _labelled(f, text):
                _bare_bullet(f, text)
            continue
        if body_seen < 3 and _LABEL_RE.match(text) and ":" in text[:8]:
            info.header_lines.add(i)
            _labelled(f, text)
            continue
        if body_seen < 6 and _is_addressee(text):
            info.header_lines.add(i)
            _set(f, "addressees", tuple(p for p in re.split(r"[,;]", text[:-1]) if p))
            continue
        if text.startswith("#"):
            # Markdown headings are clauses; the first level-1 heading names the notice.
            level = len(text) - len(text.lstrip("#"))
            if level == 1 and not f.get("title") and body_seen < 8:
                _set(f, "title", text.lstrip("# ").strip())
            _set(f, "kind", kind_of(text.lstrip("# ").strip()))
            continue
        if body_seen < 3 and (masthead := titles.masthead(lines, i)):
            issuer, n = masthead
            info.header_lines.update(range(i, i + n))
            _set(f, "issuer", issuer)
            continue
        if body_seen < 8 and not f.get("title") and titles.is_title_line(text):
            _set(f, "title", titles.spaced_title(line, original) if not bullet else text)
            info.title_lines.add(i)
            continue
        joined, n = titles.over_lines(lines, i, original, DOC_NUMBER)
        if body_seen < 8 and not f.get("title") and joined:
            _set(f, "title", joined)
            info.title_lines.update(range(i, i + n))
            continue
        if i in info.title_lines:
            continue
        if body_seen < 12 and re.fullmatch(r"第\d{1,5}号", text) and i > 0 and lines[i - 1].norm.endswith("令"):
            _set(f, "doc_number", lines[i - 1].norm + text)
            info.meta_lines.update((i - 1, i))
            body_seen = max(0, body_seen - 1)
            continue
        if body_seen < 6 and (m := _PROMULGATED.search(text)) and text.startswith(("(", m["date"][:2])):
            # the note stays a clause of the text; its order, issuer and date are the rule's
            if not m["number"].endswith("令"):
                _set(f, "doc_number", m["number"])
            _set(f, "issuer", m["issuer"])
            _set(f, "date_published", iso_date(m["date"]))
            continue
        if body_seen < 12 and DOC_NUMBER.fullmatch(text.replace(" ", "")):
            _set(f, "doc_number", normalize_doc_number(text))
            info.meta_lines.add(i)
            continue
        body_seen += 1
    if not f.get("title") and f.get("title_tag"):
        f["title"], f["title_source"] = f["title_tag"], "page"
    f.pop("title_tag", None)
    _signature_and_title_lines(lines, info, original)
    if not f.get("title"):
        _first_heading_title(lines, info)
    return info


def _first_heading_title(lines: list[Line], info: HeaderInfo) -> None:
    """No title line: the first line, when it reads as a heading ("关于加强科技成果转化工作")."""
    skipped = info.header_lines | info.meta_lines | info.title_lines
    first = next((i for i, line in enumerate(lines) if not line.junk and i not in skipped), None)
    if first is None:
        return
    text = lines[first].norm.lstrip("#").strip()
    if titles.reads_as_heading(text, DOC_NUMBER, iso_date) and first + 1 < len(lines):
        info.fields["title"], info.fields["title_source"] = text, "heading"
        if not lines[first].norm.startswith("#"):
            info.title_lines.add(first)


def _signature_and_title_lines(lines: list[Line], info: HeaderInfo, original: str = "") -> None:
    """Date-only lines, the issuer line above them, attachments and the plan title."""
    f = info.fields
    title = (f.get("title") or "").replace(" ", "")
    inner = re.findall(r"《([^》]+)》|“([^”]+)”", title)
    for i, line in enumerate(lines):
        if line.junk or i in info.header_lines:
            continue
        text = line.norm
        if _CN_DATE_LINE.match(text):
            info.meta_lines.add(i)
            _set(f, "date_written", iso_date(text))
            prev = i - 1
            while prev >= 0 and lines[prev].junk:
                prev -= 1
            issuers: list[str] = []
            if prev >= 0 and _SIGNER.match(lines[prev].norm):
                info.meta_lines.add(prev)
                prev -= 1
            while prev >= 0 and len(issuers) < 4 and is_issuer_line(line := spaced_issuers(lines[prev], original)):
                info.meta_lines.add(prev)
                issuers[:0] = split_issuers(line)
                prev -= 1
            if issuers and set(split_issuers(f.get("issuer") or "")) < set(issuers):
                f["issuer"] = "、".join(issuers)  # none yet, or one of the signature's joint issuers
        elif re.match(r"^附\s*件\s*:", text) and len(text) < 60:
            info.meta_lines.add(i)
        elif title and len(text) < 60 and not text.endswith("。") and text.replace(" ", "") in title \
                and len(text) >= 6 and not (i + 1 < len(lines) and _CN_DATE_LINE.match(lines[i + 1].norm)):
            info.title_lines.add(i)
            if (spaced := titles.spaced_title(line, original)).replace(" ", "") == f["title"]:
                f["title"] = spaced  # the page's title, its joint issuers spaced apart as the text has them
        elif inner and any(text == (a or b) for a, b in inner):
            info.title_lines.add(i)


_ADDRESSEE_END = re.compile(r"(人民政府|部委|机构|部门|单位|局|厅|委|办|院|部|署|会|政府|机关|处|团体|企业|组织|"
                            r"党委|党组|工委|兵团|公司|学校|高校)$")
_TRAILING_NOTE = re.compile(r"(?:\([^()]{1,12}\))+$")


def _is_addressee(text: str) -> bool:
    """"各省、自治区、直辖市人民政府，国务院各部委、各直属机构：": who the notice is sent to.
    Every group names bodies; a note after one ("人民政府（管委会）", "人力资源社会保障厅（局）")
    is part of it."""
    if not text.endswith(":") or len(text) > 120:
        return False
    groups = [_TRAILING_NOTE.sub("", g) for g in re.split(r"[,;]", text[:-1]) if g]
    return bool(groups) and all(_ADDRESSEE_END.search(g) for g in groups)


def page_fields(page: dict[str, str]) -> dict:
    """Document fields from page metadata (the site's table, ``<meta>`` tags), normalized."""
    from zhengce.index.cleaning import normalize

    out: dict = {}
    for key, raw in page.items():
        value = normalize(raw)
        if not value:
            continue
        value = field_value(key, value, _PAGE_KEYWORD_SEP)
        if key == "source":
            value = value if is_issuer_line(value) else None
        elif key == "title_tag":
            value = titles.title_tag(value)
        if value:
            out.setdefault(key, value)
    return out


_YEAR_IN_TITLE = re.compile(r"(?:19|20)\d{2}(?=年)")

def finish(fields: dict, body_text: str, file: str = "") -> dict:
    """Fill what the header left open: kind, title, an inferred date, the jurisdiction."""
    if fields.get("title"):
        fields.setdefault("title_source", "text")
    elif titles.file_title(file):
        fields["title"], fields["title_source"] = titles.file_title(file), "file"  # marked: not a title
    source = fields.pop("source", None)
    if not fields.get("issuer") and source:
        fields["issuer"] = source  # a site's 来源 when no header, masthead or signature names the issuer
    if fields.get("issuer"):
        fields["issuers"] = tuple(split_issuers(fields["issuer"]))
    if not (fields.get("date_written") or fields.get("date_published")) and fields.get("title_source") != "file":
        m = _YEAR_IN_TITLE.search(fields.get("title") or "")
        if m:
            fields["date_written"], fields["date_inferred"] = f"{m.group(0)}-01-01", True
    fields["level"], fields["jurisdiction"] = jurisdiction(fields)
    if not fields.get("kind"):
        fields["kind"] = kind_of(fields.get("title"))
    if not fields.get("kind"):
        m = _KIND_IN_TEXT.search(body_text[:2000])
        if m:
            fields["kind"] = m["kind"]
    return fields
