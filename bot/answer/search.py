"""Rank the passages of a report for a question.

FTS5 (BM25 over jieba tokens) proposes candidates and gives a lexical prior; every passage of the
report is then scored by how much of the question it covers — each content word or one of its
aliases found in the passage, weighted by rarity, with rapidfuzz partial matching so near-misses
still count — and by whether its year and kind fit the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.answer.knowledge_base import GlossaryNote, KnowledgeBase, Passage, list_part, match_form
from bot.answer.query import (CONTRASTS, HELD_CONTRASTS, KIND_NOT_NAME, NAME_FREQUENCY, SITE_SUFFIX, SPAN, Query, TermGroup, idf, own_place_names, site_names,
                       units_fit)

_HAS_NUMBER = re.compile(r"\d")


@dataclass
class Hit:
    passage: Passage
    score: float
    coverage: float  # share of the question's weighted words found in the passage (0..1)


def _fts_match(query: Query) -> str:
    words = {alt for g in query.groups for alt in g.alternatives + g.related if len(alt) >= 2}
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in sorted(words))


LOOSE_CREDIT = 0.4  # a word of the same thesaurus class: evidence, far from saying it


def _exact_credit(kb: KnowledgeBase, report_id: str, group: TermGroup) -> dict[int, float]:
    """{passage id: credit} for one question word: 1 where the passage says it in the report's
    own terms, a little less in another name for it (the report's '地区生产总值' beats a literal
    'GDP' inside '人均GDP'), 0.5 where only its section title says it, 0.3 where another clause
    of its sentence does ('预期' in '主要预期目标是:' for each target listed after it)."""
    credit: dict[int, float] = {}
    for alt in group.loose:
        for pid in kb.containing(report_id, alt):
            credit[pid] = LOOSE_CREDIT
    for alt in group.alternatives:
        # The other clauses of the same sentence, and the section title, are the clause's context.
        for where, share in (("sentence_norm", 0.3), ("context", 0.5)):
            for pid in kb.containing(report_id, alt, where):
                credit[pid] = max(credit.get(pid, 0.0), share)
    for alt in group.related:
        if len(alt) >= 2 or not alt.isascii():
            for pid in kb.containing(report_id, alt):
                credit[pid] = max(credit.get(pid, 0), 0.85)
    for alt in group.alternatives:
        ends_words = _verb_ending_words(kb, report_id, alt) if group.verb and len(alt) == 1 else None
        for pid in kb.containing(report_id, alt):
            # A person's one-character verb is said where it ends a word of the report ('装' of
            # 加装); where it only starts one ('修' of 生态修复) another verb holds it: evidence.
            credit[pid] = 1.0 if ends_words is None or pid in ends_words else max(credit.get(pid, 0.0), LOOSE_CREDIT)
    return credit


def _verb_ending_words(kb: KnowledgeBase, report_id: str, char: str) -> frozenset[int]:
    """Passages where the character ends a two-character word of the vocabulary ('加装', '新建')."""
    memo = kb.__dict__.setdefault("_verb_ending_words", {})
    key = (report_id, char)
    if key not in memo:
        freq = kb.tokenizer.freq
        memo[key] = frozenset(pid for pid in kb.containing(report_id, char)
                              if any(i > 0 and freq(kb.passages[pid].norm[i - 1:i + 1]) > 0
                                     for i, c in enumerate(kb.passages[pid].norm) if c == char))
    return memo[key]


def _fuzzy_credit(group: TermGroup, p: Passage) -> float:
    """Near-misses the typo corrector left: a long word found with one or two characters off."""
    near = any(fuzz.partial_ratio(alt, p.norm, score_cutoff=80) for alt in group.alternatives if len(alt) >= 3)
    return 0.6 if near else 0.0


def _contrast_factor(query: Query, p: Passage) -> float:
    sides = query.__dict__.get("_contrast_sides")
    if sides is None:  # the pairs the question takes one side of, found once per question
        # Said in the question's words or read as the report's word ('病床' is 医疗床位). Not an
        # English word's gloss: one side glossed ('rural' 农村) and the other not ('urban') is no side taken.
        said = " ".join([query.text] + [g.alternatives[0] for g in query.groups if g.alternatives and not g.word.isascii()])
        sides = query.__dict__["_contrast_sides"] = [
            (asked, other) for a, b in CONTRASTS for asked, other in ((a, b), (b, a))
            if asked in said and other not in said or asked in query.text and other not in query.text]
    for asked, other in sides:
        if other in p.norm and asked not in p.norm:
            # The passage is about the other side of the pair: its number is not the one asked.
            return 0.3
    held = query.__dict__.get("_held_contrasts")
    if held is None:
        alternatives = {alt for g in query.groups for alt in g.alternatives}
        held = query.__dict__["_held_contrasts"] = [
            (short, long, tuple(next(g.alternatives for g in query.groups if short in g.alternatives)))
            for short, long in HELD_CONTRASTS
            if short in alternatives and not any(long in alt for alt in alternatives) and long not in query.text]
    for short, long, said in held:
        if long in p.norm:
            rest = p.norm.replace(long, " ")
            if not any(alt in rest for alt in said):
                return 0.3  # '出口' said only inside '进出口额', not on its own ('其中出口932.5亿元')
    return 1.0


def rank(kb: KnowledgeBase, query: Query, limit: int = 8, rerank: int = 40) -> list[Hit]:
    report_id = query.report.id
    weights = [term_weight(kb, report_id, g) for g in query.groups]
    total = sum(weights)
    if not total:
        return []
    credits = [_exact_credit(kb, report_id, g) for g in query.groups]
    covered: dict[int, float] = {}
    for credit, w in zip(credits, weights):
        for pid, c in credit.items():
            covered[pid] = covered.get(pid, 0.0) + w * c
    prior = dict(kb.fts(_fts_match(query), report_id))
    top_prior = max(prior.values(), default=1.0) or 1.0
    # Candidates: the FTS5 hits and the best exact covers; rapidfuzz then re-ranks them,
    # crediting the words they miss only by a character or two.
    candidates = sorted(set(covered) | set(prior), key=lambda pid: -covered.get(pid, 0.0))[:rerank]
    hits = []
    for pid in candidates:
        p = kb.passages[pid]
        cover = covered.get(pid, 0.0)
        for g, credit, w in zip(query.groups, credits, weights):
            if pid not in credit and len(g.word) >= 3:
                cover += w * _fuzzy_credit(g, p)
            elif g.verb and credit.get(pid, 0.0) > LOOSE_CREDIT and not _verb_beside_thing(query, g, p):
                # '一共修了多长的路': 建成 said of another thing of the clause ('…农村公路提档升级58公里,
                # 建成…示范线3条') is no evidence that the road was built.
                cover -= w * (credit[pid] - LOOSE_CREDIT)
        coverage = cover / total * _contrast_factor(query, p)
        if coverage <= 0:
            continue
        bonus = FIGURE_OF_TERM if _gives_figure_of(kb, query, pid) else 0.0
        hits.append(Hit(p, coverage + 0.08 * prior.get(pid, 0.0) / top_prior + _fit(query, p) + bonus, coverage))
    hits.sort(key=lambda h: (-h.score, h.passage.id))
    return hits[:limit]


_PIECE_BREAK = re.compile(r"[,;，；、。]")


def _verb_beside_thing(query: Query, verb: TermGroup, p: Passage) -> bool:
    """Is the everyday verb's report word said in a piece of the clause that names a thing the
    question asks about? With no thing matched in the passage, the verb stands on its own."""
    things = [alt for g in query.groups if not g.verb and not g.frame for alt in g.alternatives + g.related if len(alt) >= 2]
    pieces = [piece for piece in _PIECE_BREAK.split(p.norm) if any(alt in piece for alt in things)]
    if not pieces:
        return True
    return any(alt in piece for piece in pieces for alt in verb.alternatives)


# A passage whose figure is of the very thing asked ('全年实现地区生产总值3053.6亿元') ranks above one
# that only names it around another figure ('单位地区生产总值能耗下降3.4%', '占地区生产总值比重').
FIGURE_OF_TERM = 0.05
_SCOPE = re.compile(r"^(?:全区|全县|全市|全省|全国|全旗|全州|全年|当年|年度|实现|完成|累计|接待|国内外|海内外|中外|外贸)+")


def _indicators(kb: KnowledgeBase) -> dict[int, set[str]]:
    """{passage id: the indicators its figures are of, without a scope or a 实现 before them
    ('全县实现地区生产总值' is 地区生产总值)}."""
    table = kb.__dict__.get("_indicators")
    if table is None:
        table = kb.__dict__["_indicators"] = {}
        for f in kb.figures:
            indicator = match_form(_SCOPE.sub("", f.get("indicator") or ""))
            if len(indicator) >= 2:
                table.setdefault(f["passage_id"], set()).add(indicator)
    return table


def _gives_figure_of(kb: KnowledgeBase, query: Query, pid: int) -> bool:
    """Is one of the passage's figures of exactly a thing the question names? (An indicator that
    only ends in it may be another thing: '人均地区生产总值', '单位地区生产总值能耗'.) Not when the
    passage names a site the question does not: '余村景区接待…游客128万人次' is one site's."""
    indicators = _indicators(kb).get(pid)
    if not indicators:
        return False
    asked = query.__dict__.get("_asked_words")
    if asked is None:
        asked = query.__dict__["_asked_words"] = frozenset(alt for g in query.groups if not g.frame for alt in g.alternatives)
    matched = [i for i in indicators if i in asked or _said_whole(i, asked)]
    if not matched:
        return False
    # Not one site's ('余村景区接待…游客128万人次', '安丰镇中心幼儿园新园区启用,新增学位540个'): up
    # to the clause that gives the figure, no site the question does not name ('全年接待游客
    # 3860万人次,…,鸿恩寺公园创成…' is the whole's).
    clauses = CLAUSE_MARKS.split(kb.passages[pid].norm)
    upto = next((n for n, c in enumerate(clauses) if any(i in c for i in matched)), len(clauses) - 1)
    before = "".join(clauses[:upto + 1])
    return not any(name not in query.text and name in before for name in _sites_named(kb, pid))


