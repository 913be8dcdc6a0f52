"""End-to-end: the real `reportbot run` process against the Bot API emulator, the test as the user.

One emulator and one bot process serve the whole module (started by the module fixtures, stopped
at teardown). Each test talks in its own chat (and as its own user), so tests never see each
other's messages, and asserts on what the bot actually sent: the text, parse_mode HTML and the
inline keyboard, as stored by the emulator.

The bot's knowledge folder is a copy of knowledge/ in which the report has one extra chapter at
the end of its review part, "(五)沙洲绿道建设", a single paragraph of ~6,000 characters: no reply
built from the real report exceeds Telegram's 4,096 characters, so this is how the long-reply
split is exercised through the real bot (press 原文 on an answer from that paragraph). The
chapter is added to the report rather than as a second report, because with several reports the
bot names the report in every citation: the other tests see the replies of the one-report
setup as deployed.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import re
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

try:  # tests/e2e may become a package later
    from .botproc import PROJECT_ROOT, TOKEN, BotProcess
    from .emulator import Emulator, find_node
except ImportError:
    from botproc import PROJECT_ROOT, TOKEN, BotProcess  # type: ignore[no-redef]
    from emulator import Emulator, find_node  # type: ignore[no-redef]

pytestmark = [
    pytest.mark.skipif(find_node() is None, reason="node is not on PATH: e2e needs Node.js 20"),
    pytest.mark.timeout(45),
]

JSON = dict[str, Any]
REPORT = PROJECT_ROOT / "knowledge" / "2022-nanchang-xihu-government-work-report.txt"
REPORT_TITLE = "2022年南昌市西湖区人民政府工作报告"
LONG_CHAPTER = "(五)沙洲绿道建设"
TELEGRAM_LIMIT = 4096
# A reply takes ~0.2 s; the margin is for a 2-core machine busy with other test runs.
REPLY_TIMEOUT = 20
ALLOWED_TAG = re.compile(r"</?(b|i|pre|code)>")
ENTITY = re.compile(r"&(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);")

_ids = itertools.count(1)


def private_chat() -> int:
    """A fresh private chat: chat id == user id, unique in the module."""
    return 820_000 + next(_ids)


def group_chat() -> int:
    """A fresh group: negative id, as Telegram gives groups."""
    return -(830_000 + next(_ids))


# ---------------------------------------------------------------------------------- the long paragraph


def long_paragraph() -> str:
    """~6,000 characters of distinct sentences, every one a figure about 沙洲绿道."""
    sentences, i = [], 1
    while sum(map(len, sentences)) < 6000:
        sentences.append(f"第{i}批沙洲绿道工程完成栽植樟树{100 + i}株、铺设步道{i * 3}公里。")
        i += 1
    return "".join(sentences)


def add_long_chapter(report: Path) -> None:
    """Append the long chapter to the review part, just before the plan part begins."""
    text = report.read_text(encoding="utf-8")
    plan_part = "\n2022年工作任务\n"
    assert text.count(plan_part) == 1, "the report's plan part moved: update add_long_chapter"
    report.write_text(text.replace(plan_part, f"\n{LONG_CHAPTER}\n\n{long_paragraph()}\n{plan_part}"), encoding="utf-8")


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def bot(emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    workdir = tmp_path_factory.mktemp("bot-e2e")
    knowledge = workdir / "knowledge"  # BotProcess uses an existing knowledge copy as it is
    shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
    add_long_chapter(knowledge / REPORT.name)
    process = BotProcess(emu, workdir)
    try:
        asyncio.run(process.start())
        yield process
    finally:
        process.stop()


@pytest.fixture(autouse=True)
def no_handler_errors(bot: BotProcess) -> Iterator[None]:
    """Whatever a test does, the bot must not have logged an error (a handler exception would
    have reached the user as the apology instead of an answer)."""
    before = len(bot.log())
    yield
    new = bot.log()[before:]
    assert " ERROR " not in new and "Traceback" not in new, new


@pytest.fixture(scope="module")
def username(emu: Emulator, bot: BotProcess) -> str:
    """The bot's @username, as getMe tells it (what the bot itself reads at start-up)."""
    response = httpx.get(f"{emu.base_url}{TOKEN}/getMe", timeout=10)
    name: str = response.json()["result"]["username"]
    return name


