"""A report's place and years, from the strongest evidence its text gives, then weaker ones:
the title, the meeting and speaker lines, '我代表…人民政府', the page's metadata, and the file
name as the last resort. Places are resolved against the gazetteer (``bot.parse.gazetteer``)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.parse.gazetteer import NATIONAL, Place, place_names, places_in_file_name, resolve, short_name
from bot.sources.document import Document
from bot.parse.report import ReportMeta

_YEAR = re.compile(r"(20\d\d)年")


def place_of(meta: ReportMeta, doc: Document, intro: str, full_text: str) -> list[str]:
    """Set district (the place), city (its parent), province, level and code; return warnings."""
    represented = re.search(r"我代表(.{1,20}?)(?:人民政府|政府|国务院)", intro)
    own = [
        re.sub(r"\d{4}年|政府工作报告|人民政府工作报告", "", meta.title),
        meta.meeting,
        re.sub(r"(?:人民政府)?(?:代理?|副)?(?:区长|县长|市长|州长|省长|旗长|盟长|主席|总理|专员)$", "", meta.speaker_title),
        ("国务院" if "国务院" in intro[:60] else represented.group(1)) if represented else "",
    ]
    place, warnings = resolve(own, full_text)
    source = "the report's text"
    if place is None:
        page = [doc.meta.get("title", ""), meta.publisher]
        place, warnings = resolve(page, full_text)
        source = "the page's metadata"
        if place is None:
            found = places_in_file_name(Path(doc.name).stem)
            place = found[0] if found else None
            source = "the file name"
        if place is not None:
            warnings.append(f"the place ({place.full_name}) was taken from {source}")
    if place is None:
        warnings.append("no place found in the report: set it in reports.toml")
        return warnings
    _set_place(meta, place)
    # A parent the title names that the gazetteer does not know ('测试市青山区'): the text wins.
    if place.level == "county" and (m := re.search(rf"([\u4e00-\u9fff]{{2,6}}[市州盟]){place.name}", re.sub(r"\d{4}年", "", meta.title))):
        if m.group(1) != place.parent and short_name(m.group(1)) != short_name(place.parent):
            meta.city, meta.place_code = m.group(1), ""
            meta.place_names = sorted(set(meta.place_names) | {m.group(1) + place.name, short_name(m.group(1)) + place.name},
                                      key=lambda n: (-len(n), n))
            warnings = [f"'{m.group(1)}{place.name}' is not in the gazetteer: kept as the title writes it"]
    return warnings


def _set_place(meta: ReportMeta, place: Place) -> None:
    meta.district = place.name
    meta.city = place.parent if place.level == "county" else (place.province if place.level == "city" else "")
    meta.province = place.province or (place.name if place.level == "province" else "")
    meta.level = place.level
    meta.place_code = place.code
    meta.place_names = place_names(place)
    if place is NATIONAL:
        meta.district, meta.city, meta.province = "全国", "", ""


def years_of(meta: ReportMeta, doc: Document, part_years: list[tuple[str, str]]) -> list[str]:
    """Set year, plan_year and review_years from the parts' headings, the title, the meeting
    date and, as last resorts, the page's date and the file name; return warnings."""
    warnings: list[str] = []
    review: list[int] = []
    plan: int | None = None
    for role, heading in part_years:
        years = [int(y) for y in _YEAR.findall(heading)]
        five = re.search(r"过去五年|五年(?:工作)?回顾|“十[一二三四五]五”", heading)
        if role == "review":
            if years:
                review += [y for y in years if y not in review]
            elif "过去一年" in heading or "一年来" in heading:
                review.append(0)  # the year before the plan year: filled in below
            if five:
                review.append(-5)
        elif role == "plan" and years and plan is None:
            plan = years[0]
    title_year = _YEAR.search(meta.title)
    meeting_year = _meeting_plan_year(meta)
    if plan is None:
        for candidate, what in ((int(title_year.group(1)) if title_year else None, None),
                                (max((y for y in review if y > 0), default=0) + 1 or None, None),
                                (meeting_year, None),
                                (_year_from(doc.meta.get("published", ""), month_shift=True), "the page's date"),
                                (_year_from(Path(doc.name).stem), "the file name")):
            if candidate and candidate > 1:
                plan = candidate
                if what:
                    warnings.append(f"the year ({plan}) was taken from {what}")
                break
    if plan is None:
        warnings.append("no year found in the report: set it in reports.toml")
        plan = 0
    explicit = sorted({y for y in review if y > 0})
    if -5 in review:
        last = max(explicit) if explicit else plan - 1
        explicit = sorted(set(explicit) | set(range(last - 4, last + 1)))
    if not explicit and plan:
        explicit = [plan - 1]
    meta.plan_year = meta.year = plan
    meta.review_years = explicit
    return warnings


def _meeting_plan_year(meta: ReportMeta) -> int | None:
    """A report delivered in December plans the next year (2020年12月28日 -> 2021)."""
    if meta.meeting_date:
        year, month = int(meta.meeting_date[:4]), int(meta.meeting_date[5:7])
        return year + 1 if month >= 10 else year
    return meta.__dict__.get("_date_year")


def _year_from(text: str, month_shift: bool = False) -> int | None:
    m = re.search(r"(20\d\d)(?:[-年./](\d{1,2}))?", text)
    if not m:
        return None
    year = int(m.group(1))
    if month_shift and m.group(2) and int(m.group(2)) >= 10:
        year += 1
    return year


# Fields of reports.toml a person may set for a report whose text does not say (or says wrongly).
OVERRIDABLE = ("title", "place", "year", "review_years", "plan_year", "speaker", "speaker_title", "meeting", "meeting_date")


def apply_overrides(meta: ReportMeta, fields: dict, context: str, name: str) -> None:
    """Set what reports.toml says for this file; the warnings about guessed fields it settles go."""
    from bot.errors import KnowledgeError
    from bot.parse.gazetteer import resolve as resolve_place

    unknown = sorted(set(fields) - set(OVERRIDABLE))
    if unknown:
        raise KnowledgeError(f"reports.toml [{name!r}]: unknown field(s) {', '.join(unknown)}; known: {', '.join(OVERRIDABLE)}")
    if "place" in fields:
        place, _ = resolve_place([str(fields["place"])], context)
        if place is None:
            raise KnowledgeError(f"reports.toml [{name!r}]: place {fields['place']!r} is not a known place in China")
        _set_place(meta, place)
        meta.warnings = [w for w in meta.warnings if "place" not in w]
    year = fields.get("plan_year", fields.get("year"))
    if year is not None:
        meta.year = meta.plan_year = int(year)
        meta.review_years = [int(y) for y in fields.get("review_years", [meta.year - 1])]
        meta.review_year = meta.review_years[-1]
        meta.warnings = [w for w in meta.warnings if "year" not in w]
    for key in ("title", "speaker", "speaker_title", "meeting", "meeting_date"):
        if key in fields:
            setattr(meta, key, str(fields[key]))
    if "title" in fields:
        meta.warnings = [w for w in meta.warnings if "title" not in w]
