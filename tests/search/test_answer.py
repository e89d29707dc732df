"""Intent rules, duty aggregation arithmetic, not-found, units and precedent diffs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from zhengce.index.model import Clause, DocMeta, Unit
from zhengce.search import duty
from zhengce.search.answer import Answerer, unit_directory
from zhengce.search.duty import (
    LEAD_WEIGHT,
    SUPPORT_WEIGHT,
    aggregate_units,
    clause_ref,
    duty_phrase,
    duty_sentence,
    short_title,
)
from zhengce.search.hits import Hit
from zhengce.search.intent import DUTY, FIND, UNIT, detect, topic_of
from zhengce.search.precedent import Precedent, diff_spans, find_precedents, timeline

UNITS = ["市科技局", "市科协", "省科技厅"]


@pytest.mark.parametrize("question, kind", [
    ("谁负责科技成果转化", DUTY), ("科技贷款风险补偿由哪些单位负责", DUTY), ("这项工作哪个部门牵头", DUTY),
    ("产业园区归谁管", DUTY), ("郑科贷的责任单位是什么", DUTY), ("新制造新服务这块谁来抓", DUTY),
    ("市科技局负责哪些工作", UNIT), ("市科协牵头了哪些任务", UNIT), ("省科技厅的职责", UNIT),
    ("给企业贷款出了坏账政府补不补", FIND), ("科技型企业研发费用后补助", FIND),
    ("市科技局和市科协谁负责科普", DUTY),
    # traditional characters ask the same question as simplified ones
    ("綜合保稅區服務外包業務由哪些部門負責", DUTY), ("人才引進歸誰管", DUTY),
    # yes/no questions about who is responsible, and 部委 as a word for a department
    ("企业债券直通车机制是不是发改委负责", DUTY), ("集群建设是工信部负责吗", DUTY),
    ("再制造业务是否由商务部牵头", DUTY), ("电商进农村示范由哪个部委负责", DUTY),
    ("是否需要申请补贴", FIND), ("哪个部分最重要", FIND),
    # colloquial ways to ask who (ours)
    ("谁在管科技成果转化", DUTY), ("科技成果转化该问谁", DUTY), ("科技成果转化找谁", DUTY),
    ("信易贷是哪几家负责的", DUTY), ("企业开办谁配合", DUTY),
])
def test_intent_rules(question, kind):
    assert detect(question, UNITS).kind == kind


def test_topic_of_a_yes_no_duty_question_keeps_the_matter_and_the_unit():
    assert topic_of("综保区再制造业务是不是工信部牵头") == "综保区再制造业务 工信部"
    assert topic_of("易地扶貧搬遷支持力度由哪個部門負責") == "易地扶贫搬迁支持力度"


@pytest.mark.parametrize("question", [
    "科技成果转化的牵头部门是哪个", "科技成果转化应该找哪个部门", "负责科技成果转化的是哪个单位",
    "科技成果转化是哪个局的事", "谁在管科技成果转化", "科技成果转化该问谁",
])
def test_topic_of_colloquial_duty_questions_is_the_matter(question):
    assert topic_of(question) == "科技成果转化"


@pytest.mark.parametrize("question, topic", [
    ("负责人培训由谁组织", "负责人培训"), ("主管护师职称评审归谁管", "主管护师职称评审"),
    ("谁负责海外人才回归", "海外人才回归"), ("产业园区归谁管", "产业园区"),
    ("人才引进的事归哪些部门管", "人才引进"), ("信易贷是哪几家负责的", "信易贷"),
])
def test_topic_keeps_words_that_only_start_or_end_like_question_words(question, topic):
    assert topic_of(question) == topic


def test_finding_a_who_is_no_duty_question():
    for question in ("查找谁发布的人才政策", "询问谁都说不清楚的补贴政策", "寻找谁来投资的项目政策"):
        assert detect(question).kind == FIND


def test_topic_strips_question_words():
    assert topic_of("谁负责科技成果转化") == "科技成果转化"
    assert topic_of("科技贷款风险补偿由哪些单位负责") == "科技贷款风险补偿"
    assert topic_of("（责任单位）科技贷款风险补尝是谁负责") == "科技贷款风险补尝"


def _hit(cid, score, units, number="1.", title="标题"):
    meta = DocMeta(doc_id="d", file="d.txt", title="关于印发《测试计划》的通知")
    clause = Clause(id=cid, doc_id="d", level=1, kind="item", number=number, title=title, path=(),
                    text=title + "。正文", start=0, end=1, units=tuple(Unit(n, r) for n, r in units), doc=meta)
    return Hit(0, score, clause, "", [])


def test_aggregation_arithmetic():
    hits = [_hit("a", 1.0, [("市科技局", "lead"), ("市财政局", "support")]),
            _hit("b", 0.9, [("市财政局", "lead"), ("市科技局", "support")]),
            _hit("c", 0.5, [("市教育局", "lead")]),  # below DUTY_RELATIVE of the best: left out
            _hit("d", 0.95, [])]                      # names no unit: ignored
    units = {u.name: u for u in aggregate_units(hits)}
    assert set(units) == {"市科技局", "市财政局"}
    assert units["市科技局"].score == pytest.approx(1.0 * LEAD_WEIGHT + 0.9 * SUPPORT_WEIGHT)
    assert units["市财政局"].score == pytest.approx(1.0 * SUPPORT_WEIGHT + 0.9 * LEAD_WEIGHT)
    assert units["市财政局"].role == "lead" and units["市科技局"].clause_ids == ["a", "b"]
    ranked = aggregate_units(hits)
    assert ranked[0].name == "市科技局"  # 1.45 against 1.40
    assert [u.name for u in ranked] == sorted(units, key=lambda n: -units[n].score)


def test_a_unit_only_named_responsible_is_not_called_a_supporter():
    """"省司法厅负责…" (support by default, basis listed) reads 负责; a stated 配合 reads 配合, in
    any cited clause; a lead reads 牵头."""
    listed = _hit("a", 1.0, [("省司法厅", "support")])
    stated = Hit(0, 0.95, replace(listed.clause, id="b", units=(Unit("省司法厅", "support", "explicit"),
                                                                 Unit("省财政厅", "lead", "explicit"))), "", [])
    alone = aggregate_units([listed])
    assert [(u.name, u.role, u.role_stated, u.role_label) for u in alone] == [("省司法厅", "support", False, "负责")]
    assert alone[0].to_dict()["role_stated"] is False
    both = {u.name: u for u in aggregate_units([listed, stated])}
    assert (both["省司法厅"].role_stated, both["省司法厅"].role_label) == (True, "配合")
    assert both["省财政厅"].role_label == "牵头"


def test_relative_cutoff_is_read_when_called(monkeypatch):
    """The cutoff is the module's constant at call time (eval.duty_cv varies it), or the argument."""
    hits = [_hit("a", 1.0, [("市科技局", "lead")]), _hit("b", 0.82, [("市财政局", "lead")])]
    monkeypatch.setattr(duty, "DUTY_RELATIVE", 0.85)
    assert [u.name for u in aggregate_units(hits)] == ["市科技局"]
    monkeypatch.setattr(duty, "DUTY_RELATIVE", 0.8)
    assert [u.name for u in aggregate_units(hits)] == ["市科技局", "市财政局"]
    assert [u.name for u in aggregate_units(hits, relative=0.9)] == ["市科技局"]


