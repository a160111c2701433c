"""A fair share for every client: query time per minute and concurrent queries, as WDQS does.

Each client (its address; behind a trusted proxy, the address that proxy was asked by) has a
budget of ``client_query_seconds`` seconds of query time per minute, refilled continuously
(a leaky bucket: what it spent drains at budget/60 per second), and at most
``client_concurrent_queries`` queries running at once. Past either, it gets **429** with
``Retry-After`` (how long until its bucket is below the budget again) and a one-line reason,
while other clients keep their share. The accounting is shared by the server's worker processes
through a small SQLite file in a folder of the running server (``runtime_folder``: the system's
temporary folder, one per store and port; WAL, no fsync: it is state of the running server only),
so a client's budget does not multiply with workers; the store is never written to.
``client_query_seconds = 0`` turns the budget off.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "fair-share.sqlite"
STALE_CHECK_SECONDS = 30.0
# Workers booting together race to switch the new file to WAL; SQLite answers the loser "database
# is locked" at once, without waiting on its busy timeout: it tries again for this long.
OPEN_SECONDS = 5.0
SCHEMA = """
CREATE TABLE IF NOT EXISTS spent (client TEXT PRIMARY KEY, seconds REAL NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS running (client TEXT, pid INTEGER, n INTEGER NOT NULL, PRIMARY KEY (client, pid));
"""


class TooManyRequests(Exception):
    """A client past its share: 429, with ``Retry-After`` seconds and the reason."""

    def __init__(self, retry_after: int, reason: str) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.reason = reason


@dataclass(frozen=True)
class Ticket:
    """One admitted query: released once its answer has been sent."""

    client: str
    started: float


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(texts: Iterable[str]) -> tuple[Network, ...]:
    """``trusted_proxies`` as networks (an address alone is a /32 or /128); ValueError if malformed."""
    return tuple(ipaddress.ip_network(text.strip(), strict=False) for text in texts if text.strip())


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_identity(remote: str, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """Who asks: the peer's address, or, when the peer is a trusted proxy, the last address of
    ``X-Forwarded-For`` that is not itself a trusted proxy (the one a client cannot forge)."""
    if not forwarded_for or not _trusted(remote, trusted):
        return remote
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop
    return hops[0] if hops else remote


def runtime_folder(store: Path, port: int) -> Path:
    """Where the workers of the server of ``store`` on ``port`` share their state."""
    key = hashlib.sha256(f"{store.resolve()}:{port}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"accords-{os.getuid()}" / key


def _open(path: Path) -> sqlite3.Connection:
    """A connection to the shared counts in WAL mode, waiting while another worker switches to it."""
    deadline = time.monotonic() + OPEN_SECONDS
    while True:
        db = sqlite3.connect(path, timeout=OPEN_SECONDS, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")
            return db
        except sqlite3.OperationalError:
            db.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class FairShare:
    """The budgets of one server, shared by its worker processes through ``folder/FILE_NAME``."""

    def __init__(
        self, folder: Path, seconds_per_minute: float, concurrent: int, trusted_proxies: Iterable[str] = ()
    ) -> None:
        self.path = folder / FILE_NAME  # a folder of the running server, never the store's
        self.trusted = parse_networks(trusted_proxies)  # read once, not for every query
        self.budget = seconds_per_minute
        self.rate = seconds_per_minute / 60.0
        self.concurrent = concurrent
        self.local = threading.local()
        self.checked = 0.0
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self._db() as db:
            db.executescript(SCHEMA)

    @property
    def enabled(self) -> bool:
        return self.budget > 0

    def _db(self) -> sqlite3.Connection:
        db = getattr(self.local, "db", None)
        if db is None:
            db = _open(self.path)
            self.local.db = db
        return db

    def _drained(self, db: sqlite3.Connection, client: str, now: float) -> float:
        row = db.execute("SELECT seconds, at FROM spent WHERE client = ?", (client,)).fetchone()
        return max(0.0, row[0] - (now - row[1]) * self.rate) if row else 0.0

    def _forget_dead_workers(self, db: sqlite3.Connection, now: float) -> None:
        """Queries counted as running by a worker that died are not running any more."""
        if now - self.checked < STALE_CHECK_SECONDS:
            return
        self.checked = now
        for (pid,) in db.execute("SELECT DISTINCT pid FROM running").fetchall():
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                db.execute("DELETE FROM running WHERE pid = ?", (pid,))
            except PermissionError:
                pass

    def client(self, remote: str, forwarded_for: str | None) -> str:
        """Who asks (see ``client_identity``), with this server's trusted proxies."""
        return client_identity(remote, forwarded_for, self.trusted)

    def admit(self, client: str) -> Ticket:
        """Count a query of ``client`` as running, or raise TooManyRequests."""
        now = time.time()
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            self._forget_dead_workers(db, now)
            spent = self._drained(db, client, now)
            if spent >= self.budget:
                wait = math.ceil((spent - self.budget) / self.rate) + 1
                raise TooManyRequests(
                    wait,
                    f"too many requests: this client used its {self.budget:g} s of query time per minute;"
                    f" retry in {wait} s",
                )
            (running,) = db.execute(
                "SELECT COALESCE(SUM(n), 0) FROM running WHERE client = ?", (client,)
            ).fetchone()
            if running >= self.concurrent:
                raise TooManyRequests(
                    1,
                    f"too many requests: this client has {running} queries running"
                    f" (at most {self.concurrent})",
                )
            db.execute(
                "INSERT INTO running VALUES (?, ?, 1) ON CONFLICT (client, pid) DO UPDATE SET n = n + 1",
                (client, os.getpid()),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return Ticket(client, time.monotonic())

    def release(self, ticket: Ticket) -> None:
        """The query of ``ticket`` is over: its time is spent, it runs no more."""
        now = time.time()
        elapsed = time.monotonic() - ticket.started
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            spent = self._drained(db, ticket.client, now) + elapsed
            db.execute(
                "INSERT INTO spent VALUES (?, ?, ?) ON CONFLICT (client) DO UPDATE SET seconds = ?, at = ?",
                (ticket.client, spent, now, spent, now),
            )
            db.execute(
                "UPDATE running SET n = MAX(n - 1, 0) WHERE client = ? AND pid = ?",
                (ticket.client, os.getpid()),
            )
            db.execute("DELETE FROM running WHERE n = 0")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def clients(self) -> int:
        """How many clients have spent time in the last minutes (for /health)."""
        now = time.time()
        (count,) = self._db().execute("SELECT COUNT(*) FROM spent WHERE at > ?", (now - 300,)).fetchone()
        return count
