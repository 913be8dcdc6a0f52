"""Every quantity in the report as a row: value, unit, the indicator it measures, its growth and
rank, and whether it was achieved (the year reviewed) or is a target (the year planned)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parse.repairs import flagged_spans

# Longest units first, so 万平方米 wins over 米 and 亿美元 over 元.
UNITS = sorted(
    """亿美元 万美元 美元 亿元 万元 元 万平方米 平方公里 平方米 公里 万米 米 万株 株 万户 户 万人次 人次 万人 人
    万剂次 剂次 万件 件 万次 次 万个 个 家 场 处 栋 盏 台 套 所 亩 条 辆 名 起 项 宗 批 座 间 张 户 期 天 年 分 倍 位
    公顷 吨 万吨 千米 幢 列 万亩 千瓦 万千瓦 千瓦时 万千瓦时 亿千瓦时 立方米 万立方米 亿立方米 万辆 标箱 万标箱 艘 头 只
    万头 万只 头只 万头只 趟 微克/立方米 微克 毫克 公斤 千克 岁 小时 分钟 万度 度 管 对 个工作日 工作日 个月 部 兆瓦 兆瓦时 吉瓦 种 类""".split(),
    key=len, reverse=True,
)
_NUM = r"\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?"
FIGURE = re.compile(
    rf"(?P<pre>超过|超|突破|达到|达|近|约|不少于|不低于|累计)?"
    rf"(?P<num>{_NUM})\s?(?P<approx>余|多)?(?P<mult>万|亿)?(?P<approx2>余|多)?"
    rf"(?P<unit>%|{'|'.join(UNITS)})(?P<post>以上|左右|以内|以下)?"
)
_GROWTH = re.compile(r"(同比|比上年|较上年)?(增长|下降|提高|减少|增加|回落|上升)$")
_RANK = re.compile(r"(?:(?:总量|增幅|增速|排名|位居|位列|列)?(?:全国|全省|全市)(?:县\([^)]*\))?(?:第[一二三四五六七八九十\d]+|首位|前列|领先|领跑|率先))")
_TARGET_WORDS = ("力争", "确保", "计划", "目标", "预期", "争取", "要", "将", "加快", "完成")
_LEADING_VERBS = re.compile(r"^(?:其中|全年|年内|共|累计|实现|完成|达到|达|突破|超过|超|约|分别|力争|确保|全力|并|为|已|计划|新增加|增加)+")
_CLAUSE_BREAK = re.compile(r"[,;:。、]")


@dataclass
class Figure:
    value: str  # as written: '670.68', '1-2'
    number: float  # in the unit's own scale, with 万/亿 applied: 67068000000.0 for 670.68亿元
    unit: str  # '亿元', '%', '个'
    indicator: str  # '地区生产总值'
    measure: str  # 'amount' | 'growth' | 'share' | 'rate'
    qualifier: str  # 以上, 左右, 超, 突破, 余 ...
    growth: str  # '同比增长10%' for an amount followed by its growth
    rank: str  # '总量全省县(市区)第四'
    text: str  # the figure as written: '670.68亿元'
    clause: str  # the clause it comes from


def _indicator_before(clause: str, start: int) -> str:
    """The words naming what the number measures: from the last break up to the number."""
    head = clause[:start]
    cut = max((m.end() for m in _CLAUSE_BREAK.finditer(head)), default=0)
    words = head[cut:]
    growth = _GROWTH.search(words)
    if growth:
        words = words[: growth.start()]
    words = re.sub(r"(分别|均|为|是|到|至|达|提高到|增长到|完成|实现|达到|突破|超过)+$", "", words)
    return words


def _number(value: str, mult: str | None) -> float:
    base = float(value.split("-")[0])
    return base * {"万": 1e4, "亿": 1e8}.get(mult or "", 1)


def _rank_after(clause: str, end: int, next_start: int) -> str:
    """Rank phrases between this figure and the next one: '总量全省县(市区)第四,增幅全市第二'."""
    return ",".join(m.group(0) for m in _RANK.finditer(clause[end:next_start]))


def _respectively(clause: str, figures: list[Figure]) -> None:
    """'A、B、C…分别提高到1、2、3' and '同比分别增长8.6%、8.42%': pair names or growths with values in order."""
    head, sep, _ = clause.partition("分别")
    if not sep:
        return
    tail_figs = [f for f in figures if clause.find(f.text) > len(head)]
    earlier = [f for f in figures if f not in tail_figs and f.measure == "amount"]
    growths = [f for f in tail_figs if f.measure == "growth"]
    if growths and len(growths) == len(earlier):
        words = clause[head.rfind(",") + 1: clause.find(growths[0].text, len(head))].replace("分别", "")
        for amount, growth in zip(earlier, growths):
            amount.growth = words + growth.text
            growth.indicator = amount.indicator
        return
    names = head[max(head.rfind(","), head.rfind(";")) + 1:].split("、")
    if len(names) == len(tail_figs) > 1:
        for name, figure in zip(names, tail_figs):
            figure.indicator = _clean_indicator(name)


def _clean_indicator(words: str) -> str:
    words = re.sub(r"\([^)]*\)", "", words)
    return _LEADING_VERBS.sub("", words).strip("“”() ")


def extract_figures(clause: str) -> list[Figure]:
    """The figures of one clause (a sentence cut at ';'), in order."""
    flagged = flagged_spans(clause)
    matches = []
    for m in FIGURE.finditer(clause):
        start, end = m.span("num")
        if any(a < end and start < b for a, b in flagged):
            continue
        if start > 0 and (clause[start - 1].isdigit() or clause[start - 1] in ".-"):
            continue
        after = clause[m.end():]
        # '500万元以上固定资产投资': a number inside the name of an indicator, not a figure.
        if m.group("post") == "以上" and re.match(r"[\u4e00-\u9fff]", after[:1]):
            continue
        # 2021年, 14年之久: years and durations are not indicators.
        if m.group("unit") == "年" or (m.group("unit") in ("天", "分") and re.match(r"之久|前|后", after)):
            continue
        matches.append(m)
    figures: list[Figure] = []
    for i, m in enumerate(matches):
        unit = (m.group("mult") or "") + m.group("unit")
        qualifier = "".join(x for x in (m.group("pre"), m.group("approx"), m.group("approx2"), m.group("post")) if x)
        head = clause[: m.start()]
        growth_word = _GROWTH.search(head[-8:]) if unit == "%" else None
        measure = ("growth" if growth_word else
                   "share" if unit == "%" and re.search(r"占|比重", head[-12:]) else
                   "rate" if unit == "%" else "amount")
        if head.endswith("、") and figures and unit == figures[-1].unit:
            measure = figures[-1].measure  # '增长8.6%、8.42%': a list keeps its first item's measure
        indicator = _clean_indicator(_indicator_before(clause, m.start()))
        next_start = matches[i + 1].start() if i + 1 < len(matches) else len(clause)
        figure = Figure(
            value=m.group("num"), number=_number(m.group("num"), m.group("mult")), unit=unit,
            indicator=indicator, measure=measure, qualifier=qualifier, growth="",
            rank=_rank_after(clause, m.end(), next_start), text=m.group(0), clause=clause,
        )
        previous = figures[-1] if figures else None
        if measure == "growth" and previous and not indicator and previous.measure == "amount" and not previous.growth:
            # '地区生产总值670.68亿元,同比增长10%': the growth is the amount's, not a figure of its own.
            previous.growth = clause[head.rfind(",") + 1: m.end()]
            previous.rank = ",".join(x for x in (previous.rank, figure.rank) if x)
            continue
        figures.append(figure)
    _respectively(clause, figures)
    return figures

