"""Answer a question from the report: the figure, note or passage first, where it comes from,
and a plain 'not in the report' when it has no answer. Used alike by the CLI, the tests and
the Telegram bot; imports nothing from telegram."""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from bot.parse.figures import FIGURE
from bot.answer.knowledge_base import GlossaryNote, KnowledgeBase, Passage, ReportInfo, match_form, spelled_out
from bot.language.normalize import as_published, normalize, to_traditional, without_surrogates
from bot.language.thesaurus import knows, names_a_thing
from bot.answer.query import CODE, Query, TermGroup, is_time_word, positions, site_names, understand, units_fit, warm_up
from bot.answer.search import (CLAUSE_MARKS, Hit, known_to_report, match_glossary, matches_rarest, misses_indicator, misses_rare_name,
                               misses_report_word, prepare as prepare_search, rank, rare_names, rare_site, unknown_share)

MAX_ANSWER_CHARS = 300
# Below this share of the question's (weighted) words found in the best passage, the report
# does not answer it. Calibrated on the development questions (benchmarks/quality.py).
MIN_COVERAGE = 0.57
# A 多少/几 question whose best passage has a number of the kind asked right beside the words
# it matched may cover less of the question: the number is evidence the words alone are not.
MIN_COVERAGE_WITH_NUMBER = 0.40
# ... and less again when that passage is the only one of its year giving a number of the kind
# asked beside the thing the question counts.
MIN_COVERAGE_COUNTED = 0.2
MAX_UNKNOWN_SHARE = 0.25
MAX_UNKNOWN_SHARE_CLEAR = 0.5
# A 多少 question answered below this coverage must find its rarest word in the passage.
SURE_COVERAGE = 0.85
CLEAR_MARGIN = 0.15
# Below the answer threshold but this close, the best passage is shown as 'the closest' (grey
# zone), still as no answer.
GREY_COVERAGE = 0.45
MIN_GLOSSARY_SCORE = 0.8
MAX_QUESTION_CHARS = 200
ANSWER_CACHE_SIZE = 2048
_BARE_MULTIPLE = re.compile(r"(\d+(?:\.\d+)?)(亿|万)(?![元美\d])")
# Counts in Chinese numerals ('四个教育集团'); '一批学校' is some schools, no count of them.
_CHINESE_COUNT = re.compile(r"(?<![第一二两三四五六七八九十百千万])(?!一批)([一二两三四五六七八九十百千]+)(个|家|所|座|条|项|场|批|宗|名|人|户|亩|栋|台|辆)")
_TIME_PHRASE = re.compile(r"\d+月|\d+日|今年|年内|年底|年初|上半年|下半年|明年|\d{4}年|已")
_ASKS = re.compile(r"多少|几(?!乎)|how many|how much")
_EACH = re.compile(r"各[是为自]?|分别|[和与及、].{1,24}(?:多少|几)")  # 'A和B各增长多少': two things asked
_PARTS = re.compile(r"几类|几种|几个方面|几项|几部分|几个阶段|几步|哪几|包括|包含|分为|分成")  # '四上企业包括几类': the note answers
_RANK_PHRASE = re.compile(r"第[一二三四五六七八九十\d]+|首位|前列|领先|领跑")
# A piece that is only a number of the thing before it: a time and a verb of doing, then the figure.
_COUNT_LEAD = re.compile(r"^(?=[全年今完新建达实共合总累])(?:全年|年内|今年)?(?:完成|新增|建成|达到|实现|共|合计|总计|累计)?(?:约|近|超过?)?(?=\d)")
_COUNT_END = re.compile(r"(?:以上|左右|以内)?[,;。]?$")


def _only_a_number(piece: str) -> bool:
    """Is the piece only a number, with a time and a verb of doing before it ('全年完成200部')?"""
    lead = _COUNT_LEAD.match(piece)
    figure = FIGURE.match(piece, lead.end()) if lead else None
    return bool(figure and _COUNT_END.fullmatch(piece, figure.end()))
# Pieces that go on about the piece before: its growth, rank, share, its measure ('新建改造城市道路
# 6条,总长12公里') or where it is to reach ('地区生产总值年均增长7%左右,到2026年突破3000亿元').
_ATTACHED = re.compile(r"^(惠及|累计|同比|比上年|增幅|增速|总量|位居|位列|居|列|排名|占|达到|其中|分别|涉及|均|整改|实现|"
                       r"总长|全长|总里程|里程|通车里程|总面积|面积|建筑面积|占地|总投资|总容量|合计|共计|到\d{4}年|突破|"
                       r"(?:增长|下降|提高|降低|减少|上升|回落)(?=\d))")  # 'PM2.5平均浓度29微克/立方米,下降3.3%'



# A question about a total ('一共有多少', '现有') with no verb of change in it, and numbers that
# each count what was added or done in the year.
_STOCK = re.compile(r"一共有|总共有|共有|现有|现在有|如今有|至今有|目前有|全区有|全市有|全县有|有多少|总数|总量是|保有量|保有")
_FLOW_ASKED = re.compile(r"新增|新建|新开|建|盖|搭|修|装|种|办|招|引进|增加|多出|多了|完成|改造|翻新|换|接|剪|理|抓|破|发|投|开了|开业|搞")
# Refusals that say the passage gives another kind of number of the very thing (where it stands
# for what was added, or the reverse): it does not answer, and ranks well below one that may.
ONLY_ADDED = "报告只给出了新增的数字,没有总数"
ONLY_LEVEL = "报告只给出了达到的水平,没有新增的数字"
ONLY_CUMULATIVE = "报告只给出了累计的数字,没有当年新增的数字"
_OTHER_KIND_OF_NUMBER = frozenset({ONLY_ADDED, ONLY_LEVEL, ONLY_CUMULATIVE})
# What was added asked in so many words ('多出', '新增'), and a number said as where a thing stands.
_ADDED_ASKED = re.compile(r"多出|新增|增加|多了|添了|新添|多添|腾出")
_LEVEL = re.compile(r"达到|达|为|提高到|提升到|增至|降至|控制在|保持在|稳定在")
_SUMMED = re.compile(r"加起来|合起来|加在一起|算起来|合计")
# Verbs that say what there is or as of when ('截至2022年底共有'), not a change.
_NO_CHANGE_VERBS = frozenset("有 是 截至 截止 到 至 拥有 达到 为".split())
_CUMULATIVE = re.compile(r"累计|以来|总数达|总量达|历年")
# A total to date ('累计建成5G基站3860个'), not the year's own sum ('累计新增…', '累计为企业减负').
_TO_DATE = re.compile(r"累计(?:建成|达到|达|建设|开通|建有|拥有|创建|培育|认定|打造)|总数达|总量达|以来|历年|至今|保有量|保有")
_CUMULATIVE_ASKED = re.compile(r"累计|一共|总共|共计|合计|总数|至今|到现在|到目前|以来|历年|保有|total")
_FLOW = re.compile(r"新增|新建|建成|完成|增加|改造|新开|开工|引进|举办|招募|发放|接种|培训|种植|修剪|维修|更换|打造|设立|销售|优化|调整|"
                   r"认领|整治|查处|新设|新批|开通|上线|实施|启动|认定|培育|入统|登记|获批|创建|落户")


# 'X占Y比重': Y named as the whole a share is taken of.
_SHARE_OF = re.compile(r"占[^,;。]{1,24}?(?:比重|比例|份额|的比)")


def _named_only_as_whole(query: Query, text: str) -> bool:
    """Does the passage name the question's thing only as the whole of a share ('占一般公共
    预算支出比重'), so that its amounts are of a part?"""
    shares = "".join(m.group(0) for m in _SHARE_OF.finditer(text))
    if not shares:
        return False
    rest = _SHARE_OF.sub(" ", text)
    named = [g for g in query.groups if not g.frame and not g.verb and len(g.word) >= 2]
    in_share = [g for g in named if any(alt in shares for alt in g.alternatives)]
    # Some of its words outside the share ('民生类支出') do not name it whole.
    return bool(in_share) and not all(any(alt in rest for alt in g.alternatives) for g in in_share)


# '多少座公共快充站': the count and the phrase naming what it counts.
_COUNTED = re.compile(r"(?:多少|几)[^\s,.;:!?,。;:!?]+")
_MEASURED = re.compile(r"(?:有|是)?(?:多长|多大|多高|多远|多宽|多少)")
# 人均 is how reports give income, and what people mean by it; an average per unit of land is not.
_PER_UNIT = re.compile(r"(?:[亩地]均|每(?:平方公里|平方千米|公顷|亩))$")


