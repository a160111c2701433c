"""Parties of a drafted signing: bodies with an institution's head noun, organizations named in passing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.drafts import draft_of, parties, values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a company and a chamber signing during a state visit
            "date 2025-06-10 Ghana and Togo signed three agreements in Accra on Monday. A memorandum was "
            "signed between the Volta River Shipping Company and the Lome International Chamber.",
            {"volta-river-shipping-company", "lome-international-chamber"},
        ),
        (  # a library and a laboratory named by « of »
            "date 2025-06-10 Ghana and Togo signed two agreements in Accra on Monday, one between the "
            "National Library of Ghana and the Central Laboratory of Togo.",
            {"national-library-of-ghana", "central-laboratory-of-togo"},
        ),
        (  # a French port and chamber
            "date 2025-06-10 Le Togo et le Ghana ont signé lundi à Lomé trois accords. Une convention lie "
            "le Port autonome de Lomé et la Chambre ghanéenne de commerce.",
            {"port-autonome-de-lome", "chambre-ghaneenne-de-commerce"},
        ),
    ],
)
def test_bodies_named_by_an_institutions_head_noun_sign_beside_the_states(
    tmp_path: Path, text: str, expected: set[str], topics: frozenset[str]
) -> None:
    found = {key for keys in parties(draft_of(tmp_path, text, topics)) for key in keys}
    assert expected <= found


def test_an_organization_owned_by_a_state_in_a_signatorys_title_is_no_party(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-06-10 Ghana and Togo signed two agreements in Accra on Monday. Ghana's security adviser "
        "Kofi Mensah and the Secretary of Togo's Defence Council, Kossi Agbeko, signed a plan on security.",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert {"ghana", "togo"} <= found and "defence-council" not in found


def test_a_un_agency_named_in_full_with_its_acronym_is_the_party_not_the_un(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-06-10 Le Niger et le Fonds des Nations unies pour la population (UNFPA) ont signé mardi "
        "à Niamey un accord de financement pour la santé maternelle.",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert "fonds-des-nations-unies-pour-la-population" in found
    assert "organisation-des-nations-unies" not in found


def test_a_name_closed_by_an_acronym_does_not_swallow_the_name_before_it(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-06-10 Le Togo et le Ghana ont signé lundi à Lomé deux accords. Une convention lie "
        "l'Institut national de recherche du Togo et l'Institut ghanéen de la pêche et des océans (IGPO).",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert {"institut-national-de-recherche-du-togo", "institut-ghaneen-de-la-peche-et-des-oceans"} <= found


def test_a_lawyers_or_bishops_title_is_no_part_of_the_name(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-06-10 Le Togo et le Ghana ont signé lundi à Lomé deux accords. Le ministre togolais de la "
        "Justice, Me Kossi Agbeko, a signé pour le Togo, en présence de Mgr Paul Mensah.",
        topics,
    )
    names = set(values(annotation, "persons", "name"))
    assert {"Kossi Agbeko", "Paul Mensah"} <= names
    assert not {"Me Kossi Agbeko", "Mgr Paul Mensah"} & names


def test_an_organization_in_a_ministers_title_is_no_party(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-06-10 Le Bénin et le Togo ont signé lundi à Cotonou deux accords. Le ministre des "
        "Affaires étrangères et de l'Union africaine, Paul Adjovi, et son homologue togolais, Komi Dossou, "
        "ont signé deux mémorandums, l'un sur la santé, l'autre sur l'éducation.",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert {"benin", "togo"} <= found
    assert not {key for key in found if "union" in key}


def test_an_organization_whose_head_signs_stays_a_party(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-06-10 The Minister of Finance of Ghana, Kofi Mensah, and the Vice President of the "
        "World Bank, Anna Berg, signed a credit agreement in Accra on Monday for rural roads.",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert "world-bank" in found


def test_a_commission_or_an_organisme_closed_by_its_acronym_signs(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-06-10 La Banque mondiale et la Commission nationale de lutte contre la corruption (CNLC) "
        "ont signé mardi à Niamey un accord de don pour la gouvernance au Niger.",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert "commission-nationale-de-lutte-contre-la-corruption" in found
    assert "NE" not in found and "niger" not in found  # Niger is where the grant goes, not a signer


def test_bodies_an_instrument_brings_together_sign_it(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-06-10 Le Mali et le Sénégal ont signé lundi à Dakar trois accords de coopération. Le "
        "troisième est une convention sur la formation, qui associe l'Agence malienne pour l'emploi des "
        "jeunes (AMEJ) et l'Office national de la main-d'œuvre (ONMO).",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert {"agence-malienne-pour-l-emploi-des-jeunes", "office-national-de-la-main-d-uvre"} <= found


def test_a_name_after_and_an_owners_possessive_is_a_name_of_its_own(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-06-10 Singapore and Uzbekistan signed two agreements in Tashkent on Monday. The first "
        "agreement, between the Ministry of Health and Singapore's Nanyang Polytechnic International, was "
        "signed by the two ministers and covers nursing.",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert "nanyang-polytechnic-international" in found
    assert not {key for key in found if key.startswith("health")}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "date 2025-06-10 Oman and Jordan signed three agreements in Muscat on Monday. "
            "Sultan bin Khalid Al Rawahi, Minister of Labour, signed for Oman.",
            "Sultan bin Khalid Al Rawahi",  # a title word before « bin » is a first name
        ),
        (
            "date 2025-06-10 Le Soudan et le Tchad ont signé lundi à Khartoum deux accords. Le ministre "
            "soudanais, Nasr el-din Omar Khalil, a signé pour le Soudan.",
            "Nasr el-din Omar Khalil",  # « el-din » inside the name
        ),
        (
            "date 2025-06-10 Iraq and Jordan signed two agreements in Baghdad on Monday, witnessed by Prime "
            "Minister Ahmed Jasim al Rubaie.",
            "Ahmed Jasim al Rubaie",  # a lower-case « al » before the last name
        ),
        (
            "date 2025-06-10 The Netherlands and Ghana signed two agreements in Accra on Monday. "
            "Trade Minister Hendrik van der Berg signed for the Netherlands.",
            "Hendrik van der Berg",  # two particles in a row
        ),
        (
            "date 2025-06-10 Oman and Jordan signed two agreements in Muscat on Monday. Minister of Culture "
            "Salma bint Khalid Al Harthy signed for Oman.",
            "Salma bint Khalid Al Harthy",  # « bint », a daughter's patronymic particle
        ),
    ],
)
def test_names_with_particles_are_one_person(
    tmp_path: Path, text: str, name: str, topics: frozenset[str]
) -> None:
    names = set(values(draft_of(tmp_path, text, topics), "persons", "name"))
    assert name in names
    assert not any(other != name and other in name for other in names)  # no short form of it beside it


@pytest.mark.parametrize(
    "text",
    [
        "date 2025-06-10 Le Gabon et le Congo ont signé lundi à Libreville deux accords. Le président Denis "
        "Sassou Nguesso a salué ces textes. Denis Sassou a ensuite quitté Libreville.",
        "date 2025-06-10 Le Gabon et le Congo ont signé lundi à Libreville deux accords. Denis Sassou a "
        "salué ces textes. Le président Denis Sassou Nguesso a ensuite quitté Libreville.",
    ],
)
def test_a_names_first_words_are_the_same_person(tmp_path: Path, text: str, topics: frozenset[str]) -> None:
    names = values(draft_of(tmp_path, text, topics), "persons", "name")
    assert names == ["Denis Sassou Nguesso"]


def test_a_french_name_keeps_its_two_adjectives(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-06-10 Le Tchad et la Banque de développement économique africaine ont signé lundi à "
        "N'Djamena un accord de prêt pour des routes rurales.",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert "banque-de-developpement-economique-africaine" in found


def test_two_initials_after_an_honorific_belong_to_the_name(tmp_path: Path, topics: frozenset[str]) -> None:
    text = (
        "date 2025-06-10 Bangladesh and Nepal signed two agreements in Dhaka on Monday. Foreign Minister "
        "Dr AK Rahman Khan signed for Bangladesh."
    )
    names = values(draft_of(tmp_path, text, topics), "persons", "name")
    assert "AK Rahman Khan" in names and "Rahman Khan" not in names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "date 2025-06-10 Japan and Korea signed two agreements in Seoul on Monday, led by Cabinet "
            "Councilor Park Min Ho.",
            "Park Min Ho",
        ),
        (
            "date 2025-06-10 Le Mali et le Niger ont signé lundi à Bamako deux accords, en présence du "
            "Conseiller spécial Amadou Traoré.",
            "Amadou Traoré",
        ),
    ],
)
def test_a_councilor_is_a_role_not_a_name(
    tmp_path: Path, text: str, name: str, topics: frozenset[str]
) -> None:
    names = values(draft_of(tmp_path, text, topics), "persons", "name")
    assert names == [name]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "date 2025-06-10 Kenya and Ghana signed four agreements in Nairobi on Monday after talks headed "
            "by Presidents Samuel Kariuki and Kwame Boateng.",
            {"Samuel Kariuki", "Kwame Boateng"},
        ),
        (
            "date 2025-06-10 Le Mali et le Togo ont signé lundi à Bamako un accord entre deux groupes, en "
            "présence de leurs PDG, Amadou Keita et Kossi Amegah.",
            {"Amadou Keita", "Kossi Amegah"},
        ),
    ],
)
def test_a_name_joined_to_a_persons_name_is_a_person(
    tmp_path: Path, text: str, expected: set[str], topics: frozenset[str]
) -> None:
    names = set(values(draft_of(tmp_path, text, topics), "persons", "name"))
    assert expected <= names


def test_a_one_word_body_joined_to_a_role_is_no_person(tmp_path: Path, topics: frozenset[str]) -> None:
    text = (
        "date 2025-06-10 Sierra Leone and Ghana signed two agreements in Freetown on Monday, signed by the "
        "Minister of Fisheries and Marine Resources and the Minister of Trade, Abu Kamara."
    )
    names = set(values(draft_of(tmp_path, text, topics), "persons", "name"))
    assert names == {"Abu Kamara"}


def test_a_headlines_short_name_is_the_same_organization(tmp_path: Path, topics: frozenset[str]) -> None:
    text = (
        "date 2025-03-04\nSaudi Fund lends Ghana $20 million for roads\n\n"
        "RIYADH, March 4 – The Saudi Fund for Development on Tuesday signed a loan agreement with Ghana "
        "to build rural roads."
    )
    annotation = draft_of(tmp_path, text, topics)
    assert values(annotation, "organizations", "label") == [{"en": "Saudi Fund for Development"}]
    assert parties(annotation) == [["ghana", "saudi-fund-for-development"]]


def test_an_instrument_named_like_a_body_is_no_organization(tmp_path: Path, topics: frozenset[str]) -> None:
    text = (
        "date 2025-03-04 Oman and Kenya signed three agreements in Muscat on Tuesday, among them an "
        "Executive Programme for Cultural Cooperation for 2025–2027 and a Joint Fund for Youth Exchanges."
    )
    annotation = draft_of(tmp_path, text, topics)
    assert values(annotation, "organizations", "label") == []
    assert parties(annotation) == [["kenya", "oman"]]


def test_the_host_the_capitals_state_and_the_guests_are_not_parties(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    text = (
        "date 2024-05-08\nLes présidents burundais Évariste Ndayishimiye et tanzanien Samia Suluhu Hassan "
        "ont signé mercredi à Nairobi, la capitale kényane, un accord sur la sécurité de leur frontière "
        "commune.\n\n"
        "Le texte a été signé au cours d'une rencontre organisée à l'invitation du président kényan, William "
        "Ruto, en présence des chefs d'État du Rwanda, Paul Kagame, et de l'Ouganda, Yoweri Museveni."
    )
    assert parties(draft_of(tmp_path, text, topics)) == [["burundi", "tanzania"]]


def test_a_board_is_a_body_that_signs(tmp_path: Path, topics: frozenset[str]) -> None:
    text = (
        "date 2024-02-12 Nepal and Bangladesh signed two memorandums in Dhaka on Monday:\n\n"
        "1. an MoU between the Nepalese Tea Board and the Tea Development Authority of Bangladesh;\n"
        "2. an MoU on cooperation in tourism."
    )
    annotation = draft_of(tmp_path, text, topics)
    assert ["nepalese-tea-board", "tea-development-authority-of-bangladesh"] in parties(annotation)


def test_an_academy_signs_but_not_the_academy_that_owns_an_institute(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    text = (
        "date 2024-02-12 Chile and Peru signed two memorandums in Lima on Monday:\n\n"
        "1. an MoU between the Chilean Diplomatic Academy and the Peruvian Academy of Diplomacy;\n"
        "2. an MoU between the Institute of Volcanology of Chile's National Academy of Sciences and the "
        "Peruvian Geophysics Institute."
    )
    found = parties(draft_of(tmp_path, text, topics))
    assert ["chilean-diplomatic-academy", "peruvian-academy-of-diplomacy"] in found
    assert not any("national-academy-of-sciences" in p for p in found)


def test_a_short_domain_word_belongs_to_the_role(tmp_path: Path, topics: frozenset[str]) -> None:
    text = (
        "date 2024-02-12 Qatar and Oman signed an energy agreement in Doha on Monday. It was signed by the "
        "Minister of Oil Hamad Nasser Al-Kuwari and the Minister of Gas Salim Rashid Al-Harthy."
    )
    names = set(values(draft_of(tmp_path, text, topics), "persons", "name"))
    assert names == {"Hamad Nasser Al-Kuwari", "Salim Rashid Al-Harthy"}


def test_portuguese_particles_stand_inside_a_name(tmp_path: Path, topics: frozenset[str]) -> None:
    text = (
        "date 2024-02-12 L'Angola et le Mozambique ont signé lundi à Luanda un accord sur la pêche, signé "
        "par le ministre angolais des Pêches, Carlos do Nascimento, et le ministre mozambicain, Rui Pedro e "
        "Sousa."
    )
    names = set(values(draft_of(tmp_path, text, topics), "persons", "name"))
    assert {"Carlos do Nascimento", "Rui Pedro e Sousa"} <= names


def test_an_offices_capitalized_domain_is_no_person(tmp_path: Path, topics: frozenset[str]) -> None:
    text = (
        "date 2024-02-12 Finland and Kenya signed an agreement in Nairobi on Monday. It was signed by "
        "Finland's Minister for Nordic Cooperation, Ville Tavio, and by the Secretary of State for "
        "Regional Integration, Grace Wanjiku Mutua."
    )
    names = set(values(draft_of(tmp_path, text, topics), "persons", "name"))
    assert names == {"Ville Tavio", "Grace Wanjiku Mutua"}


@pytest.mark.parametrize(
    "text",
    [
        (
            "date 2024-03-08 Le représentant de la Banque africaine de développement au Bénin, Paul Kessy, a "
            "rencontré hier le chef de l'État. Dans l'après-midi, le ministre Romuald Wadagni et M. Kessy "
            "ont signé un accord de prêt pour les routes du Bénin."
        ),
        (
            "date 2024-03-08 The country director of the World Bank for Ghana, Paul Kessy, met the "
            "President of Ghana on Thursday. Later, Mr Kessy and the minister Kofi Mensah signed a loan "
            "agreement for roads."
        ),
    ],
)
def test_the_body_a_signatory_speaks_for_signs_when_the_signing_names_none(
    tmp_path: Path, text: str, topics: frozenset[str]
) -> None:
    found = parties(draft_of(tmp_path, text, topics))
    assert any({"banque-africaine-de-developpement", "world-bank"} & set(p) for p in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "date 2024-04-20 Le ministre ivoirien des Mines, Jean Koffi, a signé vendredi à Abidjan une "
            "convention avec trois sociétés minières. Les sociétés signataires sont Bondi Gold, Kalao Mining "
            "et Nimba Resources.",
            {"cote-d-ivoire", "bondi-gold", "kalao-mining", "nimba-resources"},
        ),
        (
            "date 2024-04-20 Le ministre togolais des Finances, Essowè Adjaho, a signé mardi à Lomé une "
            "convention de crédit avec trois banques. Les banques signataires étaient Dapaong Capital, Kara "
            "Invest et Atakpamé Capital.",
            {"togo", "dapaong-capital", "kara-invest", "atakpame-capital"},
        ),
    ],
)
def test_every_body_listed_as_a_signatory_is_a_party(
    tmp_path: Path, text: str, expected: set[str], topics: frozenset[str]
) -> None:
    assert parties(draft_of(tmp_path, text, topics)) == [sorted(expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "date 2024-05-14 Ghana and Togo signed five agreements in Accra on Tuesday. One of the "
            "agreements, between the Ghana Highway Authority and the Togo Roads Agency, covers the "
            "coastal road. The two trade ministers also signed a memorandum on customs.",
            {"ghana-highway-authority", "togo-roads-agency"},
        ),
        (  # the only instrument described: its sentence tells who signs it
            "date 2024-05-14 Ghana and Togo signed five agreements in Accra on Tuesday. One of the "
            "agreements, between the Ghana Highway Authority and the Togo Roads Agency, covers the "
            "coastal road.",
            {"ghana-highway-authority", "togo-roads-agency"},
        ),
    ],
)
def test_one_of_the_agreements_signed_between_two_bodies_has_them_as_parties(
    tmp_path: Path, text: str, expected: set[str], topics: frozenset[str]
) -> None:
    assert any(expected <= set(p) for p in parties(draft_of(tmp_path, text, topics)))


def test_a_french_body_named_by_its_head_and_two_adjectives_signs(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-03-14 Le Togo et l'OPC renforcent leur coopération\n\n"
        "Lomé, 14 mars 2025 – Le gouvernement togolais et l'Office phytosanitaire continental ont signé "
        "jeudi à Lomé un mémorandum sur la santé des végétaux. Le représentant de l'OPC a salué l'accord.",
        topics,
    )
    assert ["office-phytosanitaire-continental", "togo"] in parties(annotation)


def test_a_bodys_head_alone_is_that_body_not_another(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2024-05-02 Vienna, May 2, 2024 -- Dr Jane Doe, Director-General of the Nordic Investment "
        "Facility Fund, and Peter Huber, Austria's Minister of Finance, have signed a protocol amending the "
        "headquarters agreement between the Fund and the Republic of Austria. The Fund, he said, was "
        "grateful.",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert "austria" in found and "fund" not in found


def test_a_headlines_short_form_names_no_state_of_its_own(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2024-10-25 Eau : le Togo signe avec le Fonds saoudien et la BOAD\n\n"
        "Le Togo a signé jeudi à Washington deux accords de prêt. Le premier a été conclu avec le Fonds "
        "saoudien pour le développement, représenté par son directeur général.",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert {"togo", "fonds-saoudien-pour-le-developpement"} <= found and "saudi-arabia" not in found


def test_a_body_named_for_the_occasion_of_the_signing_is_no_party(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2015-06-12 Ghana and Senegal have signed four documents during a visit by Senegalese "
        "President Macky Sall held within the framework of the summit of the Economic Community of West "
        "African States, the minister said.",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert {"ghana", "senegal"} <= found
    assert not any("economic-community" in key for key in found)


def test_the_state_that_names_a_citys_country_is_no_party(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2010-04-16 Nairobi, Kenya, 15 April 2010 – The African Development Bank and Malawi have "
        "signed a loan agreement worth USD 40 million for a road project.",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert found == {"malawi", "african-development-bank"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "date 2025-06-10 Le Gabon et le Tchad ont signé lundi à Libreville deux accords. Le ministre "
            "tchadien des Finances, S.E. Ali Mahamat Zene, a signé pour le Tchad.",
            "Ali Mahamat Zene",  # « S.E. », Son Excellence
        ),
        (
            "date 2025-06-10 The EU and Chile signed a trade agreement in Brussels on Monday. EU Trade "
            "Commissioner Maria Lindqvist said the deal would boost trade.",
            "Maria Lindqvist",  # a title before the name, capitalized
        ),
    ],
)
def test_an_honorific_or_a_title_is_no_part_of_the_name(
    tmp_path: Path, text: str, name: str, topics: frozenset[str]
) -> None:
    assert name in values(draft_of(tmp_path, text, topics), "persons", "name")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "date 2025-06-10 Ghana and Qatar signed three agreements in Accra as the Emir of Qatar, Sheikh "
            "Jassim bin Ali Al Kuwari, paid a state visit.",
            "Jassim bin Ali Al Kuwari",  # a title between the role's comma and the name
        ),
        (
            "date 2025-06-10 Togo and the OPEC Fund signed a loan agreement, signed with the Minister of "
            "Economy and Finance, Kodjo Adedze.",
            "Kodjo Adedze",  # an office joined by « and » before the comma
        ),
    ],
)
def test_a_role_before_a_comma_names_the_person_after_it(
    tmp_path: Path, text: str, name: str, topics: frozenset[str]
) -> None:
    assert name in values(draft_of(tmp_path, text, topics), "persons", "name")


def test_an_initial_at_a_sentences_end_is_read_without_error(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-06-10 Le Gabon et le Tchad ont signé lundi à Libreville deux accords sur le plan B.",
        topics,
    )
    assert ["chad", "gabon"] in parties(annotation)


def test_the_last_state_of_a_roles_list_is_no_party(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2022-03-10 Ghana and the World Bank signed a financing agreement in Accra on Tuesday. Finance "
        "Minister Kofi Mensah signed for Ghana, and Jane Doe, the World Bank's country director for Ghana, "
        "Liberia and Sierra Leone, signed for the Bank.",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert found == {"ghana", "world-bank"}


def test_a_nationality_adjective_closes_a_french_bodys_name(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-03-14 Tunis, 14 mars 2025 – L'Office national tunisien et la Banque mondiale ont signé "
        "jeudi à Tunis un accord de don pour la santé animale.",
        topics,
    )
    found = {key for keys in parties(annotation) for key in keys}
    assert "office-national-tunisien" in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "date 2024-06-04 Le Sénégal a signé dimanche à Séoul avec la République de Corée un accord-cadre "
            "qui lui ouvre une enveloppe de prêts pour des projets de développement.",
            ["senegal", "south-korea"],
        ),
        (
            "date 2024-06-04 Le Laos et la République populaire démocratique de Corée ont signé dimanche à "
            "Vientiane un accord commercial.",
            ["laos", "north-korea"],
        ),
    ],
)
def test_a_state_named_by_its_official_french_name_is_a_party(
    tmp_path: Path, text: str, expected: list[str], topics: frozenset[str]
) -> None:
    assert parties(draft_of(tmp_path, text, topics)) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a French dateline's news agency, defined further on
            "Lomé, 12 mai (ATOP) – Le Togo et le Ghana ont signé hier à Lomé un accord agricole.\n\n"
            "Source : Agence togolaise de presse (ATOP)",
            {"togo", "ghana"},
        ),
        (  # an English dateline's agency written in full
            "ACCRA, May 12 (Ghana News Agency) — Ghana and Togo on Monday signed an agriculture agreement.",
            {"togo", "ghana"},
        ),
        (  # the agency credited again as the source of the news
            "Dakar, 12 mai (APS) – Le Sénégal et la Gambie ont signé lundi à Dakar trois accords, a appris "
            "l’Agence de presse sénégalaise (APS).",
            {"senegal", "gambia"},
        ),
        (  # news agencies that sign are parties
            "Lomé, 12 mai – L’Agence togolaise de presse (ATOP) et l’Agence de presse sénégalaise (APS) ont "
            "signé lundi à Lomé une convention de partenariat.",
            {"agence-togolaise-de-presse", "agence-de-presse-senegalaise"},
        ),
        (  # a dateline's credit beside agencies that sign
            "ACCRA, May 12 (GNA) – The Ghana News Agency and the Togo Press Agency signed a memorandum of "
            "understanding on news exchange in Accra on Monday.",
            {"ghana-news-agency", "togo-press-agency"},
        ),
        (  # an aside between dashes after a body's acronym
            "ACCRA, May 12 – The African Development Bank (AfDB) – the continent's main lender – and Ghana "
            "signed a loan agreement in Accra on Monday.",
            {"ghana", "african-development-bank"},
        ),
    ],
)
def test_the_news_agency_a_dateline_credits_is_no_party(
    tmp_path: Path, topics: frozenset[str], text: str, expected: set[str]
) -> None:
    annotation = draft_of(tmp_path, "date 2025-05-13 " + text, topics)
    assert {key for keys in parties(annotation) for key in keys} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the UN's name before a programme's
            "The United Nations World Food Programme (WFP) and the Government of Tajikistan have signed a "
            "memorandum of understanding on food security in Dushanbe.",
            {"tajikistan", "world-food-programme"},
        ),
        (  # the UN's name inside the programme's
            "The United Nations Development Programme and Bangladesh signed an agreement on climate "
            "adaptation in Dhaka on Monday.",
            {"bangladesh", "united-nations-development-programme"},
        ),
        (  # a French programme named after the UN
            "Le Programme des Nations unies pour le développement (PNUD) et le Niger ont signé lundi à "
            "Niamey un accord.",
            {"niger", "programme-des-nations-unies-pour-le-developpement"},
        ),
        (  # the UN itself signs
            "L'Organisation des Nations unies et le Mali ont signé lundi à Bamako un accord de siège.",
            {"mali", "organisation-des-nations-unies"},
        ),
    ],
)
def test_the_uns_name_before_a_bodys_own_name_is_no_party(
    tmp_path: Path, topics: frozenset[str], text: str, expected: set[str]
) -> None:
    annotation = draft_of(tmp_path, "date 2023-12-14 " + text, topics)
    assert {key for keys in parties(annotation) for key in keys} == expected


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("Related: Tajikistan, IDA sign four grant agreements in January", {"tajikistan", "world-bank"}),
        ("RELATED: Kenya and the World Bank sign a $50m loan", {"tajikistan", "world-bank"}),
        ("Also read: The IDA and Tajikistan sign a grant", {"tajikistan", "world-bank"}),
        ("Sur le même sujet : le Tadjikistan et l'IDA signent un don", {"tajikistan", "world-bank"}),
        (  # a sentence of the report that opens on the same word is read
            "Related agreements were signed with the International Development Association.",
            {"tajikistan", "world-bank", "international-development-association"},
        ),
    ],
)
def test_a_link_to_another_report_names_no_party(
    tmp_path: Path, topics: frozenset[str], link: str, expected: set[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2023-12-22 Tajikistan and the World Bank have signed three grant agreements in Dushanbe on "
        f"Thursday, the Ministry of Finance said.\n\n{link}\n",
        topics,
    )
    assert {key for keys in parties(annotation) for key in keys} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a city's name opens a fund's, and a bullet links it to a government
            "Serbia and the United Arab Emirates signed eight agreements in Belgrade on Monday. The texts "
            "cover:\n\n• cyber security;\n• cooperation between the Abu Dhabi Fund for Development and the "
            "Government of Serbia.",
            {"serbia", "united-arab-emirates", "abu-dhabi-fund-for-development"},
        ),
        (  # a bullet with two bodies of the two states
            "India and Argentina signed ten agreements in New Delhi on Monday, on:\n\n- health;\n- "
            "pharmaceuticals, between the Indian Drugs Control Organisation and the Argentine Medicines "
            "Agency.",
            {"india", "argentina", "indian-drugs-control-organisation", "argentine-medicines-agency"},
        ),
        (  # a body a bullet's instrument is carried out with is no party
            "Egypt and the European Union signed four agreements in Cairo on Monday:\n\n- a grant for "
            "rural roads, implemented with the Italian Agency for Development Cooperation;\n- a loan.",
            {"egypt", "european-union"},
        ),
        (  # a state's word still opens a name
            "The Saudi Fund for Development and Tunisia signed a loan agreement in Tunis on Monday.",
            {"tunisia", "saudi-fund-for-development"},
        ),
    ],
)
def test_a_bulleted_instrument_links_the_bodies_after_between(
    tmp_path: Path, topics: frozenset[str], text: str, expected: set[str]
) -> None:
    annotation = draft_of(tmp_path, "date 2025-06-10 " + text, topics)
    assert {key for keys in parties(annotation) for key in keys} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a bank's representative posted in a neighbour
            "Cape Verde's Finance Minister, Cristina Duarte, and the Bank's Resident Representative in "
            "Senegal, Mohamed Hamid, signed the loan agreement with the African Development Bank in Praia.",
            {"cabo-verde", "african-development-bank"},
        ),
        (  # the French representative « au Sénégal », words between
            "La ministre des Finances du Niger et le représentant résident de la Banque mondiale au Sénégal, "
            "Paul Martin, ont signé lundi à Niamey un accord de don avec la Banque mondiale.",
            {"niger", "banque-mondiale"},
        ),
        (  # a country director « for » one state
            "The World Bank's Country Director for Ghana, Jane Doe, and Togo's Finance Minister signed a "
            "grant agreement in Lome on Monday.",
            {"togo", "world-bank"},
        ),
        (  # an ambassador's state still signs when named as the signer's
            "The Japanese Ambassador to Kenya, Ken Sato, and Kenya's Treasury Secretary, John Mbadi, signed "
            "an exchange of notes in Nairobi on Monday.",
            {"kenya", "japan"},
        ),
        (  # and in French
            "L'ambassadeur du Japon à Djibouti, Hiroshi Sato, et le ministre djiboutien des Finances ont "
            "signé lundi à Djibouti un échange de notes.",
            {"djibouti", "japan"},
        ),
    ],
)
def test_the_state_a_role_is_posted_in_is_no_party(
    tmp_path: Path, topics: frozenset[str], text: str, expected: set[str]
) -> None:
    annotation = draft_of(tmp_path, "date 2025-06-10 " + text, topics)
    assert {key for keys in parties(annotation) for key in keys} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a company's name before a lower-case « company », a city opening it
            "The Yemeni government and the Dubai Ports World company signed a memorandum of understanding "
            "in Dubai on Wednesday.",
            {"yemen", "dubai-ports-world"},
        ),
        (
            "The Kenyan government and the Rosatom firm signed a memorandum of understanding in Nairobi on "
            "Wednesday.",
            {"kenya", "rosatom"},
        ),
        (  # a state's adjective alone names no company
            "Ghana and Togo signed an agreement in Accra on Wednesday. The Chinese company will build the "
            "road.",
            {"ghana", "togo"},
        ),
        (  # states before « group » name no body
            "Ghana and Togo signed an agreement in Accra on Wednesday, with the Ghana and Togo group of "
            "experts attending.",
            {"ghana", "togo"},
        ),
        (  # a body's acronym before « group » is that body, not a company
            "Azerbaijan and the Islamic Development Bank (IsDB) have signed a memorandum of understanding "
            "in Baku. The IsDB group has approved $1.2 billion for the country.",
            {"azerbaijan", "islamic-development-bank"},
        ),
    ],
)
def test_a_companys_name_before_a_lower_case_company_noun_signs(
    tmp_path: Path, topics: frozenset[str], text: str, expected: set[str]
) -> None:
    annotation = draft_of(tmp_path, "date 2025-06-10 " + text, topics)
    assert {key for keys in parties(annotation) for key in keys} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a UN mission named in full, its acronym closing the name
            "La Mission de l'Organisation des Nations unies pour la stabilisation en RDC (MONUSCO) et "
            "l'Angola ont signé lundi à Luanda un accord.",
            {"angola", "mission-de-l-organisation-des-nations-unies-pour-la-stabilisation-en-rdc"},
        ),
        (  # a mission with no acronym names no body
            "Le Mali et le Niger ont signé lundi à Bamako un accord. La Mission de Paris a salué "
            "la signature.",
            {"mali", "niger"},
        ),
    ],
)
def test_a_french_mission_is_a_body_by_a_name_its_acronym_closes(
    tmp_path: Path, topics: frozenset[str], text: str, expected: set[str]
) -> None:
    annotation = draft_of(tmp_path, "date 2023-12-14 " + text, topics)
    assert {key for keys in parties(annotation) for key in keys} == expected
