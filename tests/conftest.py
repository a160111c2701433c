"""Fixtures of the server tests: a tiny store, the Flask app on it, a real `accords serve`, a browser.

Self-contained: the store is built here with ``tests.fixtures.new_build`` (no seed build),
and every fixture name starts with ``server_``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from accords.bench.servers import Spawned, start_accords, start_oxigraph
from accords.config import Settings
from accords.loaders.namespaces import ACC, ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, source_graph
from accords.loaders.ontology import ontology_graph, topic_slugs
from accords.loaders.push import push
from accords.server.app import create_app
from tests.fixtures import new_build

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

    from tests.w3c_manifest import RunningServer

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDFS_SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
AGREEMENT = ox.NamedNode(str(ID["agreement/test"]))
SOURCE_GRAPH = source_graph("test")
FILLER_TRIPLES = 300  # enough for a runaway cartesian product
CHROMIUM = Path(os.environ.get("ACCORDS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_TIMEOUT_MS = 30_000


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


@pytest.fixture(scope="module")
def server_live_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Start live servers on demand (``factory(store, *flags, **ACCORDS_vars)``); all stopped at the end."""
    servers: list[Spawned] = []
    workdir = tmp_path_factory.mktemp("server-live")

    def factory(store: Path, *args: str, **environment: str) -> Spawned:
        """A real `accords serve` (gunicorn) on a loopback port, run as a user would."""
        server = start_accords(store, workdir, *args, environment=environment)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop(grace=15)


@pytest.fixture(scope="module", name="server")
def server_shared() -> RunningServer:
    """The session's one `accords serve` over the seed store (``tests/w3c_manifest.shared_server``)."""
    from tests.w3c_manifest import ServerError, shared_server

    try:
        return shared_server()
    except ServerError as error:
        pytest.fail(f"no server to test: {error}", pytrace=False)


@pytest.fixture(scope="module")
def server_backend(server_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``oxigraph serve`` holding the tiny dataset (pushed: its default graph is the merge); its query URL."""
    work = tmp_path_factory.mktemp("backend")
    oxigraph = start_oxigraph(work / "oxigraph", work / "oxigraph.log")
    try:
        push(server_store, oxigraph.url + "/store")
        yield oxigraph.url + "/query"
    finally:
        oxigraph.stop()


@pytest.fixture(scope="module")
def server_browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (missing: the test fails)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: run .ci/install-tools (apt-get install chromium)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextlib.contextmanager
def browser_page(browser: Browser, width: int, init_script: str) -> Iterator[Page]:
    """A page in a context of its own (``width`` × 900, en-GB), ``init_script`` run before the page's."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    context.add_init_script(init_script)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


class PageWatch:
    """What went wrong on a page: console errors, script errors, requests elsewhere, failures.

    ``console_types``: the console message types that count; ``local_schemes``: the URL schemes
    that are no request to another origin; ``ignore_aborted``: a request a navigation cancelled
    (ERR_ABORTED, e.g. the previous page's icon) is no failure; ``http_errors``: an answer of
    status 400 or more is a failure.
    """

    def __init__(
        self,
        page: Page,
        origin: str,
        *,
        console_types: tuple[str, ...] = ("error",),
        local_schemes: tuple[str, ...] = ("data", "blob", "about"),
        ignore_aborted: bool = False,
        http_errors: bool = False,
    ) -> None:
        self.page = page
        self.origin = origin
        self.console_types = console_types
        self.local_schemes = local_schemes
        self.ignore_aborted = ignore_aborted
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.foreign_requests: list[str] = []
        self.failed_requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", self._request)
        page.on("requestfailed", self._failed)
        if http_errors:
            page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in self.console_types:
            self.console_errors.append(f"{message.type}: {message.text} ({message.location.get('url', '')})")

    def _failed(self, request) -> None:
        if not (self.ignore_aborted and "ERR_ABORTED" in (request.failure or "")):
            self.failed_requests.append(f"{request.url}: {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.failed_requests.append(f"{response.url}: HTTP {response.status}")

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in self.local_schemes and f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(request.url)

    def csp_violations(self) -> list[str]:
        """What the page's CSP listener (an init script filling ``window.__cspViolations``) caught."""
        return self.page.evaluate("window.__cspViolations || []")

    def assert_clean(self) -> None:
        assert self.csp_violations() == [], "Content-Security-Policy violations"
        assert self.page_errors == [], "script errors on the page"
        assert self.console_errors == [], "console errors"
        assert self.foreign_requests == [], "requests to another origin"
        assert self.failed_requests == [], "failed requests"


@pytest.fixture(scope="session")
def topics() -> frozenset[str]:
    """The topic scheme's slugs, as the extractor and the annotation reader take them."""
    return topic_slugs(ontology_graph())
