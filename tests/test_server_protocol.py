"""The /sparql endpoint through Flask's test client: protocol, negotiation, datasets, errors."""

from __future__ import annotations

import csv
import io
import json
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from accords.config import Settings
from accords.loaders.namespaces import ACC, ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, source_graph
from accords.server.app import create_app

# The data of the tiny store built by conftest.server_store.
AGREEMENT = ox.NamedNode(str(ID["agreement/test"]))
SOURCE_GRAPH = source_graph("test")
FILLER_TRIPLES = 300

RESULTS = "{http://www.w3.org/2005/sparql-results#}"
SD = "http://www.w3.org/ns/sparql-service-description#"
SELECT_LABEL = (
    f"SELECT ?label WHERE {{ <{AGREEMENT.value}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
)
ASK_INFERRED = f"ASK {{ <{AGREEMENT.value}> a <{ACC.EnergyAgreement}> }}"
CONSTRUCT = (
    "CONSTRUCT { ?s ?p ?o } WHERE "
    f"{{ GRAPH <{SOURCE_GRAPH}> {{ ?s ?p ?o }} FILTER(?s = <{AGREEMENT.value}>) }}"
)
FORM = "application/x-www-form-urlencoded"


def get(client: FlaskClient, query: str, accept: str | None = None, **params: str):
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", query_string={"query": query, **params}, headers=headers)


def boolean(response) -> bool:
    assert response.status_code == 200, response.text
    return json.loads(response.data)["boolean"]


def bindings(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/sparql-results+json"
    return json.loads(response.data)["results"]["bindings"]


# --------------------------------------------------------------------------- the three forms


def test_get_post_form_and_post_direct_answer_alike(server_client: FlaskClient) -> None:
    by_get = get(server_client, SELECT_LABEL)
    by_form = server_client.post("/sparql", data={"query": SELECT_LABEL})
    by_body = server_client.post(
        "/sparql/", data=SELECT_LABEL.encode(), content_type="application/sparql-query"
    )
    for response in (by_get, by_form, by_body):
        assert bindings(response) == [
            {"label": {"type": "literal", "value": "Accord de test", "xml:lang": "fr"}}
        ]


def test_more_than_one_query_is_refused(server_client: FlaskClient) -> None:
    response = server_client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20*%20%7B%7D")
    assert response.status_code == 400
    response = server_client.post(
        "/sparql?query=ASK%20%7B%7D", data=b"ASK {}", content_type="application/sparql-query"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("text/plain", b"ASK {}", 415),
        (None, b"ASK {}", 415),
        (None, b"query=ASK%20%7B%7D", 415),
        ("application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16"), 415),
        ("application/sparql-query", b'ASK { FILTER("\xff" = 1) }', 400),
        (FORM, b"", 400),
    ],
)
def test_bad_posts(server_client: FlaskClient, content_type: str | None, body: bytes, status: int) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = server_client.post("/sparql/", data=body, headers=headers)
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_get_405(server_client: FlaskClient, method: str) -> None:
    response = server_client.open("/sparql/?query=ASK%20%7B%7D", method=method, content_type=FORM)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert response.text.startswith("405 Method Not Allowed")


# --------------------------------------------------------------------------- read-only


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "GET", "query_string": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"method": "GET", "query_string": {"query": "LOAD <http://127.0.0.1:9/data.ttl>"}},
        {"method": "GET", "query_string": {"update": "CLEAR ALL"}},
        {"method": "POST", "data": {"update": "CLEAR ALL"}},
        {"method": "POST", "data": {"query": "DROP ALL"}},
        {
            "method": "POST",
            "data": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "content_type": "application/sparql-update",
        },
        {"method": "POST", "data": b"CLEAR XYZ", "content_type": "application/sparql-update"},
        {"method": "GET", "query_string": {"query": "ASK {}", "using-graph-uri": "urn:g"}},
    ],
)
def test_updates_are_refused_with_a_reason(server_client: FlaskClient, request_args: dict) -> None:
    response = server_client.open("/sparql", **request_args)
    assert response.status_code == 403, response.text
    assert "read-only" in response.text
    assert boolean(get(server_client, ASK_INFERRED)) is True


def test_update_keywords_in_strings_comments_and_iris_are_only_text(server_client: FlaskClient) -> None:
    query = """# INSERT DATA { <urn:a> <urn:b> <urn:c> }
    SELECT ?x WHERE { BIND('''DELETE WHERE { ?s ?p ?o }
    LOAD <http://example.org/>''' AS ?x) FILTER(?x != <http://example.org/CLEAR/DROP>) }"""
    assert len(bindings(get(server_client, query))) == 1


