"""Run a SPARQL query on the local store from the command line."""

from __future__ import annotations

import re

import pyoxigraph as ox

from accords.loaders.default_graph import query_dataset
from accords.loaders.namespaces import PREFIXES
from accords.server.query_guard import CheckedQuery, GuardError, check_query

_POSITION = re.compile(r"error at (\d+):(\d+): ")

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}


def run_query(store: ox.Store, query: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Evaluate over the merge of all graphs (asserted, ontology, inferred).

    A bad query, an update or an unknown prefix or function is a SyntaxError of one line
    that says where: the server's guard reads it first.
    """
    try:
        checked = check_query(query, (), "")
    except GuardError as error:
        raise SyntaxError(error.message) from None
    try:
        return store.query(checked.text, **query_dataset(infer=True))
    except SyntaxError as error:
        raise SyntaxError(_one_line(str(error), checked)) from None


def _one_line(message: str, checked: CheckedQuery, limit: int = 160) -> str:
    """pyoxigraph's message, cut to its first line: "syntax error: … (line L, column C)"."""
    first = message.split("\n", 1)[0]
    where = _POSITION.match(first)
    if where is None:
        return f"syntax error: {first[:limit]}"
    reason = first[where.end() :]
    reason = reason if len(reason) <= limit else reason[: limit - 1].rstrip() + "…"
    line, column = int(where.group(1)), int(where.group(2))
    return f"syntax error: {reason} (line {line}, column {checked.original_column(line, column)})"


def term_text(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        iri = term.value
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace) and iri[len(namespace) :].replace("-", "").isalnum():
                return f"{prefix}:{iri[len(namespace) :]}"
        return f"<{iri}>"
    if isinstance(term, ox.Literal):
        return term.value
    return "" if term is None else str(term)


def format_table(results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> str:
    """A plain-text table for people; booleans and triples as lines."""
    if isinstance(results, ox.QueryBoolean):
        return "true" if bool(results) else "false"
    if isinstance(results, ox.QueryTriples):
        return "\n".join(
            f"{term_text(t.subject)} {term_text(t.predicate)} {term_text(t.object)}" for t in results
        )
    names = [v.value for v in results.variables]
    rows = [[term_text(solution[name]) for name in names] for solution in results]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    line = " | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    rule = "-+-".join("-" * w for w in widths)
    body = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, rule, *body, f"({len(rows)} row{'s' if len(rows) != 1 else ''})"])


def serialize_results(results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, name: str) -> bytes:
    """W3C result formats for SELECT/ASK; N-Triples for CONSTRUCT/DESCRIBE."""
    if isinstance(results, ox.QueryTriples):
        return results.serialize(format=ox.RdfFormat.N_TRIPLES)
    return results.serialize(format=RESULT_FORMATS[name])
