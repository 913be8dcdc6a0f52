"""Teaching the bot a word its users type: for an unanswered question, the words of it the
reports never use, and the report terms it most likely means (the specific terms of the
passages that come closest), so an admin can make an alias with two taps."""

from __future__ import annotations

import re

from bot.answer.knowledge_base import match_form
from bot.language.normalize import normalize
from bot.answer.query import own_place_names, understand
from bot.answer.search import rank
from bot.language.tokenizer import STOPWORDS

MAX_SUGGESTIONS = 6
_QUOTED = re.compile(r"“([^”]{2,12})”")
# What frames a question rather than names its topic: cut there, the rest are candidate words.
_FRAMING = re.compile(r"(?:\d{4}年|去年|今年|前年|明年|全年|多少[个家所座条项人次件台辆]?|几[个家所座条项人次件台辆]?|第几|排第|排|什么|怎么样?|如何|哪些|哪里|"
                      r"是不是|有没有|吗|呢|吧|了|的|是|有|在|和|与|及|给|把|被|要|会|能|都|还|就|也|请问|我们|咱们|区里|市里|"
                      r"县里|政府|报告|计划|打算|目标|[^\u4e00-\u9fff]+)")


def unknown_words(kb, question: str) -> list[str]:
    """Stretches of the question that no report passage contains ('洗街' in '去年洗街排第几'):
    the words to teach."""
    text = match_form(normalize(question))
    for name in own_place_names(next(iter(kb.reports.values()))):
        text = text.replace(name, " ")
    corpus = kb.corpus
    words = []
    for piece in _FRAMING.split(text):
        piece = piece.strip()
        if 2 <= len(piece) <= 8 and piece not in corpus and piece not in STOPWORDS:
            words.append(piece)
    return list(dict.fromkeys(words))


def suggest_terms(kb, question: str) -> list[str]:
    """Report terms the question may mean: the quoted and the rarer words of the passages that
    come closest to it, the most specific first."""
    query = understand(kb, question)
    asked = {g.word for g in query.groups}
    scored: dict[str, float] = {}
    for rank_no, hit in enumerate(rank(kb, query)[:6]):
        p = hit.passage
        words = set(_QUOTED.findall(p.sentence_text)) | {w for w in kb.tokenizer.words(p.text) if len(w) >= 2}
        for word in words:
            if word in asked or word in STOPWORDS or re.search(r"[\d\W]", word):
                continue
            count = max(kb.corpus.count(word), 1)
            # Rare, long and quoted words name things; the closer passages count more.
            score = (1 / count) * (1 + 0.3 * min(len(word), 5)) * (2 if f"“{word}”" in p.sentence_text else 1) / (1 + rank_no)
            scored[word] = max(scored.get(word, 0.0), score)
    return [w for w, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_SUGGESTIONS]]
