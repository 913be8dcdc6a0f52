"""Hostile input to the answering core, the conversation layer and `reportbot ask --json`:
arbitrary Unicode, FTS5 and SQL syntax, control and zero-width characters, emoji and astral
characters, 5,000-character messages, and mixtures of those with the report's own words.

Properties (hypothesis): Answerer.ask never raises and returns one well-formed Answer quickly;
replies are valid Telegram HTML with the user's text escaped and split within Telegram's limit;
the JSON-lines CLI answers every input line with exactly one JSON object, in order.

The bugs these tests found are fixed; the tests keep them fixed.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.answer.answerer import Answerer, MAX_ANSWER_CHARS, Answer
from bot.chat.conversation import TELEGRAM_LIMIT, Conversation, esc, split_message

KINDS = {"figure", "glossary", "passage", "none", "help"}
JSON_KINDS = {"figure", "glossary", "passage", "none"}  # to_json() reports help as none
MAX_MS = 50.0
ALLOWED_TAG = re.compile(r"</?(b|i|pre|code|blockquote)>")

# ---------------------------------------------------------------------------------------- strategies

REPORT_WORDS = ["地区生产总值", "胡子工程", "GDP", "去年", "今年", "2021年", "2022年", "是什么意思", "多少",
                "西湖区", "老旧小区", "社會消費品零售總額", "增长", "亿元", "%", "几个", "目标", "?", "?"]
FTS5 = ['"', "*", "(", ")", "NEAR", "NEAR(", "AND", "OR", "NOT", ":", "^", "-", "+", "tokens:", "{", "}",
        '"地区生产总值"*', "NEAR(胡子 工程, 2)", "passages_fts MATCH", "rank", "bm25(", "\\"]
SQL = ["'; DROP TABLE passages; --", "' OR '1'='1", '"; DELETE FROM glossary; --', "1; ATTACH DATABASE '/tmp/x' AS x;",
       "' UNION SELECT value FROM tokenizer --", "%", "_", "/*", "*/", "';", "\x00'--"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066",
              "\u00ad", "\u180e", "\u3000", "\u00a0"]
EMOJI = ["😀", "👍🏽", "👨\u200d👩\u200d👧\u200d👦", "🇨🇳", "🏳️\u200d🌈", "𠀀", "𪚥", "🀄", "\U0010fffd", "\U000e0041", "🧧💰"]

unicode_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)  # lone surrogates: below
piece = st.one_of(
    unicode_text,
    st.sampled_from(REPORT_WORDS),
    st.sampled_from(FTS5),
    st.sampled_from(SQL),
    st.characters(categories=("Cc",)),  # control characters, NUL and newlines included
    st.characters(categories=("Cf", "Zl", "Zp", "Zs")),  # format, separators
    st.sampled_from(ZERO_WIDTH),
    st.sampled_from(EMOJI),
    st.characters(min_codepoint=0x10000, exclude_categories=("Cs",)),  # astral planes
    st.sampled_from([" ", "  ", "\n", "\t", "\r\n"]),
)
hostile = st.lists(piece, max_size=16).map("".join)


def _random_unicode(seed: int, size: int = 5000) -> str:
    """5,000 characters drawn from every plane (no surrogates), from a seed: hypothesis cannot
    draw that many characters one by one within its buffer."""
    rng = random.Random(seed)
    out = []
    while len(out) < size:
        cp = rng.choice((rng.randint(0, 0x7F), rng.randint(0x80, 0xFFFF), rng.randint(0x4E00, 0x9FFF),
                         rng.randint(0x10000, 0x10FFFF)))
        if not 0xD800 <= cp <= 0xDFFF:
            out.append(chr(cp))
    return "".join(out)


long_message = st.one_of(
    st.integers(0, 2**32).map(_random_unicode),
    hostile.filter(bool).map(lambda s: (s * (5000 // len(s) + 1))[:5000]),
    st.sampled_from(REPORT_WORDS + FTS5 + SQL + ZERO_WIDTH + EMOJI).map(lambda s: (s * 5000)[:5000]),
)

# Long runs of Chinese question words: typo correction once took 0.2-1.2 s on these (it was
# quadratic in the length of a run of Han characters).
SLOW_LONG = [("多少钱啊" * 1250)[:5000], ("请问今年" * 1250)[:5000], ("老旧小区改造了几个" * 600)[:5000]]

HOSTILE = settings(max_examples=200, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
LONG = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# ---------------------------------------------------------------------------------------- helpers


def check_answer(answer: Answer, question: str) -> None:
    assert isinstance(answer, Answer)
    assert answer.question == re.sub("[\ud800-\udfff]", "\ufffd", question)  # lone surrogates cannot be sent
    assert isinstance(answer.answered, bool)
    assert answer.kind in KINDS
    assert isinstance(answer.answer, str) and answer.answer.strip()
    assert len(answer.answer) <= MAX_ANSWER_CHARS
    payload = answer.to_json()
    text = json.dumps(payload, ensure_ascii=False)
    assert json.loads(text) == payload
    assert json.loads(json.dumps(payload)) == payload  # ASCII-escaped too
    text.encode("utf-8")  # no lone surrogates smuggled into the output
    assert payload["kind"] in JSON_KINDS and payload["question"] == answer.question
    assert all(len(s["text"]) <= MAX_ANSWER_CHARS for s in payload["sources"])


@pytest.fixture(scope="module")
def uncached(answerer):
    """The same index without the answer cache, so every timed call does the whole work."""
    return Answerer(answerer.answerer(answerer.home_report.id).kb, cache_size=0)


def median_ms(answerer, question: str, repeat: int = 3) -> float:
    """Median of `repeat` timed calls: one slow call (GC, a noisy neighbour) does not fail it."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        answerer.ask(question)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def assert_balanced(html: str) -> None:
    """Every end tag closes the innermost open tag, and nothing is left open."""
    stack = []
    for m in ALLOWED_TAG.finditer(html):
        if m.group(0).startswith("</"):
            assert stack and stack.pop() == m.group(1), f"unmatched </{m.group(1)}> in {html[:80]!r}…"
        else:
            stack.append(m.group(1))
    assert not stack, f"left open: {stack}"


