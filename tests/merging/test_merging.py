"""Several reports of one signing make one signing: counted once, every source's quotes kept.

The articles beside this file were written for these tests, in French and English, from the facts
of real reports (the Mali–Russia signing of Monday 23 June 2025 in Moscow: an intergovernmental
commission, nuclear energy with Rosatom, the principles of relations; the Élysée Treaty of
22 January 1963 and the Aachen Treaty of 22 January 2019; the United States–Pakistan agreements of
20 September 1972 in Washington and 21 September 1972 in Islamabad, UN Treaty Series vol. 852).
Their annotations are curated, written by hand.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph

from accords.config import Settings
from accords.loaders.reports import AgreementReport
from accords.loaders.resolution import INSTRUMENT_THRESHOLD, SIGNING_THRESHOLD, compatible, similarity
from accords.loaders.store import open_read_only
from accords.server.app import create_app
from tests.fixtures import PROJECT_ROOT, accords, select

HERE = Path(__file__).resolve().parent
SEED = "000_054c372ceee383ed"
ID = "https://w3id.org/accords/id/"
PREFIXES = """PREFIX acc: <https://w3id.org/accords/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wd: <http://www.wikidata.org/entity/>
"""
MALI_COUNT = (  # the query of issue #17, as written there
    "PREFIX acc: <https://w3id.org/accords/ontology#> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "PREFIX wd: <http://www.wikidata.org/entity/> "
    "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a acc:Agreement ; "
    "acc:party ?p . ?p skos:exactMatch wd:Q912 }"
)
MALI_SIGNING = f"{ID}signing/mali-russian-federation/2025-06"  # named by its month (README)
TWO = [SEED, "mali_russia_en_23june"]
THREE = [*TWO, "mali_russie_fr_23juin"]
FIVE = [*THREE, "mali_russia_en_two_deals", "mali_russie_fr_kremlin"]


def gather(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        home = PROJECT_ROOT / "seeds" if name == SEED else HERE
        for suffix in (".txt", ".yaml"):
            shutil.copy(home / f"{name}{suffix}", folder)
    return folder


def build(root: Path, names: list[str]) -> Path:
    store = root / "store"
    result = accords("build", "--store", str(store), str(gather(root / "articles", names)))
    assert result.returncode == 0, result.stderr
    return store


def query(store: Path, text: str) -> list[dict[str, str]]:
    return select(open_read_only(store).store, PREFIXES + text)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Stores of the Mali–Russia signing reported 2, 3 and 5 times (with every other test article)."""
    others = sorted(p.stem for p in HERE.glob("*.txt") if not p.stem.startswith("mali_"))
    return {
        len(names): build(tmp_path_factory.mktemp(f"reports-{len(names)}"), names + others)
        for names in (TWO, THREE, FIVE)
    }


@pytest.mark.parametrize("reports", [2, 3, 5])
def test_the_signing_counts_once_however_many_report_it(stores: dict[int, Path], reports: int) -> None:
    store = stores[reports]
    assert query(store, MALI_COUNT) == [{"n": "3"}]
    signings = query(
        store, "SELECT ?s WHERE { ?s a acc:Signing ; acc:reportedIn ?src . ?src acc:language ?l }"
    )
    mali = {r["s"] for r in signings if "mali" in r["s"]}
    assert mali == {MALI_SIGNING}
    sources = query(store, f"SELECT ?src WHERE {{ <{MALI_SIGNING}> acc:reportedIn ?src }}")
    assert len(sources) == reports


def test_the_issue_query_answers_three(stores: dict[int, Path]) -> None:
    for store in stores.values():
        assert query(store, MALI_COUNT) == [{"n": "3"}]


def test_instruments_are_matched_by_what_they_are_about_not_by_order(stores: dict[int, Path]) -> None:
    """The English report lists the nuclear deal first, the seed second, the French one third."""
    rows = query(
        stores[5],
        """SELECT ?a ?report WHERE { ?report acc:reportOf ?a . ?a a acc:Agreement ;
                acc:topic <https://w3id.org/accords/topic/nuclear-energy> }""",
    )
    assert {r["a"] for r in rows} == {f"{ID}agreement/mali-russian-federation/2025-06/energy"}
    assert {r["report"].removeprefix(f"{ID}agreement-report/") for r in rows} == {
        f"{SEED}/peaceful-nuclear-energy",
        "mali_russia_en_23june/nuclear-deal",
        "mali_russie_fr_23juin/nucleaire",
        "mali_russia_en_two_deals/nuclear",
        "mali_russie_fr_kremlin/nucleaire",
    }
    per_agreement = query(
        stores[5],
        "SELECT ?a (COUNT(DISTINCT ?src) AS ?n) WHERE { ?a a acc:Agreement ; acc:reportedIn ?src ; "
        "acc:signing <" + MALI_SIGNING + "> } GROUP BY ?a",
    )
    # the report that counts two agreements describes the commission and the nuclear deal only
    assert sorted(int(r["n"]) for r in per_agreement) == [4, 5, 5]


