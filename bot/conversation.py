"""What the bot says, for the Telegram bot and the terminal chat alike: replies as HTML with
buttons, built from the answering core. No telegram import here; bot.telegram_app maps a
Reply to Telegram messages and bot.chat prints it."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bot.answer import MAX_ANSWER_CHARS, Answer, Answerer, help_text
from bot.knowledge_base import GlossaryNote

TELEGRAM_LIMIT = 4096
COMMANDS = [
    ("start", "开始:这个机器人能做什么"),
    ("help", "用法和示例问题"),
    ("ask", "提问:/ask 去年GDP多少"),
    ("glossary", "名词解释:/glossary 词语"),
    ("figures", "主要指标:去年实际与今年目标"),
    ("reindex", "重建索引(管理员)"),
    ("stats", "使用统计(管理员)"),
]
EXPIRED = "这个按钮已过期(知识库已更新),请重新提问。"


@dataclass
class Button:
    label: str
    data: str  # callback data, at most 64 bytes


@dataclass
class Reply:
    html: str
    buttons: list[list[Button]] = field(default_factory=list)

    @property
    def plain(self) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", self.html))


def esc(text: str) -> str:
    return html.escape(text, quote=False)


_TAG = re.compile(r"<(/?)(b|i|pre|code|blockquote)>")
TAG_RESERVE = 64  # room for the tags closed at a cut and reopened in the next piece


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split a long HTML reply at line or sentence boundaries, never inside a tag or entity.
    A tag open at a cut is closed at the end of the piece and reopened at the start of the
    next, so every piece is valid HTML of at most `limit` characters."""
    chunks: list[str] = []
    rest, reopen = text, ""
    while len(reopen) + len(rest) > limit:
        room = limit - len(reopen) - TAG_RESERVE
        window = rest[:room]
        cut = max(window.rfind("\n"), max(window.rfind(c) + 1 for c in "。!?;"))
        if cut <= room // 3:
            cut = room
        while cut > 0 and (window.rfind("<", 0, cut) > window.rfind(">", 0, cut) or
                           window.rfind("&", 0, cut) > window.rfind(";", 0, cut)):
            cut -= 1
        piece = reopen + rest[:cut]
        still_open = _open_tags(piece)
        chunks.append(piece + "".join(f"</{t}>" for t in reversed(still_open)))
        reopen = "".join(f"<{t}>" for t in still_open)
        rest = rest[cut:].lstrip("\n")
    chunks.append(reopen + rest)
    return [c for c in chunks if _TAG.sub("", c).strip()]


def _open_tags(html_text: str) -> list[str]:
    stack: list[str] = []
    for m in _TAG.finditer(html_text):
        if m.group(1):
            if stack and stack[-1] == m.group(2):
                stack.pop()
        else:
            stack.append(m.group(2))
    return stack


