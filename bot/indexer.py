"""Build the SQLite index of the reports in a knowledge folder.

The index is written to a temporary file beside the target and moved into place only when
complete, so a failed build never replaces a good index. It records the sources' hashes so a
stale index can be detected (see ``bot.freshness``).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sqlite_utils

from bot.curated import read_curated
from bot.freshness import is_report_file
from bot.errors import KnowledgeError
from bot.figures import extract_figures
from bot.ingest import read_document
from bot.metadata import apply_overrides
from bot.normalize import normalize
from bot.parse import parse_document
from bot.report import Report
from bot.schema import SCHEMA_VERSION
from bot.thesaurus import synonyms_for
from bot.english import english_words_for
from bot.tokenizer import Tokenizer, prefix_dictionary, select_vocabulary, substrings_of

PATH_SEP = " › "


@dataclass
class BuildResult:
    path: Path
    reports: int
    passages: int
    glossary: int
    figures: int
    anomalies: int
    seconds: float
    skipped: list[str] = field(default_factory=list)  # one line per refused file: its name and the reason
    summaries: list[dict] = field(default_factory=list)  # one per report, as `reportbot reports --json` prints


def report_files(folder: Path) -> list[Path]:
    """Every report in the folder: each file that is not a curated file, a hidden file or a README."""
    if not folder.is_dir():
        raise KnowledgeError(f"{folder}: the knowledge folder does not exist (set KNOWLEDGE_DIR or pass --knowledge)")
    return sorted(p for p in folder.iterdir() if is_report_file(p))


def read_reports(files: list[Path], overrides: dict[str, dict]) -> tuple[list[tuple[Report, str, str]], list[str]]:
    """Parse each file; return ([(report, encoding, sha256)], [refusal lines]). One refused file
    does not keep the others out."""
    reports, skipped, slugs = [], [], set()
    for path in files:
        try:
            doc = read_document(path)
            slug = path.stem if path.stem not in slugs else path.name
            report = parse_document(doc, slug)
            if path.name in overrides:
                apply_overrides(report.meta, overrides[path.name], doc.text, path.name)
        except KnowledgeError as err:
            skipped.append(str(err).replace(str(path), path.name))
            continue
        slugs.add(slug)
        reports.append((report, doc.encoding, doc.sha256))
    return reports, skipped


def short_chapter(chapter: str) -> str:
    """'(一)稳增长扩总量,综合实力迈上新台阶' -> '(一)稳增长扩总量'."""
    return re.split(r"[,,]", chapter, maxsplit=1)[0]


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _path(*parts: str) -> str:
    return PATH_SEP.join(p for p in parts if p)


# A review sentence about several years ('年均增长6.8%', '“十三五”时期', '较2017年增长'): its
# figures are not the reviewed year's.
_PERIOD = re.compile(r"年均|过去五年|五年来|五年间|五年累计|“?十[一二三四]五”?(?:时期|期间|以来)|较20\d\d年|比20\d\d年|是20\d\d年的")


def period_of(sentence: str, meta) -> str:
    """'过去五年' (or '2018—2022年') for a sentence about several years, '' otherwise."""
    if not _PERIOD.search(sentence):
        return ""
    years = meta.review_years
    return f"{years[0]}—{years[-1]}年" if len(years) > 1 else "过去五年"


def _passages(report: Report) -> list[dict]:
    rows = []
    meta = report.meta
    for paragraph in report.paragraphs:
        for s_index, sentence in enumerate(paragraph.sentences):
            year = {"review": meta.review_year, "plan": meta.plan_year}.get(paragraph.role)
            span = period_of(sentence.text, meta) if paragraph.role == "review" else ""
            if span:
                year = None
            subtopic = paragraph.subtopics[s_index] if s_index < len(paragraph.subtopics) else ""
            topic = paragraph.topic if paragraph.topic != sentence.text.rstrip("。") else ""
            section = _path(paragraph.part, short_chapter(paragraph.chapter), topic,
                            subtopic if subtopic != sentence.text.rstrip("。") else "")
            for c_index, clause in enumerate(sentence.clauses):
                rows.append({
                    "report_id": report.slug, "paragraph": paragraph.number, "sentence": s_index,
                    "clause": c_index, "text": clause, "sentence_text": sentence.text,
                    "section": section, "part": paragraph.part, "chapter": paragraph.chapter,
                    "topic": paragraph.topic, "subtopic": subtopic, "role": paragraph.role, "year": year,
                    "span": span, "note": None,
                })
    for note in report.notes:
        # Notes are searched like passages, so '十步法分成几个阶段' finds note 13's definition.
        rows.append({
            "report_id": report.slug, "paragraph": -2 - note.number, "sentence": 0, "clause": 0,
            "text": f"{note.term}:{note.definition}", "sentence_text": f"{note.term}:{note.definition}",
            "section": _path("《政府工作报告》注释", f"{note.number}. {note.term}"), "part": "《政府工作报告》注释",
            "chapter": "", "topic": "", "subtopic": "", "role": "note", "year": None, "span": "", "note": note.number,
        })
    rows.append({
        "report_id": report.slug, "paragraph": -1, "sentence": 0, "clause": 0,
        "text": meta_sentence(report), "sentence_text": meta_sentence(report), "section": "报告信息",
        "part": "报告信息", "chapter": "", "topic": "", "subtopic": "", "role": "meta", "year": None, "span": "", "note": None,
    })
    return rows


def meta_sentence(report: Report) -> str:
    """Who delivered the report, when and where, and who published it, in the report's own words."""
    m = report.meta
    said = f"由{m.speaker_title}{m.speaker}" if m.speaker else ""
    when = f"于{chinese_date(m.meeting_date)}" if m.meeting_date else ""
    where = f"在{m.meeting}上" if m.meeting else ""
    delivered = f"{said}{when}{where}作报告" if said or when or where else ""
    published = f"发布机构:{m.publisher}" if m.publisher else ""
    published += ("," if published else "") + f"发布日期:{chinese_date(m.published)}" if m.published else ""
    return f"《{m.title}》{delivered}。" + (published + "。" if published else "")


