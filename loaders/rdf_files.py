"""Read an RDF file as-is (any syntax pyoxigraph knows), for ``accords build --graph``."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from accords.loaders.errors import InputError
from accords.loaders.xml_safety import check_xml_entities


def read_rdf_file(path: Path, graph: str) -> list[ox.Quad]:
    """All triples of ``path`` as quads of ``graph``; InputError with the line on bad syntax."""
    extension = path.suffix.lstrip(".").lower()
    rdf_format = ox.RdfFormat.from_extension(extension)
    if rdf_format is None:
        raise InputError(path, f"unknown RDF file extension {path.suffix!r} (use .ttl, .nt, .rdf, .jsonld …)")
    if rdf_format.supports_datasets:
        raise InputError(path, "a dataset file (TriG, N-Quads) cannot go into one named graph")
    name = ox.NamedNode(graph)
    try:
        if rdf_format == ox.RdfFormat.RDF_XML:  # no billion laughs: see loaders.xml_safety
            data = path.read_bytes()
            check_xml_entities(path, data)
            triples = ox.parse(data, format=rdf_format, base_iri=path.resolve().as_uri())
            return [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
        with path.open("rb") as handle:
            triples = ox.parse(handle, format=rdf_format, base_iri=path.resolve().as_uri())
            return [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror}") from error
    except SyntaxError as error:
        message = str(error).split(" (line")[0]
        raise InputError(path, message, error.lineno) from None
