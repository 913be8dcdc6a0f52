import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import KnowledgeError
from bot.index.freshness import is_stale
from bot.index.indexer import build_index, shard_folder
from bot.answer.library import open_library
from tests.conftest import SECOND_REPORT


def shard_of(index_path: Path) -> Path:
    """The one report's shard of an index built from knowledge/."""
    (shard,) = shard_folder(index_path).glob("*.db")
    return shard


def test_the_catalog_and_the_shard_have_the_tables_a_sqlite_browser_can_open(index_path):
    catalog = sqlite3.connect(index_path)
    tables = {r[0] for r in catalog.execute("select name from sqlite_master where type='table'")}
    assert {"reports", "glossary", "figures", "aliases", "sources", "index_info"} <= tables
    assert catalog.execute("select count(*) from glossary").fetchone()[0] == 14
    assert catalog.execute("pragma integrity_check").fetchone()[0] == "ok"
    conn = sqlite3.connect(shard_of(index_path))
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
    assert {"reports", "sections", "passages", "glossary", "figures", "passages_fts", "tokenizer"} <= tables
    # FTS5 over jieba-segmented text: the report's own term is one token.
    hits = conn.execute("select rowid from passages_fts where passages_fts match '胡子工程'").fetchall()
    assert hits
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_every_passage_knows_its_section_path(index_path):
    conn = sqlite3.connect(shard_of(index_path))
    section = conn.execute("select section from passages where text like '实现地区生产总值670.68亿元%'").fetchone()[0]
    assert section == "2021年工作回顾 › (一)稳增长扩总量 › 经济指标提速进位首位度提升"


def test_glossary_rows_link_to_the_passage_that_uses_them(index_path):
    conn = sqlite3.connect(shard_of(index_path))
    rows = conn.execute("select number, used_passage_id, used_text, used_form from glossary order by number").fetchall()
    assert len(rows) == 14
    for number, passage_id, used_text, form in rows:
        assert passage_id is not None, number
        assert form in used_text


def test_a_second_report_in_gb18030_is_indexed_beside_the_first(knowledge_copy, tmp_path):
    shutil.copy(SECOND_REPORT, knowledge_copy)
    result = build_index(knowledge_copy, tmp_path / "two.db")
    assert result.reports == 2
    kb = open_library(tmp_path / "two.db")
    second = next(r for r in kb.reports.values() if r.district == "青山区")
    assert (second.year, second.review_year, second.plan_year, second.city) == (2021, 2020, 2021, "测试市")
    conn = sqlite3.connect(tmp_path / "two.db")
    assert {r[0] for r in conn.execute("select report_id from glossary")} == {second.id, kb.newest.id}
    assert kb.newest.district == "西湖区"
    assert conn.execute("select encoding from reports where id = ?", (second.id,)).fetchone()[0] == "gb18030"
    # The note's marker glued to '口袋公园' is found; the genuine '“口袋公园”1座' is a count, not a marker.
    texts = "".join(p.text for p in kb.answerer(second.id).kb.by_report[second.id])
    assert "新建口袋公园1座" in texts.replace("“", "").replace("”", "")
    assert "推进“口袋公园”建设" in texts


def _snapshot(path):
    return path.read_bytes()


