"""Settings from the environment (or a .env file): every variable is documented in .env.example."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ConfigError

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
# In a checkout (an editable install) the defaults are the project's own folders, so the
# commands work from any directory; installed elsewhere they are relative to the working one.
_PROJECT = Path(__file__).resolve().parent.parent
_BASE = _PROJECT if (_PROJECT / "knowledge").is_dir() else Path(".")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def load_dotenv_file(path: str | os.PathLike = ".env") -> None:
    """Read .env if present; variables already set in the environment win."""
    try:
        from dotenv import load_dotenv
    except ImportError:  # pragma: no cover - python-dotenv is a dependency
        return
    load_dotenv(path, override=False)


def _int_env(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r}: must be at least {minimum}")
    return value


def _admin_ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise ConfigError(f"ADMIN_IDS: {part!r} is not a Telegram user id (expected numbers separated by commas)")
        ids.add(int(part))
    return frozenset(ids)


@dataclass(frozen=True)
class Settings:
    token: str = ""
    base_url: str = DEFAULT_BASE_URL
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    knowledge_dir: Path = _BASE / "knowledge"
    index_path: Path = _BASE / "var" / "index.db"
    stats_path: Path = _BASE / "var" / "stats.db"
    log_level: str = "INFO"
    webhook_url: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str = ""
    rate_limit_per_minute: int = 20
    poll_interval: float = 0.0
    home_place: str = ""  # the place that answers questions naming none (default: the newest report's)
    file_url: str = ""  # TELEGRAM_BASE_FILE_URL: where documents are downloaded from

    @property
    def base_file_url(self) -> str:
        if self.file_url:
            return self.file_url
        # https://api.telegram.org/bot -> https://api.telegram.org/file/bot
        head, _, _ = self.base_url.rstrip("/").rpartition("/")
        return f"{head}/file/bot"


def from_env() -> Settings:
    """Read every setting, raising ConfigError that names the variable when a value is unusable."""
    env = os.environ
    level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL={level!r}: expected one of {', '.join(LOG_LEVELS)}")
    base_url = env.get("TELEGRAM_BASE_URL", "").strip() or DEFAULT_BASE_URL
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"TELEGRAM_BASE_URL={base_url!r}: expected an http(s) URL such as {DEFAULT_BASE_URL}")
    webhook_url = env.get("WEBHOOK_URL", "").strip()
    if webhook_url and not webhook_url.startswith("https://") and not webhook_url.startswith("http://"):
        raise ConfigError(f"WEBHOOK_URL={webhook_url!r}: expected the public https URL Telegram should call")
    secret = env.get("WEBHOOK_SECRET", "").strip()
    if secret and not all(c.isalnum() or c in "_-" for c in secret):
        raise ConfigError("WEBHOOK_SECRET: only letters, digits, '_' and '-' are allowed (Telegram's rule)")
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if token and any(c in token for c in "/?# "):
        raise ConfigError("TELEGRAM_BOT_TOKEN: a token has no '/', '?', '#' or spaces — copy it again from @BotFather")
    try:
        poll = float(env.get("POLL_INTERVAL", "0") or 0)
    except ValueError:
        raise ConfigError(f"POLL_INTERVAL={env.get('POLL_INTERVAL')!r}: expected seconds, e.g. 0 or 0.5") from None
    return Settings(
        token=token,
        base_url=base_url,
        admin_ids=_admin_ids(env.get("ADMIN_IDS", "")),
        knowledge_dir=Path(env.get("KNOWLEDGE_DIR", "").strip() or _BASE / "knowledge"),
        index_path=Path(env.get("INDEX_PATH", "").strip() or _BASE / "var" / "index.db"),
        stats_path=Path(env.get("STATS_PATH", "").strip() or _BASE / "var" / "stats.db"),
        log_level=level,
        webhook_url=webhook_url,
        webhook_listen=env.get("WEBHOOK_LISTEN", "").strip() or "0.0.0.0",
        webhook_port=_int_env("WEBHOOK_PORT", 8443, 1),
        webhook_secret=secret,
        rate_limit_per_minute=_int_env("RATE_LIMIT_PER_MINUTE", 20, 0),
        poll_interval=poll,
        home_place=env.get("HOME_PLACE", "").strip(),
        file_url=_file_url(env.get("TELEGRAM_BASE_FILE_URL", "").strip()),
    )


def _file_url(raw: str) -> str:
    if raw and not raw.startswith(("http://", "https://")):
        raise ConfigError(f"TELEGRAM_BASE_FILE_URL={raw!r}: expected an http(s) URL such as https://api.telegram.org/file/bot")
    return raw


class RedactToken(logging.Filter):
    """Removes the bot token from every log record: httpx logs request URLs, which contain it."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg, record.args = message.replace(self.token, "<TOKEN>"), ()
            if record.exc_info and not record.exc_text:
                # PTB logs InvalidToken (whose text holds the token) with its traceback.
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text and self.token in record.exc_text:
                record.exc_text = record.exc_text.replace(self.token, "<TOKEN>")
        return True


def setup_logging(level: str, token: str = "") -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    # At INFO httpx logs every request URL, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    redact = RedactToken(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
