from __future__ import annotations

import pytest

from tests.conftest import SEEDS, seed_path
from zhengce.index.corpus import ingest, load_document
from zhengce.index.reading import ReadError, read_file


def test_empty_file_gives_clear_error(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("")
    with pytest.raises(ReadError) as err:
        read_file(p)
    assert "empty.txt" in str(err.value) and "empty" in err.value.reason


def test_whitespace_only_file_holds_no_text(tmp_path):
    p = tmp_path / "blank.txt"
    p.write_text("  \n\n\u3000 \n")
    with pytest.raises(ReadError, match="holds no text"):
        read_file(p)


def test_binary_junk_file_is_refused(tmp_path):
    p = tmp_path / "junk.txt"
    p.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(ReadError, match="junk.txt"):
        read_file(p)


def test_truncated_gbk_is_refused_not_misread(tmp_path):
    data = seed_path("003").read_text(encoding="utf-8").encode("gbk")
    p = tmp_path / "bad.txt"
    p.write_bytes(data[:101] + b"\xff\xfe\xfd" + data[101:301])
    try:
        doc = load_document(p)
    except ReadError as exc:
        assert "bad.txt" in str(exc)
    else:  # decoded by a detector: it must still read as the same Chinese text
        assert "自主创新示范区" in doc.original


def test_utf8_bom(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbf" + seed_path("004").read_bytes())
    src = read_file(p)
    assert src.encoding == "utf-8-sig" and not src.text.startswith("\ufeff")


def test_html_page_strips_tags_scripts_and_navigation(tmp_path):
    p = tmp_path / "notice.html"
    p.write_text(
        "<html><head><title>x</title><script>var a='一、假的';</script></head><body>"
        "<nav>首页 > 政务公开</nav><div class='content'><p>一、总体要求</p>"
        "<p>（一）加强组织领导。由市科技局牵头，会同市财政局推进。</p>"
        "<p>扫一扫在手机打开当前页</p></div><footer>主办单位:某某 地址:某路 邮编:1</footer></body></html>",
        encoding="utf-8")
    doc = load_document(p)
    assert [c.heading for c in doc.clauses] == ["一、总体要求", "(一)加强组织领导"]
    assert doc.clauses[1].unit_names() == ["市科技局", "市财政局"]
    assert "假的" not in doc.original and "首页" not in doc.original


def test_docx_is_read(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for line in ("关于印发测试方案的通知", "一、重点任务", "1.加强科技成果转化。(责任单位:市科技局)"):
        d.add_paragraph(line)
    p = tmp_path / "n.docx"
    d.save(str(p))
    doc = load_document(p)
    assert doc.meta.title == "关于印发测试方案的通知"
    item = doc.clauses[-1]
    assert item.title == "加强科技成果转化" and item.unit_names() == ["市科技局"]


def test_one_bad_file_never_stops_a_folder(tmp_path):
    for src in SEEDS.glob("*.txt"):
        (tmp_path / src.name).write_bytes(src.read_bytes())
    (tmp_path / "zz_empty.txt").write_text("")
    (tmp_path / "zz_binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    report = ingest([tmp_path])
    assert len(report.documents) == 5
    assert sorted(e.path.rsplit("/", 1)[-1] for e in report.errors) == ["zz_binary.txt", "zz_empty.txt"]


def test_unsupported_and_missing_files(tmp_path):
    with pytest.raises(ReadError, match="unsupported"):
        read_file(tmp_path / "x.pdf")
    with pytest.raises(ReadError, match="no such file"):
        read_file(tmp_path / "missing.txt")


def test_a_site_metadata_table_with_a_name_row_is_metadata_and_its_chrome_no_clause(tmp_path):
    p = tmp_path / "meta.html"
    p.write_text(
        "<html><body><table class='xxgk-meta'>"
        "<tr><td>索 引 号：</td><td>11510000008305426X/2025-00312</td><td>主题分类：</td><td>综合政务</td></tr>"
        "<tr><td>发布机构：</td><td>某某省发展和改革委员会</td><td>成文日期：</td><td>2025-04-03</td></tr>"
        "<tr><td>文　　号：</td><td>川发改〔2025〕56号</td><td>发布日期：</td><td>2025-04-08</td></tr>"
        "<tr><td>名　　称：</td><td colspan='3'>某某省发展和改革委员会关于某事的通知</td></tr></table>"
        "<div>某某省发展和改革委员会关于某事的通知</div><p>一、总体要求</p><p>（一）加强组织领导。</p>"
        "<div class='fj'>附件下载：无</div></body></html>", encoding="utf-8")
    doc = load_document(p)
    m = doc.meta
    assert (m.index_number, m.issuer, m.doc_number, m.title, m.date_written) == (
        "11510000008305426X/2025-00312", "某某省发展和改革委员会", "川发改〔2025〕56号",
        "某某省发展和改革委员会关于某事的通知", "2025-04-03")
    assert all("索引号" not in c.text and "附件下载" not in c.text for c in doc.clauses)


def test_docx_title_paragraph_broken_by_line_breaks(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    title = d.add_paragraph()
    for i, part in enumerate(("中共某某区委办公室", "某某区人民政府办公室", "关于印发《某某方案》的通知")):
        run = title.add_run(part)
        if i < 2:
            run.add_break()
    for line in ("各镇人民政府，区级各部门：", "一、重点任务", "1.加强科技成果转化。(责任单位:区科技局)"):
        d.add_paragraph(line)
    p = tmp_path / "br.docx"
    d.save(str(p))
    doc = load_document(p)
    assert doc.meta.title == "中共某某区委办公室 某某区人民政府办公室关于印发《某某方案》的通知"
    assert doc.meta.addressees == ("各镇人民政府", "区级各部门")
    assert [c.heading for c in doc.clauses][0] == "一、重点任务"
