"""Is the index older than knowledge/? Compares the hashes the index recorded with the files now."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from bot.knowledge.curated import CURATED_FILES


def is_report_file(path: Path) -> bool:
    """Every file of the knowledge folder is a report but the curated files, hidden files,
    READMEs and partial downloads."""
    name = path.name
    return (path.is_file() and name not in CURATED_FILES and not name.startswith((".", "~$"))
            and not name.lower().startswith("readme") and not name.endswith((".tmp", ".part")))


def current_hashes(knowledge: Path) -> dict[str, str]:
    """sha256 of every file the index is built from: reports of any form and the curated files."""
    out = {}
    if not knowledge.is_dir():
        return out
    for path in sorted(knowledge.iterdir()):
        if path.name in CURATED_FILES and path.is_file():
            out[path.name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.stat().st_size else ""
        elif is_report_file(path):
            out[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
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