def _named_only_per_unit(query: Query, text: str) -> bool:
    """Is a word of the question said only as an average per unit of land ('亩均税收',
    '每平方公里地区生产总值') that its
    own words do not include?"""
    for g in query.groups:
        if g.frame or g.verb or len(g.word) < 2:
            continue
        spots = [(alt, at) for alt in g.alternatives for at in positions(text, alt)]
        if spots and all(_PER_UNIT.search(text[:at]) for _alt, at in spots):
            return True
    return False


_RATE_ASKED = re.compile(r"率|比例|比重|占比|百分之|%|rate|percent|share|proportion")


def _named_only_as_rate(query: Query, text: str) -> bool:
    """Is a word of the question said only as the name of a rate ('失业率', '覆盖率'), which the
    question, asking a count or an amount, does not ask?"""
    for g in query.groups:
        if g.frame or g.verb or len(g.word) < 2:
            continue
        spots = [(alt, at) for alt in g.alternatives for at in positions(text, alt)]
        if spots and all(text[at + len(alt):at + len(alt) + 1] == "率" for alt, at in spots):
            return True
    return False


def _rate_mistyped(query: Query) -> bool:
    """'失业律': a question word followed by a character that sounds like 率 asks the rate."""
    from pypinyin import lazy_pinyin  # only here: the import costs ~0.2 s

    text = query.raw_text
    after = [text[at + len(g.word)] for g in query.groups for at in positions(text, g.word) if at + len(g.word) < len(text)]
    return any(lazy_pinyin(ch) == ["lv"] for ch in after)


# Compiled once at import, not inside a one-off ask's answer time.
_AFTER_MARKS = re.compile(r"(?<=[,;。])")
_MONTH, _DAY = re.compile(r"\d+月"), re.compile(r"\d+日")
_PHRASE_BREAK = re.compile(r"[的\s,.;:!?,。;:!?]")
_NUMBER_ONLY = re.compile(r"[\d.%]+")
_DIGIT, _DIGIT_OR_DENG = re.compile(r"\d"), re.compile(r"\d|等")
_ITEM_BEFORE_NUMBER = re.compile(r"([^\d等]{2,8}?)(?=\d)")
_LISTED = "、和及与"

_QUALIFIERS = frozenset("至少 最少 最多 大约 大概 左右 以上 以内 一共 总共 差不多".split())
_COUNT_AHEAD = re.compile(r"\d+(?:\.\d+)?(?:万)?(?:个|家|所|座|条|项|场|批|宗|名|户|栋|幢|台|辆|张|处|套|间|只|头|艘|列)")
_PART_OF = re.compile(r"(?:里|中|之中)(?:的)?(?=[^,。?!]{0,12}(?:多少|几))")  # '充电桩里有多少个是快充桩' 


def _counted_with_others(query: Query, g: TermGroup, text: str) -> bool:
    """Does the passage count the thing only together with others, in a list before one number
    ('新建改扩建中小学和幼儿园9所' for '新建了多少所幼儿园'), where the question names none
    of the others?"""
    asked = query.text
    for at in positions(asked, g.word):
        beside = asked[at - 1:at] + asked[at + len(g.word):at + len(g.word) + 1]
        if any(mark in beside for mark in _LISTED):
            return False  # '建几所学校和幼儿园' asks for the sum itself
    for piece in CLAUSE_MARKS.split(text):
        for alt in g.alternatives + g.related:
            at = piece.find(alt)
            if at < 0:
                continue
            before, after = piece[:at], piece[at + len(alt):]
            others = []
            # Things counted, not money, shares or years; 'A、B等49个' names examples of a total.
            if before and before[-1] in _LISTED and _COUNT_AHEAD.match(after) and not _DIGIT_OR_DENG.search(before):
                others = [before[:-1]]
            elif after and after[0] in _LISTED and (m := _ITEM_BEFORE_NUMBER.match(after[1:])) \
                    and _COUNT_AHEAD.match(after[1 + m.end():]):
                others = [m.group(1)]
            # The question that names the others too ('中小学和幼儿园几所') asks for their sum.
            if others and not any(o[-2:] in query.raw_text for o in others if len(o) >= 2):
                return True
    return False


def _site_listed_with_others(kb: KnowledgeBase, query: Query, text: str) -> bool:
    """Is a site the question names listed with other sites in the passage ('闲林街道、中泰街道、
    余杭街道…合计完成固定资产投资156亿元'), where the question names none of them? The number is
    theirs together, or of others."""
    for g in query.groups:
        if not g.site:
            continue
        listed = alone = False
        for piece in CLAUSE_MARKS.split(match_form(text)):
            for at in positions(piece, g.word):
                if "分别" in piece[at:]:
                    continue  # '…、安昌古镇、…分别接待游客486万人次、372万人次…': each its own number
                names = [n for n in site_names(kb, piece) if n != g.word and n not in query.text]
                before, after = piece[:at], piece[at + len(g.word):]
                if any(before.endswith(tuple(n + mark for mark in _LISTED)) or after.startswith(tuple(mark + n for mark in _LISTED))
                       for n in names):
                    listed = True
                else:
                    alone = True  # '…等南部镇乡村旅游持续升温,其中进化镇全年接待游客186万人次': its own number too
        if listed and not alone:
            return True
    return False


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+(?:\d+[\u4e00-\u9fff]+)*")  # a name may hold digits: 世界500强


def _longest_said(item: str, asked: str, from_end: bool) -> str:
    """The longest end (or start) of a list item, of three characters or more, that the
    question says ('完成鱼化寨' -> 鱼化寨)."""
    for size in range(len(item), 2, -1):
        part = item[-size:] if from_end else item[:size]
        if part in asked:
            return part
    return ""


def _listed_in_question(asked: str, word: str) -> bool:
    """Does the question list the word with another ('分配了多少套公租房和周转房')? It asks the sum."""
    return any(asked[at - 1:at] in _LISTED or asked[at + len(word):at + len(word) + 1] in _LISTED
               for at in positions(asked, word) if at)


def _item_listed_with_others(query: Query, text: str) -> bool:
    """Is a thing the question names one item of a list ('锂电池、光伏产品、电动载人汽车“新三样”
    出口326亿元', '完成鱼化寨、杜城、沙井等6个城中村征收拆除扫尾工作,拆除面积86.4万平方米'),
    whose number follows the list, where the question names no other item? The number is of
    them all. Not when the list's items each get theirs ('分别', '各')."""
    asked = query.raw_text
    pieces = CLAUSE_MARKS.split(text)
    for n, piece in enumerate(pieces):
        parts = piece.split("、")
        if len(parts) < 2:
            continue
        runs = [_HAN_RUN.findall(part) for part in parts]
        if any(not r for r in runs) or FIGURE.search("".join(parts[:-1])):
            continue  # items with numbers of their own ('新建5个、改造3个'), not names with digits ('世界500强')
        # The items as the list writes them: the first ends its run, the last starts its run.
        items = [runs[0][-1]] + ["".join(r) for r in runs[1:-1]] + [runs[-1][0]]
        said = [_longest_said(item, asked, from_end=(i == 0)) for i, item in enumerate(items)]
        named = [i for i, part in enumerate(said) if part]
        if len(named) != 1:
            continue  # no item named, or more than one
        # Another item named by its listed end ('锂电池和光伏产品出口多少' asks the sum); an
        # item's other end runs on into the sentence ('电动载人汽车新三样出口') and names nothing.
        ends = [(0, items[0][-2:])] + [(i, e) for i, item in enumerate(items[1:-1], 1) for e in (item[:2], item[-2:])] \
            + [(len(items) - 1, items[-1][:2])]
        own = said[named[0]]
        if any(e in asked and e not in own for i, e in ends if i != named[0]) or _listed_in_question(asked, own):
            continue
        after = parts[-1] if FIGURE.search(parts[-1]) else parts[-1] + "".join(pieces[n + 1:n + 2])
        if after.count(own) > (named[0] == len(items) - 1):
            continue  # named again on its own after the list ('…等西部乡镇…,其中进化镇接待游客86万人次')
        if FIGURE.search(after) and not re.search(r"分别|各", after):
            return True
    return False