# Where a sentence's clauses part.
CLAUSE_MARKS = re.compile(r"[,;。:]")


def _said_whole(indicator: str, asked: frozenset) -> bool:
    """Is the indicator made of the question's words and nothing else ('改造老旧小区' of 改造 and
    老旧小区), unlike one that only holds them ('在老旧小区改造中嵌入社区托育点')?"""
    rest = indicator
    for word in sorted(asked, key=len, reverse=True):
        if len(word) >= 2:
            rest = rest.replace(word, "")
    return not rest and len(indicator) >= 4


def _sites_named(kb: KnowledgeBase, pid: int) -> list[str]:
    memo = kb.__dict__.setdefault("_sites_named", {})
    if pid not in memo:
        memo[pid] = site_names(kb, kb.passages[pid].norm)
    return memo[pid]


def known_to_report(kb: KnowledgeBase, report_id: str, g: TermGroup) -> bool:
    """Does the report use the word, in its own form or another name for it?"""
    text = kb.report_text(report_id)
    return any(alt in text for alt in g.alternatives + g.related)


def unknown_share(kb: KnowledgeBase, query: Query, p: Passage) -> float:
    """The share of the question's weight in words of two or more characters that the report
    never uses at all and the passage does not match either."""
    weights = [term_weight(kb, query.report.id, g) for g in query.groups]
    total = sum(weights) or 1.0
    unknown = 0.0
    for g, w in zip(query.groups, weights):
        if len(g.word) < 2 or g.frame or g.verb or _exact_credit(kb, query.report.id, g).get(p.id):
            continue
        if not known_to_report(kb, query.report.id, g):
            unknown += w
    return unknown / total


