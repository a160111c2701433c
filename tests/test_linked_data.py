"""Linked data over the seed store: resource pages and RDF, the ontology, VoID, the dumps.

The application is the real one (``server.app.create_app``) on the store ``accords build``
makes from seeds/, driven by Flask's test client. Every RDF answer is parsed again with
pyoxigraph; VoID's numbers and the dumps are checked against counts made here, in Python,
from the store itself.
"""

from __future__ import annotations

import gzip
import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import http_date

from accords.config import Settings
from accords.loaders.namespaces import ACC, INFERRED_GRAPH, ONTOLOGY_DIR, ONTOLOGY_GRAPH, TOPIC
from accords.loaders.store import current_build, open_read_only
from accords.server.app import create_app
from tests.fixtures import new_build, select

ID = "https://w3id.org/accords/id/"
SRC = "000_054c372ceee383ed"
MALI = ID + "state/mali"
AGREEMENT_PATH = "/id/agreement/mali-russian-federation/2025-06/energy"
AGREEMENT = "https://w3id.org/accords" + AGREEMENT_PATH
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
WIKIDATA = "http://www.wikidata.org/entity/"
FOAF = "http://xmlns.com/foaf/0.1/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PARSERS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
FORMAT_NAMES = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}


@pytest.fixture(scope="module")
def app(seed_store_dir: Path) -> Iterator[Flask]:
    app = create_app(Settings(store=seed_store_dir, query_timeout=10.0, query_processes=2))
    yield app
    app.extensions["accords"].executors.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def quads(seed_store_dir: Path) -> list[ox.Quad]:
    """The quads of the named graphs (the store's default graph is derived from them)."""
    return [q for q in open_read_only(seed_store_dir).store if not isinstance(q.graph_name, ox.DefaultGraph)]


def parse(response, fmt: ox.RdfFormat | None = None) -> list[ox.Triple]:
    """The triples of an RDF response, read again by pyoxigraph."""
    if fmt is None:
        fmt = PARSERS[response.mimetype]
    return [quad.triple for quad in ox.parse(response.get_data(), fmt)]


def plain(triples: list[ox.Triple]) -> set[tuple[str, str, str]]:
    return {(t.subject.value, t.predicate.value, t.object.value) for t in triples}