# An amount asked per person or per month, and the words that give one.
_PER_ASKED = re.compile(r"每人|人均|每平方|每公顷|每亩|每个人|一个人|每月|每个月|一个月|月均|每户|户均")
_PER_GIVEN = re.compile(r"每人|人均|每户|户均|每月|月均|/月|/人|每年|年均|标准|每平方|每公顷|每亩|亩均|地均")
_ORDINAL = re.compile(r"第([一二三四五六七八九十\d]{1,2})(针|剂|次|批|期|届|轮|季度)")


_LAST_CLAUSE = re.compile(r"[,;。]")


def _up_to(p: Passage) -> str:
    """The passage's sentence up to the passage's end: what leads into its clause ('畜牧业稳定发展,
    全年出栏…'), not the clauses after it ('…其中护理型床位占比72%;完成困难老年人家庭适老化改造')."""
    at = p.sentence_norm.find(p.norm)
    return p.sentence_norm[:at + len(p.norm)] if at >= 0 else p.sentence_norm


def _every_number_said_with(pattern: re.Pattern, near: str, kinds: tuple[str, ...] = ()) -> bool:
    """Is each number of the pieces (of the kinds asked, when the question says: '多少家' is not
    answered by '每千人口托位数达到3.6个') said with the pattern before it in its clause (back to
    the last comma; items joined by 、 share the verb)? With _FLOW: each is what was added or
    done; with _PEAK: each is one day's or the highest."""
    # An age ('3岁以下婴幼儿') says whose, not how many.
    numbers = [m for m in FIGURE.finditer(near) if m.group("unit") != "岁" or "岁" in kinds
               if not kinds or units_fit(kinds, frozenset({_unit_of(m)}))]
    # Up to the number itself: a figure's match may hold its verb ('达到5个').
    return bool(numbers) and all(pattern.search(_LAST_CLAUSE.split(near[:m.start("num")])[-1]) for m in numbers)


# A number of one day or the highest one: not the year's or the total.
_PEAK = re.compile(r"单日|日均|每天|一天|最高|峰值|高峰|最多|单场|单月")
# A share asked for ('占比', '比重'): a passage naming the thing as the whole of a share answers it;
# an amount or a growth asked is not answered so ('海洋生产总值…增长8.7%,占地区生产总值比重14.7%').
_SHARE_ASKED = re.compile(r"比重|占比|比例|占.{0,12}(?:多少|几)|share|proportion|percentage of")
# Measure words of things a count names ('多少家企业', '几所学校'): the passage that counts them says what.
_THING_MEASURES = frozenset("家所座栋幢台辆艘架套间张")
# The whole place said in so many words; and the whole place or year said before a number.
_WHOLE_PLACE = re.compile(r"全区|全县|全市|全省|全旗|全州|全镇")
_SUBDIVISIONS = ("镇", "街道", "乡")
_SUBDIVISION_NAME = re.compile(r"[\u4e00-\u9fff]{1,4}(?:镇|街道|乡)")
# '青山湖大道、农林大学路等道路16条': sites named as examples of what the number counts.
_AN_EXAMPLE = re.compile(r"[^,;，；。]*?等")
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
_WHOLE_SAID = re.compile(r"全年|" + _WHOLE_PLACE.pattern)
# A figure the question states, followed by 里/中 and a pause: the question asks a part of it.
_QUOTED_TOTAL = re.compile(r"[^,，。？?]{0,12}?(?:里|(?<!之)中(?![心国央部])|之中|当中)(?:[,，]|的|有)?")


def _unit_of(figure: re.Match) -> str:
    """The unit a FIGURE match is counted in, with its 万 or 亿 ('万元', '个')."""
    return (figure.group("mult") or "") + figure.group("unit")


def _units_written(text: str) -> set[str]:
    """The units the text gives numbers in: every quantity as written, growth rates included
    (extract_figures folds those into amounts), a bare 亿 or 万 ('总投资1351亿的…', where it does
    not start a figure with its unit: '12万平方米' measures space, not money), counts in Chinese
    numerals ('四个教育集团', '近千亩'), months and days."""
    figures = list(FIGURE.finditer(text))
    units = {_unit_of(m) for m in figures}
    units |= {m.group(2) for m in _BARE_MULTIPLE.finditer(text) if not any(f.start() <= m.start() < f.end() for f in figures)}
    units |= {m.group(2) for m in _CHINESE_COUNT.finditer(text)}
    units |= {u for u, pattern in (("月", _MONTH), ("日", _DAY)) if pattern.search(text)}
    return units


def _figures_of(text: str) -> list[tuple[str, str]]:
    """(number, unit) of every figure in the text ('8100', '个'; '8000', '万元')."""
    return [(m.group("num"), _unit_of(m)) for m in FIGURE.finditer(text)]


# '…里,护理型床位有多少张': the part of a whole the question asks, after 里/中 and a pause.
_PART_ASKED = re.compile(r"(?:里|中|之中|当中)[,，]\s*([^\W\d_]{2,10}?)(?:有|是|一共|共)?(?:多少|几)")


def _part_asked(question: str) -> str | None:
    m = _PART_ASKED.search(question)
    return m.group(1) if m else None


def _figure_beside(text: str, part: str, kinds: tuple[str, ...]) -> bool:
    """Where the passage names the part, does a figure of the kind asked stand in its piece? A
    passage that does not name it at all is left to the other checks."""
    pieces = [piece for piece in _pieces(match_form(text)) if part in piece]
    if not pieces:
        return True
    return any(not kinds or units_fit(kinds, frozenset({unit})) for piece in pieces for _value, unit in _figures_of(piece))


def _other_figures(near: str, quoted: set[tuple[str, str]]) -> bool:
    """Does the text give a figure in a unit the question quotes, other than the quoted ones?
    Averages ('每千人口…托位数达到5个') are not parts of a total."""
    units = {unit for _value, unit in quoted}
    return any((value, unit) not in quoted and unit in units
               for piece in _pieces(near) if not re.search(r"每|均", piece)
               for value, unit in _figures_of(piece))


def _quoted_totals(question: str) -> set[tuple[str, str]]:
    """The figures a question states as a whole it asks a part of ('8100个学位中', '8000万元
    促消费资金里')."""
    return {(m.group("num"), _unit_of(m)) for m in FIGURE.finditer(question)
            if m.group("unit") != "年" and _QUOTED_TOTAL.match(question, m.end())}


def _period(p: Passage) -> str:
    """What an answer is prefixed with: the span a passage covers ('过去五年'), its year, or its plan year."""
    return p.span or (f"{p.year}年" if p.role == "review" else f"{p.year}年计划" if p.role == "plan" else "")


@dataclass
class Source:
    text: str
    section: str
    score: float
    passage_id: int | None = None


@dataclass
class Answer:
    question: str
    answered: bool
    kind: str  # figure | glossary | passage | none | help
    answer: str
    citation: str = ""
    sources: list[Source] = field(default_factory=list)
    terms: list[GlossaryNote] = field(default_factory=list)  # notes the answer mentions
    passage_id: int | None = None
    report_title: str = ""
    traditional: bool = False
    ms: float = 0.0
    report_id: str = ""  # the report answered from (with several, bot.answer.library names it in the citation)
    reason: str = ""  # why it abstained, when a library can do better: 'place' (another place), 'year'
    alternatives: list[tuple[str, str]] = field(default_factory=list)  # (label, report id) to ask the same of
    chart: dict | None = None  # a series to draw: {"title", "unit", "points": [(label, value)]}

    def to_json(self) -> dict:
        """The contract of `reportbot ask --json` (see README)."""
        return {
            "question": self.question, "answered": self.answered, "kind": "none" if self.kind == "help" else self.kind,
            "answer": self.answer, "citation": self.citation,
            "sources": [{"text": s.text, "section": s.section, "score": round(s.score, 3)} for s in self.sources],
            "ms": round(self.ms, 3),
        }


def help_text(report: ReportInfo, examples: list[str]) -> str:
    return (f"我可以回答《{report.title}》里的问题:数字和目标、名词解释、工作安排。比如:\n"
            + "\n".join(f"· {q}" for q in examples))


def not_found_text(report: ReportInfo, reason: str = "") -> str:
    why = f"({reason})" if reason else ""
    return (f"抱歉,报告中没有找到这个问题的答案{why}。我只能回答《{report.title}》里写到的内容,"
            f"比如{report.review_year}年的经济数据、{report.plan_year}年的目标任务和报告中的名词解释。")


