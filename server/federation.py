"""SERVICE calls go through Accords: the URL actually called, a User-Agent, a time limit, a cache.

pyoxigraph evaluates ``SERVICE`` with its own HTTP client, which cannot be given a cache, a
User-Agent or a time limit of ours, and has no hook to replace it. So once the guard has
accepted a query, each allow-listed SERVICE target in its text is replaced by the loopback URL
of this server worker's *service proxy* (``http://127.0.0.1:<port>/accords-proxy/<secret>/<n>``)
and the query is evaluated as usual: pyoxigraph still decides what to send (the SERVICE group,
as SPARQL; it pushes no bindings) and how to join the answer, so SPARQL's semantics are
untouched, ``SERVICE SILENT`` included.

The query processes cannot call anything else (``server.isolation``): each lives in a network
namespace of its own, where ``127.0.0.1:PROXY_PORT`` is a forwarder to the proxy's Unix-domain
socket. So a SERVICE that the guard misread, and pyoxigraph calls directly, reaches nothing.

The proxy, a threaded ``http.server`` on a Unix socket, started in the worker process by its
first federated query, sends the sub-query to the URL configured for that service — ``wikidata_endpoint`` for
``https://query.wikidata.org/sparql``, the ``[services]`` table of the configuration file for
the others, else the IRI itself — with ``User-Agent: Accords/<version> (+https://w3id.org/accords/)``
and a time limit (``service_timeout``, at most 90 % of ``query_timeout`` so that a slow endpoint
gets its own error), and keeps successful answers in an LRU cache with a TTL
(``service_cache_ttl``, ``service_cache_bytes``) keyed by (URL called, sub-query, Accept): a
repeated join does not reach the remote endpoint again. The cache belongs to the worker and is
shared by its query processes (which are killed and replaced at their time limit: a cache in
them would not last). A failure is answered with 502 and one line saying what went wrong, which
the query process hands to the client (also 502); with ``SERVICE SILENT`` pyoxigraph turns it
into one empty solution instead.

Against amplification (pyoxigraph calls a SERVICE inside ``FILTER EXISTS`` once per row): each
routed query gets a token of its own in its proxy URLs, and past ``service_max_calls`` calls
that go out for it, the proxy answers 502 without calling; a failure is remembered for
``service_failure_ttl`` seconds (the same call fails at once meanwhile); an endpoint's
``Retry-After`` (on any error) stops every call to it until then.

The rewritten query is checked once more, against the proxy's URLs only: should a reading of
the text that the rewrite did not see hide a SERVICE (``FILTER(?a<?b)SERVICE#>…``), the query
is refused rather than let pyoxigraph call that endpoint directly. The proxy listens on
loopback only and answers only paths holding its random secret.
"""

from __future__ import annotations

import http.server
import logging
import os
import secrets
import socketserver
import threading
import time
import urllib.parse
from collections import OrderedDict
from dataclasses import replace

from accords.config import Settings
from accords.loaders.wikidata import WIKIDATA_SERVICE
from accords.loaders.wikidata.client import (
    JSON_RESULTS,
    USER_AGENT,
    ServiceAnswer,
    ServiceError,
    call_endpoint,
)
from accords.server.engine.jobs import ExecutionError, Job
from accords.server.isolation import PROXY_PORT
from accords.server.query_guard import GuardError, check_query

PROXY_PATH = "/accords-proxy/"
MAX_SUBQUERY_BYTES = 4 * 1024 * 1024
MAX_RETRY_AFTER = 3600.0  # the longest wait an endpoint's Retry-After imposes
MAX_FAILURES = 4096  # failures remembered at once
logger = logging.getLogger("accords.federation")


def service_routes(settings: Settings) -> dict[str, str]:
    """For each allow-listed SERVICE IRI, the URL actually called."""
    configured = settings.extra.get("services", {})
    return {
        iri: settings.wikidata_endpoint if iri == WIKIDATA_SERVICE else configured.get(iri, iri)
        for iri in settings.service_allowlist
    }


class ResultCache:
    """Successful SERVICE answers, least recently used first out, each for ``ttl`` seconds."""

    def __init__(self, ttl: float, max_bytes: int, clock=time.monotonic):
        self.ttl = ttl
        self.max_bytes = max_bytes
        self.clock = clock
        self.entries: OrderedDict[tuple[str, str, str], tuple[float, ServiceAnswer]] = OrderedDict()
        self.size = 0
        self.hits = self.misses = 0
        self.lock = threading.Lock()

    @staticmethod
    def _cost(key: tuple[str, str, str], answer: ServiceAnswer) -> int:
        return len(answer.body) + sum(len(part) for part in key) + 200

    def get(self, key: tuple[str, str, str]) -> ServiceAnswer | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None and entry[0] > self.clock():
                self.entries.move_to_end(key)
                self.hits += 1
                return entry[1]
            if entry is not None:
                self._drop(key)
            self.misses += 1
            return None

    def put(self, key: tuple[str, str, str], answer: ServiceAnswer) -> None:
        cost = self._cost(key, answer)
        if self.ttl <= 0 or cost > self.max_bytes:
            return
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = (self.clock() + self.ttl, answer)
            self.size += cost
            while self.size > self.max_bytes:
                self._drop(next(iter(self.entries)))

    def _drop(self, key: tuple[str, str, str]) -> None:
        _, answer = self.entries.pop(key)
        self.size -= self._cost(key, answer)


