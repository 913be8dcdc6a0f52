"""jieba segmentation over a vocabulary the index carries, so a question costs milliseconds.

jieba's own start-up reads 349,046 words (about 0.5-1.5 s). The index stores only the words
that can matter — those that occur in the reports, the frequent ones, place names, and the
curated terms from knowledge/ — and a Tokenizer is built from them in a few milliseconds.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import sys

# jieba imports pkg_resources, when present, only to locate its own files; that import alone
# costs ~0.12 s of every start-up. Hidden during the import, jieba falls back to plain paths.
_saved = sys.modules.get("pkg_resources")
sys.modules["pkg_resources"] = None  # type: ignore[assignment]
try:
    import jieba
finally:
    if _saved is None:
        del sys.modules["pkg_resources"]
    else:
        sys.modules["pkg_resources"] = _saved

jieba.setLogLevel(logging.WARNING)

# Frequent general words are kept so that the words of a question the reports never use
# (天气, 股票) are still cut as words and can be recognised as off-topic.
COMMON_WORD_MIN_FREQ = 100
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?%?")

# Function words and question words: they say how something is asked, not what about.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 有 为 对 把 被 将 给 让 边 旁 等 也 都 就 还 又 并 而 之 其 这 那 哪 些 个 中 上 下 "
    "吗 呢 吧 啊 呀 么 嘛 哦 请问 请 问 一下 我 我们 你 你们 他 她 它 想 想知道 知道 告诉 "
    "多少 几 几个 多 少 什么 啥 怎么 怎样 如何 哪些 哪个 哪几 是否 有没有 能否 可以 "
    "时候 情况 方面 具体 分别 到底 大概 大约 一共 总共 了解 一个 怎么样 怎么办 哪儿 哪里 咋 咋样 呀 啦 地方 什么样 哪方面 哪家 哪位 谁 是不是 有多少 多大 里 内 "
    # How residents frame a question about their surroundings: not what it is about.
    "我家 我们家 咱家 咱们 家门口 附近 身边 周围 那个 这个 那些 这些 有人 大家 大伙 大伙儿 大家伙 能不能 会不会 有没有 管不管 "
    "行不行 好不好 没 吗 呀 啥时候 咋样 怎么回事 听说 据说 听人说 不少 很多 好多 一些 究竟 们 不能 这份 那份 这一份 哪一天 哪天 "
    # Pointing at a place or a thing ('那条老街', '花果园那块'), and coming to it ('跑来晋江玩').
    "那条 这条 那块 这块 那片 这片 那边 这边 那一带 这一带 那一片 那家 这家 那座 这座 那种 这种 那类 这类 跑来 跑去 过来 来玩 去玩".split()
)


def substrings_of(texts: Iterable[str], longest: int = 8) -> set[str]:
    """Every run of 2 to `longest` characters in the texts: a word 'occurs in the report' if it is one."""
    substrings: set[str] = set()
    for text in texts:
        for run in _HAN_RUN.findall(text):
            for i in range(len(run)):
                for j in range(i + 2, min(i + longest + 1, len(run) + 1)):
                    substrings.add(run[i:j])
    return substrings


REPORT_WORD_BOOST = 10


def select_vocabulary(substrings: set[str], extra_terms: Iterable[str]) -> dict[str, tuple[int, str]]:
    """The words worth keeping for a report whose substrings are given: {word: (freq, tag)}."""
    vocab: dict[str, tuple[int, str]] = {}
    with jieba.get_dict_file() as fh:
        lines = fh.read().decode("utf-8").splitlines()
    # 349,046 lines: decided on the strings (a frequency of 100 or more has 3+ digits), the
    # number parsed only for the lines kept.
    min_digits = len(str(COMMON_WORD_MIN_FREQ))
    for line in lines:
        word, _, rest = line.partition(" ")
        freq, _, tag = rest.partition(" ")
        if len(freq) >= min_digits or tag == "ns" or word in substrings:
            vocab[word] = (int(freq), tag)
    for term in extra_terms:
        freq, tag = vocab.get(term, (0, ""))
        # Curated terms must win over jieba's splits ('胡子工程' not '胡子/工程').
        vocab[term] = (max(freq, 50000), tag or "term")
    return vocab


# Tags the answering uses: places (to recognise another city), the curated terms (typos) and
# verbs (people's verbs for what the report did weigh less than the things they name).
KEPT_TAGS = ("ns", "term", "v")


def prefix_dictionary(vocab: dict[str, tuple[int, str]], report_words: Iterable[str] = ()) -> dict:
    """What a Tokenizer needs, ready to store in the index as JSON and load in milliseconds:
    jieba's prefix dictionary (every word and, at 0, its prefixes; `report_words` boosted), the
    total, the kept tags, jieba's counts of the boosted words."""
    freq: dict[str, int] = {}
    total = 0
    for word, (count, _tag) in vocab.items():
        freq[word] = count
        total += count
    for word in vocab:
        for k in range(1, len(word)):
            freq.setdefault(word[:k], 0)
    # The report's own words are the likelier cut of a question ('年轻人才' -> 年轻/人才, not
    # 年轻人/才, when the report says 人才): their counts are boosted for the cut, and jieba's own
    # counts kept beside for Tokenizer.freq().
    counts = {}
    for word in sorted(report_words):
        if freq.get(word):
            counts[word] = freq[word]
            freq[word] *= REPORT_WORD_BOOST
    # Verbs people say are of one or two characters; longer ones would only grow the table.
    tags = {word: tag for word, (_count, tag) in vocab.items() if tag in KEPT_TAGS and (tag != "v" or len(word) <= 2)}
    return {"freq": freq, "total": max(total, 1), "tags": tags, "jieba_counts": counts}


