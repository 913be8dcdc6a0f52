"""The Telegram handlers without a network: the real Application from
bot.chat.telegram_app.build_application, with python-telegram-bot's HTTP layer
(HTTPXRequest.do_request) replaced by an in-process fake Bot API that records every call.

Updates are built with telegram.Update.de_json and fed to `application.process_update`, so the
handler routing, filters, Defaults (HTML), error handler and sending code all run for real.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import httpx
import pytest

from tests.conftest import copy_index
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

import bot.chat.telegram_app as telegram_app
from bot.config import RedactToken, Settings, setup_logging
from bot.chat.telegram_app import ADMIN_ONLY, APOLOGY, SEND_ATTEMPTS, BotService, build_application, deliver

TOKEN = "654321:AAHandlerTest-secret_Token42"
BOT_ID = 654321
BOT_USERNAME = "TestNameBot"
USER = 1001
ADMIN = 4242
GROUP = -100555
GDP_QUESTION = "2021年西湖区地区生产总值是多少?"
ALLOWED_TAG = re.compile(r"</?(b|i|pre|code|blockquote)>")

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


# ---------------------------------------------------------------------------------------- fake Bot API


@dataclass
class FakeBotApi:
    """Answers PTB's requests with canned Bot API results and records them (method, params)."""

    calls: list[tuple[str, dict]] = field(default_factory=list)
    next_message_id: int = 500

    def sent(self, method: str = "sendMessage") -> list[dict]:
        return [params for name, params in self.calls if name == method]

    def handle(self, url: str, request_data) -> tuple[int, bytes]:
        method = url.rsplit("/", 1)[-1]
        params = json.loads(json.dumps(request_data.parameters)) if request_data else {}
        self.calls.append((method, params))
        if method == "getMe":
            result: object = {"id": BOT_ID, "is_bot": True, "first_name": "Test Bot", "username": BOT_USERNAME,
                              "can_join_groups": True, "can_read_all_group_messages": False,
                              "supports_inline_queries": True}
        elif method == "sendMessage":
            self.next_message_id += 1
            chat_id = int(params["chat_id"])
            result = {"message_id": self.next_message_id, "date": int(time.time()),
                      "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                      "from": {"id": BOT_ID, "is_bot": True, "first_name": "Test Bot", "username": BOT_USERNAME},
                      "text": params.get("text", "")}
        elif method in ("setMyCommands", "answerCallbackQuery", "deleteWebhook", "sendChatAction"):
            result = True
        else:
            return 400, json.dumps({"ok": False, "error_code": 400,
                                    "description": f"Bad Request: {method} is not faked"}).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()


