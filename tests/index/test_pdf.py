"""PDF input: reading order, wraps joined, furniture removed, pages known; clear errors otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhengce.index.corpus import load_document
from zhengce.index.pdf import PdfLine, drop_furniture, join_lines, page_lines, take_page_meta
from zhengce.index.reading import ReadError, read_file

GOVCN = Path(__file__).resolve().parents[2] / "eval" / "corpus" / "govcn"


def line(page, text, left=33.0, right=560.0, top=700.0, height=10.0):
    return PdfLine(page, text, left, right, top, height)


def test_page_numbers_and_browser_lines_are_dropped():
    pages = [[line(p, "2026/11/23 上午10:06 关于印发某某方案的通知_某某市人民政府", top=780),
              line(p, ["总体要求。", "重点任务。", "保障措施。"][p], right=300, top=600 - p * 37),
              line(p, f"— {p + 1} —", top=40), line(p, f"第{p + 1}页 共3页", top=30),
              line(p, f"{p + 1}/3", top=20), line(p, "https://www.example.gov.cn/zwgk/content_1.htm", top=10)]
             for p in range(3)]
    kept = drop_furniture(pages)
    assert [[ln.text for ln in page] for page in kept] == [["总体要求。"], ["重点任务。"], ["保障措施。"]]


def test_a_line_repeated_on_most_pages_is_a_header():
    pages = [[line(p, "某某省人民政府公报", top=780), line(p, f"第{p}段。", right=200, top=700 - p * 50)]
             for p in range(4)]
    assert [ln.text for page in drop_furniture(pages) for ln in page] == ["第0段。", "第1段。", "第2段。", "第3段。"]


def test_wrapped_lines_join_and_indented_lines_start_paragraphs():
    pages = [[line(0, "一、总体要求", left=52, right=140),
              line(0, "（一）指导思想。以习近平新时代中国特色社会主义思想为指导，全", left=58),
              line(0, "面贯彻党的十九大和十九届二中、三中全会精神，统筹推进总体布", right=560),
              line(0, "局。", right=60),
              line(0, "（二）基本原则。", left=58, right=150)],
             [line(1, "坚持问题导向。从实际问题出发，加快推进政府职能转变，深化行", left=52),
              line(1, "业协会改革。", right=120)]]
    text, offsets = join_lines(pages)
    assert text.splitlines() == [
        "一、总体要求", "（一）指导思想。以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大和十九届二中、三中全会精神，统筹推进总体布局。",
        "（二）基本原则。", "坚持问题导向。从实际问题出发，加快推进政府职能转变，深化行业协会改革。"]
    assert text[offsets[1]:].startswith("坚持问题导向")


def _text(text: str, left=33.0) -> list[PdfLine]:
    """Running text filling the block (three full lines), so the margin and right edge are known."""
    return [line(0, text, left=52 if i == 0 else left) for i in range(3)]


def test_a_line_opening_with_a_quote_goes_on_an_unfinished_sentence():
    """The printer moved "“一卡通”" to the next line and left the line short: the item goes on
    (its units and deadline with it); after a heading the same line starts a paragraph."""
    pages = [[*_text("推进数字政府建设，全面提升政府履职数字化、智能化水平，"),
              line(0, "（七）优化社会保障服务。推进社会保障卡居民服务", left=52, right=520),
              line(0, "“一卡通”，实现社保卡在就医购药、交通出行、文化旅游等领域应用。（自治区人社厅牵头；完成时限："),
              line(0, "2025年10月底前）", right=150),
              line(0, "一、总体要求", left=52, right=140),
              line(0, "“十四五”时期是数字政府建设的关键时期。", right=300)]]
    paragraphs = join_lines(pages)[0].splitlines()
    assert paragraphs[-3:] == [
        "（七）优化社会保障服务。推进社会保障卡居民服务“一卡通”，实现社保卡在就医购药、交通出行、文化旅游等领域应用。"
        "（自治区人社厅牵头；完成时限：2025年10月底前）",
        "一、总体要求", "“十四五”时期是数字政府建设的关键时期。"]


def test_the_form_of_a_line_overrides_its_place():
    """Closing punctuation never starts a paragraph, even indented; an annex heading after a
    finished sentence does, even at the margin after a full line; a title's last line (a larger
    font) is not continued by the addressee line; a centred heading's wrap joins its first line."""
    pages = [[line(0, "某某省人民政府办公厅", right=560, height=20), line(0, "文件", left=280, right=313, height=20),
              line(0, "某某省人民政府办公厅关于印发某某省数字政府建设方案的通知", left=40, right=553, height=14),
              line(0, "各市、县人民政府，省政府各部门：", right=300),
              *_text("现将《某某方案》印发给你们，请认真贯彻执行。"),
              line(0, "，切实抓好落实。", left=52, right=200),
              line(0, "附件：某某方案", right=200)]]
    assert join_lines(pages)[0].splitlines() == [
        "某某省人民政府办公厅文件", "某某省人民政府办公厅关于印发某某省数字政府建设方案的通知", "各市、县人民政府，省政府各部门：",
        "现将《某某方案》印发给你们，请认真贯彻执行。" * 3 + "，切实抓好落实。", "附件：某某方案"]