class Tokenizer:
    """Cuts text into jieba words with a prefix dictionary made by prefix_dictionary()."""

    def __init__(self, prefixes: dict):
        self._jieba = jieba.Tokenizer()
        # jieba keeps its prefix dictionary in FREQ/total; filling them ourselves skips the
        # bundled dictionary entirely.
        self._jieba.FREQ, self._jieba.total, self._jieba.initialized = prefixes["freq"], prefixes["total"], True
        self.tags = prefixes["tags"]
        self._freq = prefixes["freq"]
        self._jieba_counts: dict[str, int] = prefixes.get("jieba_counts", {})  # of the boosted words
        self._words: dict[str, list[str]] = {}


    def cut(self, text: str) -> list[str]:
        """Words for matching: search-mode cuts (long words and their parts), no spaces or punctuation."""
        return [w for w in self._jieba.cut_for_search(text) if _HAN_RUN.fullmatch(w) or w.isalnum()]

    def words(self, text: str) -> list[str]:
        """Plain cut without jieba's guessing of unknown words (HMM): in a short question a guessed
        word ('塔建' from '景观塔建在') is more often two words run together than a new term.
        A question is cut several times while it is read (aliases, places, typos): remembered."""
        cached = self._words.get(text)
        if cached is None:
            cached = [w for w in self._jieba.cut(text, HMM=False) if w.strip()]
            if len(self._words) > 4096:
                self._words.clear()
            self._words[text] = cached
        return list(cached)

    def boundaries(self, text: str) -> set[int]:
        """Offsets in the text where a word starts or ends (the plain cut, spaces included)."""
        bounds = {0, len(text)}
        for _word, start, end in self._jieba.tokenize(text, HMM=False):
            bounds.update((start, end))
        return bounds

    def freq(self, word: str) -> int:
        """jieba's count of the word (0: not a word jieba knows)."""
        return self._jieba_counts.get(word) or self._freq.get(word, 0)

    def is_place(self, word: str) -> bool:
        return self.tags.get(word) == "ns"

    def is_verb(self, word: str) -> bool:
        """A verb in jieba's dictionary, also with an aspect ending or a 新/再 before it ('养着',
        '修了', '新装')."""
        return self.tags.get(self.verb_stem(word)) == "v"

    def verb_stem(self, word: str) -> str:
        """'养着' -> 养, '新装' -> 装, '修了' -> 修, '装好' -> 装; any other word as it is."""
        if self.tags.get(word) == "v":
            return word
        stem = word.rstrip("了着过")
        if len(stem) == 2 and stem[1] in "好完出到上掉起" and self.tags.get(stem[0]) == "v":
            return stem[0]  # a verb and its result: '装好', '修完', '造出', '领到'
        return stem[1:] if len(stem) == 2 and stem[0] in "新再又多" else stem
