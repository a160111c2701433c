"""The result cache and ETags of /sparql: a repeated query is served from memory, a client's
If-None-Match gets 304, and a new build is never answered from the old one's results."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from accords.config import Settings
from accords.server.app import create_app
from accords.server.result_cache import CacheKey, Entry, ResultCache, cacheable, etag_matches
from tests.conftest import server_store_quads
from tests.fixtures import new_build

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    with new_build(tmp_path) as (db, info):
        db.extend(server_store_quads())
        info["quads"] = len(server_store_quads())
    return tmp_path


@pytest.fixture
def app(store: Path) -> Iterator[Flask]:
    app = create_app(Settings(store=store, query_processes=1, max_result_rows=50, query_timeout=5.0))
    yield app
    app.extensions["accords"].executors.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _count(response) -> int:
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def test_second_identical_query_is_served_from_the_cache(client: FlaskClient, app: Flask) -> None:
    first = client.get("/sparql", query_string={"query": COUNT}, headers=JSON)
    second = client.get("/sparql", query_string={"query": COUNT + "\n"}, headers=JSON)
    assert first.status_code == second.status_code == 200
    assert first.headers["Accords-Cache"] == "miss"
    assert second.headers["Accords-Cache"] == "hit"
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    assert second.headers["Content-Type"].startswith("application/sparql-results+json")
    assert app.extensions["accords"].result_cache.counts()["hits"] == 1


def test_format_is_part_of_the_key(client: FlaskClient) -> None:
    client.get("/sparql", query_string={"query": COUNT}, headers=JSON)
    csv = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"})
    assert csv.headers["Accords-Cache"] == "miss"
    assert csv.headers["Content-Type"].startswith("text/csv")
    no_infer = client.get("/sparql", query_string={"query": COUNT, "infer": "false"}, headers=JSON)
    assert no_infer.headers["Accords-Cache"] == "miss"
    assert _count(no_infer) == len(server_store_quads()) - 1


def test_if_none_match_gets_304(client: FlaskClient) -> None:
    first = client.get("/sparql", query_string={"query": COUNT}, headers=JSON)
    etag = first.headers["ETag"]
    again = client.get("/sparql", query_string={"query": COUNT}, headers={**JSON, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    other = client.get(
        "/sparql", query_string={"query": COUNT}, headers={**JSON, "If-None-Match": '"something-else"'}
    )
    assert other.status_code == 200


def test_a_new_build_invalidates(client: FlaskClient, store: Path) -> None:
    before = client.get("/sparql", query_string={"query": COUNT}, headers=JSON)
    with new_build(store) as (db, info):
        db.extend(server_store_quads())
        extra = ox.Quad(
            ox.NamedNode("http://example.org/new"), ox.NamedNode("http://example.org/p"), ox.Literal(1)
        )
        db.add(extra)
        info["quads"] = len(server_store_quads()) + 1
    after = client.get("/sparql", query_string={"query": COUNT}, headers=JSON)
    assert after.headers["Accords-Cache"] == "miss"
    assert after.headers["ETag"] != before.headers["ETag"]
    assert _count(after) == _count(before) + 1
    stale = client.get(
        "/sparql", query_string={"query": COUNT}, headers={**JSON, "If-None-Match": before.headers["ETag"]}
    )
    assert stale.status_code == 200


def test_truncated_and_volatile_results_are_not_cached(client: FlaskClient) -> None:
    big = "SELECT * WHERE { ?s ?p ?o }"  # more rows than max_result_rows (50)
    for _ in range(2):
        response = client.get("/sparql", query_string={"query": big}, headers=JSON)
        assert response.headers.get("Accords-Truncated")
        assert "ETag" not in response.headers
        assert response.headers["Accords-Cache"] == "miss"
    volatile = "SELECT (RAND() AS ?r) WHERE {}"
    for _ in range(2):
        response = client.get("/sparql", query_string={"query": volatile}, headers=JSON)
        assert "Accords-Cache" not in response.headers
        assert "ETag" not in response.headers


def test_cache_off(store: Path) -> None:
    app = create_app(Settings(store=store, query_processes=1, result_cache_bytes=0))
    try:
        client = app.test_client()
        for _ in range(2):
            response = client.get("/sparql", query_string={"query": COUNT}, headers=JSON)
            assert response.status_code == 200
            assert "Accords-Cache" not in response.headers
            assert "ETag" not in response.headers
    finally:
        app.extensions["accords"].executors.close()


def test_the_cache_is_bounded() -> None:
    cache = ResultCache(max_bytes=4000)
    keys = [CacheKey(f"q{i}", "json", None, None, True, False, None, 0, 0, "b") for i in range(10)]
    for key in keys:
        assert cache.put(key, Entry(b"x" * 500, "text/plain", {}))
    assert cache.counts()["bytes"] <= 4000
    assert cache.get(keys[0]) is None  # least recently used went first
    assert cache.get(keys[-1]) is not None
    assert not cache.put(keys[0], Entry(b"x" * 2000, "text/plain", {}))  # larger than a quarter


def test_helpers() -> None:
    assert cacheable("SELECT * { ?s ?p ?o }", federated=False)
    assert not cacheable("SELECT * { SERVICE <x> { ?s ?p ?o } }", federated=False)
    assert not cacheable("SELECT (now() AS ?t) {}", federated=False)
    assert not cacheable("SELECT * {}", federated=True)
    assert etag_matches('"a", W/"b"', '"b"')
    assert etag_matches("*", '"b"')
    assert not etag_matches(None, '"b"')
    key = CacheKey("q", "json", None, None, True, False, None, 0, 0, "b")
    assert key.etag == replace(key).etag != replace(key, build="c").etag
