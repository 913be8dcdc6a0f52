"""Python side of the Telegram Bot API emulator used by the end-to-end tests.

`Emulator` starts ``node tests/e2e/emulator.js`` (a launcher around the npm package
``telegram-test-api``), points python-telegram-bot at it and plays the chat user through the
emulator's user-side and ``/control`` routes. Only httpx is needed, which PTB already installs.

Typical use::

    with Emulator() as emu:
        app = (ApplicationBuilder().token("123:TEST")
               .base_url(emu.base_url).base_file_url(emu.base_file_url).build())
        ...  # start polling, then:
        await emu.send_message("123:TEST", user_id=7, chat_id=7, text="hi")
        replies = await emu.wait_for_messages("123:TEST", chat_id=7, n=1)
"""

from __future__ import annotations

import asyncio
import json
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = Path(__file__).resolve().with_name("emulator.js")
PACKAGE = "telegram-test-api"

JSON = dict[str, Any]


class EmulatorError(RuntimeError):
    """The emulator could not be started or answered with an error."""


class NodeNotFoundError(EmulatorError):
    """No `node` on PATH: the only reason the e2e tests may skip instead of fail."""


def find_node() -> str | None:
    """Path of the node executable, or None. Tests use it to decide whether to skip."""
    return shutil.which("node")


