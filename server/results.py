"""Serialize query results as they are produced, within a row and a byte limit.

Solutions (SELECT) are written row by row here, so that a limit closes a valid document
(in JSON, a result short enough to stay under both limits is written whole by pyoxigraph, the
same bytes, see ``json_document``); graphs (CONSTRUCT, DESCRIBE) go through pyoxigraph's
streaming serializers; booleans (ASK) through pyoxigraph's result serializers. When a limit
is reached the document is closed early and the caller is told which limit it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Protocol, cast
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from accords.formats import GRAPH_SYNTAXES, RESULT_SYNTAXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# pyoxigraph writes a JSON result of at most this many bytes whole (json_document); a longer one
# is written row by row, within the limits.
WHOLE_JSON_BYTES = 256 * 1024
_json_string = json.encoder.encode_basestring  # a JSON string, non-ASCII kept (C, as json.dumps uses)


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
# Characters XML 1.0 cannot carry, not even as a character reference.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class UnrepresentableResult(ValueError):
    """A result the chosen format cannot carry: the client should ask for another (406)."""


def _xml_text(text: str) -> str:
    """``text`` escaped for XML; refused when it holds a character XML 1.0 cannot carry."""
    bad = _NOT_XML.search(text)
    if bad is not None:
        raise UnrepresentableResult(
            f"the result holds the character U+{ord(bad.group()):04X}, which XML 1.0 cannot carry: "
            "ask for JSON, CSV, TSV, Turtle or N-Triples instead"
        )
    return escape(text)


class Output(Protocol):
    """Where serialized bytes go; ``written`` counts them."""

    written: int

    def write(self, data: bytes) -> int: ...

    def flush(self) -> None: ...


@dataclass(frozen=True)
class Written:
    """What was sent: how many rows (solutions or triples) and which limit cut it short."""

    rows: int
    truncated: str | None = None


def write_results(
    result: ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple],
    key: str,
    out: Output,
    max_rows: int,
    max_bytes: int,
    prefixes: dict[str, str],
) -> Written:
    """Serialize ``result`` in the format ``key`` to ``out`` (graphs with ``prefixes``)."""
    if isinstance(result, ox.QueryBoolean):
        out.write(cast(bytes, result.serialize(format=RESULT_SYNTAXES[key])))  # no output: bytes
        return Written(rows=1)
    if isinstance(result, ox.QuerySolutions):
        return _write_solutions(result, SOLUTION_WRITERS[key], out, max_rows, max_bytes)
    return _write_triples(result, GRAPH_SYNTAXES[key], out, max_rows, max_bytes, prefixes)


def _write_solutions(
    solutions: ox.QuerySolutions,
    writer: type[_SolutionWriter],
    out: Output,
    max_rows: int,
    max_bytes: int,
) -> Written:
    names = [variable.value for variable in solutions.variables]
    document = writer(names)
    tail = document.tail()
    out.write(document.head())
    rows = 0
    truncated = None
    for solution in solutions:
        if rows >= max_rows:
            truncated = "rows"
            break
        row = document.row(list(solution))
        if out.written + len(row) + len(tail) > max_bytes:
            truncated = "bytes"
            break
        out.write(row)
        rows += 1
    out.write(tail)
    return Written(rows, truncated)


def _write_triples(
    triples: Iterable[ox.Triple],
    fmt: ox.RdfFormat,
    out: Output,
    max_rows: int,
    max_bytes: int,
    prefixes: dict[str, str],
) -> Written:
    rows, truncated = 0, cast(str | None, None)
    xml = fmt == ox.RdfFormat.RDF_XML

    def limited() -> Iterator[ox.Triple]:
        nonlocal rows, truncated
        for triple in triples:
            if xml:
                _xml_term(triple)  # refuses what XML cannot carry
            if rows >= max_rows:
                truncated = "rows"
                return
            if out.written >= max_bytes:  # the serializer buffers: a soft limit
                truncated = "bytes"
                return
            rows += 1
            yield triple

    ox.serialize(limited(), cast(IO[bytes], out), fmt, prefixes=prefixes)  # Output: what it calls
    return Written(rows, truncated)


class _Longer(Exception):
    """A document grew past the bytes it was allowed."""


class _Bounded:
    """A binary writer that keeps at most ``limit`` bytes and raises _Longer past them."""

    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _Longer
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered here."""


def json_document(solutions: ox.QuerySolutions, max_rows: int, max_bytes: int) -> tuple[bytes, int] | None:
    """pyoxigraph's SPARQL JSON document of ``solutions`` and its rows, when it is short enough
    to be under both limits; None when it is longer (``solutions`` are then partly consumed).

    Byte for byte what the row-by-row writer gives. Short enough: at most WHOLE_JSON_BYTES and
    ``max_bytes``, and fewer than ``3 * max_rows`` bytes, since each row takes at least three
    (``{}`` and a comma), so a document that short has at most ``max_rows`` rows.
    """
    limit = min(WHOLE_JSON_BYTES, max_bytes, 3 * max_rows - 1)
    out = _Bounded(limit)
    try:
        solutions.serialize(cast(IO[bytes], out), ox.QueryResultsFormat.JSON)  # _Bounded: what it calls
    except _Longer:
        return None
    document = b"".join(out.parts)
    return document, len(json.loads(document)["results"]["bindings"])


