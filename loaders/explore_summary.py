"""The explorer's counts, kept with each build: what its figures need, answered from SQLite.

Each build writes ``explore.sqlite`` beside its store: for every ``acc:Agreement`` its parties,
topics (``acc:concerns``, the topic tree included), signing dates and report languages, and the
names of its parties and top-level topics, read from the store with SPARQL. ``figures`` answers
the explorer's map, network, timeline, count and list for any selection (state, topic, period,
language) with the same numbers as the SPARQL queries the page shows (``static/explore``), and
``states`` the states its filter offers: the summary holds every combination, so it is only
missing for a build made before it existed.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from accords.loaders.default_graph import query_dataset, solutions
from accords.loaders.vocabulary import ACC, TOPIC

Term = ox.NamedNode | ox.BlankNode | ox.Literal  # a value of a solution

SUMMARY_FILE = "explore.sqlite"
PAIRS_SHOWN = 500  # the network's pairs, as the page's query limits them
LIST_SHOWN = 200  # the agreements listed under the figures
LANGUAGES = ("en", "fr")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_PREFIXES = f"""PREFIX acc: <{ACC}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# Each query reads one pattern of the page's queries; their rows fill one table each.
_PARTIES = _PREFIXES + "SELECT DISTINCT ?a ?p WHERE { ?a a acc:Agreement ; acc:party ?p FILTER(isIRI(?p)) }"
_CONCERNS = (
    _PREFIXES + "SELECT DISTINCT ?a ?t WHERE { ?a a acc:Agreement ; acc:concerns ?t FILTER(isIRI(?t)) }"
)
_DATES = (
    _PREFIXES + "SELECT DISTINCT ?a (STR(?d) AS ?date) WHERE { ?a a acc:Agreement ; acc:signing/acc:date ?d }"
)
_LANGUAGES = (
    _PREFIXES + "SELECT DISTINCT ?a ?language WHERE { ?a a acc:Agreement . "
    "?a acc:evidence/acc:source|acc:reportedIn ?report . ?report acc:language ?language }"
)
_NOTATIONS = _PREFIXES + (
    "SELECT DISTINCT ?p ?code WHERE { ?a a acc:Agreement ; acc:party ?p . ?p skos:notation ?code }"
)
_STATES = _PREFIXES + "SELECT DISTINCT ?p WHERE { ?a a acc:Agreement ; acc:party ?p . ?p a acc:State }"
_PARTY_NAMES = _PREFIXES + (
    "SELECT DISTINCT ?p ?name WHERE { ?a a acc:Agreement ; acc:party ?p . ?p rdfs:label ?name }"
)
_TOPS = (
    _PREFIXES
    + "SELECT DISTINCT ?t ?name WHERE { ?t skos:topConceptOf ?scheme OPTIONAL { ?t skos:prefLabel ?name } }"
)
_SCHEMA = """
CREATE TABLE agreement (id INTEGER PRIMARY KEY, iri TEXT, latest TEXT);
CREATE TABLE party (a INTEGER, p INTEGER, PRIMARY KEY (a, p)) WITHOUT ROWID;
CREATE INDEX party_p ON party (p, a);
CREATE TABLE pair (a INTEGER, p INTEGER, q INTEGER, PRIMARY KEY (a, p, q)) WITHOUT ROWID;
CREATE TABLE concerns (a INTEGER, t INTEGER, PRIMARY KEY (t, a)) WITHOUT ROWID;
CREATE TABLE top_of (a INTEGER, t INTEGER, PRIMARY KEY (a, t)) WITHOUT ROWID;
CREATE TABLE signed (a INTEGER, date TEXT, year INTEGER, PRIMARY KEY (a, date)) WITHOUT ROWID;
CREATE TABLE reported (a INTEGER, language TEXT, PRIMARY KEY (language, a)) WITHOUT ROWID;
CREATE TABLE code (p INTEGER, code TEXT, PRIMARY KEY (code, p)) WITHOUT ROWID;
CREATE TABLE notation (p INTEGER, code TEXT, PRIMARY KEY (p, code)) WITHOUT ROWID;
CREATE TABLE who (id INTEGER PRIMARY KEY, iri TEXT, iso TEXT, is_state INTEGER, name_en TEXT, name_fr TEXT);
CREATE TABLE topic (id INTEGER PRIMARY KEY, iri TEXT UNIQUE, name_en TEXT, name_fr TEXT);
"""
_YEAR = re.compile(r"[+-]?[0-9]+")  # what xsd:integer reads in SUBSTR(STR(?date), 1, 4)


@dataclass(frozen=True)
class Selection:
    """The explorer's filters, as its URL carries them (empty: no filter)."""

    state: str = ""
    topic: str = ""
    start: int | None = None
    end: int | None = None
    language: str = ""
    granularity: str = "year"


