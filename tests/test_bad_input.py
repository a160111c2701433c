"""Bad input gets one readable message naming file and line, and the previous store is untouched."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import RDF, URIRef

from accords.loaders.namespaces import ACC, source_graph
from accords.loaders.reasoning import InconsistencyError, materialize
from accords.loaders.store import open_read_only
from tests.fixtures import PROJECT_ROOT, SEED_ARTICLE, accords, select

ANNOTATION = SEED_ARTICLE.with_suffix(".yaml")


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path, str]:
    """A copy of the seed, a store built from it, and that store's N-Quads export."""
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(SEED_ARTICLE, sources)
    shutil.copy(ANNOTATION, sources)
    store = tmp_path / "store"
    built = accords("build", "--store", str(store), str(sources))
    assert built.returncode == 0, built.stderr
    return sources, store, export(store)


def export(store: Path) -> str:
    result = accords("export", "--store", str(store), "--format", "nquads")
    assert result.returncode == 0, result.stderr
    return "\n".join(sorted(result.stdout.splitlines()))


def assert_refused(store: Path, before: str, args: list[str], pattern: str) -> str:
    result = accords("build", "--store", str(store), *args)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert "Traceback" not in message and len(message.splitlines()) == 1, message
    assert re.search(pattern, message), message
    assert export(store) == before
    assert not [p for p in (store / "builds").iterdir() if not (p / "build.json").exists()]
    return message


def edit_annotation(sources: Path, old: str, new: str) -> Path:
    path = sources / ANNOTATION.name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(
        i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line
    )


def test_yaml_syntax_error(workspace: tuple[Path, Path, str]) -> None:
    sources, store, before = workspace
    path = edit_annotation(sources, "  mali:\n    iso: ML", "  mali:\n    iso: [ML")
    assert_refused(store, before, [str(sources)], rf"{re.escape(str(path))}:\d+: YAML syntax")


def test_quote_not_at_its_offsets(workspace: tuple[Path, Path, str]) -> None:
    sources, store, before = workspace
    path = edit_annotation(sources, "    begin: 14\n", "    begin: 15\n")
    line = line_of(path, "  visit:")
    message = assert_refused(store, before, [str(sources)], rf"{re.escape(str(path))}:{line}: ")
    assert "not the article's text at 15..52" in message and "(the text is at 14..52)" in message


def test_unknown_topic(workspace: tuple[Path, Path, str]) -> None:
    sources, store, before = workspace
    path = edit_annotation(sources, "topics: [nuclear-energy]", "topics: [nuclear-power-plants]")
    line = line_of(path, "nuclear-power-plants")
    assert_refused(store, before, [str(sources)], rf":{line}: 'nuclear-power-plants' is not a topic")


def test_unknown_reference(workspace: tuple[Path, Path, str]) -> None:
    sources, store, before = workspace
    edit_annotation(sources, "parties: [mali, russia]", "parties: [mali, russie]")
    assert_refused(
        store,
        before,
        [str(sources)],
        r"parties: 'russie' is not one of the states or organizations",
    )


def test_unconfirmed_wikidata_id(workspace: tuple[Path, Path, str]) -> None:
    sources, store, before = workspace
    edit_annotation(sources, "    name: Assimi Goïta\n", "    name: Assimi Goïta\n    wikidata: Q123456\n")
    assert_refused(store, before, [str(sources)], r"Q123456 is not in the verified Wikidata tables")


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b"", r"the article is empty"),
        (b"\x00\x01\x02binary", r"binary file"),
        (b"Bamako et Moscou signent.", r":1: the article must start with a 'date YYYY-MM' header"),
        (b"date 2025-13 Texte.", r":1: impossible date"),
        (b"date 2025-06 caf\xe9", r"not valid UTF-8"),
    ],
)
def test_bad_article(workspace: tuple[Path, Path, str], content: bytes, pattern: str) -> None:
    sources, store, before = workspace
    (sources / SEED_ARTICLE.name).write_bytes(content)
    assert_refused(store, before, [str(sources)], pattern)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (
            "date 2025-06 Le ministre a visité une usine de coton et a signé le livre d'or.",
            r"lone.txt: no state found in the article, .*\(and there is no annotation lone.yaml beside it",
        ),
        (
            "date 2025-06 El presidente de Malí y el presidente de Rusia firmaron el lunes en Moscú tres "
            "acuerdos de cooperación económica.",
            r"lone.txt: the article is neither in French nor in English",
        ),
    ],
)
def test_article_without_annotation(
    workspace: tuple[Path, Path, str], tmp_path: Path, text: str, pattern: str
) -> None:
    """An article without annotation is extracted: with no state, or in another language, refused."""
    _, store, before = workspace
    lone = tmp_path / "lone.txt"
    lone.write_text(text, encoding="utf-8")
    assert_refused(store, before, [str(lone)], pattern)


