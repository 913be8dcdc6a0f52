"""Is the index older than knowledge/? Compares the hashes the index recorded with the files now."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from bot.curated import CURATED_FILES


def current_hashes(knowledge: Path) -> dict[str, str]:
    out = {}
    if not knowledge.is_dir():
        return out
    for path in sorted(knowledge.glob("*.txt")):
        out[path.name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.stat().st_size or path.name not in CURATED_FILES else ""
    return out


def indexed_hashes(db_path: Path) -> dict[str, str] | None:
    """None when the index is missing or unreadable."""
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            return {name: digest for name, digest in conn.execute("select name, sha256 from sources")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


def is_stale(knowledge: Path, db_path: Path) -> bool:
    """True when the index is missing, unreadable, or built from other files than knowledge/ holds now."""
    recorded = indexed_hashes(db_path)
    return recorded is None or recorded != current_hashes(knowledge)