def chinese_date(iso: str) -> str:
    """'2023-01-10' -> '2023年1月10日', as reports write dates."""
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})$", iso)
    return f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日" if m else iso


def _figure_rows(report: Report, passages: list[dict], first_id: int) -> list[dict]:
    rows = []
    for offset, passage in enumerate(passages):
        if passage["role"] not in ("review", "plan"):
            continue
        for figure in extract_figures(passage["text"]):
            row = asdict(figure)
            row.pop("clause")
            row.update({
                "report_id": report.slug, "passage_id": first_id + offset, "year": passage["year"],
                "kind": "achieved" if passage["role"] == "review" else "target",
                "text": passage["sentence_text"], "figure": figure.text, "section": passage["section"],
            })
            rows.append(row)
    return rows


def build_index(knowledge: Path, db_path: Path) -> BuildResult:
    """Parse every report in ``knowledge`` and write the index to ``db_path`` atomically."""
    started = time.perf_counter()
    knowledge, db_path = Path(knowledge), Path(db_path)
    files = report_files(knowledge)
    curated = read_curated(knowledge)
    aliases, userdict = curated.aliases, curated.userdict
    parsed, skipped = read_reports(files, curated.overrides)
    if not parsed:
        reasons = "; ".join(skipped) if skipped else "the folder holds no report file"
        raise KnowledgeError(f"{knowledge}: no usable report ({reasons})")
    reports = [(r, encoding) for r, encoding, _ in parsed]
    sources = [{"name": r.source, "sha256": digest, "encoding": encoding, "kind": "report"} for r, encoding, digest in parsed]
    refused = {line.split(":", 1)[0] for line in skipped}
    # Refused files are recorded too, so an unchanged folder is not rebuilt at every start.
    sources += [{"name": p.name, "sha256": _sha256(p), "encoding": "", "kind": "refused"} for p in files if p.name in refused]
    sources += [{"name": n, "sha256": h, "encoding": "utf-8", "kind": "curated"} for n, h in curated.hashes.items()]

    # Curated terms are cut as one word. Short aliases are not: '建了' as a word would split
    # '新建了' wrongly; they are matched on the question's text instead.
    terms = [w for w, _f, _t in userdict] + [form for r, _ in reports for note in r.notes for form in note.forms]
    terms += [w for a in aliases for w in (a.canonical, a.alias) if len(w) >= 3 and not w.isascii()]
    all_text = [normalize(p.text) for r, _ in reports for p in r.paragraphs]
    substrings = substrings_of(all_text + [n.term + n.definition for r, _ in reports for n in r.notes])
    vocab = select_vocabulary(substrings | substrings_of(a.alias for a in aliases), terms)
    for word, freq, _tag in userdict:
        # Tagged 'term' so the typo matcher knows these are the report's own words.
        vocab[word] = (max(freq, vocab.get(word, (0, ""))[0]), "term")
    # The thesaurus's everyday words must be cut as words too ('交税', not 交/税), or they
    # are never looked up.
    synonyms = synonyms_for({w for w in vocab if len(w) >= 2} & substrings)
    english = english_words_for(substrings)
    for word in synonyms:
        vocab.setdefault(word, (1000, ""))
    prefixes = prefix_dictionary(vocab)
    tokenizer = Tokenizer(prefixes)

    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=db_path.name + ".", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        counts = _write(sqlite_utils.Database(tmp), reports, sources, aliases, prefixes, synonyms, english, tokenizer)
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
    from bot.catalog import list_reports

    summaries = list_reports(db_path)
    return BuildResult(db_path, len(reports), *counts, seconds=time.perf_counter() - started, skipped=skipped, summaries=summaries)


