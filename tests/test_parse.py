import re

import pytest

from bot.errors import NotAReportError
from bot.parse.structure import parse_report


def test_metadata_is_read_from_the_page_and_the_opening(report):
    m = report.meta
    assert (m.title, m.city, m.district) == ("2022年南昌市西湖区人民政府工作报告", "南昌市", "西湖区")
    assert (m.year, m.review_year, m.plan_year) == (2022, 2021, 2022)
    assert (m.speaker, m.speaker_title) == ("陶亿国", "西湖区人民政府区长")
    # The page splits the meeting line in two ('…人民代表大会' / '第二次会议上'): joined.
    assert m.meeting == "西湖区第十七届人民代表大会第二次会议"
    assert m.meeting_date == "2022-02-11"  # from the garbled '2022211日', by the tested rule
    assert (m.published, m.publisher, m.index_no) == ("2022-02-16", "西湖区政府办公室", "A25010--2022-0033")


def test_page_furniture_is_dropped(report):
    text = "".join(p.text for p in report.paragraphs)
    for furniture in ("分享到", "浏览量", "字体", "关联稿件", "手机扫码浏览", "索引号", "您现在所在的位置"):
        assert furniture not in text


# The published review has four chapters ((一)-(四)), the plan five ((一)-(五)).
@pytest.mark.parametrize("part, role, count", [("2021年工作回顾", "review", 4), ("2022年工作任务", "plan", 5)])
def test_each_part_has_its_chapters_in_order(report, part, role, count):
    chapters = []
    for p in report.paragraphs:
        if p.part == part and p.chapter and p.chapter not in chapters:
            chapters.append(p.chapter)
    assert [c[:3] for c in chapters] == ["(一)", "(二)", "(三)", "(四)", "(五)"][:count]
    assert all(p.role in (role, "closing") for p in report.paragraphs if p.part == part)


def test_lead_phrases_open_topics(report):
    topics = {p.topic for p in report.paragraphs}
    assert {"经济指标提速进位首位度提升", "项目招引提质扩量", "坚持规划引导作用,强化产业布局"} <= topics
    subtopics = {s for p in report.paragraphs for s in p.subtopics}
    assert {"富裕度提质", "引的力度更大", "推的速度更快", "平台扩容升级"} <= subtopics


def test_fourteen_notes_with_term_and_definition(report):
    assert [n.number for n in report.notes] == list(range(1, 15))
    first = report.notes[0]
    assert first.forms == ["胡子工程"]
    assert first.definition.startswith("是指进度缓慢")
    assert "大承诺、大容缺、大模拟" in report.notes[7].forms


def test_every_note_is_linked_to_the_sentence_that_cites_it(report):
    uses = {u.number: u for u in report.note_uses}
    assert sorted(uses) == list(range(1, 15))
    for note in report.notes:
        use = uses[note.number]
        sentence = report.paragraphs[use.paragraph].sentences[use.sentence].text
        assert use.form in sentence and use.form in note.forms


@pytest.mark.parametrize("marker", ["“胡子工程”1", "行动2", "“双减”工作3", "建设工程4", "目标5", "“零基预算”6",
                                    "“一枢纽四中心”7", "超简审批8", "走廊”9", "“四上”10", "平台11", "“双十佳”12",
                                    "“十步法”13", "目标14"])
def test_no_footnote_marker_is_left_in_passage_text(report, marker):
    text = "".join(s.text for p in report.paragraphs for s in p.sentences)
    assert marker not in text


@pytest.mark.parametrize("genuine", ["遴选12 件", "“四上”企业(个体户)总量突破1800家", "全省第一", "10%", "“双十佳”企业和乡镇"])
def test_genuine_numbers_beside_terms_are_untouched(report, genuine):
    text = "".join(s.text for p in report.paragraphs for s in p.sentences)
    assert genuine in text


def test_sentences_are_cut_into_clauses_at_semicolons(report):
    sentence = next(s for p in report.paragraphs for s in p.sentences if s.text.startswith("实现地区生产总值670.68亿元"))
    assert sentence.clauses[0] == "实现地区生产总值670.68亿元,同比增长10%,总量全省县(市区)第四,增幅全市第二;"
    assert len(sentence.clauses) == 6


def test_the_expected_targets_list_is_one_paragraph(report):
    paragraph = next(p for p in report.paragraphs if p.text.startswith("今年经济社会发展的主要预期目标是"))
    assert len(paragraph.sentences[0].clauses) == 7  # the announcement with the first target, then six more


def test_a_short_text_is_refused_as_too_short():
    with pytest.raises(NotAReportError, match="x.txt: only 13 Chinese characters, too short"):
        parse_report("这是一篇普通的文章。\n没有标题。", "x", "x.txt")