def test_duty_sentence_reads_naturally():
    hits = [_hit("a", 1.0, [("市科技局", "lead"), ("市科协", "support"), ("市财政局", "support")],
                 number="12.", title="加强科技成果转化服务力度")]
    text = duty_sentence(aggregate_units(hits), hits)
    assert text == "主要由市科技局牵头，会同市科协、市财政局（《测试计划》第12条）。"
    assert short_title(hits[0].clause) == "测试计划" and clause_ref(hits[0].clause) == "第12条"


def test_duty_phrase_says_lead_only_where_the_clause_names_one():
    support_only = _hit("a", 1.0, [("市审计局", "support"), ("市财政局", "support")]).clause
    assert duty_phrase(support_only) == "由市审计局、市财政局负责"
    lead_later = _hit("b", 1.0, [("市科协", "support"), ("市科技局", "lead")]).clause
    assert duty_phrase(lead_later) == "由市科技局牵头，会同市科协"


def test_duty_sentence_names_no_lead_when_none_is_stated():
    hits = [_hit("a", 1.0, [("体育总局", "support"), ("民政部", "support")], number="4.", title="发展职业赛事")]
    assert duty_sentence(aggregate_units(hits), hits) == "主要由体育总局、民政部负责（《测试计划》第4条）。"
    hits = [_hit("b", 1.0, [("市审计局", "support"), ("市财政局", "lead")], number="5.", title="审计")]
    assert duty_sentence(aggregate_units(hits), hits) == "主要由市财政局牵头，会同市审计局（《测试计划》第5条）。"