@dataclass
class Harness:
    app: object
    service: BotService
    api: FakeBotApi
    _ids: int = 0

    def update(self, text: str, *, user_id: int = USER, chat_id: int | None = None, chat_type: str = "private",
               reply_to: dict | None = None) -> Update:
        self._ids += 1
        user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        chat = {"id": chat_id if chat_id is not None else user_id, "type": chat_type}
        chat.update({"first_name": user["first_name"]} if chat_type == "private" else {"title": "Test group"})
        message = {"message_id": self._ids, "date": int(time.time()), "chat": chat, "from": user, "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return Update.de_json({"update_id": self._ids, "message": message}, self.app.bot)

    async def send(self, text: str, **kwargs) -> list[dict]:
        """Process one message; return the sendMessage calls it caused."""
        before = len(self.api.sent())
        await self.app.process_update(self.update(text, **kwargs))
        return self.api.sent()[before:]


@pytest.fixture
async def tg(monkeypatch, tmp_path, index_path, answerer):
    api = FakeBotApi()

    async def do_request(self, url, method, request_data=None, **timeouts):
        return api.handle(url, request_data)

    monkeypatch.setattr(HTTPXRequest, "do_request", do_request)
    index = tmp_path / "index.db"  # a copy: nothing here may touch the session's index
    copy_index(index_path, index)
    settings = Settings(token=TOKEN, base_url="https://api.telegram.invalid/bot", admin_ids=frozenset({ADMIN}),
                        knowledge_dir=tmp_path / "knowledge", index_path=index, stats_path=tmp_path / "stats.db",
                        rate_limit_per_minute=1000)
    service = BotService(settings, answerer)
    application = build_application(settings, service)
    await application.initialize()  # getMe: the bot learns its username, as in production
    try:
        yield Harness(application, service, api)
    finally:
        await application.shutdown()
        service.stats.close()


def assert_valid_html(text: str) -> None:
    """Every '<' opens or closes a tag Telegram accepts: user and report text is escaped."""
    for match in re.finditer("<", text):
        assert ALLOWED_TAG.match(text, match.start()), f"unescaped '<' at {match.start()}: {text!r}"


# ---------------------------------------------------------------------------------------- questions


async def test_private_question_is_answered_with_html_and_buttons(tg):
    [sent] = await tg.send(GDP_QUESTION)
    assert sent["chat_id"] == USER
    assert sent["parse_mode"] == "HTML"
    assert "670.68亿元" in sent["text"] and "<i>摘自:" in sent["text"]
    assert_valid_html(sent["text"])
    buttons = [b for row in sent["reply_markup"]["inline_keyboard"] for b in row]
    labels = [b["text"] for b in buttons]
    assert "原文" in labels
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
    assert "reply_parameters" not in sent  # private chats are not threaded
    assert tg.service.stats.summary().questions == 1


async def test_private_question_with_markup_characters_is_escaped(tg):
    [sent] = await tg.send("<b>地区生产总值</b> & <script>胡子工程</script>")
    assert_valid_html(sent["text"])
    assert "<script>" not in sent["text"]


async def test_group_text_without_mention_is_ignored(tg):
    assert await tg.send(GDP_QUESTION, user_id=USER, chat_id=GROUP, chat_type="group") == []
    assert await tg.send("大家好,今天开会", user_id=USER, chat_id=GROUP, chat_type="supergroup") == []
    assert tg.service.stats.summary().questions == 0


@pytest.mark.parametrize("text", [f"@{BOT_USERNAME} 胡子工程是什么意思?", f"胡子工程是什么意思? @{BOT_USERNAME.lower()}"])
async def test_group_mention_is_answered_with_the_mention_stripped(tg, monkeypatch, text):
    asked = []
    real_ask = tg.service.conversation.ask
    monkeypatch.setattr(tg.service.conversation, "ask", lambda q: asked.append(q) or real_ask(q))
    update = tg.update(text, chat_id=GROUP, chat_type="group")
    await tg.app.process_update(update)
    [sent] = tg.api.sent()
    assert asked == ["胡子工程是什么意思?"]
    assert sent["chat_id"] == GROUP
    assert sent["text"] == real_ask("胡子工程是什么意思?")[1].html
    assert "进度缓慢" in sent["text"] and BOT_USERNAME.lower() not in sent["text"].lower()
    # Threaded to the question it answers.
    assert sent["reply_parameters"]["message_id"] == update.message.message_id


async def test_group_reply_to_the_bot_is_answered(tg):
    bot_message = {"message_id": 77, "date": int(time.time()), "chat": {"id": GROUP, "type": "group", "title": "G"},
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "Test Bot", "username": BOT_USERNAME},
                   "text": "earlier answer"}
    [sent] = await tg.send(GDP_QUESTION, chat_id=GROUP, chat_type="group", reply_to=bot_message)
    assert "670.68亿元" in sent["text"]


# ---------------------------------------------------------------------------------------- admin commands


async def test_reindex_and_stats_are_refused_for_a_non_admin(tg, caplog):
    index_bytes = tg.service.settings.index_path.read_bytes()
    await tg.send(GDP_QUESTION)
    with caplog.at_level(logging.WARNING, logger="reportbot"):
        [reindex] = await tg.send("/reindex")
        [stats] = await tg.send("/stats")
    assert reindex["text"] == ADMIN_ONLY and stats["text"] == ADMIN_ONLY
    assert "使用统计" not in stats["text"] and "正在重建" not in reindex["text"]
    assert tg.service.settings.index_path.read_bytes() == index_bytes
    assert tg.service._reindex_task is None  # no build was started
    assert "refused /reindex" in caplog.text and "refused /stats" in caplog.text


