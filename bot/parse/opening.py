"""The opening of a report, between its title and '各位代表': the meeting line (split over
lines anywhere, even inside a word), the date (on the meeting line, alone, in brackets, in
Chinese numerals, full-width, or a placeholder like 2021年xx月xx日) and the speaker
(西湖区人民政府区长陶亿国, 县长 某某某, 国务院总理 李克强, a name alone)."""

from __future__ import annotations

import re

from bot.parse.report import Anomaly, ReportMeta
from bot.parse.repairs import repair

_TITLES = ("区长|县长|市长|州长|省长|旗长|盟长|主席|总理|专员|")
_SPEAKER = re.compile(
    r"^(?P<org>[\u4e00-\u9fff]{0,24}?(?:人民政府|政府|国务院|自治区|自治州|自治县)?)\s*"
    r"(?P<title>(?:代理?|副)?(?:区长|县长|市长|州长|省长|旗长|盟长|主席|总理|专员))\s*"
    r"(?P<name>[\u4e00-\u9fff·](?:\s?[\u4e00-\u9fff·]){1,4})?$"
)
_NAME_ALONE = re.compile(r"^[\u4e00-\u9fff](?:\s?[\u4e00-\u9fff]){1,3}$")
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = re.compile(r"(\d{4})年(\d{1,2}|[xX×*]{1,2})月(\d{1,2}|[xX×*]{1,2})日")
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_DATE_ONLY = re.compile(r"^[(（]?\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})年.{1,4}月.{1,4}日\s*[)）]?$")


def read_opening(lines: list[str], meta: ReportMeta) -> tuple[list[str], list[Anomaly]]:
    """Read meeting, date and speaker from the lines before the speech; return (the rest of the
    lines, the garbled spots repaired or flagged in the meeting line)."""
    end = _opening_end(lines)
    opening = lines[:end]
    meeting_parts: list[str] = []
    for line in opening:
        flat = line.replace(" ", "") if len(line.replace(" ", "")) <= 8 else line
        if (m := _SPEAKER.match(line.strip())) and "会议" not in line and not line.startswith(("—", "-")):
            meta.speaker = (m.group("name") or "").replace(" ", "")
            meta.speaker_title = (m.group("org") + m.group("title")).strip()
        elif _DATE_ONLY.match(line.replace(" ", "")):
            _read_date(line.replace(" ", ""), meta)
        elif (_NAME_ALONE.match(line) and meeting_parts and not meta.speaker and len(flat) <= 4
              and re.search(r"(?:会议|会)上$|[)）]$", "".join(meeting_parts))):
            meta.speaker = flat
        else:
            meeting_parts.append(line.strip().lstrip("—-–― "))
    meeting = "".join(meeting_parts)
    fixed, fixes = repair(meeting)
    if not meta.meeting_date:
        _read_date(fixed, meta)
    if m := re.search(r"在(.+?(?:会议|会))上", fixed):
        meta.meeting = m.group(1)
    elif m := re.search(r"(\S+?(?:人民代表大会|人大)\S*?(?:会议|会))", fixed):
        meta.meeting = m.group(1)
    return lines[end:], [Anomaly(None, f.original, f.replacement, f.reason) for f in fixes]


def _opening_end(lines: list[str]) -> int:
    """The opening ends at '各位代表', at '现在,我代表…', at the first long paragraph, or after 8 lines."""
    for i, line in enumerate(lines[:10]):
        if line.startswith(("各位代表", "现在", "同志们")) or "我代表" in line[:12]:
            return i
        if len(line) > 60 and "会议" not in line:
            return i
    return 0


def _read_date(text: str, meta: ReportMeta) -> None:
    if m := _DATE.search(text):
        if not m.group(2).isdigit() or not m.group(3).isdigit():
            meta.meeting_date = ""
            meta.warnings.append(f"placeholder date '{m.group(0)}': the meeting date is unknown")
            meta.__dict__.setdefault("_date_year", int(m.group(1)))
            return
        meta.meeting_date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    elif m := _CN_DATE.search(text):
        year = int("".join(str(_CN_DIGIT[c]) for c in m.group(1)))
        meta.meeting_date = f"{year}-{_cn_number(m.group(2)):02d}-{_cn_number(m.group(3)):02d}"


def _cn_number(text: str) -> int:
    """'十二' -> 12, '二十' -> 20, '九' -> 9."""
    if "十" not in text:
        return _CN_DIGIT.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)