def test_duty_answer_on_seeds(fake_engine):
    answer = Answerer(fake_engine).ask("科技贷款风险补偿由哪些单位负责")
    assert answer.intent == DUTY and answer.answerable
    assert answer.units[0].name == "市金融局" and answer.units[0].role == "lead"
    assert "000_839afbcfa68b4ffc#2.5.13" in answer.units[0].clause_ids
    assert answer.answer.startswith("主要由市金融局牵头")
    assert answer.citations[0].clause.id == "000_839afbcfa68b4ffc#2.5.13"


def test_a_duty_answer_records_how_much_of_the_topic_its_units_clauses_hold(fake_engine, monkeypatch):
    """``unit_coverage``: the topic's share held by the clauses backing the units; under
    ``DUTY_COVERAGE`` (read when called) the units belong to another matter and nothing is named."""
    from zhengce.search import answer as answer_mod

    question = "科技贷款风险补偿由哪些单位负责"
    answered = Answerer(fake_engine).ask(question)
    held = answered.signals["unit_coverage"]
    assert answered.answerable and 0.5 < held <= 1.0  # the clause that names 市金融局 holds the topic
    monkeypatch.setattr(answer_mod, "DUTY_COVERAGE", held + 0.01)
    refused = Answerer(fake_engine).ask(question)
    assert not refused.answerable and refused.units == [] and "未写明该事项的责任单位" in refused.answer
    assert refused.signals["unit_coverage"] == held and refused.citations


@pytest.mark.parametrize("question", ["住房公积金怎么提取", "幼儿园入学需要什么材料"])
def test_not_found_path(fake_engine, question):
    answer = Answerer(fake_engine).ask(question)
    assert not answer.answerable and answer.units == []
    assert "未找到" in answer.answer and 1 <= len(answer.citations) <= 3
    citations = answer.to_dict()["citations"]
    assert citations and all(c["weak"] is True for c in citations)


def test_unit_question_groups_by_document(fake_engine):
    answer = Answerer(fake_engine).ask("市科技局负责哪些工作")
    assert answer.intent == UNIT and answer.answerable
    ids = {h.clause.id for h in answer.citations}
    assert "000_839afbcfa68b4ffc#2.5.12" in ids
    assert all("市科技局" in h.clause.unit_names() for h in answer.citations)
    group = answer.groups[0]
    assert "000_839afbcfa68b4ffc#2.5.12" in group["lead"]


