"""End to end, admin side and robustness: real `reportbot run` processes against the Bot API
emulator (tests/e2e/emulator.js) — /reindex under load and its coalescing, refused and failing
reindexes, /stats and its privacy, SIGKILL during a reindex, Bot API faults and the rate limit.

Every test starts its own bot process with its own working directory (knowledge copy, index,
stats, log). The index the session already built (tests/conftest.py) is copied in beforehand so
a start does not rebuild it: the knowledge files are the same, so the copy is fresh.
"""

from __future__ import annotations

import asyncio
import html
import json
import random
import re
import sqlite3
import statistics
import time
from pathlib import Path

import httpx
import pytest


from bot.answer.scoring import contains_all

try:  # tests/e2e may become a package later
    from .botproc import TOKEN, BotProcess
    from .emulator import find_node
except ImportError:
    from botproc import TOKEN, BotProcess  # type: ignore[no-redef]
    from emulator import find_node  # type: ignore[no-redef]

pytestmark = [
    pytest.mark.skipif(find_node() is None, reason="node is not on PATH: e2e needs Node.js 20"),
    pytest.mark.timeout(60),
]

DATA = Path(__file__).resolve().parents[1] / "data"
ADMIN = 4242
NOT_FOUND = "报告中没有找到"
GDP_QUESTION, GDP_EXPECT = "2021年西湖区地区生产总值是多少?", ["670.68亿元"]
REINDEX_DONE = re.compile(
    r"索引已重建:(?P<reports>\d+) 份报告,(?P<passages>\d+) 段,(?P<glossary>\d+) 条名词解释,"
    r"(?P<figures>\d+) 个数字,用时 (?P<seconds>\d+\.\d+) 秒")