def matches_rarest(kb: KnowledgeBase, query: Query, p: Passage) -> bool:
    """Does the passage say the question's rarest word among those the report uses at all?
    ('洪城科贷通…贷款' answered with another loan is not an answer.)"""
    report_id = query.report.id
    said = [g for g in query.groups if not g.frame and known_to_report(kb, report_id, g)]
    # Single characters say little, unless they are all the question has ('种了多少亩树').
    present = [g for g in said if len(g.word) >= 2] or said
    if not present:
        return False
    weights = {id(g): term_weight(kb, report_id, g) for g in present}
    top = max(weights.values())
    text = kb.report_text(report_id)

    def says(g: TermGroup) -> bool:
        credit = _exact_credit(kb, report_id, g).get(p.id, 0.0)
        # A word the report itself uses must be said as such: a thesaurus neighbour ('问题' for
        # 事故) is not the thing asked about.
        return credit >= 1.0 if any(alt in text for alt in g.alternatives) else credit > 0
    return all(says(g) for g in present if weights[id(g)] >= 0.9 * top)


def misses_report_word(kb: KnowledgeBase, query: Query, p: Passage) -> bool:
    """Does the passage miss a word of the question that the report itself uses (not a frame
    word, not an everyday verb)? '规上工业总产值' is not answered by '农林牧渔业总产值': the
    passage may cover less of the question only when what it misses is everyday talk."""
    text = kb.report_text(query.report.id)
    places = own_place_names(query.report)
    for g in query.groups:
        # English is matched through loose glosses; '五年' through the passage's span.
        # A verb is said many ways ('引进' of 外资 the report gives as 利用): the things named count.
        if g.frame or g.verb or len(g.word) < 2 or g.word.isascii() or SPAN.search(g.word) or kb.tokenizer.is_verb(g.word):
            continue
        if any(g.word in name for name in places):
            continue  # '前旗' of 鄂托克前旗: where, not what
        if any(alt in text for alt in g.alternatives) and not _exact_credit(kb, query.report.id, g).get(p.id):
            return True
    return False


