"""Shared fixtures: the real report, a real index built once per test session, an answerer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
FIXTURES = Path(__file__).parent / "fixtures"
DATA = Path(__file__).parent / "data"
REPORT_FILE = KNOWLEDGE / "2022-nanchang-xihu-government-work-report.txt"
SECOND_REPORT = FIXTURES / "2021-test-qingshan-government-work-report.txt"


@pytest.fixture(scope="session")
def report():
    from bot.parse.structure import parse_report
    from bot.knowledge.textio import read_text

    text, _encoding, _digest = read_text(REPORT_FILE)
    return parse_report(text, REPORT_FILE.stem, REPORT_FILE.name)


@pytest.fixture(scope="session")
def index_path(tmp_path_factory) -> Path:
    from bot.index.indexer import build_index

    path = tmp_path_factory.mktemp("index") / "index.db"
    build_index(KNOWLEDGE, path)
    return path


@pytest.fixture(scope="session")
def answerer(index_path):
    """The library over the shipped knowledge: what the CLI and the bot answer with."""
    from bot.answer.library import open_library

    return open_library(index_path)


@pytest.fixture
def knowledge_copy(tmp_path) -> Path:
    """A writable copy of knowledge/ for tests that break or extend it."""
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    return folder


def load_questions(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def library_of_one_report(folder: Path, name: str, text: str):
    """A library over one report written for a test, with the words people use as shipped
    (aliases.txt, userdict.txt), its index built in the folder."""
    from bot.answer.library import open_library
    from bot.index.indexer import build_index

    knowledge = folder / "knowledge"
    knowledge.mkdir()
    for curated in ("aliases.txt", "userdict.txt"):
        shutil.copy(KNOWLEDGE / curated, knowledge)
    (knowledge / name).write_text(text, encoding="utf-8")
    build_index(knowledge, folder / "index.db")
    return open_library(folder / "index.db", cache_size=0)


def copy_index(source: Path, target: Path) -> None:
    """Copy an index: its catalog file and the folder of shards beside it."""
    from bot.index.indexer import shard_folder

    shutil.copyfile(source, target)
    shutil.copytree(shard_folder(source), shard_folder(target), dirs_exist_ok=True)


CORPUS = FIXTURES / "corpus"
# One place over three consecutive years (its targets in one report, its results in the next)
# and a second place of the same year: the knowledge folder of the many-reports tests.
SERIES_REPORTS = ("2023-nanchang-xihu.txt", "2024-nanchang-xihu.txt", "2023-nanchang-donghu.txt")


@pytest.fixture(scope="session")
def series_knowledge(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("series") / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    for name in SERIES_REPORTS:
        shutil.copy(CORPUS / name, folder)
    return folder


@pytest.fixture(scope="session")
def series_index(series_knowledge) -> Path:
    from bot.index.indexer import build_index

    path = series_knowledge.parent / "index.db"
    build_index(series_knowledge, path)
    return path


@pytest.fixture(scope="session")
def library(series_index):
    from bot.answer.library import open_library

    return open_library(series_index)