# --------------------------------------------------------------------------- negotiation


def test_select_in_each_result_format(server_client: FlaskClient) -> None:
    query = "SELECT ?n ?s WHERE { ?s <http://example.org/value> ?n } ORDER BY ?n LIMIT 3"
    response = get(server_client, query, "application/sparql-results+json")
    assert [b["n"]["value"] for b in bindings(response)] == ["0", "1", "2"]

    response = get(server_client, query, "application/sparql-results+xml")
    assert response.mimetype == "application/sparql-results+xml"
    results = ET.fromstring(response.data).find(f"{RESULTS}results")
    assert [r.find(f"{RESULTS}binding/{RESULTS}literal").text for r in results] == ["0", "1", "2"]

    response = get(server_client, query, "text/csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows[0] == ["n", "s"] and [r[0] for r in rows[1:]] == ["0", "1", "2"]

    response = get(server_client, query, "text/tab-separated-values")
    assert response.mimetype == "text/tab-separated-values"
    lines = response.data.decode().splitlines()
    assert lines[0] == "?n\t?s" and lines[1].startswith('"0"^^<http://www.w3.org/2001/XMLSchema#integer>\t')
    parsed = ox.parse_query_results(response.data, format=ox.QueryResultsFormat.TSV)
    assert len(list(parsed)) == 3


def test_ask_in_json_and_xml(server_client: FlaskClient) -> None:
    assert boolean(get(server_client, "ASK {}")) is True
    response = get(server_client, "ASK {}", "application/sparql-results+xml")
    assert ET.fromstring(response.data).find(f"{RESULTS}boolean").text == "true"


@pytest.mark.parametrize(
    ("accept", "fmt", "media_type"),
    [
        (None, ox.RdfFormat.TURTLE, "text/turtle"),
        ("text/turtle", ox.RdfFormat.TURTLE, "text/turtle"),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES, "application/n-triples"),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML, "application/rdf+xml"),
        ("application/ld+json", ox.RdfFormat.JSON_LD, "application/ld+json"),
    ],
)
def test_construct_in_each_rdf_format(server_client: FlaskClient, accept, fmt, media_type) -> None:
    response = get(server_client, CONSTRUCT, accept)
    assert response.status_code == 200, response.text
    assert response.mimetype == media_type
    triples = list(ox.parse(response.data, format=fmt))
    assert len(triples) == 2 and {t.subject for t in triples} == {AGREEMENT}


def test_describe_answers_rdf(server_client: FlaskClient) -> None:
    response = get(server_client, f"DESCRIBE <{AGREEMENT.value}>")
    assert response.mimetype == "text/turtle"
    assert len(list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))) >= 2


def test_format_parameter_overrides_accept(server_client: FlaskClient) -> None:
    response = get(server_client, "SELECT * {}", "application/sparql-results+json", format="csv")
    assert response.mimetype == "text/csv"
    response = get(server_client, CONSTRUCT, "text/turtle", format="application/n-triples")
    assert response.mimetype == "application/n-triples"


def test_406_when_no_format_fits(server_client: FlaskClient) -> None:
    response = get(server_client, "SELECT * {}", "image/png")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text
    assert get(server_client, "SELECT * {}", format="turtle").status_code == 406
    assert get(server_client, CONSTRUCT, "text/csv").status_code == 406
    assert get(server_client, "ASK {}", "application/sparql-results+json;q=0, text/csv").status_code == 200


# --------------------------------------------------------------------------- dataset


def test_default_graph_holds_asserted_ontology_and_inferred(server_client: FlaskClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert bindings(get(server_client, query))[0]["n"]["value"] == str(FILLER_TRIPLES + 4)
    assert bindings(get(server_client, query, infer="false"))[0]["n"]["value"] == str(FILLER_TRIPLES + 3)


def test_infer_false_hides_the_inferred_graph(server_client: FlaskClient) -> None:
    assert boolean(get(server_client, ASK_INFERRED)) is True
    assert boolean(get(server_client, ASK_INFERRED, infer="false")) is False
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    names = {b["g"]["value"] for b in bindings(get(server_client, graphs))}
    assert names == {SOURCE_GRAPH, str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH)}
    names = {b["g"]["value"] for b in bindings(get(server_client, graphs, infer="false"))}
    assert names == {SOURCE_GRAPH, str(ONTOLOGY_GRAPH)}
    from_inferred = f"ASK FROM <{INFERRED_GRAPH}> {{ ?s ?p ?o }}"
    assert boolean(get(server_client, from_inferred)) is True
    assert boolean(get(server_client, from_inferred, infer="false")) is False
    assert get(server_client, "ASK {}", infer="maybe").status_code == 400


