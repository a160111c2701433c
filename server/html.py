"""What the HTML pages share: security headers, RDF terms for templates, links for IRIs.

Pages hold no script and no inline style: the Content-Security-Policy allows only the
site's own stylesheet and images. Public IRIs (``settings.public_base`` + ``id/…``,
``topic/…``, ``graph/…``, ``ontology``) are linked to this server's own paths, so that a
reader can click through whatever host serves the pages; the RDF keeps the public IRIs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, has_request_context, render_template, request

from accords.loaders.namespaces import PREFIXES
from accords.server.problem import reason_phrase
from accords.server.services import current_services

blueprint = Blueprint(
    "site",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/site",
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
# Prefixes for showing IRIs short: the project's, and the vocabularies its ontology aligns to.
DISPLAY_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "foaf": "http://xmlns.com/foaf/0.1/",
    "lkif": "http://www.estrellaproject.org/lkif-core/norm.owl#",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}
# Paths under the public base that this server answers (see server.linked_data).
LOCAL_PREFIXES = ("id/", "topic/", "graph/")
LOCAL_DOCUMENTS = ("ontology", "void")
LABEL_LANGUAGES = ("en", "", "fr")
_LOCAL_NAME = re.compile(r"^[\w.\-/]*$")


@dataclass(frozen=True)
class Term:
    """An RDF term as the templates see it (from SPARQL JSON results or pyoxigraph)."""

    kind: str  # "iri", "bnode" or "literal"
    value: str
    language: str | None = None
    datatype: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"

    @property
    def is_literal(self) -> bool:
        return self.kind == "literal"

    @property
    def is_wikidata(self) -> bool:
        return self.kind == "iri" and self.value.startswith(WIKIDATA_ENTITY)

    @property
    def wikidata_id(self) -> str:
        return self.value[len(WIKIDATA_ENTITY) :] if self.is_wikidata else ""

    @property
    def shown_datatype(self) -> str | None:
        """The datatype worth showing: none for plain and language-tagged strings."""
        if self.kind != "literal" or self.datatype in (None, XSD_STRING, RDF_LANG_STRING):
            return None
        return curie(self.datatype) or self.datatype

    @classmethod
    def from_json(cls, data: dict) -> Term:
        """A term of the SPARQL 1.1 Query Results JSON format."""
        kind = data.get("type")
        if kind == "uri":
            return cls("iri", data["value"])
        if kind == "bnode":
            return cls("bnode", data["value"])
        if kind == "triple":
            return cls("literal", str(data["value"]))
        return cls("literal", data["value"], data.get("xml:lang"), data.get("datatype"))

    @classmethod
    def from_ox(cls, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Term:
        if isinstance(term, ox.NamedNode):
            return cls("iri", term.value)
        if isinstance(term, ox.BlankNode):
            return cls("bnode", term.value)
        return cls("literal", term.value, term.language, term.datatype.value)


# --------------------------------------------------------------------------- IRIs and paths


def public_base() -> str:
    """The configured public base, always ending with a slash."""
    base = current_services().settings.public_base
    return base if base.endswith("/") else base + "/"


def public_iri(path: str) -> str:
    """The public IRI of a local path such as ``id/state/mali`` (no leading slash)."""
    return public_base() + path


def local_path(value: str) -> str | None:
    """This server's path for a public IRI it serves, else None."""
    base = public_base()
    if not value.startswith(base):
        return None
    rest = value[len(base) :]
    document, hash_, _ = rest.partition("#")
    prefix = next((p for p in LOCAL_PREFIXES if rest.startswith(p)), None)
    if document in LOCAL_DOCUMENTS or (prefix and not hash_ and len(rest) > len(prefix)):
        root = request.script_root.rstrip("/") if has_request_context() else ""
        return f"{root}/{rest}"
    return None


def href(value: str) -> str | None:
    """Where a link to an IRI goes: this server for its own IRIs, else the IRI (http/https only)."""
    local = local_path(value)
    if local is not None:
        return local
    return value if value.startswith(("http://", "https://")) else None


def curie(value: str) -> str | None:
    """``acc:party`` for a known namespace, else None."""
    best = None
    for prefix, namespace in DISPLAY_PREFIXES.items():
        if value.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    if best is None:
        return None
    local = value[len(best[1]) :]
    return f"{best[0]}:{local}" if _LOCAL_NAME.match(local) else None


def short(value: str) -> str:
    """An IRI as shown when it has no label."""
    return curie(value) or value


def pick_label(labels: Iterable[Term], languages: tuple[str, ...] = LABEL_LANGUAGES) -> str | None:
    """The label to show: English, then untagged, then French, then any."""
    labels = [label for label in labels if label.is_literal]
    for language in languages:
        for label in labels:
            if (label.language or "") == language:
                return label.value
    return labels[0].value if labels else None


# --------------------------------------------------------------------------- responses


def page(template: str, code: int = 200, headers: dict | None = None, **context: object) -> Response:
    """A rendered page (status ``code``), with a policy that allows no script at all.

    The other security headers are the application's (``server.security``).
    """
    body = render_template(template, **context)
    response = Response(body, status=code, mimetype="text/html")
    response.headers.update(headers or {})
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response


def error_page(status: int, message: str, headers: dict | None = None) -> Response:
    """An error as a page, for a browser."""
    phrase = reason_phrase(status)
    return page("error.html", status, headers, status=status, phrase=phrase, message=message)


def link_header(links: Iterable[tuple[str, str, str | None]]) -> str:
    """A ``Link`` header from (target, rel, media type) triples."""
    parts = []
    for target, rel, media_type in links:
        part = f'<{target}>; rel="{rel}"'
        if media_type:
            part += f'; type="{media_type}"'
        parts.append(part)
    return ", ".join(parts)


@blueprint.app_template_global("href")
def _href(term: Term | str) -> str | None:
    value = term.value if isinstance(term, Term) else term
    if isinstance(term, Term) and not term.is_iri:
        return None
    return href(value)


@blueprint.app_template_global("short")
def _short(term: Term | str) -> str:
    value = term.value if isinstance(term, Term) else term
    return short(value)


blueprint.add_app_template_global(public_iri, "public_iri")
