"""The framing the server worker reads before a thread serves a request (server.request_head)."""

from __future__ import annotations

import pytest

from accords.server.request_head import (
    INCOMPLETE,
    Bounds,
    Complete,
    Continue,
    Refusal,
    examine,
    without_expect,
)

BOUNDS = Bounds(line=100, head=300, body=50)
POST = b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"


@pytest.mark.parametrize(
    ("data", "verdict"),
    [
        (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: t\r\n\r\n", Complete(light=False)),
        (b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n", Complete(light=True)),
        (b"\r\nGET /static/app.js HTTP/1.1\r\n\r\n", Complete(light=True)),
        (b"POST /health HTTP/1.1\r\nContent-Length: 0\r\n\r\n", Complete(light=False)),
        (b"GET /sparql?query=ASK", INCOMPLETE),
        (b"GET /health HTTP/1.1\r\nHost: t\r\n", INCOMPLETE),
        (POST + b"Content-Length: 6\r\n\r\nASK", INCOMPLETE),
        (POST + b"Content-Length: 6\r\n\r\nASK {}", Complete(light=False)),
        (POST + b"content-length:6\r\n\r\nASK {}", Complete(light=False)),
        (POST + b"Content-Length: 6\r\nExpect: 100-continue\r\n\r\n", Continue()),
        (POST + b"Transfer-Encoding: chunked\r\n\r\n6\r\nASK {}\r\n", INCOMPLETE),
        (POST + b"Transfer-Encoding: chunked\r\n\r\n6\r\nASK {}\r\n0\r\n\r\n", Complete(light=False)),
        (
            POST + b"Transfer-Encoding: chunked\r\n\r\n3;x=y\r\nASK\r\n3\r\n {}\r\n0\r\nT: 1\r\n\r\n",
            Complete(False),
        ),
    ],
)
def test_whole_requests_and_requests_still_coming(data: bytes, verdict) -> None:
    assert examine(data, BOUNDS) == verdict


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GET /sparql?query=" + b"a" * 200, 414),  # no end of line yet: refused all the same
        (b"GET /sparql?query=" + b"a" * 200 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"X: " + b"a" * 400, 431),
        (POST + b"Content-Length: 51\r\n\r\n", 413),
        (POST + b"Transfer-Encoding: chunked\r\n\r\n40\r\n" + b"a" * 64 + b"\r\n", 413),
        (POST + b"Transfer-Encoding: chunked\r\n\r\n" + b"z" * 2000, 400),
    ],
)
def test_requests_past_a_bound_are_refused_unread(data: bytes, status: int) -> None:
    verdict = examine(data, BOUNDS)
    assert isinstance(verdict, Refusal) and verdict.status == status


def test_the_expectation_is_removed_once_answered() -> None:
    data = bytearray(POST + b"Expect: 100-continue\r\nContent-Length: 6\r\n\r\n")
    without_expect(data)
    assert b"Expect" not in data and data.endswith(b"Content-Length: 6\r\n\r\n")
    assert examine(data, BOUNDS) is INCOMPLETE
    assert examine(bytes(data) + b"ASK {}", BOUNDS) == Complete(light=False)
