"""Turn a report Document (``bot.sources``) into a Report: metadata, parts, chapters, lead
phrases, paragraphs, sentences, notes and the places that cite them.

The parser follows the report's own structure rather than one page's layout: a title somewhere
near the top (``2022年南昌市西湖区人民政府工作报告``, ``政 府 工 作 报 告``, or only in the page's
``<title>``), an opening of meeting, date and speaker lines in any order and split anywhere,
parts named by what they do (回顾 / 工作安排, 主要任务, 重点工作, 目标任务, 建议 …), chapters
``(一)``, ``1.``, ``(1)``, and notes marked in any of the ways reports mark them. What cannot be
read is guessed from weaker evidence (page metadata, the file name) and reported as a warning;
only a file that is plainly not a work report is refused. Pure Python; no Telegram, no SQLite.
"""

from __future__ import annotations

import re
import unicodedata

from bot.errors import NotAReportError
from bot.sources.document import Block, Document
from bot.sources.text import unwrap_hard_wraps
from bot.parse.notes import link_notes, read_note_line
from bot.parse.opening import read_opening
from bot.parse.metadata import place_of, years_of
from bot.parse.report import FIVE_YEAR_PLAN_PART, LIST_NAMED, Anomaly, Note, Paragraph, Report, ReportMeta, Sentence
from bot.parse.repairs import repair
from bot.language.normalize import uses_fullwidth_punctuation

