"""Fixtures: the seed built once per session, and running the real `accords` command."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from accords.bench.generate import generate_corpus
from accords.loaders import default_graph
from accords.loaders.default_graph import query_dataset
from accords.loaders.store import StoreError, build_folder, open_read_only

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


def reply(
    handler: BaseHTTPRequestHandler,
    status: int,
    content_type: str,
    body: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    """Answer a loopback test server's request with ``body`` (a client that left is no error)."""
    with contextlib.suppress(OSError):
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def stop_http(server: ThreadingHTTPServer | None) -> None:
    if server is not None:
        server.shutdown()
        server.server_close()


@contextmanager
def new_build(root: Path) -> Iterator[tuple[ox.Store, dict]]:
    """Yield a fresh writable store and its info dict; publish it only if the block succeeds.

    A store of chosen quads for a test, through the builds' own ``build_folder``.

    The caller fills the named graphs and may add entries to the info dict; on exit without
    error the default graph is filled from them, and the build is flushed, described in
    ``build.json`` and made current. The caller's handle is closed then (RocksDB can lose
    files when a read-only handle opens while the writer is still open).
    """
    with build_folder(root) as (store, info, folder):
        writable = _Writable(store)
        yield writable, info  # type: ignore[misc]
        writable.close()
        default_graph.fill(store, folder)


class _Writable:
    """A store being written, that its ``new_build`` closes once it is published."""

    def __init__(self, store: ox.Store) -> None:
        self._store: ox.Store | None = store

    def __getattr__(self, name: str) -> object:
        if self._store is None:
            raise StoreError("this build is finished: open it with open_read_only")
        return getattr(self._store, name)

    def __len__(self) -> int:
        return len(self._store) if self._store is not None else 0

    def close(self) -> None:
        self._store = None


def generated_store(root: Path, articles: int, seed: int) -> tuple[Path, Path, list[Path]]:
    """A generated corpus under ``root``: the folder built from all its articles but the last,
    its store, and every article (the last one left out, for ``--add``)."""
    every = root / "every"
    generate_corpus(every, articles, seed=seed)
    texts = sorted(every.glob("*.txt"))
    built = root / "built"
    built.mkdir()
    for article in texts[:-1]:
        for path in (article, article.with_suffix(".yaml")):
            shutil.copy(path, built)
    store = root / "store"
    result = accords("build", "--store", str(store), str(built))
    assert result.returncode == 0, result.stderr
    return built, store, texts
