"""States without a verified Wikidata QID (Cambodia, Laos, the Holy See…): found, named, never linked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import SKOS, Literal, URIRef

from accords.loaders.annotation import load_annotation
from accords.loaders.article import read_article
from accords.loaders.errors import InputError
from accords.loaders.mapping import annotation_triples
from accords.loaders.store import open_read_only
from tests.drafts import draft_of, parties
from tests.fixtures import PROJECT_ROOT, SEED_ARTICLE, accords, select

WD = "http://www.wikidata.org/entity/"
STATE = "https://w3id.org/accords/id/state/"


@pytest.mark.parametrize(
    ("text", "expected_states", "place"),
    [
        (
            "date 2025-06-10 Vietnam and Cambodia signed ten agreements in Phnom Penh on Monday, "
            "covering trade, energy and education.",
            {"VN": "Vietnam", "KH": "Cambodia"},
            "Phnom Penh",
        ),
        (
            "date 2025-06-10 Le Laos et la Thaïlande ont signé lundi à Vientiane trois accords de "
            "coopération dans les domaines du commerce et de l'énergie.",
            {"LA": "Laos", "TH": "Thailand"},
            "Vientiane",
        ),
        (
            "date 2025-06-10 Bhutan and India signed four agreements in Thimphu on Friday on trade.",
            {"BT": "Bhutan", "IN": "India"},
            "Thimphu",
        ),
        (
            "date 2025-06-10 La Dominique et Cuba ont signé lundi à Roseau deux accords de coopération "
            "en matière de santé.",
            {"DM": "Dominica", "CU": "Cuba"},
            "Roseau",
        ),
    ],
)
def test_a_state_without_a_qid_is_a_party_by_its_name_and_its_capital_the_place(
    tmp_path: Path, text: str, expected_states: dict[str, str], place: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    states = {e.facts["iso"].value: e for e in annotation.section("states")}
    assert {iso: e.facts["label"].value["en"] for iso, e in states.items()} == expected_states
    assert parties(annotation) == [sorted(e.key for e in states.values())]
    (signing,) = annotation.section("signings")
    city = annotation.entries[signing.facts["place"].value]
    assert city.facts["label"].value["en"] == place
    assert all(e.wikidata is None for e in states.values())


def test_the_graph_links_the_verified_state_and_not_the_other(tmp_path: Path, topics: frozenset[str]) -> None:
    text = "date 2025-06-10 Vietnam and Cambodia signed ten agreements in Phnom Penh on Monday."
    annotation = draft_of(tmp_path, text, topics)
    triples = annotation_triples(read_article(tmp_path / "article.txt"), annotation)
    links = {(str(s), str(o)) for s, p, o in triples if p == SKOS.exactMatch}
    assert (STATE + "viet-nam", WD + "Q881") in links
    assert not any(s == STATE + "cambodia" for s, _ in links)
    assert (URIRef(STATE + "cambodia"), SKOS.notation, Literal("KH")) in triples


def test_a_first_name_or_a_town_holding_a_name_names_no_state(tmp_path: Path, topics: frozenset[str]) -> None:
    text = (
        "date 2025-06-10 Dominique Dupont, the French minister, and the Ghanaian minister signed two "
        "agreements in Accra on Monday, on the Lao Cai railway. Samoa américaines was not named; Andorra "
        "la Vella was."
    )
    isos = {e.facts["iso"].value for e in draft_of(tmp_path, text, topics).section("states")}
    assert isos.isdisjoint({"DM", "WS", "AD", "LA"})


def test_a_build_naming_the_holy_see_conforms_to_the_shapes(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(PROJECT_ROOT / "seeds", sources)
    (sources / "900_holy_see.txt").write_text(
        "date 2025-06-10 Le Saint-Siège et le Burkina Faso ont signé lundi à Ouagadougou un accord-cadre "
        "sur le statut juridique de l'Église catholique.",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    built = accords("build", "--store", str(store), str(sources))
    assert built.returncode == 0, built.stderr
    validated = accords("validate", "--store", str(store))
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "Conforms: True" in validated.stdout
    found = select(
        open_read_only(store).store,
        f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label ?code ?link WHERE {{ <{STATE}holy-see> rdfs:label ?label ; skos:notation ?code
          OPTIONAL {{ <{STATE}holy-see> skos:exactMatch ?link }} FILTER(LANG(?label) = "en") }}""",
    )
    assert found == [{"label": "Holy See", "code": "VA"}]


@pytest.mark.parametrize("code", ["KH", "VA"])
def test_an_annotation_may_name_a_state_without_a_qid(
    tmp_path: Path, code: str, topics: frozenset[str]
) -> None:
    article = read_article(SEED_ARTICLE)
    path = tmp_path / "seed.yaml"
    path.write_text(
        SEED_ARTICLE.with_suffix(".yaml").read_text(encoding="utf-8").replace("iso: ML", f"iso: {code}"),
        encoding="utf-8",
    )
    (state,) = [
        e for e in load_annotation(path, article, topics).section("states") if e.facts["iso"].value == code
    ]
    assert state.wikidata is None


def test_an_annotation_naming_no_state_code_is_refused_in_one_line(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(
        SEED_ARTICLE.with_suffix(".yaml").read_text(encoding="utf-8").replace("iso: ML", "iso: XK"),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="'XK' is not an ISO 3166 code of the states table") as refused:
        load_annotation(path, read_article(SEED_ARTICLE), topics)
    assert "\n" not in str(refused.value)