def test_a_unit_question_may_use_any_spelling_the_index_knows(fake_engine):
    spellings = fake_engine.index.unit_spellings()
    assert spellings["市科学技术局"] == "市科技局" and spellings["市科技局"] == "市科技局"
    assert set(spellings.values()) <= set(fake_engine.index.unit_names())  # only units it holds
    by_alias = Answerer(fake_engine).ask("市科学技术局负责哪些工作")
    by_name = Answerer(fake_engine).ask("市科技局负责哪些工作")
    assert by_alias.intent == UNIT and by_alias.units[0].name == "市科技局"
    assert [h.clause.id for h in by_alias.citations] == [h.clause.id for h in by_name.citations]
    assert detect("市科学技术局负责哪些工作", ["市科技局"]).kind != UNIT  # names alone: no match
    # a short alias inside another word names nobody; the unit's own name is taken anywhere
    short = {"人行": "人民银行", "人民银行": "人民银行", "安全部": "国家安全部", "国家安全部": "国家安全部"}
    assert detect("人行道改造有哪些任务", short).kind == FIND
    assert detect("做好安全部署有哪些任务", short).kind == FIND
    assert (detect("人行有哪些任务", short).kind, detect("人行有哪些任务", short).unit) == (UNIT, "人民银行")
    # a unit without its level, as people say it, where only one unit answers to it
    assert spellings["科技局"] == "市科技局" and spellings["科协"] == "市科协"
    # the unit commands take the same spellings: an alias without its level names the unit
    assert fake_engine.index.match_units("科学技术局") == ["市科技局"] == fake_engine.index.match_units("市科学技术局")
    plain = Answerer(fake_engine).ask("科技局管什么")
    assert plain.intent == UNIT and plain.units[0].name == "市科技局"
    # …but another level before the short form names another unit, which this index lacks
    for other in ("区科技局负责哪些工作", "省财政局负责哪些工作"):
        assert detect(other, spellings).kind == FIND
    assert detect("郑州市科学技术局负责哪些工作", spellings).unit == "市科技局"
    assert detect("人行今年有哪些任务", short).unit == "人民银行"


def test_find_intent_answers_with_top_clause(fake_engine):
    answer = Answerer(fake_engine).ask("科技型企业研发费用后补助")
    assert answer.intent == FIND and answer.answerable and answer.citations


def test_unit_directory_counts(fake_engine):
    units = {u["name"]: u for u in unit_directory(fake_engine)}
    assert units["市科协"]["lead"] >= 7 and units["市科技局"]["support"] + units["市科技局"]["responsible"] >= 10
    # a unit only said to be responsible ("X负责…", no 牵头 or 配合) is counted as such, not as 配合
    idx = fake_engine.index
    for name, u in units.items():
        rows, lead = idx.unit_postings(name)
        listed = sum(all(x.basis == "listed" and x.role != "lead" for x in c.units if x.name == name)
                     for c in idx.clauses(rows.tolist()))
        assert (u["responsible"], u["lead"] + u["support"] + u["responsible"]) == (listed, len(rows)), name
    assert any(u["responsible"] for u in units.values())
    assert "市科学技术局" not in units  # aliases merged


def test_character_diff_marks_what_differs():
    spans, common = diff_spans("完善科技贷款风险补偿机制", "完善科技贷款风险分担机制,加大资助")
    text = "完善科技贷款风险分担机制,加大资助"
    assert [text[s:e] for s, e in spans] == ["分担", ",加大资助"]
    assert common == pytest.approx(10 / len(text))


def test_precedents_come_from_other_documents_as_a_timeline(fake_engine):
    clause_id = "000_839afbcfa68b4ffc#2.5.13"
    clause = fake_engine.index.clause(clause_id)
    found, _ = find_precedents(fake_engine, clause.text, k=5, exclude_doc=clause.doc_id, exclude_id=clause_id)
    assert len(found) == 5 and all(p.hit.clause.doc_id != clause.doc_id for p in found)
    groups = timeline(found)
    assert sorted(cid for g in groups for cid in g["clause_ids"]) == sorted(p.hit.clause.id for p in found)
    for g in groups:
        assert all(fake_engine.index.clause(cid).doc.year == g["year"] for cid in g["clause_ids"])


def _precedent(cid, year):
    hit = _hit(cid, 1.0, [])
    doc = DocMeta(doc_id=cid, file="x.txt", date_written=f"{year}-01-01" if year else None)
    clause = Clause(**{**{f: getattr(hit.clause, f) for f in ("id", "doc_id", "level", "kind", "number",
                                                                "title", "path", "text", "start", "end")},
                       "doc": doc})
    return Precedent(Hit(0, 1.0, clause, "", []), 1.0, [], 0.0)


