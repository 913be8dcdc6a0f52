"""Example questions built from a report's own content (its headline figure, a target, a note),
for /start and /help: a report about a banner's herds should not be introduced with another
district's old compounds."""

from __future__ import annotations

import re

from bot.answer.knowledge_base import KnowledgeBase, ReportInfo


_FILLER = re.compile(r"^(?:初步)?(?:预计|全年|全[省市区县州旗国]|实现|完成|累计|达到|其中)+")


def _indicator(f: dict) -> str:
    name = _FILLER.sub("", (f["indicator"] or "").strip("“”:,;、"))
    return name if 4 <= len(name) <= 14 and not name[0].isdigit() else ""


def example_questions(kb: KnowledgeBase, report: ReportInfo) -> list[str]:
    figures = [f for f in kb.figures if f["report_id"] == report.id]
    achieved = [f for f in figures if f["kind"] == "achieved" and f["measure"] == "amount" and _indicator(f)]
    achieved.sort(key=lambda f: ("生产总值" not in f["indicator"], f["passage_id"]))
    targets = [f for f in figures if f["kind"] == "target" and _indicator(f)]
    targets.sort(key=lambda f: ("预期目标" not in (f["section"] or ""), f["passage_id"]))
    questions = []
    if achieved:
        questions.append(f"{report.review_year}年{_indicator(achieved[0])}是多少?")
    first = _indicator(achieved[0]) if achieved else ""
    target = next((t for t in targets if _indicator(t) != first), targets[0] if targets else None)
    if target:
        questions.append(f"今年{_indicator(target)}的目标是多少?")
    note = next((n for n in kb.glossary if n.report_id == report.id), None)
    if note:
        questions.append(f"{note.name}是什么意思?")
    return questions or [f"{report.review_year}年地区生产总值是多少?"]