async def test_stats_for_an_admin_lists_counts(tg):
    await tg.send(GDP_QUESTION)
    await tg.send("北京市2021年GDP是多少?")
    [stats] = await tg.send("/stats", user_id=ADMIN)
    assert "提问 2 次" in stats["text"] and "已回答 50%" in stats["text"]
    assert "北京市2021年GDP是多少? ×1" in stats["text"]
    assert_valid_html(stats["text"])


# ---------------------------------------------------------------------------------------- errors


async def test_handler_exception_is_logged_and_the_user_gets_only_a_short_apology(tg, monkeypatch, caplog):
    def explode(question):
        raise RuntimeError("kaboom in the answering core /internal/path.py")

    monkeypatch.setattr(tg.service.conversation, "ask", explode)
    with caplog.at_level(logging.ERROR, logger="reportbot"):
        sent = await tg.send(GDP_QUESTION)
    assert [s["text"] for s in sent] == [APOLOGY]
    assert "kaboom" not in sent[0]["text"] and "Traceback" not in sent[0]["text"]
    [record] = [r for r in caplog.records if r.name == "reportbot" and r.levelno == logging.ERROR]
    assert record.exc_info and isinstance(record.exc_info[1], RuntimeError)
    assert "kaboom" in caplog.text and "Traceback" in caplog.text  # the traceback is in the log


# ---------------------------------------------------------------------------------------- deliver()


@pytest.fixture
def sleeps(monkeypatch):
    """deliver()'s waits, recorded instead of slept."""
    waited: list[float] = []

    async def fake_sleep(seconds):
        waited.append(seconds)

    monkeypatch.setattr(telegram_app, "asyncio", SimpleNamespace(sleep=fake_sleep))
    return waited


def scripted(*outcomes):
    """A send() coroutine function that raises or returns the outcomes in order."""
    calls = []

    async def send():
        outcome = outcomes[min(len(calls), len(outcomes) - 1)]
        calls.append(outcome)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return send, calls


def connect_timeout() -> TimedOut:
    """A timeout before the connection opened: Telegram never saw the request."""
    err = TimedOut()
    err.__cause__ = httpx.ConnectTimeout("connect timed out")
    return err


async def test_deliver_retries_retry_after_network_errors_and_timeouts(sleeps):
    send, calls = scripted(RetryAfter(3), NetworkError("Bad Gateway"), connect_timeout(), RetryAfter(dt.timedelta(seconds=1)),
                           "sent")
    assert await deliver(send) == "sent"
    assert len(calls) == 5
    assert sleeps[0] == pytest.approx(3.05)  # as long as Telegram asks, plus a little
    assert sleeps[1:3] == [0.25, 0.5]  # 5xx and timeouts back off
    assert sleeps[3] == pytest.approx(1.05)


async def test_deliver_does_not_resend_after_a_read_timeout(sleeps):
    # The message may have been posted already: sending it again could post it twice.
    err = TimedOut()
    err.__cause__ = httpx.ReadTimeout("read timed out")
    send, calls = scripted(err, "sent")
    with pytest.raises(TimedOut):
        await deliver(send)
    assert len(calls) == 1 and sleeps == []


@pytest.mark.parametrize("error", [BadRequest("Can't parse entities"), Forbidden("bot was blocked by the user")])
async def test_deliver_does_not_retry_bad_request_or_forbidden(sleeps, error):
    send, calls = scripted(error, "sent")
    with pytest.raises(type(error)):
        await deliver(send)
    assert len(calls) == 1 and sleeps == []


async def test_deliver_gives_up_after_the_last_attempt(sleeps):
    send, calls = scripted(NetworkError("Internal Server Error"))
    with pytest.raises(NetworkError):
        await deliver(send)
    assert len(calls) == SEND_ATTEMPTS and len(sleeps) == SEND_ATTEMPTS - 1
    assert max(sleeps) <= 5.0

    send, calls = scripted(RetryAfter(1))
    with pytest.raises(RetryAfter):
        await deliver(send, attempts=2)
    assert len(calls) == 2