def test_reports_stay_in_their_source_graphs_with_a_class_of_their_own(stores: dict[int, Path]) -> None:
    store = stores[3]
    graph = "https://w3id.org/accords/graph/source/mali_russia_en_23june"
    reports = query(store, f"SELECT ?r WHERE {{ GRAPH <{graph}> {{ ?r a acc:AgreementReport }} }}")
    assert len(reports) == 3
    typed = query(
        store,
        "SELECT ?r WHERE { ?r a acc:AgreementReport . { ?r a acc:Agreement } UNION { ?r a acc:Signing } }",
    )
    assert typed == []
    stated = query(
        store,
        f"""SELECT ?party WHERE {{ GRAPH <{graph}> {{ ?st rdf:subject ?r ; rdf:predicate acc:party ;
            rdf:object ?party . ?r a acc:AgreementReport }} }}""",
    )
    assert {r["party"].rsplit("/", 1)[1] for r in stated} == {"mali", "russian-federation", "rosatom"}
    same_as = query(
        store, "SELECT ?x WHERE { ?x <http://www.w3.org/2002/07/owl#sameAs> ?y FILTER(?x != ?y) }"
    )
    assert same_as == []
    merged = query(
        store, "SELECT ?a WHERE { GRAPH <https://w3id.org/accords/graph/merged> { ?a a acc:Agreement } }"
    )
    assert len([r for r in merged if "mali" in r["a"]]) == 3


def test_every_fact_keeps_the_quotes_of_every_source(stores: dict[int, Path]) -> None:
    rows = query(
        stores[3],
        """SELECT ?quote ?begin ?end ?src WHERE {
            ?a a acc:Agreement ; acc:topic <https://w3id.org/accords/topic/nuclear-energy> .
            ?st rdf:subject ?a ; rdf:predicate acc:party ; rdf:object ?p ; acc:evidence ?e .
            ?p skos:exactMatch wd:Q912 .
            ?e acc:quote ?quote ; acc:begin ?begin ; acc:end ?end ; acc:source ?src }""",
    )
    sources = {r["src"].rsplit("/", 1)[1] for r in rows}
    assert sources == set(THREE)
    for row in rows:
        name = row["src"].rsplit("/", 1)[1]
        path = (PROJECT_ROOT / "seeds" if name == SEED else HERE) / f"{name}.txt"
        text = path.read_text(encoding="utf-8")
        assert text[int(row["begin"]) : int(row["end"])] == row["quote"]


def test_a_report_that_gets_the_count_wrong_is_a_conflict_and_no_count_is_published(
    stores: dict[int, Path],
) -> None:
    store = stores[5]
    assert query(store, f"SELECT ?n WHERE {{ <{MALI_SIGNING}> acc:announcedCount ?n }}") == []
    rows = query(
        store,
        f"""SELECT ?n ?src ?quote WHERE {{ <{MALI_SIGNING}> acc:conflict ?c .
            ?c acc:conflictProperty acc:announcedCount ; acc:conflictingStatement ?st .
            ?st rdf:object ?n ; acc:reportedIn ?src ; acc:evidence/acc:quote ?quote .
            FILTER NOT EXISTS {{ ?c acc:preferredStatement ?any }} }}""",
    )
    by_count: dict[str, set[str]] = {}
    for r in rows:
        by_count.setdefault(r["n"], set()).add(r["src"].rsplit("/", 1)[1])
    assert by_count == {"2": {"mali_russia_en_two_deals"}, "3": set(FIVE) - {"mali_russia_en_two_deals"}}
    assert {"Russia and Mali signed two agreements in Moscow this month"} == {
        r["quote"] for r in rows if r["n"] == "2"
    }
    assert query(stores[3], f"SELECT ?n WHERE {{ <{MALI_SIGNING}> acc:announcedCount ?n }}") == [{"n": "3"}]


