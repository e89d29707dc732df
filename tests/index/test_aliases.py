"""Alias profiles per level: one canonical name per jurisdiction, surface form kept."""

from __future__ import annotations

import pytest

from zhengce.index.aliases import Aliases, canonical
from zhengce.index.cleaning import normalize
from zhengce.index.duty import DutyContext, find_duties


def test_one_short_name_two_jurisdictions():
    a = Aliases.default()
    assert a.canonical("发展改革委", "national") == "国家发展改革委"
    assert a.canonical("发展改革委", "city") == "市发展改革委"
    assert a.canonical("发改委", "province") == "省发展改革委"


@pytest.mark.parametrize("short, full", [("工信部", "工业和信息化部"), ("人社部", "人力资源社会保障部"),
                                         ("住建部", "住房城乡建设部"), ("国家税务总局", "税务总局")])
def test_national_short_and_full_names(short, full):
    assert Aliases.default().canonical(short, "national") == full
    assert Aliases.default().canonical(short, "city") == full  # a ministry stays the ministry


def test_unknown_level_maps_only_unambiguous_names():
    assert canonical("市发改委") == "市发展改革委"
    assert canonical("发展改革委") == "发展改革委"  # national or local: not guessed


def test_save_and_load_round_trip(tmp_path):
    a = Aliases.default()
    a.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["city.tsv", "national.tsv", "province.tsv"]
    assert Aliases.load(tmp_path) == a
    (tmp_path / "city.tsv").write_text("市乙局\t乙局\n", encoding="utf-8")
    assert Aliases.load(tmp_path).canonical("乙局", "city") == "市乙局"


def test_bad_profiles_are_refused(tmp_path):
    (tmp_path / "city.tsv").write_text("市甲局\t甲局等\n", encoding="utf-8")
    with pytest.raises(ValueError, match="city.tsv:1"):
        Aliases.load(tmp_path)
    with pytest.raises(FileNotFoundError):
        Aliases.load(tmp_path / "missing")
    with pytest.raises(ValueError, match="unknown alias level"):
        Aliases({"galaxy": []})


def test_units_keep_their_surface_form():
    found = find_duties(normalize("（发展改革委、市财政局负责）"), DutyContext(level="city"))
    assert [(u.name, u.written) for u in found.units] == [("市发展改革委", "发展改革委"), ("市财政局", "市财政局")]
    d = found.units[0].to_dict()
    assert d["surface"] == "发展改革委" and d["basis"] == "listed" and d["collective"] is False


def test_level_free_spellings_only_where_one_unit_answers():
    from zhengce.index.aliases import level_free

    spellings = {"市科技局": "市科技局", "市科学技术局": "市科技局", "省科技厅": "省科技厅",
                 "省发展改革委": "省发展改革委", "市发展改革委": "市发展改革委", "市委人才办": "市委人才办",
                 "科协": "中国科协", "市科协": "市科协", "郑州市人民政府": "郑州市人民政府"}
    short = level_free(spellings)
    assert short["科技局"] == "市科技局" and short["科学技术局"] == "市科技局" and short["科技厅"] == "省科技厅"
    assert short["人才办"] == "市委人才办"   # a party office without 市委
    assert "发展改革委" not in short        # 省 and 市 both answer: no short form
    assert "科协" not in short              # already a spelling of another unit: kept as it was
    assert "州市人民政府" not in short      # a place name is no level
    # 市场, 省级, a list of levels: words and classes, not a level before a unit
    words = level_free({"市场监管总局": "市场监管总局", "省级高新区管委会": "省级高新区管委会",
                        "省、自治区、直辖市人民政府": "省、自治区、直辖市人民政府", "县区人民政府": "县区人民政府"})
    assert words == {}


@pytest.mark.parametrize("name, level, expected", [
    ("自治区人社厅", "province", "自治区人力资源社会保障厅"),  # spelled as a province's department
    ("自治区发改委", None, "自治区发展改革委"),
    ("盟发改委", "city", "盟发展改革委"),  # a league's, as a city's
    ("县发改委", "county", "县发展改革委"),  # a county's, as a city's
    ("区发展和改革委员会", None, "区发展改革委"),
    ("区域发展局", None, "区域发展局"),  # a name no profile knows passes as written
    ("自治区大数据发展局", "province", "自治区大数据发展局"),
])
def test_units_under_another_prefix_take_the_profile_spelling(name, level, expected):
    assert Aliases.default().canonical(name, level) == expected
