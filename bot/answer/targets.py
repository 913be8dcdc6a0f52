"""The targets table of a place and year (`reportbot targets`, `/targets`): which place and year
a request names, then ``bot.answer.crossreport.target_table``."""

from __future__ import annotations

from bot.answer.crossreport import TargetRow, target_table
from bot.errors import ReportBotError
from bot.answer.knowledge_base import match_form
from bot.language.normalize import normalize
from bot.answer.routing import named_places, place_label


def targets_report(library, place: str | None = None, year: int | None = None) -> tuple[str, list[TargetRow]]:
    """(title line, rows) for a place (default: the home place) and the year its targets were
    set for (default: the last year some report reviews)."""
    key = library.home
    if place:
        found = named_places(list(library.reports.values()), match_form(normalize(place)), library.names)
        if not found:
            held = "、".join(place_label(rs[-1]) for rs in library.places.values())
            raise ReportBotError(f"没有“{place}”的报告。有这些地方:{held}")
        key = found[0]
    reports = library.places[key]
    planned = {r.plan_year for r in reports}
    reviewed = {y for r in reports for y in (r.review_years or [r.review_year])}
    if year is None:
        both = sorted(planned & reviewed)
        year = both[-1] if both else max(planned)
    if year not in planned:
        raise ReportBotError(f"{place_label(reports[-1])}没有{year}年的计划(有{'、'.join(str(y) for y in sorted(planned))}年的)")
    rows = target_table(library, key, year)
    note = "" if year in reviewed else f"(还没有回顾{year}年的报告,只有目标)"
    return f"{place_label(reports[-1])}{year}年主要目标与完成情况{note}", rows
