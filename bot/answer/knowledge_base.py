"""The index loaded into memory once: reports, passages, glossary, figures, aliases, vocabulary.

Everything a question needs is read here at start-up, so answering touches no disk except the
FTS5 query, and a KnowledgeBase can be swapped for a new one atomically after a reindex.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.knowledge.curated import is_phrase_pattern
from bot.errors import IndexInvalid, IndexMissing
from bot.parse.report import LIST_NAMED
from bot.index.schema import SCHEMA_VERSION
from bot.language.normalize import normalize
from bot.language.tokenizer import Tokenizer


@dataclass
class Passage:
    id: int
    report_id: str
    paragraph: int
    sentence: int
    clause: int
    text: str
    sentence_text: str
    section: str
    topic: str
    subtopic: str
    role: str
    year: int | None
    note: int | None = None  # for role 'note': the note's number
    span: str = ""  # a review sentence about several years ('过去五年'): its year is None
    units: frozenset = frozenset()  # units of the figures in it ('亿元', '%', '个')
    norm: str = ""  # normalised, lower-cased text the matcher compares with
    context: str = ""  # normalised section path: matches there count for less
    sentence_norm: str = ""  # the whole sentence the clause belongs to, normalised


@dataclass
class GlossaryNote:
    report_id: str
    number: int
    term: str
    forms: list[str]
    definition: str
    used_text: str
    used_section: str
    used_passage_id: int | None

    @property
    def name(self) -> str:
        """A short name for buttons: the whole term when short ('四上企业'), else its quoted core."""
        return self.forms[0] if len(self.forms[0]) <= 10 or len(self.forms) == 1 else self.forms[1]


# Passage ids of the report numbered n are n * ID_SPAN + the shard's own id (a report has a few
# thousand passages at most).
ID_SPAN = 1_000_000
# Passages sharing a word's first two characters, at most this many: checked one by one rather
# than scanning the whole report first.
FEW_CANDIDATES = 40


@dataclass
class ReportInfo:
    id: str
    title: str
    district: str
    city: str
    year: int
    review_year: int
    plan_year: int
    speaker: str
    speaker_title: str
    meeting: str
    meeting_date: str
    published: str
    level: str = ""  # national | province | city | county
    province: str = ""
    review_years: list = field(default_factory=list)
    target_years: list = field(default_factory=list)  # later years its plan sets goals for (bot.parse.structure.target_years)
    place_names: list = field(default_factory=list)  # 南昌市西湖区, 西湖区, 西湖, 全区, xihu, … (bot.parse.gazetteer.place_names)
    source: str = ""  # the file name
    number: int = 0  # its place in the catalog: passage ids of its shard start at number * ID_SPAN
    shard: str = ""  # its shard's name (bot.index.shard.shard_key)


@dataclass
class KnowledgeBase:
    path: Path
    reports: dict[str, ReportInfo]
    passages: dict[int, Passage]
    glossary: list[GlossaryNote]
    figures: list[dict]
    aliases: list[tuple[str, str]]  # (alias, canonical), longest alias first; no phrase patterns
    tokenizer: Tokenizer
    conn: sqlite3.Connection
    synonyms: dict[str, list[str]] = field(default_factory=dict)  # everyday word -> report words (bot.language.thesaurus)
    classes: dict[str, list[str]] = field(default_factory=dict)  # Cilin class code -> report words (bot.language.thesaurus)
    english: dict[str, list[str]] = field(default_factory=dict)  # English word or phrase -> report words (bot.language.english)
    phrases: list[tuple[str, str]] = field(default_factory=list)  # (phrase pattern, canonical): bot.knowledge.curated
    fullwidth: bool = False  # the report is published with '，' and '（': replies quote it so
    generation: str = "0"  # the build id: buttons made from another build are stale
    offset: int = 0  # added to the shard's passage ids (unique across a library's shards)
    lock: threading.Lock = field(default_factory=threading.Lock)
    by_report: dict[str, list[Passage]] = field(default_factory=dict)
    paragraphs: dict[tuple[str, int], list[Passage]] = field(default_factory=dict)

    @property
    def newest(self) -> ReportInfo:
        return max(self.reports.values(), key=lambda r: (r.year, r.id))

    def fts(self, match: str, report_id: str, limit: int = 50) -> list[tuple[int, float]]:
        """FTS5 candidates as (passage id, bm25 score; higher is better)."""
        if not match:
            return []
        # No join: the passages are in memory, so the report is checked here (the join cost
        # as much as the search).
        sql = "select rowid, -bm25(passages_fts) from passages_fts where passages_fts match ? order by rank limit ?"
        with self.lock:
            try:
                rows = self.conn.execute(sql, (match, limit * max(len(self.reports), 1))).fetchall()
            except sqlite3.OperationalError:
                return []
        found = [(pid + self.offset, score) for pid, score in rows]
        return [(pid, score) for pid, score in found if pid in self.passages and self.passages[pid].report_id == report_id][:limit]

    def containing(self, report_id: str, word: str, where: str = "norm") -> frozenset[int]:
        """Ids of the report's passages whose text (`where`: norm, context, sentence_norm)
        contains the word. Memoised; candidates come from an index of two-character strings,
        so only a few passages are checked."""
        memo = self.__dict__.setdefault("_containing", {})
        key = (report_id, word, where)
        found = memo.get(key)
        if found is None:
            candidates = self._passage_bigrams(report_id, where).get(word[:2], ()) if len(word) >= 2 else ()
            if len(word) >= 2 and len(candidates) <= FEW_CANDIDATES:
                # A rare first two characters: their few passages are checked directly.
                found = frozenset(pid for pid in candidates if word in getattr(self.passages[pid], where))
            elif word not in self.report_text(report_id, where):
                found = frozenset()  # one scan of the joined text rules out most words at once
            elif len(word) >= 2:
                found = frozenset(pid for pid in candidates if word in getattr(self.passages[pid], where))
            else:
                found = frozenset(p.id for p in self.by_report[report_id] if word in getattr(p, where))
            if len(memo) > 100_000:  # hostile input invents words without end
                memo.clear()
            memo[key] = found
        return found

    @property
    def corpus(self) -> str:
        """Every passage and note of every report, normalised, in one string: the text a word
        is looked up in to know whether the reports use it at all."""
        text = self.__dict__.get("_corpus_text")
        if text is None:
            text = self.__dict__["_corpus_text"] = " ".join(p.norm for p in self.passages.values()) + " ".join(
                n.term + n.definition for n in self.glossary)
        return text

    def build_indexes(self) -> None:
        """Build the lookup tables now (at start-up) rather than on the first questions."""
        for report_id in self.reports:
            for where in ("norm", "context", "sentence_norm"):
                self.report_text(report_id, where)
                self._passage_bigrams(report_id, where)

    def _passage_bigrams(self, report_id: str, where: str) -> dict[str, list[int]]:
        tables = self.__dict__.setdefault("_bigram_index", {})
        key = (report_id, where)
        if key not in tables:
            table: dict[str, list[int]] = {}
            for p in self.by_report[report_id]:
                text = getattr(p, where)
                for gram in {text[i:i + 2] for i in range(len(text) - 1)}:
                    table.setdefault(gram, []).append(p.id)
            tables[key] = table
        return tables[key]

    def report_text(self, report_id: str, where: str = "norm") -> str:
        """All passages of a report joined (by a newline, which no word contains): one scan of
        it rules out a word that none of them contains."""
        joined = self.__dict__.setdefault("_joined", {})
        key = (report_id, where)
        if key not in joined:
            joined[key] = "\n".join(getattr(p, where) for p in self.by_report[report_id])
        return joined[key]

    def close(self) -> None:
        self.conn.close()


def connect_index(path: Path, missing: str, kind: str | None = None) -> tuple[sqlite3.Connection, dict[str, str]]:
    """A read-only connection to an index file (a shard or the catalog) of this schema, and its
    index_info. Raises IndexMissing / IndexInvalid with the reason; sqlite3 errors pass through."""
    if not path.exists():
        raise IndexMissing(f"{path}: {missing}")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    info = dict(conn.execute("select key, value from index_info").fetchall())
    if int(info.get("schema_version", 0)) != SCHEMA_VERSION or (kind and info.get("kind") != kind):
        conn.close()
        raise IndexInvalid(f"{path}: index schema {info.get('schema_version')} is not {SCHEMA_VERSION} — rebuild it with `reportbot index`")
    return conn, info


def open_shard(path: Path | str, aliases: list[tuple[str, str]] | None = None, offset: int = 0,
               report: ReportInfo | None = None) -> KnowledgeBase:
    """Load one report's shard (``bot.index.shard``) with the catalog's aliases. Passage ids are
    shifted by ``offset`` so that ids are unique across the shards a library holds; ``report``
    (from the catalog) replaces the shard's own report row, whose id may differ."""
    path = Path(path)
    try:
        conn, _info = connect_index(path, "a report's shard is missing — rebuild the index with `reportbot index`")
        return _load(path, conn, aliases or [], offset, report)
    except sqlite3.DatabaseError as err:
        raise IndexInvalid(f"{path}: not a readable report index ({err}) — rebuild it with `reportbot index`") from err