def test_the_most_precise_compatible_date_is_preferred_and_the_others_kept(stores: dict[int, Path]) -> None:
    store = stores[5]
    assert query(store, f"SELECT ?d WHERE {{ <{MALI_SIGNING}> acc:date ?d }}") == [{"d": "2025-06-23"}]
    rows = query(
        store,
        f"""SELECT ?d ?src ?preferred ?rule WHERE {{ <{MALI_SIGNING}> acc:conflict ?c .
            ?c acc:conflictProperty acc:date ; acc:conflictingStatement ?st ;
               acc:preferredStatement/rdf:object ?preferred ; acc:preferenceRule ?rule .
            ?st rdf:object ?d ; acc:reportedIn ?src . FILTER(lang(?rule) = "en") }}""",
    )
    months = {r["src"].rsplit("/", 1)[1] for r in rows if r["d"] == "2025-06"}
    assert months == {SEED, "mali_russia_en_two_deals", "mali_russie_fr_kremlin"}
    assert {(r["preferred"], r["rule"]) for r in rows} == {
        ("2025-06-23", "the most precise of the compatible dates")
    }


def test_a_differing_place_is_a_conflict_not_a_split(stores: dict[int, Path]) -> None:
    store = stores[5]
    rows = query(
        store,
        f"""SELECT ?place ?src ?preferred WHERE {{ <{MALI_SIGNING}> acc:conflict ?c .
            ?c acc:conflictProperty acc:place ; acc:conflictingStatement ?st ;
               acc:preferredStatement/rdf:object ?preferred .
            ?st rdf:object ?place ; acc:reportedIn ?src }}""",
    )
    kremlin = {r["src"].rsplit("/", 1)[1] for r in rows if r["place"].endswith("/kremlin")}
    assert kremlin == {"mali_russie_fr_kremlin"}
    assert {r["preferred"] for r in rows} == {f"{ID}place/moscow"}
    assert query(store, f"SELECT ?p WHERE {{ <{MALI_SIGNING}> acc:place ?p }}") == [
        {"p": f"{ID}place/moscow"}
    ]


def test_two_signings_of_one_pair_in_different_years_stay_apart(stores: dict[int, Path]) -> None:
    rows = query(
        stores[2],
        """SELECT ?s (COUNT(DISTINCT ?src) AS ?n) WHERE { ?s a acc:Signing ; acc:reportedIn ?src ;
            ^acc:signing/acc:party/skos:exactMatch wd:Q183 } GROUP BY ?s""",
    )
    assert {r["s"].removeprefix(f"{ID}signing/"): r["n"] for r in rows} == {
        "france-germany/1963-01": "1",
        "france-germany/2019-01": "2",
    }


def test_signings_days_apart_in_different_cities_stay_apart(stores: dict[int, Path]) -> None:
    rows = query(
        stores[2],
        """SELECT ?s ?place ?src WHERE { ?s a acc:Signing ; acc:reportedIn ?src ;
            ^acc:signing/acc:party/skos:exactMatch wd:Q843 . OPTIONAL { ?s acc:place ?place } }""",
    )
    by_signing: dict[str, set[str]] = {}
    for r in rows:
        by_signing.setdefault(r["s"].removeprefix(f"{ID}signing/"), set()).add(r["src"].rsplit("/", 1)[1])
    assert by_signing == {
        "pakistan-united-states/1972-09-20": {"us_pakistan_washington_1972"},
        # the report that gives only the month joins the signing whose agreement it describes
        "pakistan-united-states/1972-09-21": {"us_pakistan_islamabad_1972", "us_pakistan_september_1972"},
    }
    places = {r["s"].rsplit("/", 1)[1]: r.get("place", "").rsplit("/", 1)[-1] for r in rows}
    assert places == {"1972-09-20": "washington", "1972-09-21": "islamabad"}


