"""One readable line, never a traceback, for what a new user meets first: a folder with no store,
a missing file, a malformed Wikidata snapshot, an unknown graph IRI, a reader that stops early."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from accords.config import Settings
from accords.loaders.store import current_build
from accords.loaders.wikidata import SNAPSHOT_FILE
from accords.server.app import create_app
from tests.fixtures import accords

# (arguments, files to write first, the line expected on standard error); run in an empty folder.
# {tmp} is that folder. Every case exits with status 1.
CLI_CASES = [
    (["query", "ASK {}"], {}, r"accords query: no store at var: run 'accords build' first"),
    (["export", "--format", "turtle"], {}, r"accords export: no store at var: run 'accords build' first"),
    (["validate"], {}, r"accords validate: no store at var: run 'accords build' first"),
    (
        ["build", "--graph", "urn:x:extra={tmp}/missing.ttl"],
        {},
        r"accords build: {tmp}/missing\.ttl: cannot read: No such file or directory",
    ),
    (
        ["build", "{tmp}/no-articles-here"],
        {},
        r"accords build: {tmp}/no-articles-here: no such file or folder",
    ),
    (
        ["build", "--store", "{tmp}/store"],
        {f"store/{SNAPSHOT_FILE}": "<http://www.wikidata.org/entity/Q912> rdfs:label 'Mali' .\n"},
        r"accords build: {tmp}/store/wikidata-snapshot\.nt:1: .+",
    ),
]


@pytest.mark.parametrize(("arguments", "files", "expected"), CLI_CASES, ids=lambda v: str(v)[:40])
def test_command_line_says_one_line(tmp_path: Path, arguments: list[str], files: dict, expected: str) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = accords(*(a.replace("{tmp}", str(tmp_path)) for a in arguments), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert re.fullmatch(expected.replace("{tmp}", re.escape(str(tmp_path))) + "\n", result.stderr), (
        result.stderr
    )


def test_a_malformed_snapshot_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert accords("build", "--store", str(store), cwd=tmp_path).returncode == 0
    before = current_build(store)
    (store / SNAPSHOT_FILE).write_text("not N-Triples\n", encoding="utf-8")
    result = accords("build", "--store", str(store), cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert current_build(store) == before


@pytest.fixture(scope="module")
def app(seed_store_dir: Path) -> Iterator[Flask]:
    app = create_app(Settings(store=seed_store_dir, query_processes=1))
    yield app
    app.extensions["accords"].executors.close()


# (path, Accept, status, the one-line body)
HTTP_CASES = [
    (
        "/graph/nothing",
        "text/plain",
        404,
        "404 Not Found: nothing is known about <https://w3id.org/accords/graph/nothing> in this graph",
    ),
    (
        "/graph/source/no-such-article",
        "text/turtle",
        404,
        "404 Not Found: nothing is known about"
        " <https://w3id.org/accords/graph/source/no-such-article> in this graph",
    ),
    (
        "/graph/inferred",
        "image/png",
        406,
        "406 Not Acceptable: no acceptable format: this resource is available as text/html .+",
    ),
]


@pytest.mark.parametrize(("path", "accept", "status", "expected"), HTTP_CASES)
def test_graph_iris_say_one_line(app: Flask, path: str, accept: str, status: int, expected: str) -> None:
    response = app.test_client().get(path, headers={"Accept": accept})
    assert response.status_code == status
    body = response.get_data(as_text=True).strip()
    assert "\n" not in body
    assert re.fullmatch(expected, body), body


@pytest.mark.parametrize(
    "arguments",
    [["export", "--format", "turtle"], ["export", "--format", "nquads"], ["query", "SELECT * { ?s ?p ?o }"]],
)
def test_a_reader_that_stops_early_gets_no_traceback(seed_store_dir: Path, arguments: list[str]) -> None:
    """``accords export … | head -3``: the pipe closes before the output is written."""
    command = [
        sys.executable,
        "-m",
        "accords.cli",
        *arguments[:1],
        "--store",
        str(seed_store_dir),
        *arguments[1:],
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.close()
    _, errors = process.communicate(timeout=300)
    assert process.returncode == 1
    assert errors == b""
