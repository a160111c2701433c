"""Every query file of the W3C SPARQL 1.0/1.1 test suites through a real ``/sparql``.

The suites are vendored in ``tests/w3c/sparql-suites/``. Each ``*.rq`` is POSTed to a real
`accords serve`: never a 500; 400 for each negative syntax test of the manifests; for the
others 200, or a 4xx for a listed reason (SERVICE not allowed, read-only, an unknown
function), or a 400 "syntax error" only where pyoxigraph itself refuses the query.
"""

from __future__ import annotations

import http.client
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Namespace

from accords.bench.servers import Spawned
from tests.fixtures import PROJECT_ROOT

SUITES = PROJECT_ROOT / "tests" / "w3c" / "sparql-suites"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
NEGATIVE = {MF.NegativeSyntaxTest, MF.NegativeSyntaxTest11}
BASE = "https://w3id.org/accords/"
# The 4xx a valid query may get, each with the words its reason holds.
LISTED_REFUSALS = {
    (403, "SERVICE"): "SERVICE to an endpoint that is not allowed",
    (403, "read-only"): "an update keyword",
    (400, "unknown function"): "a function the engine does not have",
    (400, "too many variables"): "past max_query_variables",
}


def negative_syntax_files() -> set[Path]:
    """The query files the manifests name as negative syntax tests."""
    files = set()
    for manifest in SUITES.rglob("manifest*.ttl"):
        graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for kind in NEGATIVE:
            for test in graph.subjects(RDF.type, kind):
                for action in graph.objects(test, MF.action):
                    path = Path(str(action).removeprefix("file://")).resolve()
                    if path.suffix == ".rq":  # updates (.ru) are not sent
                        files.add(path)
    return files


@pytest.fixture(scope="module")
def live(server_live_factory, server_store: Path) -> Spawned:
    return server_live_factory(server_store, "--workers", "2", "--query-timeout", "5")


def post(base_url: str, query: bytes) -> tuple[int, str]:
    """POST a query; the status and the first line of the body."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request(
            "POST",
            "/sparql",
            body=query,
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json, text/turtle;q=0.9",
            },
        )
        response = connection.getresponse()
        try:
            body = response.read()
        except http.client.IncompleteRead:  # a large result stopped at the time limit
            return response.status, "(result cut short)"
        return response.status, body.decode("utf-8", "replace").split("\n", 1)[0][:300]
    finally:
        connection.close()


def pyoxigraph_refuses(text: str) -> bool:
    """Whether pyoxigraph's parser refuses ``text`` (evaluated on an empty store; never with
    a SERVICE, which would call the network)."""
    if re.search("service", text, re.IGNORECASE):
        return False
    try:
        result = ox.Store().query(text, base_iri=BASE)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except SyntaxError:
        return True
    except (OSError, RuntimeError, ValueError):
        return False
    return False


def test_every_w3c_query_file_gets_a_sound_answer(live: Spawned) -> None:
    files = sorted(SUITES.rglob("*.rq"))
    negative = negative_syntax_files()
    assert len(files) > 800 and len(negative) > 80 and negative <= set(files)
    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = pool.map(lambda file: post(live.base_url, file.read_bytes()), files)
        answers = dict(zip(files, replies, strict=True))

    problems = []
    counts = {"200": 0, "negative 400": 0, "listed": 0, "engine refuses": 0}
    for file, (status, line) in answers.items():
        name = file.relative_to(SUITES)
        if status >= 500:
            problems.append(f"{name}: {status} {line}")
        elif file in negative:
            if status == 400:
                counts["negative 400"] += 1
            else:
                problems.append(f"{name} (negative syntax test): {status} {line}")
        elif status == 200:
            counts["200"] += 1
        elif any(status == code and words in line for code, words in LISTED_REFUSALS):
            counts["listed"] += 1
        elif status == 400 and "syntax error" in line and pyoxigraph_refuses(file.read_text("utf-8")):
            counts["engine refuses"] += 1
        else:
            problems.append(f"{name}: {status} {line}")
    assert not problems, "\n".join(problems)
    assert counts["200"] > 600, counts
