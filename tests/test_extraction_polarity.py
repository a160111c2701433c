"""A signing still to come (wished for, set as a condition, next on an itinerary) yields no agreement."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.drafts import draft_of


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-03-08 Le Togo et le Ghana ont tenu jeudi à Lomé une réunion de leur commission mixte. "
        "Les deux délégations ont affirmé leur volonté de « signer un accord de libre-échange » avant la "
        "fin de l'année.",
        "date 2024-03-08 Accra a posé comme préalable à la signature d'un accord sur la frontière le "
        "retrait des troupes togolaises, a indiqué jeudi un porte-parole.",
        "date 2024-03-08 The presidents of Ghana and Togo will meet in Lome on Thursday, to be followed by "
        "the signing of three agreements on health, trade and energy.",
        "date 2024-03-08 Ghana and Togo expressed their willingness to sign a trade agreement during talks "
        "in Lome on Thursday.",
        "date 2024-03-08 Ghana's trade minister said on Thursday in Accra that it would be the first customs "
        "agreement signed by Togo with a West African neighbour.",
        "date 2024-03-08 The Ghana-Togo accord will cut tariffs on most goods from the moment it is signed, "
        "the ministers of both countries said in Lome on Thursday.",
    ],
)
def test_a_signing_wished_for_or_still_to_follow_gives_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


def test_a_signing_beside_a_will_named_elsewhere_is_kept(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2024-03-08 Le Togo et le Ghana ont signé jeudi à Lomé trois accords, conformément à leur "
        "volonté de renforcer leur coopération.",
        topics,
    )
    assert [e.facts["announced_count"].value for e in annotation.section("signings")] == [3]
    assert len(annotation.section("agreements")) == 1


def test_an_exchange_of_notes_is_a_signing(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2019-06-12 La reprise de la coopération entre le Niger et le Danemark a été officialisée mardi "
        "11 juin 2019 à Niamey par un échange de notes entre les deux gouvernements.",
        topics,
    )
    assert [sorted(e.facts["parties"].value) for e in annotation.section("agreements")] == [
        ["denmark", "niger"]
    ]
    assert [e.facts["date"].value for e in annotation.section("signings")] == ["2019-06-11"]


def test_a_visit_put_to_use_for_a_signing_is_a_signing(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2021-04-15 Le Premier ministre malien a mis à profit sa visite à Niamey, du 12 au 14 avril, "
        "pour signer deux conventions de coopération avec le Niger.",
        topics,
    )
    assert [sorted(e.facts["parties"].value) for e in annotation.section("agreements")] == [["mali", "niger"]]
