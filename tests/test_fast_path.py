"""The fast path of /sparql (server.fast_path) answers exactly what the Flask view answers.

Each request is sent twice: to the application as it runs (the fast path in front) and to the
Flask application behind it alone; status, headers and body must be the same — answers,
refusals of the protocol and of the guard, engine errors, negotiation — and requests the fast
path does not serve must still reach Flask.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder, run_wsgi_app

from accords.server.fast_path import SparqlFastPath

SELECT = "SELECT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o }"
QUERY = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"
VARYING = ("ETag", "Accords-Cache")  # the second of the two requests may be a cache hit

REQUESTS = {
    "select by POST": dict(method="POST", data=SELECT, content_type=QUERY),
    "select by GET, XML": dict(
        query_string="query=" + quote(SELECT), headers={"Accept": "application/sparql-results+xml"}
    ),
    "form POST, infer=false": dict(
        method="POST", data="infer=false&query=" + quote(SELECT), content_type=FORM
    ),
    "ask, format=csv": dict(query_string="format=csv&query=" + quote("ASK { ?s ?p ?o }")),
    "construct as Turtle": dict(
        method="POST",
        data="CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
        content_type=QUERY,
        headers={"Accept": "text/turtle"},
    ),
    "syntax error (engine)": dict(method="POST", data="SELECT ?s WHERE { ?s ?p }", content_type=QUERY),
    "syntax error, JSON asked": dict(
        method="POST", data="SELECT WHERE {", content_type=QUERY, headers={"Accept": "application/json"}
    ),
    "SERVICE not allowed (guard)": dict(
        method="POST",
        data="SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        content_type=QUERY,
    ),
    "not acceptable": dict(method="POST", data=SELECT, content_type=QUERY, headers={"Accept": "image/png"}),
    "unsupported content type": dict(method="POST", data=SELECT, content_type="text/plain"),
    "an update": dict(method="POST", data="update=" + quote("CLEAR ALL"), content_type=FORM),
    "two queries": dict(query_string="query=ASK%7B%7D&query=ASK%7B%7D"),
    "bad infer": dict(query_string="infer=maybe&query=ASK%7B%7D"),
    "POST without a query": dict(method="POST", data="", content_type=FORM),
    "too large": dict(method="POST", data="ASK {} #" + "x" * 9000, content_type=QUERY),
    "invalid UTF-8 body": dict(method="POST", data=b"ASK { \xff }", content_type=QUERY),
    "OPTIONS (preflight)": dict(method="OPTIONS"),
}


def _answer(app: object, request: dict) -> tuple[str, dict[str, str], bytes]:
    environ = EnvironBuilder(path="/sparql", **request).get_environ()
    body, status, headers = run_wsgi_app(app, environ, buffered=True)
    return status, {k: v for k, v in headers.items() if k not in VARYING}, b"".join(body)


@pytest.mark.parametrize("name", REQUESTS)
def test_the_fast_path_answers_as_the_flask_view(server_app: Flask, name: str) -> None:
    fast = server_app.wsgi_app
    assert isinstance(fast, SparqlFastPath)
    request = REQUESTS[name]
    assert _answer(fast, request) == _answer(fast.flask, request)


def test_queries_are_answered_without_the_flask_view(server_app: Flask, monkeypatch) -> None:
    """A query never reaches Flask's view; a GET without one (the service description) does."""

    def refused() -> None:
        raise AssertionError("the Flask view was called")

    monkeypatch.setitem(server_app.view_functions, "sparql.endpoint", refused)
    client = server_app.test_client()
    answer = client.post("/sparql", data=SELECT, content_type=QUERY)
    assert answer.status_code == 200
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert answer.json["results"]["bindings"]
    assert client.get("/sparql", headers={"Accept": "text/turtle"}).status_code == 500  # Flask's view