# ---------------------------------------------------------------------------------- helpers


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def buttons(message: JSON) -> list[JSON]:
    markup = message["reply_markup"] or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def button(message: JSON, label: str) -> JSON:
    found = [b for b in buttons(message) if b["text"] == label]
    assert found, f"no {label!r} button in {buttons(message)}"
    return found[0]


async def ask(emu: Emulator, chat_id: int, text: str, **kwargs: Any) -> JSON:
    """Send as the chat's user and return the bot's one reply."""
    await emu.send_message(TOKEN, chat_id, chat_id, text, **kwargs)
    [reply] = await emu.wait_for_messages(TOKEN, chat_id, 1, timeout=REPLY_TIMEOUT)
    assert reply["parse_mode"] == "HTML"
    assert reply["from"]["is_bot"] is True
    return reply


async def press(emu: Emulator, chat_id: int, message: JSON, label: str, n_before: int) -> list[JSON]:
    """Press a button of `message`; return the bot messages that arrived after the press."""
    data = button(message, label)["callback_data"]
    query = await emu.send_callback(TOKEN, chat_id, chat_id, data, message)
    messages = await emu.wait_for_messages(TOKEN, chat_id, n_before + 1, timeout=REPLY_TIMEOUT)
    answers = await emu.callback_answers(TOKEN)
    assert query["id"] in {a["callback_query_id"] for a in answers}  # the spinner stops
    assert all(m["parse_mode"] == "HTML" for m in messages[n_before:])
    return messages[n_before:]


def paragraph_of(line_fragment: str) -> str:
    """The whole paragraph of the published report holding `line_fragment`, as the bot reads it."""
    text = unicodedata.normalize("NFKC", REPORT.read_text(encoding="utf-8"))
    [line] = [x.strip() for x in text.splitlines() if line_fragment in x]
    return line


# ---------------------------------------------------------------------------------- questions


async def test_figure_question_answers_gdp_with_citation_and_buttons(emu: Emulator) -> None:
    chat = private_chat()
    reply = await ask(emu, chat, "去年GDP多少")
    text = reply["text"]
    assert "670.68亿元" in text
    answer, citation = text.split("\n")
    assert answer.startswith("2021年:")
    assert re.fullmatch(r"<i>摘自:2021年工作回顾 › .+</i>", citation)
    assert [b["text"] for b in buttons(reply)] == ["原文", "更多"]
    assert button(reply, "原文")["callback_data"].startswith("p:")
    assert button(reply, "更多")["callback_data"].startswith("m:")
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(reply))


async def test_2022_target_question_gives_planned_growth(emu: Emulator) -> None:
    reply = await ask(emu, private_chat(), "2022年社会消费品零售总额预期增长多少")
    answer = reply["text"].split("\n")[0]
    assert answer.startswith("2022年计划:")
    assert "社会消费品零售总额增长10%以上" in answer
    assert "<i>摘自:2022年工作任务" in reply["text"]


async def test_glossary_question_gives_the_note(emu: Emulator) -> None:
    reply = await ask(emu, private_chat(), "胡子工程是什么意思")
    assert reply["text"].startswith("“胡子工程”:是指进度缓慢")
    assert "<i>摘自:报告注释1" in reply["text"]
    assert "原文" in [b["text"] for b in buttons(reply)]


async def test_out_of_scope_question_says_not_found_without_citation_or_buttons(emu: Emulator) -> None:
    reply = await ask(emu, private_chat(), "明天南昌天气怎么样")
    assert "报告中没有找到" in reply["text"]
    assert REPORT_TITLE in reply["text"]
    assert "摘自" not in reply["text"]
    assert reply["reply_markup"] is None