def _write(db: sqlite_utils.Database, reports, sources, aliases, prefixes, synonyms, english, tokenizer) -> tuple[int, int, int, int]:
    n_passages = n_glossary = n_figures = n_anomalies = 0
    with db.conn:
        for report, encoding in reports:
            passages = _passages(report)
            first_id = n_passages + 1
            for offset, row in enumerate(passages):
                row["id"] = first_id + offset
                row["tokens"] = " ".join(tokenizer.cut(normalize(row["text"])))
            db["passages"].insert_all(passages, pk="id", columns={"note": int, "year": int})
            n_passages += len(passages)
            sections = sorted({(p["part"], p["chapter"], p["topic"], p["section"]) for p in passages})
            db["sections"].insert_all(
                [{"report_id": report.slug, "part": a, "chapter": b, "topic": c, "path": d} for a, b, c, d in sections])
            uses = {u.number: u for u in report.note_uses}
            glossary = []
            for note in report.notes:
                use = uses.get(note.number)
                used = next((p for p in passages if use and p["paragraph"] == use.paragraph and p["sentence"] == use.sentence), None)
                glossary.append({
                    "report_id": report.slug, "number": note.number, "term": note.term, "forms": json.dumps(note.forms, ensure_ascii=False),
                    "definition": note.definition, "used_passage_id": used["id"] if used else None,
                    "used_text": used["sentence_text"] if used else "", "used_section": used["section"] if used else "",
                    "used_form": use.form if use else "",
                    "tokens": " ".join(tokenizer.cut(normalize(note.term + note.definition))),
                })
            db["glossary"].insert_all(glossary)
            n_glossary += len(glossary)
            figures = _figure_rows(report, passages, first_id)
            if figures:
                db["figures"].insert_all(figures)
            n_figures += len(figures)
            meta = asdict(report.meta)
            meta["review_years"] = json.dumps(meta["review_years"])
            meta["warnings"] = json.dumps(meta["warnings"], ensure_ascii=False)
            meta["place_names"] = json.dumps(meta["place_names"], ensure_ascii=False)
            db["reports"].insert({"id": report.slug, "source": report.source, "encoding": encoding, **meta,
                                  "passages": sum(1 for p in passages if p["role"] not in ("note", "meta")),
                                  "notes": len(glossary), "figures": len(figures)}, pk="id")
            anomalies = [{"report_id": report.slug, **asdict(a)} for a in report.anomalies]
            if anomalies:
                db["anomalies"].insert_all(anomalies)
            n_anomalies += len(anomalies)
        db["aliases"].insert_all([{"alias": a.alias, "canonical": a.canonical} for a in aliases] or
                                 [{"alias": "", "canonical": ""}])
        # One JSON value: loading it is ~10x faster than 50,000 rows (question answering from a
        # fresh process must stay well under a second).
        db["tokenizer"].insert({"key": "prefix_dictionary", "value": json.dumps(prefixes, ensure_ascii=False)}, pk="key")
        db["tokenizer"].insert({"key": "synonyms", "value": json.dumps(synonyms, ensure_ascii=False)})
        db["tokenizer"].insert({"key": "english", "value": json.dumps(english, ensure_ascii=False)})
        db["sources"].insert_all(sources)
        db["index_info"].insert_all([
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "built_at", "value": time.strftime("%Y-%m-%dT%H:%M:%S%z")},
            # Buttons carry it, so a button pressed after a reindex is recognised as stale.
            {"key": "build_id", "value": uuid.uuid4().hex[:8]},
        ], pk="key")
    # A report may have no notes, figures or anomalies; the tables exist all the same.
    empty = {
        "glossary": {"report_id": str, "number": int, "term": str, "forms": str, "definition": str, "used_passage_id": int,
                     "used_text": str, "used_section": str, "used_form": str, "tokens": str},
        "figures": {"report_id": str, "passage_id": int, "year": int, "kind": str, "text": str, "figure": str, "section": str,
                    "indicator": str, "value": str, "number": float, "unit": str, "measure": str, "qualifier": str, "growth": str, "rank": str},
        "anomalies": {"report_id": str, "paragraph": int, "original": str, "replacement": str, "reason": str},
    }
    for table, columns in empty.items():
        if not db[table].exists():
            db[table].create(columns)
    db["passages"].enable_fts(["tokens"], tokenize="unicode61")
    db["glossary"].enable_fts(["tokens"], tokenize="unicode61")
    db["figures"].create_index(["report_id", "year"])
    db.conn.execute("PRAGMA journal_mode=DELETE")
    db.conn.close()
    return n_passages, n_glossary, n_figures, n_anomalies
