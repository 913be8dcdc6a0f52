"""Build the index of the reports in a knowledge folder: one shard per report (``bot.index.shard``)
and a catalog that lists them.

The catalog (the INDEX_PATH file) holds what routing and cross-report answers need without
opening any shard: each report's metadata and place names, every figure and note, the aliases,
and the sources' hashes (so a stale index is detected, see ``bot.index.freshness``). Shards live in a
folder beside it (``index.reports/``), named by what they are built from, so an unchanged report
is not parsed again.

Safety: new shards are written beside the old ones under new names; the catalog is written to a
temporary file and moved into place only when complete. A failed or killed build leaves the old
catalog and every shard it names untouched; shards named by neither the new nor the previous
catalog are removed afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from bot.atomic import replacing
from bot.knowledge.curated import USERDICT_FILE, Curated, read_curated
from bot.errors import KnowledgeError
from bot.index.freshness import is_report_file
from bot.sources import read_document
from bot.parse.metadata import apply_overrides
from bot.parse.structure import parse_document
from bot.index.schema import SCHEMA_VERSION
from bot.index.shard import EMPTY_TABLES, build_shard, shard_key

SHARDS_SUFFIX = ".reports"


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
    parsed: int = 0  # reports parsed in this build (the others' shards were reused)


def shard_folder(db_path: Path) -> Path:
    """var/index.db -> var/index.reports/"""
    return db_path.with_name(db_path.stem + SHARDS_SUFFIX)


def report_files(folder: Path) -> list[Path]:
    """Every report in the folder: each file that is not a curated file, a hidden file or a README."""
    if not folder.is_dir():
        raise KnowledgeError(f"{folder}: the knowledge folder does not exist (set KNOWLEDGE_DIR or pass --knowledge)")
    return sorted(p for p in folder.iterdir() if is_report_file(p))


@dataclass
class _Entry:
    path: Path  # the report file
    sha256: str
    key: str  # its shard's name


def build_index(knowledge: Path, db_path: Path, shards: Path | None = None, live: Path | None = None) -> BuildResult:
    """Index every report in ``knowledge``: reuse the shards of unchanged reports, build the
    others, then write the catalog to ``db_path`` atomically. A candidate catalog (``/reindex``)
    shares the ``shards`` folder of the ``live`` index, whose shards are kept."""
    started = time.perf_counter()
    knowledge, db_path = Path(knowledge), Path(db_path)
    files = report_files(knowledge)
    curated = read_curated(knowledge)
    shards = shards or shard_folder(db_path)
    live = live or db_path
    userdict_hash = curated.hashes.get(USERDICT_FILE, "")
    entries = []
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        entries.append(_Entry(path, digest, shard_key(digest, userdict_hash, curated.overrides.get(path.name))))

    todo = [e for e in entries if not _usable_shard(shards / f"{e.key}.db")]
    failures = _build_shards(todo, curated, shards)
    skipped = [failures[e.path.name] for e in entries if e.path.name in failures]
    built = [e for e in entries if e.path.name not in failures]
    parsed = len(todo) - len(failures)
    if not built:
        reasons = "; ".join(skipped) if skipped else "the folder holds no report file"
        raise KnowledgeError(f"{knowledge}: no usable report ({reasons})")

    previous = catalog_shards(live)
    counts = _write_catalog(db_path, shards, built, entries, skipped, curated, live)
    _remove_unused_shards(shards, {e.key for e in built} | previous)
    from bot.index.catalog import list_reports

    return BuildResult(db_path, len(built), *counts, seconds=time.perf_counter() - started, skipped=skipped,
                       summaries=list_reports(db_path), parsed=parsed)


def _usable_shard(path: Path) -> bool:
    """Shards are written whole and renamed into place, and never changed after: one that
    exists is complete."""
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


# Reports parsed at once when many are new (a first build of a large folder): one process per
# core, as parsing is CPU-bound Python. A few new reports are built in this process.
PARALLEL_FROM = 8


def _build_shards(todo: list[_Entry], curated: Curated, shards: Path) -> dict[str, str]:
    """Build the shards of the new or changed reports; return {file name: refusal line}."""
    workers = min(os.cpu_count() or 1, 4)
    args = (todo, [curated] * len(todo), [shards] * len(todo))
    if len(todo) >= PARALLEL_FROM and workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            refusals = list(pool.map(_build_or_refuse, *args, chunksize=4))
    else:
        refusals = list(map(_build_or_refuse, *args))
    return {entry.path.name: refusal for entry, refusal in zip(todo, refusals) if refusal}


def _build_or_refuse(entry: _Entry, curated: Curated, shards: Path) -> str:
    """'' when the shard was built, else the line naming the file and the reason."""
    try:
        _build_one(entry, curated, shards / f"{entry.key}.db")
    except KnowledgeError as err:
        return str(err).replace(str(entry.path), entry.path.name)
    return ""


def _build_one(entry: _Entry, curated: Curated, shard: Path) -> None:
    doc = read_document(entry.path)
    report = parse_document(doc, entry.path.stem)
    if entry.path.name in curated.overrides:
        apply_overrides(report.meta, curated.overrides[entry.path.name], doc.text, entry.path.name)
    report.source = entry.path.name
    build_shard(report, doc.encoding, curated.userdict, shard)


def catalog_shards(db_path: Path) -> set[str]:
    """The shard keys an existing catalog names (empty when there is none or it is unreadable)."""
    if not db_path.exists():
        return set()
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            return {row[0] for row in conn.execute("select shard from reports")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return set()


def _write_catalog(db_path: Path, shards: Path, built: list[_Entry], entries: list[_Entry], skipped: list[str],
                   curated: Curated, live: Path) -> tuple[int, int, int, int]:
    """Write the catalog to a temporary file and move it into place. When the live catalog is
    usable it is copied and only the reports that changed are taken out or put in, so adding
    one report to a thousand touches one shard."""
    with replacing(db_path) as tmp:
        fresh = not _reusable_catalog(live, shards)
        if not fresh:
            shutil.copyfile(live, tmp)
        return _sync_catalog(sqlite_utils.Database(tmp), shards, built, entries, skipped, curated, fresh)


def _reusable_catalog(live: Path, shards: Path) -> bool:
    if not live.exists():
        return False
    try:
        conn = sqlite3.connect(f"file:{live}?mode=ro", uri=True)
        try:
            info = dict(conn.execute("select key, value from index_info").fetchall())
            return (info.get("kind") == "catalog" and info.get("schema_version") == str(SCHEMA_VERSION)
                    and info.get("shards") == shards.name)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def _sync_catalog(db: sqlite_utils.Database, shards: Path, built: list[_Entry], entries: list[_Entry],
                  skipped: list[str], curated: Curated, fresh: bool) -> tuple[int, int, int, int]:
    conn = db.conn
    if fresh:
        for table, columns in EMPTY_TABLES.items():
            db[table].create(columns)
        existing: dict[str, tuple[str, str, int]] = {}
    else:
        existing = {r[0]: (r[1], r[2], r[3]) for r in conn.execute("select source, id, shard, number from reports")}
    wanted = {e.path.name: e for e in built}
    kept = {source for source, (_id, key, _n) in existing.items() if source in wanted and wanted[source].key == key}
    with conn:
        for source, (report_id, _key, _number) in existing.items():
            if source not in kept:
                for table in ("reports", "figures", "glossary", "anomalies"):
                    conn.execute(f"delete from {table} where {'id' if table == 'reports' else 'report_id'} = ?", (report_id,))
    slugs = {existing[s][0] for s in kept}
    number = max((n for _i, _k, n in existing.values()), default=0)
    for entry in sorted(built, key=lambda e: e.path.name):
        if entry.path.name in kept:
            continue
        number += 1
        _add_report(db, shards / f"{entry.key}.db", entry, number, slugs)
    refused = {line.split(":", 1)[0] for line in skipped}
    sources = [{"name": e.path.name, "sha256": e.sha256, "kind": "report" if e.path.name in wanted else "refused"}
               for e in entries if e.path.name in wanted or e.path.name in refused]
    # Refused files are recorded too, so an unchanged folder is not rebuilt at every start.
    sources += [{"name": n, "sha256": h, "kind": "curated"} for n, h in sorted(curated.hashes.items())]
    with conn:
        for table in ("sources", "aliases", "index_info"):
            if db[table].exists():
                conn.execute(f"delete from {table}")
        db["sources"].insert_all(sources)
        db["aliases"].insert_all([{"alias": a.alias, "canonical": a.canonical} for a in curated.aliases] or
                                 [{"alias": "", "canonical": ""}])
        db["index_info"].insert_all([
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "kind", "value": "catalog"},
            {"key": "built_at", "value": time.strftime("%Y-%m-%dT%H:%M:%S%z")},
            # Buttons carry it, so a button pressed after a reindex is recognised as stale.
            {"key": "build_id", "value": uuid.uuid4().hex[:8]},
            {"key": "skipped", "value": json.dumps(skipped, ensure_ascii=False)},
            # Where the shards are, relative to the catalog (a candidate catalog uses the live index's).
            {"key": "shards", "value": shards.name},
        ], pk="key", replace=True)
    if fresh:
        db["figures"].create_index(["report_id", "year"])
    totals = (conn.execute("select coalesce(sum(passages), 0) from reports").fetchone()[0],
              conn.execute("select count(*) from glossary").fetchone()[0],
              conn.execute("select count(*) from figures").fetchone()[0],
              conn.execute("select count(*) from anomalies").fetchone()[0])
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    return totals


def _add_report(db: sqlite_utils.Database, shard: Path, entry: _Entry, number: int, slugs: set[str]) -> None:
    """Copy a shard's report row, figures, notes and anomalies into the catalog."""
    conn = db.conn
    conn.execute("attach database ? as shard", (f"file:{shard}?mode=ro",))
    try:
        cursor = conn.execute("select * from shard.reports")
        row = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
        # Two files with one stem (2023-x.pdf, 2023-x.txt): the later one goes by its whole name.
        slug = row["id"] if row["id"] not in slugs else entry.path.name
        slugs.add(slug)
        old_id = row["id"]
        row.update({"id": slug, "number": number, "shard": entry.key, "source": entry.path.name})
        db["reports"].insert(row, pk="id", alter=True)
        for table in ("figures", "glossary", "anomalies"):
            columns = [c for c in EMPTY_TABLES[table] if c != "report_id"]
            conn.execute(f"insert into {table} (report_id, {', '.join(columns)}) "
                         f"select ?, {', '.join(columns)} from shard.{table} where report_id = ?", (slug, old_id))
        conn.commit()
    finally:
        conn.execute("detach database shard")


def _remove_unused_shards(folder: Path, keep: set[str]) -> None:
    """Shards no catalog names any more, and temporary files of killed builds."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        name = path.name
        if name.endswith(".db") and name[:-3] in keep:
            continue
        if name.endswith(".tmp") and time.time() - path.stat().st_mtime < 3600:
            continue  # another build may be writing it now
        path.unlink(missing_ok=True)