class Emulator:
    """A running emulator process plus async helpers that act as the Telegram user.

    The process is started by `start()` / `with Emulator() as emu:` and stopped by `stop()`.
    User-side methods open a short-lived httpx client per call so one Emulator can serve tests
    running on different event loops (pytest-asyncio gives each test its own loop).
    """

    def __init__(self, project_root: Path = PROJECT_ROOT, start_timeout: float = 15.0) -> None:
        self.project_root = Path(project_root)
        self.start_timeout = start_timeout
        self.port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> Emulator:
        """Start node and wait for its readiness line; idempotent."""
        if self._process is not None:
            return self
        node = find_node()
        if node is None:
            raise NodeNotFoundError("`node` is not on PATH: install Node.js 20 to run e2e tests")
        self._check_installed()
        # stderr goes to a file: a pipe nobody reads could fill up and stall the emulator.
        self._stderr = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [node, str(LAUNCHER), "--host", "127.0.0.1", "--port", "0", "--watch-stdin"],
            cwd=self.project_root,
            stdin=subprocess.PIPE,  # closing it (or our death) makes node exit: no orphans
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        try:
            self.port = int(self._read_ready_line()["port"])
        except BaseException:
            self.stop()
            raise
        return self

    def _check_installed(self) -> None:
        """Fail with the fix in the message: a missing package is a setup step, not a skip."""
        if not (self.project_root / "node_modules" / PACKAGE / "package.json").is_file():
            raise EmulatorError(
                f"{PACKAGE} is missing from {self.project_root / 'node_modules'}: "
                f"run `npm ci` in {self.project_root}"
            )

    def _read_ready_line(self) -> JSON:
        """Read stdout's first line in a thread: a pipe read cannot time out by itself."""
        assert self._process is not None and self._process.stdout is not None
        lines: queue.Queue[bytes] = queue.Queue()
        stdout = self._process.stdout
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=self.start_timeout)
        except queue.Empty:
            raise EmulatorError(
                f"emulator not ready after {self.start_timeout} s\n{self.log()}"
            ) from None
        try:
            ready = json.loads(line)
        except ValueError:
            ready = {}
        if not ready.get("ready"):
            self._process.wait(timeout=5)
            raise EmulatorError(
                f"emulator did not start (exit code {self._process.returncode}):\n{self.log()}"
            )
        return ready

    def stop(self) -> None:
        """Terminate node (SIGTERM, then SIGKILL after 5 s) and release the pipes."""
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def log(self) -> str:
        """The emulator's stderr so far (handler errors, unhandled rejections)."""
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    # ------------------------------------------------------------------ URLs for PTB

    @property
    def api_url(self) -> str:
        """Root URL, e.g. http://127.0.0.1:PORT."""
        if self.port is None:
            raise EmulatorError("emulator is not running")
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """For ApplicationBuilder.base_url(): PTB appends the token itself."""
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ApplicationBuilder.base_file_url() (file downloads are not emulated)."""
        return f"{self.api_url}/file/bot"

    # ------------------------------------------------------------------ HTTP plumbing

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.api_url, timeout=10) as client:
            response = await client.request(method, path, **kwargs)
        try:
            body = response.json()
        except ValueError:
            body = {"description": response.text}
        if response.status_code != 200 or not body.get("ok", False):
            raise EmulatorError(f"{method} {path} -> {response.status_code}: {body}")
        return body["result"]

    # ------------------------------------------------------------------ the user's actions

    async def send_message(
        self,
        token: str,
        user_id: int,
        chat_id: int,
        text: str,
        chat_type: str = "private",
        reply_to_message: int | JSON | None = None,
        entities: Sequence[JSON] | None = None,
    ) -> JSON:
        """Queue a user message for the bot and return it (with its message_id).

        A text starting with "/" gets a bot_command entity, which is what makes PTB's
        CommandHandler see a command. `reply_to_message` may be a message_id of the chat.
        """
        if entities is None and text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            entities = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        chat: JSON = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = user["first_name"]
        else:
            chat["title"] = f"Chat {chat_id}"
        body: JSON = {"botToken": token, "from": user, "chat": chat, "text": text}
        if entities is not None:
            body["entities"] = list(entities)
        if reply_to_message is not None:
            body["reply_to_message"] = reply_to_message
        update = await self._call("POST", "/sendMessage", json=body)
        return update["message"]

    async def send_callback(
        self, token: str, user_id: int, chat_id: int, data: str, message: int | JSON
    ) -> JSON:
        """Press an inline button: `message` is a bot message (or its message_id) in the chat.

        The emulator attaches the message's current stored version and a chat_instance,
        as Telegram does, and returns the queued callback_query.
        """
        message_id = message if isinstance(message, int) else message["message_id"]
        body = {
            "botToken": token,
            "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
            "data": data,
            "message": {"message_id": message_id, "chat": {"id": chat_id}},
        }
        update = await self._call("POST", "/sendCallback", json=body)
        return update["callback_query"]

    async def send_document(
        self, token: str, user_id: int, chat_id: int, file_name: str, content: bytes,
        mime_type: str = "application/octet-stream", caption: str | None = None, file_size: int | None = None,
    ) -> JSON:
        """Send the bot a file as a user does; the bot downloads it with getFile. `file_size`
        overrides the size Telegram reports (to test the download limit without 20 MB of data)."""
        import base64

        user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        body: JSON = {"botToken": token, "from": user,
                      "chat": {"id": chat_id, "type": "private", "first_name": user["first_name"]},
                      "document": {"file_name": file_name, "mime_type": mime_type,
                                   "content_base64": base64.b64encode(content).decode("ascii")}}
        if file_size is not None:
            body["document"]["file_size"] = file_size
        if caption:
            body["caption"] = caption
        update = await self._call("POST", "/sendDocument", json=body)
        return update["message"]

    async def file_bytes(self, file_id: str) -> bytes:
        """The bytes of a file the bot sent (a chart) or a user sent."""
        import base64

        result = await self._call("GET", "/control/file", params={"fileId": file_id})
        return base64.b64decode(result["base64"])

    async def send_inline_query(
        self, token: str, user_id: int, query: str, offset: str = ""
    ) -> str:
        """Type `@bot query` somewhere; returns the inline query id to pass to inline_answer()."""
        body = {
            "botToken": token,
            "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
            "query": query,
            "offset": offset,
        }
        update = await self._call("POST", "/sendInlineQuery", json=body)
        return str(update["inline_query"]["id"])

    # ------------------------------------------------------------------ what the bot did

    async def bot_messages(self, token: str, chat_id: int) -> list[JSON]:
        """All bot messages of the chat, oldest first, in their current (edited) version.

        Besides Telegram's fields each carries parse_mode, the raw reply_markup (any keyboard
        kind), `history` (previous versions, one per edit) and `deleted`.
        """
        params = {"token": token, "chatId": str(chat_id)}
        result: list[JSON] = await self._call("GET", "/control/messages", params=params)
        return result

    async def wait_for(
        self,
        token: str,
        chat_id: int,
        predicate: Callable[[list[JSON]], bool],
        timeout: float = 10,
    ) -> list[JSON]:
        """Poll bot_messages() until predicate(messages) holds; the bot answers asynchronously."""
        deadline = time.monotonic() + timeout
        while True:
            messages = await self.bot_messages(token, chat_id)
            if predicate(messages):
                return messages
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met after {timeout} s; messages: {messages}")
            await asyncio.sleep(0.02)

    async def wait_for_messages(
        self, token: str, chat_id: int, n: int, timeout: float = 10
    ) -> list[JSON]:
        """Wait until the chat holds at least n bot messages and return them all."""
        return await self.wait_for(token, chat_id, lambda messages: len(messages) >= n, timeout)

    async def callback_answers(self, token: str) -> list[JSON]:
        """answerCallbackQuery calls of the bot (callback_query_id, text, show_alert, ...)."""
        params = {"token": token}
        result: list[JSON] = await self._call("GET", "/control/callbackAnswers", params=params)
        return result

    async def inline_answer(self, query_id: str, timeout: float = 10) -> JSON:
        """Wait for the bot's answerInlineQuery to `query_id` and return its parameters."""
        deadline = time.monotonic() + timeout
        params = {"queryId": query_id}
        while (answer := await self._call("GET", "/control/inlineAnswers", params=params)) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer to inline query {query_id} after {timeout} s")
            await asyncio.sleep(0.02)
        result: JSON = answer
        return result

    async def calls(self, token: str, method: str | None = None) -> list[JSON]:
        """Bot API calls the bot made (getUpdates excluded), with their parsed parameters."""
        params = {"token": token, **({"method": method} if method else {})}
        result: list[JSON] = await self._call("GET", "/control/calls", params=params)
        return result

    # ------------------------------------------------------------------ test control

    async def set_faults(
        self,
        status: int,
        count: int,
        methods: Sequence[str],
        retry_after: int = 1,
        token: str | None = None,
    ) -> None:
        """Make the next `count` calls of `methods` (["*"] = all) fail with HTTP `status`.

        Rules queue up in order, so set_faults(500, 2, ...) then set_faults(429, 1, ...) gives
        500, 500, 429. 429 carries parameters.retry_after, which PTB raises as RetryAfter;
        5xx becomes NetworkError in PTB.
        """
        body: JSON = {
            "status": status,
            "count": count,
            "methods": list(methods),
            "retry_after": retry_after,
        }
        if token is not None:
            body["token"] = token
        await self._call("POST", "/control/faults", json=body)

    async def clear_faults(self) -> None:
        """Drop every pending fault rule."""
        await self._call("DELETE", "/control/faults")

    async def reset(self) -> None:
        """Forget messages, updates, webhooks, faults and logs; ids keep increasing."""
        await self._call("POST", "/control/reset")
