"""Phrase patterns in aliases.txt ('学位 = 上学|读书…名额|位子'): the parts of what people say,
in order and a few characters apart ('孩子读书的位子'), stand for the report's word. They are
checked when read and when taught from the chat, and a word-for-word alias still wins.

The report below is written for these tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.admin import Admin, AdminError
from bot.knowledge.curated import parse_aliases
from bot.errors import KnowledgeError
from bot.index.indexer import build_index
from bot.answer.library import open_library
from bot.answer.query import _apply_phrases

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

REPORT = """2024年青溪县政府工作报告

——2024年1月10日在青溪县第九届人民代表大会第三次会议上

青溪县人民政府县长 周明

各位代表：

现在，我代表县人民政府，向大会作工作报告，请予审议。

一、2023年工作回顾

过去一年，面对复杂严峻的外部环境，我们坚持稳中求进，全县经济社会保持平稳健康发展。全年实现地区生产总值318.6亿元，增长6.2%；一般公共预算收入24.1亿元，增长5.8%。

教育更加均衡。新建改扩建学校4所，新增学位2600个。

养老服务更加完善。新建老年食堂18个，设置助餐点40个。

城市更有温度。新建口袋公园12个，城市绿道21公里。

二、2024年工作安排

今年是实施“十四五”规划承上启下的关键一年。全县经济社会发展的主要预期目标是：地区生产总值增长6%左右，城乡居民收入增长与经济增长基本同步。

新建公共停车位3000个，改造提升农贸市场5个，持续办好群众身边的民生实事。
"""

PATTERNS = """学位 = 上学|读书…名额|位子
老年食堂 = 给老人吃饭
助餐点 = 老人…吃饭
口袋公园 = 巴掌大|街边…公园
绿道 = 散步|骑车…道|小道
优良天数 = 空气好…日子
泊位 = 停车的地方, 停车…地儿
停车位 = 停车的地方
"""


def _library(tmp_path: Path, aliases: str):
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "2024-qingxi.txt").write_text(REPORT, encoding="utf-8")
    (folder / "aliases.txt").write_text(aliases, encoding="utf-8")
    build_index(folder, folder / "index.db")
    return open_library(folder / "index.db", cache_size=0)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return _library(tmp_path_factory.mktemp("patterns"), PATTERNS)


@pytest.fixture(scope="module")
def kb(library):
    return library.answerer(library.home_report.id).kb


def test_a_pattern_is_read_with_its_parts_and_a_broken_one_names_its_line():
    [alias] = parse_aliases("学位 = 上学|读书…名额|位子\n")
    assert (alias.canonical, alias.alias) == ("学位", "上学|读书...名额|位子")
    with pytest.raises(KnowledgeError, match="aliases.txt, line 2: a phrase pattern needs two or more parts"):
        parse_aliases("# 说法\n学位 = 上学…\n")


@pytest.mark.parametrize("question, expected", [
    ("去年读书的位子多了几个", "2600个"),  # the parts split by 的
    ("去年多出多少上学名额", "2600个"),  # said together
    ("去年修了多少公里能骑车的小道", "21公里"),
    ("去年新建了几个街边的小公园", "12个"),
])
def test_the_parts_said_apart_answer_with_the_report_word(library, question, expected):
    answer = library.ask(question)
    assert answer.answered and expected in answer.answer


def test_without_the_pattern_the_same_question_is_not_answered(tmp_path):
    library = _library(tmp_path, "")
    assert "2600个" not in library.ask("去年读书的位子多了几个").answer


@pytest.mark.parametrize("text", [
    "位子读书",  # the parts out of order
    "读书学习的这些年里一直都很好的位子",  # too far apart (more than PHRASE_GAP_CHARS between)
    "读书。位子",  # across a sentence's end
    "空气好的日子",  # the report never says 优良天数: the person's own words stay
])
def test_a_pattern_is_not_applied_out_of_order_too_far_or_for_a_word_the_report_lacks(kb, text):
    assert _apply_phrases(kb, text) == text


def test_what_stands_between_the_parts_stays_in_the_question(kb):
    assert _apply_phrases(kb, "孩子读书多少个位子") == "孩子多少个学位"
    # A space is where the question named its place or '多长': no end of a clause.
    assert _apply_phrases(kb, "乡下读书 的位子") == "乡下 的学位"


def test_a_part_said_again_is_the_same_phrase(kb):
    assert _apply_phrases(kb, "散步骑车的小道") == "的绿道"  # 骑车 between 散步 and 小道 is no more
    assert _apply_phrases(kb, "读书的位子名额") == "的学位"  # the last part again, a little further on


def test_a_pattern_for_a_word_the_report_lacks_reads_its_kin(library):
    # 泊位 and 停车位 share a saying (停车的地方): the report writes 停车位, the pattern names 泊位.
    answer = library.ask("今年要新建多少个停车的地儿")
    assert answer.answered and "3000个" in answer.answer, answer.answer


def test_a_word_for_word_alias_reaching_past_the_match_wins(kb):
    # 老人…吃饭 would make it 助餐点; '给老人吃饭' is said word for word for 老年食堂.
    assert _apply_phrases(kb, "给老人吃饭的地方") == "给老人吃饭的地方"
    assert _apply_phrases(kb, "老人去吃饭") == "去助餐点"


def test_a_pattern_taught_from_the_chat_is_checked_and_takes_effect(tmp_path):
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    build_index(folder, tmp_path / "index.db")
    admin = Admin(folder, tmp_path / "index.db", tmp_path / "stats.db")
    with pytest.raises(AdminError, match="句式"):
        admin.add_alias("学位 = 上学|…位子", 3)
    question = "今年念书的座儿要多出几个"
    assert "1530个" not in admin.add_alias("园位 = 托儿所…座儿", 3).library.ask(question).answer
    assert "1530个" in admin.add_alias("学位 = 念书…座儿", 3).library.ask(question).answer
