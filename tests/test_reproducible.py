"""The same knowledge gives the same index and the same answers, whatever the process's hash
seed (Python randomises string hashing per process, so anything that depends on set or dict
order of strings would differ between two builds)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS, DATA, KNOWLEDGE

ROOT = Path(__file__).resolve().parent.parent
QUESTION_SETS = ("questions-dev.jsonl", "questions-everyday.jsonl")


def _build_and_ask(tmp: Path, seed: str) -> list[dict]:
    knowledge = tmp / "knowledge"
    if not knowledge.exists():
        import shutil

        shutil.copytree(KNOWLEDGE, knowledge)
        shutil.copy(CORPUS / "2023-nanchang-donghu.txt", knowledge)
    db = tmp / f"index-{seed}.db"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "bot", "index", "--knowledge", str(knowledge), "--db", str(db)],
                   check=True, capture_output=True, env=env, cwd=ROOT)
    questions = "".join(json.loads(line)["q"] + "\n" for name in QUESTION_SETS
                        for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip())
    out = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--db", str(db)], input=questions,
                         capture_output=True, text=True, env=env, cwd=ROOT, check=True).stdout
    return [{k: v for k, v in json.loads(line).items() if k != "ms"} for line in out.splitlines()]


def _tables(db: Path) -> dict[str, list]:
    """Every table of an index file but its build stamp, rows in a stable order."""
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' and name not like '%_fts%'")]
        return {name: sorted(map(repr, conn.execute(f"select * from [{name}]").fetchall()))
                for name in names if name != "index_info"}
    finally:
        conn.close()


def test_two_builds_under_different_hash_seeds_store_the_same_tables_and_give_the_same_answers(tmp_path):
    first = _build_and_ask(tmp_path / "a", "1")
    second = _build_and_ask(tmp_path / "b", "4242")
    assert first == second
    catalogs = [tmp_path / "a" / "index-1.db", tmp_path / "b" / "index-4242.db"]
    assert _tables(catalogs[0]) == _tables(catalogs[1])
    shards = [sorted((catalogs[0].parent / "index-1.reports").glob("*.db")),
              sorted((catalogs[1].parent / "index-4242.reports").glob("*.db"))]
    assert [p.name for p in shards[0]] == [p.name for p in shards[1]]
    for a, b in zip(*shards):
        assert _tables(a) == _tables(b), a.name
