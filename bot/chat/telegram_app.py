"""The Telegram bot: python-telegram-bot 22 handlers over bot.chat.conversation.

Usage: `reportbot run` (long polling; with WEBHOOK_URL set, a webhook). Handlers read the
text, call the core and send what it returns; retrieval lives in bot.answer.answerer, wording in
bot.chat.conversation. Every reply is HTML with report and user text escaped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.knowledge.admin import Admin
from bot.chat.admin_chat import ADMIN_BUTTONS, NOT_ADMIN_FILE, AdminChat
from bot.config import Settings, setup_logging
from bot.chat.conversation import COMMANDS, Conversation, Reply, esc, split_message
from bot.errors import ReportBotError
from bot.chat.ratelimit import RateLimiter
from bot.index.reindex import ReindexResult, clean_leftovers, rebuild
from bot.chat.stats import StatsLog

logger = logging.getLogger("reportbot")

APOLOGY = "抱歉,处理这条消息时出了点问题,请稍后再试。"
ADMIN_ONLY = "这个命令只给管理员用。"
SEND_ATTEMPTS = 6
SEND_CONNECTIONS = 8


class BotService:
    """What the handlers share, kept in application.bot_data['service']: the current library
    (swapped atomically by /reindex), the usage log and the rate limiter."""

    def __init__(self, settings: Settings, library, stats: StatsLog | None = None):
        self.settings = settings
        self._library = library
        self.conversation = Conversation(lambda: self._library)
        self.stats = stats or StatsLog(settings.stats_path)
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self._reindex_task: asyncio.Task | None = None
        self.admin = Admin(settings.knowledge_dir, settings.index_path, settings.stats_path, settings.home_place)
        self.admin_chat = AdminChat(self.admin, lambda: self._library)

    @property
    def library(self):
        return self._library

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids

    async def reindex(self) -> ReindexResult:
        """Rebuild off the event loop; a /reindex while one runs waits for that one (coalesced)."""
        if self._reindex_task is None or self._reindex_task.done():
            self._reindex_task = asyncio.create_task(self._rebuild())
        return await asyncio.shield(self._reindex_task)

    async def _rebuild(self) -> ReindexResult:
        result = await asyncio.to_thread(rebuild, self.settings.knowledge_dir, self.settings.index_path,
                                         self.settings.home_place)
        self.install(result)
        return result

    def install(self, result: ReindexResult | None) -> None:
        """Answer from a new index from now on (after /reindex or an admin's change)."""
        if result is None:
            return
        old, self._library = self._library, result.library
        # Questions in flight may still read the old index: close it a little later.
        asyncio.get_running_loop().call_later(30, old.close)


def _service(context: ContextTypes.DEFAULT_TYPE) -> BotService:
    return context.application.bot_data["service"]


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in reply.buttons])


def _seconds(retry_after) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, dt.timedelta) else float(retry_after)