def match_form(text: str) -> str:
    """The form questions and passages are compared in: lower-case, without quotation marks
    or brackets."""
    return _QUOTES.sub("", text.lower())


# '城镇和农村居民人均可支配收入分别…', '城乡居民收入分别…': one head shared by a pair of sides.
_PAIRED = "城镇|农村|城市|进口|出口|男性|女性|国有|民营"
_COORDINATED = re.compile(rf"(?:({_PAIRED})[和与及、]({_PAIRED})|(城乡))([\u4e00-\u9fff]{{2,14}})")


@lru_cache(maxsize=8192)  # asked of the same passages' pieces question after question
def spelled_out(norm: str) -> str:
    """Each side of a coordinated pair with its head (and the text with R&D read as 研发),
    appended (space first) to a passage's search form, so that '城镇居民人均可支配收入' is found in '城镇和农村居民人均可支配收入分别
    达到88216元和53407元'. 城乡 before 分别 is read as 城镇 and 农村."""
    out = []
    for m in _COORDINATED.finditer(norm):
        head, _, rest = m.group(4).partition("分别")
        if m.group(3) and not rest and not norm.startswith("分别", m.end()):
            continue  # '城乡居民收入稳步增长': one figure for both, no sides to tell apart
        sides = ("城镇", "农村") if m.group(3) else (m.group(1), m.group(2))
        out += [side + head for side in sides if len(head) >= 2]
    if "r&d" in norm:
        # 'R&D经费支出占地区生产总值比重': reports write the letters where others write 研发.
        out.append(norm.replace("r&d", "研发"))
    return "".join(" " + phrase for phrase in out)