def test_article_without_annotation_is_built_from_its_extraction(workspace: tuple[Path, Path, str]) -> None:
    """Its source graph says the facts are machine-extracted, with a confidence; curated ones stay curated."""
    sources, store, _ = workspace
    article = PROJECT_ROOT / "loaders" / "extraction" / "gold" / "009_egypt_russia.txt"
    shutil.copy(article, sources)
    built = accords("build", "--store", str(store), str(sources))
    assert built.returncode == 0, built.stderr
    methods = {}
    db = open_read_only(store).store
    for source_id in (article.stem, SEED_ARTICLE.stem):
        rows = select(
            db,
            f"""PREFIX acc: <{ACC}>
            SELECT ?method ?confidence WHERE {{
                GRAPH <{source_graph(source_id)}> {{
                    ?source acc:extractionMethod ?method . OPTIONAL {{ ?source acc:confidence ?confidence }}
                }}
            }}""",
        )
        assert len(rows) == 1, rows
        methods[source_id] = rows[0]
    assert methods[article.stem]["method"] == "machine"
    assert 0 < float(methods[article.stem]["confidence"]) <= 1
    assert methods[SEED_ARTICLE.stem] == {"method": "curated"}


def test_bad_rdf_file_for_a_named_graph(workspace: tuple[Path, Path, str], tmp_path: Path) -> None:
    sources, store, before = workspace
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\n", encoding="utf-8")
    assert_refused(store, before, [str(sources), "--graph", f"http://example.org/g={bad}"], r"bad.ttl:3: ")


def test_missing_source(workspace: tuple[Path, Path, str], tmp_path: Path) -> None:
    _, store, before = workspace
    assert_refused(store, before, [str(tmp_path / "nowhere")], r"nowhere: no such file or folder")


def test_extra_graph_is_loaded_as_is(workspace: tuple[Path, Path, str], tmp_path: Path) -> None:
    sources, store, _ = workspace
    data = tmp_path / "data.nt"
    data.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    result = accords("build", "--store", str(store), str(sources), "--graph", f"http://example.org/g={data}")
    assert result.returncode == 0, result.stderr
    assert (
        "<http://example.org/a> <http://example.org/b> <http://example.org/c> <http://example.org/g> ."
        in export(store)
    )


def test_inconsistency_is_reported_readably() -> None:
    """A resource typed with two disjoint classes makes owlrl report, and the build refuses."""
    from accords.loaders.ontology import ontology_graph

    thing = URIRef("https://w3id.org/accords/id/person/nobody")
    triples = [*ontology_graph(), (thing, RDF.type, ACC.Person), (thing, RDF.type, ACC.State)]
    with pytest.raises(InconsistencyError, match="inconsistent under OWL 2 RL"):
        materialize(triples)


def test_article_reporting_no_signing_is_built_without_agreement(workspace: tuple[Path, Path, str]) -> None:
    """Talks where nothing was signed: built (states, persons), no agreement, and the summary says so."""
    sources, store, _ = workspace
    (sources / "talks.txt").write_text(
        "date 2025-02-12 Japanese Prime Minister Shigeru Ishiba and Indian Prime Minister Narendra Modi "
        "held talks in Tokyo on Tuesday. No document was signed; a pact is to be signed at an early date.",
        encoding="utf-8",
    )
    built = accords("build", "--store", str(store), str(sources))
    assert built.returncode == 0, built.stderr
    assert "1 report no signing (no agreement): talks" in built.stderr
    db = open_read_only(store).store
    rows = select(
        db,
        f"""PREFIX acc: <{ACC}>
        SELECT ?type WHERE {{ GRAPH <{source_graph("talks")}> {{ ?x a ?type }} }}""",
    )
    types = {row["type"].rsplit("#", 1)[-1].rsplit("/", 1)[-1] for row in rows}
    assert "State" in types and "Person" in types
    assert not types & {"Agreement", "Signing"}
