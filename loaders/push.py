"""``accords build --push URL``: copy the current build into an external SPARQL store.

Uses the SPARQL 1.1 Graph Store HTTP Protocol: one ``PUT URL?graph=IRI`` per named graph
(N-Triples), and ``PUT URL?default`` with the merge of them all (every triple once, the
inferred ones too: the default graph ``accords serve`` queries), so each graph of the target
is replaced by the build's and the target answers with its default graph as the local store
does (not with a "union default graph", which some stores, Oxigraph among them, make a bag
that repeats a triple once per graph holding it). Graphs the target holds that the build
does not are left as they are. URL is the store's Graph Store endpoint, e.g.
``http://127.0.0.1:7878/store`` for ``oxigraph serve``, ``http://host:3030/ds/data`` for
Fuseki, ``http://host:8890/sparql-graph-crud`` for Virtuoso.
"""

from __future__ import annotations

import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from accords.loaders.default_graph import merged_triples
from accords.loaders.progress import Progress
from accords.loaders.store import StoreError, open_read_only

N_TRIPLES = "application/n-triples"


def _put(url: str, body: bytes | BinaryIO, timeout: float, length: int | None = None) -> None:
    headers = {"Content-Type": N_TRIPLES}
    if length is not None:
        headers["Content-Length"] = str(length)
    request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        detail = error.read(500).decode("utf-8", "replace").strip()
        raise StoreError(f"push to {url}: HTTP {error.code} {error.reason}: {detail}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise StoreError(f"push to {url}: {reason}") from None


def _put_merge(store: ox.Store, url: str, timeout: float) -> int:
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
        _put(url, body, timeout, length)
    return count


def _triples(store: ox.Store, graph: ox.NamedNode | ox.BlankNode) -> tuple[bytes, int]:
    triples = [quad.triple for quad in store.quads_for_pattern(None, None, None, graph)]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples)


def push(root: Path, url: str, timeout: float = 60.0, progress: Progress | None = None) -> dict:
    """PUT every graph of the current build of ``root`` to the Graph Store at ``url``."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise StoreError(f"--push needs an http(s) URL of a Graph Store endpoint, not {url!r}")
    progress = progress or Progress()
    separator = "&" if "?" in url else "?"
    opened = open_read_only(root)
    store = opened.store
    graphs = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
    progress.start("pushing", len(graphs) + 1)
    merged = _put_merge(store, f"{url}{separator}default", timeout)
    progress.advance()
    triples = 0  # in the named graphs, which the default graph merges
    for graph in graphs:
        body, count = _triples(store, graph)
        _put(f"{url}{separator}graph={quote(graph.value, safe='')}", body, timeout)
        triples += count
        progress.advance()
    return {
        "build": opened.path.name,
        "graphs": len(graphs),
        "triples": triples,
        "merged": merged,
        "url": url,
    }