# Quotation marks and brackets: people write “四上”企业 and 四上企业, 县(市区) and 县市区 alike.
_QUOTES = re.compile(r"[“”‘’\"'「」『』《》()()【】\[\]]")


def report_info(row: sqlite3.Row) -> ReportInfo:
    keys = row.keys()
    values = {k: row[k] for k in ReportInfo.__dataclass_fields__ if k in keys}
    values["review_years"] = json.loads(values.get("review_years") or "[]")
    values["target_years"] = json.loads(values.get("target_years") or "[]")
    values["place_names"] = json.loads(values.get("place_names") or "[]")
    return ReportInfo(**values)


_PART_NUMBERING = re.compile(r"^[一二三四五六七八九十]+、|(?:19|20)\d\d年")


def list_part(section: str) -> str:
    """A part that is itself a list of projects ('四、2023年为民办实事') names what each item under
    it is, as a chapter's lead phrase does; the review and plan parts name nothing."""
    part = section.split("›")[0].strip()
    return _PART_NUMBERING.sub("", part) if LIST_NAMED.search(part) else ""


def _load(path: Path, conn: sqlite3.Connection, aliases: list[tuple[str, str]], offset: int,
          report: ReportInfo | None) -> KnowledgeBase:
    rows = conn.execute("select * from reports order by id").fetchall()
    own_id = rows[0]["id"] if rows else ""
    reports = {report.id: report} if report else {r["id"]: report_info(r) for r in rows}
    report_id = report.id if report else own_id
    passage_fields = [f for f in Passage.__dataclass_fields__ if f not in ("norm", "context", "units", "sentence_norm")]
    passages = {}
    for row in conn.execute(f"select {', '.join(passage_fields)} from passages order by id"):
        p = Passage(**dict(row))
        p.id += offset
        p.report_id = report_id
        p.norm = match_form(normalize(p.text))
        p.norm += spelled_out(p.norm)
        p.context = match_form(normalize(" ".join(x for x in (list_part(p.section), p.topic, p.subtopic) if x)))
        p.sentence_norm = match_form(normalize(p.sentence_text))
        passages[p.id] = p
    glossary = [
        GlossaryNote(report_id, r["number"], r["term"], json.loads(r["forms"]), r["definition"],
                     r["used_text"], r["used_section"], r["used_passage_id"] + offset if r["used_passage_id"] else None)
        for r in conn.execute("select * from glossary order by report_id, number")
    ]
    figures = [dict(r) | {"report_id": report_id, "passage_id": r["passage_id"] + offset}
               for r in conn.execute("select * from figures order by rowid")]
    units: dict[int, set[str]] = {}
    for f in figures:
        units.setdefault(f["passage_id"], set()).add(f["unit"])
        if "%" in (f["growth"] or ""):  # '地区生产总值702.5亿元(增长6.3%)': the passage gives a rate too
            units[f["passage_id"]].add("%")
    for p in passages.values():
        if p.role == "meta":  # who, when, where: '哪天作的报告' asks for a date
            units.setdefault(p.id, set()).update({"年", "月", "日"})
    for pid, found in units.items():
        if pid in passages:
            passages[pid].units = frozenset(found)
    phrases = sorted((a, c) for a, c in aliases if a and is_phrase_pattern(a))
    aliases = sorted(((a, c) for a, c in aliases if a and not is_phrase_pattern(a)), key=lambda a: (-len(a[0]), a))
    prefixes = json.loads(conn.execute("select value from tokenizer where key = 'prefix_dictionary'").fetchone()[0])
    if not reports or not passages:
        raise IndexInvalid(f"{path}: the index holds no report — rebuild it with `reportbot index`")
    tables = {r["key"]: r["value"] for r in conn.execute("select key, value from tokenizer where key in ('synonyms', 'classes', 'english')")}
    kb = KnowledgeBase(path, reports, passages, glossary, figures, aliases, Tokenizer(prefixes), conn,
                       synonyms=json.loads(tables.get("synonyms", "{}")), classes=json.loads(tables.get("classes", "{}")),
                       english=json.loads(tables.get("english", "{}")),
                       phrases=phrases, offset=offset,
                       fullwidth=bool(rows) and "punctuation" in rows[0].keys() and rows[0]["punctuation"] == "fullwidth")
    for p in passages.values():
        kb.by_report.setdefault(p.report_id, []).append(p)
        kb.paragraphs.setdefault((p.report_id, p.paragraph), []).append(p)
    return kb
