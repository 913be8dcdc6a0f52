"""Throughput of the real bot: `reportbot run` against the Bot API emulator, many users at once.

    .venv/bin/python benchmarks/throughput.py [--users 20] [--questions 20] [--poll-interval 0.01]
                                              [--check-interval 0.02] [--timeout 120] [--no-ceiling]

Starts the emulator (tests/e2e/emulator.js) and one `reportbot run` process (tests/e2e/botproc.py:
the real Application, long polling the emulator, exactly as a user runs it). Then --users
simulated users at once each send --questions questions, taken in turn from
tests/data/questions-dev.jsonl (each user starts at a different one), and wait for the answer
before sending the next one. Exit status 0 when every question got exactly one reply.

Printed:
  * replies per second over the whole run (first send to last reply seen);
  * reply latency p50/p95/max from the user's send to the bot's sendMessage reaching the
    emulator (its call log; same host, same clock), and as the users saw it (adds their
    --check-interval polling);
  * missing and duplicated replies: every question must get exactly one reply;
  * CPU seconds of the bot, the emulator, this load generator and everything else on the
    machine during the run (other jobs on a shared machine skew the figures: see "others");
  * the bot's CPU per reply, beside the answering core's own time per question (the bot's
    stats.db): the rest is Telegram plumbing (python-telegram-bot, httpx, polling);
  * unless --no-ceiling, the emulator's echo ceiling: user message -> getUpdates -> sendMessage
    round trips a second with a trivial client in place of the bot (what the emulator alone
    carries on this machine).

--poll-interval is the bot's POLL_INTERVAL: the emulator answers getUpdates at once (no long
polling), so this is how long the bot sleeps between polls. --check-interval is how often each
user looks for its reply, after first waiting half its previous reply's latency (so the
emulator is not kept busy answering idle checks on the cores the bot needs). The load generator, the emulator and the bot share the machine's
cores, so the figures are a floor for the bot alone. The run is aborted after --timeout seconds
(default 120), reporting what was measured so far.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from botproc import TOKEN, BotProcess  # noqa: E402
from emulator import Emulator  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "questions-dev.jsonl"
FIRST_USER = 900_001
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class User:
    user_id: int
    questions: list[str]
    sent_at: list[float] = field(default_factory=list)  # time.time() of each send
    seen_at: list[float] = field(default_factory=list)  # time.time() the user saw each reply
    replies: int = 0  # bot messages in the chat once the run is over
    checks: int = 0  # requests made to see whether the reply had come


def load_questions() -> list[str]:
    with open(QUESTIONS, encoding="utf-8") as fh:
        return [json.loads(line)["q"] for line in fh if line.strip()]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p * len(ordered) + 0.5)) - 1))]


class Connection:
    """A bare HTTP/1.1 keep-alive connection to the emulator, one per simulated user.

    httpx spends ~1.5 ms of CPU a request; with 20 users polling, a load generator built on it
    took most of a core of the two that the bot and the emulator need. This costs far less."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: dict | None = None) -> object:
        payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n").encode()
        while True:
            reused = self._writer is not None
            if self._writer is None:
                self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self.port)
            assert self._reader is not None
            try:
                self._writer.write(head + payload)
                await self._writer.drain()
                header = await self._reader.readuntil(b"\r\n\r\n")
                lines = header.decode("latin-1").split("\r\n")
                length = next(int(x.split(":", 1)[1]) for x in lines if x.lower().startswith("content-length:"))
                data = json.loads(await self._reader.readexactly(length))
            except (ConnectionError, asyncio.IncompleteReadError) as err:
                await self.close()
                # A kept-alive connection the server closed while idle: it never saw the request.
                if reused and not getattr(err, "partial", b""):
                    continue
                raise
            if not lines[0].startswith("HTTP/1.1 200") or not data.get("ok"):
                raise RuntimeError(f"{method} {path}: {lines[0]} {data}")
            return data["result"]

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = self._reader = None


def messages_path(chat_id: int) -> str:
    return f"/control/messages?token={quote(TOKEN)}&chatId={chat_id}"


