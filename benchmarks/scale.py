"""Many reports: build time, time to add one report, a fresh `reportbot ask`, answer times and
the answering process's peak memory, for synthetic corpora of 10, 100, 300 and 1,000 reports.

    .venv/bin/python benchmarks/scale.py [--sizes 10,100,300,1000] [--questions 300]

The corpora are made from the shipped report and the text fixtures: each is given the name of a
real county or district (so the gazetteer resolves it) and its years shifted, three consecutive
reports per place. Targets at 1,000 reports on a 2-core machine: cold ask under 1 s, answer p95
under 15 ms, memory under 400 MB, adding one report under 3 s; at 1 report: p95 under 2 ms and
cold ask under 0.4 s (the shipped knowledge/, measured here too).

Answer times are measured in one process over questions about the home place and a handful of
others (the shards they need stay in the cache); a question about a place not asked recently
also pays for loading its shard, timed separately ('cold shard').
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (file, its place, the place's short name, its parent, the parent's short name, encoding)
TEMPLATES = [
    (ROOT / "knowledge" / "2022-nanchang-xihu-government-work-report.txt", "西湖区", "西湖", "南昌市", "南昌", "utf-8"),
    (ROOT / "tests/fixtures/corpus/2023-nanchang-donghu.txt", "东湖区", "东湖", "南昌市", "南昌", "utf-8-sig"),
    (ROOT / "tests/fixtures/corpus/2023-nanchang-xihu.txt", "西湖区", "西湖", "南昌市", "南昌", "utf-8"),
    (ROOT / "tests/fixtures/corpus/2024-nanchang-xihu.txt", "西湖区", "西湖", "南昌市", "南昌", "utf-8"),
    (ROOT / "tests/fixtures/corpus/2021-etuokeqianqi.txt", "鄂托克前旗", "鄂托克前", "鄂尔多斯市", "鄂尔多斯", "gb18030"),
]
REPORTS_PER_PLACE = 3


def places(count: int) -> list:
    """Real counties and districts with a name no other place shares, in code order."""
    from bot.parse.gazetteer import all_places, short_name

    names: dict[str, int] = {}
    for p in all_places():
        names[p.name] = names.get(p.name, 0) + 1
    chosen = [p for p in all_places() if p.level == "county" and names[p.name] == 1 and len(short_name(p.name)) >= 2
              and p.name[-1] in "区县" and p.parent.endswith("市")]
    random.Random(7).shuffle(chosen)
    return chosen[:count]


def synthetic_report(template, place, shift: int) -> str:
    path, name, short, parent, parent_short, encoding = template
    text = path.read_bytes().decode(encoding)
    from bot.parse.gazetteer import short_name

    for old, new in ((parent + name, place.parent + place.name), (parent_short + name, place.parent + place.name),
                     (name, place.name), (parent, place.parent), (parent_short, short_name(place.parent)),
                     (short, short_name(place.name))):
        text = text.replace(old, new)
    text = re.sub(r"(?<!\d)(20[12]\d)(?!\d)", lambda m: str(int(m.group(1)) + shift), text)
    return text


def make_corpus(folder: Path, size: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for curated in ("aliases.txt", "userdict.txt"):
        shutil.copy(ROOT / "knowledge" / curated, folder)
    files = []
    for i, place in enumerate(places(size // REPORTS_PER_PLACE + 2)):
        template = TEMPLATES[i % len(TEMPLATES)]
        for shift in range(REPORTS_PER_PLACE):
            if len(files) == size:
                return files
            path = folder / f"r{i:04d}-{shift}.txt"
            path.write_text(synthetic_report(template, place, shift), encoding="utf-8")
            files.append(path)
    return files


def measured(command: list[str]) -> tuple[float, int]:
    """(seconds, peak RSS in MB) of a fresh process."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
             "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]) // 1024


def answering(db: Path, questions: int) -> dict:
    """Run in a fresh process (mode --answer): answer times and peak memory."""
    from bot.answer.library import open_library
    from bot.answer.routing import place_label

    library = open_library(db, cache_size=0)  # every question answered, not taken from the cache
    rng = random.Random(11)
    groups = list(library.places.values())
    hot = [g[-1] for g in rng.sample(groups, min(6, len(groups)))]
    asked = ["去年GDP多少", "今年的GDP增长目标是多少", "去年社会消费品零售总额是多少", "新增城镇就业多少人",
             "去年固定资产投资增长多少", "胡子工程是什么意思", "今年计划改造几个老旧小区"]
    times = []
    for i in range(questions):
        question = rng.choice(asked)
        if i % 3 == 0:
            question = place_label(rng.choice(hot)) + question
        started = time.perf_counter()
        library.ask(question)
        times.append((time.perf_counter() - started) * 1000)
    times = times[len(hot) * 2:]  # the first questions about each hot place load its shard
    cold = []
    for group in rng.sample(groups, min(5, len(groups))):
        started = time.perf_counter()
        library.ask(place_label(group[-1]) + "去年GDP多少")
        cold.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1],
            "cold_shard_ms": statistics.median(cold), "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def reportbot(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("reportbot")), *args]


def run_size(size: int, workdir: Path, questions: int) -> dict:
    from bot.index.indexer import build_index

    knowledge = workdir / f"k{size}"
    if size == 1:
        knowledge = ROOT / "knowledge"
    else:
        make_corpus(knowledge, size)
    db = workdir / f"i{size}" / "index.db"
    started = time.perf_counter()
    build = build_index(knowledge, db)
    build_s = time.perf_counter() - started
    add_s = None
    if size > 1:
        extra = knowledge / "zz-added.txt"
        extra.write_text(synthetic_report(TEMPLATES[1], places(size // REPORTS_PER_PLACE + 3)[-1], 0), encoding="utf-8")
        started = time.perf_counter()
        build_index(knowledge, db)
        add_s = time.perf_counter() - started
    cold = [measured(reportbot("ask", "--db", str(db), "去年GDP多少")) for _ in range(3)]
    answers = json.loads(subprocess.run([sys.executable, __file__, "--answer", str(db), "--questions", str(questions)],
                                        check=True, capture_output=True, text=True).stdout)
    return {"size": size, "reports": build.reports, "build_s": build_s, "add_s": add_s,
            "cold_ask_s": statistics.median(c[0] for c in cold), "cold_ask_mb": max(c[1] for c in cold), **answers}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,10,100,300,1000")
    ap.add_argument("--questions", type=int, default=300)
    ap.add_argument("--answer", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.answer:
        print(json.dumps(answering(Path(args.answer), args.questions)))
        return
    workdir = Path(tempfile.mkdtemp(prefix="reportbot-scale-"))
    print(f"{'reports':>8} {'build s':>8} {'add one s':>9} {'cold ask s':>10} {'ask MB':>7} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'cold shard ms':>13} {'answering MB':>12}", flush=True)
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            r = run_size(size, workdir, args.questions)
            add = f"{r['add_s']:.2f}" if r["add_s"] is not None else "—"
            print(f"{r['reports']:>8} {r['build_s']:>8.1f} {add:>9} {r['cold_ask_s']:>10.2f} {r['cold_ask_mb']:>7} "
                  f"{r['p50']:>7.2f} {r['p95']:>7.2f} {r['cold_shard_ms']:>13.0f} {r['rss_mb']:>12}", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
