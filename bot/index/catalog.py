"""What the index holds, one summary per report: the `reportbot reports` listing and the
summary `reportbot index` prints."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from bot.errors import IndexInvalid, IndexMissing

LEVEL_NAMES = {"national": "国家", "province": "省级", "city": "市级", "county": "县级", "": "未知"}


def list_reports(db_path: Path) -> list[dict]:
    """One dict per report, grouped by place, newest first within a place."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise IndexMissing(f"{db_path}: no index here — build it with `reportbot index`")
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute("select * from reports")]
        conn.close()
    except sqlite3.DatabaseError as err:
        raise IndexInvalid(f"{db_path}: not a readable report index ({err})") from err
    out = [summary(r) for r in rows]
    newest = {}
    for r in out:
        newest[r["place"]] = max(newest.get(r["place"], 0), r["year"])
    return sorted(out, key=lambda r: (-newest[r["place"]], r["place"], -r["year"], r["file"]))


def summary(row: dict) -> dict:
    return {
        "id": row["id"], "file": row["source"], "form": row.get("form", ""), "title": row["title"],
        "place": row["district"], "level": row.get("level", ""), "parent": row["city"], "province": row.get("province", ""),
        "year": row["year"], "review_years": json.loads(row.get("review_years") or "[]"), "plan_year": row["plan_year"],
        "speaker": row["speaker"], "speaker_title": row["speaker_title"], "meeting": row["meeting"],
        "meeting_date": row["meeting_date"], "draft": bool(row.get("draft")), "passages": row.get("passages", 0),
        "notes": row.get("notes", 0), "figures": row.get("figures", 0), "warnings": json.loads(row.get("warnings") or "[]"),
    }


def format_line(r: dict) -> str:
    """'2022-nanchang-xihu….txt  2022年南昌市西湖区人民政府工作报告  南昌市 › 西湖区(县级)  2022年(回顾2021, 计划2022) …'"""
    place = " › ".join(x for x in (r["parent"], r["place"]) if x) or "?"
    reviewed = "–".join(str(y) for y in (r["review_years"][:1] + r["review_years"][-1:] if len(r["review_years"]) > 1 else r["review_years"]))
    speaker = f"{r['speaker_title']}{r['speaker']}" if r["speaker"] else "—"
    line = (f"{r['file']}  {r['title']}{'(征求意见稿)' if r['draft'] else ''}  {place}({LEVEL_NAMES.get(r['level'], r['level'])})  "
            f"{r['year']}年(回顾{reviewed or '—'},计划{r['plan_year']})  {speaker}  {r['meeting_date'] or '日期不详'}  "
            f"{r['passages']}段 {r['notes']}条注释 {r['figures']}个数字")
    if r["warnings"]:
        line += "\n    注意:" + ";".join(r["warnings"])
    return line
