"""The duty rule chain: every rule on its own, then every form on a real notice and on one of ours.

Real examples are quoted from eval/corpus/govcn; "ours" are written for forms that corpus lacks
(other ministries, provinces and cities), so a rule is never fitted to one file.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengce.index.cleaning import normalize
from zhengce.index.duty import (
    DutyContext,
    find_duties,
    read_paren,
    rule_convention,
    rule_guide,
    rule_implied,
    rule_label,
    rule_labelled_lines,
    rule_lead,
    rule_lead_phrase,
    rule_responsible,
    rule_support,
)


def units(text, ctx=None, level="national"):
    ctx = ctx or DutyContext(level=level)
    return [(u.name, u.role, u.basis) for u in find_duties(normalize(text), ctx).units]


def groups(got):
    return [(g.names, g.kind) for g in got]


# ---- each rule on its own -------------------------------------------------------------------

def test_rule_convention_sets_the_document_convention():
    ctx = DutyContext()
    assert rule_convention("排在第一位的部门为牵头部门", ctx) == [] and ctx.first_is_lead
    ctx = DutyContext()
    assert rule_convention("列第一位者为牵头单位", ctx) == [] and ctx.first_is_lead
    assert rule_convention("下同", DutyContext()) is None


def test_rule_implied_remembers_the_unit_for_later_clauses():
    ctx = DutyContext()
    assert rule_implied("以下均需各省级人民政府落实", ctx) == []
    assert ctx.implied == ("各省级人民政府",)
    assert rule_implied("不再列出", DutyContext()) is None


def test_rule_label_reads_duty_labels_and_stops_at_others():
    ctx = DutyContext()
    assert groups(rule_label("牵头单位:市科技局", ctx)) == [(["市科技局"], "lead")]
    assert groups(rule_label("牵头考核单位:国务院办公厅", ctx)) == [(["国务院办公厅"], "lead")]
    assert groups(rule_label("配合单位:市财政局、市教育局", ctx)) == [(["市财政局", "市教育局"], "support")]
    assert groups(rule_label("负责部门:市场监管总局", ctx)) == [(["市场监管总局"], "listed")]
    assert rule_label("适用范围:全国各类市场主体", ctx) == []
    assert rule_label("财政部负责", ctx) is None


def test_rules_lead_support_guide_responsible():
    ctx = DutyContext()
    assert groups(rule_lead("国家发展改革委牵头", ctx)) == [(["国家发展改革委"], "lead")]
    assert groups(rule_support("财政部、自然资源部参与", ctx)) == [(["财政部", "自然资源部"], "support")]
    assert groups(rule_support("财政部配合", ctx)) == [(["财政部"], "support")]
    assert groups(rule_guide("教育部指导", ctx)) == [(["教育部"], "support")]
    assert groups(rule_responsible("税务总局、财政部、海关总署负责", ctx)) == \
        [(["税务总局", "财政部", "海关总署"], "listed")]
    assert groups(rule_responsible("各省级人民政府按职责分工负责", ctx)) == [(["各省级人民政府"], "listed")]
    assert groups(rule_responsible("财政部会同有关部门负责", ctx)) == [(["财政部"], "lead")]
    assert rule_responsible("财政部配合", ctx) is None


def test_read_paren_refuses_a_sentence():
    # content_5365341.htm: a parenthesis that says who is responsible *inside* schools; no unit list.
    assert read_paren("技工院校内由人力资源社会保障行政部门负责", DutyContext()) is None
    assert read_paren("以下简称培训评价组织", DutyContext()) is None


def test_text_rules():
    ctx = DutyContext(level="city")
    assert groups(rule_labelled_lines("牵头单位:市科技局;配合单位:市财政局", ctx)) == \
        [(["市科技局"], "lead"), (["市财政局"], "support")]
    assert groups(rule_lead_phrase("由市财政局牵头,市审计局配合,开展评价。", ctx)) == \
        [(["市财政局"], "lead"), (["市审计局"], "support")]


# ---- every form: a real example and one of ours ---------------------------------------------

def test_list_then_responsible_real_and_ours():
    # content_5350734.htm (no convention stated in that notice): nobody is lead.
    assert units("（体育总局、民政部、人力资源社会保障部负责）") == [
        ("体育总局", "support", "listed"), ("民政部", "support", "listed"),
        ("人力资源社会保障部", "support", "listed")]
    assert units("（省教育厅、省财政厅负责）", level="province") == [
        ("省教育厅", "support", "listed"), ("省财政厅", "support", "listed")]


def test_convention_holds_from_there_on():
    # content_5361158.htm
    ctx = DutyContext(level="national")
    first = units("推广试点。（税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门，下同）", ctx)
    assert first == [("税务总局", "lead", "convention"), ("财政部", "support", "convention"),
                     ("海关总署", "support", "convention")]
    assert units("提前适用政策。（海关总署、财政部、税务总局负责）", ctx)[0] == ("海关总署", "lead", "convention")
    # ours: the other wording, with 等 stripped
    ctx = DutyContext(level="national")
    assert units("（财政部、税务总局等负责。列第一位者为牵头单位，下同）", ctx)[0] == ("财政部", "lead", "convention")
    assert units("（商务部、海关总署负责）", ctx)[0] == ("商务部", "lead", "convention")


def test_a_convention_sentence_outside_parentheses():
    ctx = DutyContext(level="national")
    units("各项任务中排在第一位的部门为牵头部门，下同。", ctx)
    assert units("（科技部、教育部负责）", ctx)[0] == ("科技部", "lead", "convention")


@pytest.mark.parametrize("text", ["（国家发展改革委牵头，财政部、自然资源部参与）",
                                  "(国家发展改革委牵头,财政部、自然资源部参与)"])
def test_lead_and_participants_full_and_half_width(text):
    assert units(text) == [("国家发展改革委", "lead", "explicit"), ("财政部", "support", "explicit"),
                           ("自然资源部", "support", "explicit")]


def test_lead_and_cooperating():
    # content_5347465.htm has "省级政府办公厅牵头、省级有关部门参与" in prose; ours, in a parenthesis:
    assert units("（省商务厅牵头，省财政厅配合）", level="province") == [
        ("省商务厅", "lead", "explicit"), ("省财政厅", "support", "explicit")]


def test_guide_then_implement_and_the_implied_unit():
    ctx = DutyContext(level="national")
    assert units("（教育部指导，各省级人民政府负责落实。以下均需各省级人民政府落实，不再列出）", ctx) == [
        ("教育部", "support", "explicit"), ("各省级人民政府", "support", "listed")]
    later = units("（人力资源社会保障部负责）", ctx)
    assert ("各省级人民政府", "support", "convention") in later


def test_labelled_parenthesis_stops_at_the_next_label():
    # one unit under a label with no role word is responsible: no list, so no first to lead
    assert units("（负责部门：市场监管总局；适用范围：全国各类市场主体）") == [
        ("市场监管总局", "support", "listed")]
    assert units("（负责部门：市场监管总局、商务部；适用范围：全国）") == [
        ("市场监管总局", "lead", "listed_first"), ("商务部", "support", "listed")]


def test_collective_units_with_etc_and_provinces():
    found = find_duties(normalize("（国家发展改革委、财政部等和各省级人民政府负责）"), DutyContext(level="national"))
    assert [(u.name, u.collective) for u in found.units] == [
        ("国家发展改革委", False), ("财政部", False), ("各省级人民政府", True)]
    assert units("（教育部、人力资源社会保障部牵头，各省级人民政府按职责分工负责）") == [
        ("教育部", "lead", "explicit"), ("人力资源社会保障部", "lead", "explicit"),
        ("各省级人民政府", "support", "listed")]


def test_deadline_and_assessment_lead():
    found = find_duties(normalize("（5月底完成，牵头考核单位：国务院办公厅）"), DutyContext(level="national"))
    assert [(u.name, u.role) for u in found.units] == [("国务院办公厅", "lead")]


def test_labelled_lines_real_seed_and_ours():
    assert units("牵头单位：市科技局；配合单位：市财政局、市教育局", level="city") == [
        ("市科技局", "lead", "explicit"), ("市财政局", "support", "explicit"), ("市教育局", "support", "explicit")]
    assert units("责任部门：省科技厅、省财政厅", level="province") == [
        ("省科技厅", "lead", "listed_first"), ("省财政厅", "support", "listed")]


def test_lead_phrase_keeps_the_cooperating_unit():
    assert units("由市财政局牵头，市审计局配合，开展绩效评价。", level="city") == [
        ("市财政局", "lead", "explicit"), ("市审计局", "support", "explicit")]
    assert units("由省发展改革委牵头，会同省工信厅、省财政厅等部门研究制定。", level="province") == [
        ("省发展改革委", "lead", "explicit"), ("省工业和信息化厅", "support", "explicit"),
        ("省财政厅", "support", "explicit")]


def test_names_never_keep_etc_and_collectives_are_not_invented():
    found = find_duties(normalize("（财政部等部门负责）"), DutyContext())
    assert [u.name for u in found.units] == ["财政部"]
    found = find_duties(normalize("（各市、县人民政府负责）"), DutyContext(level="province"))
    assert [(u.name, u.collective) for u in found.units] == [("各市、县人民政府", True)]


def test_a_duty_parenthesis_leaves_the_text():
    found = find_duties(normalize("推进工作。（海关总署负责）"), DutyContext())
    assert found.text == "推进工作。" and found.forms == ("paren:responsible",)
    kept = find_duties(normalize("推进。（技工院校内由人力资源社会保障行政部门负责）"), DutyContext())
    # a sentence in brackets is no unit list: it stays in the text, where the prose rules read it
    assert "技工院校内" in kept.text and "paren:responsible" not in kept.forms
    assert [(u.name, u.basis) for u in kept.units] == [("人力资源社会保障行政部门", "listed")]


# ---- property: names are names ---------------------------------------------------------------

NAME_PARTS = st.sampled_from(["财政部", "海关总署", "市科技局", "省教育厅", "各省级人民政府", "有关部门", "郑州",
                              "洛阳", "新乡市人民政府", "县〔区〕人民政府", "发展改革委", "等", "工信部"])
SEPS = st.sampled_from(["、", "，", ",", "；", "等", "和"])
TAILS = st.sampled_from(["负责", "牵头", "参与", "配合", "等负责", "按职责分工负责", "负责落实", "指导"])
LABELS = st.sampled_from(["", "牵头单位：", "配合单位：", "责任单位：", "负责部门："])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(NAME_PARTS, SEPS), min_size=1, max_size=6), TAILS, LABELS,
       st.sampled_from(["national", "province", "city", None]), st.booleans())
def test_no_unit_name_is_empty_or_ends_in_a_role_word(parts, tail, label, level, full_width):
    body = "".join(a + b for a, b in parts).rstrip("、，,；和")
    text = f"推进工作。（{label}{body}{'' if label else tail}）"
    if not full_width:
        text = normalize(text)
    for u in find_duties(normalize(text), DutyContext(level=level)).units:
        assert u.name and u.name.strip() == u.name
        assert not u.name.endswith(("等", "负责", "牵头", "参与", "配合")), u
        assert u.role in ("lead", "support")


def test_a_bare_list_before_the_verb_belongs_to_it():
    assert units("（省发展改革委、省财政厅，各县（市、区）人民政府负责）", level="province") == [
        ("省发展改革委", "support", "listed"), ("省财政厅", "support", "listed"),
        ("各县(市、区)人民政府", "support", "listed")]
    # a bare list with nothing that says what it does is no duty
    assert units("（北京、天津、上海）") == []


# ---- prose: who does what in the sentences of regulations and opinions ----------------------

@pytest.mark.parametrize("text, expected", [
    # subject + 负责 / 承担, one sentence per unit (quoted from eval/corpus/govcn)
    ("国务院专利行政部门负责全国的专利代理管理工作。", [("国务院专利行政部门", "support", "listed")]),
    ("司法部负责组织协调、统筹推进、督促指导本意见贯彻落实工作。各地区、各部门要将落实情况及时报司法部。",
     [("司法部", "support", "listed")]),
    # subject + 会同: the convening unit leads, the others support; "有关方面" names nobody
    ("财政部要会同发展改革委、工业和信息化部、农业农村部、银保监会等部门,加强统筹协调。",
     [("财政部", "lead", "explicit"), ("国家发展改革委", "support", "explicit"),
      ("工业和信息化部", "support", "explicit"), ("农业农村部", "support", "explicit"),
      ("银保监会", "support", "explicit")]),
    ("各级财政部门要会同有关方面研究制定绩效考核办法。", [("各级财政部门", "lead", "explicit")]),
    # 会同 + the units + the task's verb (ours): the list stops where the task begins, and a
    # verb-like word inside a name ("组织部", "联合会") is no cut
    ("省工业和信息化厅要会同省科技厅制定工业互联网平台培育计划。",
     [("省工业和信息化厅", "lead", "explicit"), ("省科技厅", "support", "explicit")]),
    ("财政部会同中央组织部、中华全国妇女联合会组织开展试点。",
     [("财政部", "lead", "explicit"), ("中央组织部", "support", "explicit"),
      ("中华全国妇女联合会", "support", "explicit")]),
    # …and at any of the task's verbs: the unit the task acts on is no part of the list (ours)
    ("省发展改革委会同省财政厅支持省市场监管局开展试点。",
     [("省发展改革委", "lead", "explicit"), ("省财政厅", "support", "explicit")]),
    ("省发展改革委会同省财政厅配合国家部委开展评估。",
     [("省发展改革委", "lead", "explicit"), ("省财政厅", "support", "explicit")]),
    # Y协助X负责… / Y配合X做好… (ours): X, named before the task's verb, leads
    ("省财政厅协助省商务厅负责展会组织。", [("省财政厅", "support", "explicit"), ("省商务厅", "lead", "explicit")]),
    ("省财政厅配合省发展改革委做好资金保障。",
     [("省财政厅", "support", "explicit"), ("省发展改革委", "lead", "explicit")]),
    # X负责，Y配合 (ours): the sentence names both roles, so the unit that 负责 leads
    ("省工业和信息化厅负责,省财政厅配合,长期推进。",
     [("省工业和信息化厅", "lead", "explicit"), ("省财政厅", "support", "explicit")]),
    ("市场监管总局负责组织实施,工业和信息化部、商务部配合做好相关工作。",
     [("市场监管总局", "lead", "explicit"), ("工业和信息化部", "support", "explicit"),
      ("商务部", "support", "explicit")]),
    # 按职责配合 (ours): the scope words before the verb, as before 负责
    ("省交通运输厅牵头负责,省财政厅、省自然资源厅按职责配合。",
     [("省交通运输厅", "lead", "explicit"), ("省财政厅", "support", "explicit"),
      ("省自然资源厅", "support", "explicit")]),
    # 要参与 is a duty (quoted from eval/corpus/govcn); 参与 with no modal is a word of the task
    ("教育行政部门要参与小区配套幼儿园规划、建设、验收、移交等各个环节的工作。",
     [("教育行政部门", "support", "explicit")]),
    ("构建政府性融资担保机构和银行业金融机构共同参与、合理分险的银担合作机制。", []),
    ("鼓励地方政府和参与银担合作的银行业金融机构加大支持。", []),
    # 由X + verb (the agent): the first verb after which the words are unit names
    ("国务院常务会议的组织工作由国务院办公厅负责,文件于会前送达。", [("国务院办公厅", "support", "listed")]),
    ("行政法规的解释工作由国务院法制机构承办。", [("国务院法制机构", "support", "listed")]),
    ("由上海市医药集中招标采购事务管理所承担联合采购办公室日常工作。",
     [("上海市医药集中招标采购事务管理所", "support", "listed")]),
    # 由X商Y: X acts, Y is consulted (quoted from eval/corpus/govcn; before, "X商Y" was one name)
    ("具体办法由国务院专利行政部门商国务院司法行政部门另行制定。",
     [("国务院专利行政部门", "lead", "explicit"), ("国务院司法行政部门", "support", "explicit")]),
    # X是…的主管单位 / 登记管理机关 (quoted; ours): the competent unit; a role word names nobody
    ("国务院办公厅是全国政务新媒体工作的主管单位。主管单位负责推进、指导、协调、监督政务新媒体工作。",
     [("国务院办公厅", "support", "listed")]),
    ("国务院民政部门是全国社会团体的登记管理机关。", [("国务院民政部门", "support", "listed")]),
    ("本单位是该项目的主管单位。", []),  # a word pointing back names nobody
    # 商 inside a name is passed by; the consulted side may be a list (ours)
    ("具体办法由商务部商财政部制定。", [("商务部", "lead", "explicit"), ("财政部", "support", "explicit")]),
    ("由国家发展改革委商财政部、商务部制定。",
     [("国家发展改革委", "lead", "explicit"), ("财政部", "support", "explicit"), ("商务部", "support", "explicit")]),
    ("业务主管单位负责社会团体的日常管理。", []),
    # the office of a working group "设在" its host units (ours)
    ("领导小组办公室设在省发展改革委、省财政厅,承担日常工作。",
     [("省发展改革委", "support", "listed"), ("省财政厅", "support", "listed")]),
    # adverbs and scope words between the units and the verb (ours): "由X具体负责，Y配合" names both
    # roles, as "X负责，Y配合" does; a list "按照职责分工分别负责" is responsible as a whole
    ("此项工作由省人力资源社会保障厅具体负责,省教育厅配合。",
     [("省教育厅", "support", "explicit"), ("省人力资源社会保障厅", "lead", "explicit")]),
    ("该项工作由市商务局主要负责。", [("市商务局", "support", "listed")]),
    ("以上工作由省委宣传部、省网信办按照职责分工分别负责。",
     [("省委宣传部", "support", "listed"), ("省网信办", "support", "listed")]),
    # a closing 参加 supports (ours), as 配合 does; 参加 inside the task does not
    ("省卫生健康委牵头,省医保局、省药监局参加。",
     [("省卫生健康委", "lead", "explicit"), ("省医保局", "support", "explicit"), ("省药监局", "support", "explicit")]),
    ("省医保局参加联席会议。", []),
    ("社会各界广泛参加。", []),
    # 由X牵头，Y按职责分工负责 (ours): Y supports the lead, as after 配合
    ("由省市场监管局牵头,省商务厅、省公安厅等部门按职责分工负责。",
     [("省市场监管局", "lead", "explicit"), ("省商务厅", "support", "explicit"), ("省公安厅", "support", "explicit")]),
    # the role word first, the unit after (ours); a verb before the unit is no part of its name
    ("责任单位为省生态环境厅。", [("省生态环境厅", "support", "listed")]),
    ("明确省科技厅为牵头单位。", [("省科技厅", "lead", "explicit")]),
    # a public body and a modal verb: a task set for it (quoted from eval/corpus/govcn; ours)
    ("司法部要加强对全面推行“三项制度”的指导协调。", [("司法部", "support", "listed")]),
    ("省人民政府教育督导委员会办公室要将实施情况纳入督导评估。",
     [("省人民政府教育督导委员会办公室", "support", "listed")]),
    ("市财政局、市审计局要加强资金监管。", [("市财政局", "support", "listed"), ("市审计局", "support", "listed")]),
    # …but not a regulated party, a class of bodies, a demand on others or a noun after 要
    ("用人单位应当依法缴纳社会保险费。", []),
    ("地方各级人民政府要加强组织领导。", []),
    ("各有关省(市)人民政府应高度重视。", []),
    ("国务院及各部门要加快政府职能转变。", []),
    ("省政府要求各地区抓好落实。", []),
    ("创新创业综合体纳入政府要素公共服务平台建设管理。", []),
    # a supporter stays a supporter; a modal task in another sentence makes nobody lead (review)
    ("省财政厅要配合做好资金保障。", [("省财政厅", "support", "explicit")]),
    ("省科技厅负责项目管理,省财政厅要配合做好资金保障。",
     [("省科技厅", "lead", "explicit"), ("省财政厅", "support", "explicit")]),
    ("省科技厅要加强统筹。省财政厅负责资金保障,省审计厅配合。",
     [("省财政厅", "lead", "explicit"), ("省审计厅", "support", "explicit"), ("省科技厅", "support", "listed")]),
    # modal forms with what follows the modal ("要对", "应在", "应该"), and "要积极配合" (ours)
    ("省财政厅要对资金使用情况加强监督。", [("省财政厅", "support", "listed")]),
    ("省教育厅应在2025年底前完成评估。", [("省教育厅", "support", "listed")]),
    ("省科技厅负责,省财政厅要积极配合。", [("省科技厅", "lead", "explicit"), ("省财政厅", "support", "explicit")]),
    ("行业协会要积极配合政府。", []),  # a kind of body (quoted from eval/corpus/govcn)
    ("省发展改革委要是不同意就退回。", []),
    # words and classes that start like a level, and bodies joined by 和 (review)
    ("市场监督管理部门应当加强监督检查。", []), ("区域医疗中心应当提升能力。", []),
    ("区县政府要落实属地责任。", []), ("省(区、市)人民政府要制定实施方案。", []),
    ("省教育厅和各市教育局要加强督导。", []), ("市卫生健康委应届毕业生招聘工作有序开展。", []),
    ("国务院各部门要依法行政。", []), ("全市各部门要参加培训。", []),
    # a 责任单位 that is a regulated party; places whose names start like a conjunction (review)
    ("学校是学生安全的责任单位。", []), ("医疗机构为医疗废物管理的责任单位。", []),
    ("都江堰市人民政府负责组织实施。", [("都江堰市人民政府", "support", "listed")]),
    ("且末县人民政府负责组织实施。", [("且末县人民政府", "support", "listed")]),
    # a closing 参加 only beside a unit that leads; a meeting's attendance is no duty (review)
    ("邀请省财政厅参加。", []), ("3月10日,省政府召开专题会议,省教育厅、省财政厅参加。", []),
    ("牵头单位为省商务厅,配合单位为省财政厅。", [("省商务厅", "lead", "explicit"), ("省财政厅", "support", "explicit")]),
    ("由省发展改革委牵头,有关部门按照职责分工负责。", [("省发展改革委", "lead", "explicit")]),
    # not duties: people, bare collectives, words that only look like a subject
    ("由国务院分管领导同志协调或审核后提出。", []),
    ("各地区、各部门要高度重视,负责落实。", []),
    ("企业负责人要加强管理。", []),
    # 主要负责人 is a person, not a duty (quoted from eval/corpus/govcn); a clause of the sentence
    # that ends like a unit is no unit ("并指定专门机构具体负责…")
    ("行政执法机关主要负责人是推动落实本机关重大执法决定法制审核制度的第一责任人。", []),
    ("试点地区负总责,并指定专门机构具体负责集约化平台的建设运维工作。", []),
    ("可通过购买服务等方式委托相关机构具体承担政务新媒体日常运维工作。", []),
    ("政府主要负责规划战略、制定政策、依法依规监管。", []),
    # one unit 统筹 or 负总责 (leads), others 具体实施 or 负责 a part (a fifth probe's forms)
    ("由盟财政局统筹,盟农牧局、盟乡村振兴局具体实施。",
     [("盟财政局", "lead", "explicit"), ("盟农牧局", "support", "explicit"), ("盟乡村振兴局", "support", "explicit")]),
    ("由盟农牧局统筹,各旗县(市、区)人民政府具体实施,2025年10月底前完成。",
     [("盟农牧局", "lead", "explicit"), ("各旗县(市、区)人民政府", "support", "explicit")]),
    ("区城市管理局统筹,区住房城乡建委具体实施。",
     [("区城市管理局", "lead", "explicit"), ("区住房城乡建委", "support", "explicit")]),
    ("各设区市人民政府负总责,自治区民政厅负责业务指导。",
     [("各设区市人民政府", "lead", "explicit"), ("自治区民政厅", "support", "listed")]),
    ("各旗县(市、区)人民政府负总责,盟农牧局负责督促指导。",  # a bracket of places inside a name
     [("各旗县(市、区)人民政府", "lead", "explicit"), ("盟农牧局", "support", "listed")]),
    ("省财政厅要统筹安排资金。", [("省财政厅", "support", "listed")]),  # 统筹 a thing: a task, no lead
    ("各参与单位要积极配合,主动对接牵头单位。", []),  # a word for a role
])
def test_prose_duty_forms(text, expected):
    assert units(text, level="province" if "省" in text else "national") == expected


def test_prose_rules_yield_to_a_task_lists_own_duty_line():
    text = "市科技局负责组织实施。(责任单位:市工信局、市财政局)"
    assert [n for n, *_ in units(text, level="city")] == ["市工信局", "市财政局"]


@pytest.mark.parametrize("text, expected", [
    # a lead marked in place inside a labelled list, on a line and in a parenthesis (ours)
    ("推进数据要素市场化配置改革。责任单位:省发展改革委(牵头)、省数据局、省财政厅。",
     [("省发展改革委", "lead", "explicit"), ("省数据局", "support", "listed"), ("省财政厅", "support", "listed")]),
    ("推进数据要素市场化配置改革。(责任单位:省数据局、省发展改革委(牵头单位)、省财政厅)",
     [("省发展改革委", "lead", "explicit"), ("省数据局", "support", "listed"), ("省财政厅", "support", "listed")]),
    # two marks, two leads; a mark after a separator marks nobody
    ("推进改革。责任单位:省发展改革委(牵头)、省财政厅(牵头)、省商务厅。",
     [("省发展改革委", "lead", "explicit"), ("省财政厅", "lead", "explicit"), ("省商务厅", "support", "listed")]),
    ("推进改革。责任单位:省财政厅、(牵头)、省商务厅。",
     [("省财政厅", "lead", "listed_first"), ("省商务厅", "support", "listed")]),
    # without the mark the first listed unit keeps its listed_first lead
    ("推进数据要素市场化配置改革。责任单位:省发展改革委、省数据局。",
     [("省发展改革委", "lead", "listed_first"), ("省数据局", "support", "listed")]),
    # in a parenthesis (a task table's cell), the units after the marked lead support (ours)
    ("推行企业开办。(责任单位:市市场监管局(牵头),市公安局、市税务局)",
     [("市市场监管局", "lead", "explicit"), ("市公安局", "support", "listed"), ("市税务局", "support", "listed")]),
    # "共同牵头" marks every unit since the last comma; the units after it support (ours)
    ("推广信易贷。(责任单位:市发展改革委、人民银行芜湖市分行(共同牵头),市地方金融管理局)",
     [("市发展改革委", "lead", "explicit"), ("人民银行芜湖市分行", "lead", "explicit"),
      ("市地方金融管理局", "support", "listed")]),
    ("推广信易贷。责任单位:市发展改革委、人民银行芜湖市分行(共同牵头),市地方金融管理局。",
     [("市发展改革委", "lead", "explicit"), ("人民银行芜湖市分行", "lead", "explicit"),
      ("市地方金融管理局", "support", "listed")]),
])
def test_a_lead_marked_in_place(text, expected):
    assert units(normalize(text), level="province") == expected


@pytest.mark.parametrize("text, expected", [
    # 【…】 holds a duty as a parenthesis does, its labels parted only by spaces (ours)
    ("加快建设。【牵头:省科技厅　配合:省数据局　时限:2025年10月】",
     [("省科技厅", "lead", "explicit"), ("省数据局", "support", "explicit")]),
    ("落实税收优惠。【省税务局、省工业和信息化厅按职责分工负责】",
     [("省税务局", "support", "listed"), ("省工业和信息化厅", "support", "listed")]),
    # a dash that opens a markdown line is no part of the name (ours)
    ("——省科技厅牵头,省发展改革委、省教育厅配合。",
     [("省科技厅", "lead", "explicit"), ("省发展改革委", "support", "explicit"), ("省教育厅", "support", "explicit")]),
    # "Y等执法部门按职责落实": Y carries out its part; "执法部门" only says what kind Y is (ours)
    ("市司法局牵头,市市场监管局、市生态环境局等执法部门按职责落实。",
     [("市司法局", "lead", "explicit"), ("市市场监管局", "support", "listed"), ("市生态环境局", "support", "listed")]),
    ("(市财政局等市直部门负责)", [("市财政局", "support", "listed")]),
    ("各地要抓好落实。", []),
])
def test_forms_of_provincial_task_lists(text, expected):
    assert units(normalize(text), level="province" if "省" in text else "city") == expected



def test_by_x_convening_y_x_leads_and_y_supports():
    """"由X会同Y组织实施" is "由X商Y制定"'s form: X acts and convenes Y (before, both were listed)."""
    got = units("由市水务局会同市财政局组织实施。", level="city")
    assert [(n, r) for n, r, _ in got] == [("市水务局", "lead"), ("市财政局", "support")]
    got = units("具体办法由省商务厅会同省财政厅、省税务局另行制定。", level="province")
    assert [(n, r) for n, r, _ in got] == [("省商务厅", "lead"), ("省财政厅", "support"), ("省税务局", "support")]
    assert [r for _, r, _ in units("由商务部商财政部制定。")] == ["lead", "support"]


