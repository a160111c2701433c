"""What the linked-data views share: negotiation, ``Link`` headers, running a query, a cache per build.

Every query goes through the query processes (``server.engine.pool``), so the time limit applies.
"""

from __future__ import annotations

import errno
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pyoxigraph as ox
from flask import Response, g, request

from accords.formats import GRAPH_FORMATS, HTML, Format
from accords.server.engine.jobs import Answer, ExecutionError, Job, StreamAborted
from accords.server.html import Term, link_header
from accords.server.negotiation import choose, prefers_html
from accords.server.problem import Problem
from accords.server.services import current_services

logger = logging.getLogger("accords.server")

PAGE_OFFERS: tuple[Format, ...] = (HTML, *GRAPH_FORMATS)
FALSE_VALUES = {"false", "0", "no", "off"}

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
VOID = "http://rdfs.org/ns/void#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = RDF + "type"
LABELS = (RDFS + "label", SKOS + "prefLabel")
DESCRIPTIONS = (RDFS + "comment", SKOS + "definition")
MATCHES = {
    SKOS + "exactMatch": "same as",
    OWL + "sameAs": "same as",
    SKOS + "closeMatch": "close to",
    SKOS + "relatedMatch": "related to",
    SKOS + "broadMatch": "broader than",
    SKOS + "narrowMatch": "narrower than",
}


# --------------------------------------------------------------------------- negotiation


def negotiate(offers: tuple[Format, ...] = PAGE_OFFERS) -> Format:
    """The format to answer in (406 if none): ``format`` if given, HTML for a browser, else the best RDF.

    Once HTML is chosen, the request's errors are pages too (``server.errors``).
    """
    fmt = _chosen(offers)
    if fmt is None:
        names = ", ".join(f"{fmt.media_type} (format={fmt.names[0]})" for fmt in offers)
        raise Problem.not_acceptable(f"this resource is available as {names}")
    g.as_page = fmt is HTML
    return fmt


def _chosen(offers: tuple[Format, ...]) -> Format | None:
    accept = request.accept_mimetypes
    name = request.args.get("format")
    if name:
        return choose(offers, accept, name)
    machine = tuple(fmt for fmt in offers if fmt is not HTML)
    if HTML in offers and prefers_html(accept, machine):
        return HTML
    return choose(machine, accept, None)


def alternates(path: str, canonical: str | None, offers: tuple[Format, ...] = PAGE_OFFERS) -> dict:
    """``Link`` and ``Vary`` headers: every format of the resource, and its public IRI."""
    links: list[tuple[str, str, str | None]] = [(iri, "canonical", None) for iri in [canonical] if iri]
    links += [(f"{path}?format={fmt.names[0]}", "alternate", fmt.media_type) for fmt in offers]
    return {"Link": link_header(links), "Vary": "Accept"}


def format_links(path: str, offers: tuple[Format, ...] = GRAPH_FORMATS) -> list[dict]:
    """The RDF formats of a page, for its links."""
    return [
        {"name": fmt.label, "href": f"{path}?format={fmt.names[0]}", "type": fmt.media_type} for fmt in offers
    ]


def wants_inferred() -> bool:
    return request.args.get("infer", "true").strip().lower() not in FALSE_VALUES


def not_found(iri: str) -> Problem:
    return Problem.not_found(f"nothing is known about <{iri}> in this graph")


def local_path(path: str) -> str:
    """``/id/state/mali`` for ``id/state/mali``, under the application's mount point."""
    return f"{request.script_root.rstrip('/')}/{path}"


# --------------------------------------------------------------------------- queries


def _job(query: str, fmt: str, **dataset: Any) -> Job:
    settings = current_services().settings
    return Job(
        query=query,
        format=fmt,
        max_rows=settings.max_result_rows,
        max_bytes=settings.max_result_bytes,
        **dataset,
    )


def _all_bytes(answer: Answer) -> bytes:
    try:
        return b"".join(answer.chunks())
    except StreamAborted as error:
        raise ExecutionError.unavailable(str(error)) from None


def select(query: str, **dataset: Any) -> list[dict[str, Term]]:
    """The solutions of a SELECT query, run by a query process within the time limit."""
    answer = current_services().executors.run(_job(query, "json", **dataset))
    results = json.loads(_all_bytes(answer))
    return [
        {name: Term.from_json(value) for name, value in binding.items()}
        for binding in results["results"]["bindings"]
    ]


def construct(query: str, **dataset: Any) -> list[ox.Triple]:
    """The triples of a CONSTRUCT query, run by a query process within the time limit."""
    answer = current_services().executors.run(_job(query, "ntriples", **dataset))
    return list(ox.parse(_all_bytes(answer), ox.RdfFormat.N_TRIPLES))


def rdf_response(query: str, fmt: Format, headers: dict, **dataset: Any) -> Response | None:
    """A CONSTRUCT query's result in ``fmt``, streamed when large; None when it is empty."""
    answer = current_services().executors.run(_job(query, fmt.key, **dataset))
    headers = {**headers, "Access-Control-Allow-Origin": "*"}
    if not answer.complete:
        return Response(_stream(answer), content_type=fmt.content_type, headers=headers)
    if not answer.summary.get("rows"):
        return None
    if answer.summary.get("truncated"):
        headers["Accords-Truncated"] = answer.summary["truncated"]
    return Response(answer.first, content_type=fmt.content_type, headers=headers)


def _stream(answer: Answer) -> Iterator[bytes]:
    """The chunks of a long result; one cut short closes the connection (see server.sparql)."""
    try:
        yield from answer.chunks()
    except StreamAborted as error:
        logger.warning("result cut short: %s", error)
        raise BrokenPipeError(errno.EPIPE, f"result cut short: {error}") from None


T = TypeVar("T")


def per_build(name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per build of the store, in this server process."""
    return current_services().builds.get(name, compute)