def _names(rows: list[tuple[str, ox.Literal]]) -> dict[str, dict[str, str]]:
    """For each resource, its name in each language: one of that language, else any (the least)."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for iri, name in rows:
        found[iri][name.language or ""].add(name.value)
        found[iri]["*"].add(name.value)
    return {
        iri: {lang: min(by_lang.get(lang) or by_lang["*"]) for lang in LANGUAGES}
        for iri, by_lang in found.items()
    }


def _year(date: str) -> int | None:
    head = date[:4]
    return int(head) if _YEAR.fullmatch(head) else None


def write_summary(store: ox.Store, path: Path) -> int:
    """Write the summary of ``store``'s default view at ``path`` (replacing it); how many agreements."""
    dataset = query_dataset()

    def rows(query: str, *keys: str) -> list[tuple]:
        return [tuple(row[k] for k in keys) for row in solutions(store, query, **dataset)]

    parties = [(a.value, p.value) for a, p in rows(_PARTIES, "a", "p")]
    concerns = [(a.value, t.value) for a, t in rows(_CONCERNS, "a", "t")]
    dates = [(a.value, d.value, _year(d.value)) for a, d in rows(_DATES, "a", "date")]
    # The page compares STR(?language): the reports' languages are xsd:language literals.
    languages = [
        (a.value, lang.value) for a, lang in rows(_LANGUAGES, "a", "language") if isinstance(lang, ox.Literal)
    ]
    agreements = {
        a.value for (a,) in rows(_PREFIXES + "SELECT ?a WHERE { ?a a acc:Agreement FILTER(isIRI(?a)) }", "a")
    }
    codes: dict[str, list[Term]] = defaultdict(list)
    for p, code in rows(_NOTATIONS, "p", "code"):
        codes[p.value].append(code)
    state_iris = {p.value for (p,) in rows(_STATES, "p")}
    party_names = _names(
        [(p.value, n) for p, n in rows(_PARTY_NAMES, "p", "name") if isinstance(n, ox.Literal)]
    )
    top_rows = rows(_TOPS, "t", "name")
    tops = {t.value for t, _ in top_rows if isinstance(t, ox.NamedNode)}
    top_names = _names([(t.value, n) for t, n in top_rows if t.value in tops and isinstance(n, ox.Literal)])
    latest: dict[str, str] = {}
    for a, date, _ in dates:
        latest[a] = max(latest.get(a, date), date)
    ids = {a: n for n, a in enumerate(sorted(agreements))}
    who = {p: n for n, p in enumerate(sorted({p for a, p in parties if a in ids}))}
    topics = {t: n for n, t in enumerate(sorted(tops | {t for a, t in concerns if a in ids}))}
    members: dict[int, list[int]] = defaultdict(list)
    for a, p in parties:
        if a in ids:
            members[ids[a]].append(who[p])
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    with db:
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO agreement VALUES (?, ?, ?)", [(n, a, latest.get(a)) for a, n in ids.items()]
        )
        db.executemany(
            "INSERT INTO party VALUES (?, ?)", [(a, p) for a, found in members.items() for p in found]
        )
        db.executemany(
            "INSERT INTO pair VALUES (?, ?, ?)",
            [(a, p, q) for a, found in members.items() for p in found for q in found if p < q],
        )
        chosen = [(ids[a], topics[t]) for a, t in concerns if a in ids]
        db.executemany("INSERT INTO concerns VALUES (?, ?)", chosen)
        top_ids = {topics[t] for t in tops}
        db.executemany("INSERT INTO top_of VALUES (?, ?)", [(a, t) for a, t in chosen if t in top_ids])
        db.executemany(
            "INSERT INTO signed VALUES (?, ?, ?)", [(ids[a], d, y) for a, d, y in dates if a in ids]
        )
        db.executemany(
            "INSERT INTO reported VALUES (?, ?)", [(ids[a], lang) for a, lang in languages if a in ids]
        )
        # The state filter matches a notation equal to the plain literal "ML"; the map shows any.
        plain = [(who[p], c.value) for p, found in codes.items() if p in who for c in found if _plain(c)]
        db.executemany("INSERT INTO code VALUES (?, ?)", plain)
        every = {(who[p], c.value) for p, found in codes.items() if p in who for c in found}
        db.executemany("INSERT INTO notation VALUES (?, ?)", sorted(every))
        db.executemany(
            "INSERT INTO who VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    n,
                    p,
                    min((c.value for c in codes.get(p, [])), default=None),
                    int(p in state_iris),
                    *(party_names.get(p, {}).get(lang) for lang in LANGUAGES),
                )
                for p, n in who.items()
            ],
        )
        db.executemany(
            "INSERT INTO topic VALUES (?, ?, ?, ?)",
            [(n, t, *(top_names.get(t, {}).get(lang) for lang in LANGUAGES)) for t, n in topics.items()],
        )
    db.close()
    return len(agreements)


