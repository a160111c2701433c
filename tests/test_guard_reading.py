"""The guard reads '<' as pyoxigraph does, at a cost linear in the query's length.

A differential test against pyoxigraph itself: queries are generated from the grammar with
'<' after every kind of token (literals, booleans, numbers, variables, ')', ']', '}', '>>',
'<<', function calls, keywords), in expressions and in patterns, with the confusions that
fooled the old guard ('true<?x&&'>'…', 'EXISTS{}<', '>><', comments and quotes that hide a
SERVICE under the wrong reading). Each query is evaluated by pyoxigraph with its SERVICE
endpoints on a loopback listener that records what is called: the guard must find exactly
the endpoints pyoxigraph calls, and the text the guard hands the engine must call the same.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accords.server.query_guard import GuardError, QueryLimits, check_query
from tests.fixtures import reply

BASE = "https://w3id.org/accords/"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
ONE_EMPTY_SOLUTION = json.dumps({"head": {"vars": []}, "results": {"bindings": [{}]}}).encode()


class Listener:
    """A loopback SPARQL endpoint that answers one empty solution and records the paths called."""

    def __init__(self) -> None:
        called = self.called = set()

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                called.add(self.path.split("?", 1)[0])
                reply(self, 200, "application/sparql-results+json", ONE_EMPTY_SOLUTION)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def calls(self, query: str) -> set[str] | None:
        """The endpoints pyoxigraph calls for ``query``; None when it cannot parse it."""
        self.called.clear()
        try:
            result = ox.Store().query(query, base_iri=BASE)
            if not isinstance(result, ox.QueryBoolean):
                list(result)
        except SyntaxError:
            return None
        return {self.url + path for path in self.called}


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.server.shutdown()
    listener.server.server_close()


# ------------------------------------------------------------------ grammar-based generation

SEPARATORS = st.sampled_from(["", " ", "\n", " #'\n", "#>\n", "#<\n", '#"\n', "\t"])
# What may come before '<' inside an expression: one of each kind of operand.
OPERANDS = st.sampled_from(
    [
        "?x",
        "$y",
        "1",
        "1.5",
        "1e0",
        "'s'",
        '"s"',
        "'s'@en",
        '"1"^^xsd:integer',
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
        "true",
        "false",
        "<http://e.org/i>",
        "e:i",
        "(?x)",
        "STR(?x)",
        "xsd:string(?x)",
        "<http://www.w3.org/2001/XMLSchema#string>(?x)",
        "EXISTS{}",
        "NOT EXISTS{ }",
        "<<(<http://e.org/a> <http://e.org/b> <http://e.org/c>)>>",
        "BNODE()",
        "COALESCE(?x, 1)",
        "IF(true, 1, 2)",
        "-?x",
        "?x+1",
    ]
)
# What may come after '<' there: operands, and texts an IRI-first reading would misread.
RIGHT_SIDES = st.sampled_from(
    [
        "?y",
        "2",
        "<http://e.org/j>",
        "e:j",
        "'>'",
        "?x&&'>'!=<http://e.org/no>",
        "?x&&?y>?x",
        "?y||'#'='#'",
        "=?y",
        "'a'>'b'",
        '?x&&"\'"!=""',
        "<<(<http://e.org/a> <http://e.org/b> <http://e.org/c>)>>",
    ]
)
# Pattern text where '<' follows a token and opens an IRI.
PATTERNS = st.sampled_from(
    [
        "{}<http://e.org/s> ?p ?o .",
        "OPTIONAL{}<http://e.org/s> ?p ?o .",
        "FILTER(true)<http://e.org/s> ?p ?o .",
        "FILTER EXISTS{}<http://e.org/s> ?p ?o .",
        "[]<http://e.org/p> ?o .",
        "?s<http://e.org/p>?o .",
        "?s ?p true,<http://e.org/o> .",
        "?s ?p 'x'@en,<http://e.org/o> .",
        "?s ?p 1,<http://e.org/o> .",
        "?s a<http://e.org/C> .",
        "?s ?p (1<http://e.org/o>) .",
        "<<?s <http://e.org/p> ?o>><http://e.org/q> ?z .",
        "<<<http://e.org/s> <http://e.org/p> ?o>><http://e.org/q> ?z .",
        "?s ?p <<(<http://e.org/s> <http://e.org/p> ?o)>> .",
        "?s <http://e.org/p>|<http://e.org/q>/<http://e.org/r> ?o .",
        "?s ?p '''x'''^^<http://e.org/d>,<http://e.org/o> .",
        "GRAPH<http://e.org/g>{}",
        "VALUES ?v {<http://e.org/a><http://e.org/b>}",
        "?s ?p ?o FILTER(?o) .",
        "BIND(e:i AS ?w)<http://e.org/s> ?p ?o .",
    ]
)


@st.composite
def expressions(draw) -> str:
    """``left < right`` inside one of the places an expression may be."""
    sep = draw(SEPARATORS)
    less = draw(st.sampled_from(["<", "<=", "< "]))
    comparison = f"{draw(OPERANDS)}{sep}{less}{draw(SEPARATORS)}{draw(RIGHT_SIDES)}"
    shape = draw(
        st.sampled_from(
            [
                "OPTIONAL{{FILTER({})}}",
                "OPTIONAL{{FILTER(STR({}))}}",
                "OPTIONAL{{FILTER(EXISTS{{FILTER({})}})}}",
                "BIND({} AS ?b{n})",
                "BIND(IF({}, 1, 2) AS ?b{n})",
                "BIND(COALESCE({}) AS ?b{n})",
                "BIND(({})AS ?b{n})",
            ]
        )
    )
    return shape.format(comparison, n=draw(st.integers(0, 9999)))


@st.composite
def queries(draw, endpoints: tuple[str, ...]) -> str:
    """A query of elements (expressions, patterns, SERVICE calls) and misleading blanks."""
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["expression", "expression", "pattern", "service", "trail"]))
        if kind == "expression":
            parts.append(draw(expressions()))
        elif kind == "pattern":  # in OPTIONAL: rows pass on to the SERVICE calls after it
            parts.append(f"OPTIONAL{{{draw(PATTERNS)}}}")
        elif kind == "service":
            parts.append(f"SERVICE SILENT{draw(SEPARATORS)}<{draw(st.sampled_from(endpoints))}>{{}}")
        else:  # what closes a quote or an IRI opened by a wrong reading
            parts.append(draw(st.sampled_from(["#'\n", "#>\n", "BIND('>' AS ?q)", 'BIND("\'" AS ?q)'])))
        parts.append(draw(SEPARATORS) + " ")
    modifier = draw(
        st.sampled_from(
            ["", "ORDER BY ?x<http://www.w3.org/2001/XMLSchema#string>(?y)", "ORDER BY (?x<?y)", "LIMIT 5"]
        )
    )
    return (
        "PREFIX e: <http://e.org/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
        "SELECT * WHERE { BIND(1 AS ?x) BIND(2 AS ?y) " + "".join(parts) + "} " + modifier
    )


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def test_the_guard_finds_exactly_the_services_pyoxigraph_calls(listener: Listener) -> None:
    endpoints = tuple(f"{listener.url}/{name}" for name in ("a", "b", "c"))
    seen = {"valid": 0, "calling": 0, "invalid": 0, "two ways": 0}

    @FUZZ
    @given(data=st.data())
    def differential(data) -> None:
        query = data.draw(queries(endpoints))
        called = listener.calls(query)
        try:
            checked = check_query(query, endpoints, BASE)
        except GuardError as error:
            if "longest token" in error.message:  # pyoxigraph reads '<' otherwise than SPARQL
                seen["two ways"] += 1
                return
            assert called is None, f"the guard refused a query pyoxigraph runs: {error.message}\n{query}"
            seen["invalid"] += 1
            return
        engine_calls = listener.calls(checked.text)
        if called is None:  # not SPARQL: what the engine runs calls nothing the guard missed
            assert engine_calls is None or engine_calls <= set(checked.services), query
            seen["invalid"] += 1
            return
        assert set(checked.services) == called, query
        assert engine_calls == called, f"the guard's text reads otherwise:\n{checked.text}"
        seen["valid"] += 1
        seen["calling"] += bool(called)

    differential()
    # The generator makes enough valid queries, many of them calling a SERVICE.
    assert seen["valid"] > EXAMPLES // 4 and seen["calling"] > EXAMPLES // 8, seen


@pytest.mark.parametrize(
    "trick",
    [
        "BIND(true<?x&&'>'!=<http://e.org/no> AS ?z) SERVICE SILENT <{target}> {{}} #'",
        "BIND(false<?x&&'>'!=<http://e.org/no> AS ?z) SERVICE SILENT <{target}> {{}} #'",
        "OPTIONAL{{FILTER(EXISTS{{}}<?x&&'>'!=<http://e.org/no>)}} SERVICE SILENT <{target}> {{}} #'",
        "OPTIONAL{{FILTER(NOT EXISTS{{}}<?x||'>'!=<http://e.org/no>)}} SERVICE SILENT <{target}> {{}} #'",
        "BIND(<<(<http://e.org/a> <http://e.org/b> <http://e.org/c>)>><?x&&'>'!=<http://e.org/no> AS ?z)"
        " SERVICE SILENT <{target}> {{}} #'",
        "BIND(1<<http://e.org/x>&&'>'!=<http://e.org/no> AS ?z) SERVICE SILENT <{target}> {{}} #'",
        "FILTER(?x<?y)SERVICE#>\n SILENT <{target}> {{}}",
        "OPTIONAL{{FILTER(STR(?x)<'x>')}} SERVICE SILENT <{target}> {{}} #'",
        "OPTIONAL{{FILTER(?x<?y)}}<http://e.org/s> ?p ?o OPTIONAL{{}} SERVICE SILENT <{target}> {{}}",
    ],
)
def test_the_confusions_of_the_review_are_read_as_pyoxigraph_does(listener: Listener, trick: str) -> None:
    """Each of these called a hidden endpoint past the old guard."""
    hidden = f"{listener.url}/hidden"
    query = "SELECT * WHERE { BIND(1 AS ?x) BIND(2 AS ?y) " + trick.format(target=hidden) + "\n}"
    assert listener.calls(query) == {hidden}  # pyoxigraph does call it
    with pytest.raises(GuardError) as refused:
        check_query(query, (), BASE)
    error = refused.value
    # Refused: not allowed, or (where SPARQL reads an IRI and pyoxigraph less-than) not SPARQL.
    assert (error.status, hidden in error.message) == (403, True) or (
        error.status == 400 and "longest token" in error.message
    )
    if error.status == 400:
        return
    checked = check_query(query, (hidden,), BASE)  # allowed: found, and routed where it is
    assert checked.services == [hidden]
    start, end, _ = checked.service_spans[0]
    assert checked.text[start:end] == f"<{hidden}>"
    assert listener.calls(checked.text) == {hidden}


# ------------------------------------------------------------------ linear cost

SHAPES = {
    "IRI or less-than after a variable": "?a<#> ",
    "quote in an IRI after a variable": "?a <'> ",
    "less-than in a filter": "FILTER(?a<?b) ",
    "confusion of the review": "BIND(true<?x&&'>'!=<http://no> AS ?z) ",
    "words with SERVICE inside": "?s e:xservice ?o . ",
    "nesting": "{ ",
}


def _cpu_seconds(query: str) -> float:
    """The least CPU time of three checks of ``query`` (refused or not)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        with contextlib.suppress(GuardError):
            check_query(query, (), BASE, QueryLimits(max_depth=10**9, max_variables=10**9))
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_the_cost_of_checking_grows_linearly_with_the_length(shape: str) -> None:
    """Four times the text costs about four times the CPU (quadratic would be sixteen).

    The review measured ~48 s for 250 KB of '?a<#> '; the bound here is wide.
    """
    prefix = "PREFIX e: <http://e.org/> SELECT * WHERE { "
    small = prefix + shape * (62_500 // len(shape))
    large = prefix + shape * (250_000 // len(shape))
    small_time, large_time = _cpu_seconds(small), _cpu_seconds(large)
    assert large_time < 10 * small_time + 0.05, (small_time, large_time)
    assert large_time < 5.0
