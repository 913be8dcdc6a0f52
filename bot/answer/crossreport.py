"""Answers that span reports: a year's targets against its results (the report of year Y plans
Y, the report of Y+1 reviews it), an indicator over the years, and places compared.

Each figure is found the way a single question is answered (the report's own Answerer ranks
its passages), then read as a structured figure (``bot.parse.figures``) from that passage, so that a
target and a result can be compared only when they are plainly comparable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answer.answerer import MAX_ANSWER_CHARS, Answer
from bot.answer.knowledge_base import ReportInfo
from bot.answer.routing import Route, place_label, report_for_year

TARGET_CHECK = re.compile(r"(?:目标|计划|预期|任务).{0,8}(?:完成|实现|达到|达成|兑现|落实)|(?:完成|实现|达到|达成)了?.{0,4}(?:目标|预期|计划)|"
                          r"目标.{0,6}(?:怎么样|如何|情况)|完成得?怎么样|完成情况|达标|(?:met|meet|hit|reach)\w* .{0,20}targets?")
_SERIES_WORDS = r"历年|这几年|近几年|近年来?|每年|逐年|几年来|这些年|多年来|历史|变化|趋势|走势"
SERIES = re.compile(_SERIES_WORDS + r"|over the years|trend|each year")
# Words that frame a cross-report question rather than name its indicator.
_FRAME = re.compile(r"目标|计划|预期|任务|完成|实现|达到|达成|兑现|落实|了吗|了没有|没有|吗|呢|怎么样|如何|情况|得|达标|"
                    + _SERIES_WORDS + r"|和|与|跟|同|比|对比|相比|"
                    r"谁的|谁|哪个|更|高|多|少|是多少|多少|的|各|分别|\d{4}年?|去年|今年|前年|[?？!！,，。 ]")
_GROWTH = re.compile(r"(增长|下降|减少|提高|回落)\s*(-?\d+(?:\.\d+)?)\s*%")


@dataclass
class Fact:
    report: ReportInfo
    year: int
    kind: str  # achieved | target
    figure: str  # as written: 727.24亿元, 增长7%以上
    unit: str
    value: float | None  # the number in its unit
    rate: float | None  # a growth rate in %, when the figure is one or carries one
    qualifier: str  # 以上, 左右, 以内 …
    sentence: str
    section: str


def _indicator_words(library, text: str, where: Route) -> str:
    """The question less its place names, years and framing words: what it asks about ('gdp')."""
    for key in where.places or [library.home]:
        for r in library.places.get(key, []):
            for name in sorted(r.place_names, key=len, reverse=True):
                if len(name) >= 2:
                    text = text.replace(name, " ")
    return re.sub(r"\s+", "", _FRAME.sub(" ", text))


def find_fact(library, report: ReportInfo, words: str, year: int, kind: str) -> Fact | None:
    """The report's figure for the indicator in that year, found as a question would find it."""
    if not words:
        return None
    answerer = library.answerer(report.id)
    question = f"{year}年{words}目标是多少" if kind == "target" else f"{year}年{words}是多少"
    answer = answerer.ask(question)
    if not answer.answered or answer.kind != "figure" or answer.passage_id is None:
        return None
    passage = answerer.kb.passages[answer.passage_id]
    if (kind == "target") != (passage.role == "plan"):
        return None
    rows = [f for f in answerer.kb.figures if f["passage_id"] == answer.passage_id]
    if not rows:
        return None
    query_words = [w for w in re.split(r"\W+", words) if w]
    rows.sort(key=lambda f: (not any(w in (f["indicator"] or "") for w in query_words),
                             f["measure"] != ("growth" if kind == "target" else "amount")))
    row = rows[0]
    rate = None
    if row["measure"] == "growth" and row["unit"] == "%":
        rate = float(row["value"]) if _number(row["value"]) else None
        if re.search(r"下降|减少|回落", row["text"][:200]) and rate is not None and "下降" in (row["figure"] or ""):
            rate = -rate
    elif row["growth"] and (m := _GROWTH.search(row["growth"])):
        rate = float(m.group(2)) * (-1 if m.group(1) in ("下降", "减少", "回落") else 1)
    figure = row["figure"]
    if row["measure"] == "growth" and not figure.startswith(("增长", "下降", "提高")):
        figure = f"增长{figure}"
    if row["measure"] == "amount" and row["growth"]:
        figure = f"{figure},{row['growth']}"
    return Fact(report, year, kind, figure, row["unit"], float(row["value"]) if _number(row["value"]) else None, rate,
                row["qualifier"] or "", passage.sentence_text, passage.section)


