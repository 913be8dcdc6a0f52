"""End to end, admins managing the knowledge from the chat through the Bot API emulator: send a
PDF or a DOCX (preview, 加入 / 取消), replace with a second confirmation, a non-admin's file, an
unreadable file, /remove and its undo, teaching a word from /stats, /audit, and a SIGKILL
during an add."""

from __future__ import annotations

import asyncio
import functools
import html
import re
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import CORPUS

try:
    from .botproc import TOKEN, BotProcess
    from .emulator import find_node
except ImportError:
    from botproc import TOKEN, BotProcess  # type: ignore[no-redef]
    from emulator import find_node  # type: ignore[no-redef]

pytestmark = [
    pytest.mark.skipif(find_node() is None, reason="node is not on PATH: e2e needs Node.js 20"),
    pytest.mark.timeout(90),
]

ADMIN, USER = 5151, 6161


@pytest.fixture
def start_bot(start_bot):
    """The shared start_bot (tests/e2e/conftest.py), every bot with ADMIN as its admin."""
    return functools.partial(start_bot, admin_ids=str(ADMIN))


def plain(message: dict) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", message.get("text") or message.get("caption") or ""))


def buttons(message: dict) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return {b["text"]: b["callback_data"] for row in rows for b in row}


async def next_messages(emu, chat: int, before: int, count: int = 1, timeout: float = 30) -> list[dict]:
    return (await emu.wait_for_messages(TOKEN, chat, before + count, timeout=timeout))[before:]


async def say(emu, chat: int, text: str, count: int = 1) -> list[dict]:
    before = len(await emu.bot_messages(TOKEN, chat))
    await emu.send_message(TOKEN, chat, chat, text)
    return await next_messages(emu, chat, before, count)


async def press(emu, chat: int, message: dict, label: str, count: int = 1) -> list[dict]:
    before = len(await emu.bot_messages(TOKEN, chat))
    await emu.send_callback(TOKEN, chat, chat, buttons(message)[label], message)
    return await next_messages(emu, chat, before, count)


async def send_file(emu, chat: int, path: Path, name: str | None = None, count: int = 2) -> list[dict]:
    before = len(await emu.bot_messages(TOKEN, chat))
    await emu.send_document(TOKEN, chat, chat, name or path.name, path.read_bytes())
    return await next_messages(emu, chat, before, count)


def audit_actions(bot: BotProcess) -> list[tuple[int, str, str]]:
    conn = sqlite3.connect(bot.stats_path)
    try:
        return [tuple(r) for r in conn.execute("select admin, action, subject from audit order by ts")]
    finally:
        conn.close()


async def test_an_admin_adds_a_pdf_and_a_docx_and_asks_about_them(emu, start_bot):
    bot = await start_bot("add")
    # The sender's name is not trusted: a path, another extension.
    reading, preview = await send_file(emu, ADMIN, CORPUS / "2023-jiujiang.pdf", name="../../evil name.txt")
    assert "正在读取" in plain(reading)
    text = plain(preview)
    assert "《2023年九江市政府工作报告》" in text and "九江市" in text and "回顾2022" in text
    assert "6 条注释" in text and "试问:" in text and "4026.6亿元" in text
    (done,) = await press(emu, ADMIN, preview, "加入")
    assert "已加入《2023年九江市政府工作报告》(2023-jiujiang.pdf)" in plain(done)
    assert (bot.knowledge / "2023-jiujiang.pdf").exists() and not list(bot.knowledge.parent.glob("evil*"))
    (answer,) = await say(emu, USER, "九江市2022年地区生产总值是多少")
    assert "4026.6亿元" in plain(answer)

    _, preview = await send_file(emu, ADMIN, CORPUS / "2024-anji.docx")
    (done,) = await press(emu, ADMIN, preview, "加入")
    assert "已加入《2024年安吉县政府工作报告》" in plain(done)
    (answer,) = await say(emu, USER, "安吉县2023年地区生产总值多少")
    assert "615.1亿元" in plain(answer)
    assert [a[1] for a in audit_actions(bot)] == ["add", "add"]
    (audit,) = await say(emu, ADMIN, "/audit")
    assert "add 2024-anji.docx" in plain(audit) and "add 2023-jiujiang.pdf" in plain(audit)