# A word in this many passages or fewer names one particular thing ('百花洲', '糖料蔗').
RARE_NAME_PASSAGES = 3


def names_a_site(kb: KnowledgeBase, word: str) -> bool:
    return word not in KIND_NOT_NAME and (bool(SITE_SUFFIX.search(word)) or kb.tokenizer.is_place(word))


def rare_site(kb: KnowledgeBase, report_id: str, word: str, forms: list[str] | None = None) -> bool:
    """Does the word name one particular place the report mentions (in one of `forms`, the
    word itself by default) in a few passages only ('拙政园', '东林寺景区'): rare in the report
    and in the dictionary?"""
    if not names_a_site(kb, word) or kb.tokenizer.freq(word) >= NAME_FREQUENCY:
        return False
    counts = [c for c in (len(kb.containing(report_id, f)) for f in forms or [word]) if c]
    return bool(counts) and min(counts) <= RARE_NAME_PASSAGES


def rare_names(kb: KnowledgeBase, query: Query) -> list[TermGroup]:
    """The question's words that are rare sites (rare_site)."""
    return [g for g in query.groups
            if not (g.frame or g.verb or len(g.word) < 2 or g.word.isascii())
            and rare_site(kb, query.report.id, g.word, g.alternatives)]


def misses_rare_name(kb: KnowledgeBase, query: Query, p: Passage) -> bool:
    """Does the question name, as its weightiest word, one particular thing the report mentions
    in a few places only, and the passage's sentence not? Then the passage's number is about
    something else ('百花洲接待游客多少人次' is not answered by 滕王阁's visitors)."""
    report_id = query.report.id
    named = []
    for g in query.groups:
        if g.frame or len(g.word) < 2 or g.word.isascii() or g.word in KIND_NOT_NAME:  # English translates loosely: no names
            continue
        if g.verb or not g.site and kb.tokenizer.is_verb(g.word):
            continue  # what was done ('装好' read as 建成投用) names no particular thing
        counts = [len(kb.containing(report_id, alt)) for alt in g.alternatives + g.related]
        present = [c for c in counts if c]
        if present:
            named.append((g, min(present), term_weight(kb, report_id, g)))
    if not named:
        return False
    top = max(w for _g, _c, w in named)
    # A name, not a common word the report happens to use rarely ('比重'): rare in the
    # dictionary too. A site's name the report uses ('神农城') is a name however often it is said.
    return any((g.site or c <= RARE_NAME_PASSAGES and w >= 0.9 * top and kb.tokenizer.freq(g.word) < NAME_FREQUENCY)
               # A site's figure is said in the clause that names it, not in another clause of the
               # sentence ('…;神农城举办…;…接待游客63万人次').
               and not any(alt in (p.norm if g.site else p.sentence_norm)
                           or (p.topic.endswith(":") or list_part(p.section)) and alt in p.context
                           for alt in g.alternatives + g.related)  # an item of '办好十件民生实事:' or of '四、为民办实事'
               and not all(ch in (p.norm if g.site else p.sentence_norm) for ch in g.word)  # '省市' in '省、市各类'
               for g, c, w in named)


def _report_indicators(kb: KnowledgeBase, report_id: str) -> frozenset[str]:
    """The indicators the report gives figures of, as written before them ('地区生产总值')."""
    memo = kb.__dict__.setdefault("_report_indicators", {})
    if report_id not in memo:
        table = _indicators(kb)
        memo[report_id] = frozenset(i for pid, found in table.items() if kb.passages[pid].report_id == report_id for i in found)
    return memo[report_id]


def prepare(kb: KnowledgeBase) -> None:
    """Build the figure tables the ranking reads (each passage's indicators, each report's) when
    the knowledge is opened, not inside the first question's answer time."""
    for report_id in {p.report_id for p in kb.passages.values()}:
        _report_indicators(kb, report_id)


