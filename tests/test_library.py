"""Many reports: which report answers (place named, year named, neither, HOME_PLACE), a year's
targets against its results, a series over the years with its chart, places compared, the
buttons to other reports, and the index loading only the shards a question needs."""

from __future__ import annotations

import io

import pytest

from bot.answer.crossreport import Fact, verdict
from bot.answer.knowledge_base import ReportInfo
from bot.answer.library import open_library

XIHU_2022 = "2022-nanchang-xihu-government-work-report"


@pytest.mark.parametrize("question, report, expect", [
    ("西湖区去年GDP多少", "2024-nanchang-xihu", "768.35亿元"),  # the place's newest report: 去年 = 2023
    ("西湖区2022年GDP多少", "2023-nanchang-xihu", "727.24亿元"),  # the report reviewing 2022
    ("西湖区2022年GDP增长目标是多少", XIHU_2022, "7%以上"),  # the report planning 2022
    ("西湖2021年地区生产总值", XIHU_2022, "670.68亿元"),  # the short name
    ("东湖区去年GDP多少", "2023-nanchang-donghu", "752.6亿元"),
    ("xihu district gdp in 2022", "2023-nanchang-xihu", "727.24亿元"),  # the place in pinyin
    ("去年GDP多少", "2024-nanchang-xihu", "768.35亿元"),  # no place: the newest report's place
])
def test_a_question_is_routed_by_the_place_and_year_it_names(library, question, report, expect):
    answer = library.ask(question)
    assert answer.report_id == report and expect in answer.answer, answer.answer


def test_home_place_answers_questions_that_name_no_place(series_index):
    home = open_library(series_index, home="东湖区", warm=False)
    answer = home.ask("去年GDP多少")
    assert answer.report_id == "2023-nanchang-donghu" and "752.6亿元" in answer.answer


def test_with_several_reports_the_reply_names_the_report_it_used(library):
    answer = library.ask("西湖区2022年GDP多少")
    assert answer.citation.startswith("摘自:《2023年南昌市西湖区人民政府工作报告》 › ")


def test_a_year_no_report_covers_gets_the_years_held(library):
    answer = library.ask("西湖区2019年GDP多少")
    assert not answer.answered and "2021、2022、2023、2024" in answer.answer


def test_a_place_the_index_does_not_hold_gets_the_places_held(library):
    answer = library.ask("北京市去年GDP多少")
    assert not answer.answered and "西湖区" in answer.answer and "东湖区" in answer.answer


def test_an_answer_offers_the_same_question_for_other_years_and_places(library):
    answer = library.ask("东湖区去年GDP多少")
    labels = [label for label, _ in answer.alternatives]
    assert "2023年西湖区" in labels and len(labels) <= 4
    other = dict((label, rid) for label, rid in answer.alternatives)["2023年西湖区"]
    assert "727.24亿元" in library.ask_in("东湖区去年GDP多少", other).answer


@pytest.mark.parametrize("question, target, result, conclusion", [
    ("西湖区2022年GDP目标完成了吗", "7%以上", "4.7%", "没有完成目标"),
    ("2022年西湖区固定资产投资目标实现了吗", "8.5%左右", "9.1%", "完成了目标"),
    ("去年社零目标完成了吗", "8.5%以上", "9.3%", "完成了目标"),  # 去年 of the newest report: 2023
])
def test_targets_are_set_against_results_from_the_next_report(library, question, target, result, conclusion):
    answer = library.ask(question)
    assert answer.answered and target in answer.answer and result in answer.answer, answer.answer
    assert conclusion in answer.answer
    assert conclusion == "没有完成目标" or "没有完成" not in answer.answer
    assert "《" in answer.citation and ";" in answer.citation  # both reports cited


def _fact(figure: str, unit: str, value: float | None, rate: float | None, qualifier: str = "") -> Fact:
    report = ReportInfo("r", "t", "西湖区", "南昌市", 2023, 2022, 2023, "", "", "", "", "")
    return Fact(report, 2022, "target", figure, unit, value, rate, qualifier, "", "")