class _Memo:
    """Serialized terms, remembered: results repeat the same terms over and over."""

    LIMIT = 50_000

    def __init__(self, serialize: Callable[[Term], str]):
        self.serialize = serialize
        self.known: dict[Term, str] = {}

    def get(self, term: Term) -> str:
        text = self.known.get(term)
        if text is None:
            text = self.serialize(term)
            if len(self.known) < self.LIMIT:
                self.known[term] = text
        return text


class _SolutionWriter:
    """One solution document: head, rows, tail."""

    def __init__(self, names: list[str]):
        self.names = names
        self.first = True

    def head(self) -> bytes:
        raise NotImplementedError

    def row(self, values: list[Term | None]) -> bytes:
        raise NotImplementedError

    def tail(self) -> bytes:
        raise NotImplementedError


def _json_term_text(term: Term) -> str:
    """A term in the SPARQL 1.1 (and 1.2) JSON results format, as compact JSON text.

    Written directly: json.dumps with options builds an encoder per call, which cost more than
    evaluating a small query."""
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _json_string(term.value) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _json_string(term.value) + "}"
    if isinstance(term, ox.Literal):
        text = '{"type":"literal","value":' + _json_string(term.value)
        if term.language:
            text += ',"xml:lang":' + _json_string(term.language)
            if term.direction is not None:
                text += ',"its:dir":' + _json_string(str(term.direction))
        elif term.datatype.value != XSD_STRING:
            text += ',"datatype":' + _json_string(term.datatype.value)
        return text + "}"
    return (
        '{"type":"triple","value":{"subject":' + _json_term_text(term.subject)
        + ',"predicate":' + _json_term_text(term.predicate)
        + ',"object":' + _json_term_text(term.object) + "}}"
    )  # fmt: skip


class _JsonWriter(_SolutionWriter):
    def __init__(self, names: list[str]):
        super().__init__(names)
        self.keys = [json.dumps(name) + ":" for name in names]
        self.terms = _Memo(_json_term_text)

    def head(self) -> bytes:
        names = json.dumps(self.names, ensure_ascii=False, separators=(",", ":"))
        return b'{"head":{"vars":%s},"results":{"bindings":[' % names.encode()

    def row(self, values: list[Term | None]) -> bytes:
        term = self.terms.get
        binding = ",".join(k + term(v) for k, v in zip(self.keys, values, strict=True) if v is not None)
        separator = "{" if self.first else ",{"
        self.first = False
        return (separator + binding + "}").encode()

    def tail(self) -> bytes:
        return b"]}}"


def _xml_term(term: Term) -> str:
    """A term in the SPARQL XML results format."""
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            direction = "" if term.direction is None else f" its:dir={quoteattr(str(term.direction))}"
            attributes = f" xml:lang={quoteattr(term.language)}{direction}"
        elif term.datatype.value != XSD_STRING:
            attributes = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attributes = ""
        return f"<literal{attributes}>{_xml_text(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


class _XmlWriter(_SolutionWriter):
    def __init__(self, names: list[str]):
        super().__init__(names)
        self.starts = [f"<binding name={quoteattr(name)}>" for name in names]
        self.terms = _Memo(_xml_term)

    def head(self) -> bytes:
        variables = "".join(f"<variable name={quoteattr(n)}/>" for n in self.names)
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"'
            ' xmlns:its="http://www.w3.org/2005/11/its">'
            f"<head>{variables}</head><results>"
        ).encode()

    def row(self, values: list[Term | None]) -> bytes:
        term = self.terms.get
        bindings = "".join(
            f"{start}{term(v)}</binding>"
            for start, v in zip(self.starts, values, strict=True)
            if v is not None
        )
        return f"<result>{bindings}</result>".encode()

    def tail(self) -> bytes:
        return b"</results></sparql>\n"


def _plain(term: Term) -> str:
    """A term as CSV shows it: no quotes, datatypes or languages."""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return " ".join(_plain(t) for t in (term.subject, term.predicate, term.object))


def _csv_field(term: Term) -> str:
    """A CSV field, quoted when it must be."""
    text = _plain(term)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


class _CsvWriter(_SolutionWriter):
    def __init__(self, names: list[str]):
        super().__init__(names)
        self.terms = _Memo(_csv_field)

    def head(self) -> bytes:
        return (",".join(self.names) + "\r\n").encode()

    def row(self, values: list[Term | None]) -> bytes:
        term = self.terms.get
        return (",".join("" if v is None else term(v) for v in values) + "\r\n").encode()

    def tail(self) -> bytes:
        return b""


def _tsv_field(term: Term) -> str:
    """A TSV field: the term in Turtle/N-Triples syntax."""
    if isinstance(term, ox.Triple):
        inner = " ".join(_tsv_field(t) for t in (term.subject, term.predicate, term.object))
        return f"<<( {inner} )>>"
    return str(term)


class _TsvWriter(_SolutionWriter):
    def __init__(self, names: list[str]):
        super().__init__(names)
        self.terms = _Memo(_tsv_field)

    def head(self) -> bytes:
        return ("\t".join(f"?{n}" for n in self.names) + "\n").encode()

    def row(self, values: list[Term | None]) -> bytes:
        term = self.terms.get
        return ("\t".join("" if v is None else term(v) for v in values) + "\n").encode()

    def tail(self) -> bytes:
        return b""


SOLUTION_WRITERS: dict[str, type[_SolutionWriter]] = {
    "json": _JsonWriter,
    "xml": _XmlWriter,
    "csv": _CsvWriter,
    "tsv": _TsvWriter,
}
