"""Reading report files as Chinese government sites serve them: UTF-8 (with or without BOM) or GB18030/GBK."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.errors import DecodeError, KnowledgeError

# GB18030 is a superset of GBK and GB2312, so one attempt covers all three.
ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Return (text, encoding). UTF-8 is tried first: valid GBK bytes are rarely valid UTF-8."""
    if not data.strip():
        raise KnowledgeError(f"{name}: the file is empty")
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
    raise DecodeError(f"{name}: cannot decode the file as UTF-8 or GB18030 (is it a text file?)")


def read_text(path: Path) -> tuple[str, str, str]:
    """Return (text, encoding, sha256 of the raw bytes) of a knowledge file."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise KnowledgeError(f"{path}: cannot read the file ({err.strerror})") from err
    text, encoding = decode(data, str(path))
    return text, encoding, hashlib.sha256(data).hexdigest()
