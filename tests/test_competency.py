"""The competency questions of the seed article, each answered by its query in tests/competency/."""

from __future__ import annotations

import pyoxigraph as ox

from tests.fixtures import SEED_ARTICLE, competency_query, select

ID = "https://w3id.org/accords/id/"
SRC = "000_054c372ceee383ed"
XSD = "http://www.w3.org/2001/XMLSchema#"


def test_1_three_agreements_of_the_visit(seed_store: ox.Store) -> None:
    rows = select(seed_store, competency_query(1))
    assert {r["title"]: set(r["parties"].split(", ")) for r in rows} == {
        "Agreement on the fundamental principles of bilateral relations": {"Mali", "Russia"},
        "Agreement on the peaceful use of atomic energy": {"Mali", "Rosatom"},
        "Agreement setting up a Russian–Malian intergovernmental commission": {"Mali", "Russia"},
    }
    assert {(r["place"], r["date"], r["announced"]) for r in rows} == {("Moscow", "2025-06", "3")}


def test_1_date_is_a_month_not_a_guessed_day(seed_store: ox.Store) -> None:
    rows = select(
        seed_store,
        """PREFIX acc: <https://w3id.org/accords/ontology#>
        SELECT ?date (DATATYPE(?date) AS ?type) ?weekday
        WHERE { ?s a acc:Signing ; acc:date ?date ; acc:weekday ?weekday }""",
    )
    assert rows == [{"date": "2025-06", "type": XSD + "gYearMonth", "weekday": "https://schema.org/Monday"}]


def test_2_energy_and_security_by_reasoning(seed_store: ox.Store) -> None:
    rows = select(seed_store, competency_query(2))
    found = {(r["domain"], r["title"]) for r in rows}
    assert found == {
        ("energy", "Agreement on the peaceful use of atomic energy"),
        ("security", "Agreement on the fundamental principles of bilateral relations"),
    }
    security = next(r for r in rows if r["domain"] == "security")
    assert {"counter-terrorism", "organized crime"} <= set(security["throughTopics"].lower().split(", "))


def test_2_energy_is_inferred_not_asserted(seed_store: ox.Store) -> None:
    query = """PREFIX acc: <https://w3id.org/accords/ontology#>
        ASK { GRAPH <%s> { ?a acc:concerns <https://w3id.org/accords/topic/energy> ;
                                a acc:EnergyAgreement } }"""
    assert bool(seed_store.query(query % "https://w3id.org/accords/graph/inferred"))
    assert not bool(seed_store.query(query % f"https://w3id.org/accords/graph/source/{SRC}"))


def test_3_institution_and_its_fields(seed_store: ox.Store) -> None:
    rows = select(seed_store, competency_query(3))
    assert len(rows) == 1
    assert rows[0]["name"] == "Russian–Malian Intergovernmental Commission"
    fields = {f.lower() for f in rows[0]["fields"].split(", ")}
    assert len(fields) == 4
    assert any("econom" in f for f in fields)
    assert any("trade" in f for f in fields)
    assert any("scien" in f for f in fields)
    assert any("techn" in f for f in fields)


def test_4_people_and_whom_they_represent(seed_store: ox.Store) -> None:
    rows = select(seed_store, competency_query(4))
    people = {r["name"]: r for r in rows}
    assert set(people) == {"Assimi Goïta", "Vladimir Putin"}
    goita, putin = people["Assimi Goïta"], people["Vladimir Putin"]
    assert goita["represents"] == "Mali"
    assert goita["role"] == "President of the Transition of Mali"
    assert goita["rank"] == "Général d’armée"
    assert "wikidata" not in goita  # no confirmed QID: stays unlinked
    assert putin["represents"] == "Russia"
    assert putin["role"] == "President of Russia"
    assert putin["wikidata"] == "http://www.wikidata.org/entity/Q7747"


def test_5_commitments(seed_store: ox.Store) -> None:
    rows = select(seed_store, competency_query(5))
    by_agreement: dict[str, set[str]] = {}
    for r in rows:
        by_agreement.setdefault(r["ordinal"], set()).add(r["commitment"])
    assert by_agreement == {
        "2": {
            "construction of infrastructure",
            "transfer of skills and technology",
            "training of local human resources",
        },
        "3": {
            "training schemes",
            "supply of equipment",
            "operational support to strengthen national defence and security capabilities",
        },
    }


def test_6_claims_of_the_last_paragraph(seed_store: ox.Store) -> None:
    rows = select(seed_store, competency_query(6))
    assert all(r["claimantName"] == "Vladimir Putin" for r in rows)
    cadres = [r for r in rows if r.get("moreThan")]
    assert [r["moreThan"] for r in cadres] == ["10000"]
    relations = [r for r in rows if r.get("relationEstablished")]
    assert [r["relationEstablished"] for r in relations] == ["1960"]
    assert "65" in relations[0]["derivation"]


def test_7_every_fact_has_its_sentence(seed_store: ox.Store) -> None:
    rows = select(seed_store, competency_query(7))
    assert len(rows) == 1
    row = rows[0]
    assert "conclu avec la société nucléaire russe ROSATOM" in row["quote"]
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    assert text[int(row["begin"]) : int(row["end"])] == row["quote"]
    assert row["source"] == f"{ID}source/{SRC}"
    assert row["agreement"] == f"{ID}agreement/mali-russian-federation/2025-06/energy"


def test_7_every_asserted_fact_has_evidence(seed_store: ox.Store) -> None:
    """Every reified statement of the source graph points to a quote or says how it was derived."""
    rows = select(
        seed_store,
        f"""PREFIX acc: <https://w3id.org/accords/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?st WHERE {{ GRAPH <https://w3id.org/accords/graph/source/{SRC}> {{
            ?st a rdf:Statement .
            FILTER NOT EXISTS {{ ?st acc:evidence|acc:derivedFrom ?e }} }} }}""",
    )
    assert rows == []
