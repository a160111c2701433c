"""The W3C SPARQL 1.1 Protocol tests, run against a real `accords serve`.

One case per ``mf:ProtocolTest`` of ``shared/w3c/sparql11-protocol/manifest.ttl``: each
sends the HTTP requests the manifest describes, as written (method, ``/sparql/…`` path,
headers, body), and checks the responses.

What is checked, and where it comes from:

* the status class: ``mf:expectedStatus`` (``hts:StatusCode2xx`` …);
* the answer of an ASK: ``mf:expectedBoolean``;
* the media type: ``mf:expectedFormat`` only says "boolean", "tabular" or "RDF"; which
  media types these may be is written only in prose, in the ``mf:name`` of the
  ``query_content_type_*`` tests ("expect one of: XML, JSON, CSV, TSV", "expect one of:
  XML, JSON", "expect one of: RDF/XML, Turtle, N-Triples, RDFa"). ``FORMAT_MEDIA_TYPES``
  encodes that prose;
* the endpoint is read-only, so where the manifest expects an update to succeed the
  runner expects it to be refused with a 4xx, and an ASK sent afterwards to check the
  update's effect to answer false (``READ_ONLY`` below).

Set ACCORDS_W3C_ENDPOINT_PATH (e.g. ``/sparql``) to send the requests to another path
than the manifest's ``/sparql/``; by default they go where the manifest says.
"""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest
from rdflib import Graph

try:
    from tests import w3c_manifest as w3c
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    import w3c_manifest as w3c

MANIFEST = w3c.manifest_path()
TESTS = w3c.load_manifest(MANIFEST) if MANIFEST.is_file() else []
EXPECTED_TEST_COUNT = 34

