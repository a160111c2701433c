"""A gunicorn worker that receives each request whole before a thread serves it.

gunicorn's gthread worker hands a connection to a thread once its first byte arrives, and the
thread then blocks reading the rest: clients that send a byte at a time (slowloris) hold every
thread. This worker reads the request line, headers and body in its event loop, without
blocking, within ``request_timeout`` (408 past it) and within bounds (414, 431, 413), and
gives a thread only a complete request. A thread's reads and writes then stall for at most
``client_timeout``. Cheap pages (/health, static files) have threads of their own, so queries
never make them wait. While a thread serves a request, the query pool watches the client's
socket (server.engine.pool.CLIENT) to stop a query whose client hangs up. A request gunicorn
refuses itself (bad request line, oversized header…) never reaches the application: its error
page gets the application's security headers here.
"""

from __future__ import annotations

import contextlib
import errno
import re
import selectors
import socket
import time
from concurrent import futures
from functools import partial
from typing import Any

from gunicorn.http.message import Request
from gunicorn.workers.gthread import TConn, ThreadWorker

from accords.server.engine.pool import CLIENT, QUEUED_SINCE
from accords.server.problem import retry_after
from accords.server.request_head import Bounds, Complete, Continue, Refusal, examine, without_expect
from accords.server.security import SECURITY_HEADERS

LIGHT_THREADS = 2  # threads for /health and static files, beside those for queries
READ_BYTES = 64 * 1024
HEADERS_BYTES = 64 * 1024  # a request's headers, beside its request line

STATUS_LINE = re.compile(rb"HTTP/1\.[01] ([1-5][0-9][0-9]) ([^\r\n]*)")


def error_response(status: int, reason: str, extra: dict[str, str] | None = None, detail: str = "") -> bytes:
    """A complete response: the status, the security headers, the reason (and detail) as plain text."""
    body = f"{status} {reason}{': ' + detail if detail else ''}\n".encode("latin-1")
    headers = {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Length": str(len(body)),
        "Connection": "close",
        **(extra or {}),
        **SECURITY_HEADERS,
    }
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{name}: {value}" for name, value in headers.items())]
    return "\r\n".join([*lines, "", ""]).encode("latin-1") + body


class ErrorPageSocket:
    """A client socket whose writes are gunicorn's error page: each becomes ``error_response``.

    gunicorn decides the status of an error (400, 414, 431, 501…), logs it and writes its own
    HTML page through this socket; only the status line of that page is kept.
    """

    def __init__(self, client: socket.socket) -> None:
        self.client = client

    def sendall(self, data: bytes) -> None:
        match = STATUS_LINE.match(data)
        status, reason = (
            (int(match[1]), match[2].decode("latin-1")) if match else (500, "Internal Server Error")
        )
        self.client.sendall(error_response(status, reason))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


class SecureThreadWorker(ThreadWorker):
    """gunicorn's gthread worker, its own error responses carrying the security headers."""

    def handle_error(self, req: Request | None, client: socket.socket, addr: Any, exc: Exception) -> None:
        super().handle_error(req, ErrorPageSocket(client), addr, exc)


class ReceivedSocket:
    """A client socket whose first reads return the bytes the event loop received already.

    Blocking mode is a timeout (``client_timeout``); a stall past it reads as a reset
    connection, which gunicorn closes quietly.
    """

    def __init__(self, sock: socket.socket, timeout: float):
        self.sock = sock
        self.timeout = timeout
        self.pending = bytearray()

    def recv(self, size: int, *flags: int) -> bytes:
        if self.pending:
            data = bytes(self.pending[:size])
            del self.pending[:size]
            return data
        return self._stalling(self.sock.recv, size, *flags)

    def send(self, data: bytes, *flags: int) -> int:
        return self._stalling(self.sock.send, data, *flags)

    def sendall(self, data: bytes, *flags: int) -> None:
        self._stalling(self.sock.sendall, data, *flags)

    def setblocking(self, flag: bool) -> None:
        if flag:
            self.sock.settimeout(self.timeout)
        else:
            self.sock.setblocking(False)

    @staticmethod
    def _stalling(call: Any, *args: Any) -> Any:
        try:
            return call(*args)
        except TimeoutError:
            raise ConnectionResetError(errno.ECONNRESET, "the client stalled past client_timeout") from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sock, name)


class GuardedConn(TConn):
    """gthread's connection, closed without lingering: the event loop closes connections, and
    gunicorn's graceful close waits up to 2 s for the client's end (a stalled loop per client)."""

    def close(self, graceful: bool = False) -> None:
        sock = self.sock.sock if isinstance(self.sock, ReceivedSocket) else self.sock
        with contextlib.suppress(OSError):
            if graceful:  # send FIN, drain what the client sent already (no RST over the answer)
                sock.setblocking(False)  # a timeout would make recv wait for data first
                sock.shutdown(socket.SHUT_WR)
                while sock.recv(READ_BYTES, socket.MSG_DONTWAIT):
                    pass
        with contextlib.suppress(OSError):
            sock.close()


