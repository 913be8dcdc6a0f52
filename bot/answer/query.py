"""What a question asks: its normalised text, the year meant, whether a term is being explained,
whether a number is wanted, the report meant, and its content words grouped with their aliases."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.knowledge.curated import is_phrase_pattern, phrase_parts
from bot.answer.knowledge_base import KnowledgeBase, ReportInfo, match_form
from bot.language.english import english_tokens, stem
from bot.language.normalize import is_traditional, normalize
from bot.language.thesaurus import related_words
from bot.language.tokenizer import STOPWORDS

GREETING = re.compile(
    r"^(你好|您好|hi|hello|hey|嗨|哈喽|在吗|在不在|早上好|下午好|晚上好|早|早安|晚安|谢谢|多谢|谢啦|感谢|thanks|thank you|thx|"
    r"好的|好|ok|okay|嗯|哦|再见|拜拜|bye|/?help|帮助|你是谁|你能做什么|你会什么|怎么用|使用说明)[\s!!。.~～?？了啊呀呢吧]*$",
    re.I,
)
_PAST = re.compile(r"去年|上年|上一年|过去一年|前一年|2021年以来|一年来|完成了|实现了|达到了|取得了|已经|已")
_PLAN = re.compile(r"今年|本年|明年|计划|目标|力争|打算|预计|预期|将要|准备|要|争取|确保|安排|任务|会不会|target|goal|\bplan|\bwill\b|this year")
_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?:年|\b)")
_DEFINE = [
    re.compile(r"^(?:什么是|何为|何谓|啥是|解释一下|解释|说说|介绍一下|介绍)(?P<t>.+?)[??]*$"),
    re.compile(r"^(?P<t>.+?)(?:是什么意思|什么意思|啥意思|是啥意思|是什么|是啥|指什么|指的是什么|是指什么|具体指什么|"
               r"怎么理解|如何理解|的意思|的含义|含义|的定义|的解释|具体是什么|是哪些|是哪几个|有哪些内容)"),
    re.compile(r"^(?:what does|what is|what's|meaning of|define|explain)\s+(?P<t>.+?)(?:\s+mean|\s+means)?[\s??]*$", re.I),
]
_QUANTITY = re.compile(r"多少|(?<!哪)几|目标|水平|多快|多浓|(?<![a-z])gdp(?![a-z])|number of|amount|(?<![a-z])rate(?![a-z])|growth|(?<![a-z])total(?![a-z])|百分之|比重|比例|增长|增速|增幅|下降|率|总额|总量|规模|金额|数量|how many|how much|多大|多高|多长|多远|排名|第几")
SPAN = re.compile(r"五年|年均|平均每年|每年平均|十[一二三四]五|这几年|近几年|历年|累计|five years|5 years|cumulative|annual average|average annual|on average (?:each|per|a) year")
_LIST = re.compile(r"哪些|哪几|哪个|哪三|哪两|哪四|哪五|哪六|分别是|包括|包含|有什么|是什么(?!时候|时间)|什么(?!时候|时间|意思)|名单|列举|哪家|哪里|哪儿|谁")


# Words that ask for a date ('在哪一天'): read into the units asked, not words to look for.
_WHEN_WORDS = r"哪一天|哪天|哪一年|哪年|什么时候|何时|几月几[日号]|哪个月"
_WHEN_ASKED = re.compile(_WHEN_WORDS)

_UNIT_QUESTIONS = [
    ("percent", re.compile(r"增长[^,,。?]{0,6}?(?:多少|几)|增长目标|增速目标|增幅|增速|增长率|百分之|投入强度|经费强度|百分比|比重|比例|占比|[^\W\d]率|下降了?多少|提高了?多少|降了?多少|几个点|多少个点|"
                           r"what share|percentage|proportion|how fast|growth rate|rate of growth|by how much|at what rate")),
    ("money", re.compile(r"多少钱|几块钱|钱|金额|资金|多少元|几元|多少万元|多少亿|工资|补贴|贷款|授信|费用|经费|花了|花费|税收|支出|"
                         r"[^\W\d_](?<!名)额(?!度)|总投资|投资额|总值|产值|增加值|(?<![a-z])gdp(?![a-z])|收入|损失|how much money|amount|revenue|value of|income|\byuan\b")),
    ("length", re.compile(r"多长|多远|多高|几米|多少米|几公里|多少公里|长度|高度|how many (?:kilomet|km\b|met(?:er|re)s)")),
    ("area", re.compile(r"多大面积|面积|多少平方|几平方|多少亩|几亩|square (?:kilomet|met)|hectares|how many mu\b|how much land")),
    ("people", re.compile(r"多少万?人|几万?人|几个人|人数|多少名|多少人次|几名|人口[^率]{0,4}(?:多少|几)|population|how many people")),
    ("rank", re.compile(r"第几|排名|排第|名次|排在|(?<!安)排多少|位次|(?<!安)排几")),  # 安排多少 is no rank
    ("date", re.compile(_WHEN_WORDS + r"|几号|什么时间|when")),
    ("size", re.compile(r"(?<!面积)有?多大(?!年纪|岁|面积)|规模多大|多大规模|how large|how big")),
]
# Facts about a person or an office that no work report gives: where someone is from, an
# address, a phone number, opening hours.
_PERSON_FACTS = re.compile(r"哪里人|哪儿人|籍贯|老家|年龄|几岁|多大年纪|多少岁|出生|生日|学历|毕业于|简历|家人|工资多少|电话|手机号|"
                           r"地址|在哪里?办公|办公地点|在哪儿|怎么走|邮编|网址|官网|上班时间|几点上班|几点下班")
# '平均能活到多少岁': an age asked of everyone (life expectancy), not of a person.
_POPULATION_AGE = re.compile(r"平均|人均|预期寿命|寿命|能活|活到")
_ASKS_QUANTITY = re.compile(r"多少|(?<!哪)几(?!乎)|百分之几|多大|多高|多长|多远|多快|多浓|how many|how much|哪天|哪一天|什么时候|何时|几号|哪年|"
                            r"population|how large|how big|how long|how fast|growth rate|rate of growth|grow by|grew by|\bamount\b|\bnumber of\b|\bvalue of\b")
_MEASURE_QUESTION = re.compile(r"(?:几|多少)(家|处|条|场|所|栋|幢|台|部|辆|件|项|次|户|座|亩|株|棵|盏|套|宗|批|剂次|起|万?株|万?吨|张|列|趟|头|只|艘|度|天|个)")


_TARGET = re.compile(r"目标|预期|计划|打算|力争|target|goal")
_MONEY_SAID = re.compile(r"多少钱|几块钱|多少元|几元|多少万元|多少亿|亿元|万元")


# 'How many new energy vehicles…': the thing an English question counts says its measure word,
# as 几辆 does. A few words may stand between ('how many new energy vehicles').
_ENGLISH_MEASURES = [(unit, re.compile(words)) for unit, words in (
    ("辆", r"vehicles?|cars?|buses|trucks?|taxis?"), ("户", r"households?|families"), ("张", r"beds?"),
    ("所", r"schools?|kindergartens?"), ("台", r"elevators?|lifts?"), ("家", r"enterprises?|companies|firms?"),
    ("吨", r"tonnes?|tons?"), ("亩", r"mu"), ("株", r"trees?|saplings?"),
)]
_ENGLISH_COUNTED = re.compile(r"how many (?:[a-z-]+ ){0,3}?(%s)\b" % "|".join(p.pattern for _u, p in _ENGLISH_MEASURES))


def expected_units(text: str) -> tuple[str, ...]:
    """The kinds of number a question asks for (one for each thing it asks: '多少宗、多少亩'),
    so a passage whose numbers are of another kind ('吴齐美术馆总投资多少' answered with
    '城市书房2所') does not pass for an answer."""
    kinds = [kind for kind, pattern in _UNIT_QUESTIONS if pattern.search(text)]
    if "percent" in kinds and "money" in kinds:
        kinds.remove("money")  # '收入增长多少' asks for the growth, not the income
    if "money" in kinds and _TARGET.search(text) and not _MONEY_SAID.search(text):
        # '地区生产总值的目标是多少': a target for an amount is most often a growth rate.
        kinds.append("percent")
    kinds += [m.group(1)[-1] for m in _MEASURE_QUESTION.finditer(text)]
    kinds += [unit for m in _ENGLISH_COUNTED.finditer(text) for unit, pattern in _ENGLISH_MEASURES if pattern.fullmatch(m.group(1))]
    return tuple(dict.fromkeys(kinds))


_MEASURE_GROUPS = [set("家所座处栋幢间"), set("人名"), {"人次"}, set("条"), set("户套"), set("台辆盏部"), set("件起项次宗批"),
                   {"列", "趟", "人次", "次"}, set("头只"), {"度"},  # 来了多少趟: visits, 人次
                   set("场"), {"株", "万株", "棵"}, {"亩"}, {"吨", "万吨"}, {"张"}]


@lru_cache(maxsize=4096)
def units_fit(kinds: tuple[str, ...] | str, units: frozenset) -> bool:
    """Does any number of these units answer any of the kinds asked? (Asked for each candidate
    passage of each question with a handful of distinct arguments: remembered.)"""
    if isinstance(kinds, tuple):
        return any(_unit_fits(kind, units) for kind in kinds)
    return _unit_fits(kinds, units)


def _unit_fits(kind: str, units: frozenset) -> bool:
    if kind == "天":
        # '优良天数有多少天': a count of days, not the share of them ('优良天数比例86.3%').
        return any(u in ("天", "个工作日", "工作日") for u in units)
    if kind != "date":
        # Spans of time ('压缩至15个工作日') count no things.
        units = frozenset(u for u in units if u not in ("年", "月", "日", "天", "个工作日", "工作日", "个月")) or frozenset()
    families = {
        "date": lambda u: u in ("月", "日", "年"),
        "percent": lambda u: u == "%",
        "money": lambda u: "元" in u or u in ("亿", "万"),  # '总投资1351亿的100个项目'

        "length": lambda u: u.endswith(("米", "公里")) and "平方" not in u,
        "area": lambda u: "平方" in u or u.endswith(("亩", "公顷")),
        "people": lambda u: u.endswith(("人", "人次", "名")),
        # '有多大' asks for a size in whatever unit measures the thing (亩, 万千瓦, 平方米).
        "size": lambda u: u != "%" and "元" not in u and u not in ("个", "家", "项"),
    }
    if kind in families:
        return any(families[kind](u) for u in units)
    # A measure word asks for a count of its kind of thing; people say 几家 of what the report
    # counts in 个, but not 几所 of what it counts in 户.
    group = next((g for g in _MEASURE_GROUPS if kind in g), None)
    if kind == "个" or group is None:
        # Any count, but no measure: '多少个口袋公园' is not answered by '面积在400至10000平方米'.
        return any(not families["percent"](u) and not families["money"](u) and not families["length"](u)
                   and not families["area"](u) and not u.endswith(_MEASURED_AMOUNTS) for u in units)
    if kind == "家" and any(u.lstrip("万亿") == "户" for u in units):
        return True  # '新开了多少家公司和小店': businesses are counted in 户 ('新增市场主体4.6万户')
    # '万头只' counts 头 and 只 together: it answers 几头 and 几只. A measure of amount (亩, 吨)
    # is not answered by a count in 个 ('西瓜新品种4个' for '种了多少亩').
    return any((b := u.lstrip("万亿")) in group or b == "个" and kind not in _AMOUNT_MEASURES
               or len(b) > 1 and set(b) <= group for u in units)


_AMOUNT_MEASURES = frozenset("亩 吨 度 辆 张 台 部".split())
_MEASURED_AMOUNTS = ("吨", "千瓦", "立方米", "微克/立方米", "千瓦时", "标箱")


@dataclass
class TermGroup:
    """One content word of the question with the words that count as saying it: the report's
    own word(s) for it (full credit) and the other aliases of that word (a little less)."""
    word: str
    alternatives: list[str]
    related: list[str] = field(default_factory=list)
    frame: bool = False  # a word that frames the question ('方式', '情况') more than it names a topic
    # Less than 1 for a word the reports never use (an everyday word that often paraphrases what
    # the report names otherwise: '旧楼' for 既有住宅): it must not outweigh the words that match.
    weight: float = 1.0
    # The report's words of the same thesaurus class ('救助' for 救济): they count for much less.
    loose: list[str] = field(default_factory=list)
    verb: bool = False  # an everyday verb ('盖', '养着'): weighs less, and names no clause to answer from
    site: bool = False  # the name of a particular site the report uses ('神农城'): a number is about it or not


@dataclass
class Query:
    raw: str
    text: str  # normalised, Simplified, lower-cased
    traditional: bool
    report: ReportInfo
    year: int | None = None  # the year meant, when the question says one
    explicit_year: int | None = None  # a year written out ('2023年')
    wants_plan: bool = False
    wants_past: bool = False
    wants_number: bool = False
    wants_list: bool = False
    wants_span: bool = False  # 过去五年, 年均, 这几年: a figure over several years
    define_term: str | None = None
    asks_quantity: bool = False  # an explicit 多少/几: only a number answers it
    asks_person: bool = False  # 哪里人, 年龄: facts about a person no work report gives
    units: tuple[str, ...] = ()  # the kinds of number asked for: money, percent, length, area, people, rank, date, or measure words
    greeting: bool = False
    raw_text: str = ""  # the normalised text before typo correction
    groups: list[TermGroup] = field(default_factory=list)
    foreign_places: list[str] = field(default_factory=list)
    corrections: list[tuple[str, str]] = field(default_factory=list)


# The words for a place of the report's level ('区里', '县里'): inside other words too (社区里).
_LEVEL_WORD = re.compile(r"^.里$")


def own_place_names(report: ReportInfo) -> list[str]:
    """How the report's own place is named: 南昌市西湖区, 南昌西湖区, 西湖区, 西湖, 全区, 本区, xihu."""
    if report.place_names:
        return report.place_names
    city_short = re.sub(r"[市州]$", "", report.city)
    district_short = re.sub(r"[区县市]$", "", report.district)
    names = {report.city + report.district, city_short + report.district, city_short + district_short,
             report.district, district_short, "全区", "本区", "我区", "该区", "区政府"}
    return sorted((n for n in names if n), key=len, reverse=True)


