"""A signing still to come (wished for, set as a condition, next on an itinerary) yields no agreement."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.drafts import draft_of, parties


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


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-05-10 Les ministres du Bénin et du Niger ont été chargés d'un dossier qui devra déboucher "
        "sur la signature d'un accord de transit, a indiqué jeudi Cotonou.",
        "date 2024-05-10 Selon le protocole, la visite du président béninois au Niger sera marquée par la "
        "signature de plusieurs accords de coopération.",
        "date 2024-05-10 The President of Benin began a visit to Niger on Thursday that is expected to end "
        "with the signing of several agreements.",
        "date 2024-05-10 Benin's ambassador said the presidents of Benin and Niger would meet in Niamey and "
        "sign memoranda on trade and transport.",
    ],
)
def test_a_signing_that_a_future_verb_governs_gives_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-05-10 Les équipes du Bénin et du Niger travaillent sans relâche : depuis la signature de "
        "l'accord sur la frontière, elles ont posé 30 bornes.",
        "date 2015-09-20 Le président béninois a remercié son homologue nigérien pour sa présence à la "
        "cérémonie de signature, le 12 mai 2015 à Cotonou, de l'accord de paix.",
        "date 2024-05-10 It is the first visit of a Beninese president to Niger since 2012, the year the "
        "two countries signed their transit agreement.",
    ],
)
def test_an_earlier_signing_recalled_gives_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-05-10 Les discussions entre le Bénin et le Niger ont abouti jeudi à Niamey à la signature "
        "de trois accords.",
        "date 2024-05-10 Benin and Niger held talks in Niamey on Thursday and signed three agreements.",
        "date 2024-05-10 Le président du Bénin s'est rendu jeudi à Niamey pour la signature de trois accords "
        "avec le Niger.",
    ],
)
def test_a_signing_reached_or_attended_is_kept(tmp_path: Path, text: str, topics: frozenset[str]) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert parties(annotation) == [["benin", "niger"]]


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-05-10 Cotonou : le Bénin annonce la signature d'un accord de transit avec le Niger "
        "« la semaine prochaine », a indiqué jeudi le ministre du Commerce.",
        "date 2024-05-10 The signing of a transit accord between Benin and Niger in Cotonou is set for next "
        "week, officials said on Thursday.",
    ],
)
def test_a_signing_set_for_a_time_to_come_gives_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


def test_a_signed_agreement_that_takes_effect_later_is_kept(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2024-05-10 Le Bénin et le Niger ont procédé jeudi à Niamey à la signature d'un accord de "
        "transit qui entrera en vigueur le mois prochain.",
        topics,
    )
    assert parties(annotation) == [["benin", "niger"]]


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-06-14 Le Mali et le Sénégal ont achevé jeudi à Dakar leurs négociations sur le transport "
        "routier, la signature viendra plus tard.",
        "date 2024-06-14 Le Mali et le Sénégal ont tenu jeudi à Dakar une réunion de travail. La signature "
        "d'un accord de coopération en matière de transport est prévue.",
        "date 2024-06-14 Le Mali et le Sénégal ont achevé jeudi à Dakar leurs négociations sur un accord "
        "de transport routier. Sa signature, qui reste à venir, relèvera des deux présidents.",
        "date 2024-06-14 Mali and Senegal leaders meet in Dakar, signing ceremony to follow talks on a "
        "road transport agreement.",
    ],
)
def test_a_signing_noun_whose_predicate_puts_it_later_gives_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-06-14 Trois accords entre le Mali et le Sénégal ont été paraphés jeudi à Dakar par les "
        "deux ministres.",
        "date 2024-06-14 La signature d'un accord de transport routier entre le Mali et le Sénégal a eu lieu "
        "jeudi à Dakar.",
    ],
)
def test_a_signing_told_in_the_past_is_kept(tmp_path: Path, text: str, topics: frozenset[str]) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert parties(annotation) == [["mali", "senegal"]]


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-06-14 The leaders of Mali and Senegal will meet in Dakar on Thursday, to be followed by "
        "a signing ceremony for a road transport agreement.",
        "date 2024-06-14 The presidents of Mali and Senegal are due to witness the signing of a road "
        "transport agreement in Dakar on Thursday.",
    ],
)
def test_a_signing_after_a_meeting_or_under_an_infinitive_gives_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


def test_a_signing_witnessed_is_kept(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2024-06-14 The presidents of Mali and Senegal went to Dakar on Thursday to witness the signing "
        "of a road transport agreement.",
        topics,
    )
    assert parties(annotation) == [["mali", "senegal"]]


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-06-14 Mali confident of signing a road transport pact with Senegal at Dakar summit",
        "date 2024-06-14 Dakar diffère la signature de son accord de transport routier avec le Mali, a "
        "indiqué jeudi le ministre sénégalais.",
        "date 2024-06-14 Selon Dakar, l'accord de transport routier entre le Mali et le Sénégal n'attendait "
        "plus que d'être signé jeudi.",
        "date 2024-06-14 La signature d'un accord de transport routier entre le Mali et le Sénégal, qui "
        "était programmée jeudi à Dakar, n'a finalement pas eu lieu.",
        "date 2024-06-14 Le gouvernement du Mali a approuvé jeudi l'accord de transport routier négocié avec "
        "le Sénégal et a habilité son ministre à le signer à Dakar.",
        "date 2024-06-14 Le Conseil des ministres du Mali a adopté jeudi un décret autorisant la signature "
        "d'un accord de transport routier avec le Sénégal.",
    ],
)
def test_a_signing_hoped_for_put_off_or_authorised_gives_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-06-14 Les accords entre le Mali et le Sénégal ont été paraphés jeudi à Dakar. Le "
        "gouvernement malien a habilité son ministre à les signer en novembre. Cette signature permettra "
        "d'ouvrir la frontière.",
        "date 2024-06-14 Le Mali a adopté jeudi une décision autorisant la signature du protocole de pêche "
        "conclu avec le Sénégal. Le texte n'est pour l'instant que paraphé.",
    ],
)
def test_an_initialled_text_whose_signing_is_to_come_gives_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-06-14 Mali and Senegal initialled and signed three agreements in Dakar on Thursday.",
        "date 2024-06-14 Le Mali et le Sénégal ont signé jeudi à Dakar un accord de pêche conclu après deux "
        "ans de négociations.",
    ],
)
def test_an_initialled_or_concluded_text_that_is_signed_is_kept(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert parties(annotation) == [["mali", "senegal"]]


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-06-14 Un entretien entre les présidents du Mali et du Sénégal est prévu jeudi à Dakar, "
        "suivi de la « signature de conventions » dont la nature n'a pas été précisée.",
        "date 2024-06-14 Talks between the presidents of Mali and Senegal are scheduled in Dakar, "
        "on Thursday, followed by the signing of two agreements.",
    ],
)
def test_a_signing_that_follows_a_planned_event_gives_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


def test_a_signing_that_followed_talks_is_kept(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2024-06-14 The presidents of Mali and Senegal held talks in Dakar on Thursday, followed by the "
        "signing of two agreements.",
        topics,
    )
    assert parties(annotation) == [["mali", "senegal"]]


@pytest.mark.parametrize(
    "text",
    [
        # initialled as negotiations close: its signing is still to come
        "date 2024-06-14 Bénin-UE : un protocole paraphé\n\nAprès deux ans de négociations, le Bénin et "
        "l'Union européenne ont paraphé mercredi à Cotonou un nouveau protocole de pêche.",
        # the record of a meeting signed, not an agreement
        "date 2024-06-14 La commission mixte entre le Bénin et le Niger s'est achevée jeudi à Niamey sur la "
        "signature d'un communiqué conjoint par les deux ministres des Affaires étrangères.",
        "date 2024-06-14 The foreign ministers of Ghana and Togo signed a joint communique in Accra on "
        "Thursday on the trade agreement they are negotiating.",
        "date 2024-06-14 Le Bénin et le Niger ont échangé jeudi à Niamey des projets d'accords sur le "
        "commerce et la santé. Les travaux ont été sanctionnés par la signature d'un procès-verbal.",
        # a French infinitive: an intention
        "date 2024-06-14 Le ministre béninois a indiqué jeudi à Niamey que son pays entendait renforcer ses "
        "échanges avec le Niger et conclure de nouveaux accords.",
        # supposed, or still to be sealed
        "date 2024-06-14 The Ghana-Togo power agreement will take effect once the final text is signed, "
        "officials said in Accra on Thursday.",
        "date 2024-06-14 Ghana and Togo are ready to put the final seal on their power trade agreement in "
        "Accra on Tuesday.",
    ],
)
def test_a_text_initialled_a_record_or_an_intention_gives_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-06-14 Le Bénin et le Niger ont paraphé mercredi à Cotonou trois accords de coopération.",
        "date 2024-06-14 Les documents du prêt ont été paraphés jeudi à Niamey par les ministres des "
        "Finances du Bénin et du Niger.",
        "date 2024-06-14 Le Bénin et le Niger ont signé jeudi à Niamey deux accords et le communiqué "
        "conjoint de leur commission mixte.",
    ],
)
def test_a_text_paraphe_a_loan_or_a_communique_beside_agreements_is_kept(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert len(parties(annotation)) == 1 and len(parties(annotation)[0]) == 2


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-06-14 Officials of Ghana and Togo concluded negotiations on an air services agreement in "
        "Accra on Thursday.",
        "date 2024-06-14 La signature d'un accord de défense entre le Bénin et le Niger, annoncée pour jeudi "
        "à Niamey, a été reportée sine die.",
    ],
)
def test_talks_concluded_or_a_signing_put_off_after_an_aside_give_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-06-14 Ghana and Togo concluded an air services agreement in Accra on Thursday.",
        "date 2024-06-14 Ghana and Togo's two air services agreements were concluded during talks in Accra "
        "on Thursday.",
        "date 2024-06-14 La signature d'un accord de défense entre le Bénin et le Niger, qui avait été "
        "reportée en mai, a eu lieu jeudi à Niamey.",
    ],
)
def test_an_agreement_concluded_or_a_signing_once_put_off_is_kept(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert len(parties(annotation)) == 1 and len(parties(annotation)[0]) == 2


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-06-14 Les ministres du Bénin et du Niger ont signé jeudi à Niamey le communiqué final de "
        "la commission mixte chargée de l'accord de pêche.",
        "date 2024-06-14 The joint commission of Ghana and Togo, meeting in Accra on Thursday, recommended "
        "the signing of a defence agreement.",
        "date 2024-06-14 The signing of a trade deal between Ghana and Togo has been put off to a later "
        "date, officials said in Accra on Thursday.",
    ],
)
def test_a_communique_signed_a_signing_recommended_or_put_off_gives_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


def test_a_signing_in_the_recent_past_is_kept(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2024-06-14 Le Bénin et le Niger viennent de signer à Niamey trois accords de coopération.",
        topics,
    )
    assert parties(annotation) == [["benin", "niger"]]


@pytest.mark.parametrize(
    "text",
    [
        # a text initialled, the report saying it is not signed yet (its signing noun is the one to come)
        "date 2024-06-14 Le Bénin et le Niger ont paraphé vendredi à Niamey un accord de transport routier. "
        "Le texte n'est pas encore signé : il sera soumis aux deux gouvernements.",
        "date 2024-06-14 Le Mali et l'Union européenne ont paraphé mardi à Bruxelles un accord de pêche.\n\n"
        "Entre le paraphe et la signature officielle, plusieurs mois peuvent s'écouler.\n\n"
        "Le document n'a pas été signé.",
        "date 2024-06-14 Le Maroc et le Niger ont paraphé mardi à Rabat un accord agricole. L'accord devrait "
        "être signé dans les prochains mois par les deux parties, a indiqué le ministre.",
        "date 2024-06-14 La Suisse et le Maroc ont paraphé lundi à Berne une convention de double "
        "imposition. Elle sera signée après son approbation par le Conseil fédéral.",
        # a signing noun after « avant » / "before" in a clause to come, or at the next meeting
        "date 2024-06-14 Le Mali et le Niger ont finalisé jeudi à Bamako le texte d'un accord de "
        "coopération militaire, qui sera soumis aux deux gouvernements avant sa signature.",
        "date 2024-06-14 Ghana and Togo ended two days of talks in Accra on Thursday; the signing of a "
        "transit agreement at their next summit in Lome.",
        # « une fois … signé »: a signing supposed
        "date 2024-06-14 Les produits béninois entreront sans droits au Niger une fois le document "
        "officiellement signé, a indiqué jeudi à Niamey le ministre.",
        "date 2024-06-14 Le contenu des accords entre le Bénin et le Niger ne sera publié qu'une fois "
        "ceux-ci signés, a dit jeudi à Niamey un porte-parole.",
        # a signing noun qualified as later, or waiting
        "date 2024-06-14 Ghana and Togo initialled a trade agreement in Accra on Thursday, for submission "
        "to their cabinets and subsequent signature.",
        "date 2024-06-14 Ghana and Togo initial border deal; formal signature to wait for ratification "
        "votes in Accra",
        # an exchange of what is no text, talks whose participle is concluded
        "date 2024-06-14 Ghana and Togo discussed in Accra on Thursday an agreement on the exchange of "
        "young professionals.",
        "date 2024-06-14 The negotiations on the Ghana-Togo Transit Agreement were concluded by the two "
        "trade ministers in Accra on Thursday.",
        "date 2024-06-14 Les négociations sur l'accord de transit entre le Bénin et le Niger ont été "
        "conclues jeudi à Niamey.",
    ],
)
def test_a_text_initialled_or_talks_concluded_with_the_signing_to_come_give_no_agreement(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert annotation.section("agreements") == []


@pytest.mark.parametrize(
    "text",
    [
        "date 2024-06-14 Le Bénin et le Niger ont paraphé vendredi à Niamey trois accords de coopération, "
        "lors d'une cérémonie de signature présidée par les deux chefs d'État.",
        "date 2024-06-14 Le Bénin et le Niger ont paraphé vendredi à Niamey un accord de transport routier. "
        "La signature s'est déroulée en présence des deux présidents.",
        "date 2024-06-14 Avant la signature, les présidents du Bénin et du Niger se sont entretenus jeudi à "
        "Niamey, où ils ont signé un accord de défense.",
        "date 2024-06-14 Ghana and Togo signed in Accra on Thursday a cooperation agreement covering "
        "the next three years.",
        # « paraphé » for signed, beside another instrument still to be signed
        "date 2024-06-14 Trois accords ont été paraphés lundi à Niamey par le Bénin et le Niger. Un "
        "quatrième accord sera signé lors de la prochaine visite.",
        "date 2024-06-14 Le Bénin et le Niger ont paraphé lundi à Niamey deux accords de coopération. "
        "D'autres accords devraient être signés en juin.",
        "date 2024-06-14 Le Bénin et le Niger ont signé jeudi à Niamey un accord qui, une fois de plus, "
        "renforce leurs échanges.",
        "date 2024-06-14 Ghana and Togo signed a trade agreement in Accra on Thursday, after the "
        "subsequent talks on tariffs ended.",
        "date 2024-06-14 Ghana and Togo signed in Accra on Thursday an agreement on the exchange of "
        "instruments of ratification and two memoranda of understanding.",
        "date 2024-06-14 After the talks ended, Ghana and Togo concluded a transit agreement in Accra on "
        "Thursday.",
        "date 2024-06-14 The negotiations ended on Thursday and the Ghana-Togo Transit Agreement was "
        "concluded in Accra by the two trade ministers.",
    ],
)
def test_a_text_paraphe_or_concluded_beside_the_same_words_is_kept(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert parties(annotation), text
