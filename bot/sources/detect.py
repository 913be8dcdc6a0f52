"""Deciding what a file is from its bytes (the name is only a tie-breaker) and handing it to
the reader for its form. Files no reader can use are refused with one line saying what the
file is and what to do instead."""

from __future__ import annotations

import hashlib
import re
import zipfile
from io import BytesIO
from pathlib import Path

from bot.errors import KnowledgeError, UnsupportedFileError
from bot.sources.document import Document

# Reports are a few hundred kilobytes as text and a few megabytes as PDF; anything larger is
# not one report (and would hold the indexer for minutes).
MAX_BYTES = 30 * 1024 * 1024

_SAVE_AS = "save it as .docx or as a PDF with a text layer, or paste the text into a .txt file"


def read_document(path: Path | str) -> Document:
    """Read a report file of any supported form. Raises a KnowledgeError naming the file and the reason."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnsupportedFileError(f"{path.name}: {size / 1024 / 1024:.1f} MB is over the {MAX_BYTES // 1024 // 1024} MB limit for one report")
        data = path.read_bytes()
    except OSError as err:
        raise KnowledgeError(f"{path}: cannot read the file ({err.strerror})") from err
    return read_bytes(data, path.name)


def read_bytes(data: bytes, name: str) -> Document:
    """Read a report from its bytes; ``name`` is the file name shown in errors and used as the
    last resort for metadata."""
    if len(data) > MAX_BYTES:
        raise UnsupportedFileError(f"{name}: {len(data) / 1024 / 1024:.1f} MB is over the {MAX_BYTES // 1024 // 1024} MB limit for one report")
    form = detect_form(data, name)
    if form == "pdf":
        from bot.sources.pdf import read_pdf
        doc = read_pdf(data, name)
    elif form == "docx":
        from bot.sources.docx import read_docx
        doc = read_docx(data, name)
    elif form == "html":
        from bot.sources.html import read_html
        doc = read_html(data, name)
    else:
        from bot.sources.text import read_text_document
        doc = read_text_document(data, name)
    doc.sha256 = hashlib.sha256(data).hexdigest()
    return doc


def detect_form(data: bytes, name: str = "") -> str:
    """'pdf', 'docx', 'html' or 'text'; raises UnsupportedFileError for forms no reader handles."""
    if not data.strip():
        raise KnowledgeError(f"{name}: the file is empty")
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_form(data, name)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnsupportedFileError(f"{name}: an old binary Word/Excel file (.doc/.xls), which cannot be read: open it in Word or WPS and {_SAVE_AS}")
    if head.startswith(b"{\\rtf"):
        raise UnsupportedFileError(f"{name}: an RTF file: open it in Word or WPS and {_SAVE_AS}")
    for magic, what in _PICTURES:
        if head.startswith(magic):
            raise UnsupportedFileError(f"{name}: a picture ({what}), not text: use a PDF with a text layer or a .docx, or paste the text")
    if head.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")):
        raise UnsupportedFileError(f"{name}: a compressed archive: unpack it and add the report inside")
    if _looks_binary(head):
        raise UnsupportedFileError(f"{name}: a binary file, not text, a web page, a PDF or a Word document")
    sniff = head.lower()
    if re.search(rb"<(!doctype html|html|head|body|meta|div|p)[\s>]", sniff.replace(b"\x00", b"")):
        return "html"
    if name.lower().endswith((".html", ".htm")) and b"<" in sniff:
        return "html"
    return "text"


_PICTURES = ((b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
             (b"BM", "BMP"))


def _zip_form(data: bytes, name: str) -> str:
    try:
        names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    except zipfile.BadZipFile as err:
        raise UnsupportedFileError(f"{name}: a damaged ZIP/Office file ({err})") from err
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        raise UnsupportedFileError(f"{name}: an Excel workbook, not a report: {_SAVE_AS}")
    if any(n.startswith("ppt/") for n in names):
        raise UnsupportedFileError(f"{name}: a PowerPoint file, not a report: {_SAVE_AS}")
    if "content.xml" in names:
        raise UnsupportedFileError(f"{name}: an OpenDocument file: {_SAVE_AS}")
    raise UnsupportedFileError(f"{name}: a ZIP archive: unpack it and add the report inside")


def _looks_binary(head: bytes) -> bool:
    """Many control bytes, or NUL bytes on both sides of the byte pairs (UTF-16 text has its
    NULs, the high bytes of ASCII, all on one side)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    controls = sum(1 for b in head if 0 < b < 9 or 13 < b < 32)
    if controls > len(head) / 20:
        return True
    nul = head.count(0)
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return bool(nul) and min(even, odd) > 0.05 * nul