def routing_names(report: ReportInfo) -> list[str]:
    """The names that pick this report's place out of several: 西湖区, 西湖, 南昌市西湖区, xihu;
    not the level words every report of that level shares (全区, 本区, 区里)."""
    if not report.place_names:
        return [n for n in (report.district, re.sub(r"[区县]$", "", report.district)) if len(n) >= 2]
    if report.level == "national":  # 全国, 我国 name the one national report
        return [n for n in report.place_names if len(n) >= 2]
    return [n for n in report.place_names if len(n) >= 2 and not re.match(r"^[全本我该].$|^.(?:里|政府)$", n)]


def pick_report(kb: KnowledgeBase, text: str) -> ReportInfo:
    """The report a question means: the place it names (the longest name wins: 南昌市西湖区 over
    西湖), and the year it names (a report's own year, or the year it reviews when the question
    asks about the past); otherwise the newest report."""
    reports = sorted(kb.reports.values(), key=lambda r: r.id)
    if len(reports) == 1:
        return reports[0]
    matched = {r.id: max((len(n) for n in routing_names(r) if n in text), default=0) for r in reports}
    longest = max(matched.values())
    pool = [r for r in reports if longest and matched[r.id] == longest] or reports
    years = [int(y) for y in _YEAR.findall(text)]
    for year in years:
        dated = [r for r in pool if year in (r.year, r.review_year, r.plan_year)]
        if dated:
            pool = sorted(dated, key=lambda r: (r.review_year == year and bool(_PAST.search(text)), r.plan_year == year), reverse=True)[:1] or dated
            break
    return max(pool, key=lambda r: (r.year, r.id))


def _known_terms(kb: KnowledgeBase) -> dict[tuple[int, int, str], list[str]]:
    """Terms a typo may be meant for, by (length, 0 or -1, first or last character): a word one
    character away from a term shares its first or its last character with it."""
    table = getattr(kb, "_typo_table", None)
    if table is None:
        # Curated terms from 3 characters, other words of the report from 4: a three-character
        # word of everyday language is too often one character away from another real word.
        words = {w for w, tag in kb.tokenizer.tags.items() if (tag == "term" and len(w) >= 3) or 4 <= len(w) <= 8}
        words |= {f for note in kb.glossary for f in note.forms if 3 <= len(f) <= 8}
        # The report words of the curated aliases are terms too ('消费券' for '消废券').
        words |= {c for _a, c in kb.aliases if 3 <= len(c) <= 8 and not c.isascii()}
        # And the reports' own places ('浑男区' is 浑南区).
        words |= {n for r in kb.reports.values() for n in own_place_names(r) if 3 <= len(n) <= 8 and _HAN_ONLY.fullmatch(n)}
        corpus = " ".join(p.norm for p in kb.passages.values())
        words = {w for w in words if w in corpus}
        # The sayings of report words, as people type them ('小公圆' for 小公园, of 口袋公园).
        words |= {a for a, c in kb.aliases if 3 <= len(a) <= 8 and _HAN_ONLY.fullmatch(a) and c in corpus}
        table = {}
        for w in sorted(words):
            table.setdefault((len(w), 0, w[0]), []).append(w)
            table.setdefault((len(w), -1, w[-1]), []).append(w)
        kb._typo_table = table  # type: ignore[attr-defined]
    return table


def _plausible_typo(window: str, term: str) -> bool:
    """One character differs. Unless the term is long (8+), it must sound the same (财圆/财园,
    工成/工程): a different-sounding character is more often another word ('四个中' is not '四个一',
    '社零同比增长' is not '资同比增长', '商品房销售额' is not '商品房销售面')."""
    diffs = [(i, a, b) for i, (a, b) in enumerate(zip(window, term)) if a != b]
    if len(diffs) != 1:
        return False
    at, a, b = diffs[0]
    if len(term) >= 8 and 0 < at < len(term) - 1:
        # Inside a long phrase one character is a slip; at its edge the question simply goes on
        # in its own words ('春秋淹城旅游区门票' is not '春秋淹城旅游区等').
        return True
    from pypinyin import lazy_pinyin  # only when a candidate exists: the import costs ~0.2 s

    return lazy_pinyin(a) == lazy_pinyin(b)


MAX_TYPO_TEXT = 80
# Measures of two characters or more that a question asks in ('多少公里'), and where it asks them.
_UNIT_WORDS_ASKED = ("平方公里", "平方米", "立方米", "万千瓦", "公里", "公顷", "千瓦", "亿元", "万元", "人次", "标箱")
_UNIT_AFTER_COUNT = re.compile(r"(?:(?<=多少)|(?<=几)|(?<=[几多][十百千万]))[\u4e00-\u9fff]{2,4}")
MAX_GROUPS = 24  # a question has a handful of content words; more is pasted text
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]+")


# Patterns used while a question is read, compiled once at import: a one-off `reportbot ask`
# would otherwise compile each of them inside its answer time (the Han range alone ~0.7 ms).
_ASKING_LEAD = re.compile(r"^(请问|请|你好|那个|这个|所谓的?|报告里的?|报告中的?|文中的?)")
_ASKING_TAIL = re.compile(r"(到底|究竟|具体|又|都)$")
_HAN_RUN3 = re.compile(r"[\u4e00-\u9fff]{3,}")
_LAST_YEAR_SAID = re.compile(r"去年|上年|过去一年")
_LAST_YEAR = re.compile(r"去年|上年|上一年|过去一年|last year")
_THIS_YEAR = re.compile(r"今年|本年|this year")
_DIMENSION_ASKED = re.compile(r"多长|多宽|多大|多高|多远|多深|多重|多久|多浓")
_COUNT_ASKED = re.compile(r"(几|多少)(?:万|亿)?(?:个|家|所|座|条|项|人次|人|次|件|台|辆|栋|幢|户|亩|株|棵|盏|套|位|名|批|处|场|间|张|列|趟|"
                          r"头|只|艘|吨|对|管|部|根|平方公里|平方米|公里|公顷|千瓦时|千瓦|立方米|米|天|小时|个月|元|块钱?)")
_PUNCTUATION = re.compile(r"[\W_]+")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_VALUE_OF = re.compile(r"\bvalues? of\b|\b(?:by|at|as of) the end of\b|\bas of\b")  # '(by) the end of 2022' says when
# 'growth rate' asks a growth: the units read it (percent); 'rate' is no word of its own.
_GROWTH_RATE = re.compile(r"\b(?:growth|increase) rate\b|\brate of (?:growth|increase)\b", re.I)


def positions(text: str, word: str) -> list[int]:
    """Where the word starts in the text (str.find, not a regex compiled for each word)."""
    found, at = [], text.find(word)
    while at != -1:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def warm_up(kb: KnowledgeBase) -> None:
    """Build the lazy tables (typo terms, alias table, corpus bigrams, the thesaurus classes
    read for an unknown word, the English aliases' words) before the first user."""
    understand(kb, "暖机")
    _bigram_positions(kb, kb.corpus)
    _english_bags(kb)
    _english_alias_keys(kb)
    kb.build_indexes()


def _bigram_positions(kb: KnowledgeBase, corpus: str) -> dict[str, list[int]]:
    """Where each two-character string starts in the corpus: the typo search looks up its
    anchors here instead of scanning the whole report for each of them."""
    table = getattr(kb, "_bigrams", None)
    if table is None:
        table = {}
        for i in range(len(corpus) - 1):
            table.setdefault(corpus[i:i + 2], []).append(i)
        kb._bigrams = table  # type: ignore[attr-defined]
    return table


def _corpus_neighbour(kb: KnowledgeBase, corpus: str, window: str) -> str | None:
    """A phrase of the report one plausible character away from the window ('飘浮森林景观塔' ->
    '漂浮森林景观塔'), found through an exact half: the typo is in the other half."""
    bigrams = _bigram_positions(kb, corpus)
    half = len(window) // 2
    for anchor, offset in ((window[:half], 0), (window[half:], half)):
        for start in bigrams.get(anchor[:2], [])[:200]:
            if not corpus.startswith(anchor, start):
                continue
            begin = start - offset
            candidate = corpus[begin:begin + len(window)] if begin >= 0 else ""
            if len(candidate) == len(window) and _HAN_ONLY.fullmatch(candidate) and _plausible_typo(window, candidate):
                return candidate
    return None


# Words that name one side of a pair: a passage about the other side does not answer
# ('农村居民收入' is not '城镇居民收入', '预算支出' is not '预算收入').
CONTRASTS = [("收入", "支出"), ("农村", "城镇"), ("城镇居民", "全体居民"), ("农村居民", "全体居民"), ("进口", "出口"), ("城市", "农村"), ("上半年", "下半年"),
             ("男", "女"), ("增加", "减少"), ("新建", "拆除"), ("国有", "民营"),
             # Indicators named alike that measure different things.
             ("增加值", "产值"), ("销售额", "销售面积"), ("产量", "种植面积"), ("零售额", "零售总额"), ("存栏", "出栏"),
             ("医疗床位", "养老床位")]
# A word and a longer word that holds it and names another thing ('进出口' holds 出口): the
# question that asks the shorter is not answered where it is only said inside the longer.
HELD_CONTRASTS = [("出口", "进出口"), ("进口", "进出口"), ("出口额", "进出口额"), ("进口额", "进出口额"),
                  ("出口额", "进出口总额"), ("进口额", "进出口总额")]
_CONTRAST_WORDS = tuple(w for pair in CONTRASTS for w in pair if len(w) >= 2)


