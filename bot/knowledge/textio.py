"""Reading the curated files of knowledge/ (aliases, user dictionary): text in any of the
encodings a report may come in (see ``bot.sources.text``), with its sha256."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.errors import KnowledgeError
from bot.sources.text import decode

__all__ = ["decode", "read_text"]


def read_text(path: Path) -> tuple[str, str, str]:
    """Return (text, encoding, sha256 of the raw bytes) of a knowledge file."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise KnowledgeError(f"{path}: cannot read the file ({err.strerror})") from err
    text, encoding = decode(data, str(path))
    return text, encoding, hashlib.sha256(data).hexdigest()
