"""Each bad input a user can send gets one readable line: a table of inputs and messages.

Over HTTP (the Flask app on the tiny store, and a real `accords serve` for what gunicorn
does) and on the command line (`accords query`). Also the low findings of the review:
graphs named twice counted once, XML never ill-formed, volatile functions never cached
even when split by a comment, absolute URLs from the server_url setting and not from the
Host header, a client's SCRIPT_NAME header ignored.
"""

from __future__ import annotations

import json
import socket
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from accords.config import Settings, load_settings
from accords.server.app import create_app
from tests.conftest import SOURCE_GRAPH
from tests.fixtures import accords

TEXT_FIRST = "text/plain,application/sparql-results+json;q=0.9,*/*;q=0.8"  # as the editor asks
XML_RESULTS = "application/sparql-results+xml"

# (query, parameters, Accept, status, the start of the message, line, column)
HTTP_CASES = {
    "forgotten PREFIX": (
        "SELECT * WHERE {\n  ?s acc:p ?o }",
        {},
        None,
        400,
        "unknown prefix acc: — declare it with PREFIX acc: <…> (line 2, column 6)",
    ),
    "update": ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", {}, None, 403, "read-only: INSERT is an update"),
    "unknown function": (
        "SELECT * { BIND(1 AS ?x) FILTER(<http://example.org/func>(?x)) }",
        {},
        None,
        400,
        "unknown function <http://example.org/func>:",
    ),
    "unknown function in ORDER BY": (
        "PREFIX ex: <http://example.org/> SELECT * { ?s ?p ?o } ORDER BY ex:f(?s)",
        {},
        None,
        400,
        "unknown function <http://example.org/f>:",
    ),
    "unknown aggregate": (
        "PREFIX ex: <http://example.org/> SELECT (ex:agg(DISTINCT ?o) AS ?a) { ?s ?p ?o }",
        {},
        None,
        400,
        "unknown function <http://example.org/agg>:",
    ),
    "less-than that SPARQL reads as an IRI": (
        "SELECT * { BIND(1 AS ?x) FILTER(?x<?a&&?b>?x) }",
        {},
        None,
        400,
        "syntax error: <?a&&?b> is an IRI for SPARQL (the longest token)",
    ),
    "syntax error where pyoxigraph finds it (its column in the query sent)": (
        "SELECT * { ?s <http://x/p> ?o FILTER(?o = ) }",
        {},
        None,
        400,
        "(line 1, column 46)",
    ),
    "default-graph-uri with a space": (
        "ASK {}",
        {"default-graph-uri": "a b"},
        None,
        400,
        "default-graph-uri 'a b'",
    ),
    "empty default-graph-uri": ("ASK {}", {"default-graph-uri": ""}, None, 400, "default-graph-uri ''"),
    "default-graph-uri in brackets": (
        "ASK {}",
        {"default-graph-uri": "<http://x/>"},
        None,
        400,
        "default-graph-uri '<http://x/>'",
    ),
    "named-graph-uri with a space": (
        "ASK {}",
        {"named-graph-uri": "a b"},
        None,
        400,
        "named-graph-uri 'a b'",
    ),
    "U+0001 in SPARQL XML results": (
        'SELECT ("a\\u0001b" AS ?x) {}',
        {},
        XML_RESULTS,
        406,
        "the result holds the character U+0001, which XML 1.0 cannot carry",
    ),
    "U+FFFE in SPARQL XML results": (
        'SELECT ("a\\uFFFEb" AS ?x) {}',
        {},
        XML_RESULTS,
        406,
        "the result holds the character U+FFFE",
    ),
    "U+0008 in RDF/XML": (
        'CONSTRUCT { <urn:a> <urn:b> "\\u0008" } WHERE {}',
        {},
        "application/rdf+xml",
        406,
        "the result holds the character U+0008",
    ),
}


@pytest.mark.parametrize("case", HTTP_CASES.values(), ids=HTTP_CASES.keys())
def test_bad_input_over_http_gets_one_line(server_client: FlaskClient, case) -> None:
    query, parameters, accept, status, message = case
    headers = {"Accept": accept} if accept else {}
    response = server_client.get("/sparql", query_string={"query": query, **parameters}, headers=headers)
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert body.startswith(f"{status} ") and message in body and body.count("\n") == 1, body


def test_a_json_client_gets_the_message_line_and_column(server_client: FlaskClient) -> None:
    query = "SELECT * WHERE {\n  ?s acc:p ?o }"
    response = server_client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    error = response.get_json()
    assert error["message"].startswith("unknown prefix acc: — declare it with PREFIX acc: <…>")
    assert (error["line"], error["column"]) == (2, 6)


def test_the_editor_gets_the_message_as_text(server_client: FlaskClient) -> None:
    """The editor asks for text/plain first: YASR shows the line, not a JSON string."""
    response = server_client.get(
        "/sparql", query_string={"query": "SELECT * { ?s acc:p ?o }"}, headers={"Accept": TEXT_FIRST}
    )
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("400 Bad Request: unknown prefix acc:")
    ok = server_client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": TEXT_FIRST})
    assert ok.status_code == 200 and json.loads(ok.get_data(as_text=True))["boolean"] is True


def test_an_xml_safe_result_is_still_xml(server_client: FlaskClient) -> None:
    response = server_client.get(
        "/sparql", query_string={"query": 'SELECT ("a\\tb<&" AS ?x) {}'}, headers={"Accept": XML_RESULTS}
    )
    assert response.status_code == 200
    assert "<literal>a\tb&lt;&amp;</literal>" in response.get_data(as_text=True)


