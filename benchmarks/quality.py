"""Answer quality and in-process speed on question sets, beside a plain BM25 baseline.

    .venv/bin/python benchmarks/quality.py [QUESTIONS.jsonl ...] [--show-misses]

For each set: top1, recall@3, out-of-scope abstention, answers over 300 characters, p50/p95
answer time, for the bot and for BM25 over jieba tokens of the report's sentences
(rank-bm25, answering with the best sentence when it scores above zero) — the baseline the
issue names. Scored as ../shared/eval/score.py scores (bot.scoring).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jieba  # noqa: E402
from rank_bm25 import BM25Okapi  # noqa: E402

from bot.indexer import build_index  # noqa: E402
from bot.library import open_library  # noqa: E402
from bot.scoring import score  # noqa: E402
from tests.conftest import load_questions  # noqa: E402

DEFAULT_SETS = ["questions-dev.jsonl", "questions-extra.jsonl", "questions-holdout.jsonl", "questions-fresh.jsonl"]


class BM25Baseline:
    """BM25 over jieba tokens of the report's sentences; answers with the top sentence."""

    def __init__(self, kb):
        jieba.setLogLevel(60)
        seen, self.sentences = set(), []
        for p in kb.passages.values():
            if p.sentence_text not in seen:
                seen.add(p.sentence_text)
                self.sentences.append(p.sentence_text)
        self.bm25 = BM25Okapi([list(jieba.cut_for_search(s)) for s in self.sentences])

    def ask(self, question: str) -> dict:
        scores = self.bm25.get_scores(list(jieba.cut_for_search(question)))
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:4]
        answered = scores[order[0]] > 0
        return {"answered": answered, "answer": self.sentences[order[0]][:300] if answered else "",
                "sources": [{"text": self.sentences[i]} for i in order[1:]]}


def timed(ask, questions):
    replies, times = [], []
    for q in questions:
        started = time.perf_counter()
        reply = ask(q["q"])
        times.append((time.perf_counter() - started) * 1000)
        replies.append(reply)
    return replies, times


def p95(values):
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sets", nargs="*", default=DEFAULT_SETS)
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()

    db = Path(tempfile.mkdtemp()) / "index.db"
    build_index(ROOT / "knowledge", db)
    bot = open_library(db, cache_size=0)  # every question timed as asked the first time
    baseline = BM25Baseline(bot.answerer(bot.home_report.id).kb)
    print(f"{'set':28} {'system':6} {'n':>4} {'top1':>7} {'recall@3':>9} {'oos-abst':>9} {'>300':>5} {'p50 ms':>7} {'p95 ms':>7}")
    for name in args.sets:
        path = Path(name) if Path(name).exists() else ROOT / "tests" / "data" / name
        if not path.exists():
            print(f"{name}: not found, skipped")
            continue
        questions = load_questions(path.name) if path.parent == ROOT / "tests" / "data" else [
            __import__("json").loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for label, ask in (("bot", lambda q: bot.ask(q).to_json()), ("bm25", baseline.ask)):
            replies, times = timed(ask, questions)
            result = score(questions, replies)
            print(f"{path.name:28} {label:6} {len(questions):>4} {result['top1']:>7.1%} {result['recall3']:>9.1%} "
                  f"{result['oos_abstain']:>9.1%} {result['too_long']:>5} {statistics.median(times):>7.2f} {p95(times):>7.2f}")
            if args.show_misses and label == "bot":
                for q, r in result["misses"]:
                    print(f"   MISS {q['id']} [{q['type']}] {q['q']} expect={q['expect']}\n"
                          f"        answered={r['answered']} {r['answer'][:150]!r}")
        print(f"{'':28} by type (bot): {result and ''}", end="")
        print(score(questions, timed(lambda q: bot.ask(q).to_json(), questions)[0])["by_type"])


if __name__ == "__main__":
    main()