def test_explain_merge_says_why(stores: dict[int, Path]) -> None:
    store = str(stores[2])
    apart = accords(
        "explain-merge", "--store", store, "us_pakistan_washington_1972", "us_pakistan_islamabad_1972"
    )
    assert apart.returncode == 0, apart.stderr
    assert "dates 1972-09-20 and 1972-09-21 differ" in apart.stdout
    assert apart.stdout.rstrip().endswith("verdict: kept apart (see the reasons of each report above)")
    joined = accords(
        "explain-merge", "--store", store, "us_pakistan_islamabad_1972", "us_pakistan_september_1972"
    )
    assert "same parties, compatible dates, instrument similarity" in joined.stdout
    assert "verdict: joined" in joined.stdout
    merged = accords("explain-merge", "--store", store, MALI_SIGNING)
    assert "mali_russia_en_23june" in merged.stdout and SEED in merged.stdout
    unknown = accords("explain-merge", "--store", store, "no_such_source")
    assert unknown.returncode == 1
    assert unknown.stderr.count("\n") == 1 and "Traceback" not in unknown.stderr


def test_curated_annotations_take_precedence_over_machine_drafts(tmp_path: Path) -> None:
    folder = gather(tmp_path / "articles", [SEED, "mali_russia_en_23june"])
    draft = folder / "mali_russia_en_23june.yaml"
    text = draft.read_text(encoding="utf-8").replace("method: curated", "method: machine\nconfidence: 0.8")
    draft.write_text(text.replace("announced_count: 3", "announced_count: 4"), encoding="utf-8")
    store = tmp_path / "store"
    assert accords("build", "--store", str(store), str(folder)).returncode == 0
    signing = MALI_SIGNING
    assert query(store, f"SELECT ?n WHERE {{ <{signing}> acc:announcedCount ?n }}") == [{"n": "3"}]
    rows = query(
        store,
        f"""SELECT ?src ?rule WHERE {{ <{signing}> acc:conflict ?c .
            ?c acc:conflictProperty acc:announcedCount ;
               acc:preferredStatement/acc:reportedIn ?src ; acc:preferenceRule ?rule .
            FILTER(lang(?rule) = "en") }}""",
    )
    assert rows == [
        {"src": f"{ID}source/{SEED}", "rule": "the value of the curated annotations, over machine drafts"}
    ]


def _export(store: Path) -> list[str]:
    opened = open_read_only(store).store
    return sorted(str(q) for q in opened.quads_for_pattern(None, None, None, None))


def test_add_joins_a_known_event_and_remove_leaves_the_others_intact(tmp_path: Path) -> None:
    store = build(tmp_path / "two", TWO)
    added = gather(tmp_path / "new", ["mali_russie_fr_23juin"]) / "mali_russie_fr_23juin.txt"
    result = accords("build", "--store", str(store), "--add", str(added))
    assert result.returncode == 0, result.stderr
    assert _export(store) == _export(build(tmp_path / "three", THREE))
    assert query(store, MALI_COUNT) == [{"n": "3"}]

    result = accords("build", "--store", str(store), "--remove", "mali_russia_en_23june")
    assert result.returncode == 0, result.stderr
    assert _export(store) == _export(build(tmp_path / "rest", [SEED, "mali_russie_fr_23juin"]))
    assert query(store, MALI_COUNT) == [{"n": "3"}]
    sources = query(store, f"SELECT ?src WHERE {{ <{MALI_SIGNING}> acc:reportedIn ?src }}")
    assert {r["src"].rsplit("/", 1)[1] for r in sources} == {SEED, "mali_russie_fr_23juin"}


def _agreement(topics: set[str], words: set[str], parties: frozenset[str] = frozenset({"<a>", "<b>"})):
    report = AgreementReport("<r>", "s", True, "agreement")
    report.parties, report.topics, report.related, report.words = (
        parties,
        frozenset(topics),
        frozenset(topics),
        frozenset(words),
    )
    return report


def test_thresholds_and_date_compatibility() -> None:
    """The numbers the README gives, and what they decide."""
    assert (SIGNING_THRESHOLD, INSTRUMENT_THRESHOLD) == (0.5, 0.4)
    assert compatible("2025-06", "2025-06-23") and compatible("2025", "2025-06-23")
    assert not compatible("2025-06-16", "2025-06-23") and not compatible("2024-06", "2025-06")
    # the one topic of the brief report among the other's two (cover 1, Jaccard 1/2: topic 3/4) and
    # one title word of two in common: 0.6 × 3/4 + 0.4 × 1/2 = 0.65, the same instrument
    brief = _agreement({"agriculture"}, {"agric", "sales"})
    full = _agreement({"agriculture", "trade"}, {"agric", "produ", "vente"})
    assert similarity(brief, full) == pytest.approx(0.65)
    # one topic of three in common, no common word: 0.6 × (1/3 + 1/5) / 2 = 0.16, not the same instrument
    other = _agreement({"trade", "finance", "customs"}, {"debts"})
    assert similarity(_agreement({"trade", "energy", "health"}, {"nucle"}), other) < INSTRUMENT_THRESHOLD
    # no common party: never the same instrument
    assert similarity(brief, _agreement({"agriculture"}, {"agric"}, frozenset({"<c>", "<d>"}))) == 0.0
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"≥ {SIGNING_THRESHOLD}" in readme and f"≥ {INSTRUMENT_THRESHOLD}" in readme


