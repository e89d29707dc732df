"""What users see: scores in the order shown, whole-term highlights, weak searches said so,
comparisons across years side by side."""

from __future__ import annotations


def test_ask_lists_citations_in_score_order_and_flags_the_cited(fake_engine):
    from zhengce.search.answer import Answerer

    answer = Answerer(fake_engine).ask("科技贷款风险补偿由哪些单位负责", k=10)
    scores = [h.score for h in answer.citations]
    assert scores == sorted(scores, reverse=True)
    d = answer.to_dict()
    assert {c["clause_id"] for c in d["citations"] if c["cited"]} == answer.cited
    assert answer.cited <= {h.clause.id for h in answer.citations}


def test_highlights_cover_whole_query_terms():
    from zhengce.search.excerpt import make_excerpt

    text = "推动科技成果转移转化，建设技术市场。"
    tokens = ["科技", "成果", "转化", "科技成果转化"]
    excerpt, marks = make_excerpt(text, tokens, query="科技成果转化")
    assert [excerpt[a:b] for a, b in marks] == ["科技成果", "转化"]
    # without the query, the term pieces stay apart (what the tokens alone can say)
    _, plain = make_excerpt(text, tokens)
    assert [excerpt[a:b] for a, b in plain] == ["科技", "成果", "转化"]


def test_search_hits_mark_whole_terms(fake_engine):
    hit = fake_engine.search("科技成果转化", k=5, mode="bm25").hits[0]
    marked = [hit.excerpt[a:b] for a, b in hit.marks]
    assert "科技成果转化" in marked or "科技成果" in marked


def test_a_nonsense_search_is_judged_not_answerable(fake_engine):
    from zhengce.search.answerability import Answerability

    judge = Answerability(fake_engine)
    nonsense = fake_engine.search("量子引力弦论黑洞蒸发", k=10)
    assert nonsense.hits  # fusion always returns something, however weak
    assert not judge.judge("量子引力弦论黑洞蒸发", nonsense.ranked).answerable
    good = fake_engine.search("科技贷款风险补偿", k=10)
    assert judge.judge("科技贷款风险补偿", good.ranked).answerable


def test_comparison_question_answers_each_year_side_by_side(fake_engine):
    from zhengce.search.answer import Answerer
    from zhengce.search.compare import comparison_topic, comparison_years

    q = "2015年和2024年对科技金融的要求有什么不同"
    assert comparison_years(q) == [2015, 2024]
    assert comparison_topic(q) == "科技金融要求"
    assert comparison_years("科技金融的要求有什么不同") is None
    answer = Answerer(fake_engine).ask(q)
    assert answer.intent == "compare"
    assert [g["year"] for g in answer.groups] == [2015, 2024]
    for g in answer.groups:
        assert g["hit"] is not None and g["hit"]["date"].startswith(str(g["year"]))
        text = g["hit"]["text"]
        assert all(0 <= a < b <= len(text) for a, b in g["diff_marks"])
    # a year without documents is said so, not compared
    missing = Answerer(fake_engine).ask("2015年和1990年对科技金融的要求有什么不同")
    assert not missing.answerable and "1990" in missing.answer
