"""The admin's side of the chat, for Telegram and the terminal alike: a report file sent to the
bot (preview, 加入 / 取消, replace with a second confirmation), /remove with undo, /alias,
teaching a word from /stats, /audit. Replies and buttons only (bot.chat.conversation's Reply); the
admin work itself is bot.knowledge.admin. Methods that change the knowledge block (they reindex): callers
run them off the event loop and install the new library they return."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from bot.knowledge.admin import Admin, AdminError, Preview
from bot.chat.conversation import Button, Reply, esc
from bot.errors import ReportBotError

PENDING_SECONDS = 300  # a preview not confirmed within five minutes is forgotten
TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the Bot API's getFile limit
NOT_ADMIN_FILE = "只有管理员可以往知识库里加报告。有问题可以直接问我。"


@dataclass
class _Pending:
    preview: Preview
    admin: int | None
    expires: float


class AdminChat:
    def __init__(self, admin: Admin, get_library):
        self.admin = admin
        self._library = get_library
        self._pending: dict[str, _Pending] = {}
        self._undo: dict[str, str] = {}
        self._teach: list[str] = []

    @property
    def library(self):
        return self._library()

    # ------------------------------------------------------------------ a report sent as a file

    @staticmethod
    def too_big(size: int | None) -> Reply | None:
        if size and size > TELEGRAM_DOWNLOAD_LIMIT:
            return Reply(f"这个文件有 {size / 1024 / 1024:.1f} MB,超过了 Telegram 机器人能下载的 20 MB。"
                         "请发文字版的 PDF 或 .docx,或把文件放进服务器的知识库文件夹后发 /reindex。")
        return None

    def document(self, data: bytes, name: str, admin: int | None) -> Reply:
        """Read the file and say what was understood, with 加入 / 取消 (nothing is saved yet)."""
        self._forget_expired()
        try:
            preview = self.admin.preview(data, name)
        except ReportBotError as err:
            return Reply(f"读不了这个文件:{esc(str(err))}")
        token = uuid.uuid4().hex[:8]
        self._pending[token] = _Pending(preview, admin, time.monotonic() + PENDING_SECONDS)
        buttons = [[Button("加入", f"A:{token}:add"), Button("取消", f"A:{token}:cancel")]]
        return Reply("<b>我读到的是</b>\n" + esc(preview.summary()) + "\n\n加入知识库吗?(5 分钟内有效)", buttons)

    def confirm(self, token: str, action: str, admin: int | None):
        """A press of 加入 / 替换 / 取消: (Reply, ReindexResult or None)."""
        self._forget_expired()
        pending = self._pending.get(token)
        if pending is None:
            return Reply("这个文件已过期或已处理,请重新发送。"), None
        if action == "cancel":
            del self._pending[token]
            return Reply("已取消,知识库没有变化。"), None
        preview = pending.preview
        if preview.replaces and action != "replace":
            buttons = [[Button(f"替换 {preview.replaces}", f"A:{token}:replace"), Button("取消", f"A:{token}:cancel")]]
            return Reply(f"知识库里已有同一地方同一年份的报告 {esc(preview.replaces)}。确认用新文件替换它吗?"
                         "(旧文件会放进回收站)", buttons), None
        del self._pending[token]
        try:
            result = self.admin.add(preview, admin, replace=action == "replace")
        except ReportBotError as err:
            return Reply(f"没有加入:{esc(str(err))}。知识库和索引保持原样。"), None
        b = result.build
        return Reply(f"已加入《{esc(preview.title)}》({esc(preview.file_name)})。索引已重建:{b.reports} 份报告,"
                     f"用时 {result.seconds:.2f} 秒。"), result

    def _forget_expired(self) -> None:
        now = time.monotonic()
        for token in [t for t, p in self._pending.items() if p.expires < now]:
            del self._pending[token]

    # ------------------------------------------------------------------ removing

    def remove_menu(self) -> Reply:
        reports = sorted(self.library.reports.values(), key=lambda r: (-r.year, r.id))
        gen = self.library.generation
        rows = [[Button(f"{r.year} {r.district or r.title}"[:40], f"R:{gen}:{r.number}")] for r in reports[:40]]
        return Reply("删除哪一份报告?(删除的文件放进回收站,可以撤销)", rows)

    def remove_pressed(self, data: str) -> Reply:
        _, gen, number = data.split(":")
        report = self.library.by_number.get(int(number)) if gen == self.library.generation else None
        if report is None:
            return Reply("这个按钮已过期,请重新发 /remove。")
        return Reply(f"确认删除《{esc(report.title)}》({esc(report.source)})吗?",
                     [[Button("确认删除", f"RC:{gen}:{number}"), Button("取消", "X")]])

    def remove_confirmed(self, data: str, admin: int | None):
        _, gen, number = data.split(":")
        report = self.library.by_number.get(int(number)) if gen == self.library.generation else None
        if report is None:
            return Reply("这个按钮已过期,请重新发 /remove。"), None
        try:
            trash, result = self.admin.remove(report.source, admin)
        except ReportBotError as err:
            return Reply(f"没有删除:{esc(str(err))}"), None
        token = uuid.uuid4().hex[:8]
        self._undo[token] = trash
        return Reply(f"已删除《{esc(report.title)}》,索引已重建:{result.build.reports} 份报告。",
                     [[Button("撤销", f"U:{token}")]]), result

    def undo(self, token: str, admin: int | None):
        trash = self._undo.pop(token, None)
        if trash is None:
            return Reply("没有可以撤销的删除了。"), None
        try:
            result = self.admin.undo_remove(trash, admin)
        except ReportBotError as err:
            return Reply(f"没有撤销:{esc(str(err))}"), None
        return Reply(f"已撤销删除,索引已重建:{result.build.reports} 份报告。"), result

    # ------------------------------------------------------------------ aliases

    def alias(self, args: str, admin: int | None):
        """/alias (list), /alias 报告用语 = 说法 (add), /alias 删除 报告用语 = 说法 (remove)."""
        args = (args or "").strip()
        if not args:
            added = self.admin.aliases_from_chat()
            if not added:
                return Reply("还没有从聊天里添加的说法。添加:/alias 报告用语 = 说法,比如 /alias 马路本色 = 洗街"), None
            lines = [f"{i}. {esc(c)} = {esc(a)}" for i, (c, a) in enumerate(added, 1)]
            return Reply("<b>从聊天里添加的说法</b>\n" + "\n".join(lines) + "\n删除:/alias 删除 报告用语 = 说法"), None
        remove = args.startswith(("删除", "remove", "-"))
        line = args.split(None, 1)[1] if remove and " " in args else args.lstrip("-")
        try:
            if remove:
                result = self.admin.remove_alias(line, admin)
                return Reply(f"已删除说法:{esc(line.strip())}。"), result
            result = self.admin.add_alias(line, admin)
        except ReportBotError as err:
            return Reply(esc(str(err))), None
        return Reply(f"已添加说法:{esc(line.strip())}。"), result

    # ------------------------------------------------------------------ teaching from /stats

    def stats_reply(self, summary) -> Reply:
        lines = ["<b>使用统计</b>", f"提问 {summary.questions} 次,来自 {summary.users} 位用户;"
                 f"已回答 {summary.answered_share:.0%}({summary.answered} 次)",
                 f"回答用时:p50 {summary.p50_ms:.1f} ms,p95 {summary.p95_ms:.1f} ms"]
        buttons = []
        if summary.top_unanswered:
            self._teach = [q for q, _n in summary.top_unanswered]
            lines.append("\n<b>最常见的未回答问题</b>(点“教”把用户的说法对应到报告用语)")
            lines += [f"{i}. {esc(q)} ×{n}" for i, (q, n) in enumerate(summary.top_unanswered, 1)]
            buttons = [[Button(f"教 {i}", f"T:{i - 1}") for i in range(j, min(j + 5, len(self._teach) + 1))]
                       for j in range(1, len(self._teach) + 1, 5)]
        return Reply("\n".join(lines), buttons)

    def teach(self, index: int) -> Reply:
        from bot.knowledge.teaching import suggest_terms, unknown_words

        if not 0 <= index < len(self._teach):
            return Reply("这个按钮已过期,请重新发 /stats。")
        question = self._teach[index]
        kb = self.library.answerer(self.library.home_report.id).kb
        words = unknown_words(kb, question) or [question[:12]]
        terms = suggest_terms(kb, question)
        rows = [[Button(t, f"TT:{index}:{i}") for i, t in enumerate(terms[j:j + 3], j)] for j in range(0, len(terms), 3)]
        return Reply(f"问题:{esc(question)}\n报告里没有的说法:{esc('、'.join(words))}\n"
                     f"它指的是报告里的哪个词?点一个,或发送 /alias 报告用语 = {esc(words[0])}", rows)

    def taught(self, index: int, term_index: int, admin: int | None):
        """Make the alias 'term = the question's unknown word', then ask the question again."""
        from bot.knowledge.teaching import suggest_terms, unknown_words

        if not 0 <= index < len(self._teach):
            return Reply("这个按钮已过期,请重新发 /stats。"), None
        question = self._teach[index]
        kb = self.library.answerer(self.library.home_report.id).kb
        terms = suggest_terms(kb, question)
        words = unknown_words(kb, question)
        if not words or not 0 <= term_index < len(terms):
            return Reply("没有找到可以对应的说法,请用 /alias 报告用语 = 说法 添加。"), None
        line = f"{terms[term_index]} = {words[0]}"
        try:
            result = self.admin.add_alias(line, admin)
        except ReportBotError as err:
            return Reply(esc(str(err))), None
        answer = result.library.ask(question)
        shown = answer.answer if answer.answered else "仍然没有找到答案,可以再教一个说法。"
        return Reply(f"已添加说法:{esc(line)}。\n再问一次“{esc(question)}”:\n{esc(shown)}"), result

    # ------------------------------------------------------------------ audit

    def audit(self) -> Reply:
        entries = self.admin.audit(20)
        if not entries:
            return Reply("还没有管理操作记录。")
        lines = [f"{e['when']} 管理员 {e['admin'] or '终端'}:{e['action']} {esc(e['subject'])}"
                 + (f"(sha256 {e['sha256'][:12]}…)" if e["sha256"] else "") for e in entries]
        return Reply("<b>最近的管理操作</b>\n" + "\n".join(lines))

    def press(self, data: str, admin: int | None):
        """Any admin button: (Reply, ReindexResult or None)."""
        kind, _, rest = data.partition(":")
        try:
            if kind == "A":
                token, _, action = rest.partition(":")
                return self.confirm(token, action, admin)
            if kind == "R":
                return self.remove_pressed(data), None
            if kind == "RC":
                return self.remove_confirmed(data, admin)
            if kind == "U":
                return self.undo(rest, admin)
            if kind == "T":
                return self.teach(int(rest)), None
            if kind == "TT":
                index, _, term = rest.partition(":")
                return self.taught(int(index), int(term), admin)
            if kind == "X":
                return Reply("已取消。"), None
        except (ValueError, AdminError) as err:
            return Reply(esc(str(err)) or "这个按钮已过期。"), None
        return Reply("这个按钮已过期。"), None


ADMIN_BUTTONS = ("A", "R", "RC", "U", "T", "TT", "X")