# From the mf:name of the query_content_type_* tests (see the module docstring).
FORMAT_MEDIA_TYPES = {
    "boolean": {
        "application/sparql-results+xml",
        "application/sparql-results+json",
    },
    "tabular": {
        "application/sparql-results+xml",
        "application/sparql-results+json",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {
        "application/rdf+xml",
        "text/turtle",
        "application/n-triples",
        "application/xhtml+xml",  # RDFa
        "text/html",  # RDFa
    },
}
RDFLIB_FORMATS = {
    "application/rdf+xml": "xml",
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/xhtml+xml": None,  # RDFa: accepted, not parsed here
    "text/html": None,
}
SPARQL_RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
MAX_REDIRECTS = 3

# The endpoint accepts no SPARQL Update: the manifest's update tests (update_*) expect
# 2xx for the update; here every update request must get a 4xx instead, and the ASK
# that follows it in the same test (which checks the update's effect) must answer false.
READ_ONLY = "updates refused: accords serves a read-only store"


def _endpoint_path(path: str) -> str:
    """The manifest's path, or the same request on ACCORDS_W3C_ENDPOINT_PATH."""
    endpoint = os.environ.get("ACCORDS_W3C_ENDPOINT_PATH")
    if not endpoint or not path.startswith("/sparql/"):
        return path
    return endpoint + path[len("/sparql/") :]


def test_manifest_is_there() -> None:
    assert MANIFEST.is_file(), f"the W3C manifest is missing: {MANIFEST}"
    names = [test.name for test in TESTS]
    assert len(names) == EXPECTED_TEST_COUNT
    assert len(set(names)) == len(names)


def _send(server: w3c.RunningServer, request: w3c.ProtocolRequest) -> tuple[int, w3c.Reply]:
    """The first status, and the final reply after following redirects."""
    reply = w3c.send(server.base_url, request, path=_endpoint_path(request.path))
    first = reply.status
    current = request
    for _ in range(MAX_REDIRECTS):
        location = reply.headers.get("location")
        if not (300 <= reply.status < 400 and location):
            break
        target = urlsplit(urljoin(server.base_url + current.path, location))
        path = target.path + ("?" + target.query if target.query else "")
        if reply.status not in (307, 308):  # 301/302/303: the client switches to GET
            current = w3c.ProtocolRequest("GET", path, (), None, current.expected)
        reply = w3c.send(server.base_url, current, path=path)
    return first, reply


def _boolean(reply: w3c.Reply) -> bool:
    if reply.content_type == "application/sparql-results+json":
        return json.loads(reply.body)["boolean"]
    root = ET.fromstring(reply.body)
    element = root.find(f"{SPARQL_RESULTS_NS}boolean")
    assert element is not None, f"no <boolean> in {reply.text()[:300]!r}"
    return element.text.strip() == "true"


def _check_table(reply: w3c.Reply) -> None:
    if reply.content_type == "application/sparql-results+json":
        data = json.loads(reply.body)
        assert "vars" in data["head"] and "bindings" in data["results"]
    elif reply.content_type == "application/sparql-results+xml":
        root = ET.fromstring(reply.body)
        assert root.find(f"{SPARQL_RESULTS_NS}results") is not None
    else:
        delimiter = "," if reply.content_type == "text/csv" else "\t"
        rows = list(csv.reader(io.StringIO(reply.body.decode("utf-8")), delimiter=delimiter))
        assert rows and rows[0], "no header row"


def _check_rdf(reply: w3c.Reply) -> None:
    fmt = RDFLIB_FORMATS[reply.content_type]
    if fmt is not None:
        Graph().parse(data=reply.body, format=fmt)


def _describe(test: w3c.ProtocolTest, index: int, reply: w3c.Reply) -> str:
    return (
        f"{test.name} ({test.label}), request {index + 1}/{len(test.requests)}: "
        f"got {reply.status} {reply.content_type or '(no content type)'}: {reply.text()[:400]!r}"
    )


@pytest.mark.parametrize("test", [pytest.param(t, id=t.name) for t in TESTS])
def test_protocol(server: w3c.RunningServer, test: w3c.ProtocolTest) -> None:
    refused_update = False
    for index, request in enumerate(test.requests):
        expected = request.expected
        status_classes = expected.status_classes
        boolean = expected.boolean
        if request.is_update and 2 in status_classes:
            status_classes = frozenset({4})  # READ_ONLY
            refused_update = True
        elif refused_update and boolean is True:
            boolean = False  # READ_ONLY: the refused update had no effect

        first, reply = _send(server, request)
        where = _describe(test, index, reply)
        assert first // 100 in status_classes, (
            f"expected a {'/'.join(f'{c}xx' for c in sorted(status_classes))} status; {where}"
        )
        if first // 100 in (4, 5) or expected.format is None:
            continue
        assert reply.status // 100 == 2, f"no result after redirects; {where}"
        allowed = FORMAT_MEDIA_TYPES[expected.format]
        assert reply.content_type in allowed, (
            f"expected {expected.format} results as one of {sorted(allowed)}; {where}"
        )
        if expected.format == "boolean":
            if boolean is not None:
                assert _boolean(reply) is boolean, f"expected ASK to answer {boolean}; {where}"
            else:
                _boolean(reply)
        elif expected.format == "tabular":
            _check_table(reply)
        else:
            _check_rdf(reply)


def test_store_unchanged_after_the_update_tests(server: w3c.RunningServer) -> None:
    """The refused updates (CLEAR ALL, DROP ALL …) left the data graphs in place."""
    for iri in sorted(w3c.all_graph_data(TESTS)):
        request = w3c.ProtocolRequest(
            "POST",
            "/sparql/",
            (("content-type", "application/sparql-query"),),
            f"ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}".encode(),
            w3c.ExpectedResponse(frozenset({2})),
        )
        _, reply = _send(server, request)
        assert reply.status == 200, _describe_plain(iri, reply)
        assert _boolean(reply) is True, _describe_plain(iri, reply)


def _describe_plain(iri: str, reply: w3c.Reply) -> str:
    return f"graph {iri}: got {reply.status} {reply.content_type}: {reply.text()[:300]!r}"