_CN = "一二三四五六七八九十"
# Lines of a web page or a reposting site around the report. Their metadata is read before they are dropped.
_FURNITURE = re.compile(
    r"^(您现在所在的位置|您当前的位置|当前位置|所在位置|首页\s*[>＞]|分享到|索引号|发布机构|文件编号|公开范围|主题分类|生成日期|发布日期|发布时间|"
    r"成文日期|公开日期|有效性|公开方式|文号|浏览量|浏览次数|查看次数|阅读次数|点击数|字体|【\s*(?:字|打印|关闭)|•|·|关联稿件|相关稿件|相关文章|相关链接|"
    r"手机扫码|扫一扫|打印|关闭|下载本页|来源[:：]|新闻来源|信息来源|主办单位|承办单位|主办:|网站标识码|网站地图|联系我们|"
    r".{0,6}ICP备|.{0,6}公网安备|技术支持|版权所有|Copyright|快捷搜索|下面是小编|内部资料)",
    re.IGNORECASE,
)
# A web page's links to other articles, after the report.
_PAGE_TAIL = re.compile(r"^(?:相关链接|相关文章|相关稿件|关联稿件|相关阅读|相关新闻|相关信息|上一篇|下一篇)")
_MEETING_PAPER = re.compile(r"^.{2,20}(?:人大|人民代表大会).{0,12}会议文件[(（]?\d*[)）]?$")
_CONTINUED = re.compile(r"[(（](?:下转|上接)第.{1,3}版[)）]")
_TITLE_WORDS = "政府工作报告"
_DRAFT = re.compile(r"^[(（](征求意见稿|讨论稿|送审稿|草案|审议稿)[)）]$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CLOSING = re.compile(r"^各位代表[!!,,]")
_CIRCLED = {chr(0x2460 + i): f"〔{i + 1}〕" for i in range(20)}  # ① … ⑳, before NFKC makes them digits

_NUMBERED_PART = re.compile(rf"^(?:[{_CN}]+、|第[{_CN}]+部分[、:：]?)\s*")
_REVIEW = re.compile(r"回顾|工作总结|过去(?:的)?[一五]年")
_PLAN = re.compile(r"工作安排|工作任务|主要任务|重点工作|重点任务|目标任务|政府工作的建议|工作建议|总体要求|工作部署|今后五年|"
                   r"年工作$|目标和任务|主要目标|发展目标|工作思路|自身建设")
_NOTES = re.compile(r"^(?:附件[:：]?)?《?(?:政府工作报告|报告)?》?(?:注释|名词解释|注解|附注|名词注释|释义)$")
_CHAPTER = re.compile(rf"^[(（]([{_CN}]+)[)）]\s*(.+)$")
_SECTION = re.compile(r"^(?:(\d{1,2})[.．、]|[(（](\d{1,2})[)）])\s*(\S.*)$")


def parse_report(text: str, slug: str, source: str = "") -> Report:
    """Parse a report's plain text (as ``bot.sources`` reads a .txt file)."""
    lines, _ = unwrap_hard_wraps(text.split("\n"))
    return parse_document(Document(source or slug, "text", [Block(line.strip()) for line in lines if line.strip()]), slug)


def parse_document(doc: Document, slug: str) -> Report:
    """Parse a Document. Raises NotAReportError naming the file and the reason."""
    name = doc.name or slug
    lines = [(_normalise(b.text), b.heading) for b in doc.blocks]
    lines = [(t, h) for t, h in lines if t]
    han = sum(len(_HAN.findall(t)) for t, _ in lines)
    if han < 200:
        length = sum(len(t) for t, _ in lines)
        what = "not Chinese text" if han < 0.2 * length else f"only {han} Chinese characters, too short for a work report"
        raise NotAReportError(f"{name}: {what} — is this a government work report?")
    meta = ReportMeta(form=doc.form, warnings=list(doc.warnings))
    meta.punctuation = "fullwidth" if uses_fullwidth_punctuation(doc.text) else ""
    meta.publisher, meta.published, meta.index_no = doc.meta.get("publisher", ""), doc.meta.get("published", ""), doc.meta.get("index_no", "")
    lines = _drop_furniture(lines, meta)
    title_at = _find_title(lines)
    if title_at is not None:
        meta.title = _clean_title(lines[title_at][0])
        rest = lines[title_at + 1:]
        if rest and _DRAFT.match(rest[0][0]):
            meta.draft, rest = True, rest[1:]
        meta.draft = meta.draft or "征求意见稿" in lines[title_at][0]
    else:
        rest = lines
    body, opening_fixes = read_opening([t for t, _ in rest], meta)
    b = _Builder(meta)
    b.anomalies += opening_fixes
    body_lines = _merge_list_lines(rest[len(rest) - len(body):])
    for text, heading in body_lines:
        if _read_structure(text, heading, b):
            continue
        if b.role == "notes" or _starts_trailing_notes(text, b):
            b.role = "notes"
            _read_note(text, b)
        elif _HAN.search(text):
            b.add_paragraph(text)

    has_parts = any(p.role in ("review", "plan") for p in b.paragraphs)
    full_text = "\n".join(t for t, _ in lines)
    if not has_parts:
        if _TITLE_WORDS not in full_text.replace(" ", "") and "各位代表" not in full_text:
            raise NotAReportError(f"{name}: no part like '2021年工作回顾' or '2022年工作任务', no title and no '各位代表' "
                                  f"— is this a government work report?")
        meta.warnings.append("no review or plan part found: figures have no year")
    intro = " ".join(p.text for p in b.paragraphs[:4])
    place_warnings = place_of(meta, doc, intro, full_text)
    meta.warnings += place_warnings
    meta.warnings += years_of(meta, doc, b.part_years)
    if not meta.title:
        page_title = doc.meta.get("title", "")
        meta.title = page_title if "报告" in page_title else (
            f"{meta.year}年{meta.district}政府工作报告" if meta.year and meta.district else name)
        meta.warnings.append(f"no title line: called it '{meta.title}'")
    meta.title = _complete_title(meta)
    meta.review_year = meta.review_years[-1] if meta.review_years else meta.year - 1
    meta.target_years = target_years(b.paragraphs, meta.plan_year)
    for paragraph in b.paragraphs:
        _split_paragraph(paragraph)
    _read_under_announcements(b.paragraphs)
    uses = link_notes(b.paragraphs, b.notes)
    linked = {u.number for u in uses}
    unlinked = [n.number for n in b.notes if n.number not in linked]
    if unlinked:
        meta.warnings.append(f"notes not found in the text: {', '.join(map(str, unlinked))}")
    return Report(slug, doc.name, meta, b.paragraphs, b.notes, uses, b.anomalies)


_LATER_YEAR = re.compile(r"(?<!\d)(20\d\d)年")


def target_years(paragraphs: list[Paragraph], plan_year: int) -> list[int]:
    """The years after the plan year that the plan part sets goals for: those it writes ('到2027年,
    地区生产总值达到4000亿元') and the five years of a part on the goals of the new term. A
    question about 2027 is one for this report, not a year no report covers."""
    if not plan_year:
        return []
    years: set[int] = set()
    for p in paragraphs:
        if p.role != "plan":
            continue
        years.update(y for y in map(int, _LATER_YEAR.findall(p.text)) if plan_year < y <= plan_year + 15)
        if FIVE_YEAR_PLAN_PART.search(p.part):
            years.update(range(plan_year + 1, plan_year + 5))
    return sorted(years)


def _normalise(text: str) -> str:
    for circled, marker in _CIRCLED.items():
        if circled in text:
            text = text.replace(circled, marker)
    text = unicodedata.normalize("NFKC", text)
    text = _CONTINUED.sub("", text)
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


def _drop_furniture(lines: list[tuple[str, int]], meta: ReportMeta) -> list[tuple[str, int]]:
    out = []
    for at, (text, heading) in enumerate(lines):
        if at > len(lines) / 2 and _PAGE_TAIL.match(text):
            break  # the page's list of other articles: none of it is the report
        if len(text) <= 80 and (_FURNITURE.match(text) or _MEETING_PAPER.match(text)):
            _read_page_meta(text, meta)
            continue
        out.append((text, heading))
    return out


def _read_page_meta(line: str, meta: ReportMeta) -> None:
    if m := re.search(r"(?:生成日期|发布日期|成文日期|公开日期)\s*[:：|]?\s*(\d{4})[-年./](\d{1,2})[-月./](\d{1,2})", line):
        meta.published = meta.published or f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    if m := re.search(r"发布机构\s*[:：|]?\s*(\S+?)(?:\s|生成日期|发布日期|$)", line):
        meta.publisher = meta.publisher or m.group(1)
    if m := re.search(r"索引号\s*[:：|]?\s*(\S+)", line):
        meta.index_no = meta.index_no or m.group(1)


def _find_title(lines: list[tuple[str, int]]) -> int | None:
    for i, (text, _heading) in enumerate(lines[:40]):
        flat = text.replace(" ", "")
        if _TITLE_WORDS in flat and len(flat) <= 50 and not flat.startswith(("—", "-", "在")) and "。" not in flat:
            return i
    return None


def _clean_title(text: str) -> str:
    flat = text.replace(" ", "")
    flat = re.sub(r"[(（](?:征求意见稿|讨论稿|送审稿|草案)[)）]", "", flat)
    # A news site's headline around the title: '正式发布!2024年…政府工作报告(全文)'.
    flat = re.sub(r"^[^!！|｜]{1,12}[!！|｜]+(?=.*" + _TITLE_WORDS + ")", "", flat)
    flat = re.sub(r"[(（]?(?:附|附上)?(?:全文|摘要|图文|实录|图解)[)）]?$", "", flat) if flat.count(_TITLE_WORDS) else flat
    while flat.count(_TITLE_WORDS) > 1 and flat.endswith(_TITLE_WORDS):
        flat = flat[: -len(_TITLE_WORDS)]  # '…政府工作报告政府工作报告': the page printed it twice
    return flat


def _complete_title(meta: ReportMeta) -> str:
    """A title printed as just '政府工作报告' names neither place nor year; the reply says which
    report it quotes, so complete it: '2023年九江市政府工作报告'."""
    title = meta.title
    names = [n for n in meta.place_names if len(n) >= 2 and not n.isascii() and not n.startswith(("全", "本", "我", "该"))]
    if meta.district and not any(n in title for n in names + [meta.district]):
        title = ("国务院" if meta.level == "national" else meta.district) + title
    if meta.year and not re.search(r"\d{4}年", title):
        title = f"{meta.year}年" + title
    return title


class _Builder:
    def __init__(self, meta: ReportMeta):
        self.meta = meta
        self.paragraphs: list[Paragraph] = []
        self.notes: list[Note] = []
        self.anomalies: list[Anomaly] = []
        self.part, self.role, self.chapter, self.section = "开场", "intro", "", ""
        self.part_years: list[tuple[str, str]] = []  # (role, heading) of each part, for the years
        self.chapter_style = ""  # 'cn' for (一) chapters, 'num' for 1. chapters

    def add_paragraph(self, text: str) -> None:
        text, fixes = repair(text)
        number = len(self.paragraphs)
        for fix in fixes:
            self.anomalies.append(Anomaly(number, fix.original, fix.replacement, fix.reason))
        if text.startswith("各位代表") and self.chapter:
            self.chapter, self.section = "", ""  # '各位代表,回顾过去的一年…' closes the part: it belongs to no chapter
        role = "closing" if self.role == "plan" and _CLOSING.match(text) else self.role
        chapter = self.chapter + (" › " + self.section if self.section and self.chapter else self.section)
        self.paragraphs.append(Paragraph(number, self.part, role, chapter, "", text))


def _part_role(text: str, heading: int, b: _Builder) -> str | None:
    """'review', 'plan', 'notes' or 'same' when the line is a part heading, else None."""
    flat = text.replace(" ", "")
    if _NOTES.match(flat):
        return "notes"
    if _CHAPTER.match(flat) or _SECTION.match(flat):
        return None  # a chapter or an item, whatever its words
    if len(flat) > 40 or flat.endswith((":", "。", ";", ",")) or "。" in flat:
        return None
    numbered = bool(_NUMBERED_PART.match(flat))
    core = _NUMBERED_PART.sub("", flat)
    if _REVIEW.search(core) and (numbered or heading or re.search(r"\d{4}年|过去", core)) and len(core) <= 30:
        return "review"
    if _PLAN.search(core) and (numbered or heading or re.match(r"^(\d{4}年|今年|今后)", core)) and len(core) <= 30:
        return "plan" if "自身建设" not in core or b.role != "review" else "same"
    if numbered and b.role in ("review", "plan") and len(core) <= 30:
        return "same"  # a part the keywords do not name ('三、坚定信心,真抓实干'): keep the role in force
    if heading == 2 and b.role != "notes" and len(core) <= 30:
        return "same"
    return None


def _read_structure(text: str, heading: int, b: _Builder) -> bool:
    role = _part_role(text, heading, b)
    if role:
        b.part = text.replace(" ", "") if len(text.replace(" ", "")) < len(text) - 2 else text
        b.chapter, b.section, b.chapter_style = "", "", ""
        if role != "same":
            b.role = role
        if b.role in ("review", "plan"):
            b.part_years.append((b.role, b.part))
        return True
    if b.role not in ("review", "plan", "closing"):
        return False
    if _CHAPTER.match(text) and not text.endswith(";"):  # ending as a list's clause does: an item
        head, body = _split_run_in(text)
        if len(head) <= 45:
            b.chapter, b.section, b.chapter_style = head, "", "cn"
            b.role = "plan" if b.role == "closing" else b.role
            if body:
                b.add_paragraph(body)
            return True
    if (_SECTION.match(text) and len(text) <= 40 and "。" not in text[:-1] and not re.match(r"^\d{1,2}[.．]\d", text)
            and not _is_list_item(text)):
        if b.chapter and b.chapter_style == "cn":
            b.section = text  # '1.' under '(一)': an item of the chapter
        else:
            b.chapter, b.section, b.chapter_style = text, "", "num"  # '1.' is this part's chapter level
        return True
    if heading >= 3 and len(text) <= 40:
        b.chapter, b.section = text, ""
        return True
    return False


_ITEM_NUMBER = re.compile(r"^(?:\d{1,2}[.．、]|[(（]\d{1,2}[)）])")


def _is_list_item(text: str) -> bool:
    """'1.新建改扩建学校和幼儿园8所,新增学位6300个;': an item of a list, not a heading. It ends
    as a clause of a list does, or as a sentence with a figure in it past its own number."""
    return text.endswith((";", "；")) or text.endswith("。") and bool(re.search(r"\d", _ITEM_NUMBER.sub("", text)))


def _split_run_in(text: str) -> tuple[str, str]:
    """'（三）坚持民生优先,着力增进福祉。全年新增学位1800个…': the chapter heading ran into its
    first paragraph; cut at the first full stop when the heading part is short."""
    if "。" not in text:
        return text, ""
    head, _, body = text.partition("。")
    if len(head) <= 40 and body.strip():
        return head, body.strip()
    return text, ""


_TRAILING_NOTE = re.compile(r"^(?:〔\d{1,2}〕|【\d{1,2}】|\[\d{1,2}\])\s*\S.{0,40}?[:：]")


def _starts_trailing_notes(text: str, b: _Builder) -> bool:
    """Notes written as '〔1〕term:definition' paragraphs at the very end, with no heading."""
    return b.role in ("plan", "closing", "review") and bool(_TRAILING_NOTE.match(text)) and bool(b.paragraphs)


def _read_note(text: str, b: _Builder) -> None:
    note = read_note_line(text, len(b.notes) + 1)
    if note is not None:
        b.notes.append(note)
    elif b.notes and _HAN.search(text) and not _FURNITURE.match(text):
        b.notes[-1].definition += text  # a definition that runs over two lines


def _merge_list_lines(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A list announced by '…目标是:' arrives one item a line ('地区生产总值增长7%以上;'): one paragraph."""
    merged: list[tuple[str, int]] = []
    for text, heading in lines:
        if (merged and merged[-1][0].endswith((":", ";")) and text.endswith((";", "。")) and not heading
                and (not _CHAPTER.match(text) or _is_chapter_numbered_item(text, merged[-1][0]))
                and not _SECTION.match(text) and len(merged[-1][0]) < 300):
            merged[-1] = (merged[-1][0] + text, merged[-1][1])
        else:
            merged.append((text, heading))
    return merged


def _is_chapter_numbered_item(text: str, before: str) -> bool:
    """'（一）地区生产总值增长6%左右;' after '…主要预期目标是:': a target numbered as chapters are.
    It ends as a clause of a list does, or is the list's last item: one sentence after a ';'."""
    return text.endswith(";") or before.endswith(";") and text.endswith("。") and "。" not in text[:-1]


_SENTENCE_END = re.compile(r"(?<=[。!?])")


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


# A short line with no mark of a sentence (a year may open it), and the first item of a list.
_LIST_TITLE = re.compile(r"(?:\d{4}年)?[^\d\s,;。:!?]{2,24}")
_FIRST_ITEM = re.compile(r"(?:1|一)[.．、]|[(（](?:1|一)[)）]")


def _read_under_announcements(paragraphs: list[Paragraph]) -> None:
    """'今年,区政府将继续集中力量办好十件民生实事:' on a line of its own announces the paragraphs
    after it: each is read under it (its topic), until the part or chapter changes, so that
    '民生实事中新增多少个学位' finds the item '新增学位3600个'."""
    announcement, where = "", None
    for n, paragraph in enumerate(paragraphs):
        if (paragraph.part, paragraph.chapter) != where:
            announcement, where = "", (paragraph.part, paragraph.chapter)
        # The announcing sentence may close a paragraph ('持续办好为民办实事。…办好以下十二件为民办实事:').
        text = paragraph.text.strip().rsplit("。", 1)[-1]
        # A number in it is content, unless the line names the list it announces ('办好十件民生
        # 实事,全年安排民生实事资金18.6亿元:').
        if text.endswith(":") and (len(text) <= 40 and not re.search(r"\d", text) or len(text) <= 60 and LIST_NAMED.search(text)):
            announcement = text  # its colon kept: the topic says it announces a list
            continue
        following = paragraphs[n + 1].text.strip() if n + 1 < len(paragraphs) else ""
        if _LIST_TITLE.fullmatch(text) and _FIRST_ITEM.match(following):
            # A title line over a numbered list ('2024年为民办实事项目' / '1.新增…学位4800个'):
            # it announces the list as a colon would.
            announcement = text + ":"
            continue
        if announcement and not paragraph.topic:
            paragraph.topic = announcement


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
