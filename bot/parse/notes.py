"""Notes (注释, 名词解释): reading a note line in any of the marker styles reports use, and
linking each note to the sentence whose marker cites it, removing the marker from the text.

Marker styles: a number glued after the quoted term (“胡子工程”1, “四上”10企业), or spaced as
PDF extraction leaves superscripts (“一刻钟便民生活圈” 2 建设); 〔1〕, [1], 【1】, each also with 注
([注1], 〔注1〕), circled ① (read as 〔1〕), (注1), and a star after the term (链长制*, “揭榜挂帅*”) where the notes are
told apart by their terms alone."""

from __future__ import annotations

import re

from bot.parse.report import Note, NoteUse, Paragraph

_NOTE_LINE = re.compile(
    r"^(?:〔注?\s*(\d{1,2})〕|【注?\s*(\d{1,2})】|\[注?\s*(\d{1,2})\]|注\s*(\d{1,2})\s*[:：.、]?|[(（]注?\s*(\d{1,2})[)）]|(\d{1,2})\s*[.、．])?"
    r"\s*(?P<term>[^:：]{1,40}?)\s*[:：]\s*(?P<definition>\S.*)$"
)


def read_note_line(text: str, next_number: int) -> Note | None:
    """'1.“胡子工程”:是指…', '〔2〕“一老一小”:指…', '注3:“千万工程”:…' -> a Note; None when the
    line is not a note."""
    m = _NOTE_LINE.match(text)
    if not m:
        return None
    numbers = [g for g in m.groups()[:6] if g]
    term = m.group("term").strip()
    if not numbers and not term.startswith("“"):
        return None  # an unnumbered line is a note only when it opens with the quoted term
    term = re.sub(r"^注\s*\d+\s*[:：]?", "", term).strip()
    return Note(int(numbers[0]) if numbers else next_number, term, note_forms(term), m.group("definition").strip())


def note_forms(term: str) -> list[str]:
    """The names a note goes by: the quoted words ('胡子工程') and the whole term without quotes."""
    quoted = re.findall(r"“([^”]+)”", term)
    plain = re.sub(r"[“”\"]", "", term)
    forms = []
    for form in [plain, *quoted]:
        if form and form not in forms:
            forms.append(form)
    return forms


def _bracketed(number: int) -> re.Pattern:
    return re.compile(rf"\s?(?:〔(?:注\s*)?{number}〕|【(?:注\s*)?{number}】|\[(?:注\s*)?{number}\]|[(（]注\s*{number}[)）])")


_ANY_BRACKETED = re.compile(r"\s?(?:〔(?:注\s*)?\d{1,2}〕|【(?:注\s*)?\d{1,2}】|\[(?:注\s*)?\d{1,2}\]|[(（]注\s*\d{1,2}[)）])")


def link_notes(paragraphs: list[Paragraph], notes: list[Note]) -> list[NoteUse]:
    """Link each note to the first sentence that cites it and remove every marker from the text.
    A bracketed marker is unambiguous wherever it stands. A glued number is a marker only right
    after one of that note's own forms, so genuine numbers (遴选12 件, 10%) are not touched."""
    uses: list[NoteUse] = []
    starred = False
    for note in notes:
        use = _link_bracketed(paragraphs, note) or _link_glued(paragraphs, note)
        if use is None and (use := _link_starred(paragraphs, note)):
            starred = True
        if use:
            uses.append(use)
    if starred:
        for paragraph in paragraphs:  # the stars of terms cited again, once each note is linked
            for sentence in paragraph.sentences:
                _remove(sentence, _STAR_AFTER_TERM)
            paragraph.text = "".join(s.text for s in paragraph.sentences)
    # Markers of notes the report never defines are furniture of the text all the same.
    for paragraph in paragraphs:
        for sentence in paragraph.sentences:
            if _ANY_BRACKETED.search(sentence.text):
                _remove(sentence, _ANY_BRACKETED)
        paragraph.text = "".join(s.text for s in paragraph.sentences)
    return uses


def _link_bracketed(paragraphs: list[Paragraph], note: Note) -> NoteUse | None:
    marker = _bracketed(note.number)
    for paragraph in paragraphs:
        for s_index, sentence in enumerate(paragraph.sentences):
            m = marker.search(sentence.text)
            if not m:
                continue
            before = sentence.text[: m.start()]
            form = next((f for f in sorted(note.forms, key=len, reverse=True) if f in before[-30:]), None)
            if form is None:
                quoted = re.findall(r"“([^”]+)”[^“”]{0,6}$", before)
                form = quoted[-1] if quoted else note.forms[0]
            return NoteUse(note.number, paragraph.number, s_index, form)
    return None


def _link_glued(paragraphs: list[Paragraph], note: Note) -> NoteUse | None:
    pattern = _marker_pattern(note)
    for paragraph in paragraphs:
        for s_index, sentence in enumerate(paragraph.sentences):
            m = pattern.search(sentence.text)
            if not m:
                continue
            sentence.text = _cut_marker(sentence.text, m)
            for c_index, clause in enumerate(sentence.clauses):
                if cm := pattern.search(clause):
                    sentence.clauses[c_index] = _cut_marker(clause, cm)
                    break
            paragraph.text = "".join(s.text for s in paragraph.sentences)
            return NoteUse(note.number, paragraph.number, s_index, m.group("form"))
    return None


_STAR_AFTER_TERM = re.compile(r"(?<=[\u4e00-\u9fff”])[*＊]")


def _link_starred(paragraphs: list[Paragraph], note: Note) -> NoteUse | None:
    """'链长制*': a star marks a term that has a note; which note, its term says."""
    alternatives = "|".join(re.escape(f) for f in sorted(note.forms, key=len, reverse=True))
    pattern = re.compile(rf"(?P<form>{alternatives})”?(?P<marker>[*＊])")
    for paragraph in paragraphs:
        for s_index, sentence in enumerate(paragraph.sentences):
            m = pattern.search(sentence.text)
            if m:
                return NoteUse(note.number, paragraph.number, s_index, m.group("form"))
    return None


def _cut_marker(text: str, m: re.Match) -> str:
    return text[:m.start("marker")].rstrip(" ") + text[m.end("marker"):].lstrip(" ")


def _remove(sentence, pattern: re.Pattern) -> None:
    sentence.text = pattern.sub("", sentence.text)
    sentence.clauses = [pattern.sub("", c) for c in sentence.clauses]


# A number followed by a measure word counts something ('“口袋公园”1座'): it is not a marker.
_UNIT_CHARS = "个家座条人处件项万亿元栋所台辆名户场次米株亩套盏起"


def _marker_pattern(note: Note) -> re.Pattern:
    forms = sorted(note.forms, key=len, reverse=True)
    alternatives = "|".join(re.escape(f) for f in forms)
    # The form, its closing quote, up to 6 Han characters or quotes ('”目标', '”专项整治行动'),
    # then the note's number (with the spaces a flattened superscript keeps), not part of a longer number.
    return re.compile(
        rf"(?P<form>(?:{alternatives}))”?(?P<tail>[\u4e00-\u9fff“”]{{0,6}}?) ?(?P<marker>(?<!\d){note.number})(?![\d.%{_UNIT_CHARS}])"
    )