def test_default_graph_uri_and_named_graph_uri(server_client: FlaskClient) -> None:
    subjects = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"
    response = get(server_client, subjects, **{"default-graph-uri": str(ONTOLOGY_GRAPH)})
    assert [b["s"]["value"] for b in bindings(response)] == [str(ACC.NuclearAgreement)]

    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = server_client.get(
        "/sparql",
        query_string=[
            ("query", graphs),
            ("named-graph-uri", SOURCE_GRAPH),
            ("named-graph-uri", str(INFERRED_GRAPH)),
        ],
    )
    assert {b["g"]["value"] for b in bindings(response)} == {SOURCE_GRAPH, str(INFERRED_GRAPH)}
    # Only named graphs given: the default graph is empty.
    response = get(server_client, "ASK { ?s ?p ?o }", **{"named-graph-uri": SOURCE_GRAPH})
    assert boolean(response) is False


def test_protocol_dataset_overrides_from(server_client: FlaskClient) -> None:
    query = f"SELECT DISTINCT ?s FROM <{SOURCE_GRAPH}> WHERE {{ ?s a ?type }}"
    assert [b["s"]["value"] for b in bindings(get(server_client, query))] == [AGREEMENT.value]
    response = get(server_client, query, **{"default-graph-uri": str(ONTOLOGY_GRAPH)})
    assert bindings(response) == []
    # The dataset parameters may also come in the form body.
    response = server_client.post(
        "/sparql", data={"query": "ASK { ?s ?p ?o }", "default-graph-uri": "http://example.org/none"}
    )
    assert boolean(response) is False


def test_prefixed_from_is_resolved(server_client: FlaskClient) -> None:
    query = "PREFIX g: <https://w3id.org/accords/graph/> ASK FROM g:inferred { ?s ?p ?o }"
    assert boolean(get(server_client, query, infer="false")) is False
    assert boolean(get(server_client, query)) is True


# --------------------------------------------------------------------------- errors and limits


def test_syntax_error_says_where(server_client: FlaskClient) -> None:
    response = get(server_client, "SELECT * WHERE {\n  ?s ?p \n}", "application/sparql-results+json")
    assert response.status_code == 400
    error = json.loads(response.data)
    assert error["line"] == 3 and error["column"] in (1, 2) and "syntax error" in error["message"]
    response = get(server_client, "ASK {")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "line 1" in response.text and "Traceback" not in response.text and len(response.text) < 400


def test_request_size_limit(server_client: FlaskClient, server_settings: Settings) -> None:
    big = "ASK {} #" + "x" * server_settings.max_request_bytes
    assert get(server_client, big).status_code == 413
    response = server_client.post("/sparql", data=big.encode(), content_type="application/sparql-query")
    assert response.status_code == 413
    assert server_client.post("/sparql", data={"query": big}).status_code == 413
    assert "Traceback" not in response.text


def test_result_row_limit_cuts_a_valid_document(
    server_client: FlaskClient, server_settings: Settings
) -> None:
    response = get(server_client, "SELECT ?s WHERE { ?s <http://example.org/value> ?o }")
    assert len(bindings(response)) == server_settings.max_result_rows
    assert response.headers["Accords-Truncated"] == "rows"
    response = get(
        server_client, "CONSTRUCT WHERE { ?s <http://example.org/value> ?o }", "application/n-triples"
    )
    assert (
        len(list(ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES))) == server_settings.max_result_rows
    )


def test_result_byte_limit(server_settings: Settings) -> None:
    settings = replace(server_settings, max_result_bytes=2000, max_result_rows=10**6)
    app = create_app(settings)
    try:
        response = get(app.test_client(), "SELECT ?s ?o WHERE { ?s <http://example.org/value> ?o }")
        assert len(response.data) <= 2000
        assert response.headers["Accords-Truncated"] == "bytes"
        assert 0 < len(bindings(response)) < FILLER_TRIPLES
    finally:
        app.extensions["accords"].executors.close()