def _merged_iris(store: Path) -> set[str]:
    rows = query(store, "SELECT ?r WHERE { { ?r a acc:Agreement } UNION { ?r a acc:Signing } }")
    return {r["r"].removeprefix(ID) for r in rows}


def test_a_more_precise_report_added_then_removed_keeps_the_merged_iris(tmp_path: Path) -> None:
    """The seed gives only the month; the English dispatch gives the day, lists the nuclear deal first,
    and states other topics in another order (the principles: political relations and security, not
    counter-terrorism, organized crime and defence)."""
    store = build(tmp_path / "seed", [SEED])
    seed_iris = {
        "signing/mali-russian-federation/2025-06",
        "agreement/mali-russian-federation/2025-06/economy",
        "agreement/mali-russian-federation/2025-06/energy",
        "agreement/mali-russian-federation/2025-06/politics-and-diplomacy",
    }
    assert _merged_iris(store) == seed_iris
    assert query(store, f"SELECT ?d WHERE {{ <{MALI_SIGNING}> acc:date ?d }}") == [{"d": "2025-06"}]

    added = gather(tmp_path / "new", ["mali_russia_en_23june"]) / "mali_russia_en_23june.txt"
    assert accords("build", "--store", str(store), "--add", str(added)).returncode == 0
    assert _merged_iris(store) == seed_iris
    assert query(store, f"SELECT ?d WHERE {{ <{MALI_SIGNING}> acc:date ?d }}") == [{"d": "2025-06-23"}]
    assert len(query(store, f"SELECT ?src WHERE {{ <{MALI_SIGNING}> acc:reportedIn ?src }}")) == 2
    assert _export(store) == _export(build(tmp_path / "two", TWO))

    assert accords("build", "--store", str(store), "--remove", "mali_russia_en_23june").returncode == 0
    assert _merged_iris(store) == seed_iris
    assert _export(store) == _export(build(tmp_path / "again", [SEED]))


def test_an_event_keeps_its_iris_however_many_report_it(stores: dict[int, Path]) -> None:
    """2, 3 and 5 reports (one counting two agreements, one at the Kremlin): the same merged IRIs."""
    assert _merged_iris(stores[2]) == _merged_iris(stores[3]) == _merged_iris(stores[5])
    assert "signing/mali-russian-federation/2025-06" in _merged_iris(stores[2])


def test_the_resource_page_shows_the_conflict_with_its_quotes(stores: dict[int, Path]) -> None:
    app = create_app(Settings(store=stores[5], query_timeout=10.0, query_processes=1))
    try:
        page = app.test_client().get(
            MALI_SIGNING.removeprefix("https://w3id.org/accords"), headers={"Accept": "text/html"}
        )
        html = page.get_data(as_text=True)
    finally:
        app.extensions["accords"].executors.close()
    assert page.status_code == 200
    section = html.split('id="conflicts-heading"', 1)[1].split("</section>", 1)[0]
    count = section.split('data-property="https://w3id.org/accords/ontology#announcedCount"', 1)[1]
    count = count.split("</tr>", 1)[0]
    assert "no value preferred" in count
    assert "« Russia and Mali signed two agreements in Moscow this month »" in count
    assert "« Trois accords ont été paraphés lundi dans la capitale russe »" in count
    place = section.split('data-property="https://w3id.org/accords/ontology#place"', 1)[1].split("</tr>", 1)[
        0
    ]
    assert "preferred: the value most of the reporting sources give" in place
    assert "Kremlin" in place and "Moscow" in place