CLI_CASES = {
    "forgotten PREFIX": (
        "SELECT * WHERE { ?s acc:p ?o }",
        "unknown prefix acc: — declare it with PREFIX acc: <…> (line 1, column 21)",
    ),
    "update": ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "read-only: INSERT is an update operation"),
    "unknown function": (
        "SELECT * { FILTER(<http://example.org/func>(?x)) }",
        "unknown function <http://example.org/func>",
    ),
    "other syntax error": ("SELECT * { ?s ?p ?o } LIMIT x", "syntax error: expected"),
}


@pytest.mark.parametrize("case", CLI_CASES.values(), ids=CLI_CASES.keys())
def test_bad_input_on_the_command_line_gets_one_line(server_store: Path, case) -> None:
    query, message = case
    result = accords("query", "--store", str(server_store), query)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("accords query: ") and message in lines[0], result.stderr


# ------------------------------------------------------------------ the dataset, the cache


def count(client: FlaskClient, query: str, **parameters) -> int:
    response = client.get(
        "/sparql", query_string={"query": query, **parameters}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def test_a_graph_named_twice_is_counted_once(server_client: FlaskClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    once = count(server_client, query, **{"default-graph-uri": SOURCE_GRAPH})
    assert once > 0
    assert count(server_client, query, **{"default-graph-uri": [SOURCE_GRAPH, SOURCE_GRAPH]}) == once
    twice = f"SELECT (COUNT(*) AS ?n) FROM <{SOURCE_GRAPH}> FROM <{SOURCE_GRAPH}> {{ ?s ?p ?o }}"
    assert count(server_client, twice) == once


@pytest.mark.parametrize("call", ["NOW()", "NOW#c\n()", "RAND ( )", "STRUUID#(\n()", "BNODE()", "uuid()"])
def test_volatile_functions_are_not_cached(server_client: FlaskClient, call: str) -> None:
    query = f"SELECT (STR({call}) AS ?v) {{}}"
    response = server_client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200 and "Accords-Cache" not in response.headers
    steady = server_client.get("/sparql", query_string={"query": "SELECT (STR(1) AS ?v) {}"})
    assert steady.headers.get("Accords-Cache") in ("miss", "hit")


# ------------------------------------------------------------------ absolute URLs, SCRIPT_NAME


@pytest.mark.parametrize(
    ("server_url", "root"),
    [
        ("https://sparql.example.org/accords/", "https://sparql.example.org/accords"),
        ("", "http://127.0.0.1:8123"),
    ],
)
def test_absolute_urls_come_from_server_url_not_the_host_header(
    server_settings: Settings, server_url: str, root: str
) -> None:
    app = create_app(replace(server_settings, server_url=server_url, host="127.0.0.1", port=8123))
    try:
        client = app.test_client()
        headers = {"Host": "evil.example", "Accept": "text/turtle"}
        description = client.get("/sparql", headers=headers).get_data(as_text=True)
        void = client.get("/void", headers=headers).get_data(as_text=True)
        for body in (description, void):
            assert f"<{root}/sparql>" in body and "evil.example" not in body, body[:2000]
    finally:
        app.extensions["accords"].executors.close()


@pytest.fixture(scope="module")
def live(server_live_factory, server_store: Path):
    return server_live_factory(server_store, "--workers", "1", "--query-processes", "1")


def raw_get(base_url: str, path: str, headers: str) -> str:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_client_script_name_header_is_ignored(live) -> None:
    """gunicorn trusts no peer as a proxy (forwarded_allow_ips is empty): a client's SCRIPT_NAME
    or PATH_INFO header moves nothing."""
    plain = raw_get(live.url, "/health", "")
    assert plain.startswith("HTTP/1.1 200")
    moved = raw_get(live.url, "/health", "SCRIPT_NAME: /hea\r\n")
    assert moved.startswith("HTTP/1.1 200"), moved[:300]
    query = quote("SELECT * { ?s ?p ?o } LIMIT 1")
    answer = raw_get(live.url, f"/sparql?query={query}", "SCRIPT_NAME: /spa\r\nAccept: text/csv\r\n")
    assert answer.startswith("HTTP/1.1 200"), answer[:300]
    description = raw_get(live.url, "/sparql", "SCRIPT_NAME: /sparql\r\nAccept: text/turtle\r\n")
    assert description.startswith("HTTP/1.1 200") and f"<{live.url}/sparql>" in description
    # A SCRIPT_NAME that is no prefix of the path, or names another host: no 500, no rewrite.
    for header in ("SCRIPT_NAME: /zzz\r\n", "SCRIPT_NAME: //evil.example\r\n", "PATH_INFO: /void\r\n"):
        answer = raw_get(live.url, "/health", header)
        assert answer.startswith("HTTP/1.1 200") and '"status":"ok"' in answer.replace(" ", ""), answer[:300]


def test_server_url_is_a_setting_like_the_others(server_store: Path, tmp_path: Path) -> None:
    no_file = {"ACCORDS_CONFIG": str(tmp_path / "none.toml")}

    def root(variables: dict, flags: dict) -> str:
        return load_settings(None, {**no_file, **variables}, flags).server_root

    assert root({}, {"server_url": "https://sparql.example.org/"}) == "https://sparql.example.org"
    assert root({"ACCORDS_SERVER_URL": "http://[::1]:9000"}, {}) == "http://[::1]:9000"
    assert root({}, {"host": "::1", "port": 9001}) == "http://[::1]:9001"
    result = accords("serve", "--store", str(server_store), "--server-url", "ftp://x.example")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "accords serve: --server-url: cannot use 'ftp://x.example' (must be an http:// or https:// URL)"
    )