def test_a_streaming_result_past_the_time_limit_is_cut_off(server_settings: Settings) -> None:
    """After the 200 went out, the only honest signal left is an incomplete response."""
    settings = replace(server_settings, query_timeout=1.0, max_result_rows=10**9, max_result_bytes=10**12)
    app = create_app(settings)
    executors = app.extensions["accords"].executors
    try:
        started = time.monotonic()
        response = get(app.test_client(), "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        assert response.status_code == 200
        received = 0
        with pytest.raises(BrokenPipeError, match="time limit"):
            for chunk in response.response:
                received += len(chunk)
        assert received > 1024 * 1024
        assert time.monotonic() - started < settings.query_timeout + 2
        assert executors.counts() == {"processes": 2, "idle": 2}
    finally:
        executors.close()


def test_404_and_500_are_short(server_settings: Settings) -> None:
    app = create_app(server_settings)
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    try:
        client = app.test_client()
        response = client.get("/nowhere")
        assert response.status_code == 404 and response.mimetype == "text/plain"
        response = client.get("/boom", headers={"Accept": "application/json"})
        assert response.status_code == 500
        assert json.loads(response.data)["message"] == "internal error"
        assert "ZeroDivision" not in response.text and "Traceback" not in response.text
    finally:
        app.extensions["accords"].executors.close()


def test_service_and_load_are_refused_before_evaluation(server_client: FlaskClient) -> None:
    response = get(server_client, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert response.status_code == 403 and "not allowed" in response.text
    response = get(
        server_client, "SELECT * WHERE { VALUES ?e { <http://127.0.0.1:9/> } SERVICE ?e { ?s ?p ?o } }"
    )
    assert response.status_code == 403 and "variable" in response.text


# --------------------------------------------------------------------------- description, CORS, health


def test_service_description(server_client: FlaskClient) -> None:
    response = server_client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    triples = list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))

    def objects(predicate: str) -> set[str]:
        return {t.object.value for t in triples if t.predicate.value == SD + predicate}

    assert objects("endpoint") == {"http://127.0.0.1:8000/sparql"}  # server_url: from host and port
    assert objects("supportedLanguage") == {SD + "SPARQL11Query"}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in objects("resultFormat")
    assert "http://www.w3.org/ns/formats/Turtle" in objects("resultFormat")
    assert objects("defaultEntailmentRegime") == {"http://www.w3.org/ns/entailment/OWL-RDF-Based"}
    assert objects("defaultSupportedEntailmentProfile") == {"http://www.w3.org/ns/owl-profile/RL"}
    assert objects("name") == {SOURCE_GRAPH, str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH)}
    assert SD + "UnionDefaultGraph" in objects("feature")
    limits = {t.predicate.value.rsplit("#")[-1]: t.object.value for t in triples}
    assert float(limits["queryTimeoutSeconds"]) == 5.0 and limits["maxResultRows"] == "50"
    assert limits["maxQueryDepth"] == "100" and limits["maxQueryVariables"] == "1000"
    assert limits["maxQueryMemoryMB"] == "1024" and float(limits["serviceTimeoutSeconds"]) > 0

    response = server_client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert len(list(ox.parse(response.data, format=ox.RdfFormat.JSON_LD))) == len(triples)
    assert server_client.get("/sparql").mimetype == "text/turtle"


def test_a_browser_gets_the_editor_and_a_client_gets_results(server_client: FlaskClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = server_client.get("/sparql", headers={"Accept": browser})
    assert response.status_code == 200 and response.mimetype == "text/html"
    response = get(server_client, "ASK {}", "application/sparql-results+json, text/html;q=0.5")
    assert boolean(response) is True


def test_cors(server_client: FlaskClient) -> None:
    response = server_client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert set(response.headers["Access-Control-Allow-Methods"].replace(" ", "").split(",")) == {
        "GET",
        "POST",
        "OPTIONS",
    }
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()
    for response in (get(server_client, "ASK {}"), get(server_client, "ASK {")):
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_health_reports_the_store(server_client: FlaskClient) -> None:
    response = server_client.get("/health")
    assert response.status_code == 200
    health = response.get_json()
    assert health["status"] == "ok"
    assert health["store"]["quads"] == FILLER_TRIPLES + 4
    assert health["store"]["graphs"][SOURCE_GRAPH] == FILLER_TRIPLES + 2
    assert health["store"]["named_graphs"] == 3
    assert health["query_processes"]["processes"] == 2


def test_health_without_a_store_is_503(tmp_path, server_settings: Settings) -> None:
    app = create_app(replace(server_settings, store=tmp_path / "none"))
    try:
        client = app.test_client()
        response = client.get("/health")
        assert response.status_code == 503 and "no store" in response.get_json()["reason"]
        response = get(client, "ASK {}")
        assert response.status_code == 503 and "Traceback" not in response.text
    finally:
        app.extensions["accords"].executors.close()


def test_query_string_encoding_round_trip(server_client: FlaskClient) -> None:
    query = 'SELECT ?x WHERE { BIND("é & ü # ?" AS ?x) }'
    response = server_client.get("/sparql?query=" + quote(query))
    assert bindings(response)[0]["x"]["value"] == "é & ü # ?"
