"""Where a notice applies (index/places.py): level and place from the issuer, 文号 and title."""

from __future__ import annotations

import pytest

from zhengce.index.places import jurisdiction


@pytest.mark.parametrize(("issuer", "expected"), [
    ("某某市人民政府办公室", ("city", "某某")),
    ("某某县人民政府办公室", ("county", "某某")),
    ("某某省发展和改革委员会", ("province", "某某")),
    # a party body's 中共 is no part of the place; a district named inside its city is a county
    ("中共某某市某某区委办公室", ("county", "某某")),
    ("某某市某某县人民政府", ("county", "某某")),
    # an autonomous area without the peoples it names
    ("广西壮族自治区人民政府办公厅", ("province", "广西")),
    ("宁夏回族自治区人民政府", ("province", "宁夏")),
    ("某某土家族苗族自治州人民政府", ("city", "某某")),
    # a 盟 is prefecture level, like a city
    ("某某盟行政公署办公室", ("city", "某某")),
    # a ministry, also its office, and national bodies whose names hold 市 or 区 further in
    ("某某部办公厅", ("national", None)),
    ("财政部", ("national", None)),
    ("国家市场监督管理总局", ("national", None)),
    ("国务院办公厅", ("national", None)),
])
def test_level_and_place_of_an_issuer(issuer, expected):
    assert jurisdiction({"issuer": issuer}) == expected


def test_a_departments_name_is_no_second_place():
    for issuer in ("某某市城市管理局", "某某市市场监督管理局", "某某市高新区管委会"):
        assert jurisdiction({"issuer": issuer}) == ("city", "某某"), issuer


def test_joint_issuers_the_first_decides_and_the_title_without_an_issuer():
    assert jurisdiction({"issuer": "中共某某县委办公室、某某县人民政府办公室"}) == ("county", "某某")
    assert jurisdiction({"title": "某某省人民政府关于某事的通知"}) == ("province", "某某")
    assert jurisdiction({"doc_number": "国办发〔2019〕5号"}) == ("national", None)
