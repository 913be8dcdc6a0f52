"""How long `reportbot index` takes for the knowledge folder, as a fresh process (jieba's
start-up included) and in-process; how long a fresh `reportbot ask` takes with the index
built; and how long a 40-page PDF takes to read (bounds: indexing the first report under 1.5 s,
a 40-page PDF read in under 5 s).

    .venv/bin/python benchmarks/index_speed.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPORTBOT = [str(Path(sys.executable).with_name("reportbot"))]


def timed_run(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(REPORTBOT + args, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started


def line(label: str, values: list[float]) -> str:
    return (f"{label:44} median {statistics.median(values):.3f} s   min {min(values):.3f} s   "
            f"max {max(values):.3f} s   ({len(values)} runs)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from bot.index.indexer import build_index

    # Each build into a new folder: a from-scratch build parses the report (an unchanged one
    # would be reused, see the second line).
    fresh = [timed_run(["index", "--knowledge", str(ROOT / "knowledge"), "--db", str(Path(tempfile.mkdtemp()) / "index.db")])
             for _ in range(args.runs)]
    inproc = [build_index(ROOT / "knowledge", Path(tempfile.mkdtemp()) / "index.db").seconds for _ in range(args.runs)]
    db = Path(tempfile.mkdtemp()) / "index.db"
    build_index(ROOT / "knowledge", db)
    reused = [timed_run(["index", "--knowledge", str(ROOT / "knowledge"), "--db", str(db)]) for _ in range(args.runs)]
    ask = [timed_run(["ask", "--db", str(db), "去年GDP多少"]) for _ in range(args.runs)]
    print(line("reportbot index (fresh process, whole run)", fresh))
    print(line("build_index (in-process, after warm-up)", inproc))
    print(line("reportbot index, report unchanged (shard reused)", reused))
    print(line("reportbot ask '去年GDP多少' (fresh process)", ask))
    print(line("read a 40-page PDF (pdfminer.six, in-process)", pdf_read_times(args.runs)))


def pdf_read_times(runs: int) -> list[float]:
    """The first report typeset as a PDF and repeated to 40 pages, read as `reportbot index` reads it."""
    from bot.sources import read_document
    from tests.fixtures.make_fixtures import typeset_pdf

    text = (ROOT / "knowledge" / "2022-nanchang-xihu-government-work-report.txt").read_text(encoding="utf-8")
    path = Path(tempfile.mkdtemp()) / "forty.pdf"
    pages, copies = 0, 1
    while pages < 40:
        copies += 1
        pages = typeset_pdf(text * copies, path)
    while pages > 40:  # trim to 40 pages: fewer characters of the last copy
        text_cut = (text * copies)[: int(len(text * copies) * 40 / pages)]
        pages = typeset_pdf(text_cut, path)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        read_document(path)
        times.append(time.perf_counter() - started)
    print(f"(the PDF has {pages} pages, {path.stat().st_size // 1024} KB)")
    return times


if __name__ == "__main__":
    main()
