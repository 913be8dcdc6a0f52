"""Which report answers a question, when the index holds many: the place it names (or the home
place), and the year it names (the year a report plans, or the year it reviews).

Pure functions over the catalog's report list; nothing is loaded from disk here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.answer.knowledge_base import ReportInfo
from bot.answer.query import report_named, routing_names

_YEAR = re.compile(r"(20\d\d)\s*年?")
_WANTS_PLAN = re.compile(r"目标|计划|预期|力争|打算|安排|准备|将要|要做|任务|target|goal|plan")
_RELATIVE = (("前年", -1), ("去年", 0), ("上年", 0), ("上一年", 0), ("last year", 0), ("今年", 1), ("本年", 1),
             ("this year", 1))


def place_key(report: ReportInfo) -> str:
    """One key per place: 南昌市西湖区, 九江市, 全国."""
    return (report.city or "") + report.district if report.district else report.id


def place_label(report: ReportInfo) -> str:
    """How a reply names the place: 西湖区, 九江市, 全国."""
    return report.district or report.title


@dataclass
class Route:
    reports: list[ReportInfo]  # the report(s) to answer from, best first
    places: list[str] = field(default_factory=list)  # place keys the question names, in the order named
    year: int | None = None  # the year the question means, when it says one
    missing_year: bool = False  # it names a year no report of the place covers
    years: list[int] = field(default_factory=list)  # every year written out ('2022年和2023年…各是多少')


def name_table(reports: list[ReportInfo]) -> dict[str, set[str]]:
    """Every routing name -> the place keys it names (looked up by the question's substrings,
    so routing costs the same with one report or a thousand)."""
    table: dict[str, set[str]] = {}
    for r in reports:
        for name in routing_names(r):
            table.setdefault(name, set()).add(place_key(r))
    return table


_LONGEST_NAME = 24


def named_places(reports: list[ReportInfo], text: str, table: dict[str, set[str]] | None = None) -> list[str]:
    """Place keys whose names occur in the text, in order of appearance; a name inside a longer
    name of another place ('西湖' in '东西湖区') does not count."""
    table = table if table is not None else name_table(reports)
    spans: dict[str, tuple[int, int]] = {}
    for at in range(len(text)):
        for end in range(min(len(text), at + _LONGEST_NAME), at + 1, -1):
            for key in table.get(text[at:end], ()):
                if key not in spans or end - at > spans[key][1] - spans[key][0]:
                    spans[key] = (at, end)
    kept = [k for k, (a, b) in spans.items()
            if not any(o != k and oa <= a and b <= ob and (ob - oa) > (b - a) for o, (oa, ob) in spans.items())]
    return sorted(kept, key=lambda k: spans[k][0])


def by_place(reports: list[ReportInfo]) -> dict[str, list[ReportInfo]]:
    """Reports grouped by place, each group oldest first."""
    groups: dict[str, list[ReportInfo]] = {}
    for r in sorted(reports, key=lambda r: (r.year, r.id)):
        groups.setdefault(place_key(r), []).append(r)
    return groups


def home_place(reports: list[ReportInfo], setting: str | None) -> str:
    """HOME_PLACE when it names a place the index holds; otherwise the newest report's place."""
    if setting:
        wanted = setting.strip().lower()
        for r in sorted(reports, key=lambda r: (-r.year, r.id)):
            if wanted in (n.lower() for n in routing_names(r)) or wanted in (place_key(r), r.district):
                return place_key(r)
    newest = max(reports, key=lambda r: (r.year, r.id))
    return place_key(newest)


def question_year(text: str, newest: ReportInfo) -> int | None:
    """The year a question names: written out, or relative to the place's newest report
    (今年 = the year it plans, 去年 = the year it reviews, 前年 = the year before)."""
    if m := _YEAR.search(text):
        return int(m.group(1))
    for word, shift in _RELATIVE:
        if word in text:
            return newest.plan_year if shift == 1 else newest.review_year + shift
    return None


def report_for_year(reports: list[ReportInfo], year: int, text: str) -> ReportInfo | None:
    """Of one place's reports, the one a question about ``year`` means: the report planning it
    when a target is asked, the report reviewing it when a result is."""
    planning = [r for r in reports if r.plan_year == year] or sorted(
        (r for r in reports if year in r.target_years), key=lambda r: -r.year)  # '到2027年' in an older report
    reviewing = sorted((r for r in reports if year in (r.review_years or [r.review_year])),
                       key=lambda r: (r.review_year != year, -r.year))
    if _WANTS_PLAN.search(text):
        return (planning or reviewing or [None])[0]
    return (reviewing or planning or [None])[0]


_YEAR_WRITTEN = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def written_years(text: str) -> list[int]:
    """'2022、2023、2024年' and '2022年和2023年': every year written out, in order."""
    years = [int(y) for y in _YEAR_WRITTEN.findall(text)]
    return list(dict.fromkeys(years))


def route(reports: list[ReportInfo], text: str, home: str, groups: dict[str, list[ReportInfo]] | None = None,
          table: dict[str, set[str]] | None = None) -> Route:
    """The report(s) for a normalised question (``groups`` and ``table`` precomputed by a library)."""
    groups = groups if groups is not None else by_place(reports)
    places = named_places(reports, text, table)
    place = places[0] if places else home
    own = groups.get(place) or next(iter(groups.values()))
    newest = own[-1]
    named_year, rest = report_named(text)
    named = next((r for r in own if r.year == named_year), None)
    if named is not None:
        # '2023年政府工作报告中,2022年GDP多少': that report, whatever year the question asks.
        return Route([named], places, question_year(rest, named), years=written_years(rest))
    year = question_year(text, newest)
    years = written_years(text)
    if year is None:
        return Route([newest], places, None, years=years)
    chosen = report_for_year(own, year, text)
    if chosen is None:
        return Route([newest], places, year, missing_year=True, years=years)
    return Route([chosen], places, year, years=years)