def row(page: str, predicate: str) -> str:
    """The HTML of the properties-table row of one predicate."""
    match = re.search(rf'<tr [^>]*data-property="{re.escape(predicate)}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {predicate}"
    return match.group(0)


# --------------------------------------------------------------------------- resources


@pytest.mark.parametrize("media_type", sorted(PARSERS))
def test_resource_in_each_rdf_format(client: FlaskClient, media_type: str) -> None:
    response = client.get("/id/state/mali", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Vary"] == "Accept"
    triples = plain(parse(response))
    assert (MALI, SKOS + "exactMatch", WIKIDATA + "Q912") in triples  # outgoing, asserted
    assert (MALI, str(ACC.partyTo), AGREEMENT) in triples  # outgoing, inferred
    assert (AGREEMENT, str(ACC.party), MALI) in triples  # incoming
    assert all(MALI in (s, o) for s, _, o in triples)


def test_browser_gets_the_page(client: FlaskClient) -> None:
    response = client.get("/id/state/mali", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "<h1>Mali</h1>" in response.get_data(as_text=True)


def test_no_accept_header_gets_turtle(client: FlaskClient) -> None:
    response = client.get("/id/state/mali", headers={"Accept": "*/*"})
    assert response.mimetype == "text/turtle"
    assert parse(response)


@pytest.mark.parametrize("name", ["turtle", "ttl", "jsonld", "ntriples", "nt", "rdfxml", "html"])
def test_format_parameter_overrides_accept(client: FlaskClient, name: str) -> None:
    accept = "text/turtle" if name == "html" else BROWSER
    response = client.get(f"/id/state/mali?format={name}", headers={"Accept": accept})
    assert response.status_code == 200
    expected = {**FORMAT_NAMES, "ttl": "text/turtle", "nt": "application/n-triples", "html": "text/html"}
    assert response.mimetype == expected[name]
    if response.mimetype != "text/html":
        assert parse(response)


def test_unacceptable_formats_get_406(client: FlaskClient) -> None:
    assert client.get("/id/state/mali", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/id/state/mali?format=yaml").status_code == 406


@pytest.mark.parametrize("accept", [BROWSER, "text/turtle", "application/ld+json"])
@pytest.mark.parametrize(
    "path",
    [
        "/id/state/atlantis",
        "/topic/underwater-basket-weaving",
        "/graph/nothing",
        "/id/state/mali/",
        "/id/state/a%20b",
        "/id/state/mali%3E%20%3Fp%20%3Fo%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo",  # no way out of <…>
        "/id/%0A",
    ],
)
def test_unknown_iris_are_404(client: FlaskClient, path: str, accept: str) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 404
    if accept == BROWSER:
        assert response.mimetype == "text/html"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_link_headers_name_every_alternate(client: FlaskClient) -> None:
    response = client.get("/id/state/mali", headers={"Accept": "text/turtle"})
    links = dict(
        (match.group(2), match.group(1))
        for match in re.finditer(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', response.headers["Link"])
    )
    assert set(links) == {"text/html", *PARSERS}
    assert f'<{MALI}>; rel="canonical"' in response.headers["Link"]
    for media_type, target in links.items():
        alternate = client.get(target, headers={"Accept": "image/png"})  # the link alone decides
        assert alternate.status_code == 200, target
        assert alternate.mimetype == media_type
        if media_type != "text/html":
            assert MALI in {t.subject.value for t in parse(alternate)}


def test_infer_false_leaves_out_the_inferred_graph(client: FlaskClient) -> None:
    inferred = plain(parse(client.get("/id/state/mali?format=ntriples")))
    asserted = plain(parse(client.get("/id/state/mali?format=ntriples&infer=false")))
    assert (MALI, str(ACC.partyTo), AGREEMENT) in inferred - asserted
    assert (AGREEMENT, str(ACC.party), MALI) in asserted


def test_every_rdf_answer_parses(client: FlaskClient) -> None:
    paths = [
        "/id/state/mali",
        AGREEMENT_PATH,
        f"/id/evidence/{SRC}/54-124",
        f"/id/source/{SRC}",
        "/topic/energy",
        "/topic/scheme",
        f"/graph/source/{SRC}",
        "/ontology",
        "/void",
        "/.well-known/void",
    ]
    for path in paths:
        for name, media_type in FORMAT_NAMES.items():
            response = client.get(f"{path}?format={name}")
            assert response.status_code == 200, (path, name)
            assert response.mimetype == media_type
            assert parse(response), (path, name)


def test_page_marks_inferred_facts(client: FlaskClient) -> None:
    page = client.get("/id/state/mali", headers={"Accept": BROWSER}).get_data(as_text=True)
    party_to = row(page, str(ACC.partyTo))
    assert 'class="inferred"' in party_to
    assert party_to.count('class="value inferred"') == 3
    assert party_to.count(">inferred</span>") == 3
    types = row(page, RDF_TYPE)
    assert re.search(r'<li class="value" [^>]*><a href="/ontology#State"', types)  # asserted
    assert re.search(r'<li class="value inferred" [^>]*><a href="/ontology#Party"', types)  # inferred
    label = row(page, RDFS + "label")
    assert "inferred" not in label


def test_page_links_to_local_paths(client: FlaskClient) -> None:
    page = client.get(AGREEMENT_PATH, headers={"Accept": BROWSER}).get_data(as_text=True)
    parties = row(page, str(ACC.party))
    assert '<a href="/id/state/mali" title="https://w3id.org/accords/id/state/mali">Mali</a>' in parties
    assert 'href="/ontology#party"' in parties  # the property, documented on /ontology
    assert 'href="https://w3id.org/accords/' not in page  # IRIs are shown, links stay here


def test_links_follow_the_mount_point(client: FlaskClient) -> None:
    response = client.get(
        "/id/state/mali", headers={"Accept": BROWSER}, environ_overrides={"SCRIPT_NAME": "/kg"}
    )
    page = response.get_data(as_text=True)
    assert 'href="/kg/id/agreement/mali-russian-federation/2025-06/energy"' in page
    assert 'href="/kg/static/site/site.css"' in page
    assert "</kg/id/state/mali?format=turtle>" in response.headers["Link"]


def test_page_shows_the_quotes_with_their_source(client: FlaskClient, seed_store: ox.Store) -> None:
    quotes = select(
        seed_store,
        f"""SELECT ?quote ?begin ?end ?label WHERE {{
          <{MALI}> <{ACC.evidence}> ?e . ?e <{ACC.quote}> ?quote ; <{ACC.begin}> ?begin ; <{ACC.end}> ?end ;
             <{ACC.source}> ?source . ?source <{RDFS}label> ?label }}""",
    )
    assert len(quotes) == 2
    page = client.get("/id/state/mali", headers={"Accept": BROWSER}).get_data(as_text=True)
    evidence = page[page.index('id="evidence-heading"') : page.index('id="incoming-heading"')]
    for quote in quotes:
        assert quote["quote"] in html.unescape(evidence)
        assert f"characters {quote['begin']}–{quote['end']}" in evidence
        assert quote["label"] in html.unescape(evidence)
    assert f'href="/id/source/{SRC}"' in evidence
    # A fact points to the quote that supports it: Mali's label, to the quote that names it.
    numbers = re.findall(r'href="#ev-(\d+)"', row(page, RDFS + "label"))
    assert numbers and all(f'id="ev-{n}"' in evidence for n in numbers)


def test_page_shows_derived_values(client: FlaskClient) -> None:
    signing = "/id/signing/mali-russian-federation/2025-06"
    page = client.get(signing, headers={"Accept": BROWSER}).get_data(as_text=True)
    date = row(page, str(ACC.date))
    assert "2025-06" in date and ">derived</span>" in date and "derived: " in date


def test_page_links_to_wikidata(client: FlaskClient) -> None:
    page = client.get("/id/state/mali", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert (
        '<a class="wikidata-link" href="https://www.wikidata.org/wiki/Q912" rel="external">Q912</a>' in page
    )
    topic = client.get("/topic/nuclear-energy", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert 'href="https://www.wikidata.org/wiki/Q12739"' in topic  # a close match


def test_topic_pages(client: FlaskClient) -> None:
    page = client.get("/topic/nuclear-energy", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<h1>nuclear energy</h1>" in page
    assert "énergie nucléaire" in page
    assert 'href="/topic/energy"' in page  # broader
    assert f'href="{AGREEMENT_PATH}"' in page  # incoming: the agreement's topic
    triples = plain(parse(client.get("/topic/nuclear-energy?format=turtle")))
    assert (str(TOPIC["nuclear-energy"]), SKOS + "broader", str(TOPIC.energy)) in triples


def test_pages_have_security_headers_and_no_inline_code(client: FlaskClient) -> None:
    for path in ["/id/state/mali", AGREEMENT_PATH, "/ontology", "/void", "/id/state/atlantis"]:
        response = client.get(path, headers={"Accept": BROWSER})
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        page = response.get_data(as_text=True)
        assert "<script" not in page
        assert " style=" not in page and "<style" not in page
        assert not re.search(r"\son[a-z]+=", page), "an inline event handler"
    css = client.get("/static/site/site.css")
    assert css.status_code == 200 and css.mimetype == "text/css"


# --------------------------------------------------------------------------- the ontology


def ontology_terms() -> dict[str, tuple[dict[str, str], bool, bool]]:
    """Every class and property of ontology/accords.ttl: labels by language, domain?, range?"""
    triples = list(ox.parse(path=str(ONTOLOGY_DIR / "accords.ttl")))
    kinds = {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty"}
    terms = {
        t.subject.value
        for t in triples
        if t.predicate.value == RDF_TYPE and t.object.value in kinds and t.subject.value.startswith(str(ACC))
    }
    found: dict[str, tuple[dict[str, str], bool, bool]] = {}
    for term in terms:
        about = [t for t in triples if t.subject.value == term]
        labels = {t.object.language: t.object.value for t in about if t.predicate.value == RDFS + "label"}
        has_domain = any(t.predicate.value == RDFS + "domain" for t in about)
        has_range = any(t.predicate.value == RDFS + "range" for t in about)
        found[term] = (labels, has_domain, has_range)
    return found


def test_ontology_page_documents_every_class_and_property(client: FlaskClient) -> None:
    response = client.get("/ontology", headers={"Accept": BROWSER})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    terms = ontology_terms()
    assert len(terms) > 40
    for iri, (labels, has_domain, has_range) in terms.items():
        fragment = iri[len(str(ACC)) :]
        match = re.search(rf'<section id="{re.escape(fragment)}" class="term".*?</dl>', page, re.S)
        assert match, f"{fragment} is not documented"
        section = match.group(0)
        assert set(labels) >= {"en", "fr"}
        for label in labels.values():
            assert label in html.unescape(section), (fragment, label)
        assert ("<dt>Domain</dt>" in section) == has_domain, fragment
        assert ("<dt>Range</dt>" in section) == has_range, fragment
    energy = re.search(r'<section id="EnergyAgreement".*?</dl>', page, re.S).group(0)
    assert "<span class='keyword'>value</span>" in energy  # the equivalent class, readable
    assert f'href="{WIKIDATA}Q131569"' in page  # acc:Agreement closeMatch wd:Q131569
    assert 'id="topics"' in page and 'href="/topic/nuclear-energy"' in page


def test_ontology_as_rdf_is_the_ontology_graph_without_the_topics(client: FlaskClient, quads) -> None:
    expected = [
        q
        for q in quads
        if q.graph_name.value == str(ONTOLOGY_GRAPH)
        and (isinstance(q.subject, ox.BlankNode) or not q.subject.value.startswith(str(TOPIC)))
    ]
    for name in FORMAT_NAMES:
        response = client.get(f"/ontology?format={name}")
        triples = parse(response)
        assert len(triples) == len(expected), name
        named = {q.triple for q in expected if not isinstance(q.subject, ox.BlankNode | ox.Triple)}
        named = {t for t in named if not isinstance(t.object, ox.BlankNode)}
        assert named <= set(triples), name


# --------------------------------------------------------------------------- VoID


def void_graph(client: FlaskClient, path: str = "/void") -> ox.Store:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in parse(response))
    return store


def objects(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> list:
    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)]


def subjects(store: ox.Store, predicate: str, value: str) -> list:
    return [q.subject for q in store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(value))]


def number(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> int:
    (value,) = objects(store, subject, predicate)
    return int(value.value)


def test_void_numbers_are_the_store_counts(client: FlaskClient, quads) -> None:
    triples = {q.triple for q in quads}
    void = void_graph(client)
    (description,) = list(subjects(void, RDF_TYPE, VOID + "DatasetDescription"))
    (dataset,) = objects(void, description, FOAF + "primaryTopic")
    assert number(void, dataset, VOID + "triples") == len(triples)
    assert number(void, dataset, VOID + "distinctSubjects") == len({t.subject for t in triples})
    assert number(void, dataset, VOID + "distinctObjects") == len({t.object for t in triples})
    assert number(void, dataset, VOID + "properties") == len({t.predicate for t in triples})
    types = [t for t in triples if t.predicate.value == RDF_TYPE]
    assert number(void, dataset, VOID + "classes") == len({t.object for t in types})
    base = "https://w3id.org/accords/"
    entities = {
        t.subject for t in triples if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(base)
    }
    assert number(void, dataset, VOID + "entities") == len(entities)

    # Class partitions: distinct instances of each class.
    instances: dict[str, set] = defaultdict(set)
    for t in types:
        instances[t.object.value].add(t.subject)
    partitions = {
        objects(void, p, VOID + "class")[0].value: number(void, p, VOID + "entities")
        for p in objects(void, dataset, VOID + "classPartition")
    }
    assert partitions == {c: len(s) for c, s in instances.items()}

    # Property partitions: triples, distinct subjects and objects of each property.
    by_property: dict[str, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        by_property[t.predicate.value].append(t)
    properties = {}
    for p in objects(void, dataset, VOID + "propertyPartition"):
        name = objects(void, p, VOID + "property")[0].value
        properties[name] = tuple(
            number(void, p, VOID + key) for key in ("triples", "distinctSubjects", "distinctObjects")
        )
    assert properties == {
        p: (len(ts), len({t.subject for t in ts}), len({t.object for t in ts}))
        for p, ts in by_property.items()
    }

    # Named graphs: one subset each, with its size.
    graphs = Counter(q.graph_name.value for q in quads)
    subsets = {}
    for subset in objects(void, dataset, VOID + "subset"):
        names = objects(void, subset, SD + "name")
        if names:
            subsets[names[0].value] = number(void, subset, VOID + "triples")
    assert subsets == dict(graphs)
    assert str(INFERRED_GRAPH) in subsets

    # Access: the endpoint, the three dumps, the licence.
    endpoint = objects(void, dataset, VOID + "sparqlEndpoint")[0]
    assert endpoint.value == "http://127.0.0.1:8000/sparql"  # server_url, by default from host and port
    dumps = {d.value for d in objects(void, dataset, VOID + "dataDump")}
    assert dumps == {f"http://127.0.0.1:8000/{name}" for name in ("dump.ttl", "dump.trig", "dump.nq.gz")}
    licence = list(objects(void, dataset, "http://purl.org/dc/terms/license"))
    assert [term.value for term in licence] == ["https://opensource.org/licenses/MIT"]


def test_void_linkset_counts_the_links_to_wikidata(client: FlaskClient, quads) -> None:
    exact = {
        q.triple
        for q in quads
        if q.predicate.value == SKOS + "exactMatch" and q.object.value.startswith(WIKIDATA)
    }
    assert len(exact) >= 5  # states, places, persons of the verified tables
    void = void_graph(client)
    linksets = {}
    for linkset in subjects(void, RDF_TYPE, VOID + "Linkset"):
        predicate = objects(void, linkset, VOID + "linkPredicate")[0]
        target = objects(void, linkset, VOID + "objectsTarget")[0]
        space = objects(void, target, VOID + "uriSpace")[0]
        assert space.value == WIKIDATA
        linksets[predicate.value] = number(void, linkset, VOID + "triples")
    assert linksets[SKOS + "exactMatch"] == len(exact)


def test_well_known_void_is_the_same_description(client: FlaskClient) -> None:
    first = client.get("/void?format=ntriples").get_data()
    second = client.get("/.well-known/void?format=ntriples").get_data()
    assert len(list(ox.parse(first, ox.RdfFormat.N_TRIPLES))) == len(
        list(ox.parse(second, ox.RdfFormat.N_TRIPLES))
    )
    page = client.get("/.well-known/void", headers={"Accept": BROWSER})
    assert page.mimetype == "text/html" and 'id="dumps"' in page.get_data(as_text=True)


def test_every_named_graph_the_void_page_links_to_answers(client: FlaskClient, quads) -> None:
    sizes = Counter(q.graph_name.value for q in quads)
    assert {str(INFERRED_GRAPH), str(ONTOLOGY_GRAPH)} <= set(sizes)
    page = client.get("/void", headers={"Accept": BROWSER}).get_data(as_text=True)
    links = set(re.findall(r'href="(/graph/[^"]+)"', page))
    assert links == {"/graph/" + name.removeprefix("https://w3id.org/accords/graph/") for name in sizes}
    for path in links:
        assert client.get(path, headers={"Accept": BROWSER}).status_code == 200, path
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 200, path
        graph = "https://w3id.org/accords" + path
        triples = plain(parse(response))
        assert (graph, RDF_TYPE, VOID + "Dataset") in triples
        assert (graph, VOID + "triples", str(sizes[graph])) in triples
    source = plain(parse(client.get(f"/graph/source/{SRC}?format=ntriples")))
    assert (
        ID[: -len("id/")] + f"graph/source/{SRC}",
        "http://www.w3.org/ns/prov#wasDerivedFrom",
        ID + f"source/{SRC}",
    ) in source
    inferred_page = client.get("/graph/inferred", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert f">{sizes[str(INFERRED_GRAPH)]}<" in inferred_page


def test_void_statistics_are_kept_for_the_build(
    app: Flask, client: FlaskClient, seed_store_dir: Path
) -> None:
    client.get("/void")
    cache = app.extensions["accords"].builds
    build, statistics = cache.values["void"]
    assert build == current_build(seed_store_dir.resolve()).name
    client.get("/void?format=jsonld")
    assert cache.values["void"][1] is statistics  # not counted again


# --------------------------------------------------------------------------- dumps


def build_time(seed_store_dir: Path) -> datetime:
    info = open_read_only(seed_store_dir).info
    return datetime.strptime(info["built_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@pytest.mark.parametrize("path", ["/dump.ttl", "/dump.trig", "/dump.nq.gz"])
def test_dumps_are_conditional(client: FlaskClient, seed_store_dir: Path, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.is_streamed
    etag = response.headers["ETag"]
    assert current_build(seed_store_dir.resolve()).name in etag
    built = build_time(seed_store_dir)
    assert response.headers["Last-Modified"] == http_date(built)
    body = response.get_data()
    assert body

    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert client.get(path, headers={"If-None-Match": '"another-build"'}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": http_date(built)}).status_code == 304
    earlier = http_date(built.timestamp() - 3600)
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.head(path).status_code == 200


def test_turtle_dump_is_every_triple_once(client: FlaskClient, quads) -> None:
    response = client.get("/dump.ttl")
    assert response.mimetype == "text/turtle"
    triples = parse(response, ox.RdfFormat.TURTLE)
    assert len(triples) == len({q.triple for q in quads})
    assert len(set(triples)) == len(triples)
    named = {
        q.triple
        for q in quads
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }
    assert named <= set(triples)
    text = response.get_data(as_text=True)
    assert re.search(r"\bstate:mali\b", text) and "\\/" not in text  # readable: not id:state\/mali


def test_trig_dump_is_the_store(client: FlaskClient, quads) -> None:
    response = client.get("/dump.trig")
    assert response.mimetype == "application/trig"
    dumped = list(ox.parse(response.get_data(), ox.RdfFormat.TRIG))
    assert len(dumped) == len(quads)
    assert Counter(q.graph_name.value for q in dumped) == Counter(q.graph_name.value for q in quads)
    named = {
        q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }
    assert named <= set(dumped)


def test_nquads_dump_is_gzip_of_the_store(client: FlaskClient, quads) -> None:
    response = client.get("/dump.nq.gz")
    assert response.mimetype == "application/gzip"
    dumped = list(ox.parse(gzip.decompress(response.get_data()), ox.RdfFormat.N_QUADS))
    assert len(dumped) == len(quads)
    named = {
        q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }
    assert named <= set(dumped)


def test_dumps_stream_in_batches(client: FlaskClient, monkeypatch: pytest.MonkeyPatch, quads) -> None:
    from accords.server.linked_data import dumps

    monkeypatch.setattr(dumps, "BATCH", 100)
    for path, fmt in [("/dump.ttl", ox.RdfFormat.TURTLE), ("/dump.trig", ox.RdfFormat.TRIG)]:
        response = client.get(path)
        chunks = list(response.response)
        assert len(chunks) > 10
        body = b"".join(chunks)
        assert body.count(b"@prefix acc:") == 1  # declared once, not per batch
        assert len(list(ox.parse(body, fmt))) in (len(quads), len({q.triple for q in quads}))


# --------------------------------------------------------------------------- the public base


def test_the_public_base_is_configurable(tmp_path: Path) -> None:
    base = "http://example.org/kg/"
    thing = ox.NamedNode(base + "id/thing/one")
    with new_build(tmp_path) as (store, _):
        graph = ox.NamedNode(base + "graph/source/one")
        store.add(ox.Quad(thing, ox.NamedNode(RDFS + "label"), ox.Literal("One", language="en"), graph))
        store.add(ox.Quad(thing, ox.NamedNode(RDFS + "seeAlso"), ox.NamedNode(base + "id/thing/two"), graph))
    app = create_app(Settings(store=tmp_path, public_base=base, query_processes=1))
    try:
        client = app.test_client()
        triples = plain(parse(client.get("/id/thing/one", headers={"Accept": "text/turtle"})))
        assert (thing.value, RDFS + "label", "One") in triples
        page = client.get("/id/thing/one", headers={"Accept": BROWSER}).get_data(as_text=True)
        assert "<h1>One</h1>" in page and 'href="/id/thing/two"' in page
        assert client.get("/id/state/mali").status_code == 404
    finally:
        app.extensions["accords"].executors.close()


def test_without_a_store_everything_says_503(tmp_path: Path) -> None:
    app = create_app(Settings(store=tmp_path / "none", query_processes=1))
    try:
        client = app.test_client()
        for path in ["/id/state/mali", "/ontology", "/void", "/dump.ttl", "/dump.nq.gz"]:
            for accept in (BROWSER, "text/turtle"):
                response = client.get(path, headers={"Accept": accept})
                assert response.status_code == 503, (path, accept)
                assert response.headers["Retry-After"] == "5"
                assert "accords build" in response.get_data(as_text=True)
    finally:
        app.extensions["accords"].executors.close()