def test_a_text_in_another_language_is_refused_as_not_chinese():
    with pytest.raises(NotAReportError, match="x.txt: not Chinese text"):
        parse_report("This is the annual report of a company. " * 40, "x", "x.txt")


NEWS = "今天上午,市区天气晴好,公园里游人如织,孩子们在草地上放风筝,老人们在树荫下下棋聊天。" * 8


def test_a_long_chinese_text_with_no_title_parts_or_address_is_not_a_report():
    with pytest.raises(NotAReportError, match="x.txt: no part like '2021年工作回顾'.*is this a government work report"):
        parse_report(NEWS, "x", "x.txt")


def test_a_speech_with_a_title_but_no_parts_is_kept_with_a_warning():
    report = parse_report("2022年某某区人民政府工作报告\n各位代表:\n" + NEWS, "x", "x.txt")
    assert any("no review or plan part" in w for w in report.meta.warnings)


def test_garbled_spots_are_recorded_as_anomalies(report):
    flagged = {a.original for a in report.anomalies if a.replacement is None}
    repaired = {a.original: a.replacement for a in report.anomalies if a.replacement}
    assert {"27日", "239291"} <= flagged
    assert repaired["2022211日"] == "2022年2月11日"
    assert repaired["51日"] == "5月1日"
    assert not re.search(r"8\.6%8\.42%", "".join(p.text for p in report.paragraphs))


NUMBERED_LIST = """2023年青溪县政府工作报告

各位代表：

一、2022年工作回顾

过去一年，全县地区生产总值增长6.1%，一般公共预算收入完成24.1亿元，城乡居民收入稳步增长，各项社会事业全面进步。
我们坚持项目为王，全年实施重点项目86个，完成投资132亿元，招引亿元以上产业项目21个，为高质量发展积蓄了后劲。

二、2023年工作安排

（一）持续增进民生福祉

1.办好教育。
持续办好为民办实事。坚持尽力而为、量力而行，今年集中财力办好以下三件为民办实事：
1.新建改扩建学校和幼儿园8所，新增学位6300个；
2.新建社区老年食堂12个，为高龄、独居老年人提供助餐服务；
3.提质改造农村公路35公里。
"""


def test_numbered_list_items_are_paragraphs_read_under_their_announcement():
    report = parse_report(NUMBERED_LIST, "2023-qingxi", "2023-qingxi.txt")
    by_text = {p.text: p for p in report.paragraphs}
    # '1.办好教育。' heads what follows; '1.新建…8所…;' is an item, its figures kept.
    assert "1.办好教育。" not in by_text
    items = [p for p in report.paragraphs if p.text[:2] in ("1.", "2.", "3.")]
    assert [p.text.split(",")[0] for p in items] == ["1.新建改扩建学校和幼儿园8所", "2.新建社区老年食堂12个", "3.提质改造农村公路35公里。"]
    assert all(p.topic == "坚持尽力而为、量力而行,今年集中财力办好以下三件为民办实事:" for p in items)


def test_a_title_line_over_a_numbered_list_announces_it():
    text = NUMBERED_LIST.replace("今年集中财力办好以下三件为民办实事：", "今年集中财力办好三件为民办实事。\n2023年为民办实事项目\n")
    report = parse_report(text, "2023-qingxi", "2023-qingxi.txt")
    items = [p for p in report.paragraphs if p.text[:2] in ("1.", "2.", "3.")]
    # '2023年为民办实事项目' has no colon: a line of its own before '1.' is the list's title.
    assert len(items) == 3 and all(p.topic == "2023年为民办实事项目:" for p in items)


def test_an_announcement_naming_its_list_may_carry_a_number():
    text = NUMBERED_LIST.replace("今年集中财力办好以下三件为民办实事：", "今年集中财力办好三件为民办实事，安排实事资金18.6亿元：")
    report = parse_report(text, "2023-qingxi", "2023-qingxi.txt")
    items = [p for p in report.paragraphs if p.text[:2] in ("1.", "2.", "3.")]
    assert len(items) == 3 and all(p.topic == "坚持尽力而为、量力而行,今年集中财力办好三件为民办实事,安排实事资金18.6亿元:" for p in items)


@pytest.mark.parametrize("norm, found", [
    ("城镇和农村居民人均可支配收入分别达到88216元和53407元", " 城镇居民人均可支配收入 农村居民人均可支配收入"),
    ("城乡居民人均可支配收入分别增长5%和7%", " 城镇居民人均可支配收入 农村居民人均可支配收入"),
    ("城乡居民收入稳步增长", ""),  # one figure for both: no sides
    ("中小学和幼儿园9所", ""),  # not a pair of sides
])
def test_a_head_shared_by_a_pair_of_sides_is_spelled_out_for_each(norm, found):
    from bot.answer.knowledge_base import spelled_out

    assert spelled_out(norm) == found