class ServiceProxy:
    """The HTTP server that pyoxigraph's SERVICE calls reach, in one server worker.

    It listens on the Unix socket ``path``, which the query processes' forwarders relay to.
    """

    def __init__(
        self,
        path: str,
        routes: dict[str, str],
        timeout: float,
        cache: ResultCache,
        max_bytes: int,
        max_calls: int = 20,
        failure_ttl: float = 5.0,
        job_seconds: float = 60.0,
        user_agent: str = USER_AGENT,
    ):
        self.routes = list(routes.items())
        self.timeout = timeout
        self.cache = cache
        self.max_bytes = max_bytes
        self.max_calls = max_calls
        self.failure_ttl = failure_ttl
        self.job_seconds = job_seconds  # a routed query's count is forgotten after this (it is over)
        self.user_agent = user_agent
        self.secret = secrets.token_hex(16)
        self.calls = 0  # calls that went out to a remote endpoint
        self.pending: dict[tuple[str, str, str], threading.Lock] = {}
        self.failures: OrderedDict[tuple[str, str, str], tuple[float, str]] = OrderedDict()
        self.blocked: dict[str, float] = {}  # URL → no call before this time (Retry-After)
        self.jobs: dict[str, list[float]] = {}  # token → [calls that went out, when routed]
        self.lock = threading.Lock()
        if os.path.exists(path):
            os.unlink(path)
        self.path = path
        self.server = _ProxyServer(path, _ProxyHandler)
        self.server.proxy = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="accords-service-proxy", daemon=True
        )
        self.thread.start()

    def new_job(self) -> str:
        """A token for one routed query, under which its calls are counted."""
        token = secrets.token_hex(8)
        now = time.monotonic()
        with self.lock:
            for old in [t for t, (_, since) in self.jobs.items() if now - since > self.job_seconds]:
                del self.jobs[old]
            self.jobs[token] = [0, now]
        return token

    def url(self, token: str, index: int) -> str:
        """The URL of service ``index`` for the query of ``token``, as the query processes see it."""
        return f"http://127.0.0.1:{PROXY_PORT}{PROXY_PATH}{self.secret}/{token}/{index}"

    def call(self, token: str, index: int, query: str, accept: str) -> tuple[int, str, bytes]:
        """The status, content type and body to answer pyoxigraph's call to service ``index``."""
        iri, url = self.routes[index]
        key = (url, query, accept)
        answer = self.cache.get(key) or self._failure(key)
        if answer is None:
            with self.lock:
                pending = self.pending.setdefault(key, threading.Lock())
            with pending:  # the same call made twice at once goes out once
                answer = self.cache.get(key) or self._failure(key)
                if answer is None:
                    answer = self._fetch(token, iri, url, query, accept)
            with self.lock:
                self.pending.pop(key, None)
        if isinstance(answer, str):
            return 502, "text/plain; charset=utf-8", answer.encode("utf-8")
        return 200, answer.content_type, answer.body

    def _failure(self, key: tuple[str, str, str]) -> str | None:
        """The failure of this call if it failed less than ``failure_ttl`` seconds ago."""
        with self.lock:
            entry = self.failures.get(key)
            if entry is not None and entry[0] > time.monotonic():
                return entry[1]
            return None

    def _remember_failure(self, key: tuple[str, str, str], message: str) -> None:
        if self.failure_ttl <= 0:
            return
        with self.lock:
            self.failures.pop(key, None)
            self.failures[key] = (time.monotonic() + self.failure_ttl, message)
            while len(self.failures) > MAX_FAILURES:
                self.failures.popitem(last=False)

    def _may_call(self, token: str, iri: str, url: str) -> str | None:
        """Why this call may not go out (the query's cap, the endpoint's Retry-After), or None."""
        now = time.monotonic()
        with self.lock:
            until = self.blocked.get(url, 0.0)
            if until > now:
                return f"<{iri}> asked to be left alone for {until - now:.0f} s more (Retry-After)"
            counted = self.jobs.get(token)
            if counted is None or counted[0] >= self.max_calls:
                return (
                    f"<{iri}> not called: this query already made {self.max_calls} SERVICE calls,"
                    " the limit (service_max_calls)"
                )
            counted[0] += 1
            self.calls += 1
        return None

    def _fetch(self, token: str, iri: str, url: str, query: str, accept: str) -> ServiceAnswer | str:
        refused = self._may_call(token, iri, url)
        if refused is not None:
            return refused
        started = time.monotonic()
        try:
            answer = call_endpoint(url, query, accept, self.timeout, self.max_bytes, self.user_agent)
        except ServiceError as error:
            logger.warning("SERVICE <%s> (%s): %s", iri, url, error)
            if error.retry_after is not None:
                with self.lock:
                    self.blocked[url] = time.monotonic() + min(error.retry_after, MAX_RETRY_AFTER)
            message = f"<{iri}> {error}"
            self._remember_failure((url, query, accept), message)
            return message
        logger.info("SERVICE <%s>: %d bytes in %.3f s", iri, len(answer.body), time.monotonic() - started)
        self.cache.put((url, query, accept), answer)
        return answer

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if os.path.exists(self.path):
            os.unlink(self.path)