def correct_typos(kb: KnowledgeBase, text: str) -> tuple[str, list[tuple[str, str]]]:
    """Replace a run of 3-8 Han characters that is one plausible character away from a term or
    phrase of the report ('财圆信贷通' -> '财园信贷通', '飘浮森林' -> '漂浮森林'). The wrong character
    must sit in a word of the question that the report never uses: '西湖区地区' is not a typo of
    '西湖区低效', because '地区' is the report's own word."""
    corpus = kb.corpus
    terms = _known_terms(kb)
    fixes = []
    if len(text) > MAX_TYPO_TEXT:
        return text, fixes  # pasted text, not a typed question: the search is not worth its cost
    for m in _UNIT_AFTER_COUNT.finditer(text):
        # '修多少公理的路': the measure asked, misheard (公里).
        word = m.group(0)
        if any(word.startswith(u) for u in _UNIT_WORDS_ASKED):
            continue
        # Cheap tests first: the sound of a character is looked up only for a near spelling.
        unit = next((u for u in _UNIT_WORDS_ASKED if len(word) >= len(u) and (word[0] == u[0] or word[len(u) - 1] == u[-1])
                     and word[:len(u)] not in corpus and _plausible_typo(word[:len(u)], u)), None)
        if unit:
            fixes.append((word[:len(unit)], unit))
    for m in _HAN_RUN3.finditer(text):
        run = m.group(0)
        suspect = _unknown_positions(kb, corpus, run)
        if m.start() and text[m.start() - 1].isdigit():
            suspect.discard(0)  # the unit of a number ('2023年涧西…' is not '推动涧西…')
        if not suspect:
            continue
        contrast_spans = [(at, at + len(w)) for w in _CONTRAST_WORDS for at in positions(run, w)]
        i = 0
        while i < len(run):
            for size in range(min(8, len(run) - i), 2, -1):
                window = run[i:i + size]
                if not any(k in suspect for k in range(i, i + size)) or window in corpus:
                    continue
                if any(a < i + size and i < b for a, b in contrast_spans):
                    continue  # '农村居民…' is not a typo of '城镇居民…': one side of a pair is meant
                right = _term_neighbour(terms, window)
                if right is None and size >= 4:
                    right = _corpus_neighbour(kb, corpus, window)
                if right and all(i + k in suspect for k, (a, b) in enumerate(zip(window, right)) if a != b):
                    fixes.append((window, right))
                    i += size - 1
                    break
            i += 1
    for wrong, right in fixes:
        text = text.replace(wrong, right)
    return text, fixes


# '城里', '乡下', '村里': where, in everyday words ('江北城里' is not 江北城历史).
_WHERE_WORD = re.compile(r"^[城村乡镇区县市街][里上下头]$")


def _unknown_positions(kb: KnowledgeBase, corpus: str, run: str) -> set[int]:
    """Positions of the run inside words the report never uses (where a typo can hide). A typo
    often breaks a word into single characters ('胡子工成' -> 胡子/工/成): consecutive single
    characters that the report never writes together count as one unknown word."""
    positions, at = set(), 0
    singles: list[int] = []

    def flush() -> None:
        if len(singles) >= 2 and run[singles[0]:singles[-1] + 1] not in corpus:
            positions.update(singles)
        singles.clear()

    known = _alias_words(kb)
    for word in kb.tokenizer.words(run):
        if word in STOPWORDS or word in known or kb.tokenizer.is_place(word) or is_time_word(word) or _WHERE_WORD.match(word):
            # Everyday words ('什么', '多少'), alias words, place names ('青山湖区' is another
            # district, not a misspelling of ours) and time words ('南海去年' is not 南海区) are
            # meant as written.
            flush()
        elif len(word) == 1:
            singles.append(at)
        else:
            flush()
            if word not in corpus:
                positions.update(range(at, at + len(word)))
        at += len(word)
    flush()
    return positions


def _term_neighbour(terms: dict, window: str) -> str | None:
    same_length = terms.get((len(window), 0, window[0]), []) + terms.get((len(window), -1, window[-1]), [])
    hit = process.extractOne(window, same_length, scorer=Levenshtein.distance, score_cutoff=1) if same_length else None
    return hit[0] if hit and _plausible_typo(window, hit[0]) else None


def _define_term(text: str) -> str | None:
    for pattern in _DEFINE:
        if m := pattern.search(text):
            term = m.group("t").strip(" “”\"'「」『』《》?？,，")
            term = _ASKING_LEAD.sub("", term)
            term = _ASKING_TAIL.sub("", term)
            if 1 <= len(term) <= (60 if term.isascii() else 20):
                return term
    return None


def _siblings(kb: KnowledgeBase) -> dict[str, list[str]]:
    """{canonical: [its aliases]}: a report word is also found under the other names it goes by."""
    table = getattr(kb, "_siblings", None)
    if table is None:
        table = {}
        for alias, canonical in kb.aliases:
            table.setdefault(canonical, []).append(alias)
        kb._siblings = table  # type: ignore[attr-defined]
    return table


def _alias_words(kb: KnowledgeBase) -> set[str]:
    words = getattr(kb, "_alias_words", None)
    if words is None:
        words = kb._alias_words = {alias for alias, _canonicals in _alias_table(kb)}  # type: ignore[attr-defined]
    return words


def _aspect_variants(kb: KnowledgeBase, alias: str) -> list[str]:
    """'找到工作' also as '找到了工作', '买东西' as '买了东西': a verb and its object said with the
    aspect ending between them."""
    if len(alias) < 3 or not _HAN_ONLY.fullmatch(alias) or "了" in alias:
        return []
    for size in (2, 1):
        verb = alias[:size]
        if len(alias) - size >= 2 and kb.tokenizer.tags.get(verb) == "v":
            return [verb + "了" + alias[size:]]
    return []


def _english_variants(alias: str) -> list[str]:
    """'old communities' also as 'old community', 'charging shed' as 'charging sheds': an English
    alias written in one number matches the other."""
    if not alias.isascii() or not alias[-1:].isalpha():
        return []
    head, _, last = alias.rpartition(" ")
    head = head + " " if head else ""
    if last.endswith("ies") and len(last) > 4:
        return [head + last[:-3] + "y"]
    if last.endswith("s") and not last.endswith("ss") and len(last) > 3:
        return [head + last[:-1]]
    if last.endswith("y") and len(last) > 3 and last[-2] not in "aeiou":
        return [head + last[:-1] + "ies"]
    return [head + last + "s"]


def _alias_table(kb: KnowledgeBase) -> list[tuple[str, list[str]]]:
    """(word, [canonical, ...]) for every alias and every canonical word itself, longest first:
    the report's own word wins, and an alias may stand for several report words (拆迁: 房屋征收, 征迁)."""
    table = getattr(kb, "_alias_table", None)
    if table is None:
        by_word: dict[str, list[str]] = {}
        for alias, canonical in kb.aliases:
            for form in [alias] + _english_variants(alias) + _aspect_variants(kb, alias):
                if canonical not in by_word.setdefault(form, []):
                    by_word[form].append(canonical)
        for _alias, canonical in kb.aliases:
            by_word.setdefault(canonical, [])
            if canonical not in by_word[canonical]:
                by_word[canonical].insert(0, canonical)
        for canonical in sorted({c for _a, c in kb.aliases}):
            head = _named_head(kb, canonical)
            if head and head not in by_word and canonical in kb.corpus:
                by_word[head] = [canonical]
        table = kb._alias_table = sorted(by_word.items(), key=lambda a: (-len(a[0]), a[0]))  # type: ignore[attr-defined]
    return table


def _kin(kb: KnowledgeBase) -> dict[str, list[str]]:
    table = kb.__dict__.get("_kin")
    if table is None:
        table = kb.__dict__["_kin"] = _kin_terms(list(kb.aliases) + list(kb.phrases))
    return table


def _alias_canonicals(kb: KnowledgeBase, alias: str) -> list[str]:
    return _with_kin(kb, _alias_table(kb)[_alias_order(kb)[alias]][1]) if alias in _alias_order(kb) else []


def _with_kin(kb: KnowledgeBase, canonicals: list[str]) -> list[str]:
    """An alias's report words, and where the report uses none of them, their kin it does use.
    Found when an alias is said, not for the whole table at start-up (a search of the report
    for each of a thousand words)."""
    memo = kb.__dict__.setdefault("_with_kin", {})
    key = tuple(canonicals)
    if key not in memo:
        found = list(canonicals)
        if canonicals and not any(c in kb.corpus for c in canonicals):
            kin = [k for c in canonicals for k in _kin(kb).get(c, ())]
            found += [k for k in kin if k in kb.corpus and k not in found]
            if len(found) == len(canonicals):
                # Nor their kin: the report's name among the kin's other names ('长者食堂' for
                # 老年食堂, kin of 助餐点), three characters or more.
                siblings = _siblings(kb)
                found += [s for c in canonicals + kin for s in siblings.get(c, ())
                          if len(s) >= 3 and not s.isascii() and s in kb.corpus and s not in found]
        memo[key] = found
    return memo[key]


def _kin_terms(aliases) -> dict[str, list[str]]:
    """{report word: the other report words people say the same way}: two canonicals that share
    a saying of three characters or more, or a phrase pattern (给老人吃饭 for both 老年食堂 and
    助餐点), name the same thing in different reports. A saying whose report word this report
    does not use is read as its kin this report does use. Short sayings (开了, 修了, 补) are
    verbs shared by unrelated words and make no kin."""
    by_saying: dict[str, list[str]] = {}
    for alias, canonical in aliases:
        if (len(alias) >= 3 or is_phrase_pattern(alias)) and canonical not in by_saying.get(alias, ()):
            by_saying.setdefault(alias, []).append(canonical)
    kin: dict[str, list[str]] = {}
    for canonicals in by_saying.values():
        for canonical in canonicals:
            for other in canonicals:
                if other != canonical and other not in kin.setdefault(canonical, []):
                    kin[canonical].append(other)
    return kin


COMMON_TAIL_FREQ = 1000  # '改造', '工程', '服务': words that end many terms


def _named_head(kb: KnowledgeBase, term: str) -> str | None:
    """The name in a term made of a name and a common word ('适老化' of 适老化改造): people
    say the name with their own word ('适老化改装'), which jieba would cut 适/老化/改装."""
    if not term.isascii() and len(term) >= 5:
        for k in range(len(term) - 2, 2, -1):
            if kb.tokenizer.freq(term[k:]) >= COMMON_TAIL_FREQ:
                return term[:k]
    return None


def _said_tail(kb: KnowledgeBase, text: str, alias: str, canonicals: list[str]) -> str | None:
    """For the name of a term said alone ('适老化' of 适老化改造): the person's own word for the
    term's tail that follows it ('改装', '装修'), to be read as part of the term; '' when none
    follows; None when the name and the word that follows make another term the report uses
    ('一般公共预算支出' is not 一般公共预算收入)."""
    canonical = canonicals[0] if canonicals else ""
    if not canonical.startswith(alias) or _named_head(kb, canonical) != alias:
        return ""  # an alias of its own ('新能源' for 新能源汽车), not a term's name said alone
    at = text.find(alias) + len(alias)
    following = kb.tokenizer.words(text[at:at + 4])
    said = following[0] if following else ""
    tail = canonical[len(alias):]
    if len(said) != 2 or said == tail[:len(said)]:
        return ""
    if alias + said in kb.corpus:
        return None  # the report's own other term
    if set(said) & set(tail) or kb.tokenizer.is_verb(said):
        return said
    return ""


def _aliases_present(kb: KnowledgeBase, text: str) -> set[str]:
    """The aliases that occur in the text, found from each position's first character
    instead of searching the text for each of several hundred aliases."""
    by_first = getattr(kb, "_alias_by_first", None)
    if by_first is None:
        by_first = {}
        for alias, _canonicals in _alias_table(kb):
            by_first.setdefault(alias[0], []).append(alias)
        kb._alias_by_first = by_first  # type: ignore[attr-defined]
    return {alias for i, char in enumerate(text) for alias in by_first.get(char, ()) if text.startswith(alias, i)}


