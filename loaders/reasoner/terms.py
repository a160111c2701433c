"""RDF terms as N-Triples strings: the form the fast reasoner works on.

A term is the string N-Triples writes for it (``<iri>``, ``_:label``, ``"text"``,
``"text"@en``, ``"1"^^<…#integer>``), escaped as pyoxigraph writes it, so the strings read
back from a store's N-Quads dump are the same as those made here from rdflib terms. Strings
hash and compare in C, so sets of such triples are cheap; the kind of a term is its first
character.
"""

from __future__ import annotations

import re

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

Triple = tuple[str, str, str]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_ESCAPES.update({chr(c): f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if chr(c) not in _ESCAPES})
_NEEDS_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f]')
_UNESCAPE = re.compile(r'\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[\\"nrtbf])')
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "\\": "\\"}


def iri(value: str) -> str:
    return f"<{value}>"


def rdf(name: str) -> str:
    return f"<{RDF}{name}>"


def rdfs(name: str) -> str:
    return f"<{RDFS}{name}>"


def owl(name: str) -> str:
    return f"<{OWL}{name}>"


def quote(lexical: str) -> str:
    """``lexical`` between double quotes, escaped the way pyoxigraph writes N-Triples."""
    if _NEEDS_ESCAPE.search(lexical):
        lexical = _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], lexical)
    return f'"{lexical}"'


def unquote(quoted: str) -> str:
    body = quoted[1:-1]
    if "\\" not in body:
        return body

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        return _SIMPLE[code] if len(code) == 1 else chr(int(code[1:], 16))

    return _UNESCAPE.sub(replace, body)


def to_key(term: Node) -> str:
    """The N-Triples string of an rdflib term (one string per distinct rdflib term)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = quote(str(term))
        if term.language:
            return f"{text}@{term.language.lower()}"
        if term.datatype is not None:
            return f"{text}^^<{term.datatype}>"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"not an RDF term: {term!r}")


def literal_parts(key: str) -> tuple[str, str | None, str | None]:
    """Lexical form, language and datatype IRI of a literal's string."""
    end = key.rindex('"')
    lexical = unquote(key[: end + 1])
    rest = key[end + 1 :]
    if rest.startswith("@"):
        return lexical, rest[1:], None
    if rest.startswith("^^<"):
        return lexical, None, rest[3:-1]
    return lexical, None, None


def from_key(key: str) -> Node:
    """The rdflib term of an N-Triples string made by ``to_key`` (or written by pyoxigraph)."""
    first = key[0]
    if first == "<":
        return URIRef(key[1:-1])
    if first == "_":
        return BNode(key[2:])
    lexical, language, datatype = literal_parts(key)
    return Literal(lexical, lang=language, datatype=URIRef(datatype) if datatype else None, normalize=False)


def is_literal(key: str) -> bool:
    return key[0] == '"'