async def test_traditional_question_is_answered_in_traditional(emu: Emulator) -> None:
    reply = await ask(emu, private_chat(), "去年地區生產總值是多少")
    text = reply["text"]
    assert "670.68億元" in text and "實現地區生產總值" in text
    assert "<i>摘自:2021年工作回顧" in text
    assert not re.search("[亿实区产总]", text)  # no Simplified form of a character used here


# ---------------------------------------------------------------------------------- commands


async def test_start_names_the_report_and_lists_commands(emu: Emulator) -> None:
    reply = await ask(emu, private_chat(), "/start")
    text = reply["text"]
    assert f"《{REPORT_TITLE}》" in text
    assert "<b>命令</b>" in text
    for command in ("/start", "/help", "/ask", "/glossary", "/figures"):
        assert f"\n{command} — " in text
    assert reply["reply_markup"] is None


async def test_help_names_the_report_gives_examples_and_lists_commands(emu: Emulator) -> None:
    reply = await ask(emu, private_chat(), "/help")
    text = reply["text"]
    assert "<b>我知道的报告</b>" in text and f"· 《{REPORT_TITLE}》" in text
    # Examples from the report's own headline figure, a target and a note.
    assert "· 2021年地区生产总值是多少?" in text and "· 胡子工程是什么意思?" in text
    for command in ("/start", "/help", "/ask", "/glossary", "/figures"):
        assert f"\n{command} — " in text


async def test_glossary_without_term_lists_14_notes_as_buttons(emu: Emulator) -> None:
    reply = await ask(emu, private_chat(), "/glossary")
    assert reply["text"] == "报告中的14条名词解释,点一个查看:"
    listed = buttons(reply)
    assert len(listed) == 14
    assert listed[0]["text"] == "胡子工程"
    assert all(b["callback_data"].startswith("g:") for b in listed)
    assert all(len(row) <= 2 for row in reply["reply_markup"]["inline_keyboard"])


async def test_glossary_with_misspelt_term_gives_the_note(emu: Emulator) -> None:
    reply = await ask(emu, private_chat(), "/glossary 胡子工成")
    text = reply["text"]
    assert text.startswith("<b>“胡子工程”</b>\n")
    assert "进度缓慢" in text
    assert "<i>报告注释1,正文见:" in text
    assert [b["text"] for b in buttons(reply)] == ["原文"]


async def test_figures_shows_a_pre_table_of_achieved_and_target(emu: Emulator) -> None:
    reply = await ask(emu, private_chat(), "/figures")
    match = re.fullmatch(r"<b>(.+):主要指标</b>\n<pre>(.+)</pre>", reply["text"], re.S)
    assert match, reply["text"]
    assert match.group(1) == REPORT_TITLE
    rows = match.group(2).split("\n")
    assert "2021实际 | 2022目标" in rows[0]
    [gdp] = [r for r in rows if r.startswith("地区生产总值")]
    assert "670.68亿元" in gdp and gdp.endswith("增长7%以上")


# ---------------------------------------------------------------------------------- buttons


async def test_original_button_sends_the_whole_paragraph_as_a_new_message(emu: Emulator) -> None:
    chat = private_chat()
    answer = await ask(emu, chat, "去年GDP多少")
    [shown] = await press(emu, chat, answer, "原文", 1)
    header, body = shown["text"].split("\n", 1)
    assert header.startswith("<b>原文</b>(2021年工作回顾 › ")
    assert html.unescape(body) == paragraph_of("实现地区生产总值670.68亿元")
    # The answer stays as it was: the button adds a message, it does not edit.
    [answer_now] = [m for m in await emu.bot_messages(TOKEN, chat) if m["message_id"] == answer["message_id"]]
    assert answer_now["history"] == [] and answer_now["text"] == answer["text"]