def _apply_aliases(kb: KnowledgeBase, text: str) -> tuple[str, dict[str, list[str]]]:
    """Mark every alias in the text (longest first, no overlaps); return the text with aliases
    replaced by the report's words, and {alias: [canonical, ...]}."""
    found: dict[str, list[str]] = {}
    taken = [False] * len(text)
    # A Chinese alias must not cut a word of the question in two: '建了' is not in '新建了'.
    bounds = kb.tokenizer.boundaries(text)
    present = _aliases_present(kb, text)
    table = _alias_table(kb)
    order = _alias_order(kb)
    # The aliases present, in the table's order (longest first): a handful, not the whole table.
    for alias, canonicals in (table[order[a]] for a in sorted(present, key=order.__getitem__)):
        start = text.find(alias)
        while start != -1:
            end = start + len(alias)
            free = not any(taken[start:end])
            # ASCII aliases match whole words only ('gdp' not inside 'gdpr').
            if alias.isascii():
                whole = (not (start and text[start - 1].isascii() and text[start - 1].isalnum())
                         and not (end < len(text) and text[end].isascii() and text[end].isalnum()))
            else:
                whole = start in bounds and end in bounds
            if free and whole:
                found[alias] = _with_kin(kb, canonicals)
                taken[start:end] = [True] * len(alias)
            start = text.find(alias, start + 1)
    rewritten = text
    for alias in sorted(found, key=len, reverse=True):
        rewritten = rewritten.replace(alias, found[alias][0])
    return rewritten, found


_SHORT_YEAR = re.compile(r"(?<![\d.])(1[5-9]|2\d|3[0-5])年(?![来间内以代底初中多])")


def expand_short_years(text: str) -> str:
    """'22年' in a question is 2022 ('30年来' and '22年间' are spans, left alone)."""
    return _SHORT_YEAR.sub(lambda m: f"20{m.group(1)}年", text)


# '2023年政府工作报告中,2022年…': the year of the report asked, not the year asked about.
_REPORT_NAMED = re.compile(r"(?<!\d)(20\d\d)\s*年?(?:的|度)?\s*(?:(?:\S{0,8}?)(?:人民)?政府)?(?:工作)?报告(?:中|里|上|显示|提到|说)?"
                           r"|(?<!\d)(20\d\d)(?:'s)?\s+(?:government\s+)?work\s+report")


# At most this many characters between the parts of a phrase pattern ('孩子读书的位子', '托小孩的
# 地方能多出多少个名额'), within a clause; spaces included (where the question named its place or
# '多长', or asked '多少个', spaces are left).
PHRASE_GAP_CHARS = 10
_PHRASE_GAP = r"[^,.?!;:，。？！；：、]{0,%d}?" % PHRASE_GAP_CHARS


def _phrase_table(kb: KnowledgeBase) -> list[tuple[re.Pattern, str, re.Pattern, re.Pattern, re.Pattern]]:
    """(compiled pattern, report word, its last part again, any of its parts, its first part said
    right before) for the phrase patterns whose report word this report uses; of one pattern's
    several report words, the first the report uses."""
    table = getattr(kb, "_phrase_table", None)
    if table is None:
        canonicals: dict[str, list[str]] = {}
        for pattern, canonical in kb.phrases:
            canonicals.setdefault(pattern, []).append(canonical)
        table = []
        for pattern, words in canonicals.items():
            used = next((c for c in words if c in kb.corpus), None)
            if used is None:  # a report word said the same way ('停车位': this report writes 泊位)
                used = next((k for c in words for k in _kin(kb).get(c, ()) if k in kb.corpus), None)
            if used is None:
                continue
            parts = ["(" + "|".join(re.escape(w) for w in sorted(alts, key=len, reverse=True)) + ")"
                     for alts in phrase_parts(pattern)]
            # The last part said again a little further on ('老人吃饭的食堂') belongs to the same phrase.
            table.append((re.compile(_PHRASE_GAP.join(parts)), used, re.compile(_PHRASE_GAP + parts[-1]),
                          re.compile("|".join(parts)), re.compile(parts[0] + "的?$")))
        kb._phrase_table = table  # type: ignore[attr-defined]
    return table


def _apply_phrases(kb: KnowledgeBase, text: str) -> str:
    """'孩子读书的位子' -> '孩子的学位': the parts of a phrase pattern said in order, a few
    characters apart and not inside a longer word, become its report word where the last part
    was said; what stands between them stays (it may hold the 多少个 of the question)."""
    table = _phrase_table(kb)
    if not table:
        return text
    bounds = said = None
    for compiled, canonical, last_again, any_part, first_before in table:
        if canonical in text:
            continue
        for m in compiled.finditer(text):
            if bounds is None:
                bounds = kb.tokenizer.boundaries(text)
                said = [(i, i + len(a)) for a in _aliases_present(kb, text) for i in positions(text, a)]
            # Each part a word of its own, or said right after the one before ('受益' for 受…益):
            # '交了多少套回迁房' does not end in the part 房.
            if m.end() not in bounds or any(m.start(i) not in bounds and m.start(i) != m.end(i - 1)
                                            for i in range(1, len(m.groups()) + 1)):
                continue
            end, further = m.end(), last_again.match(text, m.end())
            if further and further.end() in bounds:
                end = further.end()
            last = len(m.groups())
            # An alias whose last character is the pattern's last part names the thing more
            # exactly ('交了多少套回迁房': 回迁房, not any 房): the pattern says only the rest.
            named = [(i, j) for i, j in said if m.end(last - 1) <= i < m.start(last) and j == m.end()]
            if named:
                i, _j = named[0]
                text, bounds = text[:m.start()] + text[m.end(1):i] + canonical + " " + text[i:], None
                break
            # An alias said word for word, reaching past what the pattern matched, says it more
            # exactly ('给老人吃饭' is 老年食堂 where the pattern takes 助餐点; '汽车充电' is
            # 充电桩). One inside the match says less ('小公园' of '巴掌大的小公园').
            across = [(i, j) for i, j in said if i < m.end() and m.start() < j and not (m.start() <= i and j <= m.end())]
            start, word = m.start(), canonical
            if across:
                # Unless that alias is said for the same thing and ends inside the match: '给老人吃饭
                # 的食堂' is one 助餐点, from the alias's first character to the pattern's last.
                same = {canonical, *_kin(kb).get(canonical, ())}
                if not all(j <= m.end() and set(_alias_canonicals(kb, text[i:j])) <= same for i, j in across):
                    break
                start = min(i for i, _j in across)
                # The alias's own report word, where this report uses it, says it more exactly.
                word = next((c for i, j in across for c in _alias_canonicals(kb, text[i:j]) if c in kb.corpus), canonical)
            # The first part said just before in other words ('带娃的托儿所…位子') is the same phrase.
            before = first_before.search(text, 0, start)
            if before and before.start() in bounds:
                start = before.start()
            pieces, at = [text[:start]], m.end(1)
            # Between the parts, a part said again ('乱搭乱盖的房子') is the same phrase, not more.
            for i in range(2, len(m.groups()) + 1):
                pieces.append(any_part.sub("", text[at:m.start(i)]))
                at = m.end(i)
            if further and end == further.end():
                pieces.append(any_part.sub("", text[at:further.start(1)]))
            text, bounds = "".join(pieces) + word + text[end:], None
            break
    return text


_ENGLISH_WORD = re.compile(r"[a-z][a-z'-]*")
# At most this many words from the first word of an English alias said in other words to its last.
ENGLISH_ALIAS_SPAN = 8


# Past forms that no ending rule reaches.
_IRREGULAR_PAST = {"spent": "spend", "built": "build", "sold": "sell", "grew": "grow", "grown": "grow", "made": "make",
                   "paid": "pay", "gave": "give", "given": "give", "held": "hold", "ran": "run", "bought": "buy",
                   "brought": "bring", "took": "take", "taken": "take", "won": "win", "set": "set", "put": "put"}


def _english_key(word: str) -> str:
    """'use', 'used' and 'using' alike; 'actually' and 'actual' alike; 'spent' and 'spend'."""
    key = stem(_IRREGULAR_PAST.get(word, word))
    if key.endswith("ly") and len(key) > 5:
        key = key[:-2]
    for ending in ("ing", "ed"):
        if key.endswith(ending) and len(key) - len(ending) >= 2:
            key = key[:-len(ending)]
            break
    return key.rstrip("e") if len(key) >= 3 else key


def _english_alias_keys(kb: KnowledgeBase) -> list[tuple[tuple[str, ...], str]]:
    """(content-word keys, alias) of the English aliases of two or more content words whose report
    word this report uses, most words first."""
    table = getattr(kb, "_english_alias_keys", None)
    if table is None:
        siblings = _siblings(kb)
        table = []
        for alias, canonicals in _alias_table(kb):
            if not alias.isascii() or " " not in alias:
                continue
            if not any(w in kb.corpus for c in canonicals for w in [c, *siblings.get(c, [])]):
                continue
            keys = tuple(dict.fromkeys(_english_key(w) for w in _ENGLISH_WORD.findall(alias) if w not in ENGLISH_STOPWORDS))
            if len(keys) >= 2:
                table.append((keys, alias))
        table.sort(key=lambda row: (-len(row[0]), row[1]))
        kb._english_alias_keys = table  # type: ignore[attr-defined]
    return table


def _gather_english_aliases(kb: KnowledgeBase, text: str) -> str:
    """'how much foreign capital did kaifu actually use' says the alias 'foreign capital actually
    used' in its own order and forms: its words are put together as the alias where the first
    of them stood, so that it is read as the report's word (实际使用外资)."""
    words = list(_ENGLISH_WORD.finditer(text))
    if len(words) < 2:
        return text
    keys = [_english_key(m.group(0)) for m in words]
    # The words of each alias said word for word: another alias takes them only all together,
    # with more ('foreign capital' in 'foreign capital … actually use').
    said = [{n for n, m in enumerate(words) if i <= m.start() and m.end() <= i + len(a)}
            for a in _aliases_present(kb, text) if a.isascii() for i in positions(text, a)]
    used: set[int] = set()
    edits: list[tuple[int, int, str]] = []
    for alias_keys, alias in _english_alias_keys(kb):
        if not set(alias_keys) <= set(keys):
            continue
        at = [next((i for i, k in enumerate(keys) if k == key and i not in used), -1) for key in alias_keys]
        if -1 in at or len(set(at)) < len(at) or max(at) - min(at) > ENGLISH_ALIAS_SPAN:
            continue
        overlapped = [group for group in said if group & set(at)]
        if any(not group <= set(at) for group in overlapped) or overlapped and set().union(*overlapped) == set(at):
            continue
        used.update(at)
        edits += [(words[i].start(), words[i].end(), alias if i == min(at) else "") for i in at]
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _alias_order(kb: KnowledgeBase) -> dict[str, int]:
    """{alias: its row in _alias_table}."""
    order = getattr(kb, "_alias_order", None)
    if order is None:
        order = kb._alias_order = {a: i for i, (a, _c) in reversed(list(enumerate(_alias_table(kb))))}  # type: ignore[attr-defined]
    return order


_LINKING_DE = re.compile(r"(?<=[\u4e00-\u9fff])的(?=[\u4e00-\u9fff])(?<!目的)(?!士|确)")


def _join_alias_across_de(kb: KnowledgeBase, text: str) -> str:
    """'上学的名额' is the alias '上学名额': a 的 is dropped when that makes an alias whole and
    no alias of the question already ends or starts beside it ('电动车充电的桩子' keeps its 的)."""
    for m in reversed(list(_LINKING_DE.finditer(text))):
        i = m.start()
        joined = text[:i] + text[i + 1:]
        present = _aliases_present(kb, text)
        if (_aliases_present(kb, joined) - present
                and not any(text.endswith(a, 0, i) or text.startswith(a, i + 1) for a in present)):
            text = joined
    return text


def report_named(text: str) -> tuple[int | None, str]:
    """(the year of the report a question names, the question without that name)."""
    m = _REPORT_NAMED.search(text)
    if m is None:
        return None, text
    return int(m.group(1) or m.group(2)), text[:m.start()] + " " + text[m.end():]


_CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_AGE_IN_WORDS = re.compile(r"([一二两三四五六七八九十]{1,3})(?=周?岁)")


def _age_in_digits(m: re.Match) -> str:
    words = m.group(1)
    digits = [_CHINESE_DIGITS.get(c) for c in words.replace("十", "")]
    if any(a is not None and b == a + 1 for a, b in zip(digits, digits[1:])):
        return ""  # '两三岁', '七八十岁': about that age, no one number to hold the report to
    if "十" in words:
        tens, _, ones = words.partition("十")
        return str(_CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(ones, 0) if tens or ones else 10)
    return "".join(str(_CHINESE_DIGITS[c]) for c in words)


