"""What admins do to the knowledge, from the chat or the terminal alike: add a report (after a
preview of what was understood), replace one, remove one (kept in a trash folder for undo),
teach the bot words (aliases), and the audit log of all of it. No Telegram here.

Safety: a report file is written into the knowledge folder only when confirmed, atomically
(a temporary file renamed into place), and the index is rebuilt as /reindex does (a new
catalog swapped in; the old one answers until then). Admin actions are serialised by a lock
file, so two admins (or the bot and `reportbot add`) never interleave. A kill at any moment
leaves a complete knowledge folder and a working index: at worst the folder is ahead of the
index, and the next start (or /reindex) rebuilds it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.atomic import replacing
from bot.knowledge.curated import ALIASES_FILE, is_phrase_pattern, parse_aliases, phrase_problem
from bot.errors import ReportBotError

TRASH = ".trash"
LOCK = ".admin-lock"
CHAT_MARK = "# 来自聊天"  # the comment that marks an alias line added from the chat or `reportbot alias add`
_EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "text": ".txt"}


class AdminError(ReportBotError):
    """An admin action that cannot be done as asked (the message says why)."""


@dataclass
class Preview:
    """What the bot understood of a file it was sent, before anything is saved."""
    data: bytes
    sha256: str
    form: str
    title: str
    place: str
    parent: str
    year: int
    review_years: list[int]
    plan_year: int
    passages: int
    notes: int
    figures: int
    warnings: list[str]
    samples: list[tuple[str, str]]  # (question, answer) asked of the new report
    file_name: str  # the safe name it will be saved under
    replaces: str = ""  # the file of the same place and year it would replace

    def summary(self) -> str:
        reviewed = "、".join(str(y) for y in self.review_years)
        lines = [f"《{self.title}》", f"地方:{self.parent + ' › ' if self.parent else ''}{self.place or '未知'};"
                 f"年份:{self.year}(回顾{reviewed},计划{self.plan_year})",
                 f"{self.passages} 段、{self.notes} 条注释、{self.figures} 个数字;格式:{self.form}"]
        if self.warnings:
            lines.append("注意:" + ";".join(self.warnings))
        for question, answer in self.samples:
            lines.append(f"试问:{question}\n答:{answer}")
        if self.replaces:
            lines.append(f"已有同一地方同一年份的报告 {self.replaces},加入将替换它。")
        return "\n".join(lines)


@dataclass
class Admin:
    knowledge: Path
    index_path: Path
    audit_path: Path
    home: str = ""
    _conn: sqlite3.Connection | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ locking and audit

    @contextmanager
    def serialised(self):
        """One admin action at a time, across processes (the lock file lives beside the index,
        not among the reports)."""
        self.index_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.index_path.with_name(f".{self.index_path.name}{LOCK}"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _audit_db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.audit_path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.audit_path, check_same_thread=False)
            self._conn.execute("pragma journal_mode=wal")
            self._conn.execute("create table if not exists audit (ts real, admin integer, action text, "
                               "subject text, sha256 text, detail text)")
        return self._conn

    def log(self, admin: int | None, action: str, subject: str, sha256: str = "", detail: str = "") -> None:
        conn = self._audit_db()
        with conn:
            conn.execute("insert into audit values (?, ?, ?, ?, ?, ?)", (time.time(), admin, action, subject, sha256, detail))

    def audit(self, limit: int = 20) -> list[dict]:
        rows = self._audit_db().execute(
            "select ts, admin, action, subject, sha256, detail from audit order by ts desc limit ?", (limit,)).fetchall()
        return [{"when": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r[0])), "admin": r[1], "action": r[2],
                 "subject": r[3], "sha256": r[4], "detail": r[5]} for r in rows]

    # ------------------------------------------------------------------ reports

    def preview(self, data: bytes, sent_name: str) -> Preview:
        """Read and parse a file without touching the knowledge folder; ask it two sample questions."""
        from bot.index.indexer import build_index
        from bot.sources import read_bytes
        from bot.answer.library import open_library
        from bot.parse.structure import parse_document

        doc = read_bytes(data, _display_name(sent_name))
        report = parse_document(doc, "preview")
        meta = report.meta
        with tempfile.TemporaryDirectory(prefix="reportbot-preview-") as tmp:
            folder = Path(tmp) / "knowledge"
            folder.mkdir()
            name = self._safe_name(meta, doc.form)
            (folder / name).write_bytes(data)
            for curated in ("aliases.txt", "userdict.txt"):
                if (self.knowledge / curated).exists():
                    shutil.copy(self.knowledge / curated, folder)
            build = build_index(folder, Path(tmp) / "index.db")
            library = open_library(Path(tmp) / "index.db", warm=False)
            summary = build.summaries[0]
            samples = []
            for question in library.examples()[:2]:
                answer = library.ask(question)
                samples.append((question, answer.answer if answer.answered else "(没有找到)"))
            library.close()
        return Preview(data, hashlib.sha256(data).hexdigest(), doc.form, meta.title, meta.district, meta.city, meta.year,
                       meta.review_years, meta.plan_year, summary["passages"], summary["notes"], summary["figures"],
                       summary["warnings"], samples, name, self._same_place_and_year(meta))

    def _safe_name(self, meta, form: str) -> str:
        """'2023-jiujiang.pdf': the year and the place in pinyin; nothing from the sender's file name."""
        from pypinyin import lazy_pinyin

        from bot.parse.gazetteer import short_name

        place = "".join(lazy_pinyin(short_name(meta.district))) if meta.district else "report"
        place = re.sub(r"[^a-z0-9]+", "", place.lower()) or "report"
        return f"{meta.year or 'unknown'}-{place}{_EXTENSIONS.get(form, '.txt')}"

    def _same_place_and_year(self, meta) -> str:
        for summary in self._held():
            if summary["place"] == meta.district and summary["parent"] == meta.city and summary["year"] == meta.year:
                return summary["file"]
        return ""

    def _held(self) -> list[dict]:
        from bot.index.catalog import list_reports

        try:
            return list_reports(self.index_path)
        except ReportBotError:
            return []

    def add(self, preview: Preview, admin: int | None, replace: bool = False):
        """Save the previewed file into the knowledge folder and reindex. With a report of the
        same place and year already there, ``replace`` must be given; the old file goes to the
        trash. Returns the ReindexResult."""
        with self.serialised():
            replaces = self._same_place_and_year(_Meta(preview.place, preview.parent, preview.year))
            if replaces and not replace:
                raise AdminError(f"已有同一地方同一年份的报告 {replaces}:要替换,请确认替换")
            target = self.knowledge / preview.file_name
            if target.exists() and target.name != replaces:
                target = self.knowledge / _unique(self.knowledge, preview.file_name)
            moved = self._to_trash(replaces) if replaces else None
            try:
                _write_atomically(target, preview.data)
                result = self._reindex()
            except Exception:
                # Put the folder back as it was: the index was not swapped.
                target.unlink(missing_ok=True)
                if moved:
                    os.replace(moved, self.knowledge / replaces)
                raise
            self.log(admin, "replace" if replaces else "add", target.name, preview.sha256,
                     f"{preview.title};替换 {replaces}" if replaces else preview.title)
            return result

    def remove(self, file_name: str, admin: int | None):
        """Move a report to the trash folder and reindex; returns (trash name, ReindexResult)."""
        with self.serialised():
            path = self._report_path(file_name)
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
            if len([p for p in self._report_files() if p.name != path.name]) == 0:
                raise AdminError("这是唯一的一份报告,不能删除(先加入别的报告)")
            moved = self._to_trash(path.name)
            try:
                result = self._reindex()
            except Exception:
                os.replace(moved, path)
                raise
            self.log(admin, "remove", path.name, sha)
            return moved.name, result

    def undo_remove(self, trash_name: str, admin: int | None):
        """Bring a removed report back from the trash and reindex."""
        with self.serialised():
            trashed = self.knowledge / TRASH / Path(trash_name).name
            if not trashed.is_file():
                raise AdminError("回收站里没有这份报告了")
            original = trashed.name.split("-", 1)[1] if re.match(r"^\d{8}T\d{6}-", trashed.name) else trashed.name
            target = self.knowledge / original
            if target.exists():
                raise AdminError(f"知识库里已经有 {original} 了")
            os.replace(trashed, target)
            try:
                result = self._reindex()
            except Exception:
                os.replace(target, trashed)
                raise
            self.log(admin, "undo", original, hashlib.sha256(target.read_bytes()).hexdigest())
            return result

    def reindexed(self, admin: int | None, result) -> None:
        self.log(admin, "reindex", f"{result.build.reports} 份报告")

    def _report_files(self) -> list[Path]:
        from bot.index.indexer import report_files

        return report_files(self.knowledge)

    def _report_path(self, name: str) -> Path:
        """A report by its file name or its id (the file name without extension)."""
        for path in self._report_files():
            if name in (path.name, path.stem):
                return path
        raise AdminError(f"知识库里没有 {name}(reportbot reports 列出全部)")

    def _to_trash(self, name: str) -> Path:
        trash = self.knowledge / TRASH
        trash.mkdir(exist_ok=True)
        moved = trash / f"{time.strftime('%Y%m%dT%H%M%S')}-{name}"
        os.replace(self.knowledge / name, moved)
        return moved

    def _reindex(self):
        from bot.index.reindex import rebuild

        return rebuild(self.knowledge, self.index_path, self.home)

    # ------------------------------------------------------------------ aliases

    def aliases_from_chat(self) -> list[tuple[str, str]]:
        """(report term, alias) of the lines added from the chat, in file order."""
        path = self.knowledge / ALIASES_FILE
        if not path.exists():
            return []
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if CHAT_MARK in line:
                for alias in parse_aliases(line.split("#", 1)[0]):
                    out.append((alias.canonical, alias.alias))
        return out

    def add_alias(self, line: str, admin: int | None):
        """'报告用语 = 说法': checked (the term occurs in a report; the line is new), written
        atomically, the catalog rebuilt (no reparse). Returns the ReindexResult."""
        canonical, alias = _split_alias(line)
        with self.serialised():
            if not self._occurs_in_a_report(canonical):
                raise AdminError(f"报告里没有“{canonical}”这个词:说法要对应报告里的用语")
            path = self.knowledge / ALIASES_FILE
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            known = {(a.canonical, a.alias) for a in parse_aliases(text)}
            if (canonical.lower(), alias.lower()) in known:
                raise AdminError(f"已经有这条说法了:{canonical} = {alias}")
            stamp = time.strftime("%Y-%m-%d")
            new = text + ("" if not text or text.endswith("\n") else "\n") + f"{canonical} = {alias}  {CHAT_MARK} {stamp} {admin or ''}\n"
            result = self._rewrite_aliases(path, text, new)
            self.log(admin, "alias", f"{canonical} = {alias}")
            return result

    def remove_alias(self, line: str, admin: int | None):
        canonical, alias = _split_alias(line)
        with self.serialised():
            path = self.knowledge / ALIASES_FILE
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            kept, removed = [], False
            for raw in text.splitlines(keepends=True):
                parsed = parse_aliases(raw.split("#", 1)[0]) if CHAT_MARK in raw else []
                if parsed and {(a.canonical, a.alias) for a in parsed} == {(canonical.lower(), alias.lower())}:
                    removed = True
                    continue
                kept.append(raw)
            if not removed:
                raise AdminError(f"没有从聊天添加过这条说法:{canonical} = {alias}")
            result = self._rewrite_aliases(path, text, "".join(kept))
            self.log(admin, "alias-remove", f"{canonical} = {alias}")
            return result

    def _rewrite_aliases(self, path: Path, old: str, new: str):
        """Write the aliases file and rebuild the catalog; on failure put the old file back."""
        _write_atomically(path, new.encode("utf-8"))
        try:
            return self._reindex()
        except Exception:
            _write_atomically(path, old.encode("utf-8"))
            raise

    def _occurs_in_a_report(self, term: str) -> bool:
        from bot.index.indexer import shard_folder
        from bot.language.normalize import normalize

        wanted = normalize(term)
        shards = shard_folder(self.index_path)
        try:
            conn = sqlite3.connect(f"file:{self.index_path}?mode=ro", uri=True)
            names = [r[0] for r in conn.execute("select shard from reports order by number")]
            conn.close()
        except sqlite3.DatabaseError:
            return False
        for name in names:
            shard = sqlite3.connect(f"file:{shards / (name + '.db')}?mode=ro", uri=True)
            try:
                if shard.execute("select 1 from passages where instr(sentence_text, ?) > 0 limit 1", (wanted,)).fetchone():
                    return True
            finally:
                shard.close()
        return False