async def test_sending_retries_through_the_real_bot_until_the_api_recovers(tg, monkeypatch, sleeps):
    failures = [(500, "Internal Server Error"), (429, "Too Many Requests: retry after 2")]

    real = tg.api.handle

    def flaky(url, request_data):
        if url.endswith("/sendMessage") and failures:
            status, description = failures.pop(0)
            tg.api.calls.append(("sendMessage!failed", {}))
            body = {"ok": False, "error_code": status, "description": description}
            if status == 429:
                body["parameters"] = {"retry_after": 2}
            return status, json.dumps(body).encode()
        return real(url, request_data)

    monkeypatch.setattr(tg.api, "handle", flaky)
    [sent] = await tg.send(GDP_QUESTION)
    assert "670.68亿元" in sent["text"]
    assert [name for name, _ in tg.api.calls if name.startswith("sendMessage")] == [
        "sendMessage!failed", "sendMessage!failed", "sendMessage"]
    assert sleeps[0] == 0.25 and sleeps[1] == pytest.approx(2.05)


# ---------------------------------------------------------------------------------------- logging


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, httpx_level = list(root.handlers), logging.getLogger("httpx").level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
        for f in [f for f in handler.filters if isinstance(f, RedactToken)]:
            handler.removeFilter(f)
    for handler in handlers:
        for f in [f for f in handler.filters if isinstance(f, RedactToken)]:
            handler.removeFilter(f)
    logging.getLogger("httpx").setLevel(httpx_level)


def test_token_never_appears_in_log_output(caplog, restore_logging):
    setup_logging("INFO", TOKEN)
    url = f"https://api.telegram.org/bot{TOKEN}/getUpdates"
    # What httpx logs for every request (it logs at INFO, which setup_logging silences; a
    # warning such as a retry still goes through), as a %-argument and inside the message.
    logging.getLogger("httpx").warning('HTTP Request: POST %s "HTTP/1.1 502 Bad Gateway"', url)
    logging.getLogger("httpx").warning(f'HTTP Request: POST {url} "HTTP/1.1 429 Too Many Requests"')
    logging.getLogger("telegram.ext.Updater").error("polling %s failed: %r", url, {"url": url})
    logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', url)

    assert TOKEN not in caplog.text
    assert caplog.text.count("https://api.telegram.org/bot<TOKEN>/getUpdates") == 4  # 3 lines, one twice
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)


def test_token_in_a_logged_exception_is_redacted(caplog, restore_logging):
    from telegram.error import InvalidToken

    setup_logging("INFO", TOKEN)
    try:
        raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
    except InvalidToken:
        # What telegram.ext's network retry loop does when the token is rejected at start-up.
        logging.getLogger("telegram.ext").exception("Network Retry Loop (Bootstrap Initialize Application): "
                                                    "Invalid token. Aborting retry loop.")
    assert "Invalid token" in caplog.text and "InvalidToken: The token `<TOKEN>` was rejected" in caplog.text
    assert TOKEN not in caplog.text


def test_run_with_a_rejected_token_exits_with_a_message_that_does_not_show_the_token(
        monkeypatch, tmp_path, index_path, knowledge_copy, capsys, caplog, restore_logging):
    from telegram.error import InvalidToken

    from bot.chat.telegram_app import run_bot

    async def unauthorized(self, url, method, request_data=None, **timeouts):
        return 401, json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"}).encode()

    monkeypatch.setattr(HTTPXRequest, "do_request", unauthorized)
    index = tmp_path / "index.db"
    copy_index(index_path, index)
    settings = Settings(token=TOKEN, base_url="https://api.telegram.invalid/bot", knowledge_dir=knowledge_copy,
                        index_path=index, stats_path=tmp_path / "stats.db")
    try:
        code = run_bot(settings)
    except InvalidToken as err:  # what reaches Python's excepthook, printed to stderr as is
        pytest.fail(f"run_bot raised {type(err).__name__}: {err}")
    out = capsys.readouterr()
    assert code == 1
    assert TOKEN not in out.out + out.err + caplog.text