def test_timeline_orders_years_oldest_first_and_undated_last():
    found = [_precedent("a", 2024), _precedent("b", None), _precedent("c", 2015), _precedent("d", 2020),
             _precedent("e", 2015)]
    assert timeline(found) == [{"year": 2015, "label": "2015 年", "clause_ids": ["c", "e"]},
                               {"year": 2020, "label": "2020 年", "clause_ids": ["d"]},
                               {"year": 2024, "label": "2024 年", "clause_ids": ["a"]},
                               {"year": None, "label": "日期不详", "clause_ids": ["b"]}]


def test_a_unit_in_the_sentence_that_matches_the_question_comes_first():
    """A clause that gives each unit its own sentence answers with the unit whose sentence
    holds the question's words, not with the one listed first."""
    from zhengce.search.duty import aggregate_units, sentence_focus

    meta = DocMeta(doc_id="d", file="d.txt", title="通知")
    text = "国家医保局承担制定试点方案的职责;国家药监局负责对通过一致性评价的品种进行认定。"
    clause = Clause(id="d#1", doc_id="d", level=1, kind="item", number="1.", title="明确部门职责", path=(),
                    text=text, start=0, end=len(text),
                    units=(Unit("医保局", surface="国家医保局"), Unit("药监局", surface="国家药监局")), doc=meta)
    hit = Hit(row=0, score=1.0, clause=clause, excerpt=text, marks=[])
    def tokenize(text):
        return [w for w in ("一致性", "评价", "认定", "试点") if w in text]

    focus = {"一致性", "评价", "认定"}
    assert sentence_focus(clause, focus, tokenize, floor=0.5) == {"医保局": 0.5, "药监局": 1.0}
    assert [u.name for u in aggregate_units([hit], focus=focus, tokenize=tokenize)] == ["药监局"]
    # a floor above 0 keeps the unit of the other sentence, below
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("zhengce.search.duty.FOCUS_FLOOR", 0.5)
        assert [u.name for u in aggregate_units([hit], focus=focus, tokenize=tokenize)] == ["药监局", "医保局"]
    assert [u.name for u in aggregate_units([hit])] == ["医保局", "药监局"]  # no question words: as listed


def test_each_unit_parenthesis_answers_for_the_task_before_it():
    """A task list writes "…任务一。（公安部、水利部负责）任务二。（体育总局、公安部负责）": the
    chunker moves the parentheses out of the clause text into its units, and the duty answer reads
    them back from the source, so the units of the matching task come first, in their own order."""
    from zhengce.index.corpus import parse_text
    from zhengce.search.duty import paren_scopes, sentence_focus

    source = ("（十八）持续推进改革。优化赛事审批流程。（公安部、水利部负责）"
              "建立行业信用体系，建立“黑名单”制度。（体育总局、发展改革委、公安部负责）\n")
    clause = next(c for c in parse_text(source, "d").clauses if c.units)
    assert "负责" not in clause.text  # the parentheses live in the units, not the text
    scopes = paren_scopes(clause, source[clause.start:clause.end])
    assert len(scopes) == 2 and scopes[1].startswith("建立行业信用体系")

    def tokenize(text):
        return [w for w in ("信用", "黑名单", "审批", "赛事") if w in text]

    focus = {"信用", "黑名单"}
    hit = Hit(row=0, score=1.0, clause=clause, excerpt=clause.text, marks=[])
    assert sentence_focus(clause, focus, tokenize) == {}  # the text alone names no unit
    weights = sentence_focus(clause, focus, tokenize, floor=0.5, source=lambda: source[clause.start:clause.end])
    assert weights == {"体育总局": 1.0, "发展改革委": 1.0, "公安部": 1.0, "水利部": 0.5}
    assert list(weights) == ["体育总局", "发展改革委", "公安部", "水利部"]
    ranked = aggregate_units([hit], focus=focus, tokenize=tokenize,
                             source=lambda c: source[c.start:c.end])
    assert [u.name for u in ranked] == ["体育总局", "发展改革委", "公安部"]  # 水利部's task shares no word
    assert [u.name for u in aggregate_units([hit])][:2] == ["公安部", "水利部"]  # without it: as listed