@dataclass
class _Meta:
    district: str
    city: str
    year: int


def _split_alias(line: str) -> tuple[str, str]:
    canonical, sep, alias = (line or "").partition("=")
    canonical, alias = canonical.strip(), alias.strip()
    if not sep or not canonical or not alias or "," in alias or "#" in line:
        raise AdminError("格式:报告用语 = 说法(一次一条,比如:马路本色 = 洗街)")
    if len(canonical) > 30 or len(alias) > 30:
        raise AdminError("说法太长了(最多 30 个字)")
    from bot.language.normalize import normalize

    pattern = normalize(alias)
    if is_phrase_pattern(pattern) and phrase_problem(pattern):
        raise AdminError("句式要写成几段,中间用“…”隔开,每段可用“|”列几种说法(比如:学位 = 上学|读书…名额|位子)")
    return canonical, alias


def _display_name(name: str) -> str:
    """The sender's file name, only for messages: no folders, no control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    return re.sub(r"[\x00-\x1f]", "", base)[:80] or "文件"


def _unique(folder: Path, name: str) -> str:
    stem, suffix = os.path.splitext(name)
    n = 2
    while (folder / f"{stem}-{n}{suffix}").exists():
        n += 1
    return f"{stem}-{n}{suffix}"


def _write_atomically(path: Path, data: bytes) -> None:
    # Hidden while written: a reindex never takes the partial file for a report.
    with replacing(path, prefix=".", suffix=".part") as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def preview_json(preview: Preview) -> dict:
    out = asdict(preview)
    out.pop("data")
    return out

