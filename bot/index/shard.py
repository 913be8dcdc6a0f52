"""One report's index: a small SQLite file of its passages (with FTS5 over jieba tokens), notes,
figures, anomalies and the tokenizer tables of its own vocabulary.

A shard depends only on the report file, the user dictionary and the parser's version, so it is
named by a hash of those and never rewritten: an unchanged report is not parsed again, and
adding or removing one report builds at most one shard. The catalog (``bot.index.indexer``) lists
which shards make up the index.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import asdict
from pathlib import Path

import sqlite_utils

from bot.atomic import replacing
from bot.language.english import compositional_english, english_words_for
from bot.parse.figures import extract_figures
from bot.language.normalize import normalize
from bot.parse.report import FIVE_YEAR_PLAN_PART, Report
from bot.parse.subdivisions import subdivision_names
from bot.index.schema import SCHEMA_VERSION
from bot.language.thesaurus import class_words, synonyms_for
from bot.language.tokenizer import Tokenizer, prefix_dictionary, select_vocabulary, substrings_of

PATH_SEP = " › "
# Bump when parsing or shard building changes what a shard holds: every shard is rebuilt.
PARSER_VERSION = "9.21"
SUBDIVISION_FREQUENCY = 50  # as rare as a name: a word of the report, not a common one


def shard_key(report_sha256: str, userdict_sha256: str, overrides: dict | None) -> str:
    """The name of a report's shard: what it is built from, hashed."""
    material = json.dumps([PARSER_VERSION, SCHEMA_VERSION, report_sha256, userdict_sha256, overrides or {}],
                          sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:24]


def short_chapter(chapter: str) -> str:
    """'(一)稳增长扩总量,综合实力迈上新台阶' -> '(一)稳增长扩总量'."""
    return re.split(r"[,,]", chapter, maxsplit=1)[0]


def _path(*parts: str) -> str:
    return PATH_SEP.join(p for p in parts if p)


# A review sentence about several years ('年均增长6.8%', '“十三五”时期', '较2017年增长'): its
# figures are not the reviewed year's. A year's average level ('PM2.5年均浓度') is the year's own.
_PERIOD = re.compile(r"年均(?!浓度|值|气温|降水|降雨)|过去五年|五年来|五年间|五年累计|“?十[一二三四]五”?(?:时期|期间|以来)|较20\d\d年|比20\d\d年|是20\d\d年的")


def period_of(sentence: str, meta) -> str:
    """'过去五年' (or '2018—2022年') for a sentence about several years, '' otherwise."""
    if not _PERIOD.search(sentence):
        return ""
    years = meta.review_years
    return f"{years[0]}—{years[-1]}年" if len(years) > 1 else "过去五年"


def plan_period(part: str, meta) -> str:
    """'2022—2026年目标' for the goals of a five-year plan part ('二、今后五年的奋斗目标'), '' for the
    year's plan."""
    if not (meta.plan_year and FIVE_YEAR_PLAN_PART.search(part)):
        return ""
    return f"{meta.plan_year}—{meta.plan_year + 4}年目标"


def _passages(report: Report) -> list[dict]:
    rows = []
    meta = report.meta
    for paragraph in report.paragraphs:
        for s_index, sentence in enumerate(paragraph.sentences):
            year = {"review": meta.review_year, "plan": meta.plan_year}.get(paragraph.role)
            span = (period_of(sentence.text, meta) if paragraph.role == "review"
                    else plan_period(paragraph.part, meta) if paragraph.role == "plan" else "")
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


