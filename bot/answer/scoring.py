"""Scoring answers on a question set the way ../shared/eval/score.py does, in-process, so the
benchmark and the regression test judge exactly as the shared scorer does."""

from __future__ import annotations

from collections import defaultdict

from bot.language.normalize import to_simplified

MAX_ANSWER_CHARS = 300


def contains_all(text: str, expect: list[str]) -> bool:
    text = to_simplified(text or "")
    return all(e in text for e in expect)


def score(questions: list[dict], replies: list[dict]) -> dict:
    """replies: dicts with answered, answer, sources[{text}] (the `ask --json` contract)."""
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    top1 = top3 = n_ans = oos_ok = n_oos = too_long = 0
    misses = []
    for q, r in zip(questions, replies):
        too_long += len(r["answer"] or "") > MAX_ANSWER_CHARS
        if not q["expect"]:
            n_oos += 1
            ok = not r["answered"]
            oos_ok += ok
        else:
            n_ans += 1
            ok = bool(r["answered"]) and contains_all(r["answer"], q["expect"])
            texts = [r["answer"]] + [s.get("text", "") for s in r["sources"][:3]]
            top1 += ok
            top3 += bool(r["answered"]) and any(contains_all(t, q["expect"]) for t in texts)
        by_type[q["type"]][0] += ok
        by_type[q["type"]][1] += 1
        if not ok:
            misses.append((q, r))
    return {
        "top1": top1 / max(n_ans, 1), "recall3": top3 / max(n_ans, 1), "oos_abstain": oos_ok / max(n_oos, 1),
        "too_long": too_long, "by_type": {t: f"{a}/{b}" for t, (a, b) in sorted(by_type.items())}, "misses": misses,
    }


GREY_MARK = "没有找到确切的答案"


def outcome(question: dict, reply: dict) -> str:
    """'right', 'wrong', 'not found' or 'grey' (the closest passage shown, still no answer).
    For a question the report does not answer, abstaining is right and answering is wrong."""
    grey = not reply["answered"] and GREY_MARK in to_simplified(reply.get("answer") or "")
    if not question["expect"]:
        return "wrong" if reply["answered"] else ("grey" if grey else "right")
    if reply["answered"]:
        return "right" if contains_all(reply["answer"], question["expect"]) else "wrong"
    return "grey" if grey else "not found"


def outcomes(questions: list[dict], replies: list[dict]) -> dict[str, dict[str, int]]:
    """{type: {right, wrong, not found, grey, n}} and the same over all questions under 'all'."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: {"right": 0, "wrong": 0, "not found": 0, "grey": 0, "n": 0})
    for q, r in zip(questions, replies):
        kind = outcome(q, r)
        for key in (q["type"], "all"):
            table[key][kind] += 1
            table[key]["n"] += 1
    return dict(table)