async def test_cancel_leaves_nothing_behind(emu, start_bot):
    bot = await start_bot("cancel")
    before = sorted(p.name for p in bot.knowledge.iterdir())
    _, preview = await send_file(emu, ADMIN, CORPUS / "2023-nanchang-donghu.txt")
    (cancelled,) = await press(emu, ADMIN, preview, "取消")
    assert "已取消" in plain(cancelled)
    assert sorted(p.name for p in bot.knowledge.iterdir()) == before
    (late,) = await press(emu, ADMIN, preview, "加入")  # the preview is gone
    assert "已过期" in plain(late)


async def test_a_report_of_the_same_place_and_year_is_replaced_only_after_a_second_confirmation(emu, start_bot):
    bot = await start_bot("replace")
    _, preview = await send_file(emu, ADMIN, CORPUS / "2023-nanchang-donghu.txt")
    await press(emu, ADMIN, preview, "加入")
    _, preview = await send_file(emu, ADMIN, CORPUS / "2023-nanchang-donghu.txt")
    assert "加入将替换它" in plain(preview)
    (ask_again,) = await press(emu, ADMIN, preview, "加入")
    assert "确认用新文件替换它吗" in plain(ask_again)
    (done,) = await press(emu, ADMIN, ask_again, "替换 2023-donghu.txt")
    assert "已加入" in plain(done)
    assert len(list((bot.knowledge / ".trash").iterdir())) == 1
    assert [a[1] for a in audit_actions(bot)] == ["add", "replace"]


async def test_a_non_admins_file_is_not_downloaded(emu, start_bot):
    await start_bot("stranger")
    (reply,) = await send_file(emu, USER, CORPUS / "2023-jiujiang.pdf", count=1)
    assert "只有管理员" in plain(reply)
    assert not await emu.calls(TOKEN, "getFile")


@pytest.mark.parametrize("name, content, reason", [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old binary Word"),
    ("scan.pdf", b"%PDF-1.4\n%broken", "damaged PDF"),
    ("notes.txt", "今天天气很好。".encode(), "too short"),
])
async def test_an_unreadable_file_gets_the_readers_reason(emu, start_bot, tmp_path, name, content, reason):
    await start_bot("unreadable")
    path = tmp_path / name
    path.write_bytes(content)
    _, reply = await send_file(emu, ADMIN, path)
    assert "读不了这个文件" in plain(reply) and reason in plain(reply), plain(reply)


async def test_a_file_over_telegrams_download_limit_is_refused_before_download(emu, start_bot):
    await start_bot("big")
    before = len(await emu.bot_messages(TOKEN, ADMIN))
    await emu.send_document(TOKEN, ADMIN, ADMIN, "big.pdf", b"%PDF-1.4", file_size=25 * 1024 * 1024)
    (reply,) = await next_messages(emu, ADMIN, before)
    assert "超过了 Telegram 机器人能下载的 20 MB" in plain(reply)
    assert not await emu.calls(TOKEN, "getFile")