def _number(value) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def verdict(target: Fact, result: Fact) -> str | None:
    """'met', 'not met', or None when the two are not plainly comparable (a rate against a
    total, other units, a target without a number)."""
    if target.rate is not None and result.rate is not None:
        goal, got = target.rate, result.rate
    elif target.unit == result.unit and target.value is not None and result.value is not None and target.rate is None:
        goal, got = target.value, result.value
    else:
        return None
    if re.search(r"以内|以下|不超过|控制在", target.qualifier + target.figure):
        return "met" if got <= goal else "not met"
    if "左右" in target.qualifier + target.figure:
        if got >= goal:
            return "met"
        return "not met" if got < goal - 0.5 else None  # within half a point of 'about': no verdict
    return "met" if got >= goal else "not met"


_VERDICT_TEXT = {"met": "完成了目标", "not met": "没有完成目标", None: "两者口径不同,不作判断"}


def _answer(question: str, text: str, report: ReportInfo, citation: str, kind: str = "figure", **extra) -> Answer:
    return Answer(question=question, answered=True, kind=kind, answer=text[:MAX_ANSWER_CHARS], citation=citation,
                  report_title=report.title, report_id=report.id, **extra)


def targets_answer(library, question: str, text: str, where: Route) -> Answer | None:
    """'2022年GDP目标完成了吗': the target from the report planning the year, the result from the
    report reviewing it, side by side; a verdict only when they are comparable."""
    place = where.places[0] if where.places else library.home
    reports = library.places[place]
    year = where.year or reports[-1].review_year
    planning = next((r for r in reports if r.plan_year == year), None)
    reviewing = report_for_year([r for r in reports if r.plan_year != year], year, "")
    label = place_label(reports[-1])
    if planning is None:
        return None
    words = _indicator_words(library, text, where)
    if not words:
        rows = target_table(library, place, year)
        if not rows:
            return None
        lines = [f"{label}{year}年主要目标完成情况(增长率):"]
        for row in rows:
            line = format_row_short(row)
            if sum(len(x) + 1 for x in lines) + len(line) > MAX_ANSWER_CHARS - 16:
                lines.append("……(/targets 看全表)")
                break
            lines.append(line)
        return _answer(question, "\n".join(lines), planning, f"摘自:《{planning.title}》与《{reviewing.title if reviewing else '—'}》")
    target = find_fact(library, planning, words, year, "target")
    if target is None:
        return None
    if reviewing is None:
        text_out = (f"{label}{year}年的目标:{target.figure}(《{planning.title}》)。"
                    f"我这里还没有回顾{year}年的报告({year + 1}年的报告),无法对照结果。")
        return _answer(question, text_out, planning, f"摘自:《{planning.title}》 › {target.section}")
    result = find_fact(library, reviewing, words, year, "achieved")
    if result is None:
        text_out = (f"{label}{year}年的目标:{target.figure}(《{planning.title}》);"
                    f"《{reviewing.title}》里没有找到这项的结果。")
        return _answer(question, text_out, planning, f"摘自:《{planning.title}》 › {target.section}")
    judged = verdict(target, result)
    text_out = (f"{label}{year}年 目标:{target.figure}(《{planning.title}》)\n"
                f"实际:{result.figure}(《{reviewing.title}》)\n结论:{_VERDICT_TEXT[judged]}。")
    return _answer(question, text_out, reviewing,
                   f"摘自:《{planning.title}》 › {target.section};《{reviewing.title}》 › {result.section}",
                   reason=judged or "")


@dataclass
class TargetRow:
    indicator: str
    target: str
    result: str
    verdict: str | None
    result_rate: str = ""  # the result's growth alone ('增长4.7%'), to set beside a growth target


def target_table(library, place: str, year: int) -> list[TargetRow]:
    """Every headline target of a year (the 预期目标 list of the report planning it) beside its
    result (from the report reviewing it)."""
    reports = library.places.get(place, [])
    planning = next((r for r in reports if r.plan_year == year), None)
    if planning is None:
        return []
    reviewing = report_for_year([r for r in reports if r.plan_year != year], year, "")
    targets = [f for f in library.figures(planning.id) if f["kind"] == "target" and "预期目标" in (f["section"] or "")]
    if not targets:
        targets = [f for f in library.figures(planning.id) if f["kind"] == "target" and f["measure"] == "growth"][:8]
    rows, seen = [], set()
    for f in targets:
        name = re.sub(r"^(?:今年|全[区县市州旗省国])?(?:经济社会发展的)?(?:主要)?(?:预期)?(?:目标是)?[::]?", "", f["indicator"] or "")
        if not name or name in seen:
            continue
        seen.add(name)
        target = find_fact(library, planning, name, year, "target")
        result = find_fact(library, reviewing, name, year, "achieved") if reviewing else None
        shown = f"增长{f['figure']}" if f["measure"] == "growth" and not f["figure"].startswith(("增长", "下降")) else f["figure"]
        rate = ""
        if result is not None and result.rate is not None:
            rate = f"{'下降' if result.rate < 0 else '增长'}{abs(result.rate):g}%"
        rows.append(TargetRow(name, target.figure if target else shown, result.figure if result else "—",
                              verdict(target, result) if target and result else None, rate))
    return rows


