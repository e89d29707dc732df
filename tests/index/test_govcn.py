"""The govcn development corpus (eval/corpus/govcn): metadata, units and the duty answer.

The metadata table below was checked by hand against each page's own metadata table
(索引号 / 发文机关 / 成文日期 / 标题 / 发文字号); the PDF and DOCX copies must agree with it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zhengce.index.corpus import ingest, load_document
from zhengce.index.units import is_collective, looks_like_unit

ROOT = Path(__file__).resolve().parents[2]
GOVCN = ROOT / "eval" / "corpus" / "govcn"

# file, title, issuer, 文号, 成文日期
GOLDEN = [
    ("content_5338761.htm", "国务院办公厅关于印发《政府网站集约化试点工作方案》的通知", "国务院办公厅", "国办函〔2018〕71号", "2018-10-27"),
    ("content_5341736.htm", "专利代理条例", "国务院", "国令第706号", "2018-11-06"),
    ("content_5341736.pdf", "专利代理条例", "国务院", "国令第706号", "2018-11-06"),
    ("content_5344146.htm", "国务院办公厅关于调整国家教材委员会组成人员的通知", "国务院办公厅", "国办发〔2018〕109号", "2018-11-20"),
    ("content_5345284.htm", "国务院办公厅转发国家教委关于内地西藏班(校)扩大规模有关问题请示的通知", "国务院办公厅", "国办发〔1996〕32号", "1996-07-17"),
    ("content_5345293.htm", "国务院办公厅转发民政部关于清理整顿社会团体意见的通知", "国务院办公厅", "国办发〔1997〕11号", "1997-04-08"),
    ("content_5345397.htm", "国务院关于印发《国务院工作规则》的通知", "国务院", "国发〔2004〕18号", "2004-06-26"),
    ("content_5345410.htm", "国务院关于授权香港特别行政区实施管辖的深圳湾口岸港方口岸区范围和土地使用期限的批复", "国务院", "国函〔2006〕132号", "2006-12-30"),
    ("content_5345639.htm", "国务院关于棉粮、糖粮挂钩奖售粮几个问题的通知", "国务院", "国发〔1981〕88号", "1981-05-23"),
    ("content_5347465.htm", "国务院办公厅关于对真抓实干成效明显地方进一步加大激励支持力度的通知", "国务院办公厅", "国办发〔2018〕117号", "2018-12-06"),
    ("content_5350427.htm", "国务院办公厅关于全面推行行政规范性文件合法性审核机制的指导意见", "国务院办公厅", "国办发〔2018〕115号", "2018-12-04"),
    ("content_5350734.htm", "国务院办公厅关于加快发展体育竞赛表演产业的指导意见", "国务院办公厅", "国办发〔2018〕121号", "2018-12-11"),
    ("content_5350734.pdf", "国务院办公厅关于加快发展体育竞赛表演产业的指导意见", "国务院办公厅", "国办发〔2018〕121号", "2018-12-11"),
    ("content_5351593.htm", "国务院办公厅对十届全国人大四次会议第2996号建议的答复", "国务院办公厅", "国办函〔2006〕70号", "2006-09-07"),
    ("content_5351624.htm", "国务院办公厅关于同意以哈尔滨市名义申办2009年第二十四届世界大学生冬季运动会的复函", "国务院办公厅", "国办函〔2004〕36号", "2004-04-17"),
    ("content_5351713.htm", "国务院办公厅转发国家地震局关于我国地震重点监视防御区的确定和加强防震减灾工作意见报告的通知", "国务院办公厅", "国办发〔1996〕2号", "1996-02-05"),
    ("content_5352666.htm", "国务院办公厅关于推进政务新媒体健康有序发展的意见", "国务院办公厅", "国办发〔2018〕123号", "2018-12-07"),
    ("content_5354528.htm", "国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见", "国务院办公厅", "国办发〔2018〕118号", "2018-12-05"),
    ("content_5355822.htm", "国务院关于2018年度国家科学技术奖励的决定", "国务院", "国发〔2018〕44号", "2018-12-28"),
    ("content_5358604.htm", "国务院办公厅关于印发国家组织药品集中采购和使用试点方案的通知", "国务院办公厅", "国办发〔2019〕2号", "2019-01-01"),
    ("content_5360002.htm", "国务院办公厅关于开展城镇小区配套幼儿园治理工作的通知", "国务院办公厅", "国办发〔2019〕3号", "2019-01-09"),
    ("content_5361158.htm", "国务院关于促进综合保税区高水平开放高质量发展的若干意见", "国务院", "国发〔2019〕3号", "2019-01-12"),
    ("content_5362266.docx", "国务院办公厅关于加强三级公立医院绩效考核工作的意见", "国务院办公厅", "国办发〔2019〕4号", "2019-01-16"),
    ("content_5362266.htm", "国务院办公厅关于加强三级公立医院绩效考核工作的意见", "国务院办公厅", "国办发〔2019〕4号", "2019-01-16"),
    ("content_5365341.htm", "国务院关于印发国家职业教育改革实施方案的通知", "国务院", "国发〔2019〕4号", "2019-01-24"),
    ("content_5365711.htm", "国务院办公厅关于有效发挥政府性融资担保基金作用切实支持小微企业和“三农”发展的指导意见", "国务院办公厅", "国办发〔2019〕6号", "2019-01-22"),
    ("content_5365945.htm", "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见", "国务院", "国发〔2019〕5号", "2019-01-27"),
]


@pytest.fixture(scope="module")
def govcn():
    return {p.name: load_document(p) for p in sorted(GOVCN.iterdir()) if p.suffix in (".htm", ".pdf", ".docx")}


def test_every_file_ingests_with_its_metadata(govcn):
    assert sorted(govcn) == sorted(row[0] for row in GOLDEN)
    for name, title, issuer, number, written in GOLDEN:
        m = govcn[name].meta
        assert (m.title, m.issuer, m.doc_number, m.date_written) == (title, issuer, number, written), name
        # A saved page (and its print to PDF) has the site's metadata table (rule ``page``); the DOCX has text only.
        source = "text" if name.endswith(".docx") else "page"
        assert (m.level, m.date_inferred, m.title_source) == ("national", False, source), name


def test_metadata_table_and_furniture_are_not_clauses(govcn):
    for name, doc in govcn.items():
        text = "\n".join(c.heading + c.text for c in doc.clauses)
        for junk in ("索引号", "主题分类", "发文机关", "扫一扫", "此件公开发布", "000014349/"):
            assert junk not in text, (name, junk)
        # the issuer's signature is metadata, never a clause of its own
        assert not any(c.text in ("国务院", "国务院办公厅") for c in doc.clauses), name


def test_addressees_are_metadata(govcn):
    doc = govcn["content_5361158.htm"]
    assert doc.meta.addressees == ("各省、自治区、直辖市人民政府", "国务院各部委、各直属机构")
    assert doc.clauses[0].text.startswith("综合保税区是开放型经济的重要平台")
    assert govcn["content_5351624.htm"].meta.addressees == ("黑龙江省人民政府", "教育部、外交部、财政部、体育总局")


def test_signature_date_and_issuer_of_the_docx(govcn):
    m = govcn["content_5362266.docx"].meta
    assert m.title == "国务院办公厅关于加强三级公立医院绩效考核工作的意见"  # two paragraphs joined
    assert m.issuers == ("国务院办公厅",)


def test_the_not_a_list_parenthesis_stays_text(govcn):
    doc = govcn["content_5365341.htm"]
    clause = next(c for c in doc.clauses if "技工院校内由人力资源社会保障行政部门负责" in c.text)
    # not read as a list of units; the prose around it names who does what, sentence by sentence
    assert "(技工院校内由人力资源社会保障行政部门负责)" in clause.text.replace("（", "(").replace("）", ")")
    assert clause.unit_names()[:2] == ["国务院人力资源社会保障行政部门", "教育行政部门"]


def test_responsibility_parentheses_are_all_read(govcn):
    # content_5347465: 30 "(市场监管总局负责)"-style parentheses on 一、-level items, one each.
    doc = govcn["content_5347465.htm"]
    def paren(c):
        return re.search(r"负责[)）]", doc.original[c.start:c.end])

    assert sum(1 for c in doc.clauses if c.units and paren(c)) == 30
    # ... and the one clause in prose: "国务院办公厅将会同有关方面统筹组织开展相关督查激励工作"
    prose = [c for c in doc.clauses if c.units and not paren(c)]
    assert [[(u.name, u.role) for u in c.units] for c in prose] == [[("国务院办公厅", "lead")]]
    # content_5361158: 21 numbered tasks, each with its units and a lead by the stated convention.
    tasks = [c for c in govcn["content_5361158.htm"].clauses if c.units and c.number]
    assert len(tasks) == 21 and all(len(c.unit_names("lead")) == 1 for c in tasks)
    assert all(u.basis == "convention" for c in tasks for u in c.units)
    # ... and one paragraph in prose: "海关总署要继续做好牵头工作，…"
    prose = [c for c in govcn["content_5361158.htm"].clauses if c.units and not c.number]
    assert [c.unit_names() for c in prose] == [["海关总署"]] and prose[0].text.startswith("海关总署要继续做好牵头工作")


def test_the_tax_pilot_clause_has_its_units(govcn):
    doc = govcn["content_5361158.htm"]
    clause = next(c for c in doc.clauses if "增值税一般纳税人资格试点" in c.text)
    assert [(u.name, u.role, u.basis) for u in clause.units] == [
        ("税务总局", "lead", "convention"), ("财政部", "support", "convention"), ("海关总署", "support", "convention")]
    assert doc.original[clause.start:clause.end].startswith("1.拓展两个市场")


def test_units_over_seeds_and_govcn_are_names_not_fragments():
    report = ingest([ROOT / "seeds", GOVCN])
    assert not report.errors
    names = {u.name for d in report.documents for c in d.clauses for u in c.units}
    for name in names:
        assert looks_like_unit(name) or is_collective(name), name
        assert not re.search(r"(等|负责|牵头|参与|配合)$", name), name
    assert "各市民政府" not in names and "辐射区" not in names and "县〔区〕人民政府" not in names
    assert "财政部等部" not in names


def test_duty_answer_over_govcn(tmp_path):
    from zhengce.index.embedding import FakeEmbedder
    from zhengce.index.store import build_index, save_index
    from zhengce.search.answer import Answerer
    from zhengce.search.engine import SearchEngine

    report = ingest([GOVCN])
    index, _ = build_index(report.documents, FakeEmbedder())
    save_index(index, tmp_path / "index")
    answer = Answerer(SearchEngine.open(tmp_path / "index", FakeEmbedder())).ask(
        "综合保税区增值税一般纳税人资格试点由哪些部门负责")
    assert [(u.name, u.role) for u in answer.units[:3]] == [("税务总局", "lead"), ("财政部", "support"),
                                                            ("海关总署", "support")]
    assert answer.citations[0].clause.id == "content_5361158#4.1.1"
    assert answer.answer.startswith("主要由税务总局牵头，会同财政部、海关总署（《国务院关于促进综合保税区")
