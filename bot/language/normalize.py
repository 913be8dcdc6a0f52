"""Text normalisation shared by the index and the questions, so both sides meet in one form.

Full-width letters, digits and punctuation become half-width (NFKC, as the
published report already is), Traditional characters become
Simplified (OpenCC), Chinese-numeral years and percentages become digits, and the
zero-width and control characters that copy-paste brings are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")

_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufe00-\ufe0f]")

_SURROGATES = re.compile("[\ud800-\udfff]")
_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUM = "零〇○一二两三四五六七八九十百千"


def to_simplified(text: str) -> str:
    return _T2S.convert(text)


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")  # loaded on the first Traditional reply, not at start-up


def to_traditional(text: str) -> str:
    return _s2t().convert(text)


def without_surrogates(text: str) -> str:
    """Lone surrogates (what undecodable input becomes) replaced by U+FFFD: they cannot be
    encoded, so no reply, log line or JSON may carry them."""
    return _SURROGATES.sub("\ufffd", text)


def is_traditional(text: str) -> bool:
    """True when converting to Simplified changes enough characters to say the user wrote Traditional."""
    text = _SURROGATES.sub("\ufffd", text)
    simplified = _T2S.convert(text)
    changed = sum(a != b for a, b in zip(text, simplified))
    return changed >= 1 and changed >= len([c for c in text if "\u4e00" <= c <= "\u9fff"]) * 0.08


def cn_to_int(text: str) -> int | None:
    """'二十三' -> 23, '一百零五' -> 105, '二〇二一' -> 2021 (digit by digit). None when not a numeral."""
    if not text or any(c not in _CN_NUM for c in text):
        return None
    if not any(c in _UNITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        else:
            total += (current or 1) * _UNITS[char]
            current = 0
    return total + current


_CN_YEAR = re.compile(r"([零〇○一二三四五六七八九]{4})年")
_CN_PERCENT = re.compile(r"百分之([零一二两三四五六七八九十百点]+)")


def _percent(match: re.Match) -> str:
    whole, _, frac = match.group(1).partition("点")
    value = cn_to_int(whole)
    if value is None:
        return match.group(0)
    digits = "".join(str(_DIGITS.get(c, "")) for c in frac)
    return f"{value}.{digits}%" if digits else f"{value}%"


def numerals_to_digits(text: str) -> str:
    """Only years and percentages: '三大公园' and '一枢纽四中心' are names and must stay as written."""
    text = _CN_YEAR.sub(lambda m: f"{cn_to_int(m.group(1))}年", text)
    return _CN_PERCENT.sub(_percent, text)


# Characters commonly written for another that looks alike, where the written one is all but
# unused in its own right: 劵 (a variant nobody means) for 券 in 消费券, 优惠劵.
_MISWRITTEN = str.maketrans({"劵": "券"})


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """The one form both report text and questions are compared in."""
    # Lone surrogates (from undecodable input) cannot be encoded, and OpenCC would raise.
    text = _INVISIBLE.sub("", _SURROGATES.sub("\ufffd", text))
    text = unicodedata.normalize("NFKC", text)
    text = _T2S.convert(text).translate(_MISWRITTEN)
    text = numerals_to_digits(text)
    return re.sub(r"\s+", " ", text).strip()


# Reading normalises a report's full-width punctuation (NFKC: '，' -> ','). Most reports are
# published with Chinese punctuation, and a reply quotes the report: for those it is put back
# where it stands in Chinese text (not in '1,234' or '10:30').
_FULLWIDTH_MARKS = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_MARK_IN_CHINESE = re.compile(r"(?<!\d)[,;:?!]|(?<=\d)[,;:?!](?!\d)")
_PARENTHESES = re.compile(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)")


def uses_fullwidth_punctuation(text: str) -> bool:
    """Does a source text write its commas and parentheses full-width ('，', '（'), as most do?"""
    return text.count("，") + text.count("（") > text.count(",") + text.count("(")


def as_published(text: str) -> str:
    """'新增学位6300个,筹建8000套(间)' -> '新增学位6300个，筹建8000套（间）'."""
    text = _PARENTHESES.sub(r"（\1）", text)
    return _MARK_IN_CHINESE.sub(lambda m: _FULLWIDTH_MARKS[m.group(0)], text)
