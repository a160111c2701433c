"""The query process starts without rdflib (most of its start-up time): it imports only what it runs."""

from __future__ import annotations

import json

import pytest

from accords.config import Settings
from accords.loaders.vocabulary import INFERRED_GRAPH, PREFIXES
from accords.server.engine.jobs import Job, Setup
from accords.server.engine.pool import ExecutorPool


def test_a_query_process_answers_without_importing_rdflib(
    server_settings: Settings, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every module a query process imports is logged on its stderr (inherited, captured by fd).
    monkeypatch.setenv("PYTHONPROFILEIMPORTTIME", "1")
    setup = Setup(
        store=str(server_settings.store.resolve()), inferred_graph=INFERRED_GRAPH, prefixes=PREFIXES
    )
    executors = ExecutorPool(setup, 1, 10.0)
    try:
        answer = executors.run(
            Job(
                query="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                format="json",
                max_rows=10,
                max_bytes=100_000,
            )
        )
        rows = json.loads(b"".join(answer.chunks()))["results"]["bindings"]
        assert int(rows[0]["n"]["value"]) > 0
    finally:
        executors.close()
    imported = [line.rsplit("|", 1)[-1].strip() for line in capfd.readouterr().err.splitlines()]
    assert "accords.server.engine.wire" in imported  # the log is the query process's (its only child)
    assert "pyoxigraph" in imported
    assert not [name for name in imported if name == "rdflib" or name.startswith("rdflib.")]
    assert "importlib.metadata" not in imported  # ~23 ms of each start, for accords.__version__
