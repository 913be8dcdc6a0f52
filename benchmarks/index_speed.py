"""How long `reportbot index` takes for the knowledge folder, as a fresh process (jieba's
start-up included) and in-process; and how long a fresh `reportbot ask` takes with the index
built (the issue's bounds: index under 2 s, one question under 1 s).

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
    from bot.indexer import build_index

    db = Path(tempfile.mkdtemp()) / "index.db"
    fresh = [timed_run(["index", "--knowledge", str(ROOT / "knowledge"), "--db", str(db)]) for _ in range(args.runs)]
    inproc = [build_index(ROOT / "knowledge", db).seconds for _ in range(args.runs)]
    ask = [timed_run(["ask", "--db", str(db), "去年GDP多少"]) for _ in range(args.runs)]
    print(line("reportbot index (fresh process, whole run)", fresh))
    print(line("build_index (in-process, after warm-up)", inproc))
    print(line("reportbot ask '去年GDP多少' (fresh process)", ask))


if __name__ == "__main__":
    main()