def test_the_merged_graph_conforms_to_the_shapes_and_the_shapes_catch_a_lost_report(
    stores: dict[int, Path],
) -> None:
    result = accords("validate", "--store", str(stores[5]))
    assert result.returncode == 0, result.stdout
    data = Graph().parse(
        data="""@prefix acc: <https://w3id.org/accords/ontology#> .
        <https://example.org/r> a acc:SigningReport .
        <https://example.org/c> a acc:Conflict ; acc:conflictProperty acc:date .""",
        format="turtle",
    )
    shapes = Graph().parse(PROJECT_ROOT / "ontology" / "shapes.ttl")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes)
    assert not conforms
    assert "exactly one merged resource" in text and "at least two statements" in text


def test_void_counts_merged_events(stores: dict[int, Path]) -> None:
    app = create_app(Settings(store=stores[5], query_timeout=10.0, query_processes=1))
    try:
        response = app.test_client().get("/.well-known/void", headers={"Accept": "text/turtle"})
    finally:
        app.extensions["accords"].executors.close()
    assert response.status_code == 200
    void = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    rows = void.query(
        """PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?class ?n WHERE { ?d void:classPartition [ void:class ?class ; void:entities ?n ] }"""
    )
    counts = {str(c).rsplit("#", 1)[1]: int(n) for c, n in rows if "accords/ontology#" in str(c)}
    # Mali–Russia 3, France–Germany 1 + 1, United States–Pakistan 1 + 1: seven agreements of five
    # signings, from twenty agreement reports of eleven articles
    assert (counts["Agreement"], counts["Signing"]) == (7, 5)
    assert (counts["AgreementReport"], counts["SigningReport"]) == (20, 11)


def test_counts_per_pair_topic_and_year_count_events_not_reports(stores: dict[int, Path]) -> None:
    """The explorer's counts (its pair, timeline and topic queries' shapes) over five reports of one
    signing: Mali–Russia signed three agreements in 2025, one of them about energy (the nuclear one,
    with Rosatom, and Russia named by the report that counts two agreements)."""
    mali = "?a a acc:Agreement ; acc:party ?mali . ?mali skos:exactMatch wd:Q912 ."
    pairs = query(
        stores[5],
        f"""SELECT ?q (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {mali} ?a acc:party ?q . FILTER(?q != ?mali) }}
            GROUP BY ?q""",
    )
    assert {r["q"].removeprefix(ID): r["n"] for r in pairs} == {
        "state/russian-federation": "3",
        "organization/rosatom": "1",
    }
    years = query(
        stores[5],
        f"""SELECT ?year (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {mali} ?a acc:signing/acc:date ?date .
            BIND(SUBSTR(STR(?date), 1, 4) AS ?year) }} GROUP BY ?year""",
    )
    assert years == [{"year": "2025", "n": "3"}]
    topics = query(
        stores[5],
        f"""SELECT ?top (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {mali} ?a acc:concerns ?top .
            ?top skos:topConceptOf ?scheme }} GROUP BY ?top""",
    )
    assert {r["top"].rsplit("/", 1)[1]: r["n"] for r in topics} == {
        "economy": "1",
        "science-and-technology": "1",
        "energy": "1",
        "politics-and-diplomacy": "1",
        "security": "1",
    }


def test_monday_against_the_14th_is_a_conflict_on_the_weekday(tmp_path: Path) -> None:
    """The seed says « lundi » (June 2025); a report giving the 14th (a Saturday) is the same event."""
    folder = gather(tmp_path / "articles", [SEED, "mali_russia_en_23june"])
    report = folder / "mali_russia_en_23june.yaml"
    text = report.read_text(encoding="utf-8").replace("date: '2025-06-23'", "date: '2025-06-14'")
    report.write_text(text.replace("    weekday: Monday\n", ""), encoding="utf-8")
    store = tmp_path / "store"
    assert accords("build", "--store", str(store), str(folder)).returncode == 0
    signing = MALI_SIGNING
    assert query(store, f"SELECT ?d WHERE {{ <{signing}> acc:date ?d }}") == [{"d": "2025-06-14"}]
    assert query(store, f"SELECT ?w WHERE {{ <{signing}> acc:weekday ?w }}") == []
    rows = query(
        store,
        f"""SELECT ?p ?v WHERE {{ <{signing}> acc:conflict ?c . ?c acc:conflictProperty acc:weekday ;
            acc:conflictingStatement ?st . ?st rdf:predicate ?p ; rdf:object ?v }}""",
    )
    assert {(r["p"].rsplit("#", 1)[1], r["v"]) for r in rows} == {
        ("weekday", "https://schema.org/Monday"),
        ("date", "2025-06-14"),
    }
