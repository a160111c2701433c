"""``accords serve --backend URL``: answer queries through an external SPARQL 1.1 store.

``BackendPool`` stands in for the pool of query processes (``server.engine.pool``): the
endpoint still checks every query (allow-list of SERVICEs, read-only, depth and variable
limits) and negotiates the format; only the evaluation moves to the store at URL (Oxigraph
server, Fuseki, Virtuoso, QLever, GraphDB…). The store is asked for SPARQL JSON results
(solutions, booleans) or N-Triples (graphs); the answer is parsed and serialized again by
``server.results``, so formats, row and byte limits and ``Accords-Truncated`` are the same
as with the local store. The query timeout is the HTTP timeout of the call (the store should
have its own limit too: a call given up does not stop its evaluation there).

The store's own default graph must be the merge of its graphs, every triple once, as the
local store's is: ``accords build --push`` puts it there (run the store without a "union
default graph" option: Oxigraph's repeats a triple once per graph holding it).
``infer=false`` sends the named graphs other than the inferred ones (``graph/inferred``, and
``graph/inferred-full`` of the full regime) as the dataset, as the local store's stated store
holds neither (a store that unites them as a bag may then repeat triples several sources state).

SERVICE is evaluated by the backend, with its own HTTP client, outside the query processes'
network barrier (``server.isolation``). So unless ``backend_federation`` says that the backend's
federation is turned off ("off") or limited to the same allow-list ("allowlist"), a query that
has SERVICE — as the guard reads it, or the word anywhere in its text, ``\\u`` escapes decoded —
is refused with 403. Oxigraph server (0.5) has no option to turn SERVICE off: keep "on".

A store with no default graph of its own (Virtuoso's is the union of all its graphs, a triple
once per graph) holds the merge in the named graph ``backend_default_graph``: every query
without a dataset of its own names that graph as its ``default-graph-uri``, and the graphs
listed (``/health``, VoID, dumps) are only Accords' own, under ``graph/``, not that one nor the
store's system graphs.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from http.client import HTTPResponse

import pyoxigraph as ox

from accords.formats import GRAPH_SYNTAXES
from accords.loaders.vocabulary import GRAPH, INFERRED_FULL_GRAPH
from accords.server.engine.jobs import Answer, ExecutionError, Failure, Job, Setup
from accords.server.isolation import mentions_service
from accords.server.results import write_results

SOLUTIONS = "application/sparql-results+json"
GRAPHS = "application/n-triples"
GRAPHS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
STATISTICS_SECONDS = 60.0  # /health counts the backend's graphs at most this often
# Virtuoso names a blank node "nodeID://b10018" in SPARQL JSON (and b10018 in N-Triples): the
# name without its scheme, so that it is a valid blank node label, the same in both.
EMPTY_GRAPH = "urn:accords:no-graph"  # a graph no store holds
_GRAPH_WORD = re.compile(r"\bgraph\b", re.IGNORECASE)
# Virtuoso 7.2 answers GRAPH <iri> for an iri outside the dataset with one empty solution (ASK
# true, COUNT 1) instead of none: each GRAPH <iri> written in full is named in the dataset too.
_GRAPH_IRI = re.compile(r"\bgraph\s*<([^<>\"{}|^`\\\s]*)>", re.IGNORECASE)
_VIRTUOSO_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')


class _Buffer:
    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.written = 0

    def write(self, data: bytes) -> int:
        self.parts.append(data)
        self.written += len(data)
        return len(data)

    def flush(self) -> None:
        """Everything is kept until the end."""


class BackendPool:
    """The ExecutorPool interface (run, statistics, counts, close) over a remote endpoint."""

    def __init__(
        self,
        url: str,
        setup: Setup,
        timeout: float,
        max_response_bytes: int = 0,
        federation: str = "on",
        default_graph: str = "",
    ):
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"--backend needs the http(s) URL of a SPARQL endpoint, not {url!r}")
        self.url = url
        self.setup = setup
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.federation = federation  # the setting backend_federation
        self.default_graph = default_graph
        self.inferred = {setup.inferred_graph, INFERRED_FULL_GRAPH}  # what infer=false leaves out
        self.cached_statistics: tuple[float, dict] | None = None
        self.calls = 0

    def stream(self, query: str, accept: str, dataset: Sequence[tuple[str, str]] = ()) -> HTTPResponse:
        """The backend's answer to ``query``, unread: the caller reads it (and closes it)."""
        body = urllib.parse.urlencode([("query", query), *dataset]).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        self.calls += 1
        with self.translated_errors():
            return urllib.request.urlopen(request, timeout=self.timeout)

    def _call(self, query: str, accept: str, dataset: list[tuple[str, str]]) -> bytes:
        with self.translated_errors(), self.stream(query, accept, dataset) as response:
            limit = self.max_response_bytes
            data = response.read(limit + 1) if limit else response.read()
            if limit and len(data) > limit:
                raise ExecutionError.upstream(f"the backend's answer is larger than {limit} bytes")
            return data

    @contextlib.contextmanager
    def translated_errors(self) -> Iterator[None]:
        """HTTP and network errors of a call (or of reading its answer) as ExecutionError."""
        try:
            yield
        except urllib.error.HTTPError as error:
            detail = " ".join(error.read(300).decode("utf-8", "replace").split())
            if "S1T00" in detail:  # Virtuoso stopped it at its MaxQueryExecutionTime
                raise ExecutionError.timeout(self.timeout) from None
            failure = Failure.INVALID if error.code == 400 else Failure.UPSTREAM
            raise ExecutionError(
                failure, f"the backend refused the query: HTTP {error.code}: {detail}"
            ) from None
        except (urllib.error.URLError, OSError) as error:  # TimeoutError is an OSError
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise ExecutionError.timeout(self.timeout) from None
            raise ExecutionError.unavailable(f"the backend is unavailable: {reason}") from None

    def _graphs(self) -> dict[str, int]:
        data = self._call(GRAPHS_QUERY, SOLUTIONS, [])
        try:
            bindings = json.loads(data)["results"]["bindings"]
            graphs = {b["g"]["value"]: int(b["n"]["value"]) for b in bindings if "g" in b}
        except (ValueError, KeyError, TypeError) as error:
            raise ExecutionError.upstream(f"the backend's list of graphs cannot be read: {error!r}") from None
        if not self.default_graph:
            return graphs
        return {g: n for g, n in graphs.items() if g.startswith(str(GRAPH)) and g != self.default_graph}

    def default_dataset(self) -> list[tuple[str, str]]:
        """The protocol parameters that make the backend's default graph the merge."""
        return [("default-graph-uri", self.default_graph)] if self.default_graph else []

    def _dataset(self, job: Job) -> list[tuple[str, str]]:
        if job.full_entailment:
            raise ExecutionError.invalid("entailment=full is answered by the local store only, not a backend")
        if job.default_graphs is None and job.named_graphs is None:
            if job.infer:
                dataset = self.default_dataset()
                if dataset and _GRAPH_WORD.search(job.query):  # a default graph named empties the
                    graphs = set(self.statistics()["graphs"])  # named ones: name those too, and
                    graphs.update(g for g in _GRAPH_IRI.findall(job.query) if ":" in g)  # see _GRAPH_IRI
                    dataset += [("named-graph-uri", g) for g in sorted(graphs)]
                return dataset
            stated = [g for g in self.statistics()["graphs"] if g not in self.inferred]
            return [("default-graph-uri", g) for g in stated] + [("named-graph-uri", g) for g in stated]
        hidden = set() if job.infer else self.inferred
        dataset = [("default-graph-uri", g) for g in job.default_graphs or () if g not in hidden] + [
            ("named-graph-uri", g) for g in job.named_graphs or () if g not in hidden
        ]
        # Every graph asked for hidden: an empty graph, or the backend would read the query's FROM.
        return dataset or [("default-graph-uri", EMPTY_GRAPH)]

    def run(self, job: Job) -> Answer:
        """Evaluate the job on the backend; the answer, serialized as the local store would."""
        if job.statistics:
            return Answer(first=json.dumps(self.statistics()).encode())
        if self.federation == "on" and (job.federated or mentions_service(job.query)):
            raise ExecutionError.refused(
                "SERVICE is refused: this server's backend would call the endpoint itself, outside "
                "Accords' allow-list (set backend_federation to off or allowlist once the backend's "
                "own federation is so limited)",
            )
        graph = job.format in GRAPH_SYNTAXES
        # The service's base IRI as the query's first BASE (a BASE of its own comes later and wins):
        # some stores leave relative IRIs unresolved otherwise, and N-Triples cannot hold them.
        query = f"BASE <{job.base_iri}>\n{job.query}" if job.base_iri else job.query
        data = self._call(query, GRAPHS if graph else SOLUTIONS, self._dataset(job))
        out = _Buffer()
        try:  # both parsers read as write_results asks: a bad answer shows up while writing
            result: Iterator[ox.Triple] | ox.QuerySolutions | ox.QueryBoolean
            if graph:
                result = (quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
            else:
                data = _VIRTUOSO_BNODE.sub(rb"\1", data)
                result = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            written = write_results(result, job.format, out, job.max_rows, job.max_bytes, self.setup.prefixes)
        except (SyntaxError, ValueError) as error:
            raise ExecutionError.upstream(f"the backend's answer cannot be read: {error}") from None
        summary = {"rows": written.rows, "truncated": written.truncated, "bytes": out.written}
        return Answer(first=b"".join(out.parts), summary=summary)

    def statistics(self) -> dict:
        cached = self.cached_statistics
        if cached is not None and time.monotonic() - cached[0] < STATISTICS_SECONDS:
            return cached[1]
        statistics = {
            "build": f"backend {self.url}",
            "info": {"backend": self.url},
            "distinct_triples": None,  # the backend's default graph is its own business
            "graphs": self._graphs(),
        }
        self.cached_statistics = (time.monotonic(), statistics)
        return statistics

    def counts(self) -> dict[str, int]:
        return {"backend_calls": self.calls}

    def close(self) -> None:
        """Nothing to stop: each call has its own connection."""
