"""Explicit, tested repairs of the spots the web page garbled, and flags for the ones no rule can mend.

Each rule names the damage it undoes. A spot no rule can mend unambiguously is left as
published and flagged, so it never becomes a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Fix:
    original: str
    replacement: str | None
    reason: str


def _valid_month_day(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


# 2022211日: the page dropped 年 and 月 between year, month and day.
_YEAR_DATE = re.compile(r"(?<![\d.])(20\d\d)(\d{2,3})日")
# 51日前: 月 dropped between month and day; preceded by neither a digit nor 月.
_MONTH_DATE = re.compile(r"(?<![\d.月])(\d{2,3})日")
# 8.6%8.42%: the separator between two percentages was lost.
_GLUED_PERCENT = re.compile(r"(\d+(?:\.\d+)?%)(?=\d)")
# 16.85%平台扩容升级。 : the full stop before the next lead phrase was lost. What may follow a
# percentage in running text is a short, closed list.
_PERCENT_FOLLOWERS = ("以上", "以下", "以内", "左右", "的", "和", "及", "与", "或", "至", "、", ",", "。", ";", ")", "”", ":", "!", "?",
                      # '由2019年的54%提高到72%': a change from one percentage to another.
                      "提高", "提升", "增长", "增加", "增至", "上升", "升至", "下降", "降至", "降低", "减少", "回落",
                      "扩大", "缩小", "达到", "分别", "之间", "上下")
_PERCENT_THEN_HAN = re.compile(r"(\d+(?:\.\d+)?%)(?=[\u4e00-\u9fff])")
# 239291人: reports write counts of 100,000 and more with 万 or 亿; a bare six-digit count is two
# numbers whose separator (起, 、) was lost.
_BARE_BIG_COUNT = re.compile(r"(?<![\d.])(\d{6,})(?=[人个件家户起次名项])")


def _split_month_day(digits: str) -> list[tuple[int, int]]:
    return [(int(digits[:i]), int(digits[i:])) for i in range(1, len(digits))
            if _valid_month_day(int(digits[:i]), int(digits[i:])) and not digits[i:].startswith("0")]


def repair(text: str) -> tuple[str, list[Fix]]:
    """Return the text with unambiguous damage undone, and every fix or flag made."""
    fixes: list[Fix] = []

    def year_date(m: re.Match) -> str:
        options = _split_month_day(m.group(2))
        if len(options) == 1:
            month, day = options[0]
            new = f"{m.group(1)}年{month}月{day}日"
            fixes.append(Fix(m.group(0), new, "年月 lost between year, month and day"))
            return new
        fixes.append(Fix(m.group(0), None, "date with 年月 lost; more than one reading"))
        return m.group(0)

    def month_date(m: re.Match) -> str:
        digits = m.group(1)
        options = _split_month_day(digits)
        as_day = int(digits) <= 31
        if len(options) == 1 and not as_day:
            month, day = options[0]
            new = f"{month}月{day}日"
            fixes.append(Fix(m.group(0), new, "月 lost between month and day"))
            return new
        if options:
            fixes.append(Fix(m.group(0), None, "day without month; 月 may have been lost"))
        return m.group(0)

    def percent_then_han(m: re.Match) -> str:
        rest = text_now[m.end():]
        if rest.startswith(_PERCENT_FOLLOWERS):
            return m.group(0)
        fixes.append(Fix(m.group(0) + rest[:6], m.group(1) + "。" + rest[:6], "full stop lost after a percentage"))
        return m.group(1) + "。"

    def bare_count(m: re.Match) -> str:
        fixes.append(Fix(m.group(0), None, "six-digit bare count: a separator between two numbers was lost"))
        return m.group(0)

    text = _YEAR_DATE.sub(year_date, text)
    text = _MONTH_DATE.sub(month_date, text)
    new = _GLUED_PERCENT.sub(lambda m: m.group(1) + "、", text)
    for original in _GLUED_PERCENT.finditer(text):
        fixes.append(Fix(original.group(0), original.group(1) + "、", "separator lost between two percentages"))
    text = new
    # The substitution callback needs the text it is walking through.
    text_now = text
    text = _PERCENT_THEN_HAN.sub(percent_then_han, text)
    _BARE_BIG_COUNT.sub(bare_count, text)
    return text, fixes


def flagged_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the text that must not become figures (flagged, unrepaired damage)."""
    spans = [m.span(1) for m in _BARE_BIG_COUNT.finditer(text)]
    spans += [m.span() for m in _MONTH_DATE.finditer(text) if _split_month_day(m.group(1))]
    return spans