def build_shard(report: Report, encoding: str, userdict: list[tuple[str, int, str]], path: Path) -> dict:
    """Write the report's shard to ``path`` (atomically); return its counts."""
    terms = [w for w, _f, _t in userdict] + [form for note in report.notes for form in note.forms]
    texts = [normalize(p.text) for p in report.paragraphs] + [n.term + n.definition for n in report.notes]
    substrings = substrings_of(texts)
    vocab = select_vocabulary(substrings, terms)
    for word, freq, _tag in userdict:
        # Tagged 'term' so the typo matcher knows these are the report's own words.
        vocab[word] = (max(freq, vocab.get(word, (0, ""))[0]), "term")
    for name in subdivision_names(texts):
        # Its towns and streets are places, cut whole ('去进化镇玩', not 进化/镇玩).
        vocab[name] = (max(SUBDIVISION_FREQUENCY, vocab.get(name, (0, ""))[0]), "ns")
    # The thesaurus's everyday words must be cut as words too ('交税', not 交/税), or they
    # are never looked up.
    report_words = {w for w in vocab if len(w) >= 2} & substrings
    synonyms = synonyms_for(report_words)
    classes = class_words(report_words)
    english = english_words_for(substrings)
    # The report's named terms ('胡子工程', quoted or noted) in English composed from their parts.
    named = {f for note in report.notes for f in note.forms} | {w for w, _f, _t in userdict if w in substrings}
    named |= {q for p in report.paragraphs for q in re.findall(r"“([^”]{2,8})”", p.text)}
    for phrase, words in compositional_english(named).items():
        english[phrase] = sorted(set(english.get(phrase, [])) | set(words), key=lambda w: (-len(w), w))[:8]
    for word in sorted(synonyms):
        vocab.setdefault(word, (1000, ""))
    prefixes = prefix_dictionary(vocab, (w for w in vocab if len(w) >= 2 and w in substrings))
    tokenizer = Tokenizer(prefixes)

    with replacing(path) as tmp:
        return _write(sqlite_utils.Database(tmp), report, encoding, prefixes, synonyms, classes, english, tokenizer)


def _write(db: sqlite_utils.Database, report: Report, encoding: str, prefixes, synonyms, classes, english, tokenizer) -> dict:
    with db.conn:
        passages = _passages(report)
        for offset, row in enumerate(passages):
            row["id"] = offset + 1
            row["tokens"] = " ".join(tokenizer.cut(normalize(row["text"])))
        db["passages"].insert_all(passages, pk="id", columns={"note": int, "year": int})
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
        if glossary:
            db["glossary"].insert_all(glossary)
        figures = _figure_rows(report, passages, 1)
        if figures:
            db["figures"].insert_all(figures)
        meta = asdict(report.meta)
        for key in ("review_years", "target_years", "warnings", "place_names"):
            meta[key] = json.dumps(meta[key], ensure_ascii=False)
        counts = {"passages": sum(1 for p in passages if p["role"] not in ("note", "meta")),
                  "notes": len(glossary), "figures": len(figures)}
        db["reports"].insert({"id": report.slug, "source": report.source, "encoding": encoding, **meta, **counts}, pk="id")
        anomalies = [{"report_id": report.slug, **asdict(a)} for a in report.anomalies]
        if anomalies:
            db["anomalies"].insert_all(anomalies)
        # One JSON value: loading it is ~10x faster than 50,000 rows (question answering from a
        # fresh process must stay well under a second).
        db["tokenizer"].insert({"key": "prefix_dictionary", "value": json.dumps(prefixes, ensure_ascii=False, sort_keys=True)}, pk="key")
        db["tokenizer"].insert({"key": "synonyms", "value": json.dumps(synonyms, ensure_ascii=False, sort_keys=True)})
        db["tokenizer"].insert({"key": "classes", "value": json.dumps(classes, ensure_ascii=False, sort_keys=True)})
        db["tokenizer"].insert({"key": "english", "value": json.dumps(english, ensure_ascii=False, sort_keys=True)})
        db["index_info"].insert_all([
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "parser_version", "value": PARSER_VERSION},
            {"key": "built_at", "value": time.strftime("%Y-%m-%dT%H:%M:%S%z")},
        ], pk="key")
    create_empty_tables(db)
    db["passages"].enable_fts(["tokens"], tokenize="unicode61")
    db["glossary"].enable_fts(["tokens"], tokenize="unicode61")
    db.conn.execute("PRAGMA journal_mode=DELETE")
    db.conn.close()
    return counts


# A report may have no notes, figures or anomalies; the tables exist all the same.
EMPTY_TABLES = {
    "glossary": {"report_id": str, "number": int, "term": str, "forms": str, "definition": str, "used_passage_id": int,
                 "used_text": str, "used_section": str, "used_form": str, "tokens": str},
    "figures": {"report_id": str, "passage_id": int, "year": int, "kind": str, "text": str, "figure": str, "section": str,
                "indicator": str, "value": str, "number": float, "unit": str, "measure": str, "qualifier": str, "growth": str,
                "rank": str},
    "anomalies": {"report_id": str, "paragraph": int, "original": str, "replacement": str, "reason": str},
}


def create_empty_tables(db: sqlite_utils.Database) -> None:
    for table, columns in EMPTY_TABLES.items():
        if not db[table].exists():
            db[table].create(columns)