async def test_more_button_sends_the_next_results(emu: Emulator) -> None:
    chat = private_chat()
    answer = await ask(emu, chat, "去年GDP多少")
    [more] = await press(emu, chat, answer, "更多", 1)
    text = more["text"]
    assert text.startswith("<b>更多相关内容</b>\n1. ")
    items = re.findall(r"^(\d)\. ", text, re.M)
    assert 1 <= len(items) <= 3 and items == [str(n) for n in range(1, len(items) + 1)]
    assert text.count("<i>摘自:") == len(items)  # each result with its source
    assert "实现地区生产总值670.68亿元" not in text  # the answer itself is not repeated
    assert [b["text"] for b in buttons(more)] == [f"原文{n}" for n in items]
    assert all(b["callback_data"].startswith("p:") for b in buttons(more))


async def test_glossary_term_button_shows_that_note(emu: Emulator) -> None:
    chat = private_chat()
    listing = await ask(emu, chat, "/glossary")
    [note] = await press(emu, chat, listing, "胡子工程", 1)
    assert note["text"].startswith("<b>“胡子工程”</b>\n是指进度缓慢")
    assert [b["text"] for b in buttons(note)] == ["原文"]
    assert (await emu.bot_messages(TOKEN, chat))[0]["history"] == []  # the list stays


async def test_long_reply_is_split_under_the_limit_and_loses_nothing(emu: Emulator) -> None:
    chat = private_chat()
    answer = await ask(emu, chat, "第7批沙洲绿道工程完成栽植樟树多少株")
    assert f"<i>摘自:2021年工作回顾 › {LONG_CHAPTER}</i>" in answer["text"]  # any of its sentences
    paragraph = long_paragraph()
    last_sentence = paragraph[paragraph.rstrip("。").rfind("。") + 1:]
    await emu.send_callback(TOKEN, chat, chat, button(answer, "原文")["callback_data"], answer)
    messages = await emu.wait_for(
        TOKEN, chat, lambda ms: last_sentence in "".join(plain(m["text"]) for m in ms[1:]), timeout=REPLY_TIMEOUT)
    parts = messages[1:]
    assert len(parts) >= 2
    assert all(len(m["text"]) <= TELEGRAM_LIMIT for m in parts)
    assert all(m["parse_mode"] == "HTML" for m in parts)
    header, first_body = plain(parts[0]["text"]).split("\n", 1)
    assert header == f"原文(2021年工作回顾 › {LONG_CHAPTER})"
    together = first_body + "".join(plain(m["text"]) for m in parts[1:])
    assert together == paragraph
    # Split at sentence ends: every part but the last ends a sentence.
    assert all(plain(m["text"]).endswith("。") for m in parts)


# ---------------------------------------------------------------------------------- hostile text


def assert_safe_html(text: str) -> None:
    """Every '<' opens an allowed tag and every '&' starts an entity: no user markup got through."""
    for m in re.finditer("<", text):
        assert ALLOWED_TAG.match(text, m.start()), f"unexpected '<' at {m.start()}: {text!r}"
    for m in re.finditer("&", text):
        assert ENTITY.match(text, m.start()), f"unescaped '&' at {m.start()}: {text!r}"


async def test_user_html_is_never_echoed_unescaped(emu: Emulator) -> None:
    hostile = "<b>x</b> & 胡子工程<script>"
    question = await ask(emu, private_chat(), hostile)
    assert_safe_html(question["text"])
    assert "<script" not in question["text"] and "<b>x</b>" not in question["text"]
    assert "进度缓慢" in question["text"]  # the term in the markup is still understood
    note = await ask(emu, private_chat(), f"/glossary {hostile}")
    assert_safe_html(note["text"])
    assert note["text"].startswith("<b>“胡子工程”</b>\n")
    # /glossary with an unknown term repeats the user's words: they must come back escaped.
    unknown = await ask(emu, private_chat(), "/glossary <i>y</i> & <script>")
    assert_safe_html(unknown["text"])
    assert "没有“&lt;i&gt;y&lt;/i&gt; &amp; &lt;script&gt;”" in unknown["text"]


# ---------------------------------------------------------------------------------- groups


