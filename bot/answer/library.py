"""The index as the answering process sees it: the catalog in memory (every report's metadata
and place names, the aliases), each report's shard loaded only when a question is routed to it
and kept in a small least-recently-used cache. With hundreds of reports, start-up reads the
catalog alone and a question touches one or two shards.

Questions that span reports (a target against its result, a series over the years, two places
compared) are answered here from several shards (``bot.answer.crossreport``); every other question is
routed (``bot.answer.routing``) and answered by that report's Answerer (``bot.answer.answerer``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

from bot.answer.answerer import Answer, Answerer
from bot.errors import IndexInvalid
from bot.answer.knowledge_base import ID_SPAN, GlossaryNote, ReportInfo, connect_index, match_form, open_shard, report_info
from bot.language.normalize import is_traditional, normalize, to_traditional, without_surrogates
from bot.answer.query import question_form, routing_names
from bot.answer.routing import Route, by_place, home_place, name_table, place_key, place_label, route

# Shards kept loaded at once: each holds one report's passages and tables (a few MB).
SHARD_CACHE = 8


class Library:
    """All the reports of an index, answering as one."""

    def __init__(self, path: Path, conn: sqlite3.Connection, reports: dict[str, ReportInfo],
                 aliases: list[tuple[str, str]], generation: str, shards: str, home: str | None = None,
                 warm: bool = True, cache_size: int | None = None):
        self.path, self.conn, self.reports, self.aliases, self.generation = path, conn, reports, aliases, generation
        self.shards = shards  # the shard folder's name, beside the catalog
        self.by_number = {r.number: r for r in reports.values()}
        self.places = by_place(list(reports.values()))
        self.names = name_table(list(reports.values()))
        self.home = home_place(list(reports.values()), home)
        self._warm = warm
        self._answer_cache = cache_size
        self._loaded: OrderedDict[str, Answerer] = OrderedDict()
        self._lock = threading.Lock()
        if warm:  # the home report answers from the first question (pypinyin, OpenCC, tables loaded)
            self.answerer(self.home_report.id)

    # Reports

    @property
    def newest(self) -> ReportInfo:
        return max(self.reports.values(), key=lambda r: (r.year, r.id))

    @property
    def home_report(self) -> ReportInfo:
        return self.places[self.home][-1]

    def answerer(self, report_id: str) -> Answerer:
        """The report's Answerer, its shard loaded on first use (thread-safe; LRU-bounded)."""
        with self._lock:
            found = self._loaded.get(report_id)
            if found is not None:
                self._loaded.move_to_end(report_id)
                return found
        report = self.reports[report_id]
        kb = open_shard(self.path.parent / self.shards / f"{report.shard}.db", self.aliases,
                        offset=report.number * ID_SPAN, report=report)
        kb.generation = self.generation
        kwargs = {} if self._answer_cache is None else {"cache_size": self._answer_cache}
        answerer = Answerer(kb, warm=self._warm, **kwargs)
        with self._lock:
            self._loaded[report_id] = answerer
            while len(self._loaded) > SHARD_CACHE:
                _, evicted = self._loaded.popitem(last=False)
                evicted.kb.close()
        return answerer

    def report_of_passage(self, passage_id: int) -> ReportInfo | None:
        return self.by_number.get(passage_id // ID_SPAN)

    # Questions

    def ask(self, question: str) -> Answer:
        """The answer to a question, from whichever reports it concerns."""
        from bot.answer.crossreport import cross_report_answer

        question = without_surrogates(question or "")
        text = question_form(question[:200])
        where = route(list(self.reports.values()), text, self.home, self.places, self.names)
        if len(self.reports) > 1:
            started = time.perf_counter()
            crossed = cross_report_answer(self, question, text, where)
            if crossed is not None:
                crossed.ms = (time.perf_counter() - started) * 1000
                if crossed.traditional or is_traditional(question):
                    crossed.answer, crossed.citation = to_traditional(crossed.answer), to_traditional(crossed.citation)
                return crossed
        return self._single(question, where)

    def ask_in(self, question: str, report_id: str) -> Answer:
        """The same question asked of one given report (the buttons to other places and years):
        a place the question named is replaced by that report's place."""
        report = self.reports[report_id]
        for key, reports in self.places.items():
            if key == place_key(report):
                continue
            for name in routing_names(reports[-1]):
                if len(name) >= 2 and not name.isascii() and name in question:
                    question = question.replace(name, report.district)
        return self._finish(self.answerer(report_id).ask(question), Route([report], [place_key(report)], report.year))

    def _single(self, question: str, where: Route) -> Answer:
        report = where.reports[0]
        if where.missing_year:
            years = self._years_held(place_key(report))
            answer = self.answerer(report.id).ask(question)
            text = (f"抱歉,报告中没有找到{where.year}年的内容:{place_label(report)}的报告涉及"
                    f"{'、'.join(str(y) for y in years)}年。")
            # Other places' reports that cover the year: offered as buttons.
            covering = [r for r in self.reports.values() if where.year in (r.review_years or [r.review_year]) + [r.plan_year] + r.target_years]
            covering.sort(key=lambda r: (r.city != report.city, -r.year, r.id))
            return replace(answer, answered=False, kind="none", answer=_script(text, answer.traditional), citation="",
                           reason="year", alternatives=[(f"{r.year}年{place_label(r)}", r.id) for r in covering[:4]])
        answer = self.answerer(report.id).ask(question)
        if not answer.answered and answer.reason == "place" and not where.places and len(self.places) > 1:
            held = "、".join(place_label(reports[-1]) for reports in self.places.values())
            text = f"抱歉,报告中没有找到这个地方的内容。我这里有这些地方的政府工作报告:{held}。"
            return replace(answer, answer=_script(text, answer.traditional))
        if not answer.answered and answer.reason == "year" and len(self.places[place_key(report)]) > 1:
            years = self._years_held(place_key(report))
            text = f"抱歉,报告中没有找到这一年的内容:{place_label(report)}的报告只涉及{'、'.join(str(y) for y in years)}年。"
            return replace(answer, answer=_script(text, answer.traditional))
        return self._finish(answer, where)

    def _years_held(self, place: str) -> list[int]:
        years = set()
        for r in self.places.get(place, []):
            years |= set(r.review_years or [r.review_year]) | {r.plan_year}
        return sorted(years)

    def _finish(self, answer: Answer, where: Route) -> Answer:
        """Name the report answered from when there are several, and offer the same question
        of the other years of that place and of other places."""
        if len(self.reports) <= 1 or not answer.report_id:
            return answer
        report = self.reports.get(answer.report_id) or where.reports[0]
        if answer.citation:
            prefix = f"摘自:《{report.title}》 › "
            answer.citation = answer.citation.replace("摘自:", _script(prefix, answer.traditional), 1) if not answer.traditional \
                else answer.citation.replace(to_traditional("摘自:"), to_traditional(prefix), 1)
        if answer.answered:
            answer.alternatives = self._alternatives(report)
        return answer

    def _alternatives(self, report: ReportInfo, limit: int = 4) -> list[tuple[str, str]]:
        same_place = [r for r in self.places[place_key(report)] if r.id != report.id]
        same_place.sort(key=lambda r: (abs(r.year - report.year), -r.year))
        others = [reports for key, reports in self.places.items() if key != place_key(report)]
        # Places under the same parent first (the neighbours a reader compares with).
        others.sort(key=lambda rs: (rs[-1].city != report.city, place_key(rs[-1])))
        same_year = []
        for reports in others:
            match = next((r for r in reports if r.year == report.year), None)
            if match:
                same_year.append(match)
        chosen = same_place[:2] + same_year[: limit - min(2, len(same_place))]
        return [(f"{r.year}年{place_label(r)}", r.id) for r in chosen[:limit]]

    # What the chat shows besides answers.

    def examples(self, report: ReportInfo | None = None) -> list[str]:
        report = report or self.home_report
        questions = self.answerer(report.id).examples(report)
        if len(self.reports) > 1 and len(self.places) > 1:
            return [f"{place_label(report)}{q}" for q in questions]
        return questions

    def glossary_notes(self, report_id: str | None = None) -> list[GlossaryNote]:
        return self.answerer(report_id or self.home_report.id).glossary_notes()

    def lookup_note(self, term: str) -> GlossaryNote | None:
        """The note a user names: in the home report, else in any report that has it."""
        note = self.answerer(self.home_report.id).lookup_note(term)
        if note is not None:
            return note
        wanted = match_form(normalize(term))
        for row in self.conn.execute("select report_id, forms from glossary order by report_id, number"):
            if any(match_form(f) in wanted or wanted in match_form(f) for f in json.loads(row[1])) and row[0] in self.reports:
                return self.answerer(row[0]).lookup_note(term)
        return None

    def note_key(self, note: GlossaryNote) -> str:
        return f"{self.reports[note.report_id].number}.{note.number}"

    def note_by_key(self, key: str) -> GlossaryNote | None:
        number, _, note_number = key.partition(".")
        report = self.by_number.get(int(number))
        if report is None:
            return None
        return next((n for n in self.answerer(report.id).kb.glossary if n.number == int(note_number)), None)

    def paragraph_text(self, passage_id: int) -> tuple[str, str] | None:
        report = self.report_of_passage(passage_id)
        return self.answerer(report.id).paragraph_text(passage_id) if report else None

    def passage(self, passage_id: int):
        report = self.report_of_passage(passage_id)
        return self.answerer(report.id).kb.passages.get(passage_id) if report else None

    def figures(self, report_id: str) -> list[dict]:
        return [dict(r) for r in self.conn.execute("select * from figures where report_id = ? order by rowid", (report_id,))]

    def close(self) -> None:
        with self._lock:
            for answerer in self._loaded.values():
                answerer.kb.close()
            self._loaded.clear()
        self.conn.close()


def _script(text: str, traditional: bool) -> str:
    return to_traditional(text) if traditional else text


def open_library(path: Path | str, home: str | None = None, warm: bool = True, cache_size: int | None = None) -> Library:
    """Open an index built by ``reportbot index``. Raises IndexMissing / IndexInvalid with the reason."""
    path = Path(path)
    try:
        conn, info = connect_index(path, "no index here — build it with `reportbot index`", kind="catalog")
        reports = {r["id"]: report_info(r) for r in conn.execute("select * from reports order by number")}
        if not reports:
            raise IndexInvalid(f"{path}: the index holds no report — rebuild it with `reportbot index`")
        aliases = [(r["alias"], r["canonical"]) for r in conn.execute("select alias, canonical from aliases") if r["alias"]]
    except sqlite3.DatabaseError as err:
        raise IndexInvalid(f"{path}: not a readable report index ({err}) — rebuild it with `reportbot index`") from err
    return Library(path, conn, reports, aliases, info.get("build_id", "0"), info.get("shards", path.stem + ".reports"),
                   home=home, warm=warm, cache_size=cache_size)
