"""Turn the text of a published work report into a Report: metadata, parts, chapters, lead
phrases, paragraphs, sentences, notes and the places that cite them.

The text arrives as copied from a government web page: navigation furniture, a title, a
meeting line split in two, the speech, then the notes. Pure Python; no Telegram, no SQLite.
"""

from __future__ import annotations

import re
import unicodedata

from bot.errors import NotAReportError
from bot.report import Anomaly, Note, NoteUse, Paragraph, Report, ReportMeta, Sentence
from bot.repairs import repair

# Lines of the web page around the report. Their metadata is read before they are dropped.
_FURNITURE = re.compile(
    r"^(您现在所在的位置|当前位置|分享到|索引号|发布机构|文件编号|公开范围|主题分类|生成日期|发布日期|"
    r"•|·|浏览量|字体|【|关联稿件|相关稿件|手机扫码浏览|扫一扫|打印|关闭|来源[::])"
)
_TITLE = re.compile(r"^(\d{4})年(.{0,30}?)人民政府工作报告$")
_PART_REVIEW = re.compile(r"^(\d{4})年(?:工作)?回顾$|^(\d{4})年工作回顾$|^过去一年工作回顾$")
_PART_PLAN = re.compile(r"^(\d{4})年(?:工作任务|工作安排|主要任务|重点工作)$")
_PART_NOTES = re.compile(r"^《?政府工作报告》?(?:注释|名词解释)$|^(?:注释|名词解释)$")
_CHAPTER = re.compile(r"^\(([一二三四五六七八九十]+)\)(.+)$")
_NOTE_LINE = re.compile(r"^(\d{1,2})[.、](.+?)[::](.+)$")
_SPEAKER = re.compile(r"^(.{2,20}?人民政府)(代?(?:区长|市长|县长|省长|州长|旗长|主席))(.{2,4})$")
_MEETING_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_SENTENCE_END = re.compile(r"(?<=[。!?])")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CLOSING = re.compile(r"^各位代表[!!]")


def _lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text)
    return [line.strip() for line in text.split("\n")]


def _read_page_meta(lines: list[str], meta: ReportMeta) -> None:
    for line in lines[:40]:
        if m := re.search(r"生成日期[::]\s*(\d{4}-\d{2}-\d{2})", line):
            meta.published = m.group(1)
        if m := re.search(r"发布日期[::]\s*(\d{4}-\d{2}-\d{2})", line):
            meta.published = meta.published or m.group(1)
        if m := re.search(r"发布机构[::]\s*(\S+)", line):
            meta.publisher = m.group(1)
        if m := re.search(r"索引号[::]\s*(\S+)", line):
            meta.index_no = m.group(1)


def _split_place(name: str) -> tuple[str, str]:
    """'南昌市西湖区' -> ('南昌市', '西湖区'); '西湖区' -> ('', '西湖区')."""
    m = re.match(r"^(.{2,8}?[省市州])?(.{2,8}?[区县市旗])$", name)
    if not m:
        return "", name
    return m.group(1) or "", m.group(2)


def _sentences(text: str) -> list[Sentence]:
    out = []
    for raw in _SENTENCE_END.split(text):
        raw = raw.strip()
        if not raw:
            continue
        clauses = [c for c in re.split(r"(?<=;)", raw) if c.strip()]
        out.append(Sentence(raw, clauses))
    return out


def _is_lead(sentence: str, first: bool) -> bool:
    """Lead phrases ('经济指标提速进位首位度提升。', '坚持规划引导作用,强化产业布局。') are short and carry no figures."""
    body = sentence.rstrip("。")
    if re.search(r"\d", body) or body.endswith(":"):
        return False
    if first:
        return len(body) <= 20 and not body.startswith(("各位代表", "现在", "同时", "对此"))
    return len(body) <= 12 and "," not in body and "、" not in body