class Conversation:
    """Replies to questions, commands and button presses. `answerer` is read on every call so
    a reindex can swap it without restarting anything."""

    def __init__(self, get_answerer):
        self._get = get_answerer

    @property
    def answerer(self) -> Answerer:
        return self._get()

    @property
    def generation(self) -> str:
        return getattr(self.answerer.kb, "generation", "0")

    # Questions

    def answer_reply(self, answer: Answer) -> Reply:
        parts = [esc(answer.answer)]
        if answer.answered and answer.citation:
            parts.append(f"<i>{esc(answer.citation)}</i>")
        buttons: list[list[Button]] = []
        if answer.answered:
            row = []
            if answer.passage_id is not None:
                row.append(Button("原文", f"p:{self.generation}:{answer.passage_id}"))
            more = [s.passage_id for s in answer.sources if s.passage_id is not None and s.passage_id != answer.passage_id]
            if more:
                row.append(Button("更多", f"m:{self.generation}:" + ",".join(map(str, more[:3]))))
            if row:
                buttons.append(row)
            notes = [n for n in answer.terms if answer.kind != "glossary"][:4]
            if notes:
                buttons.append([Button(f"📖 {n.name}", self._note_data(n)) for n in notes])
        return Reply("\n".join(parts), buttons)

    def ask(self, question: str) -> tuple[Answer, Reply]:
        answer = self.answerer.ask(question)
        return answer, self.answer_reply(answer)

    # Commands

    def start(self) -> Reply:
        report = self.answerer.kb.newest
        lines = ["你好!我是政府工作报告问答机器人。", help_text(report, self.answerer.examples(report)), "", self._commands_text()]
        return Reply("\n".join(esc(x) if i < 2 else x for i, x in enumerate(lines)))

    def help(self) -> Reply:
        reports = sorted(self.answerer.kb.reports.values(), key=lambda r: (-r.year, r.id))
        known = "\n".join(f"· 《{esc(r.title)}》" for r in reports)
        examples = "".join(f"· {esc(q)}\n" for q in self.answerer.examples())
        text = (f"<b>我知道的报告</b>\n{known}\n\n<b>怎么问</b>\n直接发问题,简体繁体都可以,比如:\n"
                f"{examples}\n{self._commands_text()}")
        return Reply(text)

    def _commands_text(self) -> str:
        return "<b>命令</b>\n" + "\n".join(f"/{name} — {esc(desc)}" for name, desc in COMMANDS)

    def glossary(self, term: str = "") -> Reply:
        term = term.strip()
        if not term:
            notes = self.answerer.glossary_notes()
            if not notes:
                return Reply("报告没有名词解释。")
            rows = [[Button(n.name, self._note_data(n)) for n in notes[i:i + 2]] for i in range(0, len(notes), 2)]
            return Reply(f"报告中的{len(notes)}条名词解释,点一个查看:", rows)
        note = self.answerer.lookup_note(term)
        if note is None:
            names = "、".join(n.name for n in self.answerer.glossary_notes())
            return Reply(f"报告的名词解释里没有“{esc(term)}”。有这些:{esc(names)}。也可以直接提问。")
        return self.note_reply(note)

    def note_reply(self, note: GlossaryNote) -> Reply:
        text = f"<b>{esc(note.term)}</b>\n{esc(note.definition)}"
        if note.used_section:
            text += f"\n<i>报告注释{note.number},正文见:{esc(note.used_section)}</i>"
        buttons = [[Button("原文", f"p:{self.generation}:{note.used_passage_id}")]] if note.used_passage_id else []
        return Reply(text, buttons)

    def figures(self) -> Reply:
        rows = headline_figures(self.answerer)
        if not rows:
            return Reply("报告里没有找到主要指标。")
        report = self.answerer.kb.newest
        width = max(len(r[0]) for r in rows)
        lines = [f"{'指标'.ljust(width, '　')}  {report.review_year}实际 | {report.plan_year}目标"]
        for name, achieved, target in rows:
            lines.append(f"{name.ljust(width, '　')}  {achieved or '—'} | {target or '—'}")
        table = esc("\n".join(lines))
        return Reply(f"<b>{esc(report.title)}:主要指标</b>\n<pre>{table}</pre>")

    # Buttons

    def _note_data(self, note: GlossaryNote) -> str:
        index = self.answerer.kb.glossary.index(note)
        return f"g:{self.generation}:{index}"

    def button(self, data: str) -> Reply:
        kind, _, rest = (data or "").partition(":")
        generation, _, arg = rest.partition(":")
        if generation != self.generation:
            return Reply(EXPIRED)
        try:
            if kind == "p":
                found = self.answerer.paragraph_text(int(arg))
                if found is None:
                    return Reply(EXPIRED)
                text, section = found
                return Reply(f"<b>原文</b>({esc(section)})\n{esc(text)}")
            if kind == "m":
                return self._more([int(x) for x in arg.split(",") if x])
            if kind == "g":
                return self.note_reply(self.answerer.kb.glossary[int(arg)])
        except (ValueError, IndexError):
            pass
        return Reply(EXPIRED)

    def _more(self, ids: list[int]) -> Reply:
        passages = [self.answerer.kb.passages[i] for i in ids if i in self.answerer.kb.passages]
        if not passages:
            return Reply("没有更多相关内容了。")
        items = [f"{n}. {esc(p.sentence_text[:MAX_ANSWER_CHARS])}\n<i>摘自:{esc(p.section)}</i>" for n, p in enumerate(passages, 1)]
        return Reply("<b>更多相关内容</b>\n" + "\n\n".join(items),
                     [[Button(f"原文{n}", f"p:{self.generation}:{p.id}") for n, p in enumerate(passages, 1)]])


def headline_figures(answerer: Answerer, report_id: str | None = None) -> list[tuple[str, str, str]]:
    """The report's main expected targets, each beside what was achieved the year before:
    [(indicator, '670.68亿元,同比增长10%', '增长7%以上')]."""
    kb = answerer.kb
    report_id = report_id or kb.newest.id
    figures = [f for f in kb.figures if f["report_id"] == report_id]
    targets = [f for f in figures if f["kind"] == "target" and "预期目标" in (f["section"] or "")]
    rows = []
    for t in targets:
        name = t["indicator"]
        achieved = [f for f in figures if f["kind"] == "achieved" and f["indicator"] and
                    (f["indicator"] == name or f["indicator"].endswith(name) or name.endswith(f["indicator"]))]
        amount = next((f for f in achieved if f["measure"] == "amount"), None)
        growth = next((f for f in achieved if f["measure"] == "growth"), None)
        if amount:
            was = amount["figure"] + (f",{amount['growth']}" if amount["growth"] else "")
        elif growth:
            was = f"增长{growth['figure']}"
        else:
            was = ""
        rows.append((name, was, f"增长{t['figure']}" if t["measure"] == "growth" else t["figure"]))
    return rows