@pytest.mark.parametrize("text, expected", [
    # a regulation's class of bodies: "主管部门" is the name's end, not the verb 主管
    ("国务院住房城乡建设主管部门负责全国城镇排水与污水处理的监督管理工作。",
     [("国务院住房城乡建设主管部门", "support", "listed")]),
    ("县级以上地方人民政府城镇排水主管部门负责本行政区域内城镇排水的监督管理工作。",
     [("县级以上地方人民政府城镇排水主管部门", "support", "listed")]),
    # two departments joined by 和 share the level named before them; "按照各自职责" is a scope
    ("县级以上人民政府生态环境主管部门和水行政主管部门按照各自职责，做好相关工作。",
     [("县级以上人民政府生态环境主管部门", "support", "listed"),
      ("县级以上人民政府水行政主管部门", "support", "listed")]),
    ("设区的市人民政府发展改革部门会同财政部门制定污水处理费标准。",
     [("设区的市人民政府发展改革部门", "lead", "explicit"), ("设区的市人民政府财政部门", "support", "explicit")]),
    ("由县级以上人民政府市场监督管理部门责令改正，给予警告。",
     [("县级以上人民政府市场监督管理部门", "support", "listed")]),
    # a generic tail after 和 is dropped; a class or a word pointing back keeps the item whole
    ("国务院教育行政部门、人力资源社会保障行政部门和其他有关部门在职责范围内，分别负责有关工作。",
     [("国务院教育行政部门", "support", "listed"), ("人力资源社会保障行政部门", "support", "listed")]),
    ("国务院及各部门要加快政府职能转变。", []),
    ("工业和信息化部负责组织实施。", [("工业和信息化部", "support", "listed")]),
    # sectors before "等部门" are their departments
    ("卫生健康、农业农村、生态环境等部门按照各自职责，做好相关管理工作。",
     [("卫生健康部门", "support", "listed"), ("农业农村部门", "support", "listed"), ("生态环境部门", "support", "listed")]),
    # a class of departments with a modal verb has a duty; a class of governments is exhorted
    ("县级市场监督管理部门应当自受理申请之日起10个工作日内作出决定。",
     [("县级市场监督管理部门", "support", "listed")]),
    ("县级以上地方人民政府应当加强对排水工作的领导。", []),
    ("地方各级人民政府要加强领导。", []),
])
def test_classes_of_bodies_in_regulations(text, expected):
    assert units(normalize(text)) == expected


