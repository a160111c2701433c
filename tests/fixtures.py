"""Fixtures: the seed built once per session, and running the real `accords` command."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from accords.loaders.default_graph import query_dataset
from accords.loaders.store import open_read_only

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout
SEED_ARTICLE = PROJECT_ROOT / "seeds" / "000_054c372ceee383ed.txt"
COMPETENCY_DIR = PROJECT_ROOT / "server" / "examples"


def accords(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the `accords` command as a user would, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "accords.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd or PROJECT_ROOT,
        timeout=300,
    )


@pytest.fixture(scope="session")
def seed_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from seeds/ by `accords build`."""
    root = tmp_path_factory.mktemp("seed-store")
    result = accords("build", "--store", str(root))
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="session")
def seed_store(seed_store_dir: Path) -> ox.Store:
    return open_read_only(seed_store_dir).store


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    """SELECT results as plain dicts of lexical values (the default dataset the endpoint queries)."""
    results = store.query(query, **query_dataset())
    names = [v.value for v in results.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in results]


def competency_query(number: int) -> str:
    (path,) = COMPETENCY_DIR.glob(f"{number}-*.rq")
    return path.read_text(encoding="utf-8")


class Listener:
    """A loopback socket that counts the connections it receives."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.05)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.socket.close()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (a timeout test) is expected


def serve_http(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """A threaded HTTP server with ``handler`` on a free loopback port, serving in the background."""
    server = _QuietServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop_http(server: ThreadingHTTPServer | None) -> None:
    if server is not None:
        server.shutdown()
        server.server_close()
