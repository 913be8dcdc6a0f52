"""Answer quality and in-process speed on question sets, beside a plain BM25 baseline.

    .venv/bin/python benchmarks/quality.py [QUESTIONS.jsonl ...] [--show-misses] [--types]

For each set: top1, recall@3, out-of-scope abstention, answers over 300 characters, p50/p95
answer time, and what became of the questions (right / wrong / not found / grey zone: the
closest passage shown, still as no answer) — for the bot and for BM25 over jieba tokens of the
reports' sentences (rank-bm25, answering with the best sentence when it scores above zero), in
the same run. --types prints the same outcomes for each question type.

With no sets named: every set of tests/data and the sets of tests/fixtures/unseen.
A set whose questions name fixture reports (a "report" field, files of tests/fixtures/corpus or
tests/fixtures/unseen) is asked of an index holding the shipped report and those reports.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jieba  # noqa: E402
from rank_bm25 import BM25Okapi  # noqa: E402

from bot.index.indexer import build_index  # noqa: E402
from bot.answer.library import open_library  # noqa: E402
from bot.answer.scoring import outcomes, score  # noqa: E402

DATA = ROOT / "tests" / "data"
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
# Reports written for judging, each with its questions; no test reads them (see its README).
UNSEEN = ROOT / "tests" / "fixtures" / "unseen"
DEFAULT_SETS = ["questions-dev.jsonl", "questions-extra.jsonl", "questions-holdout.jsonl", "questions-fresh.jsonl",
                "questions-everyday.jsonl", "holdout/questions-words.jsonl", "holdout/questions-words2.jsonl",
                "holdout/questions-words3.jsonl", "holdout/questions-words4.jsonl", "holdout/questions-words5.jsonl"]


class BM25Baseline:
    """BM25 over jieba tokens of the reports' sentences; answers with the top sentence."""

    def __init__(self, library):
        jieba.setLogLevel(60)
        seen, self.sentences = set(), []
        for report in sorted(library.reports):
            for p in library.answerer(report).kb.passages.values():
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


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def library_for(questions: list[dict], workdir: Path, cache: dict):
    """The shipped knowledge, plus the fixture reports the questions name."""
    named = {q["report"] for q in questions if isinstance(q.get("report"), str)}
    extra = sorted(folder / name for name in named for folder in (CORPUS, UNSEEN) if (folder / name).exists())
    key = tuple(extra)
    if key not in cache:
        knowledge = workdir / f"k{len(cache)}"
        shutil.copytree(ROOT / "knowledge", knowledge)
        for path in extra:
            shutil.copy(path, knowledge)
        build_index(knowledge, knowledge / "index.db")
        library = open_library(knowledge / "index.db", cache_size=0)  # every question timed as asked the first time
        cache[key] = (library, BM25Baseline(library))
    return cache[key]


def outcome_line(table: dict) -> str:
    t = table["all"]
    return f"right {t['right']:>3} wrong {t['wrong']:>3} not found {t['not found']:>3} grey {t['grey']:>3}"


def print_misses(result: dict) -> None:
    for q, r in result["misses"]:
        print(f"   MISS {q['id']} [{q['type']}] {q['q']} expect={q['expect']}\n"
              f"        answered={r['answered']} {r['answer'][:150]!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    unseen = [str(path) for path in sorted(UNSEEN.glob("questions-*.jsonl"))]
    ap.add_argument("sets", nargs="*", default=DEFAULT_SETS + unseen)
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--types", action="store_true", help="outcomes for each question type")
    args = ap.parse_args()
    workdir = Path(tempfile.mkdtemp())
    cache: dict = {}
    print(f"{'set':30} {'system':6} {'n':>4} {'top1':>7} {'recall@3':>9} {'oos-abst':>9} {'>300':>5} {'p50 ms':>7} {'p95 ms':>7}  outcomes")
    for name in args.sets:
        path = Path(name) if Path(name).exists() else DATA / name
        if not path.exists():
            print(f"{name}: not found, skipped")
            continue
        questions = load(path)
        bot, baseline = library_for(questions, workdir, cache)
        for label, ask in (("bot", lambda q: bot.ask(q).to_json()), ("bm25", baseline.ask)):
            replies, times = timed(ask, questions)
            result = score(questions, replies)
            table = outcomes(questions, replies)
            print(f"{path.name:30} {label:6} {len(questions):>4} {result['top1']:>7.1%} {result['recall3']:>9.1%} "
                  f"{result['oos_abstain']:>9.1%} {result['too_long']:>5} {statistics.median(times):>7.2f} {p95(times):>7.2f}  "
                  f"{outcome_line(table)}")
            if args.types:
                for kind, t in sorted(table.items()):
                    if kind != "all":
                        print(f"{'':30} {'':6} {t['n']:>4}   {kind:14} right {t['right']:>3} wrong {t['wrong']:>3} "
                              f"not found {t['not found']:>3} grey {t['grey']:>3}")
            if args.show_misses and label == "bot":
                print_misses(result)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
