import sqlite3

import pytest

from bot.parse.figures import extract_figures


@pytest.fixture(scope="module")
def figures(index_path):
    conn = sqlite3.connect(index_path)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("select * from figures")]
    conn.close()
    return rows


def _find(figures, indicator, figure):
    return [f for f in figures if f["indicator"] == indicator and f["figure"] == figure]


@pytest.mark.parametrize("indicator, figure, growth, rank", [
    ("地区生产总值", "670.68亿元", "同比增长10%", "总量全省县(市区)第四,增幅全市第二"),
    ("财政总收入", "118.4亿元", "同比增长12.8%", "总量全省第二"),
    ("地方一般公共预算收入", "21.5亿元", "同比增长23.5%", "增幅全省第一"),
    ("社会消费品零售总额", "396.3亿元", "同比增长19.5%", "总量全省第一"),
    ("规上服务业营业收入", "274.8亿元", "同比增长17.6%", "总量全省第一"),
    ("实际利用外资", "3.91亿美元", "同比增长8.6%", ""),
    ("实际利用内资", "52.78亿元", "同比增长8.42%", ""),
])
def test_headline_2021_figures_with_growth_and_rank(figures, indicator, figure, growth, rank):
    [row] = _find(figures, indicator, figure)
    assert (row["year"], row["kind"], row["growth"]) == (2021, "achieved", growth)
    assert rank in row["rank"]


def test_growth_only_indicator_keeps_its_name_with_the_number_in_it(figures):
    [row] = _find(figures, "500万元以上固定资产投资", "13.7%")
    assert (row["measure"], row["rank"], row["year"]) == ("growth", "增幅全市第五", 2021)
    assert not _find(figures, "", "500万元以上")


@pytest.mark.parametrize("indicator, figure, qualifier", [
    ("地区生产总值", "7%以上", "以上"),
    ("地方一般公共预算收入", "5%左右", "左右"),
    ("500万元以上固定资产投资", "8.5%左右", "左右"),
    ("社会消费品零售总额", "10%以上", "以上"),
    ("实际利用外资", "6.5%左右", "左右"),
    ("实际利用内资", "7.5%左右", "左右"),
    ("城镇居民人均可支配收入", "7.5%左右", "左右"),
])
def test_the_seven_2022_expected_targets(figures, indicator, figure, qualifier):
    [row] = _find(figures, indicator, figure)
    assert (row["year"], row["kind"], row["measure"], row["qualifier"]) == (2022, "target", "growth", qualifier)
    assert "预期目标" in row["section"]


def test_2022_plan_figures_are_targets_and_2021_review_figures_are_achieved(figures):
    assert {f["kind"] for f in figures if f["year"] == 2022} == {"target"}
    assert {f["kind"] for f in figures if f["year"] == 2021} == {"achieved"}
    assert _find(figures, "企业获得银行授信", "超300亿元")[0]["year"] == 2022
    assert _find(figures, "帮助企业获得银行授信", "253亿元")[0]["year"] == 2021


@pytest.mark.parametrize("bad_value", ["239291", "2022211", "27", "8.68"])
def test_no_figure_comes_from_a_garbled_spot(figures, bad_value):
    assert bad_value not in {f["value"] for f in figures}
    assert not any(f["figure"].startswith("8.6%8") or "日" in f["figure"] for f in figures)


def test_respectively_pairs_names_with_values():
    rows = extract_figures("低保、特困人员、孤儿每月基本生活保障分别提高到795元、1035元、1280元,困难群众基本生活水平全面提升。")
    assert [(f.indicator, f.text) for f in rows] == [("低保", "795元"), ("特困人员", "1035元"), ("孤儿每月基本生活保障", "1280元")]


@pytest.mark.parametrize("clause, texts", [
    ("为农民工和劳动者追回拖欠工资900余万元。", ["900余万元"]),
    ("全年计划增加学位1530个、园位720个、托位 260个。", ["1530个", "720个", "260个"]),
    ("妥善解决持续14年之久的景田大厦办证难题", []),
    ("2021年工作回顾", []),
])
def test_extract_figures_reads_quantities_as_written(clause, texts):
    assert [f.text for f in extract_figures(clause)] == texts