def test_joined_names_share_a_level_only_when_they_name_none():
    from zhengce.index.units import list_names
    assert list_names("县级以上人民政府卫生健康主管部门和市场监督管理部门") == [
        "县级以上人民政府卫生健康主管部门", "县级以上人民政府市场监督管理部门"]
    assert list_names("省财政厅和市税务局") == ["省财政厅", "市税务局"]
    assert list_names("住房和城乡建设部、工业和信息化部") == ["住房和城乡建设部", "工业和信息化部"]


def test_a_class_of_bodies_is_collective():
    from zhengce.index.units import is_collective
    assert is_collective("县级以上地方人民政府城镇排水主管部门") and is_collective("设区的市人民政府财政部门")
    assert not is_collective("国务院住房城乡建设主管部门")


@pytest.mark.parametrize("text, expected", [
    ("(各市(州)发改委负总责)", [("各市(州)发改委", "lead", "explicit")]),
    ("(以工代赈处负责,各市(州)发改委具体实施;10月底前)",
     [("以工代赈处", "support", "listed"), ("各市(州)发改委", "support", "explicit")]),
    ("(自治区大数据发展局统筹,各设区市人民政府具体落实)",
     [("自治区大数据发展局", "lead", "explicit"), ("各设区市人民政府", "support", "explicit")]),
    ("(责任单位:区经济信息委牵头,区规划自然资源局、区商务委配合)",  # the label's body names the role
     [("区经济信息委", "lead", "explicit"), ("区规划自然资源局", "support", "explicit"),
      ("区商务委", "support", "explicit")]),
    ("配合单位:县行政审批局及县直有关单位", [("县行政审批局", "support", "explicit")]),  # a word for others
    ("(以工代赈处会同评督处;2025年第三季度)", [("以工代赈处", "lead", "explicit"), ("评督处", "support", "explicit")]),
])
def test_parenthesis_forms_of_leading_and_carrying_out(text, expected):
    assert units(text, level="province") == expected