@pytest.mark.parametrize("breakage, message", [
    (lambda k: (k / "broken.txt").write_bytes(b""), "broken.txt: the file is empty"),
    (lambda k: (k / "broken.txt").write_bytes(bytes(range(128, 256)) * 8), "broken.txt: cannot decode"),
    (lambda k: (k / "broken.txt").write_text("一篇普通的文章。", encoding="utf-8"), "broken.txt: only 7 Chinese characters"),
    (lambda k: (k / "broken.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), "broken.doc: an old binary Word"),
    (lambda k: (k / "scan.pdf").write_bytes(_empty_pdf()), "scan.pdf: a PDF without a text layer"),
])
def test_an_unreadable_report_is_skipped_and_named_and_the_others_are_indexed(knowledge_copy, tmp_path, breakage, message):
    breakage(knowledge_copy)
    result = build_index(knowledge_copy, tmp_path / "index.db")
    assert result.reports == 1
    assert len(result.skipped) == 1 and result.skipped[0].startswith(message), result.skipped


def _empty_pdf() -> bytes:
    """A PDF whose pages hold no text, as a scan without OCR does."""
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.rect(100, 100, 300, 400)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.mark.parametrize("breakage, message", [
    (lambda k: (k / "aliases.txt").write_text("没有等号的一行\n", encoding="utf-8"), "aliases.txt, line 1"),
    (lambda k: (k / "reports.toml").write_text("[x\n", encoding="utf-8"), "reports.toml: not valid TOML"),
    (lambda k: _replace_reports(k, b""), "no usable report"),
])
def test_a_failed_build_names_the_file_and_leaves_the_good_index(knowledge_copy, tmp_path, breakage, message):
    db = tmp_path / "index.db"
    build_index(knowledge_copy, db)
    before = _snapshot(db)
    breakage(knowledge_copy)
    with pytest.raises(KnowledgeError, match=message):
        build_index(knowledge_copy, db)
    assert _snapshot(db) == before
    assert not list(tmp_path.glob("*.tmp"))


def _replace_reports(folder, content: bytes) -> None:
    for path in folder.glob("*-government-work-report.txt"):
        path.write_bytes(content)


def test_a_missing_knowledge_folder_is_named(tmp_path):
    with pytest.raises(KnowledgeError, match="does not exist"):
        build_index(tmp_path / "nope", tmp_path / "index.db")


def test_stale_index_is_detected_from_source_hashes(knowledge_copy, tmp_path):
    db = tmp_path / "index.db"
    assert is_stale(knowledge_copy, db)
    build_index(knowledge_copy, db)
    assert not is_stale(knowledge_copy, db)
    with open(knowledge_copy / "aliases.txt", "a", encoding="utf-8") as fh:
        fh.write("\n低保 = 救济金\n")
    assert is_stale(knowledge_copy, db)


def run_cli(capsys, *argv):
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_cli_index_then_glossary_json(capsys, knowledge_copy, tmp_path):
    db = tmp_path / "cli.db"
    code, out, _ = run_cli(capsys, "index", "--knowledge", str(knowledge_copy), "--db", str(db))
    assert code == 0 and "14 条名词解释" in out
    code, out, _ = run_cli(capsys, "glossary", "--json", "--db", str(db))
    notes = json.loads(out)
    assert code == 0 and len(notes) == 14
    assert {"term", "definition"} <= set(notes[0])
    code, out, _ = run_cli(capsys, "glossary", "胡子工成", "--db", str(db))
    assert code == 0 and "进度缓慢" in out


def test_cli_figures_json_filters_by_year(capsys, index_path):
    code, out, _ = run_cli(capsys, "figures", "--year", "2022", "--json", "--db", str(index_path))
    rows = json.loads(out)
    assert code == 0 and rows
    assert {"indicator", "value", "unit", "year", "kind", "text"} <= set(rows[0])
    assert {r["year"] for r in rows} == {2022}


def test_cli_index_failure_exits_nonzero_with_the_reason(capsys, tmp_path):
    code, _, err = run_cli(capsys, "index", "--knowledge", str(tmp_path / "missing"), "--db", str(tmp_path / "x.db"))
    assert code == 1
    assert "missing: the knowledge folder does not exist" in err
    assert "Traceback" not in err


def test_cli_reports_a_corrupt_index_plainly(capsys, tmp_path):
    db = tmp_path / "bad.db"
    db.write_bytes(b"not a database at all" * 100)
    code, _, err = run_cli(capsys, "ask", "--db", str(db), "去年GDP多少")
    assert code == 1 and "not a readable report index" in err


CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def test_cli_reports_json_lists_every_report_with_its_metadata(capsys, knowledge_copy, tmp_path):
    for name in ("2023-nanchang-donghu.txt", "2023-jiujiang.pdf", "2024-anji.docx"):
        shutil.copy(CORPUS / name, knowledge_copy)
    db = tmp_path / "r.db"
    code, out, _ = run_cli(capsys, "index", "--knowledge", str(knowledge_copy), "--db", str(db))
    assert code == 0 and "4 份报告" in out and "2023-jiujiang.pdf" in out
    code, out, _ = run_cli(capsys, "reports", "--json", "--db", str(db))
    reports = {r["file"]: r for r in json.loads(out)}
    assert code == 0 and len(reports) == 4
    keys = {"file", "title", "place", "level", "year", "review_years", "plan_year", "speaker", "meeting_date",
            "passages", "notes", "figures", "warnings"}
    assert all(keys <= set(r) for r in reports.values())
    jiujiang = reports["2023-jiujiang.pdf"]
    assert (jiujiang["place"], jiujiang["level"], jiujiang["year"], jiujiang["review_years"]) == ("九江市", "city", 2023, [2022])
    assert jiujiang["notes"] == 6 and jiujiang["figures"] > 50 and jiujiang["passages"] > 50
    anji = reports["2024-anji.docx"]
    assert anji["meeting_date"] == "" and any("placeholder date" in w for w in anji["warnings"])
    code, out, _ = run_cli(capsys, "reports", "--db", str(db))
    assert code == 0 and "南昌市 › 东湖区(县级)" in out


def test_cli_index_names_a_skipped_file_and_exits_3(capsys, knowledge_copy, tmp_path):
    (knowledge_copy / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    code, out, err = run_cli(capsys, "index", "--knowledge", str(knowledge_copy), "--db", str(tmp_path / "s.db"))
    assert code == 3
    assert "跳过 old.doc: an old binary Word" in err and "1 份报告" in out and "跳过 1 个文件" in out


def test_reports_toml_sets_what_the_text_does_not_say(knowledge_copy, tmp_path):
    anonymous = knowledge_copy / "report.txt"
    text = (CORPUS / "2024-nanchang-xihu.txt").read_text(encoding="utf-8")
    # Without a place anywhere: the speaker line and the meeting line lose their place names.
    anonymous.write_text(text.replace("西湖区人民政府", "区人民政府").replace("在西湖区第十八届", "在区第十八届")
                         .replace("西湖区", "本区"), encoding="utf-8")
    build_index(knowledge_copy, tmp_path / "a.db")
    report = next(r for r in open_library(tmp_path / "a.db").reports.values() if r.source == "report.txt")
    assert report.district == ""
    (knowledge_copy / "reports.toml").write_text('["report.txt"]\nplace = "南昌市西湖区"\nyear = 2024\n', encoding="utf-8")
    build_index(knowledge_copy, tmp_path / "b.db")
    report = next(r for r in open_library(tmp_path / "b.db").reports.values() if r.source == "report.txt")
    assert (report.district, report.city, report.year, report.review_year) == ("西湖区", "南昌市", 2024, 2023)


def test_reports_toml_with_an_unknown_field_names_it(knowledge_copy, tmp_path):
    name = "2022-nanchang-xihu-government-work-report.txt"
    (knowledge_copy / "reports.toml").write_text(f'["{name}"]\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(KnowledgeError, match="no usable report .*unknown field\\(s\\) colour"):
        build_index(knowledge_copy, tmp_path / "c.db")


def test_a_question_naming_a_place_goes_to_that_places_report(knowledge_copy, tmp_path):
    shutil.copy(CORPUS / "2023-nanchang-donghu.txt", knowledge_copy)
    build_index(knowledge_copy, tmp_path / "two.db")
    answerer = open_library(tmp_path / "two.db", warm=False)
    assert "752.6亿元" in answerer.ask("东湖区去年GDP多少").answer
    assert "670.68亿元" in answerer.ask("西湖区去年GDP多少").answer
    # No place named: the home place (the newest report's, 东湖区) answers, and says it has no
    # 2021; the report that does is offered.
    elsewhere = answerer.ask("2021年地区生产总值是多少")
    assert not elsewhere.answered and "2022、2023年" in elsewhere.answer
    assert elsewhere.alternatives == [("2022年西湖区", "2022-nanchang-xihu-government-work-report")]
    assert "670.68亿元" in answerer.ask_in("2021年地区生产总值是多少", elsewhere.alternatives[0][1]).answer
    assert "《2023年东湖区政府工作报告》" in answerer.ask("东湖区去年GDP多少").citation