async def play(port: int, user: User, check_interval: float) -> None:
    """One user: send, wait for the reply (one more bot message in the chat), send the next."""
    connection = Connection(port)
    person = {"id": user.user_id, "is_bot": False, "first_name": f"User{user.user_id}"}
    chat = {"id": user.user_id, "type": "private", "first_name": person["first_name"]}
    last = 0.0  # the previous reply's latency as this user saw it
    try:
        for i, question in enumerate(user.questions):
            user.sent_at.append(time.time())
            await connection.request("POST", "/sendMessage", {"botToken": TOKEN, "from": person, "chat": chat, "text": question})
            # Checking every few ms from the start would make the emulator (on the same cores as
            # the bot) answer ~20 idle polls a question: first wait half the last latency.
            await asyncio.sleep(last / 2)
            while True:
                user.checks += 1
                if len(await connection.request("GET", messages_path(user.user_id))) > i:  # type: ignore[arg-type]
                    break
                await asyncio.sleep(check_interval)
            user.seen_at.append(time.time())
            last = user.seen_at[-1] - user.sent_at[-1]
    finally:
        await connection.close()


async def count_replies(port: int, users: list[User]) -> None:
    connection = Connection(port)
    for user in users:
        user.replies = len(await connection.request("GET", messages_path(user.user_id)))  # type: ignore[arg-type]
    await connection.close()


async def server_latencies(port: int, users: list[User]) -> list[float]:
    """Send -> sendMessage arrival at the emulator, per question, from the emulator's call log
    (Date.now() in ms, the same clock as time.time()). The n-th reply in a chat answers the
    n-th question, since each user waits for a reply before asking again."""
    connection = Connection(port)
    calls = await connection.request("GET", f"/control/calls?token={quote(TOKEN)}&method=sendMessage")
    await connection.close()
    if len(calls) < sum(u.replies for u in users):  # type: ignore[arg-type]
        return []  # the emulator keeps the last 5,000 calls: the first ones are gone
    arrivals: dict[int, list[float]] = {}
    for call in calls:  # type: ignore[union-attr]
        arrivals.setdefault(int(call["params"]["chat_id"]), []).append(call["time"] / 1000)
    return [arrived - sent for user in users
            for sent, arrived in zip(user.sent_at, sorted(arrivals.get(user.user_id, [])))]


async def echo_ceiling(port: int, seconds: float = 2.0, workers: int = 4) -> float:
    """Round trips a second the emulator alone carries: user message, getUpdates, sendMessage,
    by a trivial client in place of the bot (its own token, so the bot never sees them)."""
    token = "999:ECHO-ceiling"
    done = 0
    deadline = time.monotonic() + seconds

    async def worker(n: int) -> None:
        nonlocal done
        connection = Connection(port)
        person = {"id": 1_000 + n, "is_bot": False, "first_name": "Echo"}
        while time.monotonic() < deadline:
            await connection.request("POST", "/sendMessage", {"botToken": token, "from": person,
                                                              "chat": {"id": 1_000 + n, "type": "private"}, "text": "ping"})
            for update in await connection.request("POST", f"/bot{token}/getUpdates", {"timeout": 0}):  # type: ignore[union-attr]
                chat_id = update["message"]["chat"]["id"]
                await connection.request("POST", f"/bot{token}/sendMessage", {"chat_id": chat_id, "text": "pong"})
                done += 1
        await connection.close()

    started = time.monotonic()
    await asyncio.gather(*(worker(n) for n in range(workers)))
    return done / (time.monotonic() - started)


def cpu_seconds(pid: int | None) -> float:
    """utime + stime of a process from /proc (Linux), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (all cores), from /proc/stat."""
    try:
        values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return float("nan")
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / CLOCK_TICK


def answer_times_ms(stats_path: Path) -> list[float]:
    """The answering core's time per question, as the bot logged it for /stats."""
    try:
        with sqlite3.connect(stats_path) as conn:
            return [row[0] for row in conn.execute("select ms from questions")]
    except sqlite3.Error:
        return []


