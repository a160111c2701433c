"""``accords build --push URL``: copy the current build into an external SPARQL store.

Uses the SPARQL 1.1 Graph Store HTTP Protocol: one ``PUT URL?graph=IRI`` per named graph
(N-Triples; a large graph is PUT in chunks, the first replacing it, the others POSTed to it),
and ``PUT URL?default`` with the merge of them all (every triple once, the
inferred ones too: the default graph ``accords serve`` queries), so each graph of the target
is replaced by the build's and the target answers with its default graph as the local store
does (not with a "union default graph", which some stores, Oxigraph among them, make a bag
that repeats a triple once per graph holding it). Graphs the target holds that the build
does not are left as they are. URL is the store's Graph Store endpoint, e.g.
``http://127.0.0.1:7878/store`` for ``oxigraph serve``, ``http://host:3030/ds/data`` for
Fuseki, ``http://dba:PASSWORD@host:8890/sparql-graph-crud-auth`` for Virtuoso.

A store with no default graph of its own (Virtuoso: its default graph is the union of all its
graphs, a triple once per graph holding it) gets the merge in the named graph
``backend_default_graph`` instead, which ``accords serve --backend`` then names as the
default graph of every query. A user and password in the URL are sent with HTTP Digest
authentication (Virtuoso's ``/sparql-graph-crud-auth`` asks for it), never printed.
"""

from __future__ import annotations

import itertools
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pyoxigraph as ox

from accords.loaders.default_graph import merged_triples
from accords.loaders.progress import Progress
from accords.loaders.store import StoreError, open_read_only

N_TRIPLES = "application/n-triples"
CHUNK_TRIPLES = 50_000  # triples per request: PUT the first chunk of a graph, POST the rest
DEADLOCK_RETRIES = 3


class Target:
    """A Graph Store endpoint: its URL without credentials, and the user and password if any."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise StoreError(f"--push needs an http(s) URL of a Graph Store endpoint, not {parts.scheme!r}")
        netloc = parts.hostname or ""
        netloc = f"[{netloc}]" if ":" in netloc else netloc
        self.url = urlunsplit(parts._replace(netloc=netloc + (f":{parts.port}" if parts.port else "")))
        self.user, self.password = parts.username, parts.password or ""

    def authorization(self, url: str, method: str) -> dict[str, str]:
        """The Digest ``Authorization`` header for ``method`` on ``url``: a fresh challenge first."""
        if self.user is None:
            return {}
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=30):
                return {}  # no authentication asked for
        except urllib.error.HTTPError as error:
            challenge = error.headers.get("WWW-Authenticate", "")
            if error.code != 401 or not challenge.lower().startswith("digest "):
                return {}
        except (urllib.error.URLError, OSError) as error:
            raise StoreError(f"push to {self.url}: {getattr(error, 'reason', error)}") from None
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, self.user, self.password)
        handler = urllib.request.HTTPDigestAuthHandler(passwords)
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge[7:]))
        header = handler.get_authorization(urllib.request.Request(url, method=method), fields)
        return {"Authorization": f"Digest {header}"} if header else {}


def _send(target: Target, url: str, method: str, body: bytes, timeout: float) -> None:
    """One PUT or POST of N-Triples; a transaction the store reports deadlocked is sent again."""
    for attempt in range(DEADLOCK_RETRIES + 1):
        headers = {"Content-Type": N_TRIPLES, **target.authorization(url, method)}
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
            return
        except urllib.error.HTTPError as error:
            detail = " ".join(error.read(500).decode("utf-8", "replace").split())
            if "deadlock" in detail.lower() and attempt < DEADLOCK_RETRIES:  # rolled back: safe to resend
                time.sleep(1 + attempt)
                continue
            raise StoreError(f"push to {url}: HTTP {error.code} {error.reason}: {detail[-300:]}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise StoreError(f"push to {url}: {reason}") from None


def _put_graph(target: Target, url: str, triples: Iterable[ox.Triple], timeout: float) -> int:
    """Replace the graph at ``url`` by ``triples``: a PUT of the first chunk, POSTs of the others.

    Chunks of CHUNK_TRIPLES keep each request one modest transaction (Virtuoso deadlocks
    loading hundreds of thousands of triples in one). How many triples were sent.
    """
    count, method, pending = 0, "PUT", iter(triples)
    while chunk := list(itertools.islice(pending, CHUNK_TRIPLES)):
        _send(target, url, method, ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b"", timeout)
        count, method = count + len(chunk), "POST"
    if method == "PUT":  # an empty graph: still replaced
        _send(target, url, "PUT", b"", timeout)
    return count


def push(
    root: Path,
    url: str,
    timeout: float = 600.0,
    progress: Progress | None = None,
    default_graph: str = "",
) -> dict:
    """PUT every graph of the current build of ``root`` to the Graph Store at ``url``.

    The merge goes to the store's default graph, or to the named graph ``default_graph``.
    """
    target = Target(url)
    progress = progress or Progress()
    separator = "&" if "?" in target.url else "?"
    opened = open_read_only(root)
    store = opened.store
    graphs = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
    if default_graph and default_graph in {g.value for g in graphs}:
        raise StoreError(f"backend_default_graph {default_graph} is a graph of the build: choose another IRI")
    progress.start("pushing", len(graphs) + 1)
    where = f"graph={quote(default_graph, safe='')}" if default_graph else "default"
    merged = _put_graph(target, f"{target.url}{separator}{where}", merged_triples(store), timeout)
    progress.advance()
    triples = 0  # in the named graphs, which the default graph merges
    for graph in graphs:
        quads = store.quads_for_pattern(None, None, None, graph)
        address = f"{target.url}{separator}graph={quote(graph.value, safe='')}"
        triples += _put_graph(target, address, (quad.triple for quad in quads), timeout)
        progress.advance()
    return {
        "build": opened.path.name,
        "graphs": len(graphs),
        "triples": triples,
        "merged": merged,
        "url": target.url,
    }
