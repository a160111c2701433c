"""XML is never parsed with entity expansion: billion laughs, external entities and the like.

Accords parses XML in two places: RDF/XML files given to ``accords build --graph`` (pyoxigraph,
behind ``loaders.xml_safety``) and SPARQL XML results from a SERVICE endpoint (pyoxigraph,
which knows no custom entities). rdflib's RDF/XML parser, slow to stop a billion laughs, is
not used on input.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from accords.bench.servers import accords_env
from accords.loaders.errors import InputError
from accords.loaders.rdf_files import read_rdf_file
from accords.loaders.xml_safety import MAX_ENTITY_EXPANSION
from tests.fixtures import PROJECT_ROOT

RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/"'


def billion_laughs(root: str = "rdf:RDF", levels: int = 9) -> str:
    """The classic: ten references to the level below, nine levels: 3 GB of "lol"."""
    entities = ['<!ENTITY lol0 "lol">']
    entities += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(entities) + "\n]>\n"


def rdf_document(doctype: str, value: str) -> str:
    return (
        doctype + f'<rdf:RDF {RDF}><rdf:Description rdf:about="http://example.org/a">'
        f"<ex:p>{value}</ex:p></rdf:Description></rdf:RDF>\n"
    )


def read(tmp_path: Path, text: str) -> list[ox.Quad]:
    path = tmp_path / "graph.rdf"
    path.write_text(text, encoding="utf-8")
    return read_rdf_file(path, "urn:graph")


def refused(tmp_path: Path, text: str) -> InputError:
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        read(tmp_path, text)
    assert time.monotonic() - started < 2
    return caught.value


def test_billion_laughs_in_rdf_xml_is_refused_before_parsing(tmp_path: Path) -> None:
    error = refused(tmp_path, rdf_document(billion_laughs(), "&lol9;"))
    assert "refers to other entities" in error.message and error.line == 4


def test_an_external_entity_reads_no_file(tmp_path: Path) -> None:
    doctype = '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
    error = refused(tmp_path, rdf_document(doctype, "&xxe;"))
    assert "external entity" in error.message
    public = (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY x PUBLIC "-//x" "http://127.0.0.1:9/x"> ]>\n'
    )
    assert "external entity" in refused(tmp_path, rdf_document(public, "&x;")).message


def test_parameter_entities_are_refused(tmp_path: Path) -> None:
    doctype = '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY % p "<!ENTITY x \'y\'>"> %p; ]>\n'
    assert "parameter entity" in refused(tmp_path, rdf_document(doctype, "&x;")).message


def test_quadratic_blowup_is_refused(tmp_path: Path) -> None:
    """One large entity, referenced very often: no nesting, but gigabytes all the same."""
    doctype = f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY a "{"a" * 100_000}"> ]>\n'
    error = refused(tmp_path, rdf_document(doctype, "&a;" * 200_000))
    assert f"more than {MAX_ENTITY_EXPANSION}" in error.message


def test_namespace_entities_of_ordinary_rdf_xml_still_work(tmp_path: Path) -> None:
    doctype = (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        '  <!ENTITY ex "http://example.org/">\n  <!ENTITY owl "http://www.w3.org/2002/07/owl#">\n]>\n'
    )
    text = (
        doctype + f'<rdf:RDF {RDF}><rdf:Description rdf:about="&ex;a">'
        '<rdf:type rdf:resource="&owl;Thing"/><ex:p>it&apos;s &amp; more</ex:p>'
        "</rdf:Description></rdf:RDF>\n"
    )
    quads = read(tmp_path, text)
    objects = {quad.object.value for quad in quads}
    assert objects == {"http://www.w3.org/2002/07/owl#Thing", "it's & more"}
    assert {quad.subject.value for quad in quads} == {"http://example.org/a"}


# `accords` with 2 GB of address space: an expanding parser would fail instead of eating the machine.
LIMITED_ACCORDS = (
    "import resource, runpy, sys; "
    "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
    "sys.argv[0] = 'accords'; runpy.run_module('accords.cli', run_name='__main__')"
)


def test_accords_build_refuses_a_billion_laughs_graph_in_bounded_time_and_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(rdf_document(billion_laughs(), "&lol9;"), encoding="utf-8")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", LIMITED_ACCORDS, "build", "--store", str(tmp_path / "store")]
        + ["--graph", f"urn:bomb={bomb}", str(PROJECT_ROOT / "seeds")],
        cwd=PROJECT_ROOT,
        env=accords_env(os.devnull),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == (
        f"accords build: {bomb}:4: entity &lol1; refers to other entities: "
        "refused (it could expand without bound)"
    )
    assert time.monotonic() - started < 60
    assert not (tmp_path / "store" / "current").exists()


def test_sparql_xml_results_expand_no_custom_entity() -> None:
    """What a SERVICE endpoint answers in XML is parsed by pyoxigraph: no DTD entities at all."""
    results = (
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="x"/></head>'
        '<results><result><binding name="x"><literal>{}</literal></binding></result></results></sparql>'
    )
    for doctype, reference in [
        (billion_laughs("sparql", 7), "&lol7;"),
        ('<?xml version="1.0"?>\n<!DOCTYPE sparql [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n', "&xxe;"),
    ]:
        started = time.monotonic()
        with pytest.raises(SyntaxError, match="unrecognized entity"):
            list(
                ox.parse_query_results(
                    (doctype + results.format(reference)).encode(), ox.QueryResultsFormat.XML
                )
            )
        assert time.monotonic() - started < 1


def test_no_other_xml_parser_reads_input() -> None:
    """Project code parses XML only through pyoxigraph: no xml.etree, xml.dom, xml.sax, lxml, rdflib XML."""
    forbidden = re.compile(
        r"^\s*(from|import)\s+(xml\.(etree|dom|sax(?!\.saxutils))|lxml|defusedxml)\b"
        r"|\.parse\([^)]*format\s*=\s*[\"'](xml|application/rdf\+xml|pretty-xml)[\"']",
        re.MULTILINE,
    )
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for folder in ("accords", "loaders", "server", "bench")
        for path in (PROJECT_ROOT / folder).rglob("*.py")
        if forbidden.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
