"""A signing's count and place, read from how the report words them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.drafts import draft_of, parties, values


@pytest.mark.parametrize(
    ("text", "count"),
    [
        (
            "date 2023-06-29 Les Seychelles et le Rwanda ont conclu mercredi à Victoria quatre protocoles "
            "d'accord ainsi qu'une convention sur le tourisme.",
            5,
        ),
        (
            "date 2023-06-29 Alongside the framework agreement, the ministers of Ghana and Togo signed four "
            "other documents in Accra on Wednesday.",
            5,
        ),
        (
            "date 2023-06-29 Outre l'accord de partenariat stratégique, les ministres du Ghana et du Togo "
            "ont signé trois conventions mercredi à Lomé.",
            4,
        ),
        (
            "date 2023-06-29 Ghana and Togo signed an agreement setting up a joint commission, together "
            "with three memoranda of understanding, in Accra on Wednesday.",
            4,
        ),
    ],
)
def test_a_count_takes_in_the_instrument_named_beside_it(
    tmp_path: Path, text: str, count: int, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert values(annotation, "signings", "announced_count") == [count]


def test_a_city_named_as_a_city_of_is_the_signing_place(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2019-11-26 Seoul, Hanoi sign trade memorandum\n\nThe trade ministers of South Korea and "
        "Vietnam signed a memorandum on Monday at a meeting in the southern port city of Busan.",
        topics,
    )
    assert values(annotation, "signings", "place") == ["busan"]


def test_an_envoys_post_is_not_the_signing_place(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2016-09-20 Le Premier ministre malien et le vice-président indien ont tenu mardi une séance de "
        "travail à Bamako. Deux accords de coopération ont été signés à l'issue de cette séance. Le second a "
        "été signé par l'ambassadeur du Mali à New Delhi et par l'ambassadeur de l'Inde au Mali.",
        topics,
    )
    assert values(annotation, "signings", "place") == ["bamako"]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        (
            "date 2019-07-25 La Côte d'Ivoire et la Russie ont signé trois accords lors de la visite du "
            "président ivoirien à Moscou, du 17 au 19 juillet 2019.",
            "2019-07",
        ),
        (
            "date 2018-07-09 Belgium and Congo signed two agreements at the close of a working visit to "
            "Brussels on 5 and 6 July 2018.",
            "2018-07",
        ),
        (
            "date 2019-10-10 La session de la commission mixte entre le Togo et le Burkina Faso, ouverte "
            "lundi à Lomé, s'est achevée le mardi 8 octobre 2019 par la signature de 14 accords.",
            "2019-10-08",
        ),
        (
            "date 2025-08-10 Azerbaijan and the United States signed a memorandum during President Aliyev's "
            "visit to Washington on 7–8 August 2025. On August 8, Mr Aliyev met the US president.",
            "2025-08-08",
        ),
    ],
)
def test_the_days_of_a_stay_or_of_its_opening_do_not_date_the_signing(
    tmp_path: Path, text: str, date: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert values(annotation, "signings", "date") == [date]


def test_a_capital_named_only_for_its_government_is_no_signing_place(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2024-03-14 Hanoi and Vientiane pledge closer ties\n\nVietnam and Laos signed three "
        "agreements on Tuesday, the Vietnamese foreign ministry said. Hanoi welcomed the deals, and "
        "Vientiane called them a milestone.",
        topics,
    )
    assert values(annotation, "signings", "place") == []
    assert values(annotation, "signings", "announced_count") == [3]


def test_the_town_a_report_places_its_visit_in_is_the_signing_place(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2024-03-14 Le président gabonais est arrivé lundi à Abidjan pour une visite de deux jours. Le "
        "Gabon et la Côte d'Ivoire ont signé mardi trois accords. Les liaisons aériennes entre Libreville et "
        "Abidjan seront renforcées.",
        topics,
    )
    assert values(annotation, "signings", "place") == ["abidjan"]


def test_instruments_of_an_earlier_signing_are_not_counted(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2024-05-10 Le Bénin et le Niger ont signé jeudi à Niamey un accord sur le transit. Depuis "
        "2010, les deux pays avaient déjà conclu un accord de défense et deux accords commerciaux.",
        topics,
    )
    assert values(annotation, "signings", "announced_count") == []
    assert len(annotation.section("agreements")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-03-08 Le ministre togolais des Affaires étrangères a conclu sa visite de travail au "
        "Ghana, jeudi à Accra, par la signature d'un mémorandum d'entente entre le Togo et le Ghana.",
        "date 2024-03-08 The joint commission between Ghana and Togo concluded on Thursday in Lome with the "
        "signing of five agreements.",
        "date 2024-03-08 Les travaux de la grande commission mixte entre le Niger et le Tchad se sont "
        "conclus mercredi à Niamey par la signature de quatre accords de coopération.",
        "date 2024-03-08 Le Togo a conclu avec la République du Ghana un accord-cadre de financement. Le "
        "texte a été paraphé jeudi à Lomé par les deux ministres.",
    ],
)
def test_a_meeting_that_ends_with_a_signing_gives_its_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    """A visit or a session « conclue par la signature », "concluded with the signing": an end that
    denies nothing, so the signing beside it (or a text initialled elsewhere) stands."""
    annotation = draft_of(tmp_path, text, topics)
    assert len(annotation.section("signings")) == 1
    assert len(parties(annotation)) == 1 and len(parties(annotation)[0]) == 2


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-03-08 La session de la commission mixte entre le Togo et le Ghana s'est conclue jeudi à "
        "Lomé par un communiqué conjoint. La signature d'un accord de transport est prévue en mars.",
        "date 2024-03-08 Les négociations entre le Togo et le Ghana se sont conclues jeudi à Lomé ; l'accord "
        "sera signé en mars.",
        "date 2024-03-08 Talks between Ghana and Togo concluded in Lome on Thursday; the signing of a trade "
        "agreement is scheduled for next month.",
        "date 2024-03-08 Le Togo et le Ghana ont paraphé jeudi à Lomé un accord-cadre. La visite s'est "
        "conclue sans autre annonce et la signature reste à venir.",
        "date 2024-03-08 The visit of Ghana's president to Togo concluded on Thursday in Lome; the two "
        "countries are expected to sign a trade agreement in May.",
        "date 2024-03-08 La visite du président ghanéen au Togo s'est conclue jeudi à Lomé sans la signature "
        "d'aucun accord.",
    ],
)
def test_a_meeting_that_ends_without_a_signing_gives_none(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("signings") == []
    assert annotation.section("agreements") == []


def test_bodies_discussed_after_the_signing_are_not_its_parties(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2024-03-08 Le Togo et le Ghana ont signé jeudi à Lomé un mémorandum d'entente sur la "
        "coopération consulaire. En marge de la signature, les deux ministres ont évoqué la coopération "
        "entre l'Union africaine et l'Union européenne.",
        topics,
    )
    assert parties(annotation) == [["ghana", "togo"]]


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-03-08 La visite s'est achevée jeudi à Lomé par la signature de trois accords entre le "
        "Togo et le Ghana, qui complètent l'accord de transit signé en 2010.",
        "date 2024-03-08 Le Togo et le Ghana ont paraphé jeudi à Lomé un accord-cadre sur l'énergie. Il "
        "remplace l'accord signé entre les deux pays en 2002.",
        "date 2024-03-08 The signing of three agreements between Ghana and Togo on Thursday in Lome updates "
        "the transit accord signed in 2010.",
        "date 2024-03-08 Le Togo et le Ghana ont paraphé jeudi à Lomé trois conventions. Depuis la signature "
        "du traité d'amitié en 1999, les deux pays coopèrent étroitement.",
    ],
)
def test_an_earlier_signing_recalled_beside_this_one_leaves_it_standing(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    """« l'accord signé en 2002 » is an earlier signing, not this one denied or still to come."""
    annotation = draft_of(tmp_path, text, topics)
    assert parties(annotation) and all(p == ["ghana", "togo"] for p in parties(annotation))


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-03-08 Le Togo et le Ghana ont paraphé jeudi à Lomé un accord-cadre sur l'énergie, qui "
        "sera signé en juin.",
        "date 2024-03-08 Les ministres du Togo et du Ghana ont évoqué jeudi à Lomé l'accord de transit signé "
        "en 2010.",
        "date 2024-03-08 The ministers of Ghana and Togo reviewed in Lome on Thursday the transit accord "
        "signed in 2010.",
        "date 2024-03-08 Le Togo et le Ghana ont paraphé jeudi à Lomé un accord-cadre sur l'énergie. La "
        "signature reste à venir ; l'accord précédent avait été signé en 2002.",
    ],
)
def test_an_earlier_signing_alone_gives_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-03-08 Le Togo et le Ghana ont paraphé trois accords jeudi à Lomé et signé un communiqué "
        "conjoint.",
        "date 2024-03-08 Les deux ministres ont signé le communiqué final de la commission mixte jeudi à "
        "Lomé, après la signature de trois accords entre le Togo et le Ghana.",
        "date 2024-03-08 Ghana and Togo signed a joint communique in Lome on Thursday, after the signing of "
        "three agreements on trade, energy and health.",
        "date 2024-03-08 Les ministres du Togo et du Ghana ont paraphé jeudi à Lomé un accord de "
        "coopération. Ils ont aussi signé un communiqué conjoint.",
    ],
)
def test_a_joint_communique_signed_beside_agreements_leaves_them_standing(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    """A joint communiqué is no agreement, and no sign either that the agreements are still to come."""
    annotation = draft_of(tmp_path, text, topics)
    assert parties(annotation) and all(p == ["ghana", "togo"] for p in parties(annotation))


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-03-08 Ghana and Togo signed a joint communique in Lome on Thursday at the end of their "
        "joint commission.",
        "date 2024-03-08 La commission mixte entre le Togo et le Ghana s'est achevée jeudi à Lomé par la "
        "signature d'un communiqué conjoint ; trois accords seront signés en mars.",
        "date 2024-03-08 Les ministres du Togo et du Ghana ont paraphé jeudi à Lomé un accord de "
        "coopération, qui sera signé en juin. Ils ont aussi signé un communiqué conjoint.",
    ],
)
def test_a_joint_communique_alone_gives_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


