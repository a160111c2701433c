"""Dereferenceable IRIs: ``/id/…``, ``/topic/…`` and ``/graph/…`` of the public base.

``https://w3id.org/accords/id/state/mali`` is answered on ``/id/state/mali`` (the base is
``settings.public_base``). By content negotiation, or the ``format`` parameter:

* an HTML page for a browser: labels, types, every property with links, incoming links,
  the quotes that support the facts with their source, inferred facts marked as such,
  links to Wikidata;
* RDF (Turtle, JSON-LD, N-Triples, RDF/XML): the resource's triples from every graph and
  the triples that point to it (``infer=false`` leaves out the inferred graph).

Every query goes through the query processes (``server.engine.pool``), so the time limit
applies. Unknown IRIs get 404.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response

from accords.formats import HTML, Format
from accords.loaders.namespaces import RDF_PREFIXES
from accords.server.html import page, public_iri
from accords.server.linked_data.common import (
    RDF_TYPE,
    VOID,
    XSD,
    alternates,
    construct,
    format_links,
    local_path,
    negotiate,
    not_found,
    rdf_response,
    wants_inferred,
)
from accords.server.linked_data.describe import describe
from accords.server.services import current_services

blueprint = Blueprint("linked_data", __name__)

DESCRIBE_QUERY = "CONSTRUCT {{ {r} ?p ?o . ?s ?q {r} }} WHERE {{ {{ {r} ?p ?o }} UNION {{ ?s ?q {r} }} }}"


def graph_facts(node: ox.NamedNode) -> list[ox.Triple]:
    """What VoID says of a named graph of the store (a ``void:Dataset`` and its size); else nothing."""
    size = current_services().builds.statistics()["graphs"].get(node.value)
    if size is None:
        return []
    count = ox.Literal(str(size), datatype=ox.NamedNode(XSD + "integer"))
    return [
        ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(VOID + "Dataset")),
        ox.Triple(node, ox.NamedNode(VOID + "triples"), count),
    ]


def resource(path: str) -> Response:
    """The resource whose public IRI is the public base + ``path``."""
    fmt = negotiate()
    value = public_iri(path)
    try:
        node = ox.NamedNode(value)
    except ValueError:
        raise not_found(value) from None
    here = local_path(path)
    headers = alternates(here, value)
    extra = graph_facts(node) if path.startswith("graph/") else []
    if fmt is HTML:
        description = describe(node, extra)
        if description is None:
            raise not_found(value)
        return page(
            "resource.html",
            headers=headers,
            d=description,
            formats=format_links(here),
            title=description.label,
        )
    query = DESCRIBE_QUERY.format(r=str(node))
    if extra:
        return graph_response(extra + construct(query, infer=wants_inferred()), fmt, headers)
    response = rdf_response(query, fmt, headers, infer=wants_inferred())
    if response is None:
        raise not_found(value)
    return response


def graph_response(triples: list[ox.Triple], fmt: Format, headers: dict) -> Response:
    """A named graph's description (a few triples) in ``fmt``."""
    prefixes = {**RDF_PREFIXES, "void": VOID}
    body = ox.serialize(triples, format=fmt.rdf, prefixes=prefixes)
    return Response(
        body, content_type=fmt.content_type, headers={**headers, "Access-Control-Allow-Origin": "*"}
    )


@blueprint.get("/id/<path:rest>")
def identified(rest: str) -> Response:
    return resource("id/" + rest)


@blueprint.get("/topic/<path:rest>")
def topic(rest: str) -> Response:
    return resource("topic/" + rest)


@blueprint.get("/graph/<path:rest>")
def graph(rest: str) -> Response:
    return resource("graph/" + rest)
