"""Answer quality on the fixture corpus: each report in its own index, asked its own questions,
beside plain BM25 over the same report's sentences.

    .venv/bin/python benchmarks/corpus_quality.py [--show-misses] [--only NAME]

Each tests/data/fixtures/NAME.jsonl holds questions about one report of tests/fixtures/corpus
(the "report" field names its file); the report is indexed with the curated files of
knowledge/ (aliases, user dictionary), as a new report dropped into knowledge/ would be. Prints
each report's top1 / recall@3 / out-of-scope abstention / wrong answers for the bot and for BM25,
then the whole corpus's.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.quality import BM25Baseline, print_misses  # noqa: E402
from bot.index.indexer import build_index  # noqa: E402
from bot.answer.library import open_library  # noqa: E402
from bot.answer.scoring import score  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"
QUESTIONS = ROOT / "tests" / "data" / "fixtures"


def question_sets() -> list[tuple[Path, list[dict]]]:
    import json

    out = []
    for path in sorted(QUESTIONS.glob("*.jsonl")):
        questions = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        reports = {q["report"] for q in questions if isinstance(q.get("report"), str)}
        if len(reports) == 1:  # single-report sets; the series sets span reports
            out.append((CORPUS / reports.pop(), questions))
    return out


def answerer_for(report: Path, workdir: Path):
    knowledge = workdir / report.stem
    knowledge.mkdir()
    shutil.copy(report, knowledge)
    for curated in ("aliases.txt", "userdict.txt"):
        shutil.copy(ROOT / "knowledge" / curated, knowledge)
    build_index(knowledge, knowledge / "index.db")
    return open_library(knowledge / "index.db", cache_size=0)


def wrong(result: dict) -> int:
    """Answers given that are not right (a confident wrong answer, the worst outcome)."""
    return sum(1 for _q, r in result["misses"] if r["answered"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--only", help="one report's file name stem")
    args = ap.parse_args()
    workdir = Path(tempfile.mkdtemp())
    totals = {"bot": [], "bm25": []}
    print(f"{'report':28} {'system':6} {'n':>4} {'top1':>7} {'recall@3':>9} {'oos-abst':>9} {'wrong':>6}")
    for report, questions in question_sets():
        if args.only and report.stem != args.only:
            continue
        bot = answerer_for(report, workdir)
        baseline = BM25Baseline(bot)
        for label, ask in (("bot", lambda q: bot.ask(q).to_json()), ("bm25", baseline.ask)):
            replies = [ask(q["q"]) for q in questions]
            result = score(questions, replies)
            totals[label] += list(zip(questions, replies))
            print(f"{report.name:28} {label:6} {len(questions):>4} {result['top1']:>7.1%} {result['recall3']:>9.1%} "
                  f"{result['oos_abstain']:>9.1%} {wrong(result):>6}")
            if args.show_misses and label == "bot":
                print_misses(result)
    for label, pairs in totals.items():
        if pairs:
            result = score([q for q, _ in pairs], [r for _, r in pairs])
            print(f"{'whole corpus':28} {label:6} {len(pairs):>4} {result['top1']:>7.1%} {result['recall3']:>9.1%} "
                  f"{result['oos_abstain']:>9.1%} {wrong(result):>6}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