STATEMENT = ", the two governments said in a statement issued by the ministry."


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-03-08 Ghana and Togo penned five memoranda of understanding in Lome on Thursday"
        + STATEMENT,
        "date 2024-03-08 The foreign ministers of Ghana and Togo on Thursday put pen to paper on three "
        "agreements in Lome" + STATEMENT,
        "date 2024-03-08 A trade agreement was penned by Ghana and Togo in Lome on Thursday" + STATEMENT,
    ],
)
def test_penned_and_put_pen_to_paper_are_signings(tmp_path: Path, text: str, topics: frozenset[str]) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert parties(annotation) == [["ghana", "togo"]]


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-03-08 Ghana and Togo are expected to put pen to paper on a trade agreement in Lome next "
        "month" + STATEMENT,
        "date 2024-03-08 Ghana's foreign minister penned an opinion piece in Lome on Thursday about the "
        "future trade agreement with Togo" + STATEMENT,
        "date 2024-03-08 Ghana and Togo failed to put pen to paper on a trade agreement in Lome on "
        "Thursday" + STATEMENT,
        "date 2024-03-08 No agreement was penned when the presidents of Ghana and Togo met in Lome on "
        "Thursday" + STATEMENT,
    ],
)
def test_pen_to_paper_held_back_or_on_no_agreement_gives_none(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-03-08 Le Togo et le Ghana ont paraphé jeudi à Lomé trois accords de coopération. Les deux "
        "pays envisagent de signer d'autres accords l'an prochain.",
        "date 2024-03-08 Les ministres du Togo et du Ghana ont paraphé jeudi à Lomé un accord commercial. "
        "D'autres conventions seront signées en juin à Accra.",
    ],
)
def test_a_text_initialled_beside_other_instruments_to_come_is_signed(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert parties(annotation) and all(p == ["ghana", "togo"] for p in parties(annotation))


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-03-08 Le Togo et le Ghana ont paraphé jeudi à Lomé un accord commercial. Il sera signé en "
        "juin à Accra.",
        "date 2024-03-08 Le Togo et le Ghana ont paraphé jeudi à Lomé un accord commercial, dont la "
        "signature est prévue en juin.",
        "date 2024-03-08 Les négociateurs du Togo et du Ghana ont paraphé jeudi à Lomé un accord commercial. "
        "Sa signature interviendra lors d'une prochaine visite.",
    ],
)
def test_a_text_initialled_with_its_own_signing_to_come_gives_none(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "date 2024-03-08 La session de la commission mixte entre le Togo et le Ghana s'est conclue jeudi "
            "à Lomé par la signature de trois accords, a indiqué le porte-parole, selon l'Agence togolaise "
            "de presse (ATOP).",
            ["ghana", "togo"],
        ),
        (
            "date 2024-03-08 The joint commission of Ghana and Togo was concluded by the signing of three "
            "agreements in Lome on Thursday, the Ghana News Agency (GNA) reported.",
            ["ghana", "togo"],
        ),
        (
            "date 2024-03-08 Les trois accords ont été signés par le Togo et la Banque africaine de "
            "développement (BAD) jeudi à Lomé.",
            ["banque-africaine-de-developpement", "togo"],
        ),
    ],
)
def test_a_meeting_concluded_by_the_signing_has_no_agent_signing(
    tmp_path: Path, text: str, expected: list[str], topics: frozenset[str]
) -> None:
    """« conclue par la signature »: the news agency quoted after it signs nothing; « signés par »
    still names signers."""
    assert parties(draft_of(tmp_path, text, topics)) == [expected]