def question_form(raw: str) -> str:
    """A question as it is matched and routed: normalised, in the match form, short years
    expanded, ages in digits as reports write them ('三岁以下' -> 3岁以下, '八十岁' -> 80岁), power
    units in Chinese ('多少MW' -> 多少兆瓦)."""
    text = _AGE_IN_WORDS.sub(_age_in_digits, expand_short_years(match_form(normalize(raw))))
    text = _ENGLISH_AMOUNT.sub(_amount_in_chinese, text)
    return _POWER_UNIT.sub(lambda m: _POWER_UNITS[m.group(1)], text)


# '100 million yuan', 'over 5 billion yuan': amounts as reports write them (亿元以上, 50亿元以上).
_ENGLISH_AMOUNT = re.compile(r"(?:\b(over|more than|above|at least|exceeding|upwards of)\s+)?(\d+(?:\.\d+)?)\s*"
                             r"(hundred million|million|billion|thousand)\s+(?:yuan|rmb|renminbi)\b")
_AMOUNT_SCALE = {"thousand": 1e3, "million": 1e6, "hundred million": 1e8, "billion": 1e9}


def _amount_in_chinese(m: re.Match) -> str:
    value = float(m.group(2)) * _AMOUNT_SCALE[m.group(3)]
    number, unit = (value / 1e8, "亿元") if value >= 1e8 else (value / 1e4, "万元")
    said = "" if number == 1 and unit == "亿元" else f"{number:g}"  # '亿元以上项目': one 亿 goes unsaid
    return f" {said}{unit}{'以上' if m.group(1) else ''} "


# '多少MW': the power units reports write in Chinese.
_POWER_UNITS = {"mw": "兆瓦", "kw": "千瓦", "gw": "吉瓦", "mwh": "兆瓦时", "kwh": "千瓦时"}
_POWER_UNIT = re.compile(r"(?<=[多少几\d])\s*(mwh|kwh|mw|kw|gw)(?![a-z])")


def understand(kb: KnowledgeBase, raw: str) -> Query:
    text = question_form(raw)
    report = pick_report(kb, text)
    q = Query(raw=raw, text=text, traditional=is_traditional(raw), report=report)
    q.raw_text = text  # before typo correction: '地址' must not become a report word first
    if not text or GREETING.match(text):
        q.greeting = True
        return q
    text, q.corrections = correct_typos(kb, text)
    q.text = text
    _named_year, text = report_named(text)

    if m := _YEAR.search(text):
        q.explicit_year = q.year = int(m.group(1))
    q.wants_past = bool(_PAST.search(text))
    q.wants_plan = bool(_PLAN.search(text)) and not _LAST_YEAR_SAID.search(text)
    if q.year is None:
        if _LAST_YEAR.search(text):
            q.year = report.review_year
        elif _THIS_YEAR.search(text):
            q.year = report.plan_year
    q.define_term = _define_term(text)
    if q.define_term and q.define_term.isascii():
        # 'what does beard project mean': the English of a report term (bot.language.english) names it.
        tokens = english_tokens(q.define_term)
        windows = [" ".join(tokens[i:i + n]) for n in range(min(len(tokens), 5), 0, -1) for i in range(len(tokens) - n + 1)]
        translated = next((kb.english[w] for w in windows if w in kb.english and (" " in w or len(tokens) == 1)), None)
        if translated:
            q.define_term = translated[0]
            q.text = f"{q.text} {translated[0]}"
    q.wants_number = bool(_QUANTITY.search(text))
    q.units = expected_units(text)
    q.asks_quantity = bool(_ASKS_QUANTITY.search(text))
    q.asks_person = bool(_PERSON_FACTS.search(q.raw_text)) and not _POPULATION_AGE.search(q.raw_text)
    q.wants_list = bool(_LIST.search(text))
    q.wants_span = bool(SPAN.search(text)) or len(set(_YEAR.findall(text))) >= 2  # '从2018年到2022年'

    stripped = text
    names = own_place_names(report)
    # A site named after the place ('濂溪墓园', '崂山风景区') keeps its name: the place is not stripped from it.
    kept = [site for site in site_names(kb, text) if any(n in site and n != site for n in names if len(n) >= 2)]
    for i, site in enumerate(kept):
        stripped = stripped.replace(site, f"\x00{i}\x00")
    for name in names:
        if _LEVEL_WORD.match(name) and name in stripped:
            # '区里' as a word ('今年区里新开'), not the end of 社区 ('社区里看病的地方').
            bounds = kb.tokenizer.boundaries(stripped)
            for at in reversed(positions(stripped, name)):
                if at in bounds:
                    stripped = stripped[:at] + " " + stripped[at + len(name):]
            continue
        stripped = stripped.replace(name, " ")
    for i, site in enumerate(kept):
        stripped = stripped.replace(f"\x00{i}\x00", site)
    stripped = _YEAR.sub(" ", stripped)
    # '有多大', '多长', '多少张(床)': read into the units asked, not words to look for.
    stripped = _DIMENSION_ASKED.sub(" ", stripped)
    stripped = _WHEN_ASKED.sub(" ", stripped)  # '在哪一天': a date asked, not 一天
    stripped = _COUNT_ASKED.sub(r" \1 ", stripped)
    stripped = _MORE_DONE.sub("新增", stripped)
    stripped = _gather_english_aliases(kb, _GROWTH_RATE.sub("growth", stripped))
    said_before = stripped
    stripped = _apply_phrases(kb, stripped)
    stripped = _join_alias_across_de(kb, stripped)
    rewritten, aliases = _apply_aliases(kb, stripped)
    words = kb.tokenizer.words(stripped)  # one cut for the three readings of places
    q.foreign_places = [w for w in words if _is_foreign_place(kb, w)] + _unknown_place_names(kb, words) \
        + _unknown_subdivisions(kb, stripped, words)
    q.groups = _groups(kb, stripped, aliases, q.asks_quantity, english_names(raw))[:MAX_GROUPS]
    q.groups = _merge_english_repeats(kb, q.groups)
    _add_phrase_kin(kb, q.groups, said_before, stripped)
    _frame_words_of_sayings(kb, q.groups)
    for g in q.groups:
        _add_verb_first_forms(kb, g)
        _add_verb_inside_forms(kb, g)
        _add_amount_heads(kb, g)
        _add_qualified_forms(kb, g)
    return q


RARE_IN_REPORT = 3


def _shares_a_word(a: str, b: str, size: int = 3) -> bool:
    return any(a[i:i + size] in b for i in range(len(a) - size + 1))


def _merge_english_repeats(kb: KnowledgeBase, groups: list[TermGroup]) -> list[TermGroup]:
    """'total foreign trade (import and export) value': English says one thing twice (外贸进出口,
    进出口总额); read as two things, a passage saying it once would seem to miss half the question."""
    merged: list[TermGroup] = []
    for g in groups:
        same = next((m for m in merged if g.word.isascii() and m.word.isascii() and not (g.frame or m.frame)
                     and not any(kb.tokenizer.is_verb(x.alternatives[0]) for x in (g, m) if x.alternatives)  # 'delivered' 交付
                     and any(_shares_a_word(a, b) for a in g.alternatives for b in m.alternatives
                             if not a.isascii() and not b.isascii())), None)
        if same is None:
            merged.append(g)
            continue
        same.alternatives += [a for a in g.alternatives if a not in same.alternatives]
        same.related += [r for r in g.related if r not in same.related]
        same.weight = max(same.weight, g.weight)
    return merged


def _frame_words_of_sayings(kb: KnowledgeBase, groups: list[TermGroup]) -> None:
    """A word the report never uses, said beside an alias, that another saying of the same thing
    holds ('免费看书的小书屋': 看书 of '免费看书的地方', said for 城市书房; '走不通的死头路': 不通 of
    '走不通的路') describes the thing again: it frames the question rather than adding what to
    look for. (The report's common words still count: '改造' beside 老旧小区.)"""
    sayings = [s for g in groups if g.alternatives != [g.word] for s in g.related if len(s) >= 3 and not s.isascii()]
    for g in groups:
        if not g.frame and not g.site and len(g.word) >= 2 and g.alternatives == [g.word] \
                and any(g.word in s for s in sayings) and kb.corpus.count(g.word) <= RARE_IN_REPORT:
            g.frame = True


def _add_phrase_kin(kb: KnowledgeBase, groups: list[TermGroup], before: str, after: str) -> None:
    """'给两三岁的小娃娃多腾出几个入托的名额': 入托…名额 is 托位, and 小娃娃 beside it is said in the
    words of that phrase's first part (带娃, 看小孩): it names who the 托位 are for, and a
    passage of 托位 says it."""
    applied = [(canonical, chars) for canonical, chars in _phrase_first_chars(kb).items()
               if canonical in after and canonical not in before]
    for g in groups:
        if g.word in (c for c, _chars in applied) or not _HAN_ONLY.fullmatch(g.word) or len(g.word) > 3:
            continue
        g.related += [c for c, chars in applied if set(g.word) <= chars and c not in g.related]


def _phrase_first_chars(kb: KnowledgeBase) -> dict[str, set[str]]:
    """{report word of a phrase pattern: the characters of its first part's words}."""
    table = kb.__dict__.get("_phrase_first_chars")
    if table is None:
        table = {}
        for pattern, canonical in kb.phrases:
            table.setdefault(canonical, set()).update("".join(phrase_parts(pattern)[0]))
        kb.__dict__["_phrase_first_chars"] = table
    return table


def _add_amount_heads(kb: KnowledgeBase, group: TermGroup) -> None:
    """An amount asked in English ('the value of exports': 出口额) is as often written as its head
    before the figure ('外贸出口1472.6亿元'): the head counts as the term. (A Chinese question that
    says 出口额 itself is left to it: '白茶出口额' is not 出口总额.)"""
    if not group.word.isascii():
        return
    for alt in list(group.alternatives):
        if len(alt) >= 3 and alt.endswith("额") and not alt.isascii() and alt[:-1] not in group.alternatives:
            group.alternatives.append(alt[:-1])


def _add_verb_first_forms(kb: KnowledgeBase, group: TermGroup) -> None:
    """A term that ends in its verb ('老旧小区改造', '背街小巷整治') is as often written verb first
    ('改造老旧小区86个'): the report's verb-first form counts as the term."""
    memo = kb.__dict__.setdefault("_verb_first", {})
    for alt in list(group.alternatives):
        if alt not in memo:  # a search of the whole report, once per term
            verb, turned = alt[-2:], alt[-2:] + alt[:-2]
            memo[alt] = turned if (len(alt) >= 5 and not alt.isascii() and kb.tokenizer.is_verb(verb)
                                   and kb.tokenizer.freq(alt[:-2]) > 0 and turned in kb.corpus) else None
        if memo[alt] and memo[alt] not in group.alternatives:
            group.alternatives.append(memo[alt])


def _add_qualified_forms(kb: KnowledgeBase, group: TermGroup) -> None:
    """A compound people say whole ('养老床位') is often written with a qualifier between its two
    words ('养老机构床位', '养老服务床位'): the report's forms count as saying it, a little less."""
    memo = kb.__dict__.setdefault("_qualified", {})
    for alt in list(group.alternatives):
        if alt not in memo:  # a search of the whole report, once per term
            memo[alt] = []
            if 4 <= len(alt) <= 6 and _HAN_ONLY.fullmatch(alt):
                cut = kb.tokenizer.words(alt)
                if len(cut) == 2 and min(map(len, cut)) >= 2:
                    head, tail = cut
                    found = re.findall(rf"{head}[\u4e00-\u9fff]{{1,3}}?{tail}", kb.corpus)
                    memo[alt] = sorted({f for f in found if f != alt and not kb.tokenizer.is_verb(f[len(head):-len(tail)])})
        group.related.extend(f for f in memo[alt] if f not in group.related and f not in group.alternatives)


# The heads of an indicator that a report may write after its verb ('数字经济核心产业实现增加值…',
# '全县完成工业总产值…'), and the verbs it writes between.
_AMOUNT_HEAD = re.compile(r"(增加值|总产值|产值|营业收入|销售收入|销售额|交易额|营收|产量|总收入|税收)$")
_VERB_BETWEEN = ("实现", "完成", "达到")


