"""The full-text index of names and quotes: built with each build, served by ``/search``, by the
SPARQL function ``accfn:search`` (endpoint and command line), and by the explorer's search box."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from accords.loaders.search_index import INDEX_FILE, match_expression, search
from accords.loaders.store import current_build

try:
    from tests import w3c_manifest as w3c
except ImportError:
    import w3c_manifest as w3c

SEARCH_QUERY = """PREFIX accfn: <https://w3id.org/accords/function#>
PREFIX acc: <https://w3id.org/accords/ontology#>
SELECT ?x ?score WHERE {
  VALUES ?type { acc:State acc:Organization acc:Person acc:Agreement }
  ?x a ?type . BIND(accfn:search(?x, "%s") AS ?score) FILTER(BOUND(?score))
} ORDER BY DESC(?score)"""
NUCLEAR = "https://w3id.org/accords/id/agreement/mali-russian-federation/2025-06/energy"
ROSATOM = "https://w3id.org/accords/id/organization/rosatom"


@pytest.fixture(scope="module")
def index(server: w3c.RunningServer) -> Path:
    assert server.store is not None
    build = current_build(server.store)
    assert build is not None
    return build / INDEX_FILE


def test_each_build_writes_its_index(index: Path) -> None:
    assert index.is_file()
    info = json.loads((index.parent / "build.json").read_text(encoding="utf-8"))
    assert info["search_entries"] > 10


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Goita", "https://w3id.org/accords/id/person/assimi-goita"),  # accents ignored
        ("GOÏTA", "https://w3id.org/accords/id/person/assimi-goita"),
        ("rosa", ROSATOM),  # a word's beginning is enough
        ("énergie atomique", NUCLEAR),  # French title words
        ("atomic energy", NUCLEAR),  # English title words
        ("Moscou", "https://w3id.org/accords/id/place/moscow"),
    ],
)
def test_ranked_hits(index: Path, text: str, first: str) -> None:
    hits = search(index, text)
    assert hits and hits[0].iri == first
    assert len({hit.iri for hit in hits}) == len(hits)  # one row per resource


def test_a_name_that_is_the_whole_query_comes_first(index: Path) -> None:
    # "Mali" is a state's name and a word of many quotes: the state first.
    assert search(index, "mali")[0].iri == "https://w3id.org/accords/id/state/mali"


def test_query_syntax_cannot_reach_fts(index: Path) -> None:
    for text in ('"', "NEAR(", "* OR", "-", "a:b", "^x", ")"):
        search(index, text)  # no exception from SQLite's query parser
    assert match_expression("   ") is None
    assert match_expression('rosatom" OR *') == '"rosatom"* AND "or"*'


def test_the_sparql_function_ranks_as_search_does(server: w3c.RunningServer, index: Path) -> None:
    response = requests.post(
        server.base_url + "/sparql",
        data={"query": SEARCH_QUERY % "énergie atomique"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    assert [row["x"]["value"] for row in rows] == [hit.iri for hit in search(index, "énergie atomique")]
    assert rows[0]["x"]["value"] == NUCLEAR
    assert rows[0]["score"]["datatype"] == "http://www.w3.org/2001/XMLSchema#double"


def test_the_sparql_function_on_the_command_line(server: w3c.RunningServer) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "accords.cli", "query", "--store", str(server.store), "--format", "csv"]
        + [SEARCH_QUERY % "rosatom"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "x,score"
    assert lines[1].startswith(ROSATOM + ",")
