"""What a parsed report is: small dataclasses, no behaviour beyond naming things."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The lists reports announce by name ('十件民生实事', '为民办实事项目', '惠民工程'): read when a
# report is parsed (the items under an announcement) and when it is answered (a part named so).
LIST_NAMED = re.compile(r"实事|民生工程|惠民工程")
# A part on the goals of a new government's term ('二、今后五年的目标任务').
FIVE_YEAR_PLAN_PART = re.compile(r"今后五年|未来五年|五年(?:的)?(?:奋斗)?目标")


@dataclass
class ReportMeta:
    title: str = ""
    district: str = ""  # the report's own place, whatever its level: 西湖区, 九江市, 广西壮族自治区, 全国
    city: str = ""  # the place above it: 南昌市 (empty for a province or the national report)
    year: int = 0  # the year of the report: the year it plans (2022)
    review_year: int = 0  # the (last) year it reviews (2021)
    plan_year: int = 0  # the year it plans (2022)
    review_years: list[int] = field(default_factory=list)  # [2021], or [2018, ..., 2022] for a five-year review
    target_years: list[int] = field(default_factory=list)  # later years the plan sets goals for: 到2025年, a five-year plan part
    level: str = ""  # national | province | city | county
    province: str = ""  # 江西省
    place_code: str = ""  # the division code, 360103
    place_names: list[str] = field(default_factory=list)  # 南昌市西湖区, 西湖区, 西湖, 全区, xihu district, …
    draft: bool = False  # （征求意见稿）
    form: str = ""  # the form the file came in: text | html | pdf | docx
    speaker: str = ""  # 陶亿国
    speaker_title: str = ""  # 西湖区人民政府区长
    meeting: str = ""  # 西湖区第十七届人民代表大会第二次会议
    meeting_date: str = ""  # 2022-02-11
    published: str = ""  # 2022-02-16
    publisher: str = ""  # 西湖区政府办公室
    index_no: str = ""  # 索引号
    punctuation: str = ""  # 'fullwidth' when the source writes '，' and '（' (replies quote it so)
    warnings: list[str] = field(default_factory=list)  # what was guessed or could not be read


@dataclass
class Sentence:
    text: str
    clauses: list[str]  # the sentence cut at ';', each one fact or indicator


@dataclass
class Paragraph:
    number: int
    part: str  # 2021年工作回顾 / 2022年工作任务 / 《政府工作报告》注释 / 开场
    role: str  # review | plan | intro | closing
    chapter: str  # (一)稳增长扩总量,综合实力迈上新台阶 or ""
    topic: str  # the lead phrase that opens the paragraph, or ""
    text: str
    sentences: list[Sentence] = field(default_factory=list)
    subtopics: list[str] = field(default_factory=list)  # per sentence: the sub-lead in force ("" if none)


@dataclass
class Note:
    number: int
    term: str  # as written in the notes: “胡子工程”
    forms: list[str]  # the ways the text names it: 胡子工程, ...
    definition: str


@dataclass
class NoteUse:
    number: int
    paragraph: int
    sentence: int
    form: str  # the words the marker was glued to


@dataclass
class Anomaly:
    paragraph: int | None
    original: str
    replacement: str | None  # None: flagged and left as published
    reason: str


@dataclass
class Report:
    slug: str
    source: str
    meta: ReportMeta
    paragraphs: list[Paragraph]
    notes: list[Note]
    note_uses: list[NoteUse]
    anomalies: list[Anomaly]