async def deliver(send: Callable[[], Awaitable], attempts: int = SEND_ATTEMPTS):
    """Send with retries: 429 waits as long as Telegram asks, 5xx and timeouts back off. A bad
    request or a blocked bot is not retried (it would fail the same way)."""
    delay = 0.25
    for attempt in range(1, attempts + 1):
        try:
            return await send()
        except RetryAfter as err:
            if attempt == attempts:
                raise
            await asyncio.sleep(_seconds(err.retry_after) + 0.05)
        except (BadRequest, Forbidden):
            raise
        except TimedOut as err:
            # A read or write timeout may come after Telegram took the message: sending it again
            # could post it twice. Only a connection that never opened is safe to retry.
            if attempt == attempts or not isinstance(err.__cause__, (httpx.ConnectTimeout, httpx.PoolTimeout)):
                raise
            logger.warning("sending timed out before connecting, retry %d in %.2f s", attempt, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        except NetworkError as err:
            if attempt == attempts:
                raise
            logger.warning("sending failed (%s), retry %d in %.2f s", err, attempt, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


async def send_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """One reply, split at sentence boundaries when over Telegram's 4,096 characters; buttons go
    with the last part. In groups the reply is threaded to the message it answers."""
    chat = update.effective_chat
    message = update.effective_message
    threaded = chat.type != ChatType.PRIVATE and message is not None
    chunks = split_message(reply.html)
    if reply.photo is not None and await send_photo(update, context, reply):
        return  # the text went as the photo's caption
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        kwargs = {"reply_markup": _markup(reply) if last else None}
        if threaded and i == 0:
            kwargs["reply_parameters"] = ReplyParameters(message.message_id, allow_sending_without_reply=True)
        await deliver(lambda chunk=chunk, kwargs=kwargs: context.bot.send_message(chat.id, chunk, **kwargs))


CAPTION_LIMIT = 1024  # Telegram's limit for a photo's caption


async def send_photo(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> bool:
    """A chart, with the reply as its caption when it fits (else the text follows); whether
    the caption carried the text."""
    chat = update.effective_chat
    fits = len(reply.html) <= CAPTION_LIMIT
    kwargs = {"caption": reply.html, "reply_markup": _markup(reply)} if fits else {}
    await deliver(lambda: context.bot.send_photo(chat.id, photo=reply.photo, **kwargs))
    return fits


# Questions


def _addressed_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The question in a message, or None when the message is not for the bot: in groups the bot
    answers a mention or a reply to one of its messages and stays quiet otherwise."""
    message = update.effective_message
    text = message.text or ""
    if update.effective_chat.type == ChatType.PRIVATE:
        return text
    username = context.bot.username or ""
    # '@ReportBot2' is another bot: the name must end where the mention ends.
    mention = re.search(rf"@{re.escape(username)}(?![A-Za-z0-9_])", text, re.I) if username else None
    if mention:
        return (text[:mention.start()] + text[mention.end():]).strip()
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == context.bot.id:
        return text
    return None


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    service = _service(context)
    user = update.effective_user
    user_id = user.id if user else None
    if user_id is not None and not service.limiter.allow(user_id):
        wait = int(service.limiter.retry_in(user_id)) + 1
        await send_reply(update, context, Reply(f"问得太快啦,请 {wait} 秒后再问。"))
        return
    if not question.strip():
        await send_reply(update, context, service.conversation.help())
        return
    answer, reply = service.conversation.ask(question)
    service.stats.record(user_id, question, answer.answered, answer.kind, answer.ms)
    await send_reply(update, context, reply)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text in a private chat; a mention or a reply to the bot in a group."""
    question = _addressed_text(update, context)
    if question is not None:
        await answer_question(update, context, question)


async def on_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask 问题 — the way to ask in a group."""
    question = " ".join(context.args or [])
    if not question:
        await send_reply(update, context, Reply("用法:/ask 你的问题,比如 /ask 去年GDP多少"))
        return
    await answer_question(update, context, question)


# Commands


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: what the bot knows and how to ask."""
    await send_reply(update, context, _service(context).conversation.start())


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: the reports, example questions, the commands."""
    await send_reply(update, context, _service(context).conversation.help())


async def on_glossary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/glossary [term]: all notes as buttons, or one note."""
    await send_reply(update, context, _service(context).conversation.glossary(" ".join(context.args or [])))


async def on_figures(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/figures: headline indicators, achieved beside target."""
    await send_reply(update, context, _service(context).conversation.figures())


async def on_reports(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reports: the reports held, grouped by place, newest first."""
    await send_reply(update, context, _service(context).conversation.reports())


async def on_targets(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/targets [place] [year]: a year's headline targets beside their results."""
    await send_reply(update, context, _service(context).conversation.targets(" ".join(context.args or [])))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """原文, 更多, glossary and other-report buttons; the admins' 加入/取消/删除/撤销/教 buttons.
    The message stays; what the button shows comes below it."""
    query = update.callback_query
    await query.answer()
    data = query.data or ""
    if data.split(":", 1)[0] in ADMIN_BUTTONS:
        service = _service(context)
        if await refused(update, context, "admin button"):
            return
        reply, result = await asyncio.to_thread(service.admin_chat.press, data, update.effective_user.id)
        service.install(result)
        await send_reply(update, context, reply)
        return
    await send_reply(update, context, _service(context).conversation.button(data))


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file sent to the bot: from an admin, a report to add (preview first); from anyone else,
    not downloaded."""
    service = _service(context)
    user = update.effective_user
    document = update.effective_message.document
    if not service.is_admin(user.id if user else None):
        if update.effective_chat.type == ChatType.PRIVATE:
            await send_reply(update, context, Reply(NOT_ADMIN_FILE))
        return
    too_big = service.admin_chat.too_big(document.file_size)
    if too_big:
        await send_reply(update, context, too_big)
        return
    await send_reply(update, context, Reply("收到文件,正在读取……"))
    file = await context.bot.get_file(document.file_id)
    data = bytes(await file.download_as_bytearray())
    reply = await asyncio.to_thread(service.admin_chat.document, data, document.file_name or "", user.id)
    await send_reply(update, context, reply)


async def on_remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove (admins): pick a report, confirm; it goes to the trash (undo) and out of the index."""
    if await refused(update, context, "remove"):
        return
    await send_reply(update, context, _service(context).admin_chat.remove_menu())


async def on_alias(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/alias [报告用语 = 说法] (admins): list, add or (/alias 删除 …) remove a word users type."""
    if await refused(update, context, "alias"):
        return
    service = _service(context)
    text = (update.effective_message.text or "").split(None, 1)
    reply, result = await asyncio.to_thread(service.admin_chat.alias, text[1] if len(text) > 1 else "",
                                            update.effective_user.id)
    service.install(result)
    await send_reply(update, context, reply)


async def on_audit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/audit (admins): the latest admin actions."""
    if await refused(update, context, "audit"):
        return
    await send_reply(update, context, _service(context).admin_chat.audit())


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot 问题 in any chat: the best answer (and the next passages) as results."""
    query = update.inline_query
    text = (query.query or "").strip()
    if not text:
        await query.answer([], cache_time=5)
        return
    service = _service(context)
    answer, reply = service.conversation.ask(text)
    service.stats.record(query.from_user.id if query.from_user else None, text, answer.answered, answer.kind, answer.ms)
    results = [InlineQueryResultArticle(
        id=uuid.uuid4().hex, title=answer.answer[:64], description=answer.citation[:100] or None,
        input_message_content=InputTextMessageContent(split_message(reply.html)[0], parse_mode=ParseMode.HTML))]
    for source in answer.sources[1:4] if answer.answered else []:
        html = f"{esc(source.text)}\n<i>摘自:{esc(source.section)}</i>"
        results.append(InlineQueryResultArticle(
            id=uuid.uuid4().hex, title=source.text[:64], description=source.section[:100],
            input_message_content=InputTextMessageContent(html, parse_mode=ParseMode.HTML)))
    await query.answer(results, cache_time=30)


# Admin


async def refused(update: Update, context: ContextTypes.DEFAULT_TYPE, command: str) -> bool:
    """True (after a polite refusal, and a log line) when the user is not in ADMIN_IDS."""
    user = update.effective_user
    if _service(context).is_admin(user.id if user else None):
        return False
    logger.warning("refused /%s from user %s (not in ADMIN_IDS)", command, user.id if user else "?")
    await send_reply(update, context, Reply(ADMIN_ONLY))
    return True


async def on_reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reindex (admins): rebuild from knowledge/ while answering goes on."""
    service = _service(context)
    if await refused(update, context, "reindex"):
        return
    await send_reply(update, context, Reply("正在重建索引,问答照常进行……"))
    try:
        result = await service.reindex()
    except ReportBotError as err:
        logger.warning("reindex failed: %s", err)
        await send_reply(update, context, Reply(f"重建失败,旧索引继续服务。原因:{esc(str(err))}"))
        return
    b = result.build
    service.admin.reindexed(update.effective_user.id, result)
    skipped = "".join(f"\n跳过 {esc(line)}" for line in b.skipped)
    await send_reply(update, context, Reply(
        f"索引已重建:{b.reports} 份报告,{b.passages} 段,{b.glossary} 条名词解释,{b.figures} 个数字,用时 {result.seconds:.2f} 秒。{skipped}"))


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats (admins): questions, share answered, answer time, top unanswered questions."""
    service = _service(context)
    if await refused(update, context, "stats"):
        return
    await send_reply(update, context, service.admin_chat.stats_reply(service.stats.summary()))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have, in a private chat: say so, as `reportbot chat` does."""
    command = (update.effective_message.text or "").split()[0].split("@")[0]
    await send_reply(update, context, Reply(f"不认识的命令 {esc(command)}。发 /help 看看能做什么。"))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the traceback; the user gets a short apology, never the traceback."""
    if update is None and isinstance(context.error, (NetworkError, TimedOut)):
        # getUpdates failing for a while (5xx, timeouts): PTB retries; a line is enough.
        logger.warning("polling for updates failed, retrying: %s", context.error)
        return
    logger.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat and not update.inline_query:
        try:
            await deliver(lambda: context.bot.send_message(update.effective_chat.id, APOLOGY), attempts=3)
        except Exception:  # noqa: BLE001 - nothing more to do for this update
            logger.exception("could not send the apology")


async def post_init(application: Application) -> None:
    service: BotService = application.bot_data["service"]
    try:
        await application.bot.set_my_commands([BotCommand(name, desc) for name, desc in COMMANDS])
    except NetworkError as err:  # the menu is a convenience; answering works without it
        logger.warning("could not set the command menu: %s", err)
    logger.info("answering from %s (%d reports)", service.settings.index_path, len(service.library.reports))


def build_application(settings: Settings, service: BotService) -> Application:
    """The Application `reportbot run` runs, wired to the given service."""
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .concurrent_updates(True)
        .connect_timeout(10).read_timeout(15).write_timeout(15).pool_timeout(10)
        # httpcore checks every pooled connection on every request: a few connections serve
        # many concurrent replies faster than PTB's default of 256.
        .connection_pool_size(SEND_CONNECTIONS)
        .get_updates_read_timeout(30)
        .post_init(post_init)
        .build()
    )
    application.bot_data["service"] = service
    application.add_handler(CommandHandler("start", on_start))
    application.add_handler(CommandHandler("help", on_help))
    application.add_handler(CommandHandler("ask", on_ask))
    application.add_handler(CommandHandler("glossary", on_glossary))
    application.add_handler(CommandHandler("figures", on_figures))
    application.add_handler(CommandHandler("reports", on_reports))
    application.add_handler(CommandHandler("targets", on_targets))
    application.add_handler(CommandHandler("reindex", on_reindex))
    application.add_handler(CommandHandler("stats", on_stats))
    application.add_handler(CommandHandler("remove", on_remove))
    application.add_handler(CommandHandler("alias", on_alias))
    application.add_handler(CommandHandler("audit", on_audit))
    application.add_handler(MessageHandler(filters.Document.ALL, on_document))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(InlineQueryHandler(on_inline))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, on_unknown_command))
    application.add_error_handler(on_error)
    return application


def prepare_service(settings: Settings) -> BotService:
    """Load the index (building it first when missing or older than knowledge/)."""
    from bot.cli import ensure_index

    clean_leftovers(Path(settings.index_path))
    library = ensure_index(settings.knowledge_dir, settings.index_path, home=settings.home_place)
    return BotService(settings, library)


def run_bot(settings: Settings) -> int:
    setup_logging(settings.log_level, settings.token)
    if not settings.token:
        print("reportbot run: TELEGRAM_BOT_TOKEN is not set. Put the token from @BotFather in .env "
              "(see .env.example), or try the bot without Telegram: reportbot chat")
        return 1
    service = prepare_service(settings)
    application = build_application(settings, service)
    try:
        _serve(application, settings)
    except InvalidToken:
        # PTB's message quotes the token: say what is wrong without it.
        print("reportbot run: the Bot API server refused the token. Check TELEGRAM_BOT_TOKEN (a revoked "
              "token?) and TELEGRAM_BASE_URL (the right server?).", file=sys.stderr)
        return 1
    return 0


def _serve(application: Application, settings: Settings) -> None:
    if settings.webhook_url:
        application.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port, url_path="telegram",
                                webhook_url=settings.webhook_url.rstrip("/") + "/telegram",
                                secret_token=settings.webhook_secret or None, allowed_updates=Update.ALL_TYPES)
    else:
        application.run_polling(poll_interval=settings.poll_interval, allowed_updates=Update.ALL_TYPES)
