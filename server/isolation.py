"""The second barrier: a query process lives in a network namespace of its own.

Whatever a query says (a SERVICE the guard misread included), pyoxigraph in a query process
can then open a connection to one place only: ``127.0.0.1:PROXY_PORT`` inside that namespace,
where a forwarder thread relays each connection over a Unix-domain socket (a path in the file
system, which crosses network namespaces) to the service proxy of the server worker
(``server.federation``). Every other address is unreachable: the namespace has only its own
loopback interface, on which nothing else listens.

As root the process calls ``unshare(CLONE_NEWNET)``; otherwise it tries a user namespace with
a network namespace (``CLONE_NEWUSER | CLONE_NEWNET``, allowed to ordinary users on most Linux
systems). Python 3.11 has no ``os.unshare``: libc's is called through ctypes. The loopback
interface is brought up with ``ioctl(SIOCSIFFLAGS)``, needing no outside tool.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import selectors
import socket
import struct
import sys
import threading
from pathlib import Path

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
# The port the forwarder listens on in each query process's namespace, where every port is
# free; the rewritten SERVICE URLs name it. (The worker's own namespace never sees it.)
PROXY_PORT = 8890
RELAY_CHUNK = 64 * 1024
RELAY_IDLE_SECONDS = 120.0  # a relayed connection quiet for this long is closed
_SERVICE_WORD = re.compile("service", re.IGNORECASE)
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def mentions_service(query: str) -> bool:
    """Whether the query's text, read as pyoxigraph reads it (``\\u`` escapes decoded), has "service".

    Where SERVICE cannot be contained, a query for which this is true is not evaluated.
    """
    # The guard writes the first letter of an IRI after an operand as an escape, nearly always
    # \u0068 ("h" of http): replaced first, by plain search (no escape holds a backslash but its
    # first character, so this replaces exactly the escapes the pattern would, and makes none).
    decoded = query.replace("\\u0068", "h")
    if "\\u" in decoded or "\\U" in decoded:
        decoded = _CODEPOINT_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), decoded)
    return _SERVICE_WORD.search(decoded) is not None


class IsolationError(OSError):
    """This platform cannot give a process a network namespace of its own."""


def _unshare(flags: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(flags) != 0:
        code = ctypes.get_errno()
        raise IsolationError(code, os.strerror(code))


def _enter_user_and_network_namespace() -> None:
    """As an ordinary user: a user namespace (same uid and gid inside) with a network namespace."""
    uid, gid = os.getuid(), os.getgid()
    _unshare(CLONE_NEWUSER | CLONE_NEWNET)
    with contextlib.suppress(OSError):
        Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")


def _loopback_up() -> None:
    """Bring up ``lo`` in the current network namespace (a fresh one has it down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14s", b"lo", 0, b"")
        flags = struct.unpack("16sH", fcntl.ioctl(sock, SIOCGIFFLAGS, request)[:18])[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14s", b"lo", flags | IFF_UP, b""))


def enter_network_namespace() -> None:
    """Move this (single-threaded) process into a new network namespace with loopback up.

    IsolationError if the platform does not allow it; the process is then unchanged.
    """
    if not sys.platform.startswith("linux"):
        raise IsolationError(errno.ENOSYS, "network namespaces need Linux")
    try:
        _unshare(CLONE_NEWNET)
    except IsolationError as error:
        if error.errno != errno.EPERM:
            raise
        _enter_user_and_network_namespace()
    try:
        _loopback_up()
    except OSError as error:
        raise IsolationError(error.errno or errno.EPERM, f"cannot bring up loopback: {error}") from None


def network_namespace(pid: int | str = "self") -> str:
    """The identity of a process's network namespace (``net:[…]``), or '' if unknown."""
    try:
        return os.readlink(f"/proc/{pid}/ns/net")
    except OSError:
        return ""


def available() -> str | None:
    """None if a process here can get a network namespace of its own, else why not.

    Tried in a forked child, so that this process stays as it is; call it while single-threaded.
    """
    if not hasattr(os, "fork") or not sys.platform.startswith("linux"):
        return "network namespaces need Linux"
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        os.close(reader)
        try:
            enter_network_namespace()
            message = b""
        except OSError as error:
            message = str(error).encode()[:500] or b"unshare failed"
        os.write(writer, message)
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        message = pipe.read()
    os.waitpid(child, 0)
    return message.decode("utf-8", "replace") or None


class Forwarder:
    """Listens on ``127.0.0.1:PROXY_PORT`` of this namespace; relays to the Unix socket ``path``.

    One daemon thread relays every connection (started before the query thread's large stack
    size is set, so it costs a small stack).
    """

    def __init__(self, path: str, port: int = PROXY_PORT):
        self.path = path
        self.listener = socket.create_server(("127.0.0.1", port), backlog=64)
        self.listener.setblocking(False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.peers: dict[socket.socket, socket.socket] = {}
        threading.Thread(target=self._run, name="accords-service-forwarder", daemon=True).start()

    def _run(self) -> None:
        while True:
            events = self.selector.select(timeout=RELAY_IDLE_SECONDS)
            if not events:
                for sock in list(self.peers):
                    self._close(sock)
                continue
            for key, _ in events:
                if key.fileobj is self.listener:
                    self._accept()
                else:
                    self._relay(key.fileobj)  # type: ignore[arg-type]

    def _accept(self) -> None:
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            upstream.connect(self.path)
        except OSError:
            upstream.close()
            client.close()  # no proxy: the SERVICE call fails
            return
        for sock in (client, upstream):
            sock.settimeout(RELAY_IDLE_SECONDS)
            self.selector.register(sock, selectors.EVENT_READ)
        self.peers[client], self.peers[upstream] = upstream, client

    def _relay(self, sock: socket.socket) -> None:
        peer = self.peers.get(sock)
        if peer is None:
            return
        try:
            data = sock.recv(RELAY_CHUNK)
            if data:
                peer.sendall(data)
                return
        except OSError:
            pass
        self._close(sock)

    def _close(self, sock: socket.socket) -> None:
        peer = self.peers.pop(sock, None)
        for each in (sock, peer):
            if each is None:
                continue
            self.peers.pop(each, None)
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(each)
            each.close()
