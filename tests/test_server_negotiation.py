"""Content negotiation: Accept parsing and the choice of a result format."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from accords.formats import GRAPH_FORMATS, SOLUTION_FORMATS
from accords.server import sparql
from accords.server.negotiation import OFFERS, choose, prefers_html, ranges, wants_json

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def accept(header: str | None) -> MIMEAccept:
    """An Accept header as Werkzeug parses it for ``request.accept_mimetypes``."""
    return parse_accept_header(header, MIMEAccept)


@pytest.mark.parametrize(
    ("form", "header", "expected"),
    [
        ("SELECT", None, "json"),
        ("SELECT", "", "json"),
        ("SELECT", "*/*", "json"),
        ("SELECT", "text/csv", "csv"),
        ("SELECT", "text/csv, */*", "csv"),
        ("SELECT", "text/*", "csv"),
        ("SELECT", "application/sparql-results+xml;q=0.5, text/tab-separated-values;q=0.8", "tsv"),
        ("SELECT", "application/sparql-results+json;q=0, */*", "xml"),
        ("SELECT", "application/json", "json"),
        ("SELECT", BROWSER, "xml"),
        ("SELECT", "image/png", None),
        ("SELECT", "text/turtle", None),
        ("ASK", "application/sparql-results+xml", "xml"),
        ("CONSTRUCT", None, "turtle"),
        ("CONSTRUCT", "application/rdf+xml, text/turtle;q=0.9", "rdfxml"),
        ("CONSTRUCT", "application/json", "jsonld"),
        ("CONSTRUCT", "text/plain", "ntriples"),
        ("DESCRIBE", "application/*", "ntriples"),
        ("DESCRIBE", "text/csv", None),
        ("SELECT", "text/csv;q=abc, application/sparql-results+xml", "xml"),
        ("SELECT", "garbage, text/csv", "csv"),
        ("SELECT", "application/json;q=0, */*", "xml"),
        ("SELECT", "text/csv;charset=utf-8;q=0.9, */*;q=0.5", "csv"),
        ("SELECT", "text/*;q=0.2, text/tsv;q=0, text/tab-separated-values", "tsv"),
    ],
)
def test_choose(form: str, header: str | None, expected: str | None) -> None:
    chosen = choose(OFFERS[form], accept(header), None)
    assert (chosen.key if chosen else None) == expected
    for _ in range(2):  # the endpoint's choice, made then remembered, is the same
        remembered = sparql._negotiated(form, header, None)
        assert (remembered.key if remembered else None) == expected


def test_a_long_accept_header_is_negotiated_too() -> None:
    """Headers past the length the endpoint remembers are read each time, with the same rules."""
    header = "text/x-unknown;q=0.1, " * 60 + "text/csv"
    assert len(header) > sparql.REMEMBERED_ACCEPT_CHARS
    for _ in range(2):
        chosen = sparql._negotiated("SELECT", header, None)
        assert chosen is not None and chosen.key == "csv"
    overridden = sparql._negotiated("SELECT", "text/csv", "xml")  # format= overrides Accept
    assert overridden is not None and overridden.key == "xml"


@pytest.mark.parametrize(
    ("form", "name", "expected"),
    [
        ("SELECT", "csv", "csv"),
        ("SELECT", "TSV", "tsv"),
        ("SELECT", "application/sparql-results+xml", "xml"),
        ("SELECT", "json", "json"),
        ("CONSTRUCT", "json", "jsonld"),
        ("CONSTRUCT", "ttl", "turtle"),
        ("CONSTRUCT", "csv", None),
        ("SELECT", "turtle", None),
    ],
)
def test_format_parameter(form: str, name: str, expected: str | None) -> None:
    chosen = choose(OFFERS[form], accept("image/png"), name)
    assert (chosen.key if chosen else None) == expected


def test_ranges() -> None:
    assert list(ranges(accept("Text/HTML;level=1;q=0.7, */*;q=0.1, broken"))) == [
        ("text/html", 0.7),
        ("*/*", 0.1),
    ]
    assert list(ranges(accept(None))) == [("*/*", 1)]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("*/*", False),
        (None, False),
        ("text/turtle, text/html", False),
        ("text/turtle;q=0.5, text/html", True),
        ("application/sparql-results+json, text/html;q=0.5", False),
        ("text/html;q=0", False),
        ("application/xml;q=0.9, text/html", True),
    ],
)
def test_prefers_html(header: str | None, expected: bool) -> None:
    assert prefers_html(accept(header), (*SOLUTION_FORMATS, *GRAPH_FORMATS)) is expected


def test_wants_json() -> None:
    assert wants_json(accept("application/sparql-results+json"), None)
    assert wants_json(accept("application/json;q=0.5, text/plain"), None)
    assert wants_json(accept(None), "json")
    assert not wants_json(accept("*/*"), None)
    assert not wants_json(accept("application/json;q=0"), None)