def _add_verb_inside_forms(kb: KnowledgeBase, group: TermGroup) -> None:
    """An indicator ('数字经济核心产业增加值') is as often written with its verb before the head
    ('数字经济核心产业实现增加值1454.5亿元'): the report's form counts as the term."""
    memo = kb.__dict__.setdefault("_verb_inside", {})
    for alt in list(group.alternatives):
        if alt not in memo:  # a few searches of the whole report, once per term
            m = _AMOUNT_HEAD.search(alt) if len(alt) >= 5 and not alt.isascii() else None
            memo[alt] = [form for verb in _VERB_BETWEEN if (form := alt[:m.start()] + verb + m.group(0)) in kb.corpus] \
                if m and m.start() >= 2 else []
        group.alternatives.extend(f for f in memo[alt] if f not in group.alternatives)


# '多摆了几张病床', '多建了几所': what was done more in the year is what the report calls 新增 (the
# person's verb is dropped: '新增添' would cut as 新/增添).
_MORE_DONE = re.compile(r"(?<![很更最好许至这那得太么])多(?![少大长高远久快重宽深个年次万亿元余种])([\u4e00-\u9fff])了")


FRAME_WORDS = frozenset("方式 方法 办法 措施 举措 内容 方面 做法 情况 成绩 成果 效果 进展 事情 东西 事 哪方面 工作 具体 报告 文件 帮忙 帮着 "
                        "主要 重点 有关 相关 荣誉 称号 地方 方向 思路 要求 安排 打算 政策 政府 人家 "
                        # The dimension asked ('多大面积'), read into the units; and the directions
                        # that complete a verb ('派下去').
                        "面积 长度 数量 人数 一片 一大片 一块 下去 下来 上去 上来 出来 出去 起来 进来 进去 过来 回来".split())
# An everyday verb counts for this much of its weight in a 多少/几 question: the thing counted
# and its unit say which number is asked; the verb people use for what was done (盖, 弄, 派,
# 养着) is mostly another word for the report's (建成, 选派, 存栏).
VERB_WEIGHT = 0.5
ENGLISH_STOPWORDS = frozenset(
    "a an the of is are was were be been what which who whom whose does do did mean means meaning how many much "
    "in on at for to and or by with from about according accord this that it its 's please tell me xihu district nanchang "
    "will would can could should has have had there their they we our you your did get got number amount "
    "year last this next 2021 2022 per plan planned planning target goal aim expect expected create created build "
    "built add added give given install installed achieve achieved reach reached set complete completed finish "
    "finished total overall policy project projects report hope hoping hoped aim aims aiming intend intends want unit units household households "
    "wants seek seeks strive strives expects share proportion percentage went go goes".split())
ENGLISH_STOPWORDS = ENGLISH_STOPWORDS | {stem(w) for w in ENGLISH_STOPWORDS}
# Words that ask for a kind of number ('多长', a measure word left alone by the cut): read into
# the units asked, not topics of their own.
_UNIT_WORDS = re.compile(r"^(?:多长|多宽|多大|多高|多远|多深|多重|多久|多快|多少钱|几块钱|[个家所座条项人次件台辆栋户亩株棵盏套位名批处场间米])$")
# Words that say when or how much is asked, already read into year / wants_plan / wants_number.
_TIME_WORDS = re.compile(r"^(来|到|去|跟着|去年|今年|明年|前年|上年|本年|全年|年内|过去一年|一年|当年|目前|现在|已经|已|共|总共|一共|加起来|合起来|加在一起|全|同比|为|了|要|会|"
                         r"截至|截止|截止到|截至到|到目前为止|为止|年底|年末|"
                         r"计划|目标|力争|打算|预期|预计|将|将要|准备|争取|"
                         r"(几|多少|多)[个家处人件场次条辆台部所栋户亩元项座名起批种盏套株位]?|百分之几|第几)$")
def is_time_word(word: str) -> bool:
    """Does the word say when or whether it is planned ('去年', '计划'), not what?"""
    return bool(_TIME_WORDS.match(word))


# Words jieba tags as places that name no particular place.
_GENERIC_PLACES = frozenset("东西 南北 城市 全国 全省 全市 地方 国家 中国 社区 街道 中心 城区 省内 市内 区域 区内 本地 当地 农村 乡镇 城乡 省市 市区 县区 "
                            "各地 沿江 周边 内地 海外 国外 国内 大街 街上 街头 马路 路边 路口 附近 市中心 城里 乡下 郊区 小区 景区 公园 "
                            "街角 巷口 巷尾 街口 村口 门口 楼下 巷子 胡同 街巷".split())


_NOT_IN_NAMES = set("了几的是在有和与及或就也都还要会将把被给对从向到个家位名多少吗呢")


# The parts a district or county is divided into: a question that names one the report never
# writes asks about a place the report says nothing of in particular.
_SUBDIVISION = ("街道", "镇", "乡")
_NOT_A_NAME = frozenset("我们 咱们 你们 他们 她们 这个 那个 哪个 每个 各个 本 各 全 每 该 某 这 那 哪".split())


def _unknown_subdivisions(kb: KnowledgeBase, text: str, words: list[str]) -> list[str]:
    """'大石坝街道', '湖塘镇': a 街道/镇/乡 named in the question (`words`, its cut) that the report
    never writes, where the report names its own (石马河街道): the report gives no figure of that
    one. Its first part is two or three characters of names, not '我们乡' or '2023年侯镇'."""
    names: list[str] = []
    if not any(s in text for s in _SUBDIVISION):
        return names  # most questions name none
    for i, word in enumerate(words):
        suffix = next((s for s in _SUBDIVISION if word.endswith(s)), None)
        if suffix is None:
            continue
        stem, j = word[:-len(suffix)], i - 1
        while len(stem) < 2 and j >= 0:
            w = words[j]
            if not _HAN_ONLY.fullmatch(w) or set(w) & _NOT_IN_NAMES or w in _NOT_A_NAME or is_time_word(w) \
                    or "年" in w or len(w) >= 2 and kb.tokenizer.is_verb(w):
                break
            stem, j = w + stem, j - 1
        name = stem + suffix
        if 2 <= len(stem) <= 3 and not set(stem) & _NOT_IN_NAMES and name not in kb.corpus \
                and _names_own_subdivisions(kb, suffix):
            names.append(name)
    return names


def _names_own_subdivisions(kb: KnowledgeBase, suffix: str) -> bool:
    """Does the report name its own 街道 (or 镇, 乡): two characters of a name before the word,
    not '各街道', '乡镇'?"""
    memo = kb.__dict__.setdefault("_names_own_subdivisions", {})
    if suffix not in memo:
        memo[suffix] = any(not set(m.group(1)) & (_NOT_IN_NAMES | set("各全乡城每本该村镇街、")) for m in
                           re.finditer(r"([\u4e00-\u9fff]{2})" + suffix, kb.corpus))
    return memo[suffix]


def _unknown_place_names(kb: KnowledgeBase, words: list[str]) -> list[str]:
    """A name jieba does not know falls apart into single characters ('红谷滩区' -> 红/谷/滩/区):
    three or more of them (of the question's words) ending in 区/县/市/省 that the report never
    writes are a place name."""
    corpus = kb.corpus
    names, run = [], ""
    for word in words + [""]:
        if len(word) == 1 and "\u4e00" <= word <= "\u9fff":
            run += word
            continue
        if len(run) >= 3 and run[-1] in "区县市省" and run not in corpus and not set(run) & _NOT_IN_NAMES:
            names.append(run)
        run = ""
    return names


def _is_foreign_place(kb: KnowledgeBase, word: str) -> bool:
    """A named place: jieba tags it a place and it is a 省/市/县/区 name or a well-known one
    (北京, 杭州); words like 城市 or 大街 name no place in particular. A name the report never
    uses that ends like one ('红谷滩区') is another place too."""
    if len(word) < 2 or word in _GENERIC_PLACES:
        return False
    if not kb.tokenizer.is_place(word):
        return False
    if word[-1] in "省市县区州":
        return True
    # '新建' is a place name too, but the report uses it as a verb: a word the report says
    # three times or more is one of its own words.
    return kb.tokenizer.freq(word) >= 500 and kb.corpus.count(word) < 3


def _groups(kb: KnowledgeBase, text: str, aliases: dict[str, list[str]], asks_quantity: bool = False,
            names: frozenset = frozenset()) -> list[TermGroup]:
    """Content words with their alternatives; an alias's words are one group with its canonical forms."""
    groups: list[TermGroup] = []
    rest = text
    siblings = _siblings(kb)
    for name in site_names(kb, rest):
        # '新马小学', '径山景区': a name the report uses is one word (not 新/马/小学, nor 径山 and
        # the alias 景区).
        rest = rest.replace(name, " ")
        groups.append(TermGroup(name, [name], site=True))
    for alias, canonicals in sorted(aliases.items(), key=lambda a: -len(a[0])):
        if alias in rest:
            said = _said_tail(kb, rest, alias, canonicals)
            if said is None:
                continue  # '一般公共预算支出': the name with another report word is another thing
            if alias.isascii() and not any(w in kb.corpus for c in canonicals for w in [c, *siblings.get(c, [])]):
                # English written for a word this report writes a little otherwise ('affordable
                # childcare places' for 普惠性托位, where it says 普惠托位) is read as the report's form.
                forms = [f for c in canonicals if (f := _report_form(kb, c))]
                if not forms:
                    # English written for a word this report does not use ('tourism revenue' for
                    # 旅游收入 where it says 旅游总收入): its words are translated one by one instead.
                    continue
                canonicals = forms
            if said:
                at = rest.find(alias) + len(alias)
                rest = rest[:at] + " " + rest[at + len(said):]
            rest = rest.replace(alias, " ")
            own = [c for c in dict.fromkeys(canonicals) if not _TIME_WORDS.match(c)]
            if not own:
                continue  # 'target' -> 目标: read as intent (wants_plan), not as a topic
            # Not one character: '路' is inside 路径, 路网 and 天津路.
            related = [w for c in own for w in siblings.get(c, []) if w not in own and len(w) > 1]
            if alias not in own and alias not in related and len(alias) > 1:
                related.insert(0, alias)
            if not any(c in kb.corpus for c in own):
                # The aliases were written for another report's word ('乔灌木 = 树'): in this one,
                # the forms it does use ('植树') are its words.
                present = [w for w in related if w in kb.corpus]
                if present:
                    own, related = present, [w for w in related if w not in present]
            loose = [] if any(w in kb.corpus for w in own + related) else _report_head(kb, alias)
            verb = asks_quantity and _everyday_verb(kb, alias, text)
            if verb:
                loose = loose + _report_make_verbs(kb, alias)
            groups.append(TermGroup(alias, own, related, weight=VERB_WEIGHT if verb else 1.0, verb=verb, loose=loose))
    for code in dict.fromkeys(CODE.findall(rest)):
        # 'pm2.5', 'pm10', '5g': one name, letters and digits together; 'pm' alone would find PM2.5
        # for PM10.
        rest = rest.replace(code, " ")
        groups.append(TermGroup(code, [code]))
    bagged, rest = _english_alias_bags(kb, rest)
    groups += bagged
    groups += _english_groups(kb, rest, names)
    others = _report_words(kb, text)
    for word in _recut(kb, _whole_unknown_runs(kb, rest, groups, others, asks_quantity)):
        word = word.strip()
        if (not word or word in STOPWORDS or _TIME_WORDS.match(word) or _PUNCTUATION.fullmatch(word)
                or _UNIT_WORDS.match(word) or _is_foreign_place(kb, word)):
            continue
        if word in ENGLISH_STOPWORDS:
            continue
        # An English word the aliases do not translate weighs little: English questions are
        # matched through the words the aliases do translate.
        # A word the reports never say, known only through the thesaurus, weighs less (Cilin's
        # groups are loose: 电动 sits with 活动); one the thesaurus does not know either keeps its
        # full weight: it is what the question is about ('下辖', '朝代').
        unknown = len(word) >= 2 and word not in kb.corpus
        if unknown and word[-1] in _SUFFIXES and (compound := _compound_of_parts(kb, word, others)):
            # '充电的桩子' -> 充电桩: the report's compound of another question word and this one's stem.
            groups.append(TermGroup(word, [compound], related=[word]))
            continue
        if unknown and len(word) >= 3 and (full := _shortened_from(kb, word)):
            # '卫生站' -> 社区卫生服务站's 卫生服务站: the report's word with characters left out.
            groups.append(TermGroup(word, [full], related=[word]))
            continue
        loose = (_loose_relatives(kb, word) or _report_head(kb, word)) if unknown else []
        weight = UNKNOWN_WEIGHT if unknown and kb.synonyms.get(word) else 1.0
        # A verb with its result ('找到饭碗') takes an object; it does not describe the noun after it.
        verb = asks_quantity and (_everyday_verb(kb, word, text) and (
            len(word) == 2 and word[1] in _RESULT_COMPLEMENTS or not _modifies_next(kb, text, word))
            or kb.tokenizer.is_verb(word) and _BEFORE_COUNT.match(text, text.find(word) + len(word)) is not None
            or _brings_out_before_count(word, text))
        if verb:
            weight *= VERB_WEIGHT
            loose = loose + _report_make_verbs(kb, word)
        # A place word that names no place ('城里', '路边') and that the report never says frames
        # the question: it is where, not what.
        frame = (word in FRAME_WORDS or word.isascii() and word.isalpha()
                 or word not in kb.corpus and (word in _GENERIC_PLACES or _LOCATIVE.fullmatch(word)))
        related = _SETTINGS.get(word, []) if frame else kb.synonyms.get(word, [])[:8]
        groups.append(TermGroup(word, [word], related=related, frame=frame, weight=weight,
                                loose=loose, verb=verb))
    return groups


