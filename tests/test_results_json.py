"""The JSON results writer: each kind of term, and text that JSON must escape."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox

from accords.server.engine.jobs import Job
from accords.server.engine.query_process import _streams
from accords.server.results import json_document, write_results


class _Out(io.BytesIO):
    written = 0

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.written += len(data)
        return super().write(data)


def test_every_kind_of_term_reads_back_as_the_json_results_format_says() -> None:
    store = ox.Store()
    s, p = ox.NamedNode("http://example.org/é"), ox.NamedNode("http://example.org/p")
    objects = [
        ox.Literal('say "hi"\\ \n\t\x01 ü'),
        ox.Literal("chat", language="fr"),
        ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.BlankNode("b1"),
        ox.NamedNode("http://example.org/o"),
    ]
    for o in objects:
        store.add(ox.Quad(s, p, o))
    out = _Out()
    written = write_results(
        store.query("SELECT ?s ?o ?none WHERE { ?s ?p ?o } ORDER BY STR(?o)"), "json", out, 100, 10**6, {}
    )
    document = json.loads(out.getvalue())
    assert written.rows == 5 and document["head"]["vars"] == ["s", "o", "none"]
    bindings = document["results"]["bindings"]
    found = sorted(json.dumps(b["o"], sort_keys=True) for b in bindings)
    expected = [
        {"type": "literal", "value": 'say "hi"\\ \n\t\x01 ü'},
        {"type": "literal", "value": "chat", "xml:lang": "fr"},
        {"type": "literal", "value": "7", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
        {"type": "bnode", "value": "b1"},
        {"type": "uri", "value": "http://example.org/o"},
    ]
    assert found == sorted(json.dumps(e, sort_keys=True) for e in expected)
    assert all(b["s"] == {"type": "uri", "value": "http://example.org/é"} for b in bindings)
    assert all("none" not in b for b in bindings)
    assert "ü".encode() in out.getvalue()  # UTF-8, not \\u escapes


def test_a_quoted_triple_is_written_as_a_triple_term() -> None:
    store = ox.Store()
    a, p = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p")
    out = _Out()
    result = store.query(f"SELECT ?t WHERE {{ BIND(<<( <{a.value}> <{p.value}> 1 )>> AS ?t) }}")
    write_results(result, "json", out, 10, 10**6, {})
    term = json.loads(out.getvalue())["results"]["bindings"][0]["t"]
    assert term["type"] == "triple"
    assert term["value"]["subject"] == {"type": "uri", "value": a.value}
    assert term["value"]["predicate"] == {"type": "uri", "value": p.value}
    assert term["value"]["object"]["value"] == "1"


def test_a_short_document_written_by_pyoxigraph_is_the_row_by_row_document() -> None:
    store = ox.Store()
    s, p = ox.NamedNode("http://example.org/é"), ox.NamedNode("http://example.org/p")
    for o in (
        ox.Literal('say "hi"\\ \n\t\x01 ü \u2028 😀'),
        ox.Literal("chat", language="fr"),
        ox.Literal("dir", language="ar", direction=ox.BaseDirection.RTL),
        ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.BlankNode("b1"),
        ox.NamedNode("http://example.org/o"),
    ):
        store.add(ox.Quad(s, p, o))
    for query in (
        "SELECT ?s ?o ?none WHERE { ?s ?p ?o } ORDER BY STR(?o)",
        "SELECT * WHERE {}",
        "SELECT ?x WHERE { FILTER(false) }",
        "SELECT ?t WHERE { BIND(<<( <http://example.org/a> <http://example.org/p> 1 )>> AS ?t) }",
    ):
        out = _Out()
        written = write_results(store.query(query), "json", out, 1000, 10**6, {})
        whole = json_document(store.query(query), 1000, 10**6)
        assert whole == (out.getvalue(), written.rows), query


def test_a_document_that_could_pass_a_limit_is_left_to_the_row_by_row_writer() -> None:
    store = ox.Store()
    rows = "SELECT ?n WHERE { VALUES ?n { 1 2 3 4 5 6 7 8 9 10 } }"
    short = json_document(store.query(rows), 1000, 10**6)
    assert short is not None and short[1] == 10
    assert json_document(store.query(rows), 9, 10**6) is None  # 10 rows: past the row limit
    empty_rows = "SELECT * WHERE { VALUES () { () () () () () () } }"  # the shortest rows: {}
    assert json_document(store.query(empty_rows), 5, 10**6) is None
    assert json_document(store.query(rows), 1000, len(short[0])) == short  # exactly at the byte limit
    assert json_document(store.query(rows), 1000, len(short[0]) - 1) is None


def test_only_a_query_that_streams_is_tried_whole_first() -> None:
    """A result too long to be written whole is evaluated again: never an aggregate's or a sort's
    (they compute everything before their first row), nor a SERVICE call's."""
    assert _streams(Job(query="SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }"))
    for query in (
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
        "SELECT ?s WHERE { ?s ?p ?o } order by ?s",
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o }",
        "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 5 } }",
        "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }",
    ):
        assert not _streams(Job(query=query)), query
    assert not _streams(Job(query="SELECT * WHERE { ?s ?p ?o }", federated=True))
