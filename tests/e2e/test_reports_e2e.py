"""End to end, many reports: a real `reportbot run` over a knowledge folder holding one
district over three years and a neighbour, through the Bot API emulator — a series comes as a
chart (a PNG photo with the table as its caption), answers offer the same question for other
years and places, /reports and /targets."""

from __future__ import annotations

import html
import io
import re

import pytest

from tests.conftest import copy_index

try:
    from .botproc import TOKEN, BotProcess
    from .emulator import find_node
except ImportError:
    from botproc import TOKEN, BotProcess  # type: ignore[no-redef]
    from emulator import find_node  # type: ignore[no-redef]

pytestmark = [
    pytest.mark.skipif(find_node() is None, reason="node is not on PATH: e2e needs Node.js 20"),
    pytest.mark.timeout(60),
]

USER = 7001


@pytest.fixture
async def bot(emu, tmp_path, series_knowledge, series_index):
    await emu.reset()
    workdir = tmp_path / "series-bot"
    workdir.mkdir()
    copy_index(series_index, workdir / "index.db")
    process = BotProcess(emu, workdir, knowledge=series_knowledge)
    await process.start()
    yield process
    process.stop()


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text or ""))


async def ask(emu, text: str) -> dict:
    before = len(await emu.bot_messages(TOKEN, USER))
    await emu.send_message(TOKEN, USER, USER, text)
    return (await emu.wait_for_messages(TOKEN, USER, before + 1, timeout=20))[before]


async def test_a_series_comes_as_a_chart_with_the_table_as_caption(emu, bot):
    from PIL import Image

    message = await ask(emu, "西湖区历年GDP")
    assert message.get("photo"), message
    caption = plain(message["caption"])
    assert "2021年:670.68亿元" in caption and "2023年:768.35亿元" in caption
    png = await emu.file_bytes(message["photo"][0]["file_id"])
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (800, 480)
    assert (message["photo"][0]["width"], message["photo"][0]["height"]) == (800, 480)


async def test_an_answer_names_its_report_and_offers_other_years_and_places(emu, bot):
    message = await ask(emu, "东湖区去年GDP多少")
    assert "752.6亿元" in plain(message["text"]) and "《2023年东湖区政府工作报告》" in plain(message["text"])
    buttons = {b["text"]: b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row}
    assert "2023年西湖区" in buttons
    before = len(await emu.bot_messages(TOKEN, USER))
    await emu.send_callback(TOKEN, USER, USER, buttons["2023年西湖区"], message)
    other = (await emu.wait_for_messages(TOKEN, USER, before + 1, timeout=20))[before]
    assert "727.24亿元" in plain(other["text"]) and "西湖区" in plain(other["text"])


async def test_targets_against_results_in_the_chat(emu, bot):
    message = await ask(emu, "西湖区2022年GDP目标完成了吗")
    text = plain(message["text"])
    assert "7%以上" in text and "4.7%" in text and "没有完成目标" in text
    table = plain((await ask(emu, "/targets 西湖区 2023"))["text"])
    assert table.startswith("西湖区2023年主要目标与完成情况")
    assert "地区生产总值:目标 增长6.5%左右;实际 768.35亿元,同比增长5.2%(✗未完成)" in table


async def test_reports_lists_the_places_and_years_held(emu, bot):
    text = plain((await ask(emu, "/reports"))["text"])
    assert "我知道的报告(4 份)" in text
    assert "西湖区(南昌市):2024、2023、2022年" in text and "东湖区(南昌市):2023年" in text
