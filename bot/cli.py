"""The `reportbot` command: index, glossary, figures, ask, chat, run.

Errors meant for a person (bot.errors) become one line on stderr and exit status 1; the
commands never print a traceback for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.errors import ReportBotError


def _settings():
    from bot.config import from_env, load_dotenv_file

    load_dotenv_file()
    return from_env()


def _db_arg(args, settings) -> Path:
    return Path(args.db) if getattr(args, "db", None) else settings.index_path


def ensure_index(knowledge: Path, db: Path, quiet: bool = False, warm: bool = True, home: str = ""):
    """Build the index when it is missing or older than knowledge/; return the opened library."""
    from bot.index.freshness import is_stale
    from bot.answer.library import open_library

    if knowledge.is_dir() and is_stale(knowledge, db):
        from bot.index.indexer import build_index  # sqlite-utils is only needed to build

        result = build_index(knowledge, db)
        if not quiet:
            print(f"索引已更新:{_summary(result)}", file=sys.stderr)
    return open_library(db, home=home or None, warm=warm)


def _summary(result) -> str:
    skipped = f", 跳过 {len(result.skipped)} 个文件" if result.skipped else ""
    return (f"{result.reports} 份报告, {result.passages} 段, {result.glossary} 条名词解释, "
            f"{result.figures} 个数字{skipped}, 用时 {result.seconds:.2f} 秒 → {result.path}")


# `reportbot index` exit status when the index was built but some file was refused.
EXIT_SKIPPED = 3


def cmd_index(args) -> int:
    from bot.index.catalog import format_line
    from bot.index.indexer import build_index

    settings = _settings()
    knowledge = Path(args.knowledge) if args.knowledge else settings.knowledge_dir
    result = build_index(knowledge, _db_arg(args, settings))
    for summary in result.summaries:
        print(format_line(summary))
    for line in result.skipped:
        print(f"跳过 {line}", file=sys.stderr)
    print(_summary(result))
    return EXIT_SKIPPED if result.skipped else 0


def cmd_reports(args) -> int:
    from bot.index.catalog import format_line, list_reports

    settings = _settings()
    db = _db_arg(args, settings)
    if not args.db:
        ensure_index(settings.knowledge_dir, db, warm=False)
    reports = list_reports(db)
    if args.json:
        print(json.dumps(reports, ensure_ascii=False, indent=2))
    else:
        for summary in reports:
            print(format_line(summary))
    return 0


def _open(args, warm: bool = True):
    from bot.answer.library import open_library

    settings = _settings()
    db = _db_arg(args, settings)
    if args.db:
        return open_library(db, home=settings.home_place or None, warm=warm)
    return ensure_index(settings.knowledge_dir, db, warm=warm, home=settings.home_place)


def cmd_glossary(args) -> int:
    answerer = _open(args)
    notes = answerer.glossary_notes()
    if args.term:
        note = answerer.lookup_note(args.term)
        if note is None:
            print(f"没有“{args.term}”这条名词解释。", file=sys.stderr)
            return 1
        notes = [note]
    if args.json:
        print(json.dumps([{"number": n.number, "term": n.name, "title": n.term, "forms": n.forms, "definition": n.definition,
                           "used_in": n.used_section, "used_text": n.used_text, "report": n.report_id} for n in notes],
                         ensure_ascii=False, indent=2))
    else:
        for n in notes:
            print(f"{n.number}. {n.term}:{n.definition}")
            if n.used_section:
                print(f"   见于:{n.used_section}")
    return 0


def cmd_figures(args) -> int:
    library = _open(args)
    rows = [f for f in library.figures(library.home_report.id) if args.year is None or f["year"] == args.year]
    if args.json:
        keys = ("indicator", "value", "unit", "figure", "year", "kind", "measure", "qualifier", "growth", "rank", "section", "text")
        print(json.dumps([{k: f[k] for k in keys} for f in rows], ensure_ascii=False, indent=2))
    else:
        for f in rows:
            extra = ",".join(x for x in (f["growth"], f["rank"]) if x)
            kind = "实际" if f["kind"] == "achieved" else "目标"
            print(f"{f['year']} {kind}  {f['indicator'] or '—'}: {f['figure']}" + (f"({extra})" if extra else ""))
    return 0


def cmd_targets(args) -> int:
    from dataclasses import asdict

    from bot.answer.targets import targets_report

    library = _open(args)
    title, rows = targets_report(library, args.place, args.year)
    if args.json:
        print(json.dumps({"title": title, "rows": [asdict(r) for r in rows]}, ensure_ascii=False, indent=2))
    else:
        from bot.answer.crossreport import format_row

        print(title)
        for row in rows:
            print(format_row(row))
    return 0 if rows else 2


def _admin():
    from bot.knowledge.admin import Admin

    settings = _settings()
    return Admin(settings.knowledge_dir, settings.index_path, settings.stats_path, settings.home_place)


def _confirmed(args, prompt: str) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        print(f"{prompt} — 加 --yes 确认(没有改动)", file=sys.stderr)
        return False
    return input(f"{prompt} [y/N] ").strip().lower() in ("y", "yes", "是")


def cmd_add(args) -> int:
    admin = _admin()
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as err:
        print(f"reportbot add: {path}: cannot read the file ({err.strerror})", file=sys.stderr)
        return 1
    preview = admin.preview(data, path.name)
    print(preview.summary())
    if preview.replaces and not args.replace:
        print(f"已有同一地方同一年份的报告 {preview.replaces}:加 --replace 替换它(没有改动)", file=sys.stderr)
        return 2
    if not _confirmed(args, f"加入为 {preview.file_name}?"):
        return 2
    result = admin.add(preview, None, replace=args.replace)
    print(f"已加入 {preview.file_name}:{_summary(result.build)}")
    return 0


def cmd_remove(args) -> int:
    admin = _admin()
    if not _confirmed(args, f"删除 {args.report}(放进回收站 {admin.knowledge / '.trash'})?"):
        return 2
    trash, result = admin.remove(args.report, None)
    print(f"已删除,文件在 .trash/{trash}(reportbot undo {trash} 可撤销):{_summary(result.build)}")
    return 0


def cmd_undo(args) -> int:
    result = _admin().undo_remove(args.trash_name, None)
    print(f"已撤销:{_summary(result.build)}")
    return 0


def cmd_alias(args) -> int:
    admin = _admin()
    if args.action == "list":
        for canonical, alias in admin.aliases_from_chat():
            print(f"{canonical} = {alias}")
        return 0
    if not args.line:
        print("reportbot alias: give the line, e.g. reportbot alias add \"马路本色 = 洗街\"", file=sys.stderr)
        return 1
    if args.action == "add":
        admin.add_alias(args.line, None)
        print(f"已添加说法:{args.line}")
    else:
        admin.remove_alias(args.line, None)
        print(f"已删除说法:{args.line}")
    return 0


def cmd_audit(args) -> int:
    for e in _admin().audit(args.limit):
        print(f"{e['when']}  {e['admin'] or '终端'}  {e['action']:12} {e['subject']}  {e['sha256'][:12]}  {e['detail']}")
    return 0


def cmd_ask(args) -> int:
    # One question from a fresh process: skip the warm-up that only pays off over many.
    answerer = _open(args, warm=args.json)
    if args.json:
        # Bytes in, decoded here: an invalid UTF-8 line still gets one well-formed, valid answer.
        for raw in sys.stdin.buffer:
            question = raw.decode("utf-8", "replace").rstrip("\r\n")
            try:
                payload = answerer.ask(question).to_json()
            except Exception as err:  # noqa: BLE001 - one bad line must still give one object
                payload = {"question": question, "answered": False, "kind": "none", "answer": "",
                           "sources": [], "ms": 0.0, "error": f"{type(err).__name__}: {err}"}
            sys.stdout.buffer.write((json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8", "replace"))
            sys.stdout.buffer.flush()
        return 0
    question = " ".join(args.question) if args.question else sys.stdin.read()
    answer = answerer.ask(question.strip())
    print(answer.answer)
    if answer.answered and answer.citation:
        print(answer.citation)
    return 0 if answer.answered else 2


def cmd_chat(args) -> int:
    from bot.chat.terminal import run_chat

    answerer = _open(args)
    return run_chat(answerer, _settings())


def cmd_run(args) -> int:
    from bot.chat.telegram_app import run_bot

    return run_bot(_settings())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportbot", description="Answers questions about Chinese government work reports, from the report itself.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build the SQLite index from the knowledge folder")
    p.add_argument("--knowledge", help="knowledge folder (default: $KNOWLEDGE_DIR or ./knowledge)")
    p.add_argument("--db", help="index file (default: $INDEX_PATH or ./var/index.db)")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("reports", help="list the reports the index holds, grouped by place, newest first")
    p.add_argument("--json", action="store_true", help="a list of objects: file, title, place, level, year, review_years, …")
    p.add_argument("--db")
    p.set_defaults(func=cmd_reports)

    p = sub.add_parser("targets", help="a year's headline targets beside their results (from the next year's report)")
    p.add_argument("--place", help="a place the index holds (default: HOME_PLACE or the newest report's)")
    p.add_argument("--year", type=int, help="the year the targets were set for (default: the last year with results)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--db")
    p.set_defaults(func=cmd_targets)

    p = sub.add_parser("add", help="add a report file to the knowledge folder (preview, then confirm) and reindex")
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--replace", action="store_true", help="replace the report of the same place and year")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("remove", help="move a report (file name or id) to the knowledge folder's trash and reindex")
    p.add_argument("report")
    p.add_argument("--yes", action="store_true")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("undo", help="bring a removed report back from the trash (its name in .trash/)")
    p.add_argument("trash_name")
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("alias", help="teach the bot a word: alias add|remove \"报告用语 = 说法\", alias list")
    p.add_argument("action", choices=("add", "remove", "list"))
    p.add_argument("line", nargs="?")
    p.set_defaults(func=cmd_alias)

    p = sub.add_parser("audit", help="the latest admin actions (add, replace, remove, alias, reindex)")
    p.add_argument("--limit", type=int, default=30)
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("glossary", help="list the report's notes, or show one")
    p.add_argument("term", nargs="?")
    p.add_argument("--json", action="store_true")
    p.add_argument("--db")
    p.set_defaults(func=cmd_glossary)

    p = sub.add_parser("figures", help="list every figure of the report")
    p.add_argument("--year", type=int)
    p.add_argument("--json", action="store_true")
    p.add_argument("--db")
    p.set_defaults(func=cmd_figures)

    p = sub.add_parser("ask", help="answer a question (or, with --json, one question a line from stdin)")
    p.add_argument("question", nargs="*")
    p.add_argument("--json", action="store_true", help="read questions from stdin, print one JSON object a line")
    p.add_argument("--db")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="chat in the terminal, exactly as the Telegram bot replies")
    p.add_argument("--db")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("run", help="run the Telegram bot (long polling, or a webhook with WEBHOOK_URL)")
    p.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
    except ReportBotError as err:
        print(f"reportbot {args.command}: {err}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # `reportbot ask … | head`: the reader left; nothing to report
        code = 0
    sys.exit(code)
