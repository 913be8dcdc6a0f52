"""Rebuild the index while the bot keeps answering.

The new index is built into a candidate file, checked (SQLite integrity, non-zero counts, smoke
questions answered) and only then moved over the live index with an atomic rename; the caller
then swaps the in-memory Library. Questions in flight finish on the old one. A process killed at
any moment leaves either the old or the new complete index in place, never a half-written one.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from bot.errors import IndexInvalid
from bot.index.indexer import BuildResult, build_index, shard_folder
from bot.answer.library import Library, open_library

# Questions every usable index must answer: a figure, a target and a note of the newest report
# are asked in the report's own words, taken from the new index itself.
SMOKE_LIMIT = 3


@dataclass
class ReindexResult:
    build: BuildResult
    library: Library
    seconds: float


def candidate_path(index_path: Path) -> Path:
    return index_path.with_name(index_path.name + ".candidate")


_LEFTOVER_ENDINGS = (".tmp", ".candidate", ".tmp-journal", ".candidate-journal", ".tmp-wal", ".tmp-shm",
                     ".candidate-wal", ".candidate-shm")


def clean_leftovers(index_path: Path) -> None:
    """Remove candidates, temporary files and their SQLite journals a killed build left behind
    (the catalog's and the shards')."""
    for leftover in index_path.parent.glob(index_path.name + ".*"):
        if leftover.name.endswith(_LEFTOVER_ENDINGS):
            leftover.unlink(missing_ok=True)
    shards = shard_folder(index_path)
    if shards.is_dir():
        for leftover in shards.iterdir():
            if leftover.name.endswith((".tmp", "-journal", ".tmp-wal", ".tmp-shm")):
                leftover.unlink(missing_ok=True)


def check_index(path: Path, home: str = "") -> Library:
    """Open and check a freshly built index; raise IndexInvalid naming what is wrong."""
    conn = sqlite3.connect(path)
    try:
        if conn.execute("pragma integrity_check").fetchone()[0] != "ok":
            raise IndexInvalid(f"{path}: SQLite integrity check failed")
        if not conn.execute("select count(*) from reports").fetchone()[0]:
            raise IndexInvalid(f"{path}: the new index has no reports")
    finally:
        conn.close()
    library = open_library(path, home=home or None)
    for question in smoke_questions(library):
        if not library.ask_in(question, library.newest.id).answered:
            raise IndexInvalid(f"{path}: the new index cannot answer {question!r}")
    return library


def smoke_questions(library: Library) -> list[str]:
    report = library.newest
    kb = library.answerer(report.id).kb
    questions = []
    note = next((n for n in kb.glossary if n.report_id == report.id), None)
    if note:
        questions.append(f"{note.forms[0]}是什么意思")
    for p in kb.by_report[report.id]:
        if p.units and p.role in ("review", "plan") and 12 <= len(p.text) <= 60:
            questions.append(p.text)
            if len(questions) >= SMOKE_LIMIT:
                break
    return questions


def rebuild(knowledge: Path, index_path: Path, home: str = "") -> ReindexResult:
    """Build, check and install a new index. On any failure the live index is untouched.

    The candidate catalog shares the live index's shard folder: the shards it needs are added
    beside the ones in use under new names, so the live catalog keeps working throughout."""
    import fcntl

    started = time.perf_counter()
    candidate = candidate_path(index_path)
    index_path.parent.mkdir(parents=True, exist_ok=True)
    # One build at a time per index, across processes (/reindex, an admin's add, `reportbot add`).
    lock = open(index_path.with_name(f".{index_path.name}.lock"), "a")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        build = build_index(knowledge, candidate, shards=shard_folder(index_path))
        library = check_index(candidate, home)
        # The checked catalog is renamed into place; its open connection follows the file.
        os.replace(candidate, index_path)
    finally:
        candidate.unlink(missing_ok=True)
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    library.path = build.path = index_path
    return ReindexResult(build, library, time.perf_counter() - started)
