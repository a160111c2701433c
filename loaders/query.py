"""Run a SPARQL query on the local store from the command line.

The command line evaluates no SERVICE: a query in which the guard finds one is refused with one
line pointing to ``/sparql`` (whose proxy applies the allow-list). A query whose text only
mentions "service" is evaluated in a network namespace of its own (``server.isolation``), so
that a SERVICE the guard misread reaches nothing; where that cannot be done, it is refused too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from accords.formats import RESULT_SYNTAXES
from accords.loaders.default_graph import query_dataset
from accords.loaders.namespaces import PREFIXES
from accords.loaders.search_index import search_functions
from accords.server.isolation import IsolationError, enter_network_namespace, mentions_service
from accords.server.query_guard import CheckedQuery, GuardError, check_query

USE_THE_ENDPOINT = "send the query to /sparql of `accords serve`, which calls allow-listed endpoints"
_POSITION = re.compile(r"error at (\d+):(\d+): ")


class ServiceRefused(Exception):
    """A query with SERVICE, which the command line does not evaluate: one line saying why."""


def keep_off_the_network(query: str, allowlist: tuple[str, ...], base_iri: str) -> None:
    """Refuse a query with SERVICE; cut this process off the network if its text mentions one.

    Call before the store is opened (a process still single-threaded can always be isolated).
    """
    if not mentions_service(query):
        return
    try:
        found = check_query(query, allowlist, base_iri).services
    except GuardError as error:
        found = ["SERVICE"] if "SERVICE" in error.message else []
    if found:
        raise ServiceRefused(f"the command line does not evaluate SERVICE: {USE_THE_ENDPOINT}")
    try:
        enter_network_namespace()
    except IsolationError as error:
        raise ServiceRefused(
            f"this query mentions SERVICE and the command line cannot run it without network here "
            f"({error}): {USE_THE_ENDPOINT}"
        ) from None


def run_query(
    store: ox.Store, query: str, build: Path | None = None, full: bool = False
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Evaluate over the merge of all graphs (asserted, ontology, inferred; with ``full``, the
    full regime's inferences too). With the ``build`` folder, ``accfn:search`` reads its index.

    A bad query, an update or an unknown prefix or function is a SyntaxError of one line
    that says where: the server's guard reads it first.
    """
    try:
        checked = check_query(query, (), "")
    except GuardError as error:
        raise SyntaxError(error.message) from None
    try:
        return store.query(checked.text, custom_functions=search_functions(build), **query_dataset(full=full))
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
        return cast(bytes, results.serialize(format=ox.RdfFormat.N_TRIPLES))  # no output: bytes
    return cast(bytes, results.serialize(format=RESULT_SYNTAXES[name]))
