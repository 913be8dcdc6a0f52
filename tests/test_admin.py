"""The admin core and its terminal commands (`reportbot add`, `remove`, `undo`, `alias`,
`audit`): the same code the chat uses."""

from __future__ import annotations

import sqlite3

import pytest

from bot.knowledge.admin import Admin, AdminError
from bot.cli import main
from bot.index.indexer import build_index
from tests.conftest import CORPUS


@pytest.fixture
def admin(knowledge_copy, tmp_path) -> Admin:
    build_index(knowledge_copy, tmp_path / "index.db")
    return Admin(knowledge_copy, tmp_path / "index.db", tmp_path / "stats.db")


def run_cli(capsys, monkeypatch, knowledge, tmp_path, *argv):
    monkeypatch.setenv("KNOWLEDGE_DIR", str(knowledge))
    monkeypatch.setenv("INDEX_PATH", str(tmp_path / "index.db"))
    monkeypatch.setenv("STATS_PATH", str(tmp_path / "stats.db"))
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_a_preview_reads_the_file_without_touching_the_knowledge_folder(admin):
    before = sorted(p.name for p in admin.knowledge.iterdir())
    preview = admin.preview((CORPUS / "2024-anji.docx").read_bytes(), "C:\\Users\\x\\我的报告.docx")
    assert (preview.title, preview.place, preview.year, preview.file_name) == ("2024年安吉县政府工作报告", "安吉县", 2024, "2024-anji.docx")
    assert preview.notes == 5 and preview.figures > 50 and len(preview.samples) == 2
    assert sorted(p.name for p in admin.knowledge.iterdir()) == before


def test_add_refuses_to_replace_without_confirmation_and_keeps_the_old_file_in_the_trash(admin):
    preview = admin.preview((CORPUS / "2023-nanchang-donghu.txt").read_bytes(), "a.txt")
    admin.add(preview, 1)
    again = admin.preview((CORPUS / "2023-nanchang-donghu.txt").read_bytes(), "b.txt")
    assert again.replaces == "2023-donghu.txt"
    with pytest.raises(AdminError, match="已有同一地方同一年份的报告"):
        admin.add(again, 1)
    admin.add(again, 1, replace=True)
    assert [p.name.split("-", 1)[1] for p in (admin.knowledge / ".trash").iterdir()] == ["2023-donghu.txt"]


def test_a_failed_reindex_puts_the_knowledge_folder_back(admin, monkeypatch):
    import bot.knowledge.admin as admin_module

    preview = admin.preview((CORPUS / "2023-nanchang-donghu.txt").read_bytes(), "a.txt")
    before = sorted(p.name for p in admin.knowledge.iterdir())
    monkeypatch.setattr(admin_module.Admin, "_reindex", lambda self: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        admin.add(preview, 1)
    assert sorted(p.name for p in admin.knowledge.iterdir()) == before


def test_the_only_report_cannot_be_removed(admin):
    with pytest.raises(AdminError, match="唯一的一份报告"):
        admin.remove("2022-nanchang-xihu-government-work-report.txt", 1)


@pytest.mark.parametrize("line, message", [
    ("没有等号", "格式"), ("火星基地 = 外星人", "报告里没有“火星基地”"), ("马路本色 = 洗街, 扫马路", "格式"),
])
def test_a_bad_alias_is_refused_with_the_reason(admin, line, message):
    with pytest.raises(AdminError, match=message):
        admin.add_alias(line, 1)


def test_an_alias_is_added_once_and_takes_effect_without_a_reparse(admin):
    result = admin.add_alias("马路本色 = 洗街", 7)
    assert result.build.parsed == 0  # the shards were reused: only the catalog was rewritten
    assert "马路本色" in result.library.ask("去年洗街排第几").answer
    with pytest.raises(AdminError, match="已经有这条说法了"):
        admin.add_alias("马路本色 = 洗街", 7)
    assert admin.aliases_from_chat() == [("马路本色", "洗街")]
    admin.remove_alias("马路本色 = 洗街", 7)
    assert admin.aliases_from_chat() == []
    assert [(e["admin"], e["action"]) for e in admin.audit()] == [(7, "alias-remove"), (7, "alias")]


def test_cli_add_remove_undo_alias_and_audit(capsys, monkeypatch, knowledge_copy, tmp_path):
    build_index(knowledge_copy, tmp_path / "index.db")
    code, out, _ = run_cli(capsys, monkeypatch, knowledge_copy, tmp_path, "add", str(CORPUS / "2023-jiujiang.pdf"), "--yes")
    assert code == 0 and "《2023年九江市政府工作报告》" in out and "已加入 2023-jiujiang.pdf" in out
    code, out, _ = run_cli(capsys, monkeypatch, knowledge_copy, tmp_path, "ask", "九江2022年地区生产总值")
    assert code == 0 and "4026.6亿元" in out
    code, out, _ = run_cli(capsys, monkeypatch, knowledge_copy, tmp_path, "remove", "2023-jiujiang", "--yes")
    trash = out.split(".trash/")[1].split("(")[0]
    assert code == 0 and not (knowledge_copy / "2023-jiujiang.pdf").exists()
    code, out, _ = run_cli(capsys, monkeypatch, knowledge_copy, tmp_path, "undo", trash)
    assert code == 0 and (knowledge_copy / "2023-jiujiang.pdf").exists()
    code, out, _ = run_cli(capsys, monkeypatch, knowledge_copy, tmp_path, "alias", "add", "马路本色 = 洗街")
    assert code == 0
    code, out, _ = run_cli(capsys, monkeypatch, knowledge_copy, tmp_path, "alias", "list")
    assert out.strip() == "马路本色 = 洗街"
    code, out, _ = run_cli(capsys, monkeypatch, knowledge_copy, tmp_path, "audit")
    assert [line.split()[3] for line in out.splitlines()] == ["alias", "undo", "remove", "add"]
    code, _, err = run_cli(capsys, monkeypatch, knowledge_copy, tmp_path, "alias", "add", "火星基地 = 外星人")
    assert code == 1 and "报告里没有“火星基地”" in err


def test_cli_add_without_yes_changes_nothing_when_not_interactive(capsys, monkeypatch, knowledge_copy, tmp_path):
    build_index(knowledge_copy, tmp_path / "index.db")
    code, _, err = run_cli(capsys, monkeypatch, knowledge_copy, tmp_path, "add", str(CORPUS / "2024-anji.docx"))
    assert code == 2 and "--yes" in err and not (knowledge_copy / "2024-anji.docx").exists()
    conn = sqlite3.connect(tmp_path / "index.db")
    assert conn.execute("select count(*) from reports").fetchone()[0] == 1
