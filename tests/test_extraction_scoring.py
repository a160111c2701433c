"""How `accords eval-extract` matches organizations (by label, by the label without its acronym,
by the Wikidata id of the verified table) and persons (with or without an honorific before the
name) — never two different bodies or persons."""

from __future__ import annotations

from pathlib import Path

import pytest

from accords.loaders.extraction.evaluate import evaluate_article

ARTICLE = """date 2024-03-12
Le Togo et la BOAD signent trois accords

Lomé, 12 mars 2024 — Le ministre togolais de l'Économie, Sani Yaya, et le président de la \
Banque ouest-africaine de développement, Serge Ekué, ont signé mardi à Lomé trois accords de \
prêt pour l'agriculture.
"""


BANK = "    label: {fr: Banque ouest-africaine de développement, en: West African Development Bank}"
PERSONS = (
    "  yaya: {name: Sani Yaya, represents: togo, quotes: [lead]}\n  ekue: {name: Serge Ekué, quotes: [lead]}"
)


def _gold(organization: str = BANK, persons: str = PERSONS) -> str:
    """A gold annotation of ARTICLE whose one organization and persons are written as given."""
    lead = "Le Togo et la BOAD signent trois accords"
    begin = ARTICLE.index(lead)
    return f"""language: fr
method: curated
quotes:
  lead: {{begin: {begin}, end: {begin + len(lead)}, text: "{lead}"}}
states:
  togo: {{iso: TG, label: {{fr: Togo, en: Togo}}, quotes: [lead]}}
organizations:
  bank:
{organization}
    quotes: [lead]
persons:
{persons}
places:
  lome: {{label: {{fr: Lomé, en: Lomé}}, country: togo, quotes: [lead]}}
signings:
  signing: {{date: "2024-03-12", place: lome, announced_count: 3, quotes: [lead]}}
agreements:
  loans: {{signing: signing, parties: [togo, bank], topics: [agriculture], quotes: [lead]}}
"""


def _score(tmp_path: Path, gold: str, field: str, topics: frozenset[str]) -> tuple[int, int, int]:
    """True positives, false positives and false negatives of ``field`` against ``gold``."""
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    article.with_suffix(".yaml").write_text(gold, encoding="utf-8")
    score = evaluate_article(article, topics).scores[field]
    return score.true_positives, score.false_positives, score.false_negatives


@pytest.mark.parametrize(
    "organization",
    [
        "    label: {fr: Banque ouest-africaine de développement, en: West African Development Bank}",
        # the gold's label carries the acronym the article gives beside the name
        "    label: {fr: Banque ouest-africaine de développement (BOAD)}",
        # a label the extractor does not give, but the same Wikidata id as the verified table's
        "    label: {fr: la banque de l'Union}\n    wikidata: Q2883427",
    ],
)
def test_the_same_bank_is_matched_however_the_gold_writes_it(
    tmp_path: Path, organization: str, topics: frozenset[str]
) -> None:
    assert _score(tmp_path, _gold(organization), "organizations", topics) == (1, 0, 0)


def test_another_bank_is_not_matched(tmp_path: Path, topics: frozenset[str]) -> None:
    other = "    label: {fr: Banque mondiale (BM), en: World Bank}\n    wikidata: Q7164"
    assert _score(tmp_path, _gold(other), "organizations", topics) == (0, 1, 1)


def test_a_person_is_matched_with_or_without_an_honorific(tmp_path: Path, topics: frozenset[str]) -> None:
    titled = PERSONS.replace("name: Sani Yaya", "name: Dr Sani Yaya").replace(
        "Serge Ekué", "Cheikh Serge Ekué"
    )
    assert _score(tmp_path, _gold(persons=titled), "persons", topics) == (2, 0, 0)


def test_an_honorific_does_not_make_another_person_match(tmp_path: Path, topics: frozenset[str]) -> None:
    other = PERSONS.replace("name: Sani Yaya", "name: Sheikh Sani")
    assert _score(tmp_path, _gold(persons=other), "persons", topics) == (1, 1, 1)
