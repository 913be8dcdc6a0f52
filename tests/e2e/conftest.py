"""What the end-to-end modules share: one Bot API emulator per module, and bots started as real
`reportbot run` processes against it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import copy_index

try:  # tests/e2e may become a package later
    from .botproc import BotProcess
    from .emulator import Emulator
except ImportError:
    from botproc import BotProcess  # type: ignore[no-redef]
    from emulator import Emulator  # type: ignore[no-redef]


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """One emulator for the module; tests reset it or use their own bot token, so they do not mix."""
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
async def start_bot(emu, tmp_path, index_path):
    """start_bot(name, admin_ids=..., extra_env=...) -> a running BotProcess on tmp_path/name.
    Starting again on the same name reuses that working directory (index, stats, knowledge)."""
    started: list[BotProcess] = []

    async def start(name: str = "bot", **kwargs) -> BotProcess:
        await emu.reset()  # forget the previous bot's messages, calls and faults
        workdir = tmp_path / name
        workdir.mkdir(exist_ok=True)
        if not (workdir / "index.db").exists():
            copy_index(index_path, workdir / "index.db")
        bot = BotProcess(emu, workdir, **kwargs)
        started.append(bot)
        await bot.start()
        return bot

    yield start
    for bot in started:
        bot.stop()