async def test_group_message_without_mention_gets_no_reply(emu: Emulator, username: str) -> None:
    group = group_chat()
    user = private_chat()
    await emu.send_message(TOKEN, user, group, "去年GDP多少", chat_type="group")
    await asyncio.sleep(1.5)  # the negative check: nothing may arrive
    assert await emu.bot_messages(TOKEN, group) == []
    # The bot was listening all along: a mention in the same group is answered, once.
    mention = await emu.send_message(TOKEN, user, group, f"@{username} 去年GDP多少", chat_type="group")
    [reply] = await emu.wait_for_messages(TOKEN, group, 1, timeout=REPLY_TIMEOUT)
    await asyncio.sleep(0.2)
    assert len(await emu.bot_messages(TOKEN, group)) == 1
    assert reply["reply_to_message"]["message_id"] == mention["message_id"]


async def test_group_message_mentioning_the_bot_is_answered_in_thread(emu: Emulator, username: str) -> None:
    group = group_chat()
    user = private_chat()
    sent = await emu.send_message(TOKEN, user, group, f"@{username} 胡子工程是什么意思", chat_type="group")
    [reply] = await emu.wait_for_messages(TOKEN, group, 1, timeout=REPLY_TIMEOUT)
    assert reply["parse_mode"] == "HTML"
    assert reply["chat"]["id"] == group
    assert "进度缓慢" in reply["text"]
    assert reply["reply_to_message"]["message_id"] == sent["message_id"]


async def test_group_ask_command_is_answered(emu: Emulator) -> None:
    group = group_chat()
    user = private_chat()
    sent = await emu.send_message(TOKEN, user, group, "/ask 去年GDP多少", chat_type="group")
    [reply] = await emu.wait_for_messages(TOKEN, group, 1, timeout=REPLY_TIMEOUT)
    assert "670.68亿元" in reply["text"] and "<i>摘自:" in reply["text"]
    assert reply["reply_to_message"]["message_id"] == sent["message_id"]
    assert [b["text"] for b in buttons(reply)] == ["原文", "更多"]


async def test_group_reply_to_a_bot_message_is_answered(emu: Emulator) -> None:
    group = group_chat()
    user = private_chat()
    await emu.send_message(TOKEN, user, group, "/ask 去年GDP多少", chat_type="group")
    [first] = await emu.wait_for_messages(TOKEN, group, 1, timeout=REPLY_TIMEOUT)
    follow_up = await emu.send_message(TOKEN, user, group, "胡子工程是什么意思", chat_type="group",
                                       reply_to_message=first["message_id"])
    assert follow_up["reply_to_message"]["from"]["is_bot"] is True
    messages = await emu.wait_for_messages(TOKEN, group, 2, timeout=REPLY_TIMEOUT)
    reply = messages[1]
    assert "进度缓慢" in reply["text"]
    assert reply["reply_to_message"]["message_id"] == follow_up["message_id"]


# ---------------------------------------------------------------------------------- inline mode


async def test_inline_query_answers_with_the_answer_as_first_result(emu: Emulator) -> None:
    query_id = await emu.send_inline_query(TOKEN, private_chat(), "去年GDP多少")
    answer = await emu.inline_answer(query_id, timeout=REPLY_TIMEOUT)
    results = answer["results"]
    assert len(results) >= 1
    first = results[0]
    assert first["type"] == "article"
    assert "670.68亿元" in first["title"]
    content = first["input_message_content"]
    assert "670.68亿元" in content["message_text"] and "<i>摘自:" in content["message_text"]
    assert content["parse_mode"] == "HTML"
    assert len({r["id"] for r in results}) == len(results)


# ---------------------------------------------------------------------------------- admin commands


@pytest.mark.parametrize("command", ["/reindex", "/stats"])
async def test_admin_commands_refuse_non_admins_politely(emu: Emulator, bot: BotProcess, command: str) -> None:
    user = private_chat()
    reply = await ask(emu, user, command)
    assert reply["text"] == "这个命令只给管理员用。"
    assert reply["reply_markup"] is None
    assert f"refused {command} from user {user} (not in ADMIN_IDS)" in bot.log()
