"""Start `reportbot run` exactly as a user does, pointed at the emulator through TELEGRAM_BASE_URL.

The bot runs as its own process (the real Application, long polling), so the end-to-end tests
and the throughput benchmark exercise the code path people deploy."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-token"


def reportbot_command() -> list[str]:
    """The installed console script when the venv has it, else the module."""
    script = Path(sys.executable).with_name("reportbot")
    return [str(script), "run"] if script.exists() else [sys.executable, "-m", "bot", "run"]


class BotProcess:
    """A running `reportbot run` with its own knowledge copy, index and stats files."""

    def __init__(self, emulator, workdir: Path, admin_ids: str = "", extra_env: dict | None = None,
                 knowledge: Path | None = None):
        self.emulator, self.workdir = emulator, Path(workdir)
        self.knowledge = self.workdir / "knowledge"
        if not self.knowledge.exists():
            shutil.copytree(knowledge or PROJECT_ROOT / "knowledge", self.knowledge)
        self.index_path = self.workdir / "index.db"
        self.stats_path = self.workdir / "stats.db"
        self.log_path = self.workdir / "bot.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))},
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": emulator.base_url,
            "KNOWLEDGE_DIR": str(self.knowledge), "INDEX_PATH": str(self.index_path), "STATS_PATH": str(self.stats_path),
            "ADMIN_IDS": admin_ids, "POLL_INTERVAL": "0.01", "LOG_LEVEL": "INFO", "RATE_LIMIT_PER_MINUTE": "1000",
            **(extra_env or {}),
        }
        self.proc: subprocess.Popen | None = None

    async def start(self, timeout: float = 30.0) -> "BotProcess":
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(reportbot_command(), cwd=self.workdir, env=self.env,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"reportbot run exited {self.proc.returncode}:\n{self.log()}")
            # post_init sets the command menu once the Application is initialised and polling starts.
            if await self.emulator.calls(TOKEN, "setMyCommands"):
                await asyncio.sleep(0.2)
                return self
            await asyncio.sleep(0.05)
        raise TimeoutError(f"reportbot run not ready after {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: the process dies wherever it is (used to test crash safety)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if getattr(self, "_log", None):
            self._log.close()
