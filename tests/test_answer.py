"""Behaviours of the answering core, each pinned by a question of its kind."""

import json
import shutil
import subprocess
import sys

import pytest

from bot.index.indexer import build_index
from bot.answer.library import open_library
from tests.conftest import SECOND_REPORT


def test_figure_question_gets_the_figure_first_with_its_growth_and_rank(answerer):
    a = answerer.ask("2021年西湖区地区生产总值是多少?")
    assert a.answered and a.kind == "figure"
    assert a.answer.startswith("2021年:") and "670.68亿元" in a.answer and "同比增长10%" in a.answer
    assert a.citation == "摘自:2021年工作回顾 › (一)稳增长扩总量 › 经济指标提速进位首位度提升"


@pytest.mark.parametrize("question, expect, absent", [
    ("2021年新增城镇就业多少人?", "7024人", "6800人"),
    ("今年城镇新增就业的目标是多少人?", "6800人", "7024人"),
    ("去年电子商务交易额突破了多少?", "650亿元", "700亿元"),
    ("2022年电商交易额力争突破多少?", "700亿元", "650亿元"),
])
def test_the_same_indicator_asked_for_each_year_gives_that_years_figure(answerer, question, expect, absent):
    a = answerer.ask(question)
    assert expect in a.answer and absent not in a.answer


def test_an_indicator_asked_without_a_year_gives_both_years_labelled(answerer):
    a = answerer.ask("新增城镇就业多少人")
    assert "2021年:" in a.answer and "7024人" in a.answer
    assert "2022年计划:" in a.answer and "6800人" in a.answer


@pytest.mark.parametrize("question, expect", [
    ("胡子工程是什么意思?", "进度缓慢"),
    ("胡子工成是啥", "进度缓慢"),  # typo
    ("「雙減」是什麼意思?", "作業負擔"),  # Traditional in, Traditional out
    ("what does 双减 mean", "作业负担"),
    ("“四上”企业是哪几种企业的统称?", "限额以上批零住餐企业"),
])
def test_glossary_questions_get_the_notes_definition(answerer, question, expect):
    a = answerer.ask(question)
    assert a.answered and a.kind == "glossary" and expect in a.answer
    assert a.citation.startswith(("摘自:报告注释", "摘自:報告註釋"))


def test_a_traditional_question_is_answered_in_traditional(answerer):
    a = answerer.ask("今年計劃改造幾個老舊小區?")
    assert a.traditional and "49個老舊小區" in a.answer and "摘自:2022年工作任務" in a.citation


@pytest.mark.parametrize("question", [
    "北京市2021年GDP是多少?",  # another place
    "杭州市西湖区去年GDP多少?",  # a place the report names, without that figure
    "青山湖区老旧小区改造了多少个",  # another district, not a misspelling of 西湖区
    "西湖区今年财政支出多少",  # 支出, not the 收入 the report gives
    "2023年西湖区GDP增长目标是多少?",  # a year the report does not cover
    "明天南昌天气怎么样?",
    "推荐几只股票",
    "吴齐美术馆总投资多少",  # named in the report, but no such number
    "2021年西湖区空气优良率是多少?",  # only the 2022 target exists
    "asdkjh qwe 蓝色的星期二",
])
def test_questions_the_report_does_not_answer_get_a_polite_not_found(answerer, question):
    a = answerer.ask(question)
    assert not a.answered and a.kind == "none"
    assert "报告中没有找到" in a.answer or a.answer.startswith("没有找到确切的答案;最相关的是:")


@pytest.mark.parametrize("greeting", ["你好", "谢谢!", "hello", "在吗?", "/help"])
def test_greetings_and_thanks_get_help_not_a_search(answerer, greeting):
    a = answerer.ask(greeting)
    assert a.kind == "help" and not a.answered and "胡子工程是什么意思" in a.answer


def test_a_list_question_gets_the_whole_list(answerer):
    a = answerer.ask("企业培育三大行动是什么?")
    assert all(x in a.answer for x in ("个转企", "小升规", "企上市"))


def test_answers_never_exceed_300_characters_and_sources_follow(answerer):
    a = answerer.ask("今年要制定的六大产业规划是哪六个?")
    assert len(a.answer) <= 300 and a.sources and all(s.section for s in a.sources)


def test_aliases_are_data_a_person_extends_without_code(knowledge_copy, tmp_path):
    db = tmp_path / "index.db"
    build_index(knowledge_copy, db)
    before = open_library(db).ask("去年洗街排第几")
    with open(knowledge_copy / "aliases.txt", "a", encoding="utf-8") as fh:
        fh.write("\n马路本色 = 洗街\n")
    build_index(knowledge_copy, db)
    after = open_library(db).ask("去年洗街排第几")
    assert not before.answered
    assert after.answered and "马路本色" in after.answer