# How the names of particular places and institutions end ('东林寺景区', '莲花洞', '工业遗产街',
# '新马小学', '神农城'): a figure said of one of them is not the whole place's.
SITE_SUFFIX = re.compile(r"(?:景区|寺|山|湖|园|洞|馆|街|街道|村|镇|乡|公园|广场|大厦|片区|园区|港|湾|岛|古镇|遗址|小学|中学|产业园|工业园|科技园|"
                         r"学校|医院|城)$")
# Kinds of place that end as names do, but name no particular one ('城中村拆迁的人家').
KIND_NOT_NAME = frozenset("城中村 行政村 自然村 中心村 示范村 重点村 薄弱村 城郊村 空心村 特色村 景区村 古村落 老街区 老城区".split())
# jieba's count above which a word is a common noun ('中小学'), not a name; for a site's name
# found by its ending, lower ('幼儿园' is counted 405 times).
NAME_FREQUENCY = 500
SITE_NAME_FREQUENCY = 100
# '学校和幼儿园' is two things, '新建的公园' a thing and what was done: not names ('仁和街道' is).
_NOT_IN_SITE_NAMES = re.compile(r"^[和及与]|(?<=..)[和及与]|[、的了在是]")


def _ends_as_a_name(kb: KnowledgeBase, name: str) -> bool:
    """'神农城' ends in the word 城, '江北街道' in 街道; '新增城镇' ends in the common word 城镇,
    whose 镇 is no site's ending."""
    last = kb.tokenizer.words(name)[-1]
    suffix = SITE_SUFFIX.search(name).group(0)
    return last == suffix or last.endswith(suffix) and kb.tokenizer.freq(last) < SITE_NAME_FREQUENCY


def site_names(kb: KnowledgeBase, text: str) -> list[str]:
    """The names of particular sites the report uses that the question says, longest first at
    each end: three to eight characters of the report ending as a site's name does, that jieba
    does not know as a common word."""
    names: list[str] = []
    bounds = None
    for m in _HAN_RUN3.finditer(text):
        run, end = m.group(0), len(m.group(0))
        while end >= 3:
            found = None
            if SITE_SUFFIX.search(run, 0, end):  # most ends are no site's: checked first, once
                if bounds is None:
                    bounds = kb.tokenizer.boundaries(text)  # whole words: not '年学校' of '今年学校'
                found = next((run[start:end] for start in range(max(0, end - 8), end - 2)
                              if m.start() + start in bounds and m.start() + end in bounds
                              and run[start:end] in kb.corpus
                              and not _NOT_IN_SITE_NAMES.search(run[start:end]) and run[start:end] not in KIND_NOT_NAME
                              and kb.tokenizer.freq(run[start:end]) < SITE_NAME_FREQUENCY
                              and _ends_as_a_name(kb, run[start:end])
                              and not _starts_with_a_verb(kb, run[start:end])), None)
            end -= len(found) if found else 1
            if found:
                names.append(found)
    return names


def _starts_with_a_verb(kb: KnowledgeBase, name: str) -> bool:
    """'统筹抓好景区' is what is done to the scenic spots, not a name: a name does not open with a verb."""
    first = kb.tokenizer.words(name)[0]
    return len(first) >= 2 and kb.tokenizer.is_verb(first)


def _report_head(kb: KnowledgeBase, word: str) -> list[str]:
    """'养老院' where the report says only 养老床位, 养老服务: the report's word for the first
    two characters of a three-character word it never uses, as loose evidence of the same
    topic. Longer words are names of their own ('规上工业增加值' is not 规上服务业)."""
    head = word[:2]
    if len(word) == 3 and head in kb.corpus and head not in STOPWORDS and not _TIME_WORDS.match(head):
        return [head]
    return []


def _loose_relatives(kb: KnowledgeBase, word: str) -> list[str]:
    """The report's words of the word's thesaurus class, but not its synonyms (already counted)
    nor a part of it: '面积' is not a relative of '总面积' but the same thing, less the total asked."""
    synonyms = kb.synonyms.get(word, ())
    return [w for w in related_words(word, kb.classes)
            if w not in synonyms and w not in word and word not in w][:6]


def _report_form(kb: KnowledgeBase, word: str) -> str | None:
    """The report's form of a word: the word itself, or where the report does not write it, one
    character fewer ('普惠托位' for 普惠性托位) or a few more inside (_shortened_from); None when
    it has none, or several."""
    if word in kb.corpus:
        return word
    if len(word) >= 4:
        shorter = _words_in(kb, word)
        if len(shorter) == 1:
            return shorter.pop()
    return _shortened_from(kb, word) if len(word) >= 3 else None


def _words_in(kb: KnowledgeBase, word: str) -> set[str]:
    """The forms of the word one inner character shorter that the corpus says."""
    return {form for i in range(1, len(word) - 1) if (form := word[:i] + word[i + 1:]) in kb.corpus}


def _shortened_from(kb: KnowledgeBase, word: str) -> str | None:
    """The one word of the report that the question's word shortens by leaving out one to three
    characters inside it, keeping both its ends ('卫生站' of 卫生服务站, '停车位' of 停车泊位,
    '新能源车' of 新能源汽车); None when there is none, or more than one."""
    corpus = kb.corpus
    bigrams = _bigram_positions(kb, corpus)
    found: set[str] = set()
    for i in range(1, len(word)):
        head, tail = word[:i], word[i:]
        pattern = re.compile(re.escape(head) + "[\u4e00-\u9fff]{1,3}?" + re.escape(tail))
        # Only around where one end's first two characters stand (a scan of the whole report
        # for each split would cost a good part of a millisecond).
        anchor, before = (head[:2], 0) if len(head) >= 2 else (tail[:2], len(head) + 3)
        for at in bigrams.get(anchor, [])[:200]:
            start = max(0, at - before)
            found |= set(pattern.findall(corpus, start, at + len(word) + 3))
    return found.pop() if len(found) == 1 else None


# Right before the count: the verb of what was done ('腾出了多少个名额'), however the report says it.
_BEFORE_COUNT = re.compile(r"[了过]?(?:多少|几)")
# The count as it stands while the question is read ('腾出 多少 名额'): spaced apart.
_COUNT_NEXT = re.compile(r"\s*[了过]?\s*(?:多少|几)")


def _brings_out(word: str) -> bool:
    """'腾出', '空出', '挪出': a verb of bringing out, said of places or posts made available."""
    return len(word) == 2 and word[1] == "出" and word[0] in "腾空挪让拿抽划匀留多"


def _brings_out_before_count(word: str, text: str) -> bool:
    """'多腾出 多少 名额': a verb of bringing out right before the count."""
    return _brings_out(word) and _COUNT_NEXT.match(text, text.find(word) + len(word)) is not None


_RESULT_COMPLEMENTS = frozenset("到好上起完成出掉")


def _everyday_verb(kb: KnowledgeBase, word: str, text: str) -> bool:
    """A one-character verb, as people say what the report names in two ('盖' for 建成, '派' for
    选派), also with an aspect ending or 新/再 ('养着', '修了', '新装'). A character followed by
    an aspect ending in the question is a verb whatever the dictionary says ('种了': jieba has
    种 as a measure word). A two-character verb is a word of its own ('下辖', '常住') and keeps
    its weight, unless the report never writes it."""
    if len(word) == 1 and any(word + ending in text for ending in "了着过"):
        return True
    if not kb.tokenizer.is_verb(word):
        return False
    # A verb and its result the report never writes ('找到', '修好', '用上') is the person's own word too.
    return (len(kb.tokenizer.verb_stem(word)) == 1
            or len(word) == 2 and word[1] in _RESULT_COMPLEMENTS and word not in kb.corpus)


# What people say for making a thing ('修好了几条路', '盖了几所') and the verbs reports write for it.
_MAKE_VERBS = frozenset("修盖建造搭弄搞整做办装铺挖开")
_REPORT_ADD_VERBS = ("新增", "增加", "新建")
_REPORT_MAKE_VERBS = ("新建改造", "新建改建", "新建", "建成", "改造", "改建", "修建", "建设", "打造", "铺设", "开通", "安装", "加装")


def _report_make_verbs(kb: KnowledgeBase, word: str) -> list[str]:
    """The report's verbs of making, for a person's one-character verb of making, and its verbs
    of adding for a verb of bringing out ('腾出', '空出'): evidence (a loose word) where the report
    writes its own verb, never enough without the thing made."""
    if _brings_out(word):
        # '多腾出几个名额', '空出多少个车位': what was added, as the report says it.
        return [v for v in _REPORT_ADD_VERBS if v in kb.corpus]
    stem = kb.tokenizer.verb_stem(word)
    if len(stem) != 1 or stem not in _MAKE_VERBS or len(word) >= 2 and word in kb.corpus:
        return []  # '新建' is the report's own verb: it is looked for as it is
    return [v for v in _REPORT_MAKE_VERBS if v in kb.corpus]


def _modifies_next(kb: KnowledgeBase, text: str, word: str) -> bool:
    """Is the word followed by a noun it describes ('常住人口', '流动人口'), rather than used as
    the verb of the question ('修了多少', '新装的光伏')?"""
    at = text.find(word)
    if at < 0:
        return False
    following = kb.tokenizer.words(text[at + len(word):at + len(word) + 6])
    nxt = following[0] if following else ""
    return len(nxt) >= 2 and nxt not in STOPWORDS and nxt not in FRAME_WORDS and not _TIME_WORDS.match(nxt) and not _UNIT_WORDS.match(nxt)


_SUFFIXES = "子儿头"
UNKNOWN_WEIGHT = 0.6
CODE = re.compile(r"(?<![a-z\d.])(?:[a-z]+\d+(?:\.\d+)?|\d+[a-z]+)(?![a-z\d])")
# A thing and where by it ('岸边', '村里', '街上'): a word the report never uses that says where.
_LOCATIVE = re.compile(r"[\u4e00-\u9fff](?:边|里|上|旁|外|内|前|后)")
# Where people say a thing is, in the words reports use for it: '城里新修几条马路' is about
# 城市道路, not 农村公路. Still a frame: it only tips the balance between passages.
_SETTINGS = {
    "城里": ["城区", "城市", "市区", "中心城区", "城镇"], "市里": ["市区", "城区", "城市"],
    "城区里": ["城区"], "县城里": ["县城", "城区"], "街上": ["城区", "街道"],
    "村里": ["农村", "乡村", "村庄"], "乡下": ["农村", "乡村"], "农村里": ["农村"], "村子里": ["农村", "村庄"],
}