def test_a_page_starts_where_its_first_line_landed():
    """Page 2 opens with text the title holds too: its start is its own line, not the title."""
    pages = [[line(0, "关于印发某某工作要点的通知", left=150, right=440, height=14), *_text("现将印发给你们。")],
             [line(1, "某某工作要点", left=200, right=380, height=14), *_text("一、总体要求。")]]
    text, offsets = join_lines(pages)
    assert text[offsets[1]:].startswith("某某工作要点\n一、总体要求")


def test_line_geometry_is_the_characters_cells_not_their_ink():
    """"（四）" starts at the paragraph indent like any other first line, and a line opening
    with "一" (a hairline glyph) is as high as its neighbours."""
    lines = page_lines(GOVCN / "content_5350734.pdf")[1]
    item = next(ln for ln in lines if ln.text.startswith("（四）"))
    plain = next(ln for ln in lines if ln.text.startswith("一批社会影响力大"))
    wrapped = lines[lines.index(item) + 1]
    assert abs(item.left - 52) < 1 and abs(plain.left - wrapped.left) < 1
    assert abs(plain.height - wrapped.height) < 0.5 and abs(item.height - wrapped.height) < 0.5


def test_page_metadata_table_is_read_and_removed():
    first = [line(0, "索 引", top=747), line(0, "号：", top=733), line(0, "000014349/2019-00003 主题分", top=740),
             line(0, "类：", top=733), line(0, "综合政务", top=740), line(0, "标", top=691), line(0, "题：", top=676),
             line(0, "国务院关于某某事项的通知", top=683), line(0, "发文字", top=662), line(0, "号：", top=647),
             line(0, "国发〔2019〕5号", top=654), line(0, "国务院关于某某事项的通知", top=574)]
    meta, pages = take_page_meta([first])
    assert meta == {"index_number": "000014349/2019-00003", "title": "国务院关于某某事项的通知",
                    "doc_number": "国发〔2019〕5号"}
    assert [ln.text for ln in pages[0]] == ["国务院关于某某事项的通知"]


def test_scanned_pdf_is_refused(tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.new_page(595, 842)
    target = tmp_path / "scan.pdf"
    pdf.save(str(target))
    with pytest.raises(ReadError, match=r"no text layer \(scanned PDF\): OCR it first"):
        read_file(target)


def test_broken_pdf_is_refused(tmp_path):
    target = tmp_path / "broken.pdf"
    target.write_bytes(b"%PDF-1.4\nnot really")
    with pytest.raises(ReadError, match="broken.pdf: not a readable PDF"):
        read_file(target)


@pytest.mark.parametrize("suffix", [".doc", ".wps", ".ofd"])
def test_formats_we_cannot_read_say_what_to_do(tmp_path, suffix):
    target = tmp_path / f"notice{suffix}"
    target.write_bytes(b"\xd0\xcf\x11\xe0 binary")
    with pytest.raises(ReadError, match="unsupported format .*: save it as .docx or PDF"):
        read_file(target)


@pytest.mark.parametrize("stem", ["content_5350734", "content_5341736"])
def test_pdf_and_html_of_one_notice_give_the_same_clauses_and_units(stem):
    html = load_document(GOVCN / f"{stem}.htm")
    pdf = load_document(GOVCN / f"{stem}.pdf")
    assert pdf.meta.title == html.meta.title and pdf.meta.doc_number == html.meta.doc_number
    assert (pdf.meta.issuers, pdf.meta.date_written) == (html.meta.issuers, html.meta.date_written)

    def shape(doc):
        return [(c.id, c.heading, c.path, c.text, tuple((u.name, u.role, u.basis) for u in c.units))
                for c in doc.clauses]

    assert shape(pdf) == shape(html)
    assert all(c.page is None for c in html.clauses)
    for c in pdf.clauses:  # the page is the page the clause starts on, and its offsets cite the extracted text
        assert pdf.pages[c.page - 1] <= c.start
        assert c.page == len(pdf.pages) or c.start < pdf.pages[c.page]


def test_pdf_pages_of_known_clauses():
    pdf = load_document(GOVCN / "content_5350734.pdf")
    by_heading = {c.heading: c for c in pdf.clauses}
    assert by_heading["二、丰富赛事活动,完善赛事体系"].page == 1
    assert by_heading["(四)大力发展职业赛事"].page == 2
    text = pdf.original
    for junk in ("http://www.gov.cn", "Error response", "AM 国务院办公厅", "1/4"):
        assert junk not in text


def test_a_page_starts_where_its_first_line_lands_even_when_an_earlier_line_holds_it():
    """Page 2 opens with the plan's title, which the notice's title on page 1 also holds."""
    pages = [[line(0, "某某省人民政府办公厅关于印发", left=52, right=300),
              line(0, "某某建设2025年工作要点的通知", left=52, right=300),
              line(0, "《某某建设2025年工作要点》已经省人民政府同意。", left=52, right=400)],
             [line(1, "某某建设2025年工作要点", left=52, right=300),
              line(1, "一、总体要求", left=52, right=140)]]
    text, offsets = join_lines(pages)
    assert text[offsets[1]:].startswith("某某建设2025年工作要点\n一、总体要求")