class _ProxyServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """pyoxigraph may drop a kept-alive connection (a query done early, a killed process)."""
        logger.debug("service proxy: a connection ended abruptly", exc_info=True)


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AccordsServiceProxy"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve()

    def do_POST(self) -> None:  # noqa: N802
        self._serve()

    def _serve(self) -> None:
        proxy: ServiceProxy = self.server.proxy  # type: ignore[attr-defined]
        parts = urllib.parse.urlsplit(self.path)
        secret, _, rest = parts.path.removeprefix(PROXY_PATH).partition("/")
        token, _, index = rest.partition("/")
        known = parts.path.startswith(PROXY_PATH) and secrets.compare_digest(secret, proxy.secret)
        if not known or not index.isdigit() or int(index) >= len(proxy.routes):
            self._answer(404, "text/plain", b"not found")
            return
        query = self._query(parts.query)
        if query is None:
            self._answer(400, "text/plain", b"no query")
            return
        accept = self.headers.get("Accept") or JSON_RESULTS
        status, content_type, body = proxy.call(token, int(index), query, accept)
        self._answer(status, content_type, body)

    def _query(self, query_string: str) -> str | None:
        if self.command == "GET":
            return next(iter(urllib.parse.parse_qs(query_string).get("query", [])), None)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_SUBQUERY_BYTES:
            return None
        body = self.rfile.read(length).decode("utf-8", "replace")
        if self.headers.get_content_type() == "application/x-www-form-urlencoded":
            return next(iter(urllib.parse.parse_qs(body).get("query", [])), None)
        return body

    def _answer(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class Federation:
    """Routes the SERVICE calls of one server worker's queries through its proxy."""

    def __init__(self, settings: Settings, path: str):
        self.settings = settings
        self.path = path  # the proxy's Unix socket
        self.routes = service_routes(settings)
        self.index = {iri: position for position, iri in enumerate(self.routes)}
        self.cache = ResultCache(settings.service_cache_ttl, settings.service_cache_bytes)
        self.proxy: ServiceProxy | None = None
        self.lock = threading.Lock()

    def _proxy(self) -> ServiceProxy:
        """The proxy, started on first use."""
        with self.lock:
            if self.proxy is None:
                settings = self.settings
                # Below the query's own limit, so that a slow endpoint gets its own clear error.
                timeout = min(settings.service_timeout, 0.9 * settings.query_timeout)
                self.proxy = ServiceProxy(
                    self.path,
                    self.routes,
                    timeout,
                    self.cache,
                    settings.max_result_bytes,
                    settings.service_max_calls,
                    settings.service_failure_ttl,
                    2 * settings.query_timeout,  # no query runs longer
                )
            return self.proxy

    def route(self, job: Job) -> Job:
        """The job with each SERVICE target of its query replaced by the proxy's URL for it."""
        base = job.base_iri or self.settings.public_base
        text, routed = job.query, []
        if job.service_spans:  # found by the guard when the endpoint accepted the query
            proxy = self._proxy()
            token = proxy.new_job()
            routed = [proxy.url(token, position) for position in range(len(self.routes))]
            for start, end, iri in sorted(job.service_spans, reverse=True):
                text = f"{text[:start]}<{routed[self.index[iri]]}>{text[end:]}"
        try:
            check_query(text, routed, base)
        except GuardError:
            raise ExecutionError.invalid(
                "this query calls a SERVICE in a way Accords cannot route (text that reads two ways, "
                "such as '<' glued to a keyword): put spaces around '<' and write SERVICE <IRI> { … }",
            ) from None
        return replace(job, query=text, federated=bool(job.service_spans), service_spans=())

    def close(self) -> None:
        if self.proxy is not None:
            self.proxy.close()