@pytest.mark.parametrize("target, result, expected", [
    (_fact("增长7%以上", "%", 7, 7, "以上"), _fact("727亿元,同比增长4.7%", "亿元", 727, 4.7), "not met"),
    (_fact("增长6%左右", "%", 6, 6, "左右"), _fact("增长6.2%", "%", 6.2, 6.2), "met"),
    (_fact("增长6%左右", "%", 6, 6, "左右"), _fact("增长5.8%", "%", 5.8, 5.8), None),  # about 6%: no verdict
    (_fact("4%以内", "%", 4, 4, "以内"), _fact("3.5%", "%", 3.5, 3.5), "met"),  # a ceiling
    (_fact("突破700亿元", "亿元", 700, None, "突破"), _fact("727亿元", "亿元", 727, None), "met"),
    (_fact("突破700亿元", "亿元", 700, None, "突破"), _fact("增长4.7%", "%", 4.7, 4.7), None),  # a total against a rate
    (_fact("1万个", "个", 1, None), _fact("8000人", "人", 8000, None), None),  # other units
])
def test_a_verdict_is_given_only_when_target_and_result_are_plainly_comparable(target, result, expected):
    assert verdict(target, result) == expected


def test_targets_without_an_indicator_give_the_whole_table(library):
    answer = library.ask("西湖区2022年目标完成得怎么样")
    assert answer.answered and len(answer.answer) <= 300
    assert "地区生产总值 目标7%以上,实际4.7% ✗未完成" in answer.answer


def test_the_targets_table_of_a_place_and_year(library):
    from bot.answer.targets import targets_report

    title, rows = targets_report(library, "西湖区", 2023)
    assert title == "西湖区2023年主要目标与完成情况"
    by_name = {r.indicator: r for r in rows}
    assert by_name["地区生产总值"].verdict == "not met" and by_name["社会消费品零售总额"].verdict == "met"


def test_a_series_lists_each_year_from_its_own_report_and_draws_a_chart(library):
    answer = library.ask("西湖区历年GDP")
    for year, value in (("2021年", "670.68亿元"), ("2022年", "727.24亿元"), ("2023年", "768.35亿元")):
        assert f"{year}:{value}" in answer.answer
    assert [p for p in answer.chart["points"]] == [("2021年", 670.68), ("2022年", 727.24), ("2023年", 768.35)]
    from PIL import Image

    from bot.chat.chart import line_chart

    png = line_chart(answer.chart["title"], answer.chart["points"])
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (800, 480)


def test_places_are_compared_in_the_same_year(library):
    answer = library.ask("东湖区和西湖区谁的GDP高")
    assert "东湖区 2022年:752.6亿元" in answer.answer and "西湖区 2022年:727.24亿元" in answer.answer
    assert "东湖区的更大" in answer.answer


def test_only_the_shards_a_question_needs_are_loaded(series_index):
    fresh = open_library(series_index, warm=False)
    assert not fresh._loaded
    fresh.ask("东湖区去年GDP多少")
    assert list(fresh._loaded) == ["2023-nanchang-donghu"]


def test_an_unchanged_report_is_not_parsed_again(series_knowledge, tmp_path):
    from bot.index.indexer import build_index, shard_folder

    db = tmp_path / "index.db"
    first = build_index(series_knowledge, db)
    assert first.parsed == 4
    again = build_index(series_knowledge, db)
    assert again.parsed == 0
    (series_knowledge / "2023-nanchang-donghu.txt").rename(tmp_path / "removed.txt")
    try:
        removed = build_index(series_knowledge, db)
        assert removed.parsed == 0 and removed.reports == 3
        assert len(list(shard_folder(db).glob("*.db"))) == 4  # the previous catalog's shards are kept one build
    finally:
        (tmp_path / "removed.txt").rename(series_knowledge / "2023-nanchang-donghu.txt")


def test_one_side_of_a_pair_is_never_corrected_into_the_other(library):
    # The 2024 report gives 城镇 income only: 农村 is not a typo of 城镇.
    answer = library.ask("2023年西湖区农村居民人均可支配收入多少")
    assert not answer.answered and "56399元" not in answer.answer