class GuardedThreadWorker(SecureThreadWorker):
    """gthread, with requests received whole in the event loop and reserved threads for cheap pages."""

    def init_process(self) -> None:
        settings = self.app.settings
        self.bounds = Bounds(
            line=settings.max_request_bytes + 1024,  # ?query= up to max_request_bytes, and the path
            head=settings.max_request_bytes + 1024 + HEADERS_BYTES,
            body=settings.max_request_bytes,
        )
        self.request_timeout = settings.request_timeout
        self.queue_timeout = settings.queue_timeout
        self.client_timeout = settings.client_timeout
        self.receiving: dict[TConn, float] = {}  # connections whose request is coming: deadline
        self.light_pool = futures.ThreadPoolExecutor(LIGHT_THREADS, thread_name_prefix="accords-light")
        super().init_process()

    def accept(self, listener: socket.socket) -> None:
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        received = ReceivedSocket(client, self.client_timeout)
        conn = GuardedConn(self.cfg, received, address, listener.getsockname())
        self._receive(conn)

    def on_client_socket_readable(self, conn: TConn, client: Any) -> None:
        """A kept-alive connection's next request begins: receive it in the loop too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._receive(conn)

    def finish_request(self, conn: TConn, fs: futures.Future) -> None:
        pipelined = isinstance(conn.sock, ReceivedSocket) and conn.sock.pending
        if pipelined and self.alive and not fs.cancelled() and fs.exception() is None and fs.result():
            self._receive(conn)  # the next request came with this one
            return
        super().finish_request(conn, fs)

    def _receive(self, conn: TConn) -> None:
        """Wait in the loop for the rest of a request, until its deadline."""
        conn.sock.setblocking(False)
        self.receiving[conn] = time.monotonic() + self.request_timeout
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_bytes, conn))
        if conn.sock.pending:
            self._examine(conn)

    def _on_bytes(self, conn: TConn, _client: Any) -> None:
        try:
            data = conn.sock.sock.recv(READ_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self._forget(conn)
            return
        conn.sock.pending += data
        self._examine(conn)

    def _examine(self, conn: TConn) -> None:
        verdict = examine(conn.sock.pending, self.bounds)
        if verdict is None:
            return
        if isinstance(verdict, Continue):
            without_expect(conn.sock.pending)
            with contextlib.suppress(OSError):
                conn.sock.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
            return
        self.poller.unregister(conn.sock)
        del self.receiving[conn]
        if isinstance(verdict, Refusal):
            self._refuse(conn, verdict)
            return
        conn.data_ready = True
        conn.light = isinstance(verdict, Complete) and verdict.light
        self.enqueue_req(conn)

    def enqueue_req(self, conn: TConn) -> None:
        """Serve a complete request on a thread: cheap pages on their own threads."""
        pool = self.light_pool if getattr(conn, "light", False) else self.tpool
        conn.queued = time.monotonic()
        future = pool.submit(self.handle, conn)
        future.add_done_callback(lambda done: self.method_queue.defer(self.finish_request, conn, done))

    def handle(self, conn: TConn) -> Any:
        """Serve one request, the query pool watching its client for a hang-up.

        A request that waited for a thread past the queue time gets 503 and Retry-After.
        """
        queued = getattr(conn, "queued", time.monotonic())
        if time.monotonic() - queued > self.queue_timeout:
            busy = "the server is busy: every thread is working; try again shortly"
            with contextlib.suppress(OSError):
                conn.sock.sock.settimeout(self.client_timeout)
                answer = error_response(503, "Service Unavailable", retry_after(503), busy)
                conn.sock.sock.sendall(answer)
            return False
        client = CLIENT.set(conn.sock.sock if isinstance(conn.sock, ReceivedSocket) else None)
        since = QUEUED_SINCE.set(queued)
        try:
            return super().handle(conn)
        finally:
            CLIENT.reset(client)
            QUEUED_SINCE.reset(since)

    def murder_pending(self) -> None:
        """Also answer 408 to requests not received whole by their deadline."""
        super().murder_pending()
        now = time.monotonic()
        for conn in [conn for conn, deadline in self.receiving.items() if deadline < now]:
            with contextlib.suppress(KeyError, ValueError, OSError):
                self.poller.unregister(conn.sock)
            del self.receiving[conn]
            late = f"the request was not received within {self.request_timeout:g} s (request_timeout)"
            self._refuse(conn, Refusal(408, "Request Timeout", late))

    def _refuse(self, conn: TConn, refusal: Refusal) -> None:
        """Answer a request that is not read, and close its connection."""
        self.log.info("refused a request from %s: %s %s", conn.client, refusal.status, refusal.reason)
        answer = error_response(refusal.status, refusal.reason, detail=refusal.detail)
        with contextlib.suppress(OSError):
            conn.sock.sock.send(answer)  # small: it fits the socket's buffer
        self.nr_conns -= 1
        conn.close()

    def _forget(self, conn: TConn) -> None:
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        self.receiving.pop(conn, None)
        self.nr_conns -= 1
        conn.close()

    def run(self) -> None:
        try:
            super().run()
        finally:
            self.light_pool.shutdown(wait=False)
