"""Every fixture report of tests/fixtures/corpus parses by its own structure: metadata, parts and
chapters, every note linked with no marker left, and headline figures with the right year and
kind. The fixtures cover the forms (text in UTF-8/UTF-16/GB18030, HTML, PDF, DOCX) and layouts
real reports use; see tests/fixtures/make_fixtures.py for the PDF and DOCX."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.parse.figures import extract_figures
from bot.sources import read_document
from bot.parse.structure import parse_document

CORPUS = Path(__file__).parent / "fixtures" / "corpus"

# file: (form, title, place, parent, level, year, review_years, speaker, meeting_date, draft)
METADATA = {
    "2021-etuokeqianqi.txt": ("text", "2021年鄂托克前旗政府工作报告", "鄂托克前旗", "鄂尔多斯市", "county", 2021, [2020], "其其格", "2021-01-12", False),
    "2022-enshi.html": ("html", "2022年恩施州政府工作报告", "恩施土家族苗族自治州", "湖北省", "city", 2022, list(range(2017, 2022)), "刘芳震", "2022-01-10", False),
    "2022-guangxi.txt": ("text", "2022年广西壮族自治区政府工作报告", "广西壮族自治区", "", "province", 2022, [2021], "蓝天立", "2022-01-17", True),
    "2023-guowuyuan.txt": ("text", "2023年国务院政府工作报告", "全国", "", "national", 2023, list(range(2018, 2023)), "李克强", "2023-03-05", False),
    "2023-jiujiang.pdf": ("pdf", "2023年九江市政府工作报告", "九江市", "江西省", "city", 2023, [2022], "陈和民", "2023-01-10", False),
    "2023-nanchang-donghu.txt": ("text", "2023年东湖区政府工作报告", "东湖区", "南昌市", "county", 2023, [2022], "胡俊峰", "2023-01-06", False),
    "2023-nanchang-xihu.txt": ("text", "2023年南昌市西湖区人民政府工作报告", "西湖区", "南昌市", "county", 2023, [2022], "陶亿国", "2023-01-05", False),
    "2024-anji.docx": ("docx", "2024年安吉县政府工作报告", "安吉县", "湖州市", "county", 2024, [2023], "沈铭权", "", False),
    "2024-nanchang-xihu.txt": ("text", "2024年西湖区政府工作报告", "西湖区", "南昌市", "county", 2024, [2023], "李慧", "2024-01-09", False),
}

# file: {part heading: number of chapters}
PARTS = {
    "2021-etuokeqianqi.txt": {"2020年工作回顾": 6, "2021年工作任务": 6},
    "2022-enshi.html": {"一、2021年和过去五年工作回顾": 6, "二、2022年重点工作": 6},
    "2022-guangxi.txt": {"一、2021年工作回顾": 7, "二、2022年主要任务": 6, "三、加强政府自身建设": 0},
    "2023-guowuyuan.txt": {"一、过去一年和五年工作回顾": 0, "二、对今年政府工作的建议": 10, "三、加强政府自身建设": 0},
    "2023-jiujiang.pdf": {"一、2022年工作回顾": 5, "二、2023年重点工作": 5},
    "2023-nanchang-donghu.txt": {"一、2022年工作回顾": 4, "二、2023年工作安排": 5, "三、全面加强政府自身建设": 0},
    "2023-nanchang-xihu.txt": {"一、2022年工作回顾": 5, "二、2023年工作安排": 6},
    "2024-anji.docx": {"一、2023年工作回顾": 6, "二、2024年目标任务": 7},
    "2024-nanchang-xihu.txt": {"2023年工作回顾": 6, "2024年工作任务": 6},
}

# file: the notes' short forms in order (marker styles: 〔1〕, [1], 【1】, ①, (注1), spaced superscripts)
NOTES = {
    "2022-enshi.html": ["四上", "硒+", "两山", "三线一单", "一网通办", "双减"],
    "2022-guangxi.txt": ["三企入桂", "工业振兴特派员", "RCEP", "桂惠贷", "强首府", "双碳"],
    "2023-jiujiang.pdf": ["项目大会战", "专精特新", "四上", "亩均论英雄", "15分钟便民生活圈", "双一号工程"],
    "2023-nanchang-donghu.txt": ["四上", "一老一小", "一刻钟便民生活圈", "亩均论英雄", "赣服通", "五型"],
    "2023-nanchang-xihu.txt": ["十大专项行动", "一刻钟便民生活圈", "首店经济", "双一号工程"],
    "2024-anji.docx": ["竹林碳汇", "以竹代塑", "千万工程", "未来乡村", "村庄经营"],
}

# file: (the reviewed year's GDP as written, the plan's GDP growth target as written)
HEADLINE = {
    "2021-etuokeqianqi.txt": ("176.4亿元", "6%"),
    "2022-enshi.html": ("1302.3亿元", "9%"),
    "2022-guangxi.txt": ("2.47万亿元", "6.5%"),
    "2023-guowuyuan.txt": ("121万亿元", "5%"),
    "2023-jiujiang.pdf": ("4026.6亿元", "7%"),
    "2023-nanchang-donghu.txt": ("752.6亿元", "6.5%"),
    "2023-nanchang-xihu.txt": ("727.24亿元", "6.5%"),
    "2024-anji.docx": ("615.1亿元", "6.5%"),
    "2024-nanchang-xihu.txt": ("768.35亿元", "6%"),
}


@pytest.fixture(scope="module", params=sorted(METADATA))
def parsed(request):
    name = request.param
    doc = read_document(CORPUS / name)
    return name, doc, parse_document(doc, Path(name).stem)


def test_each_fixture_form_is_read_by_its_reader(parsed):
    name, doc, _report = parsed
    assert doc.form == METADATA[name][0]


def test_metadata_is_read_from_the_report_itself(parsed):
    name, _doc, report = parsed
    m = report.meta
    _form, title, place, parent, level, year, reviewed, speaker, date, draft = METADATA[name]
    assert (m.title, m.district, m.city, m.level) == (title, place, parent, level)
    assert (m.year, m.plan_year, m.review_years, m.review_year) == (year, year, reviewed, reviewed[-1])
    assert (m.speaker, m.meeting_date, m.draft) == (speaker, date, draft)
    assert "人民代表大会" in m.meeting


def test_parts_and_chapters_follow_the_report(parsed):
    name, _doc, report = parsed
    chapters: dict[str, list[str]] = {}
    for p in report.paragraphs:
        if p.role in ("review", "plan"):
            chapters.setdefault(p.part, [])
            head = p.chapter.split(" › ")[0]
            if head and head not in chapters[p.part]:
                chapters[p.part].append(head)
    assert {part: len(c) for part, c in chapters.items()} == PARTS[name]
    assert report.paragraphs[0].role == "intro"
    assert not any("各位代表" in p.chapter for p in report.paragraphs)


def test_every_note_is_linked_and_no_marker_is_left(parsed):
    name, _doc, report = parsed
    assert [n.forms[-1] for n in report.notes] == NOTES.get(name, [])
    assert sorted(u.number for u in report.note_uses) == [n.number for n in report.notes]
    text = "".join(s.text for p in report.paragraphs for s in p.sentences)
    assert not re.search(r"〔\d+〕|【\d+】|\[\d+\]|[(（]注\d+[)）]", text)
    for use in report.note_uses:
        sentence = report.paragraphs[use.paragraph].sentences[use.sentence].text
        assert use.form in sentence
        assert not re.search(re.escape(use.form) + r"”? ?\d+(?![\d.%个家座条人处件项万亿元])", sentence), sentence


def test_headline_figures_have_the_right_year_and_kind(parsed):
    name, _doc, report = parsed
    achieved, target = HEADLINE[name]
    review = [f for p in report.paragraphs if p.role == "review" for s in p.sentences for c in s.clauses
              if "生产总值" in c for f in extract_figures(c)]
    plan = [f for p in report.paragraphs if p.role == "plan" for s in p.sentences for c in s.clauses
            if "生产总值" in c for f in extract_figures(c)]
    assert achieved in {f.value + f.unit for f in review}
    assert target in {f.value + f.unit for f in plan}
    assert achieved not in {f.value + f.unit for f in plan}


def test_no_page_furniture_reaches_the_text(parsed):
    _name, _doc, report = parsed
    text = "".join(p.text for p in report.paragraphs)
    for furniture in ("分享到", "字体", "打印", "关闭", "网站标识码", "ICP备", "索引号", "您现在所在的位置", "— 1 —", "主办单位"):
        assert furniture not in text


def test_help_examples_come_from_each_report_and_are_answered(tmp_path):
    """/start and /help show questions built from the report's own figures and notes, and the
    bot answers each of them."""
    import shutil

    from bot.index.indexer import build_index
    from bot.answer.library import open_library

    for name in sorted(METADATA):
        folder = tmp_path / Path(name).stem
        folder.mkdir()
        shutil.copy(CORPUS / name, folder)
        build_index(folder, folder / "index.db")
        answerer = open_library(folder / "index.db", warm=False)
        examples = answerer.examples()
        assert len(examples) >= 2, (name, examples)
        for question in examples:
            assert answerer.ask(question).answered, (name, question, answerer.ask(question).answer)
