"""Plain-text reports: decoding (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK, the
encodings Chinese government sites and office PCs produce), line ends, and text pasted from a
PDF with hard line wraps every 30-40 characters."""

from __future__ import annotations

import re

from bot.errors import DecodeError, KnowledgeError
from bot.sources.document import Block, Document

# GB18030 is a superset of GBK and GB2312, so one attempt covers all three. UTF-8 is tried
# first: valid GBK bytes are rarely valid UTF-8.
ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Return (text with '\\n' line ends, encoding)."""
    if not data.strip(b" \t\r\n\x00"):
        raise KnowledgeError(f"{name}: the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates: tuple[str, ...] = ("utf-16",)
    elif _utf16_without_bom(data):
        candidates = ("utf-16-le",) if data[1:2] == b"\x00" else ("utf-16-be",)
    else:
        candidates = ENCODINGS
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
    # UTF-16 without a BOM (Windows Notepad's "Unicode" of old): accept it when it reads as text.
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
    raise DecodeError(f"{name}: cannot decode the file as UTF-8, UTF-16 or GB18030 (is it a text file?)")


def _plausible(text: str) -> bool:
    """Mostly Chinese characters, ASCII, punctuation and spaces, as a report is."""
    good = sum(1 for ch in text if ch.isspace() or " " <= ch <= "~" or "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return good >= 0.95 * len(text)


def _utf16_without_bom(data: bytes) -> bool:
    head = data[:400]
    return len(head) >= 4 and (head[1::2].count(0) > 0.4 * len(head) / 2 or head[0::2].count(0) > 0.4 * len(head) / 2)


def read_text_document(data: bytes, name: str) -> Document:
    text, encoding = decode(data, name)
    lines, unwrapped = unwrap_hard_wraps(text.split("\n"))
    doc = Document(name, "text", [Block(line.strip()) for line in lines if line.strip()], encoding=encoding)
    if unwrapped:
        doc.warnings.append(f"rejoined {unwrapped} lines cut by hard wraps")
    return doc


# A page number a PDF copy leaves between lines: '— 3 —', '-3-', '第3页', '3'.
PAGE_NUMBER = re.compile(r"^(?:[-—–－一]\s*\d{1,3}\s*[-—–－一]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3}|\d{1,3})$")
_ENDS_PARAGRAPH = tuple("。:：;；!！?？”」》)）")
# A line at least this share of the widest common line is full: the text went on past it.
FULL_LINE = 0.75
# A line that stops mid-sentence goes on into the next from this share of the width: a line of
# figures and half-width commas holds fewer characters' worth of width than it counts.
SHORT_LINE = 0.6
_CONTINUATION = re.compile(r"^(?:[0-9.．%％]|[,，;；、。)）])")
_LIST_NUMBER = re.compile(r"^\d{1,2}[.．、)）](?!\d)")  # '1.“十大专项行动”…' starts an item
_INDENT = re.compile(r"^(?:\u3000|\s{2,})\S")  # a paragraph's first line, indented


def unwrap_hard_wraps(lines: list[str]) -> tuple[list[str], int]:
    """Text copied from a PDF arrives with a line break every 30-40 characters, inside words and
    numbers ('…固定资' / '产投资', '118.' / '6亿元'), and paragraphs separated by blank lines or
    started by an indent. When most lines are near one width and run on into the next, rejoin
    each run of lines into its paragraph (stripped); other text is returned as it is.

    The width is not one number of characters: digits and Latin letters are narrower than Han
    characters, so a full line of figures holds more of them. A line is full when it is at least
    three quarters of the widest common line; a full line that ends a sentence still ends the
    paragraph when the next line is indented or the line is clearly short of the width."""
    stripped = [line.strip() for line in lines]
    body = [line for line in stripped if line and not PAGE_NUMBER.match(line)]
    if len(body) < 20:
        return lines, 0
    long_lengths = sorted(len(line) for line in body if len(line) >= 20)
    if len(long_lengths) < 10:
        return lines, 0
    width = long_lengths[int(0.9 * (len(long_lengths) - 1))]
    full = [line for line in body if FULL_LINE * width <= len(line) <= width + 3]
    running_on = [line for line in full if not line.endswith(_ENDS_PARAGRAPH)]
    # Unwrapped text has long paragraphs of very different lengths; wrapped text has most lines
    # near one width, most of them ending mid-sentence.
    if width > 60 or len(full) < 0.5 * len(body) or len(running_on) < 0.6 * len(full):
        return lines, 0
    out: list[str] = []
    joined = 0
    open_paragraph = False
    after_blank = False
    for raw, line in zip(lines, stripped):
        if not line:
            open_paragraph, after_blank = False, True
            continue
        if PAGE_NUMBER.match(line):
            continue  # a page break inside a paragraph does not end it
        # A line that starts inside a number or a sentence ('3.5%;…', '，…') goes on the last one
        # however short that was: nothing ends on a digit or before a comma.
        goes_on = bool(out) and not after_blank and _CONTINUATION.match(line) and not _LIST_NUMBER.match(line) \
            and not out[-1].endswith(_ENDS_PARAGRAPH) and not _heading_like(out[-1])
        after_blank = False
        starts_anew = _INDENT.match(raw) or _heading_like(line) and bool(out) and out[-1].endswith(_ENDS_PARAGRAPH)
        if (open_paragraph or goes_on) and not starts_anew:
            out[-1] += line
            joined += 1
        else:
            out.append(line)
        ends_sentence = line.endswith(_ENDS_PARAGRAPH)
        open_paragraph = (len(line) >= (width - 3 if ends_sentence else SHORT_LINE * width)
                          and not _heading_like(out[-1]))
    return out, joined


def _heading_like(text: str) -> bool:
    return len(text) <= 30 and bool(re.match(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])", text)) and "。" not in text