@pytest.mark.parametrize("question, report, expect", [
    # The report named by its year; the year asked is the other one.
    ("南昌市西湖区2023年政府工作报告中,2022年地区生产总值是多少?", "2023-nanchang-xihu", "727.24亿元"),
    ("According to its 2023 work report, what were Xihu District's retail sales of consumer goods in 2022?",
     "2023-nanchang-xihu", "417.16亿元"),
])
def test_a_report_named_by_its_year_answers_for_the_year_asked(library, question, report, expect):
    answer = library.ask(question)
    assert answer.answered and answer.report_id == report and expect in answer.answer, answer.answer


@pytest.mark.parametrize("question, expect", [
    ("东湖区2022年装了多少个给电动车充电的桩子?", "410个"),  # 桩子 + 充电 -> 充电桩; 装 is an everyday verb
    ("东湖区2022年新认定的 high-tech enterprises 有多少家?", "47家"),  # 新认定 asks what was added
    ("东湖区2022年 PM2.5 平均浓度多少", "29微克"),  # PM2.5 one name; 微克 a unit
    ("东湖区2022年给困难户一共发了多少救济钱?", "8960万元"),  # 救济 and 救助: one thesaurus class of helping
])
def test_everyday_words_reach_the_report_figure(library, question, expect):
    answer = library.ask(question)
    assert answer.answered and expect in answer.answer, answer.answer


@pytest.mark.parametrize("question", [
    "东湖区2022年PM10浓度是多少",  # the report gives PM2.5 only
    "东湖区2022年常住人口多少",  # 常住 describes 人口 here: it keeps its weight as a word
    "东湖区2022年一般公共预算支出总共多少亿",  # a share of the spending is not the spending
])
def test_look_alike_figures_are_not_given_as_answers(library, question):
    assert not library.ask(question).answered


NEW_TERM = """2023年南京市溧水区政府工作报告

——2023年1月5日在溧水区第三届人民代表大会第一次会议上

各位代表：

一、过去五年工作回顾

五年来，地区生产总值由2017年的820亿元增至2022年的1150亿元，年均增长6.8%。2022年，全区实现地区生产总值1150亿元，增长3.2%。

产业转型步伐加快。五年累计完成固定资产投资2860亿元，新增规模以上工业企业186家，高新技术企业由96家增至412家，建成省级以上研发机构58个。

民生福祉持续增进。五年新建改扩建学校32所，新增学位3.6万个；改造老旧小区126个，加装电梯410部；城镇新增就业累计12.4万人，城乡低保标准提高到每人每月1000元。

二、今后五年的目标任务

今后五年的主要目标是：地区生产总值年均增长6%以上，到2027年突破1500亿元，城乡居民收入与经济增长同步，高新技术企业达到800家，建成区绿化覆盖率达到42%以上。

三、2023年工作安排

今年经济社会发展的主要预期目标是：地区生产总值增长6%左右；一般公共预算收入增长5%；城镇新增就业2.5万人。

全年实施重点项目120个，完成投资310亿元；新建改扩建学校6所，新增学位5400个；改造老旧小区28个。
"""


@pytest.mark.parametrize("question, expect", [
    ("到2027年溧水区地区生产总值的目标是多少", "1500亿元"),  # a year of the new term's goals
    ("溧水区到2027年GDP要达到多少", "1500亿元"),  # the amount in the piece after the growth rate
    ("溧水区2018年到2022年地区生产总值年均增长多少", "6.8%"),  # a span of the five years reviewed
])
def test_the_years_a_new_terms_report_covers_are_its_own(tmp_path, question, expect):
    from tests.conftest import library_of_one_report

    library = library_of_one_report(tmp_path, "2023-lishui.txt", NEW_TERM)
    assert library.reports["2023-lishui"].target_years == [2024, 2025, 2026, 2027]
    answer = library.ask(question)
    assert answer.answered and expect in answer.answer, answer.answer
    # One year of the five alone is given no figure of its own.
    assert not library.ask("溧水区2020年地区生产总值是多少").answered