def test_a_question_naming_another_reports_district_is_answered_from_that_report(knowledge_copy, tmp_path):
    shutil.copy(SECOND_REPORT, knowledge_copy)
    db = tmp_path / "two.db"
    build_index(knowledge_copy, db)
    answerer = open_library(db)
    named = answerer.ask("青山区2020年GDP多少")
    assert "321.5亿元" in named.answer and "《2021年测试市青山区人民政府工作报告》" in named.citation
    default = answerer.ask("去年GDP多少")
    assert "670.68亿元" in default.answer  # no district named: the newest report


def test_ask_json_reads_stdin_and_prints_one_object_a_line(index_path):
    lines = ["去年GDP多少", "", "胡子工程是什么意思", "明天天气"]
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--db", str(index_path)],
                          input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["question"] for o in out] == lines
    assert [o["answered"] for o in out] == [True, False, True, False]
    assert {"answered", "kind", "answer", "sources", "ms"} <= set(out[0])
    assert out[0]["kind"] == "figure" and out[2]["kind"] == "glossary" and out[3]["kind"] == "none"


@pytest.mark.parametrize("question, expect", [
    ("电动车充电的棚子今年搭几个?", "161个充电棚"),  # a compound built from the question's parts
    ("去年换了多长的电缆", "电缆3667米"),  # 多长 asks for a length; it is not a topic
    ("What does 'beard project' mean?", "进度缓慢"),  # English composed from the term's parts
    ("What is Xihu planning for old residential compounds this year?", "49个老旧小区"),
])
def test_questions_in_peoples_own_words_are_answered(answerer, question, expect):
    a = answerer.ask(question)
    assert a.answered and expect in a.answer, a.answer


@pytest.mark.parametrize("question", [
    "去年抓了多少个黑车",  # 黑车 is not 扫黑
    "去年交通事故死了多少人?",  # 事故 is said in the report; its thesaurus neighbour 问题 does not say it
    "今年新开几所大学?",  # an everyday verb weighs less, but 大学 must still be named
    "区里一共有多少个停车位?",  # the report gives the new ones, not the total
    "区政府办公地址在哪?",
    "今年要抓多少个电诈嫌疑人",  # a note names them, with no number
])
def test_questions_that_only_share_words_with_the_report_are_not_answered(answerer, question):
    assert not answerer.ask(question).answered


def test_the_grey_zone_shows_the_closest_passage_and_is_still_no_answer(answerer):
    a = answerer.ask("去年旧楼装了几台电梯是真的吗,后来又装了多少")
    if a.answer.startswith("没有找到确切的答案;最相关的是:"):
        assert not a.answered and a.citation.startswith("摘自:") and a.to_json()["answered"] is False
    grey = answerer.ask("西湖区今年财政支出多少")
    assert not grey.answered
    assert grey.answer.startswith("没有找到确切的答案;最相关的是:") or "报告中没有找到" in grey.answer


@pytest.mark.parametrize("question, kind", [
    ("How many kilometres of water supply pipes were built in 2021?", "length"),
    ("How many square metres of old compounds were renovated?", "area"),
    ("What share of days had good air quality?", "percent"),
    ("How many people found new jobs in 2021?", "people"),
    ("What was the per capita disposable income of urban residents?", "money"),
    ("How many new energy vehicles were produced?", "辆"),  # the thing counted says its measure word
    ("How many households benefited from the renovation?", "户"),
])
def test_an_english_question_asks_for_the_kind_of_number_its_unit_names(question, kind):
    from bot.answer.query import expected_units

    assert kind in expected_units(question.lower())


@pytest.mark.parametrize("question", [
    "How many new teachers did Tianyuan District recruit in 2022?",  # a place name ending in 'yuan'
    "今年要多出多少个上学名额",  # 名额 is a number of places, not an amount (额) of money
])
def test_words_that_only_look_like_money_do_not_ask_for_money(question):
    from bot.answer.query import expected_units

    assert "money" not in expected_units(question.lower())


@pytest.mark.parametrize("question, person", [
    ("区长今年多少岁", True),  # a person's age: no report gives it
    ("这里的人平均能活到多少岁", False),  # life expectancy: an age asked of everyone
    ("人均预期寿命多少岁", False),
])
def test_an_age_asked_of_everyone_is_not_a_question_about_a_person(answerer, question, person):
    from bot.answer.query import understand

    kb = answerer.answerer(answerer.home_report.id).kb
    assert understand(kb, question).asks_person is person


@pytest.mark.parametrize("question, gathered", [
    # An English alias said in other words and order is read as said.
    ("how much foreign capital did xihu actually utilize in 2021?", "actually utilized foreign capital"),
    # One said word for word is not taken apart by a longer one of the same words.
    ("how many new urban jobs were created in 2021?", None),
])
def test_an_english_alias_said_in_other_words_is_gathered(answerer, question, gathered):
    from bot.answer.query import _gather_english_aliases

    rewritten = _gather_english_aliases(answerer.answerer(answerer.home_report.id).kb, question)
    assert (gathered in rewritten) if gathered else rewritten == question


def test_an_english_question_in_its_own_word_order_is_answered(answerer):
    answer = answerer.ask("How much foreign capital did Xihu actually utilize in 2021?")
    assert answer.answered and "3.91亿美元" in answer.answer