async def run(args: argparse.Namespace) -> int:
    questions = load_questions()
    users = []
    for n in range(args.users):
        start = n % len(questions)  # each user starts at a different question
        rotated = questions[start:] + questions[:start]
        users.append(User(FIRST_USER + n, list(itertools.islice(itertools.cycle(rotated), args.questions))))
    total = args.users * args.questions
    with Emulator() as emu, tempfile.TemporaryDirectory(prefix="reportbot-bench-") as workdir:
        assert emu.port is not None
        bot = BotProcess(emu, Path(workdir), extra_env={
            "POLL_INTERVAL": str(args.poll_interval), "RATE_LIMIT_PER_MINUTE": "0", "LOG_LEVEL": "WARNING"})
        await bot.start()
        emulator_pid = emu._process.pid if emu._process else None  # noqa: SLF001 - CPU accounting only
        try:
            bot_cpu0, emu_cpu0 = cpu_seconds(bot.proc.pid), cpu_seconds(emulator_pid)
            load_cpu0, machine0 = time.process_time(), machine_busy_seconds()
            started = time.time()
            tasks = [asyncio.create_task(play(emu.port, user, args.check_interval)) for user in users]
            done, pending = await asyncio.wait(tasks, timeout=args.timeout)
            finished = time.time()
            bot_cpu, emu_cpu = cpu_seconds(bot.proc.pid) - bot_cpu0, cpu_seconds(emulator_pid) - emu_cpu0
            load_cpu, machine = time.process_time() - load_cpu0, machine_busy_seconds() - machine0
            for task in pending:
                task.cancel()
            failures = [repr(task.exception()) for task in done if task.exception()]
            await asyncio.sleep(0.5)  # a late or second reply still shows up as a reply
            await count_replies(emu.port, users)
            server = await server_latencies(emu.port, users)
            ceiling = None if args.no_ceiling else await echo_ceiling(emu.port)
            core_ms = answer_times_ms(bot.stats_path)
        finally:
            bot.stop()
        errors = [line for line in bot.log().splitlines() if " ERROR " in line]

    answered = sum(len(u.seen_at) for u in users)
    missing = sum(max(0, len(u.sent_at) - u.replies) for u in users)  # asked and never answered
    duplicated = sum(max(0, u.replies - len(u.sent_at)) for u in users)
    last_seen = max((u.seen_at[-1] for u in users if u.seen_at), default=finished)
    elapsed = max(last_seen - started, 1e-9)
    seen = [s - t for u in users for t, s in zip(u.sent_at, u.seen_at)]

    def ms(values: list[float], p: float) -> str:
        return f"{percentile(values, p) * 1000:.0f}"

    def share(seconds: float) -> str:
        return f"{seconds:.2f} s ({seconds / elapsed:.0%})"

    latency = (f"latency p50 {ms(server, 0.5)} ms p95 {ms(server, 0.95)} ms (max {ms(server, 1.0)} ms)" if server
               else "latency: the emulator's call log overflowed, see the users' figures below")
    print(f"{args.users} users x {args.questions} questions: {answered} replies in {elapsed:.2f} s = "
          f"{answered / elapsed:.1f} replies/s; {latency}; missing {missing}, duplicated {duplicated}")
    checks = sum(u.checks for u in users)
    print(f"  as the users saw it (checking every {args.check_interval * 1000:g} ms, {checks / max(answered, 1):.1f} checks a reply): "
          f"p50 {ms(seen, 0.5)} ms, p95 {ms(seen, 0.95)} ms; bot POLL_INTERVAL {args.poll_interval:g} s")
    others = machine - bot_cpu - emu_cpu - load_cpu
    print(f"  CPU during the run ({os.cpu_count()} cores, % of one core): bot {share(bot_cpu)}, emulator {share(emu_cpu)}, "
          f"load generator {share(load_cpu)}, other processes {share(max(others, 0.0))}")
    if core_ms:
        print(f"  per reply: {bot_cpu / max(answered, 1) * 1000:.1f} ms of bot CPU; the answering core alone (its own "
              f"wall-clock timing in stats.db) mean {sum(core_ms) / len(core_ms):.1f} ms, p95 {percentile(core_ms, 0.95):.1f} ms")
    if ceiling is not None:
        print(f"  emulator echo ceiling (user message -> getUpdates -> sendMessage, no bot): {ceiling:.0f} round trips/s")
    if failures:
        print(f"  {len(failures)} users failed, first: {failures[0]}")
    if errors:
        print(f"  the bot logged {len(errors)} errors, first: {errors[0]}")
    if pending:
        asked = sum(len(u.sent_at) for u in users)
        print(f"  ABORTED after {args.timeout:g} s: {total - asked} of {total} questions never asked")
    ok = not pending and not failures and not errors and missing == 0 and duplicated == 0 and answered == total
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--users", type=int, default=20, help="simulated users asking at once (default 20)")
    parser.add_argument("--questions", type=int, default=20, help="questions each user asks, one after the other (default 20)")
    parser.add_argument("--poll-interval", type=float, default=0.01, help="the bot's POLL_INTERVAL, seconds (default 0.01)")
    parser.add_argument("--check-interval", type=float, default=0.02, help="how often a user looks for its reply, seconds (default 0.02)")
    parser.add_argument("--timeout", type=float, default=120, help="abort the run after this many seconds (default 120)")
    parser.add_argument("--no-ceiling", action="store_true", help="skip measuring the emulator's echo ceiling")
    args = parser.parse_args()
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