# ---------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def dev_questions(answerer) -> list[dict]:
    """The development questions the answering core gets right in process (the e2e tests check
    the transport: that each of them reaches the right user, once). Out-of-scope ones expect
    the 'not in the report' wording."""
    out = []
    for line in (DATA / "questions-dev.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        expect = q["expect"] or [NOT_FOUND]
        a = answerer.ask(q["q"])
        if a.answered == bool(q["expect"]) and contains_all(a.answer, expect):
            out.append({"q": q["q"], "expect": expect})
    assert len(out) >= 60, "too few dev questions answered right in process to load the bot"
    return out


# ---------------------------------------------------------------------------------------- helpers


def plain(message: dict) -> str:
    """A bot message's text as the user reads it (tags dropped, entities unescaped)."""
    return html.unescape(re.sub(r"<[^>]+>", "", message["text"]))


def generations(message: dict) -> set[str]:
    """Build ids carried by the message's buttons (p:GEN:id, m:GEN:ids, g:GEN:n)."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return {b["callback_data"].split(":")[1] for row in rows for b in row if b.get("callback_data")}


def build_id(index: Path) -> str:
    conn = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    try:
        return conn.execute("select value from index_info where key = 'build_id'").fetchone()[0]
    finally:
        conn.close()


def leftovers(workdir: Path) -> list[str]:
    """Candidates and temporary files of a build (*.candidate, *.tmp) beside the index."""
    return sorted(p.name for p in workdir.iterdir() if p.name.endswith((".candidate", ".tmp")))


def build_files(workdir: Path) -> list[str]:
    """Everything a build in progress has beside the index, SQLite journals included."""
    return sorted(p.name for p in workdir.iterdir() if p.name.startswith("index.db."))


async def ask(emu, user: int, text: str, timeout: float = 15) -> dict:
    """Send one message and return the bot's next message in that chat."""
    before = len(await emu.bot_messages(TOKEN, user))
    await emu.send_message(TOKEN, user, user, text)
    messages = await emu.wait_for_messages(TOKEN, user, before + 1, timeout=timeout)
    return messages[before]


async def settled(emu, chat_id: int, quiet: float = 0.6) -> list[dict]:
    """The chat's bot messages once nothing new has arrived for `quiet` seconds: a duplicate
    sent a little late would still be counted."""
    messages = await emu.bot_messages(TOKEN, chat_id)
    while True:
        await asyncio.sleep(quiet)
        again = await emu.bot_messages(TOKEN, chat_id)
        if len(again) == len(messages):
            return again
        messages = again


def assert_clean_log(bot: BotProcess) -> None:
    log = bot.log()
    assert TOKEN not in log, "the bot token leaked into the log"
    assert "Traceback" not in log, log[-3000:]


# ---------------------------------------------------------------------------------------- load + reindex


@pytest.mark.timeout(90)
async def test_questions_under_load_with_two_concurrent_reindexes_are_each_answered_once_and_right(
        emu, start_bot, dev_questions):
    users, per_user = 20, 10
    bot = await start_bot("load", admin_ids=str(ADMIN))
    old_generation = build_id(bot.index_path)
    rng = random.Random(2022)
    plan = {5000 + u: [rng.choice(dev_questions) for _ in range(per_user)] for u in range(users)}
    asked: dict[tuple[int, int], float] = {}  # (user, k) -> wall-clock time it was sent
    seen_after: list[float] = []  # from sending to the user seeing the reply
    replied = {uid: 0 for uid in plan}  # replies each user has seen so far
    arrived = {uid: asyncio.Event() for uid in plan}
    progress = 0
    under_way, reindexed = asyncio.Event(), asyncio.Event()

    # One pooled client sends the users' questions and one poller watches every chat: a client
    # per request (as Emulator's helpers open) would make this process, not the bot, the
    # bottleneck of the measurement.
    client = httpx.AsyncClient(base_url=emu.api_url, timeout=10)

    async def post_question(uid: int, text: str) -> None:
        """What emu.send_message(TOKEN, uid, uid, text) does, on the pooled client."""
        user = {"id": uid, "is_bot": False, "first_name": f"User{uid}"}
        chat = {"id": uid, "type": "private", "first_name": user["first_name"]}
        response = await client.post("/sendMessage", json={"botToken": TOKEN, "from": user, "chat": chat, "text": text})
        assert response.status_code == 200 and response.json()["ok"], response.text

    async def watch() -> None:
        while True:
            response = await client.get("/control/messages", params={"token": TOKEN})
            counts: dict[int, int] = {}
            for message in response.json()["result"]:
                counts[message["chat"]["id"]] = counts.get(message["chat"]["id"], 0) + 1
            for uid in plan:
                if counts.get(uid, 0) > replied[uid]:
                    replied[uid] = counts[uid]
                    arrived[uid].set()
            await asyncio.sleep(0.02)

    async def user(uid: int) -> None:
        nonlocal progress
        for k, question in enumerate(plan[uid]):
            if k == per_user - 1:
                await reindexed.wait()  # so that some answers come from the new index, however slow the build
            arrived[uid].clear()
            asked[uid, k], sent = time.time(), time.monotonic()
            await post_question(uid, question["q"])
            while replied[uid] <= k:
                await asyncio.wait_for(arrived[uid].wait(), timeout=20)
                arrived[uid].clear()
            seen_after.append(time.monotonic() - sent)
            progress += 1
            if progress >= users * per_user * 0.25:
                under_way.set()

    async def admin() -> None:
        await under_way.wait()
        # Two /reindex at (nearly) the same time, mid-load.
        await asyncio.gather(*(emu.send_message(TOKEN, ADMIN, ADMIN, "/reindex") for _ in range(2)))
        await emu.wait_for_messages(TOKEN, ADMIN, 4, timeout=40)
        reindexed.set()

    started = time.monotonic()
    watcher = asyncio.create_task(watch())
    try:
        await asyncio.wait_for(asyncio.gather(admin(), *(user(uid) for uid in plan)), timeout=75)
    finally:
        watcher.cancel()
        await client.aclose()
    elapsed = time.monotonic() - started

    # Exactly one reply per question (nothing more arrives later), each the right answer.
    wrong, replies = [], {}
    await asyncio.sleep(0.6)  # a duplicate sent a little late would arrive by now
    for uid, questions in plan.items():
        messages = replies[uid] = await emu.bot_messages(TOKEN, uid)
        assert len(messages) == per_user, f"user {uid}: {len(messages)} replies to {per_user} questions"
        for question, message in zip(questions, messages):
            if not contains_all(plain(message), question["expect"]):
                wrong.append((uid, question["q"], plain(message)[:120]))
    assert not wrong, f"{len(wrong)} wrong replies, e.g. {wrong[:3]}"

    # The admin: both 'working on it' notes came before any result (the second /reindex arrived
    # while the first build ran), then two identical results: one build, reported twice.
    admin_messages = [plain(m) for m in await settled(emu, ADMIN)]
    assert len(admin_messages) == 4, admin_messages
    assert all("正在重建索引" in t for t in admin_messages[:2]), admin_messages
    results = [REINDEX_DONE.search(t) for t in admin_messages[2:]]
    assert all(results), admin_messages
    assert results[0].group(0) == results[1].group(0), "the two /reindex ran two builds"
    done = results[0]
    assert int(done["reports"]) == 1 and int(done["passages"]) > 100 and int(done["figures"]) > 0
    assert 0 < float(done["seconds"]) < 30

    # One build only: answers carry the old build id or the single new one, and both occur.
    new_generation = build_id(bot.index_path)
    assert new_generation != old_generation
    seen = set().union(*(generations(m) for ms in replies.values() for m in ms))
    assert seen == {old_generation, new_generation}, seen
    assert leftovers(bot.workdir) == []

    # Reply latency: from sending the question to the bot's sendMessage (the emulator logs calls
    # with millisecond times); seen_after adds the watcher's polling.
    sends: dict[int, list[float]] = {}
    for call in await emu.calls(TOKEN, "sendMessage"):
        sends.setdefault(int(call["params"]["chat_id"]), []).append(call["time"] / 1000)
    latencies = sorted(sends[uid][k] - at for (uid, k), at in asked.items())
    seen_after.sort()

    def p95(values: list[float]) -> float:
        return values[int(0.95 * (len(values) - 1))]

    print(f"\n{len(latencies)} questions from {users} users in {elapsed:.1f} s, two /reindex mid-load "
          f"(one build, {done['seconds']} s): reply latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {p95(latencies) * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms; as the users saw it "
          f"(polling every 20 ms) p50 {statistics.median(seen_after) * 1000:.0f} ms, p95 {p95(seen_after) * 1000:.0f} ms")
    assert p95(latencies) < 5.0, f"p95 reply latency {p95(latencies):.2f} s under reindex"
    assert p95(seen_after) < 10.0
    assert bot.proc.poll() is None
    assert_clean_log(bot)


# ---------------------------------------------------------------------------------------- refused / failing reindex


async def test_reindex_from_a_non_admin_is_refused_logged_and_changes_nothing(emu, start_bot):
    bot = await start_bot("refused", admin_ids=str(ADMIN))
    before = bot.index_path.read_bytes()
    intruder = 66601

    reply = await ask(emu, intruder, "/reindex")
    assert "管理员" in plain(reply)
    stats_reply = await ask(emu, intruder, "/stats")
    assert "管理员" in plain(stats_reply) and "提问" not in plain(stats_reply)
    await asyncio.sleep(0.5)  # a build, had one started, would be under way by now

    assert len(await settled(emu, intruder)) == 2  # no 'rebuilding' note, no result
    assert bot.index_path.read_bytes() == before
    assert leftovers(bot.workdir) == []
    assert "refused /reindex" in bot.log() and "refused /stats" in bot.log()
    assert_clean_log(bot)


@pytest.mark.parametrize("content", [b"\xff\xfe\xfd" * 200, b""], ids=["undecodable", "empty"])
async def test_reindex_skips_an_unreadable_file_names_it_and_keeps_the_others(emu, start_bot, content):
    bot = await start_bot("skipping", admin_ids=str(ADMIN))
    bad = bot.knowledge / "2023-broken-government-work-report.txt"
    bad.write_bytes(content)

    await emu.send_message(TOKEN, ADMIN, ADMIN, "/reindex")
    messages = await emu.wait_for_messages(TOKEN, ADMIN, 2, timeout=30)
    result = plain(messages[1])
    assert REINDEX_DONE.search(result) and "跳过" in result and bad.name in result, result

    reply = await ask(emu, 66602, GDP_QUESTION)
    assert contains_all(plain(reply), GDP_EXPECT), plain(reply)
    assert leftovers(bot.workdir) == []
    assert_clean_log(bot)


@pytest.mark.parametrize("content", [b"\xff\xfe\xfd" * 200, b""], ids=["undecodable", "empty"])
async def test_failing_reindex_names_the_file_and_the_old_index_keeps_serving(emu, start_bot, content):
    bot = await start_bot("failing", admin_ids=str(ADMIN))
    before = bot.index_path.read_bytes()
    # The only report replaced by a file no reader can use: no usable report at all.
    for report in bot.knowledge.glob("*.txt"):
        if report.name not in ("aliases.txt", "userdict.txt"):
            report.unlink()
    bad = bot.knowledge / "2023-broken-government-work-report.txt"
    bad.write_bytes(content)

    await emu.send_message(TOKEN, ADMIN, ADMIN, "/reindex")
    messages = await emu.wait_for_messages(TOKEN, ADMIN, 2, timeout=30)
    result = plain(messages[1])
    assert bad.name in result, result
    assert "旧索引继续服务" in result and "重建失败" in result
    assert not REINDEX_DONE.search(result)

    reply = await ask(emu, 66602, GDP_QUESTION)
    assert contains_all(plain(reply), GDP_EXPECT), plain(reply)
    assert bot.index_path.read_bytes() == before
    assert leftovers(bot.workdir) == []
    assert "reindex failed" in bot.log()
    assert bot.proc.poll() is None
    assert_clean_log(bot)


# ---------------------------------------------------------------------------------------- stats


async def test_stats_show_counts_latency_and_top_unanswered_keep_no_user_id_and_survive_reindex(
        emu, start_bot):
    bot = await start_bot("stats", admin_ids=str(ADMIN))
    user = 918273645
    unanswered_twice = "北京市2021年GDP是多少?"
    questions = [GDP_QUESTION, "胡子工程是什么意思?", unanswered_twice, "南昌市2021年全市GDP是多少?",
                 "今年計劃改造幾個老舊小區?", unanswered_twice]
    for question in questions:
        await ask(emu, user, question)

    text = plain(await ask(emu, ADMIN, "/stats"))
    assert "提问 6 次" in text and "来自 1 位用户" in text, text
    assert "已回答 50%" in text, text
    assert re.search(r"p50 \d+\.\d ms", text) and re.search(r"p95 \d+\.\d ms", text), text
    top = text.split("最常见的未回答问题", 1)[1]
    first = re.search(r"^1\. (.+) ×(\d+)$", top, re.M)
    assert first and first.group(1) == unanswered_twice and first.group(2) == "2", top
    assert "南昌市2021年全市GDP是多少? ×1" in top

    # No raw user id anywhere in the stats database (WAL and shared-memory files included).
    stats_files = [p for p in bot.workdir.iterdir() if p.name.startswith(bot.stats_path.name)]
    data = b"".join(p.read_bytes() for p in stats_files)
    assert "胡子工程是什么意思".encode() in data  # the right file: the questions are in it
    assert str(user).encode() not in data
    assert str(user).encode("utf-16-le") not in data and user.to_bytes(8, "big") not in data

    # A reindex replaces the index, never the usage log.
    await emu.send_message(TOKEN, ADMIN, ADMIN, "/reindex")
    admin_messages = await emu.wait_for(
        TOKEN, ADMIN, lambda ms: any(REINDEX_DONE.search(plain(m)) for m in ms), timeout=30)
    again = plain(await ask(emu, ADMIN, "/stats"))
    assert "提问 6 次" in again and "已回答 50%" in again, again
    assert f"1. {unanswered_twice} ×2" in again
    assert len(admin_messages) >= 3
    assert_clean_log(bot)


# ---------------------------------------------------------------------------------------- crash safety


async def wait_for_build_file(workdir: Path, wanted, timeout: float = 30) -> str:
    """Poll the working directory (every 5 ms) until a build file `wanted(name)` appears."""
    deadline = time.monotonic() + timeout
    while not (found := [name for name in build_files(workdir) if wanted(name)]):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no such build file after {timeout} s: {build_files(workdir)}")
        await asyncio.sleep(0.005)
    return found[0]


@pytest.mark.timeout(90)
async def test_sigkill_during_reindex_leaves_a_working_index_and_no_leftovers(emu, start_bot):
    bot = await start_bot("crash", admin_ids=str(ADMIN))
    # Kill the bot in each phase of a /reindex: parsing the reports (nothing on disk yet), writing
    # the temporary file, and checking the complete candidate before it replaces the live index.
    phases = {
        "parsing": None,
        "writing": lambda name: name.endswith(".tmp"),
        "checking": lambda name: name == "index.db.candidate",
    }
    for phase, wanted in phases.items():
        await emu.send_message(TOKEN, ADMIN, ADMIN, "/reindex")
        # The note is sent right before the build starts.
        await emu.wait_for(TOKEN, ADMIN, lambda ms: any("正在重建索引" in plain(m) for m in ms), timeout=20)
        seen = await wait_for_build_file(bot.workdir, wanted) if wanted else None
        bot.kill()
        print(f"\nkilled while {phase}: {seen or 'no build file yet'}; left {build_files(bot.workdir)}")

        bot = await start_bot("crash", admin_ids=str(ADMIN))
        assert build_files(bot.workdir) == [], f"after a kill while {phase}"  # journals included
        reply = await ask(emu, 77001, GDP_QUESTION)
        assert contains_all(plain(reply), GDP_EXPECT), plain(reply)
        conn = sqlite3.connect(f"file:{bot.index_path}?mode=ro", uri=True)
        try:
            assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    # And the bot that survived all that still rebuilds.
    await emu.send_message(TOKEN, ADMIN, ADMIN, "/reindex")
    await emu.wait_for(TOKEN, ADMIN, lambda ms: any(REINDEX_DONE.search(plain(m)) for m in ms), timeout=30)
    assert leftovers(bot.workdir) == []


async def test_start_removes_everything_a_killed_build_left_including_sqlite_journals(emu, tmp_path, start_bot):
    # What SIGKILL leaves at various moments of `/reindex` (candidate build) and of a start-up build.
    workdir = tmp_path / "litter"
    workdir.mkdir()
    litter = ["index.db.candidate", "index.db.candidate.k1l2m3n4.tmp", "index.db.candidate.k1l2m3n4.tmp-journal",
              "index.db.x9y8z7w6.tmp", "index.db.x9y8z7w6.tmp-journal"]
    for name in litter:
        (workdir / name).write_bytes(b"half-written")
    bot = await start_bot("litter")
    assert contains_all(plain(await ask(emu, 77002, GDP_QUESTION)), GDP_EXPECT)
    assert leftovers(bot.workdir) == []  # *.candidate and *.tmp: removed
    assert build_files(bot.workdir) == []  # the journals too


# ---------------------------------------------------------------------------------------- Bot API faults


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_sendmessage_5xx_is_retried_and_the_answer_arrives_exactly_once(emu, start_bot):
    bot = await start_bot("fault500")
    user = 88001
    await emu.set_faults(500, 3, ["sendMessage"], token=TOKEN)
    await emu.send_message(TOKEN, user, user, GDP_QUESTION)
    await emu.wait_for_messages(TOKEN, user, 1, timeout=20)
    messages = await settled(emu, user)
    assert len(messages) == 1
    assert contains_all(plain(messages[0]), GDP_EXPECT)
    assert len(await emu.calls(TOKEN, "sendMessage")) == 4  # 3 failures, then the answer
    assert bot.proc.poll() is None
    assert_clean_log(bot)


async def test_sendmessage_429_waits_retry_after_and_the_answer_arrives_exactly_once(emu, start_bot):
    bot = await start_bot("fault429")
    user = 88002
    await emu.set_faults(429, 2, ["sendMessage"], retry_after=1, token=TOKEN)
    started = time.monotonic()
    await emu.send_message(TOKEN, user, user, GDP_QUESTION)
    await emu.wait_for_messages(TOKEN, user, 1, timeout=20)
    waited = time.monotonic() - started
    messages = await settled(emu, user)
    assert len(messages) == 1 and contains_all(plain(messages[0]), GDP_EXPECT)
    assert waited >= 2.0, f"two 429s with retry_after=1 answered after {waited:.2f} s"
    assert len(await emu.calls(TOKEN, "sendMessage")) == 3
    assert bot.proc.poll() is None
    assert_clean_log(bot)


async def test_getupdates_5xx_does_not_stop_polling(emu, start_bot):
    bot = await start_bot("faultpoll")
    user = 88003
    await emu.set_faults(500, 4, ["getUpdates"], token=TOKEN)
    await asyncio.sleep(0.3)  # the bot polls every 10 ms: the faults are used up while we wait
    await emu.send_message(TOKEN, user, user, GDP_QUESTION)
    await emu.wait_for_messages(TOKEN, user, 1, timeout=20)
    messages = await settled(emu, user)
    assert len(messages) == 1 and contains_all(plain(messages[0]), GDP_EXPECT)
    # The polling loop saw the errors (and logged them) and went on.
    assert "Internal Server Error" in bot.log()
    reply = await ask(emu, user, "胡子工程是什么意思?")
    assert "进度缓慢" in plain(reply)
    assert bot.proc.poll() is None
    assert TOKEN not in bot.log()


# ---------------------------------------------------------------------------------------- rate limit


async def test_rate_limit_slows_one_user_down_and_answers_the_others(emu, start_bot):
    await start_bot("ratelimit", extra_env={"RATE_LIMIT_PER_MINUTE": "3"})
    flooder, other = 99001, 99002
    answers = [plain(await ask(emu, flooder, GDP_QUESTION)) for _ in range(4)]
    assert all(contains_all(a, GDP_EXPECT) for a in answers[:3]), answers
    assert "问得太快" in answers[3] and not contains_all(answers[3], GDP_EXPECT), answers[3]
    assert re.search(r"请 \d+ 秒后再问", answers[3])
    reply = plain(await ask(emu, other, GDP_QUESTION))
    assert contains_all(reply, GDP_EXPECT) and "问得太快" not in reply
    assert len(await settled(emu, flooder)) == 4