_MARKS = {"met": "✓完成", "not met": "✗未完成", None: "·不作判断"}


def format_row(row: TargetRow) -> str:
    """One line of the targets table (`reportbot targets`, /targets)."""
    mark = _MARKS[row.verdict] if row.result != "—" else "·暂无结果"
    return f"{row.indicator}:目标 {row.target};实际 {row.result}({mark})"


def format_row_short(row: TargetRow) -> str:
    """The same, compact enough for a chat answer of 300 characters: a growth target beside the
    result's growth only."""
    result = row.result_rate if row.result_rate and "增长" in row.target else row.result
    mark = _MARKS[row.verdict] if row.result != "—" else "·暂无结果"
    return f"{row.indicator} 目标{row.target.replace('增长', '')},实际{result.replace('增长', '')} {mark}"


def series_answer(library, question: str, text: str, where: Route) -> Answer | None:
    """'西湖区历年GDP': the value of each year from every report of the place, with its source;
    '2022年和2023年…各是多少' the years written out; '…目标分别是多少' the targets of those years."""
    place = where.places[0] if where.places else library.home
    reports = library.places[place]
    if len(reports) < 2:
        return None
    words = _indicator_words(library, text, where)
    kind = "target" if re.search(r"目标|计划|预期", text) else "achieved"
    if len(where.years) >= 2:
        pairs = [(report_for_year(reports, y, "目标" if kind == "target" else ""), y) for y in where.years]
    elif kind == "target":
        pairs = [(r, r.plan_year) for r in reports]
    else:
        pairs = [(r, r.review_year) for r in reports]
    facts = [f for r, y in pairs if r and (f := find_fact(library, r, words, y, kind))]
    if len(facts) < 2:
        return None
    label = place_label(reports[-1])
    what = (words.upper() if words.isascii() else words) + ("目标" if kind == "target" else "")
    lines = [f"{label}历年{what}:"]
    lines += [f"{f.year}年:{f.figure}(《{f.report.title}》)" for f in facts]
    amounts = [f for f in facts if f.value is not None and f.rate is None or (f.value is not None and "," in f.figure)]
    units = {f.unit for f in amounts}
    if len(amounts) >= 2 and len(units) == 1 and "%" not in units:
        chart = {"title": f"{label}{what}({units.pop()})",
                 "points": [(f"{f.year}年", f.value) for f in amounts]}
    else:
        rated = [f for f in facts if f.rate is not None]
        chart = {"title": f"{label}{what}增长(%)", "points": [(f"{f.year}年", f.rate) for f in rated]} if len(rated) >= 2 else None
    citation = "摘自:" + ";".join(f"《{f.report.title}》 › {f.section}" for f in facts)
    return _answer(question, "\n".join(lines), facts[-1].report, citation, chart=chart)


def compare_answer(library, question: str, text: str, where: Route) -> Answer | None:
    """'东湖区和西湖区的GDP': each place's figure, side by side, for the same year when it can."""
    words = _indicator_words(library, text, where)
    year = where.year
    if year is None:
        # The latest year every place named has a report reviewing; else each place's latest.
        common = set.intersection(*({y for r in library.places[k] for y in (r.review_years or [r.review_year])}
                                    for k in where.places))
        year = max(common) if common else None
    facts = []
    for key in where.places:
        reports = library.places[key]
        report = (report_for_year(reports, year, text) if year else None) or reports[-1]
        fact = find_fact(library, report, words, year or report.review_year, "achieved")
        if fact:
            facts.append(fact)
    if len(facts) < 2:
        return None
    lines = [f"{place_label(f.report)} {f.year}年:{f.figure}(《{f.report.title}》)" for f in facts]
    if len({f.year for f in facts}) > 1:
        lines.append("注意:各地的年份不同,比较时请留意。")
    elif len({f.unit for f in facts}) == 1 and all(f.value is not None for f in facts):
        top = max(facts, key=lambda f: f.value)
        lines.append(f"{place_label(top.report)}的最大。" if len(facts) > 2 else f"{place_label(top.report)}的更大。")
    citation = "摘自:" + ";".join(f"《{f.report.title}》 › {f.section}" for f in facts)
    return _answer(question, "\n".join(lines), facts[0].report, citation)


def cross_report_answer(library, question: str, text: str, where: Route) -> Answer | None:
    """The cross-report answer a question asks for, or None for a one-report question."""
    if len(where.places) >= 2:
        return compare_answer(library, question, text, where)
    if TARGET_CHECK.search(text):
        return targets_answer(library, question, text, where)
    if SERIES.search(text) or len(where.years) >= 2:
        return series_answer(library, question, text, where)
    return None
