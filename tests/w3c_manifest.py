"""Helpers for the W3C SPARQL 1.1 Protocol runner (and a real server for the browser test).

Two parts:

* reading ``tests/w3c/sparql11-protocol/manifest.ttl`` into plain dataclasses: one
  :class:`ProtocolTest` per ``mf:ProtocolTest`` of the manifest's ``mf:entries``, each with
  the HTTP requests it describes (``ht:methodName``, ``ht:absolutePath``, ``ht:headers``,
  ``ht:body``/``cnt:chars``) and the response expected of each (``mf:expectedStatus``,
  ``mf:expectedFormat``, ``mf:expectedBoolean``);
* a real ``accords serve`` on a free loopback port, after an ``accords build`` into a
  temporary store that also loads the manifest's data files (``ut:graphData``) into the
  named graphs the tests query. One server per test session, shared by the test modules
  that ask for it, stopped when the session ends.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_plus, urlsplit

from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection

from tests.fixtures import PROJECT_ROOT

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

MANIFEST_SUBDIR = Path("sparql11-protocol")


# --------------------------------------------------------------------------- manifest


def suites_dir() -> Path:
    """The W3C test suites vendored in ``tests/w3c/`` (licence: ``tests/w3c/LICENSE.md``)."""
    return PROJECT_ROOT / "tests" / "w3c"


def manifest_path() -> Path:
    return suites_dir() / MANIFEST_SUBDIR / "manifest.ttl"


@dataclass(frozen=True)
class ExpectedResponse:
    """What the manifest expects of one response."""

    status_classes: frozenset[int]  # 2 for hts:StatusCode2xx, 4 for hts:StatusCode4xx, ...
    format: str | None = None  # "boolean", "tabular" or "RDF"
    boolean: bool | None = None


@dataclass(frozen=True)
class ProtocolRequest:
    method: str
    path: str  # as in the manifest: starts with /sparql/
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: ExpectedResponse

    @property
    def content_type(self) -> str:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value.split(";")[0].strip().lower()
        return ""

    @property
    def is_update(self) -> bool:
        """Does this request carry a SPARQL Update (by any of the protocol's means)?"""
        if self.content_type == "application/sparql-update":
            return True
        query_string = urlsplit(self.path).query
        if _has_parameter(query_string, "update"):
            return True
        if self.body is not None and self.content_type in ("", "application/x-www-form-urlencoded"):
            with contextlib.suppress(UnicodeDecodeError):
                return _has_parameter(self.body.decode("utf-8"), "update")
        return False


@dataclass(frozen=True)
class ProtocolTest:
    name: str  # local name of the test IRI, e.g. "query_post_form"
    label: str  # mf:name
    requests: tuple[ProtocolRequest, ...]
    graph_data: dict[str, Path] = field(default_factory=dict)  # graph IRI -> data file

    @property
    def is_update_test(self) -> bool:
        return any(request.is_update for request in self.requests)


def _has_parameter(encoded: str, name: str) -> bool:
    return any(unquote_plus(pair.split("=", 1)[0]) == name for pair in encoded.split("&") if pair)


def _items(graph: Graph, head) -> list:
    return list(Collection(graph, head)) if head is not None else []


def _status_class(node: URIRef) -> int:
    local = str(node).rsplit("#", 1)[-1]  # StatusCode2xx
    if not (local.startswith("StatusCode") and local.endswith("xx")):
        raise ValueError(f"unknown expected status {node}")
    return int(local[len("StatusCode")])


def _request(graph: Graph, node) -> ProtocolRequest:
    method = str(graph.value(node, HT.methodName))
    path = str(graph.value(node, HT.absolutePath))
    headers = tuple(
        (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
        for h in _items(graph, graph.value(node, HT.headers))
    )
    body = None
    body_node = graph.value(node, HT.body)
    if body_node is not None:
        chars = str(graph.value(body_node, CNT.chars))
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = chars.encode(encoding)
    response = graph.value(node, HT.resp)
    boolean = graph.value(response, MF.expectedBoolean)
    fmt = graph.value(response, MF.expectedFormat)
    expected = ExpectedResponse(
        status_classes=frozenset(_status_class(s) for s in graph.objects(response, MF.expectedStatus)),
        format=str(fmt) if fmt is not None else None,
        boolean=boolean.toPython() if boolean is not None else None,
    )
    return ProtocolRequest(method, path, headers, body, expected)


def load_manifest(path: Path | None = None) -> list[ProtocolTest]:
    """The manifest's mf:ProtocolTest entries, in the manifest's order."""
    path = path or manifest_path()
    graph = Graph()
    graph.parse(path, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in _items(graph, graph.value(manifest, MF.entries)):
        if (entry, RDF.type, MF.ProtocolTest) not in graph:
            continue
        action = graph.value(entry, MF.action)
        requests = tuple(_request(graph, r) for r in _items(graph, graph.value(action, HT.requests)))
        graph_data = {}
        for data in graph.objects(entry, UT.graphData):
            file = graph.value(data, UT.graph)
            graph_data[str(graph.value(data, RDFS.label))] = Path(unquote_plus(urlsplit(str(file)).path))
        tests.append(
            ProtocolTest(
                name=str(entry).rsplit("#", 1)[-1],
                label=str(graph.value(entry, MF.name)),
                requests=requests,
                graph_data=graph_data,
            )
        )
    return tests


def all_graph_data(tests: list[ProtocolTest]) -> dict[str, Path]:
    """Every graph any test needs (graph IRI -> data file)."""
    graphs: dict[str, Path] = {}
    for test in tests:
        graphs.update(test.graph_data)
    return graphs


# --------------------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str  # media type only, lower case
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def send(base_url: str, request: ProtocolRequest, timeout: float = 30.0, path: str | None = None) -> Reply:
    """Send one manifest request as it is written (method, path, headers, body)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.putrequest(request.method, path or request.path, skip_accept_encoding=True)
        for name, value in request.headers:
            connection.putheader(name, value)
        if request.body is not None or request.method in ("POST", "PUT"):
            connection.putheader("Content-Length", str(len(request.body or b"")))
        connection.endheaders(request.body)
        response = connection.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    return Reply(response.status, content_type, headers, body)


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def accords_command(*args: str) -> list[str]:
    """The `accords` command of this checkout (not whatever is installed elsewhere)."""
    return [sys.executable, "-m", "accords.cli", *args]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


class ServerError(RuntimeError):
    """The store could not be built or the server did not come up."""


@dataclass
class RunningServer:
    base_url: str
    store: Path | None
    process: subprocess.Popen | None
    log: Path | None

    def log_tail(self, lines: int = 40) -> str:
        if self.log is None:
            return ""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # The server runs in its own process group (gunicorn master and workers).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def build_store(store: Path, graphs: dict[str, Path], timeout: float = 1200) -> None:
    args = ["build", "--store", str(store)]
    for iri, file in sorted(graphs.items()):
        args += ["--graph", f"{iri}={file}"]
    result = subprocess.run(
        accords_command(*args),
        cwd=PROJECT_ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise ServerError(f"accords build failed ({result.returncode}):\n{result.stderr[-4000:]}")


def start_server(store: Path, log: Path, timeout: float = 90) -> RunningServer:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            accords_command("serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port)),
            cwd=PROJECT_ROOT,
            env=_environment(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = RunningServer(base_url, store, process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"accords serve exited with {process.returncode}:\n{server.log_tail()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/sparql?query=ASK%7B%7D")
            status = connection.getresponse().status
            connection.close()
            if status < 500:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise ServerError(f"accords serve did not answer on {base_url}:\n{server.log_tail()}")


_SERVER: RunningServer | None = None
_SERVER_ERROR: ServerError | None = None


def shared_server() -> RunningServer:
    """One built store and running server for the whole test session.

    The store holds the seed (what `accords build` builds by default) and the W3C
    manifest's data graphs. Stopped and removed when the Python process exits.
    With ACCORDS_TEST_BASE_URL set (e.g. http://127.0.0.1:8000), the tests use that
    running server instead, as it is.
    """
    global _SERVER, _SERVER_ERROR
    if _SERVER is not None:
        return _SERVER
    external = os.environ.get("ACCORDS_TEST_BASE_URL")
    if external:
        _SERVER = RunningServer(external.rstrip("/"), None, None, None)
        return _SERVER
    if _SERVER_ERROR is not None:
        raise _SERVER_ERROR
    workdir = Path(tempfile.mkdtemp(prefix="accords-test-server-"))
    atexit.register(shutil.rmtree, workdir, True)
    try:
        path = manifest_path()
        graphs = all_graph_data(load_manifest(path)) if path.is_file() else {}
        build_store(workdir / "store", graphs)
        _SERVER = start_server(workdir / "store", workdir / "server.log")
    except (ServerError, OSError, subprocess.TimeoutExpired) as error:
        _SERVER_ERROR = error if isinstance(error, ServerError) else ServerError(str(error))
        raise _SERVER_ERROR from error
    atexit.register(_SERVER.stop)
    return _SERVER