async def test_remove_and_undo(emu, start_bot):
    bot = await start_bot("remove")
    _, preview = await send_file(emu, ADMIN, CORPUS / "2023-nanchang-donghu.txt")
    await press(emu, ADMIN, preview, "加入")
    (menu,) = await say(emu, ADMIN, "/remove")
    label = next(label for label in buttons(menu) if "东湖区" in label)
    (confirm,) = await press(emu, ADMIN, menu, label)
    (removed,) = await press(emu, ADMIN, confirm, "确认删除")
    assert "已删除《2023年东湖区政府工作报告》" in plain(removed)
    assert not (bot.knowledge / "2023-donghu.txt").exists()
    (answer,) = await say(emu, USER, "东湖区去年GDP多少")
    assert "752.6亿元" not in plain(answer)
    (undone,) = await press(emu, ADMIN, removed, "撤销")
    assert "已撤销删除" in plain(undone) and (bot.knowledge / "2023-donghu.txt").exists()
    (answer,) = await say(emu, USER, "东湖区去年GDP多少")
    assert "752.6亿元" in plain(answer)
    assert [a[1] for a in audit_actions(bot)] == ["add", "remove", "undo"]
    (refused,) = await say(emu, USER, "/remove")
    assert "管理员" in plain(refused)


async def test_teaching_a_word_from_stats_and_seeing_the_new_answer(emu, start_bot):
    bot = await start_bot("teach")
    for _ in range(2):
        (reply,) = await say(emu, USER, "去年洗街排第几")
        assert "没有找到" in plain(reply)
    (stats,) = await say(emu, ADMIN, "/stats")
    assert "去年洗街排第几 ×2" in plain(stats)
    (suggestions,) = await press(emu, ADMIN, stats, "教 1")
    assert "报告里没有的说法:洗街" in plain(suggestions) and "/alias 报告用语 = 洗街" in plain(suggestions)
    first = next(iter(buttons(suggestions)))  # a tap on a suggested report term makes the alias
    (taught,) = await press(emu, ADMIN, suggestions, first)
    assert f"已添加说法:{first} = 洗街" in plain(taught) and "再问一次“去年洗街排第几”" in plain(taught)
    (removed,) = await say(emu, ADMIN, f"/alias 删除 {first} = 洗街")
    assert "已删除说法" in plain(removed)
    # The admin may also type the term: the bot answers with it from then on.
    (added,) = await say(emu, ADMIN, "/alias 马路本色 = 洗街")
    assert "已添加说法:马路本色 = 洗街" in plain(added)
    assert "马路本色 = 洗街" in (bot.knowledge / "aliases.txt").read_text(encoding="utf-8")
    (answer,) = await say(emu, USER, "去年洗街排第几")
    assert "马路本色" in plain(answer) and "位列全市第一" in plain(answer)
    (listed,) = await say(emu, ADMIN, "/alias")
    assert "马路本色 = 洗街" in plain(listed) and first not in plain(listed).replace("马路本色", "")
    assert [a[1] for a in audit_actions(bot)] == ["alias", "alias-remove", "alias"]


async def test_an_alias_for_a_word_no_report_uses_is_refused(emu, start_bot):
    await start_bot("alias")
    (reply,) = await say(emu, ADMIN, "/alias 火星基地 = 外星人")
    assert "报告里没有“火星基地”" in plain(reply)


@pytest.mark.parametrize("delay", [0.05, 0.4, 1.0])
async def test_a_kill_during_an_add_leaves_a_working_index_and_knowledge_folder(emu, start_bot, delay):
    bot = await start_bot(f"kill{delay}")
    _, preview = await send_file(emu, ADMIN, CORPUS / "2023-nanchang-donghu.txt")
    await emu.send_callback(TOKEN, ADMIN, ADMIN, buttons(preview)["加入"], preview)
    await asyncio.sleep(delay)
    bot.kill()
    names = {p.name for p in bot.knowledge.iterdir()}
    assert not any(n.endswith(".part") for n in names)
    bot = await start_bot(f"kill{delay}")  # the same folder: the index is rebuilt when behind
    (answer,) = await say(emu, USER, "2021年西湖区地区生产总值是多少")
    assert "670.68亿元" in plain(answer)
    if "2023-donghu.txt" in names:
        (answer,) = await say(emu, USER, "东湖区去年GDP多少")
        assert "752.6亿元" in plain(answer)