@pytest.mark.parametrize("text, published", [
    ("新增学位6300个,筹建8000套(间);完成1,234.5亿元", "新增学位6300个，筹建8000套（间）；完成1,234.5亿元"),
    ("2023年:(一)坚持", "2023年：（一）坚持"),
    ("上午10:30召开", "上午10:30召开"),  # a time, not a colon of the text
])
def test_full_width_punctuation_is_put_back_where_it_stands_in_chinese(text, published):
    from bot.language.normalize import as_published

    assert as_published(text) == published


def test_a_report_written_with_full_width_punctuation_is_marked_so(report):
    # The shipped report is written with ASCII commas; most are not.
    assert report.meta.punctuation == ""
    full = parse_report(NUMBERED_LIST, "2023-qingxi", "2023-qingxi.txt")
    assert full.meta.punctuation == "fullwidth"


@pytest.mark.parametrize("part, period", [
    ("二、今后五年的奋斗目标", "2022—2026年目标"),  # the goals of the new term, not of the year
    ("三、2022年工作安排", ""),
])
def test_a_five_year_plan_part_covers_five_years(part, period):
    from types import SimpleNamespace

    from bot.index.shard import plan_period

    assert plan_period(part, SimpleNamespace(plan_year=2022)) == period


@pytest.mark.parametrize("marker, note_mark", [("[注1]", "[注1]"), ("〔注1〕", "〔注1〕"), ("【注 1】", "【注1】")])
def test_a_bracketed_marker_may_say_注_before_its_number(marker, note_mark):
    text = NUMBERED_LIST.replace("招引亿元以上产业项目21个", f"招引“链主”企业{marker}21个") \
        + f"\n注释\n{note_mark}“链主”企业：在产业链中居于核心地位、带动上下游的龙头企业。\n"
    report = parse_report(text, "2023-qingxi", "2023-qingxi.txt")
    assert [n.term for n in report.notes] == ["“链主”企业"]
    assert report.note_uses and "注" not in "".join(p.text for p in report.paragraphs if "链主" in p.text)


def test_targets_numbered_like_chapters_are_items_of_the_list_not_chapters():
    # '（一）地区生产总值增长6%左右；' under '…主要预期目标是：' is a target, though it is numbered as chapters are.
    text = NUMBERED_LIST.replace("（一）持续增进民生福祉\n", "今年经济社会发展的主要预期目标是：\n（一）地区生产总值增长6%左右；\n"
                                 "（二）一般公共预算收入增长5%左右；\n（三）全面完成节能减排目标任务。\n围绕上述目标，重点抓好以下工作：\n"
                                 "（一）持续增进民生福祉\n")
    report = parse_report(text, "2023-qingxi", "2023-qingxi.txt")
    targets = next(p for p in report.paragraphs if p.text.startswith("今年经济社会发展的主要预期目标是"))
    assert "地区生产总值增长6%左右" in targets.text and "一般公共预算收入增长5%左右" in targets.text
    assert "全面完成节能减排目标任务" in targets.text and targets.role == "plan"
    assert [p.chapter for p in report.paragraphs if p.text.startswith("1.新建改扩建")] == ["(一)持续增进民生福祉 › 1.办好教育。"]


def test_a_star_after_a_term_is_its_note_marker():
    text = NUMBERED_LIST.replace("招引亿元以上产业项目21个", "建立重点产业链链长制*，招引“链主*”企业21个") \
        + "\n名词解释\n1.链长制：由区级领导担任链长、统筹一条产业链的工作机制。\n2.链主：在产业链中居于核心地位的龙头企业。\n"
    report = parse_report(text, "2023-qingxi", "2023-qingxi.txt")
    assert [u.number for u in report.note_uses] == [1, 2]
    assert not any("notes not found" in w for w in report.meta.warnings)
    assert "*" not in "".join(p.text for p in report.paragraphs)


@pytest.mark.parametrize("headline", ["正式发布！2023年青溪县政府工作报告（全文）", "重磅|2023年青溪县政府工作报告全文"])
def test_a_news_sites_headline_around_the_title_is_left_out(headline):
    report = parse_report(NUMBERED_LIST.replace("2023年青溪县政府工作报告", headline, 1), "2023-qingxi", "2023-qingxi.txt")
    assert report.meta.title == "2023年青溪县政府工作报告"
