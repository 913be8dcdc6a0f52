"""What the bot says, for the Telegram bot and the terminal chat alike: replies as HTML with
buttons, built from the answering core. No telegram import here; bot.chat.telegram_app maps a
Reply to Telegram messages and bot.chat.terminal prints it."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from collections import OrderedDict

from bot.answer.answerer import MAX_ANSWER_CHARS, Answer, help_text
from bot.answer.knowledge_base import GlossaryNote

TELEGRAM_LIMIT = 4096
COMMANDS = [
    ("start", "开始:这个机器人能做什么"),
    ("help", "用法和示例问题"),
    ("ask", "提问:/ask 去年GDP多少"),
    ("glossary", "名词解释:/glossary 词语"),
    ("figures", "主要指标:去年实际与今年目标"),
    ("targets", "目标完成情况:/targets 西湖区 2022"),
    ("reports", "我知道的报告"),
    ("reindex", "重建索引(管理员)"),
    ("stats", "使用统计,教机器人新说法(管理员)"),
    ("remove", "删除一份报告(管理员)"),
    ("alias", "添加说法:/alias 报告用语 = 说法(管理员)"),
    ("audit", "管理操作记录(管理员)"),
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
    photo: bytes | None = None  # a chart (PNG) sent with the text as its caption

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


# Questions remembered for the buttons that ask them again of another report.
ASKED_MEMORY = 2000


class Conversation:
    """Replies to questions, commands and button presses. The library is read on every call so
    a reindex can swap it without restarting anything."""

    def __init__(self, get_library):
        self._get = get_library
        self._asked: OrderedDict[int, str] = OrderedDict()
        self._next_question = 0

    @property
    def library(self):
        return self._get()

    @property
    def generation(self) -> str:
        return self.library.generation

    def _remember(self, question: str) -> int:
        self._next_question += 1
        self._asked[self._next_question] = question
        while len(self._asked) > ASKED_MEMORY:
            self._asked.popitem(last=False)
        return self._next_question

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
        if answer.alternatives:
            # The same question asked of another year or place.
            asked = self._remember(answer.question)
            reports = self.library.reports
            buttons.append([Button(label, f"r:{self.generation}:{asked}:{reports[rid].number}")
                            for label, rid in answer.alternatives if rid in reports])
        photo = None
        if answer.chart:
            from bot.chat.chart import line_chart

            photo = line_chart(answer.chart["title"], answer.chart["points"])
        return Reply("\n".join(parts), buttons, photo)

    def ask(self, question: str) -> tuple[Answer, Reply]:
        answer = self.library.ask(question)
        return answer, self.answer_reply(answer)

    # Commands

    def start(self) -> Reply:
        report = self.library.home_report
        lines = ["你好!我是政府工作报告问答机器人。", help_text(report, self.library.examples(report)), "", self._commands_text()]
        return Reply("\n".join(esc(x) if i < 2 else x for i, x in enumerate(lines)))

    def help(self) -> Reply:
        reports = sorted(self.library.reports.values(), key=lambda r: (-r.year, r.id))
        known = "\n".join(f"· 《{esc(r.title)}》" for r in reports[:HELP_REPORTS])
        if len(reports) > HELP_REPORTS:
            known += f"\n……共 {len(reports)} 份,/reports 看全部"
        examples = "".join(f"· {esc(q)}\n" for q in self.library.examples())
        text = (f"<b>我知道的报告</b>\n{known}\n\n<b>怎么问</b>\n直接发问题,简体繁体都可以,比如:\n"
                f"{examples}\n{self._commands_text()}")
        return Reply(text)

    def reports(self) -> Reply:
        """/reports: the reports held, grouped by place, newest first."""
        from bot.answer.routing import place_label

        lines = [f"<b>我知道的报告({len(self.library.reports)} 份)</b>"]
        for key, reports in sorted(self.library.places.items(), key=lambda kv: (-kv[1][-1].year, kv[0])):
            years = "、".join(f"{r.year}" for r in reversed(reports))
            lines.append(f"· {esc(place_label(reports[-1]))}({esc(reports[-1].city or '')}):{years}年")
        return Reply("\n".join(lines))

    def targets(self, args: str = "") -> Reply:
        """/targets [place] [year]: the year's headline targets beside their results."""
        from bot.answer.crossreport import format_row
        from bot.errors import ReportBotError
        from bot.answer.targets import targets_report

        year_match = re.search(r"(20\d\d)", args or "")
        place = re.sub(r"(20\d\d)\s*年?", " ", args or "").strip() or None
        try:
            title, rows = targets_report(self.library, place, int(year_match.group(1)) if year_match else None)
        except ReportBotError as err:
            return Reply(esc(str(err)))
        if not rows:
            return Reply(f"{esc(title)}:报告里没有找到主要预期目标。")
        return Reply(f"<b>{esc(title)}</b>\n" + "\n".join(esc(format_row(r)) for r in rows))

    def _commands_text(self) -> str:
        return "<b>命令</b>\n" + "\n".join(f"/{name} — {esc(desc)}" for name, desc in COMMANDS)

    def glossary(self, term: str = "") -> Reply:
        term = term.strip()
        if not term:
            notes = self.library.glossary_notes()
            if not notes:
                return Reply("报告没有名词解释。")
            rows = [[Button(n.name, self._note_data(n)) for n in notes[i:i + 2]] for i in range(0, len(notes), 2)]
            return Reply(f"报告中的{len(notes)}条名词解释,点一个查看:", rows)
        note = self.library.lookup_note(term)
        if note is None:
            names = "、".join(n.name for n in self.library.glossary_notes())
            return Reply(f"报告的名词解释里没有“{esc(term)}”。有这些:{esc(names)}。也可以直接提问。")
        return self.note_reply(note)

    def note_reply(self, note: GlossaryNote) -> Reply:
        text = f"<b>{esc(note.term)}</b>\n{esc(note.definition)}"
        if note.used_section:
            text += f"\n<i>报告注释{note.number},正文见:{esc(note.used_section)}</i>"
        buttons = [[Button("原文", f"p:{self.generation}:{note.used_passage_id}")]] if note.used_passage_id else []
        return Reply(text, buttons)

    def figures(self) -> Reply:
        report = self.library.home_report
        rows = headline_figures(self.library.figures(report.id))
        if not rows:
            return Reply("报告里没有找到主要指标。")
        width = max(len(r[0]) for r in rows)
        lines = [f"{'指标'.ljust(width, '　')}  {report.review_year}实际 | {report.plan_year}目标"]
        for name, achieved, target in rows:
            lines.append(f"{name.ljust(width, '　')}  {achieved or '—'} | {target or '—'}")
        table = esc("\n".join(lines))
        return Reply(f"<b>{esc(report.title)}:主要指标</b>\n<pre>{table}</pre>")

    # Buttons

    def _note_data(self, note: GlossaryNote) -> str:
        return f"g:{self.generation}:{self.library.note_key(note)}"

    def button(self, data: str) -> Reply:
        kind, _, rest = (data or "").partition(":")
        generation, _, arg = rest.partition(":")
        if generation != self.generation:
            return Reply(EXPIRED)
        try:
            if kind == "p":
                found = self.library.paragraph_text(int(arg))
                if found is None:
                    return Reply(EXPIRED)
                text, section = found
                return Reply(f"<b>原文</b>({esc(section)})\n{esc(text)}")
            if kind == "m":
                return self._more([int(x) for x in arg.split(",") if x])
            if kind == "g":
                note = self.library.note_by_key(arg)
                return self.note_reply(note) if note else Reply(EXPIRED)
            if kind == "r":
                asked, _, number = arg.partition(":")
                question = self._asked.get(int(asked))
                report = self.library.by_number.get(int(number))
                if question is None or report is None:
                    return Reply(EXPIRED)
                return self.answer_reply(self.library.ask_in(question, report.id))
        except (ValueError, IndexError, KeyError):
            pass
        return Reply(EXPIRED)

    def _more(self, ids: list[int]) -> Reply:
        passages = [p for p in (self.library.passage(i) for i in ids) if p is not None]
        if not passages:
            return Reply("没有更多相关内容了。")
        items = [f"{n}. {esc(p.sentence_text[:MAX_ANSWER_CHARS])}\n<i>摘自:{esc(p.section)}</i>" for n, p in enumerate(passages, 1)]
        return Reply("<b>更多相关内容</b>\n" + "\n\n".join(items),
                     [[Button(f"原文{n}", f"p:{self.generation}:{p.id}") for n, p in enumerate(passages, 1)]])


HELP_REPORTS = 12  # reports listed by /help; /reports lists them all


def headline_figures(figures: list[dict]) -> list[tuple[str, str, str]]:
    """A report's main expected targets, each beside what was achieved the year before:
    [(indicator, '670.68亿元,同比增长10%', '增长7%以上')]."""
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
