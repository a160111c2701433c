"""The result and RDF formats, one row each, built on pyoxigraph's own format objects.

pyoxigraph's ``RdfFormat`` / ``QueryResultsFormat`` carry the name, media type, W3C IRI and
file extension; a row adds what the server promises beyond them: the ``format=`` names and
the other media types a client may ask with.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

Syntax = ox.RdfFormat | ox.QueryResultsFormat
# pyoxigraph names JSON-LD by a newer IRI; the service description keeps the one of W3C's list.
_IRIS = {"jsonld": "http://www.w3.org/ns/formats/JSON-LD"}


@dataclass(frozen=True)
class Format:
    """A format: its key, its pyoxigraph syntax (none for HTML), the names and media types that ask for it."""

    key: str
    syntax: Syntax | None
    names: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The Content-Type of a response in this format."""
        return self.syntax.media_type if self.syntax is not None else "text/html; charset=utf-8"

    @property
    def media_type(self) -> str:
        """The media type, without parameters."""
        return self.content_type.partition(";")[0]

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    @property
    def label(self) -> str:
        """The format's name for people (``Turtle``, ``RDF/XML`` …)."""
        return self.syntax.name if self.syntax is not None else "HTML"

    @property
    def iri(self) -> str:
        """The format's IRI in W3C's list (http://www.w3.org/ns/formats/)."""
        return _IRIS.get(self.key) or (self.syntax.iri if self.syntax is not None else "")

    @property
    def rdf(self) -> ox.RdfFormat:
        """The RDF syntax of a graph format."""
        if not isinstance(self.syntax, ox.RdfFormat):
            raise TypeError(f"{self.key} is not an RDF syntax")
        return self.syntax

    @property
    def results(self) -> ox.QueryResultsFormat:
        """The results syntax of a solutions format."""
        if not isinstance(self.syntax, ox.QueryResultsFormat):
            raise TypeError(f"{self.key} is not a query results syntax")
        return self.syntax


JSON = Format("json", ox.QueryResultsFormat.JSON, ("json", "srj"), ("application/json",))
XML = Format("xml", ox.QueryResultsFormat.XML, ("xml", "srx"), ("application/xml", "text/xml"))
CSV = Format("csv", ox.QueryResultsFormat.CSV, ("csv",))
TSV = Format("tsv", ox.QueryResultsFormat.TSV, ("tsv",))
TURTLE = Format("turtle", ox.RdfFormat.TURTLE, ("turtle", "ttl"), ("application/x-turtle",))
N_TRIPLES = Format("ntriples", ox.RdfFormat.N_TRIPLES, ("ntriples", "nt"), ("text/plain",))
JSON_LD = Format("jsonld", ox.RdfFormat.JSON_LD, ("jsonld", "json-ld", "json"), ("application/json",))
RDF_XML = Format("rdfxml", ox.RdfFormat.RDF_XML, ("rdfxml", "rdf", "xml"), ("application/xml", "text/xml"))
TRIG = Format("trig", ox.RdfFormat.TRIG, ("trig",))
N_QUADS = Format("nquads", ox.RdfFormat.N_QUADS, ("nquads", "nq"))
HTML = Format("html", None, ("html",), ("application/xhtml+xml",))

SOLUTION_FORMATS = (JSON, XML, CSV, TSV)
GRAPH_FORMATS = (TURTLE, N_TRIPLES, RDF_XML, JSON_LD)
DATASET_FORMATS = (TRIG, N_QUADS)
FORMATS = {f.key: f for f in (*SOLUTION_FORMATS, *GRAPH_FORMATS, *DATASET_FORMATS)}
RESULT_SYNTAXES = {f.key: f.results for f in SOLUTION_FORMATS}
GRAPH_SYNTAXES = {f.key: f.rdf for f in GRAPH_FORMATS}