class _Builder:
    def __init__(self, slug: str, source: str):
        self.slug, self.source = slug, source
        self.meta = ReportMeta()
        self.paragraphs: list[Paragraph] = []
        self.notes: list[Note] = []
        self.anomalies: list[Anomaly] = []
        self.part, self.role, self.chapter = "开场", "intro", ""

    def add_paragraph(self, text: str) -> None:
        text, fixes = repair(text)
        number = len(self.paragraphs)
        for fix in fixes:
            self.anomalies.append(Anomaly(number, fix.original, fix.replacement, fix.reason))
        if text.startswith("各位代表") and self.chapter:
            self.chapter = ""  # '各位代表,回顾过去的一年…' closes the part: it belongs to no chapter
        role = "closing" if self.role == "plan" and _CLOSING.match(text) else self.role
        self.paragraphs.append(Paragraph(number, self.part, role, self.chapter, "", text))


def _merge_list_lines(lines: list[str]) -> list[str]:
    """A list announced by '…目标是:' arrives one item a line ('地区生产总值增长7%以上;'): one paragraph."""
    merged: list[str] = []
    for line in lines:
        if merged and merged[-1].endswith((":", ";")) and line.endswith((";", "。")) and not _CHAPTER.match(line):
            merged[-1] += line
        else:
            merged.append(line)
    return merged


def parse_report(text: str, slug: str, source: str = "") -> Report:
    """Parse the whole published text. Raises NotAReportError naming what is missing."""
    name = source or slug
    lines = _lines(text)
    b = _Builder(slug, source)
    _read_page_meta(lines, b.meta)

    title_at = next((i for i, line in enumerate(lines) if _TITLE.match(line)), None)
    if title_at is None:
        raise NotAReportError(f"{name}: no title line like '2022年某某区人民政府工作报告' — is this a government work report?")
    m = _TITLE.match(lines[title_at])
    b.meta.title = lines[title_at]
    b.meta.year = int(m.group(1))
    b.meta.city, b.meta.district = _split_place(m.group(2))

    body = [line for line in lines[title_at + 1:] if line and not _FURNITURE.match(line)]
    body = _read_opening(body, b)
    for line in _merge_list_lines(body):
        if _read_structure(line, b):
            continue
        if b.role == "notes":
            _read_note(line, b)
        elif _HAN.search(line):
            b.add_paragraph(line)

    if not any(p.role == "review" for p in b.paragraphs) and not any(p.role == "plan" for p in b.paragraphs):
        raise NotAReportError(f"{name}: no part like '2021年工作回顾' or '2022年工作任务' — is this a government work report?")
    b.meta.review_year = b.meta.review_year or b.meta.year - 1
    b.meta.plan_year = b.meta.plan_year or b.meta.year
    for paragraph in b.paragraphs:
        _split_paragraph(paragraph)
    uses = link_notes(b.paragraphs, b.notes)
    return Report(slug, source, b.meta, b.paragraphs, b.notes, uses, b.anomalies)


def _read_opening(body: list[str], b: _Builder) -> list[str]:
    """Read the meeting line (split across lines by the page) and the speaker, return the rest."""
    i = 0
    if body and body[0].startswith(("——", "--", "—")):
        meeting = body[0].lstrip("—-")
        i = 1
        # The page breaks the meeting line mid-phrase ('…人民代表大会' / '第二次会议上'): join until it ends.
        while i < len(body) and not re.search(r"会议?上$", meeting) and not _SPEAKER.match(body[i]):
            meeting += body[i]
            i += 1
        fixed, fixes = repair(meeting)
        for fix in fixes:
            b.anomalies.append(Anomaly(None, fix.original, fix.replacement, fix.reason))
        if m := _MEETING_DATE.search(fixed):
            b.meta.meeting_date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        if m := re.search(r"在(.+?)上$", fixed):
            b.meta.meeting = m.group(1)
    if i < len(body) and (m := _SPEAKER.match(body[i])):
        b.meta.speaker_title = m.group(1) + m.group(2)
        b.meta.speaker = m.group(3)
        i += 1
    return body[i:]


