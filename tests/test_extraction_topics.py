"""Topics of a signing: read where the text speaks of the signed instruments, not of the visit around them."""

from __future__ import annotations

from pathlib import Path

from tests.drafts import draft_of, given_topics


def test_the_one_described_agreement_takes_no_topic_from_the_background(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2024-05-14 Kenya and Finland signed a memorandum of understanding on health in Nairobi on "
        "Tuesday.\n\nThe two countries have worked together on tourism, energy and fisheries for forty "
        "years, and the visitors toured a flower farm.\n\nThe memorandum sets up a joint committee. It "
        "will train nurses.",
        topics,
    )
    given = given_topics(annotation)
    assert "health" in given, given
    assert not {"tourism", "energy", "fisheries"} & given, given


def test_a_domain_in_a_ministry_s_name_is_who_signs(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2023-09-05 Le Gabon et le Togo ont signé mardi à Lomé un accord sur la pêche, signé par le "
        "ministre gabonais de la Marine marchande et des Infrastructures et par son homologue togolais.",
        topics,
    )
    given = given_topics(annotation)
    assert "fisheries" in given, given
    assert "infrastructure" not in given, given


def test_earlier_agreements_and_drafts_lend_no_topic(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2022-10-20 Le Bénin et le Portugal ont signé mercredi à Cotonou trois accords de coopération "
        "dans le domaine de la santé.\n\nDepuis 2001, les deux pays avaient déjà conclu deux accords dans le "
        "domaine du tourisme. Des projets d'accords ont par ailleurs été préparés pour la pêche. Les "
        "ministres doivent encore finaliser d'autres accords, sur l'énergie.",
        topics,
    )
    given = given_topics(annotation)
    assert "health" in given, given
    assert not {"tourism", "fisheries", "energy"} & given, given


def test_a_budget_in_bullets_is_no_list_of_instruments(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2020-11-05 Le Niger et la Suisse ont signé mercredi 4 novembre à Niamey un accord de "
        "coopération de 30 millions de francs suisses, a annoncé le gouvernement dans un communiqué. "
        "Le texte a été signé par les ministres des deux pays, qui ont salué la qualité de leurs relations."
        "\n\nLe montant se répartit comme suit :\n\n"
        "- appui à l'éducation de base dans les régions du sud : 12 millions ;\n"
        "- appui à la santé maternelle et à la nutrition des enfants : 10 millions ;\n"
        "- gouvernance locale et décentralisation dans les communes : 8 millions.\n",
        topics,
    )
    assert len(annotation.section("agreements")) == 1


def test_an_english_domain_in_the_plural_is_that_domain(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2024-03-12 Chile and Peru signed four agreements in Lima on Monday. The texts cover small "
        "industries, new technologies and mining.",
        topics,
    )
    assert {"industry", "technology", "mining"} <= given_topics(annotation)


def test_air_services_and_exports_are_domains_of_the_scheme(tmp_path: Path, topics: frozenset[str]) -> None:
    english = draft_of(
        tmp_path, "date 2024-03-12 Chile and Peru signed an air services agreement in Lima on Monday.", topics
    )
    french = draft_of(
        tmp_path,
        "date 2024-03-12 Le Maroc et la Tunisie ont signé lundi à Rabat un accord sur les exportations.",
        topics,
    )
    assert "transport" in given_topics(english)
    assert "trade" in given_topics(french)


def test_the_scheme_s_definitions_name_domains_too(tmp_path: Path, topics: frozenset[str]) -> None:
    """Livestock is agriculture and double taxation finance, as the scheme's definitions say."""
    english = draft_of(
        tmp_path, "date 2024-03-12 Chile and Peru signed an agreement on livestock in Lima on Monday.", topics
    )
    french = draft_of(
        tmp_path,
        "date 2024-03-12 Le Bénin et le Rwanda ont signé lundi à Cotonou une convention de non-double "
        "imposition.",
        topics,
    )
    assert "agriculture" in given_topics(english)
    assert "finance" in given_topics(french)


def test_the_head_of_diplomacy_is_who_signs_not_a_topic(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2021-03-09 Le Congo et l'Angola ont signé lundi à Luanda un accord sur la pêche. Le texte a "
        "été signé par les chefs de la diplomatie des deux pays, et le chef de la diplomatie angolaise a "
        "salué un pas important, aux côtés du vice-ministre angolais du Commerce et du ministre "
        "congolais chargé de l'Énergie.",
        topics,
    )
    given = given_topics(annotation)
    assert "fisheries" in given, given
    assert not {"diplomacy", "trade", "energy"} & given, given


def test_an_adjective_beside_an_agreement_noun_names_its_domain(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2019-02-12 Le Maroc et le Niger ont signé mardi à Niamey un accord culturel et deux "
        "mémorandums agricoles.",
        topics,
    )
    given = given_topics(annotation)
    assert {"culture", "agriculture"} <= given, given
    english = draft_of(
        tmp_path,
        "date 2010-05-18 Argentina and Uruguay signed eleven agreements in Buenos Aires on Tuesday, covering "
        "cultural and environmental matters.",
        topics,
    )
    given = given_topics(english)
    assert {"culture", "environment"} <= given, given


def test_technical_links_a_list_of_domains_but_names_none(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2019-07-03 La Guinée et Djibouti ont signé mercredi à Conakry quatre accords. Les textes "
        "couvrent les domaines militaire et technique, culturel et judiciaire.",
        topics,
    )
    given = given_topics(annotation)
    assert {"military-cooperation", "culture", "justice"} <= given, given
    assert "technology" not in given, given


def test_the_title_names_the_signing_s_domain(tmp_path: Path, topics: frozenset[str]) -> None:
    titled = "date 2019-01-04\nRoutes rurales : la Tunisie emprunte 86 millions d'euros au Koweït\n\n"
    body = (
        "La Tunisie et le Koweït ont signé vendredi à Tunis un accord de prêt de 86 millions d'euros. "
        "Le texte a été signé par les ministres des deux pays."
    )
    assert "transport" in given_topics(draft_of(tmp_path, titled + body, topics))
    # a first line that a full stop closes is no title
    untitled = "date 2019-01-04\nLes routes rurales du pays sont en mauvais état.\n\n"
    assert "transport" not in given_topics(draft_of(tmp_path, untitled + body, topics))
