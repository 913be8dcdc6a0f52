"""The curated files of knowledge/ that a person edits: aliases.txt, userdict.txt and reports.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.errors import KnowledgeError
from bot.language.normalize import normalize
from bot.knowledge.textio import read_text

ALIASES_FILE = "aliases.txt"
USERDICT_FILE = "userdict.txt"
REPORTS_FILE = "reports.toml"  # per report file: fields its text does not give (place, year, title, …)
CURATED_FILES = (ALIASES_FILE, USERDICT_FILE, REPORTS_FILE)


@dataclass(frozen=True)
class Alias:
    alias: str  # what people say: GDP (or a phrase pattern: 上学|读书...名额|位子)
    canonical: str  # what the report says: 地区生产总值


# A phrase pattern: parts said in this order with a few other characters between them
# ('孩子读书的位子', '上学的名额' for 学位); each part lists what may be said for it, split by '|'.
PHRASE_GAP = "..."
PHRASE_ALTERNATIVES = "|"


def is_phrase_pattern(alias: str) -> bool:
    return PHRASE_GAP in alias


def phrase_parts(alias: str) -> list[list[str]]:
    """'上学|读书...名额|位子' -> [['上学', '读书'], ['名额', '位子']]."""
    return [[word.strip() for word in part.split(PHRASE_ALTERNATIVES)] for part in alias.split(PHRASE_GAP)]


def phrase_problem(alias: str) -> str | None:
    parts = phrase_parts(alias)
    if len(parts) < 2 or any(not word for part in parts for word in part):
        return "a phrase pattern needs two or more parts, each one or more words split by '|': 上学|读书…名额|位子"
    return None


def parse_aliases(text: str, name: str = ALIASES_FILE) -> list[Alias]:
    """'报告用语 = 说法, 说法' lines; '#' starts a comment. A 说法 with '…' in it is a
    phrase pattern (is_phrase_pattern). A line without '=' is an error naming it."""
    out: list[Alias] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        canonical, sep, rest = line.partition("=")
        if not sep or not canonical.strip():
            raise KnowledgeError(f"{name}, line {number}: expected '报告用语 = 说法, 说法', got {raw.strip()!r}")
        canonical = normalize(canonical.strip()).lower()
        for alias in re.split(r"[,,、]", rest):
            alias = normalize(alias.strip()).lower()
            problem = phrase_problem(alias) if is_phrase_pattern(alias) else None
            if problem:
                raise KnowledgeError(f"{name}, line {number}: {problem}, got {alias!r}")
            if alias and alias != canonical.lower():
                out.append(Alias(alias, canonical))
    return out


def parse_userdict(text: str, name: str = USERDICT_FILE) -> list[tuple[str, int, str]]:
    """jieba's user dictionary format: '词语 [词频] [词性]' a line."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) > 1 and not parts[1].isdigit():
            raise KnowledgeError(f"{name}, line {number}: the frequency must be a number, got {parts[1]!r}")
        out.append((normalize(parts[0]), int(parts[1]) if len(parts) > 1 else 50000, parts[2] if len(parts) > 2 else "n"))
    return out


def parse_report_overrides(text: str, name: str = REPORTS_FILE) -> dict[str, dict]:
    """'["2024-anji.docx"]' tables of fields (place = "安吉县", year = 2024, …), keyed by file name."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise KnowledgeError(f"{name}: not valid TOML ({err})") from err
    for key, value in data.items():
        if not isinstance(value, dict):
            raise KnowledgeError(f"{name}: '{key}' must be a table: [\"{key}\"] then field = value lines")
    return data


@dataclass
class Curated:
    aliases: list[Alias]
    userdict: list[tuple[str, int, str]]
    overrides: dict[str, dict]
    hashes: dict[str, str]  # file name -> sha256


def read_curated(folder: Path) -> Curated:
    """The curated files of a knowledge folder; missing files are empty."""
    curated = Curated([], [], {}, {})
    for name in CURATED_FILES:
        path = folder / name
        if not path.exists():
            continue
        text, _encoding, digest = read_text(path) if path.stat().st_size else ("", "", "")
        curated.hashes[name] = digest
        if name == ALIASES_FILE:
            curated.aliases = parse_aliases(text, str(path))
        elif name == USERDICT_FILE:
            curated.userdict = parse_userdict(text, str(path))
        else:
            curated.overrides = parse_report_overrides(text, str(path))
    return curated