def misses_indicator(kb: KnowledgeBase, query: Query, p: Passage) -> bool:
    """Does the question name an indicator the report gives figures of elsewhere ('固定资产投资',
    '地区生产总值'), which the passage does not say? Its number is then of another indicator
    ('区属社会消费品零售总额完成381.46亿元' for '全社会固定资产投资总额是多少')."""
    indicators = _report_indicators(kb, query.report.id)
    for g in query.groups:
        if g.frame or g.verb or g.site or g.word.isascii():
            continue
        # The report's own word as the question writes it: an everyday word read as a report
        # word ('老楼' as 老旧小区) names the thing too loosely to rule a passage out.
        if len(g.word) >= 4 and g.word in g.alternatives and any(i.endswith(g.word) for i in indicators) \
                and not any(alt in p.norm for alt in g.alternatives + g.related):
            return True
        # What is measured ('税收', '货邮吞吐量', '氨氮浓度'), said of a site or a thing the passage
        # names, with another measure there ('花园路商圈…销售额318.5亿元').
        if _MEASURE_HEAD.search(g.word) and not any(alt in p.norm for alt in g.alternatives + g.related + g.loose):
            return True
    return False


# Words that name what a figure measures, not the thing it is of.
_MEASURE_HEAD = re.compile(r"(?:税收|浓度|吞吐量|产值|增加值|销售额|营业收入|交易额|保有量|销量|产量|价格|均价|房价|单价|租金)$")


def term_weight(kb: KnowledgeBase, report_id: str, g: TermGroup) -> float:
    # The rarity of the report's own words for it; its other everyday forms only when the report
    # uses none of them ('建了' found once must not make '盖了 -> 建成' a rare word).
    own = [alt for alt in g.alternatives if kb.containing(report_id, alt)]
    w = idf(kb, report_id, own or g.alternatives + g.related)
    if len(g.word) == 1:
        w *= 0.4  # one character says little: '树', '钱'
    if g.frame:
        w *= 0.3
    return w * g.weight


def _fit(query: Query, p: Passage) -> float:
    """How well the passage's year and kind fit what the question asks for."""
    bonus = 0.0
    if p.span:
        # '过去五年年均增长多少' wants the five-year sentence; '2021年…多少' the year's own figure.
        # A year asked ('去年…完成了多少') is answered by that year's figure, not a five-year total.
        bonus += 0.08 if query.wants_span else (-0.2 if query.year else -0.12 if query.wants_number else 0.0)
    if query.year and p.year:
        bonus += 0.06 if p.year == query.year else -0.35
    elif query.wants_plan and p.role == "plan" or query.wants_past and p.role == "review":
        bonus += 0.06
    elif query.wants_plan and p.role == "review":
        bonus -= 0.04
    elif not query.wants_plan and p.role == "review":
        bonus += 0.02  # no year said: what was done is a fact, what is planned a promise
    if query.wants_number:
        bonus += 0.06 if _HAS_NUMBER.search(p.text) else -0.08
    if query.units and p.units:
        bonus += 0.06 if units_fit(query.units, p.units) else -0.15
    if p.role in ("intro", "closing"):
        bonus -= 0.05
    if p.role == "note" and query.asks_quantity and not query.define_term:
        # A note explains a term: its numbers are part of the definition ('货值15万美元以下'),
        # not what was done or planned, which a passage of the review or plan reports.
        bonus -= NOTE_FOR_A_NUMBER
    return bonus


NOTE_FOR_A_NUMBER = 0.15


def match_glossary(kb: KnowledgeBase, query: Query) -> tuple[GlossaryNote | None, float]:
    """The note the question names (its term as written, or within a typo), and how sure (0..1)."""
    own = [n for n in kb.glossary if n.report_id == query.report.id]
    best, best_score = _best_note(own, query)
    if best_score < 0.8:
        # A term explained only in another report ('口袋公园' in last year's): look there too.
        other, other_score = _best_note([n for n in kb.glossary if n.report_id != query.report.id], query)
        if other_score > best_score:
            best, best_score = other, other_score
    return best, best_score


def _best_note(notes: list[GlossaryNote], query: Query) -> tuple[GlossaryNote | None, float]:
    best, best_score = None, 0.0
    for note in notes:
        for form in note.forms:
            form_n = form.lower()
            if form_n in query.text:
                score = 1.0 if len(form_n) >= 3 else 0.9
            elif query.define_term:
                score = fuzz.ratio(query.define_term, form_n) / 100
                if len(query.define_term) > len(form_n):
                    score = max(score, fuzz.partial_ratio(form_n, query.define_term) / 100 - 0.1)
            else:
                continue
            if score > best_score:
                best, best_score = note, score
    return best, best_score
