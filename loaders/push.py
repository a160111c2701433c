"""``accords build --push URL``: copy the current build into an external SPARQL store.

Uses the SPARQL 1.1 Graph Store HTTP Protocol: one ``PUT URL?graph=IRI`` per named graph
(N-Triples), and ``PUT URL?default`` with the merge of them all (every triple once, the
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

import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlsplit, urlunsplit

import pyoxigraph as ox

from accords.loaders.default_graph import merged_triples
from accords.loaders.progress import Progress
from accords.loaders.store import StoreError, open_read_only

N_TRIPLES = "application/n-triples"


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

    def authorization(self, url: str) -> dict[str, str]:
        """The Digest ``Authorization`` header for a PUT to ``url``: a fresh challenge first."""
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
        header = handler.get_authorization(urllib.request.Request(url, method="PUT"), fields)
        return {"Authorization": f"Digest {header}"} if header else {}


def _put(target: Target, url: str, body: bytes | BinaryIO, timeout: float, length: int | None = None) -> None:
    headers = {"Content-Type": N_TRIPLES, **target.authorization(url)}
    if length is not None:
        headers["Content-Length"] = str(length)
    request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        detail = " ".join(error.read(500).decode("utf-8", "replace").split())
        raise StoreError(f"push to {url}: HTTP {error.code} {error.reason}: {detail}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise StoreError(f"push to {url}: {reason}") from None


def _put_merge(store: ox.Store, target: Target, url: str, timeout: float) -> int:
    """PUT the default graph: every triple once, inferred ones included; how many."""
    count = 0

    def counted() -> Iterator[ox.Triple]:
        nonlocal count
        for triple in merged_triples(store):
            count += 1
            yield triple

    with tempfile.TemporaryFile() as body:  # streamed to disk: the merge may be millions of triples
        ox.serialize(counted(), body, format=ox.RdfFormat.N_TRIPLES)
        length = body.tell()
        body.seek(0)
        _put(target, url, body, timeout, length)
    return count


def _triples(store: ox.Store, graph: ox.NamedNode | ox.BlankNode) -> tuple[bytes, int]:
    triples = [quad.triple for quad in store.quads_for_pattern(None, None, None, graph)]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples)


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
    merged = _put_merge(store, target, f"{target.url}{separator}{where}", timeout)
    progress.advance()
    triples = 0  # in the named graphs, which the default graph merges
    for graph in graphs:
        body, count = _triples(store, graph)
        _put(target, f"{target.url}{separator}graph={quote(graph.value, safe='')}", body, timeout)
        triples += count
        progress.advance()
    return {
        "build": opened.path.name,
        "graphs": len(graphs),
        "triples": triples,
        "merged": merged,
        "url": target.url,
    }
