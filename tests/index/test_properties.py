"""Property: the chunker never loses text.

Every non-whitespace character of a document lies in exactly one clause, or
in a span the chunker skipped as junk or metadata, never both. Inline markup
(``<?xml …?>`` left in copied pages) is skipped too, but may sit inside a
clause's offsets: the clause's text leaves it out, its span cannot.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zhengce.index.corpus import parse_text

WORDS = st.text(alphabet="科技创新成果转化市局政府企业人才平台建设发展郑州研发投入服务体系", min_size=2, max_size=30)
CN_NUMS = ["一", "二", "三", "四", "五", "十", "十一"]


@st.composite
def block(draw):
    kind = draw(st.sampled_from(["heading", "pheading", "item", "para", "fragment", "junk", "dash", "md",
                                 "wide_item", "units"]))
    w = draw(WORDS)
    n = draw(st.integers(1, 30))
    if kind == "heading":
        return f"{draw(st.sampled_from(CN_NUMS))}、{w}"
    if kind == "pheading":
        return f"({draw(st.sampled_from(CN_NUMS))}){w}"
    if kind == "item":
        return f"{n}.{w}。{draw(WORDS)}。"
    if kind == "wide_item":
        return f"（{draw(st.sampled_from(CN_NUMS))}）{w}。{draw(WORDS)}（责任单位：市科技局，市财政局）"
    if kind == "units":
        return f"{n}、{w}。(责任单位:郑州、洛阳、新乡市人民政府)"
    if kind == "para":
        return f"{w}。"
    if kind == "fragment":
        return f"{w * 3}{draw(WORDS)}\n\n{draw(WORDS)}。"
    if kind == "dash":
        return f"——{w}。{draw(WORDS)}"
    if kind == "md":
        return f"### {w} 某某委员会"
    return draw(st.sampled_from(["扫一扫在手机打开当前页", "标签:", "验证码:", "  • 扫一扫在手机打开当前页",
                                 "<?xml:namespace prefix=\"st1\"?>"]))


@st.composite
def document(draw):
    blocks = draw(st.lists(block(), min_size=1, max_size=25))
    seps = draw(st.lists(st.sampled_from(["\n", "\n\n", "\n   ", "\r\n"]), min_size=len(blocks),
                         max_size=len(blocks)))
    return "".join(b + s for b, s in zip(blocks, seps, strict=True))


@settings(max_examples=200, deadline=None)
@given(document())
def test_every_character_lies_in_exactly_one_clause_or_skipped_span(text):
    doc = parse_text(text, "doc")
    owner = [0] * len(text)
    for c in doc.clauses:
        assert 0 <= c.start < c.end <= len(text)
        for i in range(c.start, c.end):
            owner[i] += 1
    skipped = [False] * len(text)
    markup = [False] * len(text)
    for s in doc.skipped:
        for i in range(s.start, s.end):
            (markup if s.reason == "markup" else skipped)[i] = True
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        if markup[i]:
            assert owner[i] <= 1, (i, ch)
        elif skipped[i]:
            assert owner[i] == 0, (i, ch)
        else:
            assert owner[i] == 1, (i, ch, text[max(0, i - 10): i + 10])
    assert not any("<?xml" in c.text or "<?xml" in c.title for c in doc.clauses)


@settings(max_examples=100, deadline=None)
@given(document())
def test_ids_are_unique(text):
    doc = parse_text(text, "doc")
    ids = [c.id for c in doc.clauses]
    assert len(ids) == len(set(ids))