def assert_telegram_html(html: str) -> None:
    """Every '<' starts a tag the bot uses; so no '<' of the user's text is left unescaped."""
    for match in re.finditer("<", html):
        assert ALLOWED_TAG.match(html, match.start()), f"unescaped '<' at {match.start()}: {html[:200]!r}"


# ---------------------------------------------------------------------------------------- the answering core


@HOSTILE
@given(question=hostile)
@example(question="")
@example(question="'; DROP TABLE passages; --")
@example(question='NEAR("地区生产总值" *) AND OR NOT ^-+: (胡子工程')
@example(question="\x00\x01\x7f\u200b\u202e胡子工程是什么意思\ufeff")
def test_ask_never_raises_and_returns_one_well_formed_answer(answerer, question):
    check_answer(answerer.ask(question), question)


@HOSTILE
@given(question=hostile)
def test_hostile_questions_are_answered_within_50_ms(uncached, question):
    uncached.ask(question)  # a first call may import something lazily
    assert median_ms(uncached, question) < MAX_MS


@LONG
@given(question=long_message)
@example(question="x" * 5000)
@example(question=("地区生产总值" * 1000)[:5000])
@example(question=SLOW_LONG[0])
def test_5000_character_messages_never_raise(answerer, question):
    check_answer(answerer.ask(question), question)


@LONG
@given(question=long_message)
@example(question=SLOW_LONG[0])
@example(question=SLOW_LONG[1])
@example(question=SLOW_LONG[2])
def test_5000_character_messages_are_answered_within_50_ms(uncached, question):
    assert median_ms(uncached, question) < MAX_MS


@pytest.mark.parametrize("question", ["\ud800", "abc\udfff地区生产总值", "胡子工程\udcff\udcfe是什么意思"])
def test_lone_surrogates_are_answered_without_raising(answerer, question):
    check_answer(answerer.ask(question), question)


# ---------------------------------------------------------------------------------------- the conversation layer


@HOSTILE
@given(question=st.one_of(hostile, st.lists(st.sampled_from(["<", ">", "&", "<b>", "</i>", "<br>", "&amp;", "&#60;",
                                                               "<a href='x'>", "胡子工程", "是什么意思", "<pre>"]),
                                            max_size=12).map("".join)))
@example(question="<b>胡子工程</b>是什么意思<script>alert(1)</script>")
@example(question="</i><pre>&lt;胡子工程&#x3c;")
def test_replies_escape_user_text_and_fit_telegram(answerer, question):
    answer, reply = Conversation(lambda: answerer).ask(question)
    assert_telegram_html(reply.html)
    pieces = split_message(reply.html)
    assert pieces and all(0 < len(p) <= TELEGRAM_LIMIT for p in pieces)
    for p in pieces:
        assert_telegram_html(p)
    for row in reply.buttons:
        assert all(len(b.data.encode()) <= 64 for b in row)