def _read_structure(line: str, b: _Builder) -> bool:
    if m := _PART_REVIEW.match(line):
        b.part, b.role, b.chapter = line, "review", ""
        b.meta.review_year = int(m.group(1) or m.group(2) or b.meta.year - 1)
        return True
    if m := _PART_PLAN.match(line):
        b.part, b.role, b.chapter = line, "plan", ""
        b.meta.plan_year = int(m.group(1))
        return True
    if _PART_NOTES.match(line):
        b.part, b.role, b.chapter = line, "notes", ""
        return True
    if b.role in ("review", "plan") and _CHAPTER.match(line) and len(line) <= 40:
        b.chapter = line
        return True
    return False


def _read_note(line: str, b: _Builder) -> None:
    m = _NOTE_LINE.match(line)
    if not m:
        return
    term, definition = m.group(2).strip(), m.group(3).strip()
    b.notes.append(Note(int(m.group(1)), term, note_forms(term), definition))


def note_forms(term: str) -> list[str]:
    """The names a note goes by: the quoted words ('胡子工程') and the whole term without quotes."""
    quoted = re.findall(r"“([^”]+)”", term)
    plain = re.sub(r"[“”\"]", "", term)
    forms = []
    for form in [plain, *quoted]:
        if form and form not in forms:
            forms.append(form)
    return forms


def _split_paragraph(paragraph: Paragraph) -> None:
    paragraph.sentences = _sentences(paragraph.text)
    subtopic = ""
    opening = paragraph.sentences[0].clauses[0] if paragraph.sentences else ""
    if ":" in opening and len(opening.split(":")[0]) <= 24:
        # '今年经济社会发展的主要预期目标是:地区生产总值增长7%以上;…': the list is under its announcement.
        paragraph.topic = re.sub(r"(今年|是)", "", opening.split(":")[0])
    for i, sentence in enumerate(paragraph.sentences):
        if paragraph.role in ("review", "plan") and _is_lead(sentence.text, first=(i == 0)):
            if i == 0:
                paragraph.topic = sentence.text.rstrip("。")
            else:
                subtopic = sentence.text.rstrip("。")
        paragraph.subtopics.append(subtopic)


def link_notes(paragraphs: list[Paragraph], notes: list[Note]) -> list[NoteUse]:
    """Find each note's marker (the number glued after the term it explains), remove it from the
    text, and record where the note is used. Genuine numbers (遴选12 件, 10%) are not touched,
    because a marker must follow one of that note's own forms within a few characters."""
    uses: list[NoteUse] = []
    for note in notes:
        pattern = _marker_pattern(note)
        for paragraph in paragraphs:
            for s_index, sentence in enumerate(paragraph.sentences):
                m = pattern.search(sentence.text)
                if not m:
                    continue
                cut = m.start("marker"), m.end("marker")
                new_text = sentence.text[:cut[0]] + sentence.text[cut[1]:]
                sentence.clauses = [c.replace(m.group(0), m.group(0)[: m.start("marker") - m.start()], 1)
                                    for c in sentence.clauses]
                sentence.text = new_text
                paragraph.text = "".join(s.text for s in paragraph.sentences)
                uses.append(NoteUse(note.number, paragraph.number, s_index, m.group("form")))
                break
            else:
                continue
            break
    return uses


# A number followed by a measure word counts something ('“口袋公园”1座'): it is not a marker.
_UNIT_CHARS = "个家座条人处件项万亿元栋所台辆名户场次米株亩套盏起"


def _marker_pattern(note: Note) -> re.Pattern:
    forms = sorted(note.forms, key=len, reverse=True)
    alternatives = "|".join(re.escape(f) for f in forms)
    # The form, its closing quote, up to 6 Han characters or quotes ('”目标', '”专项整治行动'),
    # then the note's number, not part of a longer number.
    return re.compile(
        rf"(?P<form>(?:{alternatives}))”?(?P<tail>[\u4e00-\u9fff“”]{{0,6}}?)(?P<marker>(?<!\d){note.number})(?![\d.%{_UNIT_CHARS}])"
    )
