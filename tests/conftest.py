"""Fixtures of the server tests: a tiny store, the Flask app on it, a real `accords serve`.

Self-contained: the store is built here with ``loaders.store.new_build`` (no seed build),
and every fixture name starts with ``server_``.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from accords.config import Settings
from loaders.namespaces import ACC, ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, PROJECT_ROOT, source_graph
from loaders.store import new_build
from server.app import create_app

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDFS_SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
AGREEMENT = ox.NamedNode(str(ID["agreement/test"]))
SOURCE_GRAPH = source_graph("test")
FILLER_TRIPLES = 300  # enough for a runaway cartesian product


def server_store_quads() -> list[ox.Quad]:
    """Two asserted triples and fillers in a source graph, one ontology and one inferred triple."""
    source = ox.NamedNode(SOURCE_GRAPH)
    quads = [
        ox.Quad(AGREEMENT, RDF_TYPE, ox.NamedNode(str(ACC.NuclearAgreement)), source),
        ox.Quad(AGREEMENT, RDFS_LABEL, ox.Literal("Accord de test", language="fr"), source),
        ox.Quad(
            ox.NamedNode(str(ACC.NuclearAgreement)),
            RDFS_SUBCLASS,
            ox.NamedNode(str(ACC.EnergyAgreement)),
            ox.NamedNode(str(ONTOLOGY_GRAPH)),
        ),
        ox.Quad(
            AGREEMENT, RDF_TYPE, ox.NamedNode(str(ACC.EnergyAgreement)), ox.NamedNode(str(INFERRED_GRAPH))
        ),
    ]
    quads += [
        ox.Quad(
            ox.NamedNode(f"http://example.org/item/{i}"),
            ox.NamedNode("http://example.org/value"),
            ox.Literal(i),
            source,
        )
        for i in range(FILLER_TRIPLES)
    ]
    return quads


@pytest.fixture(scope="session")
def server_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store directory holding one build of the tiny dataset."""
    root = tmp_path_factory.mktemp("server-store")
    with new_build(root) as (store, info):
        store.extend(server_store_quads())
        info["quads"] = len(server_store_quads())
    return root


@pytest.fixture(scope="session")
def server_settings(server_store: Path) -> Settings:
    return Settings(
        store=server_store,
        query_timeout=5.0,
        query_processes=2,
        max_result_rows=50,
        max_result_bytes=200_000,
        max_request_bytes=8192,
    )


@pytest.fixture(scope="module")
def server_app(server_settings: Settings) -> Iterator[Flask]:
    app = create_app(server_settings)
    yield app
    app.extensions["accords"].executors.close()


@pytest.fixture
def server_client(server_app: Flask) -> FlaskClient:
    return server_app.test_client()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A real `accords serve` (gunicorn) on a loopback port."""

    base_url: str
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def pids(self) -> set[int]:
        """The server and every process below it (workers, query processes)."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parent = int(stat[stat.rindex(")") + 2 :].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
        found, todo = set(), [self.process.pid]
        while todo:
            pid = todo.pop()
            found.add(pid)
            todo += children.get(pid, [])
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def start_live_server(store: Path, workdir: Path, *args: str, **environment: str) -> LiveServer:
    """Run `accords serve` as a user would (ACCORDS_* variables from ``environment`` only)."""
    port = free_port()
    config = workdir / "empty.toml"
    config.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORDS_")}
    env.update(environment, ACCORDS_CONFIG=str(config))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    log = workdir / f"serve-{port}.log"
    command = [sys.executable, "-m", "accords.cli", "serve", "--store", str(store), "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, *args],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"accords serve exited:\n{server.log_text()}")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"accords serve did not come up:\n{server.log_text()}")


@pytest.fixture(scope="module")
def server_live_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Start live servers on demand (``factory(store, *flags, **ACCORDS_vars)``); all stopped at the end."""
    servers: list[LiveServer] = []
    workdir = tmp_path_factory.mktemp("server-live")

    def factory(store: Path, *args: str, **environment: str) -> LiveServer:
        server = start_live_server(store, workdir, *args, **environment)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()
