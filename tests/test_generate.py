"""The synthetic corpus: annotations that pass the checker, quotes at their offsets, enough triples."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from accords.bench.generate import event_facts, generate_article, generate_corpus, slot
from accords.bench.merge_bench import run as merge_bench
from accords.loaders.annotation import load_annotation
from accords.loaders.article import read_article
from accords.loaders.ontology import ontology_graph, topic_slugs
from accords.loaders.reference import countries_by_iso2
from accords.loaders.sources import discover, read_source
from tests.fixtures import accords

ARTICLES = 40


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    assert generate_corpus(folder, ARTICLES, seed=5) == ARTICLES
    return folder


def test_every_annotation_passes_the_checker(corpus: Path) -> None:
    topics = topic_slugs(ontology_graph())
    sources = discover([corpus])
    assert len(sources) == ARTICLES
    languages, counts = set(), []
    for source in sources:
        article = read_article(source.article)
        assert source.annotation is not None
        annotation = load_annotation(source.annotation, article, topics)
        languages.add(annotation.language)
        counts.append(len(annotation.section("agreements")))
        assert 1995 <= article.year <= 2024
        for state in annotation.section("states"):
            assert state.facts["iso"].value in countries_by_iso2()
        for agreement in annotation.section("agreements"):
            assert set(agreement.facts["topics"].value) <= topics
    assert languages == {"fr", "en"}
    assert min(counts) >= 1 and max(counts) <= 25


def test_quotes_are_the_text_at_their_offsets(corpus: Path) -> None:
    for source in discover([corpus]):
        text = source.article.read_text(encoding="utf-8")
        quotes = yaml.safe_load(source.annotation.read_text(encoding="utf-8"))["quotes"]  # type: ignore[union-attr]
        assert len(quotes) >= 5
        for quote in quotes.values():
            assert text[quote["begin"] : quote["end"]] == quote["text"]


def test_triples_per_article_give_a_million_for_ten_thousand(corpus: Path) -> None:
    topics = topic_slugs(ontology_graph())
    triples = [len(read_source(source, topics)[1]) for source in discover([corpus])]
    mean = sum(triples) / len(triples)
    assert 150 <= mean <= 600, mean  # so 10,000 articles give 1.5 to 6 million asserted triples
    assert min(triples) >= 100


def test_generation_is_deterministic_and_prefix_stable(tmp_path: Path) -> None:
    assert generate_article(7, seed=1) == generate_article(7, seed=1)
    assert generate_article(7, seed=1) != generate_article(7, seed=2)
    small, large = tmp_path / "small", tmp_path / "large"
    generate_corpus(small, 3, seed=9)
    generate_corpus(large, 6, seed=9, processes=2)
    for path in small.iterdir():
        assert path.read_bytes() == (large / path.name).read_bytes()


def test_the_bench_generate_command(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    result = accords("bench", "generate", "--articles", "3", "--out", str(out), "--seed", "4")
    assert result.returncode == 0, result.stderr
    assert len(list(out.glob("*.txt"))) == 3 and len(list(out.glob("*.yaml"))) == 3
    built = accords("build", "--store", str(tmp_path / "store"), str(out))
    assert built.returncode == 0, built.stderr
    assert "built 3 source(s)" in built.stderr


def test_a_third_of_the_events_are_reported_several_times() -> None:
    slots = [slot(i, seed=3) for i in range(3000)]
    reports: dict[str, int] = {}
    for s in slots:
        reports[s.event] = max(reports.get(s.event, 0), s.report + 1)
    main = {e: n for e, n in reports.items() if not e.endswith("-near")}
    several = [n for n in main.values() if n > 1]
    assert 0.25 < len(several) / len(main) < 0.42
    assert set(several) == {2, 3, 4}
    for event in [e for e, n in main.items() if n > 1][:50]:
        first, near = event_facts(event, 3), event_facts(f"{event}-near", 3)
        assert {first.host, first.guest} == {near.host, near.guest}
        assert 1 <= abs((near.signed_on - first.signed_on).days) <= 30
        topics = {t.slug for i in first.instruments for t in i.topics}
        assert topics.isdisjoint({t.slug for i in near.instruments for t in i.topics})


def test_the_resolver_finds_the_reports_of_one_event(tmp_path: Path) -> None:
    result = merge_bench(120, tmp_path, seed=8)
    assert result["events_reported_several_times"] >= 10
    names = sorted(p.name for p in (tmp_path / "merge-corpus-120-8").glob("*.truth.tsv"))
    assert len(names) == 120
    for level in ("signings", "agreements"):
        assert result[level]["pairs_expected"] > 0
        assert result[level]["precision"] >= 0.98 and result[level]["recall"] >= 0.98, result[level]
