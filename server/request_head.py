"""Whether the bytes received on a connection hold a whole HTTP/1.x request, within bounds.

The server worker (server.guarded_worker) reads requests in its event loop and asks this
module, after each read, whether the request is complete, still coming, or refused (414,
431, 413). Only the framing is read here: gunicorn parses the request afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CONTENT_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
_CHUNKED = re.compile(rb"^transfer-encoding[ \t]*:.*chunked", re.IGNORECASE | re.MULTILINE)
_EXPECT = re.compile(rb"^expect[ \t]*:[ \t]*100-continue[ \t]*\r?\n", re.IGNORECASE | re.MULTILINE)
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[^\r\n]*\r\n")
INCOMPLETE = None


@dataclass(frozen=True)
class Bounds:
    """How long a request line, a head (line and headers) and a body may be, in bytes."""

    line: int
    head: int
    body: int


@dataclass(frozen=True)
class Refusal:
    """A request refused before it is parsed: its status and reason phrase."""

    status: int
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Complete:
    """A whole request."""

    light: bool  # a cheap page (/health, the editor, static files), served by threads of its own


@dataclass(frozen=True)
class Continue:
    """A whole head whose client waits for ``100 Continue`` before it sends the body."""


LIGHT_PATHS = (b"/health", b"/static/", b"/favicon.ico", b"/robots.txt")  # and the editor, /


def examine(data: bytes | bytearray, bounds: Bounds) -> Complete | Continue | Refusal | None:
    """Complete, Continue, Refusal, or INCOMPLETE (None) while more bytes may come."""
    start = 0
    while data.startswith(b"\r\n", start):  # empty lines before a request line are allowed
        start += 2
    line_end = data.find(b"\n", start)
    if (line_end < 0 and len(data) - start > bounds.line) or line_end - start > bounds.line:
        detail = f"request too large: the request line is limited to {bounds.line} bytes"
        return Refusal(414, "URI Too Long", detail)
    if line_end < 0:
        return INCOMPLETE
    head_end = data.find(b"\r\n\r\n", start)
    if (head_end < 0 and len(data) - start > bounds.head) or head_end - start > bounds.head:
        return Refusal(
            431, "Request Header Fields Too Large", f"the request head is limited to {bounds.head} bytes"
        )
    if head_end < 0:
        return INCOMPLETE
    head = bytes(data[start : head_end + 2])
    body = memoryview(data)[head_end + 4 :]
    request_line = head[: line_end - start].split(b" ")
    path = request_line[1] if len(request_line) > 1 else b""
    light = request_line[0] in (b"GET", b"HEAD") and (path == b"/" or path.startswith(LIGHT_PATHS))
    if _CHUNKED.search(head):
        ended = _chunked_end(body, bounds.body)
        if isinstance(ended, Refusal):
            return ended
        return Complete(light) if ended else _waiting(head)
    length = _CONTENT_LENGTH.search(head)
    if length is None:
        return Complete(light)  # no body (or a framing gunicorn will refuse with 400)
    size = int(length.group(1))
    if size > bounds.body:
        return Refusal(413, "Content Too Large", f"request too large: the limit is {bounds.body} bytes")
    return Complete(light) if len(body) >= size else _waiting(head)


def _waiting(head: bytes) -> Continue | None:
    """Continue if the client waits for 100 Continue to send its body, else INCOMPLETE."""
    return Continue() if _EXPECT.search(head) else INCOMPLETE


def without_expect(data: bytearray) -> None:
    """Remove ``Expect: 100-continue`` from a request head, once the 100 has been sent."""
    head_end = data.find(b"\r\n\r\n")
    head = _EXPECT.sub(b"", bytes(data[: head_end + 2]), count=1)
    data[: head_end + 2] = head


def _chunked_end(body: memoryview, limit: int) -> bool | Refusal:
    """Whether a chunked body is whole (last chunk and trailers received); 413 past ``limit``."""
    position, size = 0, 0
    data = body.tobytes()
    while True:
        match = _CHUNK_SIZE.match(data, position)
        if match is None:
            return Refusal(400, "Bad Request") if len(data) - position > 1024 else False
        chunk = int(match.group(1), 16)
        size += chunk
        if size > limit:
            return Refusal(413, "Content Too Large", f"request too large: the limit is {limit} bytes")
        position = match.end()
        if chunk == 0:
            return data.find(b"\r\n\r\n", position - 2) >= 0  # the trailers end with an empty line
        position += chunk + 2
        if position > len(data):
            return False
