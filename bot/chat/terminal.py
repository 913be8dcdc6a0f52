"""`reportbot chat`: the bot in a terminal, for anyone without a bot token. The replies are the
Telegram bot's own (bot.chat.conversation); buttons are numbered and pressed by typing the number."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bot.chat.conversation import Conversation, Reply, esc


def _show(reply: Reply, out, charts: Path | None = None) -> list[str]:
    print(reply.plain, file=out)
    if reply.photo is not None:
        # A terminal shows no pictures: the chart is written to a file and its path printed.
        folder = charts or Path(tempfile.gettempdir())
        folder.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkstemp(prefix="reportbot-chart-", suffix=".png", dir=folder)[1])
        path.write_bytes(reply.photo)
        print(f"图表:{path}", file=out)
    pressed = []
    labels = []
    for row in reply.buttons:
        for button in row:
            pressed.append(button.data)
            labels.append(f"[{len(pressed)}] {button.label}")
    if labels:
        print("  ".join(labels) + "   (输入编号按按钮)", file=out)
    print(file=out)
    return pressed


def dispatch(conversation: Conversation, text: str, is_admin: bool = True) -> Reply:
    """One line of the terminal chat: a command or a question, as the Telegram bot handles it."""
    text = text.strip()
    if text.startswith("/"):
        command, _, arg = text[1:].partition(" ")
        command = command.split("@")[0].lower()
        if command == "start":
            return conversation.start()
        if command == "help":
            return conversation.help()
        if command == "glossary":
            return conversation.glossary(arg)
        if command == "figures":
            return conversation.figures()
        if command == "reports":
            return conversation.reports()
        if command == "targets":
            return conversation.targets(arg)
        if command == "ask":
            return conversation.ask(arg)[1] if arg.strip() else Reply("用法:/ask 你的问题,比如 /ask 去年GDP多少")
        if command in ("reindex", "stats"):
            return Reply("这个命令在 Telegram 机器人里给管理员用;在终端里请运行 reportbot index。")
        return Reply(f"不认识的命令 /{esc(command)}。发 /help 看看能做什么。")
    return conversation.ask(text)[1]


def run_chat(library, settings, stdin=None, out=None) -> int:
    stdin, out = stdin or sys.stdin, out or sys.stdout
    conversation = Conversation(lambda: library)
    title = library.home_report.title if len(library.reports) == 1 else f"{len(library.reports)} 份报告"
    print(f"政府工作报告问答({title})。直接输入问题,/help 看用法,Ctrl-D 退出。\n", file=out)
    buttons: list[str] = []
    interactive = stdin.isatty()
    while True:
        if interactive:
            print("你> ", end="", file=out, flush=True)
        line = stdin.readline()
        if not line:
            return 0
        line = line.strip()
        if not line:
            continue
        if line.isdigit() and buttons and 1 <= int(line) <= len(buttons):
            reply = conversation.button(buttons[int(line) - 1])
        elif line.isdigit() and len(line) <= 2:
            _show(Reply("没有这个编号的按钮。请直接输入问题,或按上一条回复下面列出的编号。"), out)
            continue  # the buttons shown before stay pressable
        else:
            reply = dispatch(conversation, line)
        buttons = _show(reply, out)
