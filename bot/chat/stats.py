"""The usage log behind /stats: its own SQLite file, outside the index, so a reindex never loses
it. It stores no user names and no raw user ids: a salted hash at most."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.language.normalize import normalize


@dataclass
class Summary:
    questions: int
    answered: int
    p50_ms: float
    p95_ms: float
    users: int
    top_unanswered: list[tuple[str, int]]

    @property
    def answered_share(self) -> float:
        return self.answered / self.questions if self.questions else 0.0


class StatsLog:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("pragma journal_mode=wal")
        # With WAL, NORMAL survives a crash of the process (not of the machine) and spares the
        # event loop a disk sync on every question.
        self._conn.execute("pragma synchronous=normal")
        self._conn.execute("create table if not exists meta (key text primary key, value text)")
        self._conn.execute(
            "create table if not exists questions (ts real, user_hash text, question text, answered integer, kind text, ms real)")
        self._conn.execute("create index if not exists questions_unanswered on questions (answered, question)")
        row = self._conn.execute("select value from meta where key = 'salt'").fetchone()
        if row is None:
            self._salt = secrets.token_hex(16)
            self._conn.execute("insert into meta values ('salt', ?)", (self._salt,))
        else:
            self._salt = row[0]

    def user_hash(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        return hashlib.sha256(f"{self._salt}:{user_id}".encode()).hexdigest()[:16]

    def record(self, user_id: int | None, question: str, answered: bool, kind: str, ms: float) -> None:
        with self._lock:
            self._conn.execute("insert into questions values (?, ?, ?, ?, ?, ?)",
                               (time.time(), self.user_hash(user_id), question[:500], int(answered), kind, ms))

    def summary(self, top: int = 10) -> Summary:
        with self._lock:
            total, answered, users = self._conn.execute(
                "select count(*), coalesce(sum(answered), 0), count(distinct user_hash) from questions").fetchone()
            times = [r[0] for r in self._conn.execute("select ms from questions order by ms")]
            rows = self._conn.execute(
                "select question from questions where answered = 0 and kind != 'help'").fetchall()
        counts: dict[str, list] = {}
        for (question,) in rows:
            key = normalize(question).lower().strip(" ??!!。.")
            entry = counts.setdefault(key, [question, 0])
            entry[1] += 1
        ranked = sorted(counts.values(), key=lambda e: (-e[1], e[0]))[:top]

        def pct(p: float) -> float:
            return times[min(len(times) - 1, max(int(round(p * len(times) + 0.5)) - 1, 0))] if times else 0.0

        return Summary(total, answered, pct(0.5), pct(0.95), users, [(q, n) for q, n in ranked])

    def close(self) -> None:
        self._conn.close()
