"""A cache of complete query results, and the ETag that lets clients revalidate them.

A build is immutable (``var/builds/<stamp>``; ``var/current`` is repointed by a new
build), so a deterministic query over one build always gives the same bytes. The key is
the query text (without surrounding whitespace), the result format, the dataset, ``infer``, ``entailment``,
the result limits and the build; the ETag is a hash of that key, so a client's
``If-None-Match`` is answered with 304 without running the query at all.

Not cached: results cut short (``Accords-Truncated``) or streamed (past the pool's
held bytes), federated queries (SERVICE reads data that is not in the build), and queries
whose result changes between runs (NOW, RAND, UUID, STRUUID, BNODE). The cache holds at
most ``result_cache_bytes`` of results per server worker, least recently used out first.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

_VOLATILE = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(|\bSERVICE\b", re.IGNORECASE)


@dataclass(frozen=True)
class CacheKey:
    """Everything a result depends on, given an immutable build."""

    query: str
    format: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    infer: bool
    full_entailment: bool
    base_iri: str | None
    max_rows: int
    max_bytes: int
    build: str

    @property
    def etag(self) -> str:
        """A strong ETag: the hash of the key (quoted, as RFC 9110 wants)."""
        digest = hashlib.sha256(repr(self).encode("utf-8")).hexdigest()[:32]
        return f'"{digest}"'


def cacheable(query: str, federated: bool) -> bool:
    """Whether the result of ``query`` depends only on the build."""
    return not federated and _VOLATILE.search(query) is None


def normalized(query: str) -> str:
    """The query text as keyed: surrounding whitespace does not change a result."""
    return query.strip()


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, or ``*``)."""
    if not header:
        return False
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False


@dataclass(frozen=True)
class Entry:
    body: bytes
    content_type: str
    summary: dict


class ResultCache:
    """A byte-bounded LRU map from CacheKey to a complete result; thread-safe."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[CacheKey, Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.not_modified = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @staticmethod
    def _cost(key: CacheKey, entry: Entry) -> int:
        return len(entry.body) + len(key.query) + 256

    def get(self, key: CacheKey) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: CacheKey, entry: Entry) -> bool:
        """Keep ``entry`` unless it alone is larger than a quarter of the cache."""
        cost = self._cost(key, entry)
        if not self.enabled or cost > self.max_bytes // 4:
            return False
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= self._cost(key, old)
            self._entries[key] = entry
            self._size += cost
            while self._size > self.max_bytes and self._entries:
                dropped_key, dropped = self._entries.popitem(last=False)
                self._size -= self._cost(dropped_key, dropped)
        return True

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {
                "entries": len(self._entries),
                "bytes": self._size,
                "max_bytes": self.max_bytes,
                "hits": self.hits,
                "misses": self.misses,
                "not_modified": self.not_modified,
            }