def _plain(term: Term) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value == XSD_STRING and not term.language


def _selected(db: sqlite3.Connection, chosen: Selection) -> None:
    """Fill the temporary table ``selected`` with the agreements of the selection."""
    clauses: list[str] = []
    params: list[str | int] = []
    if chosen.state:
        clauses.append("id IN (SELECT party.a FROM code JOIN party ON party.p = code.p WHERE code.code = ?)")
        params.append(chosen.state)
    if chosen.topic:
        clauses.append(
            "id IN (SELECT a FROM concerns JOIN topic ON topic.id = concerns.t WHERE topic.iri = ?)"
        )
        params.append(TOPIC + chosen.topic)
    if chosen.start is not None or chosen.end is not None:
        # The page's query keeps an agreement when one of its dates is in the period.
        bounds = ["year IS NOT NULL"]
        for bound, test in ((chosen.start, "year >= ?"), (chosen.end, "year <= ?")):
            if bound is not None:
                bounds.append(test)
                params.append(bound)
        clauses.append(f"id IN (SELECT a FROM signed WHERE {' AND '.join(bounds)})")
    if chosen.language:
        clauses.append("id IN (SELECT a FROM reported WHERE language = ?)")
        params.append(chosen.language)
    db.execute("CREATE TEMP TABLE selected (a INTEGER PRIMARY KEY)")
    db.execute(f"INSERT INTO selected SELECT id FROM agreement WHERE {' AND '.join(clauses) or '1'}", params)


def _row(**values: object) -> dict:
    """A row as the page reads SPARQL JSON results: strings, an unbound value left out."""
    return {k: str(v) for k, v in values.items() if v is not None}


def figures(path: Path, chosen: Selection, lang: str = "en") -> dict | None:
    """The rows of the page's queries for ``chosen`` (labels in ``lang``); None without a summary."""
    if not path.is_file():
        return None
    name = "name_fr" if lang == "fr" else "name_en"
    width = 7 if chosen.granularity == "month" else 4
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _selected(db, chosen)
        parties = [
            _row(party=iri, n=n, iso=iso, label=label, state="true" if is_state else "false")
            for iri, n, iso, label, is_state in db.execute(
                f"SELECT who.iri, n, who.iso, who.{name}, who.is_state FROM (SELECT p, COUNT(*) AS n "
                "FROM selected JOIN party USING (a) GROUP BY p) JOIN who ON who.id = p "
                "ORDER BY n DESC, who.iri"
            )
        ]
        pairs = [
            _row(p=p, q=q, n=n)
            for p, q, n in db.execute(
                "SELECT x.iri, y.iri, n FROM (SELECT p, q, COUNT(*) AS n FROM selected JOIN pair USING (a) "
                "GROUP BY p, q ORDER BY n DESC, p, q LIMIT ?) "
                "JOIN who AS x ON x.id = p JOIN who AS y ON y.id = q "
                "ORDER BY n DESC, x.iri, y.iri",
                (PAIRS_SHOWN,),
            )
        ]
        timeline = [
            _row(period=period, top=top, n=n, topic=label)
            for period, top, n, label in db.execute(
                f"SELECT period, topic.iri, n, topic.{name} FROM (SELECT period, t, COUNT(*) AS n FROM "
                "(SELECT DISTINCT signed.a, substr(date, 1, ?) AS period FROM selected JOIN signed USING (a) "
                "WHERE length(date) >= ?) LEFT JOIN top_of USING (a) GROUP BY period, t) "
                "LEFT JOIN topic ON topic.id = t ORDER BY period, topic.iri",
                (width, width),
            )
        ]
        (count,) = db.execute("SELECT COUNT(*) FROM selected").fetchone()
        listed = [
            _row(a=iri, latest=latest)
            for iri, latest in db.execute(
                "SELECT iri, latest FROM selected JOIN agreement ON agreement.id = selected.a "
                "ORDER BY latest IS NULL, latest DESC, iri LIMIT ?",
                (LIST_SHOWN,),
            )
        ]
    finally:
        db.close()
    return {"parties": parties, "pairs": pairs, "timeline": timeline, "count": count, "list": listed}


def states(path: Path, lang: str = "en") -> list[dict] | None:
    """The states the filter offers, as the page's query lists them; None without a summary."""
    if not path.is_file():
        return None
    name = "name_fr" if lang == "fr" else "name_en"
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            f"SELECT notation.code, MIN(who.{name}) AS label FROM who JOIN notation ON notation.p = who.id "
            "WHERE who.is_state GROUP BY notation.code ORDER BY label, notation.code"
        ).fetchall()
    finally:
        db.close()
    return [_row(iso=iso, label=label) for iso, label in rows]
