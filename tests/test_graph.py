"""The built seed graph: quotes match the article, inferences stay apart, links, stable IRIs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from accords.loaders.reference import confirmed_qids
from tests.fixtures import SEED_ARTICLE, accords, select

INFERRED = "https://w3id.org/accords/graph/inferred"
SOURCE = "https://w3id.org/accords/graph/source/000_054c372ceee383ed"


def test_every_quote_is_the_article_text_at_its_offsets(seed_store: ox.Store) -> None:
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    rows = select(
        seed_store,
        """PREFIX acc: <https://w3id.org/accords/ontology#>
        SELECT ?quote ?begin ?end WHERE { ?e a acc:Evidence ; acc:quote ?quote ;
                                           acc:begin ?begin ; acc:end ?end }""",
    )
    assert len(rows) >= 20
    for row in rows:
        assert text[int(row["begin"]) : int(row["end"])] == row["quote"]


def test_inferred_triples_live_only_in_the_inferred_graph(seed_store: ox.Store) -> None:
    """Among the named graphs; the default graph, derived from them, holds them too (once)."""
    inferred = ox.NamedNode(INFERRED)
    inferred_triples = {
        (q.subject, q.predicate, q.object) for q in seed_store.quads_for_pattern(None, None, None, inferred)
    }
    assert len(inferred_triples) > 50
    elsewhere = {
        (q.subject, q.predicate, q.object)
        for q in seed_store
        if q.graph_name not in (inferred, ox.DefaultGraph())
    }
    assert not inferred_triples & elsewhere
    default = {q.triple for q in seed_store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert {ox.Triple(*t) for t in inferred_triples} <= default
    assert all(not isinstance(s, ox.Literal) for s, _, _ in inferred_triples)
    assert ox.NamedNode("https://w3id.org/accords/ontology#partyTo") in {p for _, p, _ in inferred_triples}


def test_no_reflexive_partner_relation(seed_store: ox.Store) -> None:
    rows = select(
        seed_store,
        """PREFIX acc: <https://w3id.org/accords/ontology#>
        SELECT ?a ?b WHERE { ?a acc:sharesAgreementWith ?b }""",
    )
    pairs = {(r["a"].rsplit("/", 1)[1], r["b"].rsplit("/", 1)[1]) for r in rows}
    assert ("mali", "russian-federation") in pairs and ("russian-federation", "mali") in pairs
    assert ("mali", "rosatom") in pairs and ("rosatom", "mali") in pairs
    assert all(a != b for a, b in pairs)


def test_wikidata_links_only_from_the_verified_tables(seed_store: ox.Store) -> None:
    rows = select(
        seed_store,
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?thing ?qid WHERE { ?thing skos:exactMatch ?qid
          FILTER(STRSTARTS(STR(?qid), "http://www.wikidata.org/entity/")) }""",
    )
    links = {r["thing"].split("/id/")[1]: r["qid"].rsplit("/", 1)[1] for r in rows}
    assert links == {
        "state/mali": "Q912",
        "state/russian-federation": "Q159",
        "person/vladimir-putin": "Q7747",
        "place/moscow": "Q649",
        "place/bamako": "Q3703",
    }
    assert set(links.values()) <= confirmed_qids()


def test_source_graph_is_described_with_prov(seed_store: ox.Store) -> None:
    assert bool(
        seed_store.query(
            f"""PREFIX prov: <http://www.w3.org/ns/prov#>
            ASK {{ GRAPH <{SOURCE}> {{ <{SOURCE}> a prov:Bundle ;
                prov:wasDerivedFrom <https://w3id.org/accords/id/source/000_054c372ceee383ed> }} }}"""
        )
    )


def test_same_input_gives_the_same_graph(seed_store_dir: Path, tmp_path: Path) -> None:
    result = accords("build", "--store", str(tmp_path))
    assert result.returncode == 0, result.stderr
    first = accords("export", "--store", str(seed_store_dir), "--format", "nquads")
    second = accords("export", "--store", str(tmp_path), "--format", "nquads")
    assert first.returncode == 0 and second.returncode == 0
    assert sorted(first.stdout.splitlines()) == sorted(second.stdout.splitlines())


def test_shacl_shapes_conform(seed_store_dir: Path) -> None:
    result = accords("validate", "--store", str(seed_store_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforms: True" in result.stdout