def _whole_unknown_runs(kb: KnowledgeBase, text: str, groups: list[TermGroup], others: list[str],
                        asks_quantity: bool = False) -> list[str]:
    """The question's words, except that a word the reports never use falls apart into single
    characters in the report's own vocabulary ('黑车' -> 黑/车): matching those characters alone
    would find '扫黑'. Such a run of adjacent characters stays one word, of less weight; when the
    question's other words and the run's stem make a report word ('充电' + '棚子' -> 充电棚),
    that word is its alternative (`others`: the question's report words, aliases' included).
    Runs become groups here; the other words are returned."""
    corpus = kb.corpus
    tokens = kb.tokenizer.words(text)
    out: list[str] = []
    run: list[str] = []
    at, run_end = 0, -1

    def flush() -> None:
        # Everyday words are mostly two characters: a longer run is read two by two ('旧楼装' ->
        # 旧楼 / 装), a pair the reports use kept as their words ('乱占道' -> 乱 / 占道).
        i = 0
        while i < len(run):
            pair = "".join(run[i:i + 2])
            if len(pair) < 2 or pair in corpus or "".join(run[i + 1:i + 3]) in corpus and len(run) > i + 2:
                if len(pair) == 2 and pair in corpus:
                    out.append(pair)  # the reports' own two characters ('旗长'): one word
                    i += 2
                else:
                    out.append(run[i])
                    i += 1
                continue
            i += 2
            if pair in STOPWORDS:
                continue  # '跑/来' is 跑来, coming: how, not what
            compound = _compound_of_parts(kb, pair, others)
            if compound:
                groups.append(TermGroup(pair, [compound], related=[pair]))
            else:
                # '养着', '种了': a verb of one character with its ending, as in _groups.
                verb = asks_quantity and (_everyday_verb(kb, pair, text) or _brings_out_before_count(pair, text))
                loose = _loose_relatives(kb, pair) + (_report_make_verbs(kb, pair) if verb else [])
                groups.append(TermGroup(pair, [pair], related=kb.synonyms.get(pair, [])[:8],
                                        weight=UNKNOWN_WEIGHT * (VERB_WEIGHT if verb else 1.0),
                                        loose=loose, verb=verb))
        run.clear()

    for token in tokens:
        start = text.find(token, at)
        at = start + len(token) if start >= 0 else at
        single = (len(token) == 1 and "\u4e00" <= token <= "\u9fff" and token not in _NOT_IN_RUNS
                  and token not in STOPWORDS and not _UNIT_WORDS.match(token))
        if single and (not run or start == run_end):
            run.append(token)
            run_end = at
            continue
        flush()
        if single:
            run.append(token)
            run_end = at
        elif token not in STOPWORDS and not token.isascii():
            out.append(token)
    flush()
    return out


# Characters that join words rather than belong to them: a run of unknown characters stops there.
_NOT_IN_RUNS = set("了几的是在有和与及或就也都还要会将把被给对从向到个家位名多少吗呢不没很太更最能可该让使第排们新")


def _report_words(kb: KnowledgeBase, text: str) -> list[str]:
    return [w for w in kb.tokenizer.words(text) if len(w) >= 2 and w in kb.corpus]


def _compound_of_parts(kb: KnowledgeBase, word: str, others: list[str]) -> str | None:
    """'棚子' beside '充电' -> '充电棚': the report's compound of another question word and this
    word's stem, also with one character between ('停车' + '位子' -> 停车泊位)."""
    stem = word.rstrip(_SUFFIXES) or word
    corpus = kb.corpus
    for other in others:
        for candidate in (other + stem, stem + other):
            if candidate != other and candidate in corpus:
                return candidate
    if len(stem) == 1:
        for other in others:
            if m := re.search(re.escape(other) + r"[\u4e00-\u9fff]" + re.escape(stem), corpus):
                return m.group(0)
    return None


def _pinyin_sites(kb: KnowledgeBase) -> dict[str, list[str]]:
    """{the pinyin of a site's own name: the sites so named, shortest first} for the sites the
    report names ('lanting': 兰亭中学, 兰亭景区). Read once per report, when an English question
    first names something."""
    table = kb.__dict__.get("_pinyin_sites")
    if table is None:
        from pypinyin import lazy_pinyin  # only here: the import costs ~0.2 s

        table = {}
        for name in sorted(set(site_names(kb, kb.corpus)), key=lambda n: (len(n), n)):
            m = SITE_SUFFIX.search(name)
            own = name[:m.start()] if m else name
            if len(own) >= 2:
                table.setdefault(stem("".join(lazy_pinyin(own))), []).append(name)  # as tokens are: 'lanting' is 'lant'
        kb.__dict__["_pinyin_sites"] = table
    return table


# What the English after a site's pinyin calls it, and the endings of its Chinese name.
_ENGLISH_SITE_KINDS = [
    (re.compile(r"ancient town|old town"), ("古镇",)), (re.compile(r"scenic (?:area|spot)|tourist area"), ("景区", "风景区")),
    (re.compile(r"subdistrict|street"), ("街道", "街")), (re.compile(r"primary school"), ("小学",)),
    (re.compile(r"middle school|high school"), ("中学",)), (re.compile(r"park"), ("公园", "园区", "园")),
    (re.compile(r"hospital"), ("医院",)), (re.compile(r"lake"), ("湖",)), (re.compile(r"mountain|hill"), ("山",)),
    (re.compile(r"temple"), ("寺",)), (re.compile(r"town"), ("镇",)), (re.compile(r"village"), ("村",)),
    (re.compile(r"square|plaza"), ("广场",)),
]


def _pinyin_site(kb: KnowledgeBase, word: str, text: str) -> str | None:
    """The report's site named in pinyin ('Anchang Ancient Town' -> 安昌古镇): of the sites whose
    own name reads so, the first whose ending the English names."""
    candidates = _pinyin_sites(kb).get(word)
    if not candidates:
        return None
    at = text.find(word)
    after = text[at + len(word):][:40].lstrip("abcdefghijklmnopqrstuvwxyz")  # past the rest of a stemmed word
    for kind, endings in _ENGLISH_SITE_KINDS:
        if kind.match(after.strip()):
            return next((n for n in candidates if n.endswith(endings)), None)
    return None  # 'Liangzhu Ancient City': no kind said that a site of that name has


def english_names(raw: str) -> frozenset:
    """Capitalised English words after a sentence's first ('Otog Front Banner', 'Jiujiang'),
    stemmed as english_tokens are: names. Acronyms (GDP) are words."""
    words = _LATIN_WORD.findall(raw)
    return frozenset(stem(w.lower()) for i, w in enumerate(words) if i and w[0].isupper() and not w.isupper())


# English words people use for one another in these questions: one stem for each.
_ENGLISH_SAME = {"senior": "elderly", "elder": "elderly", "older": "elderly", "aged": "elderly",
                 "company": "enterprise", "firm": "enterprise", "livelihood": "wellbe", "welfare": "wellbe"}


def _bag(words: list[str]) -> frozenset[str]:
    return frozenset(_ENGLISH_SAME.get(w, w) for w in words if len(w) >= 2 and w not in ENGLISH_STOPWORDS)


def _english_bags(kb: KnowledgeBase) -> list[tuple[frozenset[str], str, list[str]]]:
    """(its words, alias, report words) for every English alias of two words or more, the
    largest first; built once per report, by warm_up or the first English question."""
    bags = kb.__dict__.get("_english_bags")
    if bags is None:
        by_alias: dict[str, list[str]] = {}
        for alias, canonical in kb.aliases:
            if alias.isascii() and " " in alias.strip():
                by_alias.setdefault(alias, []).append(canonical)
        bags = [(bag, alias, canonicals) for alias, canonicals in by_alias.items()
                if len(bag := _bag(english_tokens(alias))) >= 2]
        bags.sort(key=lambda b: (-len(b[0]), b[1]))
        kb.__dict__["_english_bags"] = bags
    return bags


def _english_alias_bags(kb: KnowledgeBase, text: str) -> tuple[list[TermGroup], str]:
    """English aliases said in another order or number ('meal service points for seniors' for
    'elderly meal service points', 'spending on people's livelihoods' for 'livelihood spending'):
    an alias all of whose words the question says is read as its report words, and those words
    are taken. Only for aliases whose report word this report writes (in its own form)."""
    if not _LATIN_WORD.search(text):
        return [], text
    said = _bag(english_tokens(text))
    if len(said) < 2:
        return [], text
    groups, taken = [], set()
    for bag, alias, canonicals in _english_bags(kb):
        if bag <= said and not bag & taken:
            own = [f for c in dict.fromkeys(canonicals) if (f := _report_form(kb, c))]
            if own:
                groups.append(TermGroup(alias, own))
                taken |= bag
    if not taken:
        return [], text
    rest = " ".join(w for w in _LATIN_WORD.findall(text.lower()) if not _bag([stem(w)]) & taken)
    return groups, _LATIN_WORD.sub(" ", text) + " " + rest


def _english_groups(kb: KnowledgeBase, text: str, names: frozenset = frozenset()) -> list[TermGroup]:
    """English words, translated into the report's words through CC-CEDICT (bot.language.english); a
    two-word phrase ('street light') is tried before its words. An English word with no
    translation still counts, for little: it says what the question is about; unless it is a
    capitalised name (`names`: 'Otog Front Banner'), which says where, not what."""
    # 'the value of exports' asks for an amount (read into the units), not about 产值.
    text = _VALUE_OF.sub(" ", text)
    tokens = [t for t in english_tokens(text) if len(t) >= 2 and t not in ENGLISH_STOPWORDS]
    groups, i = [], 0
    while i < len(tokens):
        if tokens[i] in names and tokens[i] not in kb.english and (site := _pinyin_site(kb, tokens[i], text)):
            # 'Anchang Ancient Town': a site of the report named in pinyin (安昌古镇).
            groups.append(TermGroup(site, [site], site=True))
            i += 1
            continue
        # The longest phrase first: 'zero bas budget' (零基预算) before 'budget' (预算).
        for n in (4, 3, 2):
            phrase = " ".join(tokens[i:i + n])
            if i + n <= len(tokens) and phrase in kb.english:
                groups.append(TermGroup(phrase, kb.english[phrase][:6]))
                i += n
                break
        else:
            n = 0
        if n:
            continue
        word = tokens[i]
        if word in kb.english:
            # One English word translates loosely ('renovate' -> 修复, 更新, 装修): it counts for
            # less than a phrase ('old neighborhoods') or a report word.
            groups.append(TermGroup(word, kb.english[word][:6], weight=0.6))
        elif word not in ENGLISH_STOPWORDS and not word.isdigit() and word not in names:
            # A word the aliases give for a report word this report never writes ('cpi' for
            # 居民消费价格) names what is asked, and the report lacks it: not a frame.
            groups.append(TermGroup(word, [word], frame=word not in _alias_order(kb)))
        i += 1
    return groups


_LEADING_FUNCTION_CHARS = "要会将把被给让在是有也都就还和与跟去来上"
_TRAILING_FUNCTION_CHARS = "了的着过吗呢吧啊呀么"


def _recut(kb: KnowledgeBase, words: list[str]) -> list[str]:
    """A two-character word the report never uses that starts or ends with a function character
    is usually jieba joining two words ('要冲国家' -> 要冲/国家): keep only the content character."""
    corpus = kb.corpus
    out = []
    for w in words:
        if len(w) == 2 and w not in corpus and not _TIME_WORDS.match(w):  # '去年' is a word, not 去 + 年
            if w[0] in _LEADING_FUNCTION_CHARS:
                w = w[1]
            elif w[1] in _TRAILING_FUNCTION_CHARS:
                w = w[0]
        out.append(w)
    return out


def idf(kb: KnowledgeBase, report_id: str, alternatives: list[str]) -> float:
    """Inverse document frequency of the rarest way of saying the term, counted by substring."""
    passages = kb.by_report[report_id]
    dfs = [len(kb.containing(report_id, alt)) for alt in alternatives]
    # The rarest way the report says it; a way it never says (an English alias) does not count.
    df = min((d for d in dfs if d), default=0)
    return math.log((len(passages) + 1) / (df + 0.5)) + 0.5
