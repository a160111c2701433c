"""Security headers on every response, error pages included; no inline script on any page.

Error pages of gunicorn itself too: a request it refuses never reaches the application.
"""

from __future__ import annotations

import contextlib
import email.parser
import socket
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask

from accords.config import Settings
from accords.server.app import create_app
from accords.server.security import SECURITY_HEADERS

SAMPLE_ARGUMENTS = {"filename": "editor.js"}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


@pytest.fixture(scope="module")
def app(server_settings: Settings):
    app = create_app(server_settings)
    app.add_url_rule("/test-boom", "test_boom", lambda: 1 / 0)  # an unexpected error: a 500
    yield app
    app.extensions["accords"].executors.close()


def assert_secure(response, what: str) -> None:
    for name in SECURITY_HEADERS:
        assert name in response.headers, f"{what}: no {name} (status {response.status_code})"
    policy = dict(
        (part.strip().split(" ", 1) + [""])[:2]
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy.get("frame-ancestors") == "'none'", what
    assert policy.get("default-src") == "'none'", what
    for directive in ("script-src", "default-src"):
        assert "'unsafe-inline'" not in policy.get(directive, ""), what
        assert "'unsafe-eval'" not in policy.get(directive, ""), what
    assert response.headers["X-Content-Type-Options"] == "nosniff", what


def route_paths(app: Flask) -> list[tuple[str, set[str]]]:
    """A path for every route, its variables filled with samples."""
    paths = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        for argument in rule.arguments:
            value = SAMPLE_ARGUMENTS.get(argument, "test")
            for converter in ("", "path:", "string:", "int:"):
                path = path.replace(f"<{converter}{argument}>", value if converter != "int:" else "1")
        if "<" not in path:
            paths.append((path, set(rule.methods or ())))
    return sorted(paths)


class ScriptAudit(HTMLParser):
    """Everything a Content-Security-Policy would have to allow blindly: inline code.

    Not <style>: style-src allows 'unsafe-inline' for YASGUI, and no script can run from it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "script" and "src" not in attributes:
            kind = (attributes.get("type") or "").split(";")[0].strip().lower()
            if kind not in DATA_SCRIPT_TYPES:
                self.problems.append(f"inline <script type={kind or 'text/javascript'}>")


def test_every_route_has_the_security_headers(app: Flask) -> None:
    client = app.test_client()
    for path, methods in route_paths(app):
        for accept in ("text/html", "application/json", "*/*"):
            response = client.get(path, headers={"Accept": accept})
            assert_secure(response, f"GET {path} ({accept})")
        if "POST" in methods:
            assert_secure(client.post(path, data={"query": "ASK {}"}), f"POST {path}")
        assert_secure(client.options(path), f"OPTIONS {path}")
        assert_secure(client.head(path), f"HEAD {path}")


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/nowhere", {}, 404),
        ("DELETE", "/health", {}, 405),
        ("GET", "/sparql", {"query_string": {"query": "SELEKT"}}, 400),
        ("GET", "/sparql", {"query_string": {"query": "INSERT DATA {}"}}, 403),
        ("GET", "/sparql", {"query_string": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}, 406),
        ("POST", "/sparql", {"data": "x" * 20_000, "content_type": "application/sparql-query"}, 413),
        ("POST", "/sparql", {"data": "ASK {}", "content_type": "image/png"}, 415),
        ("GET", "/test-boom", {}, 500),
        ("GET", "/sparql", {"query_string": "query=%FF\xff"}, 400),
    ],
)
def test_error_responses_have_the_security_headers(app: Flask, method, path, kwargs, status) -> None:
    if isinstance(kwargs.get("query_string"), str):  # raw bytes in the query string
        kwargs = {"environ_overrides": {"QUERY_STRING": kwargs["query_string"]}}
    for accept in ("text/html", "application/json"):
        headers = {"Accept": accept, **kwargs.get("headers", {})}
        response = app.test_client().open(path, method=method, **{**kwargs, "headers": headers})
        assert response.status_code == status, response.get_data()[:200]
        assert_secure(response, f"{method} {path} → {status}")
        assert b"Traceback" not in response.get_data()


def test_no_page_holds_inline_script(app: Flask) -> None:
    client = app.test_client()
    pages = 0
    for path, _ in route_paths(app):
        response = client.get(path, headers={"Accept": "text/html"})
        if response.mimetype != "text/html":
            continue
        pages += 1
        audit = ScriptAudit()
        audit.feed(response.get_data(as_text=True))
        assert audit.problems == [], (path, audit.problems)
    assert pages >= 1  # the editor at least


def test_the_editor_scripts_are_files_of_this_server(app: Flask) -> None:
    response = app.test_client().get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<script src="/static/editor/' in html
    for script in ("/static/editor/editor.js", "/static/editor/yasgui/yasgui.min.js"):
        served = app.test_client().get(script)
        assert served.status_code == 200 and "javascript" in served.mimetype
        assert_secure(served, script)


@dataclass
class RawResponse:
    """A response read off a socket: enough for ``assert_secure``."""

    status_code: int
    headers: Message
    body: bytes


def raw_exchange(base_url: str, request: bytes) -> RawResponse:
    """Send ``request`` as is, read until the server closes the connection."""
    address = urlsplit(base_url)
    received = b""
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        # gunicorn may answer, and close, before reading it all
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, _, fields = head.partition(b"\r\n")
    headers = email.parser.BytesHeaderParser().parsebytes(fields)
    return RawResponse(int(status_line.split()[1]), headers, body)


@pytest.fixture(scope="module")
def live(server_live_factory, server_store: Path):
    return server_live_factory(server_store, "--workers", "1", "--query-processes", "1")


BIG = b"a" * 100_000
MALFORMED_REQUESTS = {
    "bad request line": b"GARBAGE\r\n\r\n",
    "invalid method characters": b"G(T /health HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "invalid HTTP version": b"GET /health HTTP/9.9\r\nHost: localhost\r\n\r\n",
    "100 KB header": b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + BIG + b"\r\n\r\n",
    "too many headers": b"GET /health HTTP/1.1\r\n" + b"X-A: b\r\n" * 200 + b"\r\n",
    "invalid header name": b"GET /health HTTP/1.1\r\nHost: localhost\r\nBad Name: x\r\n\r\n",
}


@pytest.mark.parametrize("request_bytes", MALFORMED_REQUESTS.values(), ids=MALFORMED_REQUESTS.keys())
def test_requests_gunicorn_refuses_have_the_security_headers(live, request_bytes: bytes) -> None:
    response = raw_exchange(live.base_url, request_bytes)
    assert 400 <= response.status_code < 500, response
    assert_secure(response, f"gunicorn's own {response.status_code}")
    assert response.headers["Connection"] == "close"
    assert response.headers["Content-Type"].startswith("text/plain")
    assert int(response.headers["Content-Length"]) == len(response.body)
    assert response.body.startswith(str(response.status_code).encode()) and len(response.body) < 100
    assert b"Traceback" not in response.body and b"<html" not in response.body


def test_a_well_formed_request_after_a_refused_one_is_served(live) -> None:
    raw_exchange(live.base_url, MALFORMED_REQUESTS["bad request line"])
    response = raw_exchange(
        live.base_url, b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    assert response.status_code == 200
    assert_secure(response, "GET /health")
    assert "Traceback" not in live.log_text()
