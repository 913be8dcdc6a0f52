"""Proves the emulator harness works with a real python-telegram-bot Application.

The Application here is a tiny echo bot built in the test, not the project's bot: these tests
check the harness (emulator patches, user-side helpers, fault injection), so that bot tests
can rely on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

try:  # tests/e2e may become a package later
    from .emulator import Emulator, EmulatorError, find_node
except ImportError:
    from emulator import Emulator, EmulatorError, find_node  # type: ignore[no-redef]

pytestmark = [
    pytest.mark.skipif(find_node() is None, reason="node is not on PATH: e2e needs Node.js 20"),
    pytest.mark.timeout(30),
]

USER_ID = 7001
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data="again")]])


class EchoBot:
    """An echo Application plus what its handlers saw, for assertions."""

    def __init__(self, emu: Emulator, token: str) -> None:
        self.token = token
        self.errors: list[BaseException] = []
        self.sent: list[Message] = []  # what PTB parsed from the emulator's answers
        self.send_failures: list[TelegramError] = []
        self.app: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(token)
            .base_url(emu.base_url)
            .base_file_url(emu.base_file_url)
            .build()
        )
        self.app.add_handler(CommandHandler("start", self.on_start))
        self.app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        self.app.add_handler(CallbackQueryHandler(self.on_button))
        self.app.add_handler(InlineQueryHandler(self.on_inline))
        self.app.add_error_handler(self.on_error)

    async def on_start(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        self.sent.append(await update.message.reply_text("welcome"))

    async def on_text(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        text = f"<b>{html.escape(update.message.text)}</b>"
        sent = await self.reply_with_retry(update.message, text)
        self.sent.append(sent)

    async def reply_with_retry(self, message: Message, text: str) -> Message:
        """What a bot should do with flood control and 5xx: wait and retry a few times."""
        for _ in range(5):
            try:
                return await message.reply_text(
                    text, parse_mode=ParseMode.HTML, reply_markup=KEYBOARD
                )
            except RetryAfter as exc:  # flood control: wait as told
                self.send_failures.append(exc)
                await asyncio.sleep(retry_seconds(exc))
            except NetworkError as exc:  # 5xx: transient on Telegram's side
                self.send_failures.append(exc)
                await asyncio.sleep(0.01)
        raise AssertionError(f"sendMessage still failing: {self.send_failures}")

    async def on_button(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("pressed")
        edited = await query.edit_message_text(f"pressed {query.data}")
        assert isinstance(edited, Message)
        self.sent.append(edited)

    async def on_inline(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.inline_query is not None
        query = update.inline_query.query
        result = InlineQueryResultArticle(
            id="1", title=query.upper(), input_message_content=InputTextMessageContent(query)
        )
        await update.inline_query.answer([result], cache_time=0)

    async def on_error(self, _: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        self.errors.append(context.error)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[EchoBot]:
        """Poll like production does; the emulator never long-polls, so keep the interval short."""
        await self.app.initialize()
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0.02)
        try:
            yield self
        finally:
            await self.app.updater.stop()
            await self.app.stop()
            await self.app.shutdown()


def retry_seconds(exc: RetryAfter) -> float:
    value = exc.retry_after  # int in PTB 22 unless PTB_TIMEDELTA is set, then a timedelta
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@pytest.mark.asyncio
async def test_echo_reply_has_html_keyboard_and_unique_ids(emu: Emulator) -> None:
    bot = EchoBot(emu, "1001:ECHO")
    async with bot.running():
        sent_by_user = [
            await emu.send_message(bot.token, USER_ID, USER_ID, text)
            for text in ("hello <world> & co", "second", "/start")
        ]
        replies = await emu.wait_for_messages(bot.token, USER_ID, 3)

    assert bot.errors == []
    by_text = {m["text"]: m for m in replies}
    echo = by_text["<b>hello &lt;world&gt; &amp; co</b>"]
    assert echo["parse_mode"] == "HTML"
    assert echo["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "again"
    assert echo["from"]["is_bot"] is True and echo["chat"]["id"] == USER_ID
    assert "welcome" in by_text  # the bot_command entity made CommandHandler fire
    ids = [m["message_id"] for m in sent_by_user + replies]
    assert len(ids) == len(set(ids)) == 6
    # PTB parsed every answer: dates in seconds, keyboards as objects.
    assert all(abs(m.date.timestamp() - time.time()) < 60 for m in bot.sent)


@pytest.mark.asyncio
async def test_button_press_answers_and_edits(emu: Emulator) -> None:
    bot = EchoBot(emu, "1002:BUTTON")
    async with bot.running():
        await emu.send_message(bot.token, USER_ID, USER_ID, "hi")
        [echo] = await emu.wait_for_messages(bot.token, USER_ID, 1)
        query = await emu.send_callback(bot.token, USER_ID, USER_ID, "again", echo)
        [edited] = await emu.wait_for(
            bot.token, USER_ID, lambda ms: ms[0]["text"] == "pressed again"
        )
        answers = await emu.callback_answers(bot.token)

    assert bot.errors == []
    assert query["chat_instance"] and query["message"]["date"] > 0
    assert edited["message_id"] == echo["message_id"]
    assert edited["edit_date"] >= echo["date"]
    assert edited["reply_markup"] is None  # Telegram drops a keyboard the edit does not resend
    assert [h["text"] for h in edited["history"]] == ["<b>hi</b>"]
    assert [(a["callback_query_id"], a["text"]) for a in answers] == [(query["id"], "pressed")]
    assert bot.sent[-1].text == "pressed again"


@pytest.mark.asyncio
async def test_bot_setup_methods_succeed(emu: Emulator) -> None:
    bot = EchoBot(emu, "1003:SETUP")
    commands = [BotCommand("start", "Start"), BotCommand("help", "How to ask")]
    async with bot.running():
        assert await bot.app.bot.set_my_commands(commands) is True
        assert tuple(await bot.app.bot.get_my_commands()) == tuple(commands)
        assert await bot.app.bot.send_chat_action(USER_ID, "typing") is True
        # PTB strips "Bad Request: " and capitalizes the rest.
        with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
            await bot.app.bot.set_my_commands([BotCommand("Bad-Name", "Telegram rejects it")])
        with pytest.raises(BadRequest, match='(?i)unsupported start tag "br"'):
            await bot.app.bot.send_message(USER_ID, "a<br>b", parse_mode=ParseMode.HTML)
    assert bot.errors == []


@pytest.mark.asyncio
async def test_inline_query_answer_is_visible(emu: Emulator) -> None:
    bot = EchoBot(emu, "1004:INLINE")
    async with bot.running():
        query_id = await emu.send_inline_query(bot.token, USER_ID, "budget")
        answer = await emu.inline_answer(query_id)
    assert bot.errors == []
    assert [r["title"] for r in answer["results"]] == ["BUDGET"]


# PTB 22 warns on every RetryAfter that retry_after will become a timedelta.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
@pytest.mark.asyncio
async def test_faults_surface_as_ptb_errors_and_retries_recover(emu: Emulator) -> None:
    bot = EchoBot(emu, "1005:FAULTS")
    async with bot.running():
        await emu.set_faults(500, 2, ["sendMessage"], token=bot.token)
        await emu.set_faults(429, 1, ["sendMessage"], retry_after=1, token=bot.token)
        started = time.monotonic()
        await emu.send_message(bot.token, USER_ID, USER_ID, "are you there")
        [reply] = await emu.wait_for_messages(bot.token, USER_ID, 1)
        waited = time.monotonic() - started
        attempts = await emu.calls(bot.token, "sendMessage")

        # Without a retry loop the fault reaches the application's error handler.
        await emu.set_faults(500, 1, ["sendMessage"], token=bot.token)
        await emu.send_message(bot.token, USER_ID, USER_ID, "/start")
        deadline = time.monotonic() + 5
        while not bot.errors and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    assert [type(e) for e in bot.send_failures] == [NetworkError, NetworkError, RetryAfter]
    assert "Internal Server Error" in str(bot.send_failures[0])
    assert retry_seconds(bot.send_failures[2]) == 1 and waited >= 1
    assert reply["text"] == "<b>are you there</b>" and len(attempts) == 4
    assert [type(e) for e in bot.errors] == [NetworkError]


def test_missing_node_modules_names_npm_ci(tmp_path: Path) -> None:
    with pytest.raises(EmulatorError, match="npm ci"):
        Emulator(project_root=tmp_path).start()
