import pytest

from bot.parse.figures import extract_figures
from bot.parse.repairs import repair


@pytest.mark.parametrize("garbled, repaired", [
    ("——2022211日在西湖区", "——2022年2月11日在西湖区"),  # 年月 lost; 21月 is impossible, so one reading
    ("力争今年51日前正式开街", "力争今年5月1日前正式开街"),  # 51日 is no day: 5月1日
    ("同比分别增长8.6%8.42%,增幅", "同比分别增长8.6%、8.42%,增幅"),  # two percentages glued
    ("同比增长16.85%平台扩容升级。", "同比增长16.85%。平台扩容升级。"),  # full stop lost before a lead phrase
])
def test_repair_undoes_damage_that_has_one_reading(garbled, repaired):
    text, fixes = repair(garbled)
    assert text == repaired
    assert fixes and all(f.replacement for f in fixes)


@pytest.mark.parametrize("garbled", ["截止至27日,连续722天", "共查处作风问题239291人。"])
def test_repair_flags_damage_with_more_than_one_reading_and_leaves_it(garbled):
    text, fixes = repair(garbled)
    assert text == garbled
    assert [f.replacement for f in fixes] == [None]


@pytest.mark.parametrize("clean", [
    "地区生产总值增长7%以上;", "增长7.5%左右", "遴选12 件提请", "2月11日", "整改结案率达99.96%。", "全市第一",
    "市场占有率由2019年的54%提高到72%,", "比重由31%下降到27%",
])
def test_repair_leaves_clean_text_alone(clean):
    assert repair(clean) == (clean, [])


@pytest.mark.parametrize("clause, not_a_value", [
    ("共查处作风问题239291人。", "239291"),
    ("截止至27日,连续722天无新增本地确诊病例。", "27"),
])
def test_flagged_spots_never_become_figures(clause, not_a_value):
    assert not_a_value not in [f.value for f in extract_figures(clause)]
