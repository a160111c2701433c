"""How `accords eval-extract` matches organizations: by label, by the label without its acronym,
and by the Wikidata id of the verified table — never two different bodies."""

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


def _gold(organization: str) -> str:
    """A gold annotation of ARTICLE whose one organization is written as ``organization``."""
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
places:
  lome: {{label: {{fr: Lomé, en: Lomé}}, country: togo, quotes: [lead]}}
signings:
  signing: {{date: "2024-03-12", place: lome, announced_count: 3, quotes: [lead]}}
agreements:
  loans: {{signing: signing, parties: [togo, bank], topics: [agriculture], quotes: [lead]}}
"""


def _organizations_score(tmp_path: Path, organization: str, topics: frozenset[str]) -> tuple[int, int, int]:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    article.with_suffix(".yaml").write_text(_gold(organization), encoding="utf-8")
    score = evaluate_article(article, topics).scores["organizations"]
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
    assert _organizations_score(tmp_path, organization, topics) == (1, 0, 0)


def test_another_bank_is_not_matched(tmp_path: Path, topics: frozenset[str]) -> None:
    other = "    label: {fr: Banque mondiale (BM), en: World Bank}\n    wikidata: Q7164"
    assert _organizations_score(tmp_path, other, topics) == (0, 1, 1)
