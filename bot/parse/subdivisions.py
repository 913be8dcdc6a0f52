"""The towns and streets a report names (湖坊镇, 上海路街道, 进化镇): words of the report that
a question cuts whole, though their first part may be a word of its own (进化, evolve)."""

from __future__ import annotations

import re
from collections import Counter

# A name of two or three characters and its 镇 or 街道, where a word starts: after punctuation,
# after 其中 or a joining 和/及/与.
_NAMED = re.compile(r"(?:(?<=[^\u4e00-\u9fff])|^|(?<=其中)|(?<=[和及与]))([\u4e00-\u9fff]{2,3}?(?:镇|街道))")
# '特色小镇', '各乡镇', '新型城镇', '重点镇': kinds of town, not names.
_KIND_END = set("小古城乡村集全各")
_KIND_WORDS = {"重点", "中心", "特色", "示范", "各个", "所有", "建制", "重要", "历史", "文化", "美丽", "森林", "卫生"}
# Where a town is, or what is done to it ('南部镇乡', '实现镇街全覆盖', '推动乌镇…'): no part of a name.
_NOT_A_NAME_START = {"南部", "北部", "东部", "西部", "中部", "实现", "推动", "推进", "加快", "建设", "打造", "沿线", "周边", "所在", "全面"}


def subdivision_names(texts: list[str]) -> list[str]:
    """Names said twice or more, or listed with another name ('进化镇、楼塔镇')."""
    counts: Counter = Counter()
    listed: set[str] = set()
    for text in texts:
        found = [m for m in _NAMED.finditer(text)]
        for m in found:
            name = m.group(1)
            stem = name[:-2] if name.endswith("街道") else name[:-1]
            if stem[-1] in _KIND_END or stem in _KIND_WORDS or stem[:2] in _NOT_A_NAME_START or "乡镇" in name or "城镇" in name:
                continue
            counts[name] += 1
            if text[m.end():m.end() + 1] == "、" or text[m.start() - 1:m.start()] == "、":
                listed.add(name)
    return sorted(name for name, n in counts.items() if n >= 2 or name in listed)