def _cut(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """At most `limit` characters, cut at a sentence or clause boundary."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = max(head.rfind(c) for c in "。;!?")
    if cut < limit // 2:
        cut = max(head.rfind(c) for c in ",、")
    return head[: cut + 1 if cut > 0 else limit - 1] + "…"


def _pieces(text: str) -> list[str]:
    """A clause's comma-pieces, each with its mark."""
    return [p for p in _AFTER_MARKS.split(text) if p]


def _pieces_about(text: str, query: Query) -> list[str]:
    """The comma-pieces of a clause that name something the question asks about, with the
    pieces that belong to them ('同比增长10%')."""
    pieces = _pieces(text)
    # A single character ('新' of 新开) names nothing: the pieces are those of the question's words.
    # Nor does an everyday verb ('修了' -> 建成 in '一级公路建成通车'): the thing counted does.
    content = [g for g in query.groups if not g.frame and not g.verb] or [g for g in query.groups if not g.frame]
    named = [g for g in content if len(g.word) >= 2 or any(len(a) >= 2 for a in g.alternatives)] or content
    alternatives = [alt for g in named for alt in g.alternatives + g.related]
    forms = [form + spelled_out(form) for form in map(match_form, pieces)]  # '城镇和农村居民…' names both
    keep = [any(alt in form for alt in alternatives) for form in forms]
    for i in range(1, len(pieces)):
        if keep[i - 1] and not keep[i] and (_ATTACHED.match(pieces[i]) or (
                _only_a_number(pieces[i]) and not FIGURE.search(pieces[i - 1]))):
            # '推进既有住宅加装电梯,全年完成200部': the thing, then its number.
            keep[i] = True
    return [p for p, k in zip(pieces, keep) if k]


def _said_with_one_char_off(word: str, text: str, kind_length: int = 0) -> bool:
    """Does the text say the word, perhaps with one character changed ('生长总值' in '生产总值'):
    a typo, not another thing? One search for each character left open. With `kind_length`, the
    word starts with a kind of the thing ('肉牛' of 肉牛出栏): a change there that makes another
    thing sounding otherwise ('肉鸡出栏') is another kind, not a typo."""
    for i in range(len(word)):
        m = re.search(re.escape(word[:i]) + "." + re.escape(word[i + 1:]), text)
        if m is None:
            continue
        if i < kind_length:
            said = m.group(0)[:kind_length]
            from pypinyin import lazy_pinyin

            if names_a_thing(said) and names_a_thing(word[:kind_length]) and lazy_pinyin(said[i]) != lazy_pinyin(word[i]):
                continue
        return True
    return False


def _pieces_around(text: str, group: TermGroup) -> str:
    """The comma-pieces naming the word and the piece after each ('建成…中心,' '接待群众1440人次')."""
    pieces = _pieces(text)
    keep = set()
    alternatives = group.alternatives + group.related
    for i, form in enumerate(map(match_form, pieces)):
        if any(alt in form for alt in alternatives):
            keep |= {i, i + 1}
    return "".join(pieces[i] for i in sorted(keep) if i < len(pieces))


def _focus(text: str, query: Query) -> str:
    """A long clause cut down to the pieces about the question ('社会消费品零售总额396.3亿元,
    同比增长19.5%,总量全省第一' out of six indicators)."""
    if len(text) <= 90 or text.count(",") < 2:
        return text
    chosen = "".join(_pieces_about(text, query)).rstrip(",;")
    if not chosen:
        return text
    return chosen if chosen.endswith(("。", "!", "?")) else chosen + "。"


def _gist(sentence: str) -> str:
    clauses = [c for c in re.split(r"(?<=[,;])", sentence) if c]
    keep = [c for i, c in enumerate(clauses) if i == 0 or re.search(r"[“\d]", c)]
    return "".join(keep).rstrip(",;") + ("" if keep[-1].endswith("。") else "。")


class Answerer:
    """Answers questions over one loaded KnowledgeBase."""

    def __init__(self, kb: KnowledgeBase, warm: bool = True, cache_size: int = ANSWER_CACHE_SIZE):
        self.kb = kb
        self._cache: OrderedDict[str, Answer] = OrderedDict()
        self._cache_size = cache_size
        self._examples: dict[str, list[str]] = {}  # report id -> example questions (built on first /start)
        # Builds the lazy tables (typo terms, alias table) before the first user. A question of
        # no unknown word: the thesaurus classes (~70 ms) are read by warm_up below (a bot) or by
        # the first question that needs them (a one-off `reportbot ask`).
        understand(kb, "有多少")
        prepare_search(kb)
        if warm:
            # Work that would otherwise fall on some user's first question: pypinyin's tables
            # (~0.2 s, for the first typo), OpenCC's s2t (~50 ms, the first Traditional reply),
            # the report's bigram table (the first typo search).
            from pypinyin import lazy_pinyin

            lazy_pinyin("暖")
            to_traditional("暖")
            warm_up(kb)

    def ask(self, question: str) -> Answer:
        """The answer to one question. Repeated questions (people ask the same few things) come
        from a small cache; the cache lives and dies with this Answerer, so a reindex clears it."""
        started = time.perf_counter()
        question = without_surrogates(question or "")
        cached = self._cache.get(question)
        if cached is not None:
            self._cache.move_to_end(question)
            return replace(cached, ms=(time.perf_counter() - started) * 1000)
        answer = self._compose(question)
        answer.ms = (time.perf_counter() - started) * 1000
        if self._cache_size:
            self._cache[question] = answer
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return replace(answer)

    def _compose(self, question: str) -> Answer:
        answer = self._answer(question or "")
        if self.kb.fullwidth:
            answer.answer = as_published(answer.answer)
            for source in answer.sources:
                source.text = as_published(source.text)
        if answer.traditional:
            answer.answer = to_traditional(answer.answer)
            answer.citation = to_traditional(answer.citation)
        answer.answer = _cut(answer.answer)
        return answer

    def _answer(self, question: str, described: bool = False) -> Answer:
        # A question is a line or two; past that it is pasted text, and reading all of it would
        # only cost time (a 5,000-character message must still be answered within milliseconds).
        query = understand(self.kb, question[:MAX_QUESTION_CHARS])
        base = dict(question=question, report_title=query.report.title, traditional=query.traditional, report_id=query.report.id)
        if query.greeting:
            return Answer(answered=False, kind="help", answer=help_text(query.report, self.examples(query.report)), **base)
        reason = self._out_of_scope(query)
        if reason is not None:
            return Answer(answered=False, kind="none", answer=not_found_text(query.report, reason), **base,
                          reason="year" if reason.startswith("报告只涉及") else "")

        note, note_score = match_glossary(self.kb, query)
        hits = rank(self.kb, query)
        if described:
            note, hits = None, [h for h in hits if h.passage.role != "note"]  # the term's number, not its note
        if query.asks_quantity:
            # '拆迁了多少户': of two passages naming 征迁, the one with a count of 户 near it answers.
            year_only = not _CUMULATIVE_ASKED.search(query.raw_text) and self._asks_change(query)
            top = hits[0].score if hits else 0.0
            for hit in hits[:6]:
                if reason := self._no_such_number(query, hit.passage):
                    hit.score -= 0.35 if reason in _OTHER_KIND_OF_NUMBER else 0.2
                about = "".join(_pieces_about(hit.passage.text, query))
                if year_only and _CUMULATIVE.search(about) and _every_number_said_with(_CUMULATIVE, about, query.units):
                    # '去年翻新了多少个老小区': the year's 41个, not '区成立以来累计改造186个'.
                    hit.score -= 0.1
                if hit.score > top - CLEAR_MARGIN and self._names_unasked(query, about) \
                        and not _WHOLE_SAID.search(next((p for p in _pieces(about) if FIGURE.search(p)), "")):
                    # '接待游客多少万人次': the district's 1286.5万, not '东林寺景区…接待游客260万';
                    # but '全年新建、改造道路18条,…天津路北延…建成通车' is the whole year's.
                    hit.score -= 0.1
            hits.sort(key=lambda h: (-h.score, h.passage.id))
            if not described and (said := self._term_described(query, hits)):
                # '在边角空地上修了多少个小公园': the question says what a term of the notes means
                # (口袋公园: 利用…边角地建设的…小型公园); the number is where the report names it,
                # asked with the term in place of the words that describe it.
                retried = self._answer(said, described=True)
                if retried.answered and retried.kind != "glossary":
                    return replace(retried, question=question)
        self._prefer_year_asked(query, hits)
        if note and note_score >= MIN_GLOSSARY_SCORE and (
                query.define_term or not query.wants_number or (note_score >= 0.95 and _PARTS.search(query.text))):
            return self._glossary_answer(note, hits, base)
        # The passage that competes is one of the year asked: next year's plan for the same thing
        # ('全区养老床位达到6720张') does not make 2022's figure unsure.
        rivals = [h for h in hits[1:] if not (query.year and h.passage.year and h.passage.year != query.year)]
        if not hits or hits[0].coverage < self._coverage_needed(query, hits[0], rivals[0] if rivals else None):
            return self._not_found(query, base, hits)
        if (query.asks_quantity and hits[0].passage.role in ("review", "plan")
                and (hits[0].coverage < SURE_COVERAGE or any(g.site for g in query.groups))
                and misses_rare_name(self.kb, query, hits[0].passage)):
            # '百花洲接待游客多少人次' answered with 滕王阁's visitors: a number about something else.
            return self._not_found(query, base, hits, "报告没有这一项的数字")
        if (query.asks_quantity and hits[0].passage.role in ("review", "plan") and not _EACH.search(query.text)
                and misses_indicator(self.kb, query, hits[0].passage)):
            # '全社会固定资产投资总额是多少' answered with '社会消费品零售总额381.46亿元'. Two things
            # asked ('外资和内资各增长多少') are answered from two clauses, each naming one.
            return self._not_found(query, base, hits, "报告没有这一项的数字")
        best = hits[0]
        if query.asks_quantity and best.passage.role in ("review", "plan"):
            other = self._other_thing(query, best.passage)
            if other:
                return self._not_found(query, base, hits, other)
        missing_code = next((g.word for g in query.groups if CODE.fullmatch(g.word) and g.word not in best.passage.norm), None)
        if missing_code:
            # 'PM10' is not 'PM2.5': a code names one thing, and the passage does not name it.
            return self._not_found(query, base, hits, f"报告没有{missing_code.upper()}的数字")
        if query.asks_person:
            return Answer(answered=False, kind="none", answer=not_found_text(query.report, "报告没有个人情况或办公信息"), **base)
        if best.passage.role == "meta" and query.asks_quantity and not query.units:
            return self._not_found(query, base, hits, "报告没有这个数字")
        if best.passage.role == "note":
            if (query.asks_quantity and not _DIGIT.search(best.passage.text)
                    and not _CHINESE_COUNT.search(best.passage.text) and not _PARTS.search(query.text)):
                # '今年要抓多少个电诈嫌疑人': a note that names the thing gives no number of it.
                return self._not_found(query, base, hits, "报告提到了这件事,但没有给出这个数字")
            if (query.asks_quantity and query.units and not _PARTS.search(query.text)
                    and not units_fit(query.units, frozenset(_units_written(best.passage.text)))):
                # '一共修了多少公里的路': a note's '步行15分钟' is no length; a note explains a term,
                # it does not report what was done.
                return self._not_found(query, base, hits, "报告没有这个数字")
            note = next(n for n in self.kb.glossary if n.report_id == best.passage.report_id and n.number == best.passage.note)
            return self._glossary_answer(note, hits[1:], base)
        mismatch = self._year_mismatch(query, best) or self._no_such_number(query, best.passage)
        if mismatch:
            return self._not_found(query, base, hits, mismatch)
        if query.foreign_places and not any(place in best.passage.norm for place in query.foreign_places):
            # '杭州市西湖区GDP': the report names that place but gives no such figure for it.
            return Answer(answered=False, kind="none", answer=not_found_text(query.report, f"报告没有{query.foreign_places[0]}的这项内容"), **base,
                          reason="place")
        return self._passage_answer(query, best, hits[1:], base)

    def _prefer_year_asked(self, query: Query, hits: list[Hit]) -> None:
        """'2021年老房子装了几台电梯': when the best passage is of another year (next year's plan
        names 老旧小区 too) and one close behind it is of the year asked and answers on its own,
        that one answers."""
        if not (query.year and hits):
            return
        # A span's total ('五年来…累计完成…739.6亿元') does not answer a year asked, however well it
        # matches: the year's own passage close behind does.
        span = bool(hits[0].passage.span) and not query.wants_span
        if not (span or hits[0].passage.year and hits[0].passage.year != query.year):
            return
        for i, hit in enumerate(hits[1:4], start=1):
            if (hit.passage.year == query.year and (span or hit.score >= hits[0].score - CLEAR_MARGIN)
                    and hit.coverage >= self._coverage_needed(query, hit)):
                hits.insert(0, hits.pop(i))
                return

    def _not_found(self, query: Query, base: dict, hits: list[Hit], reason: str = "") -> Answer:
        """No sure answer. When a passage comes close (the grey zone), say so and show it with
        where it is, so the reader sees where to look; it is still not an answer."""
        best = hits[0] if hits else None
        if best is not None and best.coverage >= GREY_COVERAGE and best.passage.role in ("review", "plan", "note"):
            p = best.passage
            label = _period(p)
            text = f"没有找到确切的答案;最相关的是:{label + ':' if label else ''}{p.sentence_text}"
            return Answer(answered=False, kind="none", answer=text, citation=f"摘自:{p.section}", **base,
                          sources=self._sources(hits[:3]), passage_id=p.id, reason="grey")
        return Answer(answered=False, kind="none", answer=not_found_text(query.report, reason), **base,
                      sources=self._sources(hits[:3]))

    def _coverage_needed(self, query: Query, best: Hit, second: Hit | None = None) -> float:
        """MIN_COVERAGE, or less for a 多少/几 question whose passage has a number of the kind
        asked beside its words, as long as what it misses are everyday words and not a
        name the report never uses ('进出口', '下辖'): those mean another question."""
        if (query.asks_quantity and best.passage.role in ("review", "plan")
                and self._no_such_number(query, best.passage) is None
                and matches_rarest(self.kb, query, best.passage)):
            unknown = unknown_share(self.kb, query, best.passage)
            # Everyday words the reports never use ('岸边', '城里') may stand around what they do
            # name, when that passage stands clearly above the next.
            clear = second is None or best.coverage >= second.coverage + CLEAR_MARGIN
            if not misses_report_word(self.kb, query, best.passage):
                if unknown <= MAX_UNKNOWN_SHARE or (clear and unknown <= MAX_UNKNOWN_SHARE_CLEAR):
                    return MIN_COVERAGE_WITH_NUMBER
                if self._only_passage_counting(query, best.passage):
                    # '新修的能骑车散步的绿化步道有多长': the thing asked (绿道) beside a length in
                    # one passage of the year only; the everyday words around it say no more.
                    return MIN_COVERAGE_COUNTED
        return MIN_COVERAGE

    def _only_passage_counting(self, query: Query, p: Passage) -> bool:
        """Is this the one passage of its year and kind that gives a number of the kind asked
        beside the thing the question counts?"""
        g = self._counted_thing(query, p)
        if g is None:
            return False
        _g, phrase = self._counted_phrase(query)
        for other in query.groups:
            if (other.frame or other.verb or len(other.word) < 2
                    or known_to_report(self.kb, p.report_id, other)):
                continue
            # A word the report never uses that names the thing ('进出口总额', '常住人口') makes it
            # another thing; one outside the phrase must be a verb ('骑车散步的绿道').
            if not self.kb.tokenizer.is_verb(other.word):
                return False
            at = phrase.find(other.word)
            if at >= 0 and "的" not in phrase[at:phrase.rfind(g.word)]:
                return False  # a verb naming the thing, not one describing it ('能坐下来看书的书屋')

        # The report's own word when this passage says it: other passages saying an everyday
        # form of it ('口袋书屋' for 书屋, where the passage says 城市书房) count something else.
        names = g.alternatives if any(alt in p.norm for alt in g.alternatives) else g.alternatives + g.related

        def counts(x: Passage) -> bool:
            if not any(alt in x.norm for alt in names):
                return False
            units = frozenset(_unit_of(m) for m in FIGURE.finditer(_pieces_around(x.text, g)))
            return bool(units) and (not query.units or units_fit(query.units, units))

        if not counts(p):
            return False
        return not any(counts(x) for x in self.kb.by_report[p.report_id]
                       if x.id != p.id and x.year == p.year and x.role == p.role and x.sentence_text != p.sentence_text)

    @staticmethod
    def _year_mismatch(query: Query, best: Hit) -> str | None:
        """A number asked for one year that the report gives only for the other: say so rather
        than pass one year's figure off as the other's."""
        p = best.passage
        if not (query.year and query.wants_number and p.year and p.year != query.year):
            return None
        if p.role == "plan" and f"{query.year}年" in p.sentence_text:
            return None  # '到2027年,…达到4000亿元' in this year's plan: the goal of the year asked
        what = "目标" if p.role == "plan" else "数字"
        return f"报告没有{query.year}年的这项数字,只有{p.year}年的{what}"

    def _no_such_number(self, query: Query, p: Passage) -> str | None:
        """'吴齐美术馆总投资多少': the report names the thing but gives no number of the kind asked
        near it. Only for explicit 多少/几 questions; '什么目标' may be answered in words.
        Asked several times per question (ranking, threshold, answer): remembered per query."""
        memo = query.__dict__.setdefault("_no_such_number", {})
        if p.id not in memo:
            memo[p.id] = self._find_no_such_number(query, p)
        return memo[p.id]

    def _find_no_such_number(self, query: Query, p: Passage) -> str | None:
        if not query.asks_quantity or query.wants_list or p.role not in ("review", "plan"):
            return None
        about = _pieces_about(p.text, query)
        near = "".join(about)
        if "rank" in query.units and _RANK_PHRASE.search(near):
            return None
        if "date" in query.units and _TIME_PHRASE.search(near):
            return None
        units = _units_written(near)
        if not units:
            return "报告提到了这件事,但没有给出这个数字"
        counted = self._counted_thing(query, p)
        if counted is not None:
            around = _pieces_around(p.text, counted)
            if around and not _DIGIT.search(around) and not _CHINESE_COUNT.search(around):
                # '一共建成了多少座公共快充站': '新建公共充电桩1260个,实现…公共快充站全覆盖' counts
                # the piles; what the question names most has no number beside it.
                return "报告提到了这件事,但没有给出这个数字"
        for name in rare_names(self.kb, query):
            around = _pieces_around(p.text, name)
            if around and not _DIGIT.search(around) and not _CHINESE_COUNT.search(around):
                # '拙政园接待了多少游客': the passage names 拙政园 among sites it manages, and
                # its number (区属景区…1460万人次) is of all of them.
                return "报告提到了这个地方,但没有给出它的数字"
        # Only a thing the passage names as the question does: '学校' read as 中小学 is said loosely, and
        # '盖了几所学校' is answered by '新建改扩建中小学、幼儿园23所'.
        if (counted is not None and counted.word in p.norm and _counted_with_others(query, counted, p.text)
                or _site_listed_with_others(self.kb, query, p.text)
                or _item_listed_with_others(query, match_form(normalize(p.text.replace("”“", "、"))))):
            # '新建了多少所幼儿园': '新建改扩建中小学和幼儿园9所' is the sum of both.
            return "报告只给出了几项合在一起的数字"
        if (m := _ORDINAL.search(query.raw_text)) and m.group(0) not in p.text and re.search(rf"第.{{1,2}}{m.group(2)}", p.text):
            # '第三针完成率' where the report gives the first and second only.
            return f"报告没有{m.group(0)}的数字"
        if _STOCK.search(query.raw_text) and not self._asks_change(query) and _every_number_said_with(_FLOW, near, query.units):
            # '区里一共有多少个停车位': the report gives what was added (新增泊位2738个), not the total.
            return ONLY_ADDED
        if (_ADDED_ASKED.search(query.raw_text) and not _CUMULATIVE_ASKED.search(query.raw_text)
                and not _FLOW.search(near) and _every_number_said_with(_LEVEL, near, query.units)):
            # '能多出多少个托位': '每千人口拥有托位数达到5个' is where it stands, not what was added.
            return ONLY_LEVEL
        if (query.year and not _CUMULATIVE_ASKED.search(query.raw_text) and self._asks_change(query)
                and _every_number_said_with(_TO_DATE, near, query.units)):
            # '2023年新建了多少个5G基站': '累计建成5G基站3860个' is the total to date, not the year's.
            return ONLY_CUMULATIVE
        if not _PER_ASKED.search(query.raw_text) and "均" not in query.raw_text and _named_only_per_unit(query, near):
            # '税收收入多少': '规上工业亩均税收36.8万元' is an average per 亩, not the total.
            return "报告只给出了平均数,没有总数"
        if "percent" not in query.units and not _RATE_ASKED.search(query.raw_text) and _named_only_as_rate(query, near) \
                and not _rate_mistyped(query):
            # '城镇登记失业人数是多少': the report gives 失业率 only, a rate and not a count.
            return "报告只给出了比率,没有这个数"
        if not _PEAK.search(query.raw_text) and _every_number_said_with(_PEAK, near, query.units):
            # '全年接待游客多少人次': '单日最高接待游客2.3万人次' is one day's peak, not the year's.
            return "报告只给出了单日或最高的数字"
        if not _SHARE_ASKED.search(query.text) and _named_only_as_whole(query, p.text):
            # '一般公共预算支出多少': '民生支出…占一般公共预算支出比重78.6%' gives a part of it.
            return "报告只给出了其中一部分的数字"
        if _WHOLE_PLACE.search(query.raw_text) and not any(g.site for g in query.groups) and (
                pieces := [piece for piece in about if FIGURE.search(piece) and not _ATTACHED.match(piece)]) and all(
                site_names(self.kb, piece) and not _WHOLE_PLACE.search(piece) for piece in pieces):
            # '全区规模以上工业总产值是多少': '东山产业园实现规模以上工业总产值186亿元' is one park's.
            return "报告只给出了其中一处的数字"
        if (part := self._subdivision_asked(query)) and _WHOLE_PLACE.search(p.text) and part not in p.norm:
            # '乌镇旅游收入有多少': '全市…实现旅游总收入236.8亿元' is the whole city's, not the town's.
            return f"报告只给出了全域的数字,没有{part}的"
        if (quoted := _quoted_totals(query.raw_text)) and not _other_figures(near, quoted):
            # '新增的8100个学位中,小学学位有多少个': the passage's number is the total the question
            # already states; the part asked is not given.
            return "报告只给出了总数,没有其中这一部分的数字"
        if part := _part_asked(query.text):
            # '新增的养老床位里,护理型床位有多少张': the report names 护理型床位 only with its share
            # (58%), or not at all where it gives the whole ('新增养老床位820张').
            if not _figure_beside(p.text, part, query.units) or not all(w in p.norm for w in self._part_nouns(query, part)):
                return "报告没有给出其中这一部分的数字"
        if _PER_ASKED.search(query.raw_text) and not _PER_GIVEN.search(p.text):
            # '高龄津贴每人每月多少': the report gives what was paid in all (3860万元), not per head.
            return "报告只给出了总数,没有每人或每月的数字"
        if query.units and not units_fit(query.units, frozenset(u for u in units if u)):
            return "报告提到了这件事,但没有给出这样的数字"
        return None

    def _part_nouns(self, query: Query, part: str) -> list[str]:
        """The nouns of the part asked that the report uses, once per question; not '计划新增' of
        '十件民生实事中,计划新增多少个学位'."""
        if "_part_nouns" not in query.__dict__:
            tokenizer = self.kb.tokenizer
            query.__dict__["_part_nouns"] = [w for w in tokenizer.words(part) if len(w) >= 2 and w in self.kb.corpus
                                             and not tokenizer.is_verb(w) and not is_time_word(w)]
        return query.__dict__["_part_nouns"]

    def _names_unasked(self, query: Query, text: str) -> bool:
        """Does the text name a rare site ('东林寺景区') that the question does not?"""
        return any(len(word) >= 3 and word not in query.text and rare_site(self.kb, query.report.id, word)
                   and not _AN_EXAMPLE.match(text, text.find(word) + len(word))
                   for word in self.kb.tokenizer.words(text))

    def _subdivision_asked(self, query: Query) -> str | None:
        """A town or street of the report's place that the question names ('乌镇', '分水'): the
        report writes it with its 镇/街道/乡 somewhere. (Asked for each passage weighed: remembered.)"""
        if "_subdivision" not in query.__dict__:
            query.__dict__["_subdivision"] = next((
                g.word for g in query.groups
                if len(g.word) >= 2 and _HAN_WORD.fullmatch(g.word) and not g.verb and not g.frame and any(
                    g.word + suffix in self.kb.corpus for suffix in _SUBDIVISIONS) or _SUBDIVISION_NAME.fullmatch(g.word)), None)
        return query.__dict__["_subdivision"]

    def _asks_change(self, query: Query) -> bool:
        """Does the question ask what was done or added in the year ('新找到工作的人有多少',
        '翻新了多少个', '沾光的住户有多少'), not what there is in all? A verb of change or a
        新 before a verb says so; 有 and 是 do not."""
        text = query.raw_text
        if _FLOW_ASKED.search(text) or _FLOW.search(text):
            return True
        tokenizer = self.kb.tokenizer
        words = tokenizer.words(text)
        # 新 said on its own before a verb ('新找到'), not inside a name ('高新技术', '新院区').
        if any(w == "新" and tokenizer.is_verb(after) for w, after in zip(words, words[1:])):
            return True
        # '保有量' has a verb in it; '加起来' says a sum, not what was added.
        stock = "".join(m.group(0) for m in _STOCK.finditer(text)) + "".join(_SUMMED.findall(text))
        if any(tokenizer.is_verb(g.word) and g.word not in _NO_CHANGE_VERBS and g.word not in stock
               for g in query.groups if not g.frame):
            return True
        # A saying read as a report word with its verb inside ('找到新工作' for 城镇新增就业).
        return any(g.alternatives != [g.word] and any(tokenizer.is_verb(w) and w not in _NO_CHANGE_VERBS and w not in stock
                                                      for w in tokenizer.words(g.word) if len(w) >= 2)
                   for g in query.groups if not g.frame and len(g.word) >= 4)

    def _other_thing(self, query: Query, p: Passage) -> str | None:
        """Does the question name another thing than the passage counts? A quantity it states
        that the passage does not ('60岁以上' where the report says 65岁以上), or a word the
        report never uses joined to the counted thing ('入境游客' where the report counts all
        游客)."""
        for m in FIGURE.finditer(query.raw_text):
            number = m.group("num")
            if m.group("unit") not in ("年", "月", "日", "天") and not re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", p.text):
                return f"报告没有{m.group(0)}的这项数字"
        g, phrase = self._counted_phrase(query)
        if (g is not None and not g.verb and not any(alt in p.norm for alt in g.alternatives + g.related)
                and known_to_report(self.kb, p.report_id, g)
                and (site := next((s.word for s in query.groups if s.site and s.word in p.norm), None))):
            # '莲花洞国家森林公园接待了多少游客': the passage is about the site, and its numbers are of
            # other things ('新开放登山步道9公里'); what the report counts of 游客 is elsewhere.
            return f"报告没有{site}的{g.word}数字"
        if g is not None and not any(alt in p.norm for alt in g.alternatives + g.related):
            for m in _PART_OF.finditer(query.text):
                whole = next((w for w in query.groups if w is not g and not w.frame and len(w.word) >= 2
                              and query.text[:m.start()].endswith(w.word)), None)
                if whole is not None and m.start() < query.text.find(g.word):
                    # '1850个充电桩里有多少个是快充桩': the passage counts the whole, not the part.
                    return f"报告没有其中{g.word}的数字"
            if (not g.verb and not g.frame and len(g.word) >= 2 and not g.word.isascii() and not g.loose
                    and g.word not in _QUALIFIERS and not self.kb.tokenizer.is_verb(g.word)
                    and not known_to_report(self.kb, p.report_id, g) and self.kb.tokenizer.freq(g.word) > 0
                    and not _said_with_one_char_off(g.word, self.kb.corpus)):  # '征签' is 征迁 mistyped
                # '多少辆新能源出租车': the thing counted is a word the report never uses, and
                # nothing the report says stands for it; the passage counts something else.
                return f"报告没有{g.word}的数字"
        if (g is not None and not g.verb and not g.frame and len(g.word) >= 2 and set(query.units) & _THING_MEASURES
                and not g.word.isascii() and not self.kb.tokenizer.is_verb(g.word)
                and known_to_report(self.kb, p.report_id, g)
                and not any(alt in p.norm or alt in p.context for alt in g.alternatives + g.related)):
            # '针织服装产业一共有多少家企业': the passage counts brands (品牌30个); the report says
            # 企业 elsewhere, and a count of them would name them.
            return f"报告没有{g.word}的这个数字"
        if g is None or not any(alt in p.norm for alt in g.alternatives + g.related):
            return None
        at = phrase.rfind(g.word)
        for other in query.groups:
            if other is g or other.frame or other.verb or len(other.word) < 2 or other.word.isascii():
                continue
            if other.word not in phrase:
                continue  # said elsewhere in the question, not right before the thing counted
            end = phrase.find(other.word) + len(other.word)
            # A word, not a typo ('新曾就业'): jieba or the thesaurus knows it.
            # (Or two Han characters the report never writes that are no typo of what it says
            # there: '氨氮浓度' where the report gives 总磷浓度.)
            unknown = not known_to_report(self.kb, p.report_id, other) and (
                self.kb.tokenizer.freq(other.word) > 0 or knows(other.word)
                or len(other.word) >= 2 and _HAN_WORD.fullmatch(other.word) is not None and other.word not in self.kb.corpus)
            if unknown and 0 < end == at and not _said_with_one_char_off(other.word + g.word, p.norm, len(other.word)):
                return f"报告没有“{other.word}{g.word}”的数字"
            if (0 < end == at and not other.site and other.word in other.alternatives and other.word in self.kb.corpus
                    and not self.kb.tokenizer.is_verb(other.word)
                    and not _said_with_one_char_off(other.word + g.word, p.norm, len(other.word))
                    # Not a word cut out of another ('比重要增长' is 比重/要, not 比/重要).
                    and (end == len(other.word) or phrase[end - len(other.word) - 1:end - len(other.word) + 1] not in self.kb.corpus)
                    and not any(alt in where for alt in other.alternatives + other.related for where in (_up_to(p), p.context))):
                # '肉牛出栏多少头': the passage counts 出栏 of another kind ('生猪出栏118.6万头'); the
                # kind the question names right before it is not there.
                return f"报告没有“{other.word}{g.word}”的数字"
        return None

    @staticmethod
    def _counted_phrase(query: Query) -> tuple[TermGroup | None, str]:
        """The thing a 多少/几 question counts and the phrase naming it: the last word of the
        phrase after the count ('多少座公共快充站' -> 快充站; '几所条件差的学校' -> 学校), or of
        the phrase before it when the count ends the question ('入境游客多少人次' -> 游客;
        '能骑车散步的绿化步道有多长' -> 步道, phrase 绿化步道)."""
        if "_counted_phrase" in query.__dict__:  # asked for each passage weighed: remembered per query
            return query.__dict__["_counted_phrase"]
        content = [g for g in query.groups if not g.frame and not g.verb and len(g.word) >= 2]
        m = _COUNTED.search(query.text) or _MEASURED.search(query.text)
        found: tuple[TermGroup | None, str] = (None, "")
        if m is not None:
            phrase = m.group(0)
            if not any(g.word in phrase for g in content):
                # '接待入境游客多少人次': the count closes the phrase; the thing comes before it.
                phrase = _PHRASE_BREAK.split(query.text[:m.start()])[-1]
            found = max((g for g in content if g.word in phrase), key=lambda g: phrase.rfind(g.word), default=None), phrase
        query.__dict__["_counted_phrase"] = found
        return found

    def _counted_thing(self, query: Query, p: Passage) -> TermGroup | None:
        """The counted thing (_counted_phrase), when the passage says it."""
        g, _phrase = self._counted_phrase(query)
        return g if g is not None and any(alt in p.norm for alt in g.alternatives + g.related) else None

    def _term_described(self, query: Query, hits: list[Hit]) -> str | None:
        """The question with the term of a note in place of the words that describe it, when the
        note matches the question best and the question does not name its term."""
        if query.define_term or not hits or hits[0].passage.role != "note":
            return None
        p = hits[0].passage
        note = next((n for n in self.kb.glossary if n.report_id == p.report_id and n.number == p.note), None)
        if note is None or any(match_form(f) in query.text for f in note.forms):
            return None
        definition = match_form(note.definition)
        described = [g.word for g in query.groups if not g.frame and not g.verb
                     and any(alt in definition for alt in g.alternatives + g.related)]
        said = query.text
        for word in sorted(described, key=len, reverse=True):
            said = said.replace(word, "")
        return said + min(note.forms, key=len)

    def _out_of_scope(self, query: Query) -> str | None:
        r = query.report
        # A year of a five-year review is the report's when a span is asked ('from 2018 to 2022');
        # alone ('2020年GDP'), the review gives it no figure of its own.
        covered = (r.year, r.review_year, r.plan_year, *r.target_years, *(r.review_years if query.wants_span else ()))
        if query.explicit_year and query.explicit_year not in covered:
            if not any(str(query.explicit_year) in p.text for p in self.kb.by_report[r.id]):
                return f"报告只涉及{r.review_year}年和{r.plan_year}年"
        if not query.define_term and all(_NUMBER_ONLY.fullmatch(g.word) for g in query.groups):
            return "问题里没有可查的内容"
        return None

    def _sources(self, hits: list[Hit]) -> list[Source]:
        seen, out = set(), []
        for h in hits:
            key = (h.passage.report_id, h.passage.paragraph, h.passage.sentence)
            if key in seen:
                continue
            seen.add(key)
            out.append(Source(_cut(h.passage.sentence_text), h.passage.section, h.score, h.passage.id))
        return out

    def _glossary_answer(self, note: GlossaryNote, hits: list[Hit], base: dict) -> Answer:
        text = f"“{note.name}”:{note.definition}"
        sources = []
        if note.used_text:
            sources.append(Source(_cut(note.used_text), note.used_section, 1.0, note.used_passage_id))
        sources += [s for s in self._sources(hits[:4]) if s.passage_id != note.used_passage_id]
        where = f"报告注释{note.number}" + (f"(正文见 {note.used_section})" if note.used_section else "")
        base = {**base, "report_title": self.kb.reports[note.report_id].title, "report_id": note.report_id}
        return Answer(answered=True, kind="glossary", answer=text, citation=f"摘自:{where}", sources=sources[:4],
                      terms=[note], passage_id=note.used_passage_id, **base)

    def _heading_body(self, p: Passage) -> str | None:
        """A lead phrase ('实施企业培育“三大行动”。') answers with what it heads: the sentences under it."""
        heading = p.sentence_text.rstrip("。")
        if heading not in (p.subtopic, p.topic):
            return None
        under = []
        for x in self.kb.paragraphs[(p.report_id, p.paragraph)]:
            same = x.subtopic == p.subtopic if heading == p.subtopic else not x.subtopic
            if x.sentence > p.sentence and same and x.sentence_text not in under:
                under.append(x.sentence_text)
        if not under:
            return None
        body = "".join(under)
        if len(heading) + len(body) + 8 > MAX_ANSWER_CHARS:
            # Keep each sentence's opening and the clauses that name things (quoted, numbered).
            body = "".join(_gist(s) for s in under)
        return f"{heading}:{body}"

    @staticmethod
    def _figure_text(p: Passage, query: Query) -> str:
        return _focus(p.text, query) if len(p.text) > 90 else p.text

    def _second_part(self, query: Query, p: Passage) -> str:
        """'几个校建工程,几个装修改造工程?': a question asking two things may find the second in
        another clause of the same year; add it."""
        if len(_ASKS.findall(query.raw)) < 2 and not _EACH.search(query.text):
            return ""
        missing = [g for g in query.groups if not g.frame and len(g.word) >= 2
                   and not any(alt in p.norm for alt in g.alternatives + g.related)]
        # Look in the same paragraph, the clauses of the same sentence first.
        nearby = [o for o in self.kb.paragraphs[(p.report_id, p.paragraph)] if o.id != p.id and _DIGIT.search(o.text)]
        nearby.sort(key=lambda o: (o.sentence != p.sentence, abs(o.sentence - p.sentence), o.clause))
        best, best_hits = None, 0
        for o in nearby:
            hits = sum(1 for g in missing if any(alt in o.norm for alt in g.alternatives + g.related))
            if hits > best_hits:
                best, best_hits = o, hits
        return self._figure_text(best, query) if best else ""

    @staticmethod
    def _other_year(query: Query, best: Hit, rest: list[Hit]) -> Hit | None:
        if query.year or query.wants_plan or query.wants_past:
            return None
        for other in rest[:6]:
            if (other.passage.role in ("review", "plan") and other.passage.role != best.passage.role
                    and other.coverage >= best.coverage * 0.8 and other.coverage >= MIN_COVERAGE
                    and _DIGIT.search(other.passage.text)):
                return other
        return None

    def _passage_answer(self, query: Query, best: Hit, rest: list[Hit], base: dict) -> Answer:
        p = best.passage
        has_number = bool(_DIGIT.search(p.text))
        label = _period(p)
        # 'What was the per capita income…' asks no 多少, but its unit (money) asks a number all the same.
        asks_number = query.wants_number or any(u not in ("date", "rank") for u in query.units)
        if asks_number and has_number and p.role in ("review", "plan"):
            kind = "figure"
            if query.wants_list and p.sentence_text.count(";") >= 2:
                # '主要预期目标有哪些': the whole list, not its first item.
                text = f"{label}:{p.sentence_text}"
            else:
                text = f"{label}:{self._figure_text(p, query)}"
            text += self._second_part(query, p)
            other = self._other_year(query, best, rest)
            if other:
                # No year said and the report has the indicator for both: give both, each labelled.
                o = other.passage
                text += f"\n{o.year}年{'计划' if o.role == 'plan' else ''}:{self._figure_text(o, query)}"
        else:
            kind = "passage"
            text = p.text if p.role == "meta" else self._heading_body(p) or p.sentence_text
            if query.wants_list:
                # '有哪些地方…': near-equal passages elsewhere name the other items of the list.
                for other in rest[:3]:
                    if (other.score >= best.score * 0.93 and other.coverage >= MIN_COVERAGE
                            and other.passage.role == p.role and other.passage.report_id == p.report_id
                            and other.passage.sentence_text not in text
                            and len(text) + len(other.passage.sentence_text) <= MAX_ANSWER_CHARS - 12):
                        text += other.passage.sentence_text
            if label:
                text = f"{label}:{text}"
        notes = [n for n in self.kb.glossary if n.report_id == p.report_id and any(f in p.sentence_text for f in n.forms)]
        sources = self._sources([best] + rest)[:4]
        base = {**base, "report_title": self.kb.reports[p.report_id].title, "report_id": p.report_id}
        return Answer(answered=True, kind=kind, answer=text, citation=f"摘自:{p.section}", sources=sources,
                      terms=notes, passage_id=p.id, **base)

    # What the chat shows besides answers.

    def examples(self, report: ReportInfo | None = None) -> list[str]:
        """Example questions from the report's own figures and notes (bot.answer.examples)."""
        from bot.answer.examples import example_questions

        report = report or self.kb.newest
        if report.id not in self._examples:
            self._examples[report.id] = example_questions(self.kb, report)
        return self._examples[report.id]

    def paragraph_text(self, passage_id: int) -> tuple[str, str] | None:
        """(whole paragraph, section) of a passage: the 原文 button."""
        p = self.kb.passages.get(passage_id)
        if p is None:
            return None
        parts = self.kb.paragraphs[(p.report_id, p.paragraph)]
        seen, sentences = set(), []
        for x in parts:
            if x.sentence not in seen:
                seen.add(x.sentence)
                sentences.append(x.sentence_text)
        section = re.split(" › ", p.section)
        return "".join(sentences), " › ".join(section[:3])

    def glossary_notes(self, report_id: str | None = None) -> list[GlossaryNote]:
        report_id = report_id or self.kb.newest.id
        return [n for n in self.kb.glossary if n.report_id == report_id]

    def lookup_note(self, term: str) -> GlossaryNote | None:
        """The note a user names, with typos and Traditional characters forgiven."""
        query = understand(self.kb, f"{term}是什么意思")
        if not query.define_term and not query.groups:
            return None
        note, score = match_glossary(self.kb, query)
        return note if note and score >= 0.6 else None