@HOSTILE
@given(text=hostile, repeat=st.integers(1, 400))
def test_split_message_keeps_untagged_long_replies_within_the_limit(text, repeat):
    html = esc(text * repeat + "。") * 3
    pieces = split_message(html)
    assert all(len(p) <= TELEGRAM_LIMIT for p in pieces)
    # Nothing lost or added but the whitespace at the cuts.
    assert re.sub(r"\s", "", "".join(pieces)) == re.sub(r"\s", "", html)
    for p in pieces:
        assert not re.search(r"&[a-z#0-9]*$", p), "an entity cut in two"


@settings(max_examples=50, deadline=None)
@given(text=hostile.filter(lambda s: s.strip()), tag=st.sampled_from(["b", "i", "pre"]))
@example(text="a", tag="b")
def test_split_message_keeps_tags_balanced_in_every_piece(text, tag):
    # Once, a tag open at a cut was closed but not reopened (the next piece began with an
    # unmatched end tag, which Telegram rejects) and the closing tag pushed a piece to 4,100.
    html = f"<{tag}>{esc((text * (5000 // len(text) + 1))[:5000])}</{tag}>"
    pieces = split_message(html)
    assert len(pieces) >= 2
    for piece in pieces:
        assert len(piece) <= TELEGRAM_LIMIT
        assert piece.startswith(f"<{tag}>") and piece.endswith(f"</{tag}>")
        assert_balanced(piece)


# ---------------------------------------------------------------------------------------- reportbot ask --json


def reportbot_ask_json(index_path: Path, data: bytes) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("reportbot")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    return subprocess.run([*command, "ask", "--json", "--db", str(index_path)], input=data,
                          capture_output=True, timeout=60)


CLI_LINES = [
    "2021年西湖区地区生产总值是多少?",
    "",
    "   ",
    "\x01\x02\x1b[31m胡子工程\x7f是什么意思\x1b[0m",
    "'; DROP TABLE passages; --",
    'NEAR("地区生产总值" *) AND OR NOT ^-+: (',
    "😀👨\u200d👩\u200d👧\u200d👦𠀀\u200b\u202e胡子工程\ufeff",
    "a\rb\x0bc\x0cd\x1ce\x1df\x1eg\x85h\u2028i\u2029j",  # line breaks to str.splitlines, not to a file
    "\t\t今年計劃改造幾個老舊小區?\t",
    ("胡子工程😀" * 1000)[:5000],
    "<b>去年GDP多少</b>&amp;",
]


def test_ask_json_gives_one_json_object_per_input_line_in_order(index_path):
    result = reportbot_ask_json(index_path, "".join(line + "\n" for line in CLI_LINES).encode("utf-8"))
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    out = result.stdout.decode("utf-8")  # strict: the output is valid UTF-8
    lines = out.split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(CLI_LINES), out[:2000]
    for question, line in zip(CLI_LINES, lines):
        payload = json.loads(line)
        assert isinstance(payload, dict) and payload["question"] == question
        assert "error" not in payload, payload["error"]
        assert payload["kind"] in JSON_KINDS and isinstance(payload["answered"], bool)
        assert payload["answer"] and len(payload["answer"]) <= MAX_ANSWER_CHARS
    first = json.loads(lines[0])
    assert first["answered"] and "670.68亿元" in first["answer"]


def test_ask_json_answers_a_last_line_without_a_newline(index_path):
    result = reportbot_ask_json(index_path, "去年GDP多少\n胡子工程是什么意思".encode())
    payloads = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [p["question"] for p in payloads] == ["去年GDP多少", "胡子工程是什么意思"]


def test_ask_json_answers_an_invalid_utf8_line_with_valid_utf8_json(index_path):
    # Once, invalid bytes became lone surrogates: ask() raised and the bytes were echoed raw.
    data = "去年GDP多少\n".encode() + b"\xff\xfe\xc3(\xe4\xb8 bad bytes\n" + "胡子工程是什么意思\n".encode()
    result = reportbot_ask_json(index_path, data)
    lines = result.stdout.decode("utf-8").splitlines()  # strict
    assert len(lines) == 3
    payloads = [json.loads(line) for line in lines]
    assert all("error" not in p and p["answer"] for p in payloads)
    assert "bad bytes" in payloads[1]["question"]
    assert payloads[0]["answered"] and payloads[2]["answered"]
