"""A full-text index of the graph's names and quotes, built with each build and kept beside it.

One SQLite FTS5 table (Python's standard library, no server): a row per state, organization,
person, place and agreement (all its labels and names, French and English) and a row per
quote with the resource it supports. Tokens are folded to lower case and stripped of their
accents (``unicode61 remove_diacritics 2``), so "Goita" finds "Goïta" and "energie" finds
"énergie". Ranking is SQLite's BM25 with names weighing ten times quotes; a name that is the
whole query comes first. ``search`` serves ``/search``, the explorer and the SPARQL function.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from accords.loaders.default_graph import query_dataset, solutions
from accords.loaders.vocabulary import ACC

INDEX_FILE = "search.sqlite"
MAX_QUERY_CHARS = 200
MAX_TERMS = 8
NAME_WEIGHT = 10.0
KINDS = {
    ACC + "State": "state",
    ACC + "Organization": "organization",
    ACC + "Person": "person",
    ACC + "Place": "place",
    ACC + "Agreement": "agreement",
}
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
RDF_SUBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"

NAMES_QUERY = f"""
SELECT ?resource ?type ?name WHERE {{
  VALUES ?type {{ {" ".join(f"<{kind}>" for kind in KINDS)} }}
  ?resource a ?type .
  {{ ?resource <{RDFS_LABEL}> ?name }} UNION {{ ?resource <{FOAF_NAME}> ?name }}
}}"""
# A quote supports a resource directly, or a statement about it (rdf:subject).
QUOTES_QUERY = f"""
SELECT DISTINCT ?resource ?quote WHERE {{
  {{ ?resource <{ACC}evidence> ?evidence }}
  UNION {{ ?statement <{RDF_SUBJECT}> ?resource ; <{ACC}evidence> ?evidence }}
  ?evidence <{ACC}quote> ?quote .
  ?resource a ?type .
  VALUES ?type {{ {" ".join(f"<{kind}>" for kind in KINDS)} }}
}}"""


@dataclass(frozen=True)
class Hit:
    """One resource found: what it is, its names, the best matching text, its score (higher is better)."""

    iri: str
    kind: str
    names: list[str]
    snippet: str
    score: float


def write_index(store: ox.Store, path: Path) -> int:
    """Write the index of ``store``'s default view at ``path`` (replacing it); the number of rows."""
    dataset = query_dataset()
    names: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, str] = {}
    for row in solutions(store, NAMES_QUERY, **dataset):
        iri = row["resource"].value
        names[iri].add(row["name"].value)
        kinds.setdefault(iri, KINDS[row["type"].value])
    quotes = [(row["resource"].value, row["quote"].value) for row in solutions(store, QUOTES_QUERY)]
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE resources (iri TEXT PRIMARY KEY, kind TEXT, names TEXT)")
        db.execute(
            "CREATE VIRTUAL TABLE entries USING fts5("
            "iri UNINDEXED, names, quote, tokenize = 'unicode61 remove_diacritics 2')"
        )
        resources = [(iri, kinds[iri], " | ".join(sorted(labels))) for iri, labels in sorted(names.items())]
        db.executemany("INSERT INTO resources VALUES (?, ?, ?)", resources)
        db.executemany("INSERT INTO entries VALUES (?, ?, '')", [(iri, n) for iri, _, n in resources])
        db.executemany("INSERT INTO entries VALUES (?, '', ?)", [q for q in sorted(quotes) if q[0] in kinds])
    db.close()
    return len(names) + len(quotes)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def match_expression(text: str) -> str | None:
    """An FTS5 query: every word of ``text`` as a prefix, all required; None when no word."""
    words = re.findall(r"\w+", _folded(text[:MAX_QUERY_CHARS]))[:MAX_TERMS]
    return " AND ".join(f'"{word}"*' for word in words) or None


def search(path: Path, text: str, limit: int = 20) -> list[Hit]:
    """The resources whose names or quotes hold every word of ``text``, best first, one row each."""
    expression = match_expression(text)
    if expression is None or not path.is_file():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT e.iri, r.kind, r.names, snippet(entries, -1, '«', '»', '…', 12), "
            f"bm25(entries, 0, {NAME_WEIGHT}, 1.0) FROM entries AS e JOIN resources AS r ON r.iri = e.iri "
            "WHERE entries MATCH ? ORDER BY rank LIMIT ?",
            (expression, limit * 5 if limit < SPARQL_HITS else limit),
        ).fetchall()
    finally:
        db.close()
    wanted = _folded(text).strip()
    best: dict[str, Hit] = {}
    for iri, kind, names, snippet, bm25 in rows:
        whole_name = wanted in (_folded(name) for name in names.split(" | "))
        score = -bm25 + (100.0 if whole_name else 0.0)
        if iri not in best or score > best[iri].score:
            best[iri] = Hit(iri, kind, names.split(" | "), snippet, score)
    return sorted(best.values(), key=lambda hit: (-hit.score, hit.iri))[:limit]


SEARCH_FUNCTION_IRI = "https://w3id.org/accords/function#search"
SEARCH_FUNCTION = ox.NamedNode(SEARCH_FUNCTION_IRI)
XSD_DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
SPARQL_HITS = 10_000  # the resources one text may match, for the SPARQL function


class SparqlSearch:
    """``accfn:search(?resource, "text")``: the resource's score for ``text`` (as ``/search`` ranks
    it, xsd:double), or an error — an unbound value — when it does not match."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.scores: dict[str, dict[str, float]] = {}

    def __call__(self, resource: ox.NamedNode, text: ox.Literal) -> ox.Literal | None:
        if not isinstance(resource, ox.NamedNode) or not isinstance(text, ox.Literal):
            return None
        if text.value not in self.scores:
            if len(self.scores) > 64:
                self.scores.clear()
            hits = search(self.path, text.value, SPARQL_HITS)
            self.scores[text.value] = {hit.iri: hit.score for hit in hits}
        score = self.scores[text.value].get(resource.value)
        return None if score is None else ox.Literal(repr(round(score, 6)), datatype=XSD_DOUBLE)


def search_functions(build: Path | None) -> dict:
    """The ``custom_functions`` argument of Store.query for a build's index."""
    return {SEARCH_FUNCTION: SparqlSearch(build / INDEX_FILE)} if build is not None else {}
