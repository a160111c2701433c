"""``/dump.ttl``, ``/dump.trig``, ``/dump.nq.gz``: the whole store, streamed.

The dumps are written straight from a read-only handle on the current build (opened once
per build in each server process), a batch of quads at a time, so memory stays flat and
no query time limit cuts them short. Turtle merges the named graphs (each triple once);
TriG and N-Quads keep them. ``ETag`` is the build's folder name, ``Last-Modified`` its
``built_at``; ``If-None-Match`` / ``If-Modified-Since`` get ``304 Not Modified``.
Under ``accords serve --backend URL`` the same dumps are read from the backend instead
(``server.backend_dump``), with no ``ETag`` nor ``Last-Modified`` (see ``_from_backend``).
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from flask import Blueprint, Response, request
from werkzeug.http import is_resource_modified

from accords.formats import N_QUADS, TRIG, TURTLE
from accords.loaders.default_graph import merged_triples, named_quads
from accords.loaders.namespaces import RDF_PREFIXES
from accords.loaders.store import BUILD_INFO, OpenedStore, StoreError, open_read_only
from accords.server import backend_dump
from accords.server.engine.backend import BackendPool
from accords.server.engine.jobs import ExecutionError
from accords.server.problem import Problem
from accords.server.services import current_services

blueprint = Blueprint("dumps", __name__)

BATCH = 10_000  # quads serialized at a time
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Dump:
    """A dump: its RDF syntax (which names its file), gzip-compressed or not."""

    format: ox.RdfFormat
    comment: str
    merge_graphs: bool = False
    gzip: bool = False

    @property
    def key(self) -> str:
        return self.format.file_extension + (".gz" if self.gzip else "")

    @property
    def filename(self) -> str:
        return f"accords.{self.key}"

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if not self.gzip else self.media_type

    @property
    def media_type(self) -> str:
        return "application/gzip" if self.gzip else self.format.media_type


DUMPS = {
    dump.key: dump
    for dump in (
        Dump(TURTLE.rdf, "Turtle: every triple, the named graphs merged", merge_graphs=True),
        Dump(TRIG.rdf, "TriG: every named graph"),
        Dump(N_QUADS.rdf, "N-Quads, gzip-compressed: every named graph", gzip=True),
    )
}


def _opened(root: Path) -> OpenedStore:
    """A read-only handle on the store's current build, kept until the next build (a stream
    still reading the previous build keeps its own reference to it)."""
    return current_services().builds.get("dumps", lambda: open_read_only(root))


def _built_at(opened: OpenedStore) -> datetime:
    """When the build was made: ``built_at`` of build.json, else the file's time."""
    try:
        return datetime.strptime(opened.info.get("built_at", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except (ValueError, TypeError):
        return datetime.fromtimestamp(int((opened.path / BUILD_INFO).stat().st_mtime), UTC)


def _batches(items: Iterable) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _strip_prefixes(data: bytes) -> bytes:
    """A later batch without the ``@prefix`` lines the first one declared."""
    start = 0
    while data.startswith(b"@prefix ", start):
        start = data.index(b"\n", start) + 1
    return data[start:]


def serialize(items: Iterable[ox.Quad | ox.Triple], dump: Dump) -> Generator[bytes, None, None]:
    """The dump's bytes, a batch of ``items`` at a time."""
    prefixes = RDF_PREFIXES if dump.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31) if dump.gzip else None
    first = True
    for batch in _batches(items):
        data = cast(bytes, ox.serialize(batch, format=dump.format, prefixes=prefixes))  # no output: bytes
        if prefixes and not first:
            data = _strip_prefixes(data)
        first = False
        if compressor is not None:
            data = compressor.compress(data)
        if data:
            yield data
    if compressor is not None:
        yield compressor.flush()


def _from_backend(pool: BackendPool, dump: Dump, headers: dict[str, str]) -> Response:
    """The dump read from the backend (``server.backend_dump``), without ``ETag`` nor ``Last-Modified``.

    The backend has no build stamp, and its graph counts can stay the same when the data
    change, so there is no validator: every request gets the whole dump. The first batch is
    read before answering, so a backend that is down or refuses gets a 502/503; an error later
    on cuts the connection (the client sees an incomplete download, not a shorter dump).
    """
    body = serialize(backend_dump.dataset(pool, dump.merge_graphs), dump)
    try:
        first = next(body, b"")
    except ExecutionError as error:
        raise error.reworded(f"no dump: {error.message}") from None
    response = Response(itertools.chain([first], body), content_type=dump.content_type, headers=headers)
    response.call_on_close(body.close)
    return response


def _answer(key: str) -> Response:
    dump = DUMPS[key]
    services = current_services()
    headers = {
        "Cache-Control": "public, no-cache",
        "Content-Disposition": f'attachment; filename="{dump.filename}"',
        "Access-Control-Allow-Origin": "*",
    }
    if isinstance(services.executors, BackendPool):  # settings.backend: an external store
        return _from_backend(services.executors, dump, headers)
    root = services.settings.store.resolve()
    if services.builds.current() is None:
        raise Problem.unavailable(f"no store at {root}: run 'accords build' first")
    try:
        opened = _opened(root)
    except StoreError as error:
        raise Problem.unavailable(str(error)) from None
    etag = f"{opened.path.name}.{dump.key}"
    modified = _built_at(opened)
    if not is_resource_modified(request.environ, etag=etag, last_modified=modified):
        response = Response(status=304, headers=headers)
    else:
        store = opened.store
        items = merged_triples(store) if dump.merge_graphs else named_quads(store)
        response = Response(serialize(items, dump), content_type=dump.content_type, headers=headers)
    response.set_etag(etag)
    response.last_modified = modified
    return response


@blueprint.get("/dump.ttl")
def turtle() -> Response:
    return _answer("ttl")


@blueprint.get("/dump.trig")
def trig() -> Response:
    return _answer("trig")


@blueprint.get("/dump.nq.gz")
def nquads() -> Response:
    return _answer("nq.gz")
