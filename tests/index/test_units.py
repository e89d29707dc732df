from __future__ import annotations

import pytest

from zhengce.index.units import expand_shared_suffix, extract_units, split_list


def names(units):
    return [(u.name, u.role) for u in units]


@pytest.mark.parametrize("body, expected", [
    ("郑州、洛阳、新乡市人民政府", ["郑州市人民政府", "洛阳市人民政府", "新乡市人民政府"]),
    ("郑州、洛阳、新乡国家高新区管委会", ["郑州国家高新区管委会", "洛阳国家高新区管委会", "新乡国家高新区管委会"]),
    ("郑州、平顶山、新乡市人民政府", ["郑州市人民政府", "平顶山市人民政府", "新乡市人民政府"]),
    ("市科协、市财政局", ["市科协", "市财政局"]),
])
def test_shared_suffix_expansion(body, expected):
    assert expand_shared_suffix(split_list(body)) == expected


def test_brackets_are_not_split():
    assert split_list("辐射区、县〔区〕人民政府,省科技厅") == ["辐射区", "县〔区〕人民政府", "省科技厅"]


def test_full_and_half_width_parenthesis_give_same_units():
    half, _ = extract_units("推进工作。(责任单位:市科技局、市财政局)")
    from zhengce.index.cleaning import normalize

    full, text = extract_units(normalize("推进工作。（责任单位：市科技局，市财政局）"))
    assert names(half) == names(full) == [("市科技局", "lead"), ("市财政局", "support")]
    assert text == "推进工作。"


def test_lead_and_support_labels():
    units, _ = extract_units("牵头单位:市科技局;配合单位:市财政局、市教育局")
    assert names(units) == [("市科技局", "lead"), ("市财政局", "support"), ("市教育局", "support")]


def test_lead_phrase_stops_at_first_non_unit():
    units, _ = extract_units("由市科协牵头,会同市委人才办、市财政局,统筹推进各项任务落实。")
    assert names(units) == [("市科协", "lead"), ("市委人才办", "support"), ("市财政局", "support")]


def test_aliases_are_normalized():
    units, _ = extract_units("(责任单位:市发改委、市发展改革委、市科学技术局)")
    assert names(units) == [("市发展改革委", "lead"), ("市科技局", "support")]


def test_alias_profiles_are_editable(tmp_path):
    from zhengce.index.aliases import Aliases

    (tmp_path / "city.tsv").write_text("# comment\n市甲局\t甲局\n", encoding="utf-8")
    units, _ = extract_units("(责任单位:甲局、市乙局)", aliases=Aliases.load(tmp_path), level="city")
    assert names(units) == [("市甲局", "lead"), ("市乙局", "support")]
