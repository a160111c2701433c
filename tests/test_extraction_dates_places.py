"""A signing's date, place and count as news style writes them: abbreviated months, a statement's
own day, datelines in title case, palaces named without their city, counts of « other » documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from accords.loaders.extraction.dates import find_dates
from tests.drafts import draft_of, values


@pytest.mark.parametrize(
    ("text", "language", "day", "month"),
    [
        ("talks in Ashgabat on Aug. 23, the agency said", "en", 23, 8),
        ("signed on Sept 8, 2019 in Accra", "en", 8, 9),
        ("Dec. 1 (ENA) --", "en", 1, 12),
        ("signé le 3 janv. 2020 à Dakar", "fr", 3, 1),
    ],
)
def test_an_abbreviated_month_is_read_with_its_day(text: str, language: str, day: int, month: int) -> None:
    [date] = find_dates(text, language)
    assert (date.day, date.month) == (day, month)


def test_sept_before_a_noun_stays_a_number() -> None:
    assert [d.text for d in find_dates("ont signé sept accords le 3 mai", "fr")] == ["3 mai"]


def test_an_abbreviated_month_dates_the_signing(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2018-08-24 Ghana and Togo sign two agreements\n\nGhana and Togo signed two agreements on "
        "trade after talks between their presidents in Accra on Aug. 23, the agency reported.",
        topics,
    )
    assert values(annotation, "signings", "date") == ["2018-08-23"]


def test_the_day_of_a_statement_does_not_date_the_signing(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2018-01-12 Ghana borrows from the bank\n\nIn a press release on Friday, January 12, the "
        "ministry said the finance minister of Ghana and the minister of Togo signed the loan "
        "agreement on Wednesday.",
        topics,
    )
    assert values(annotation, "signings", "date") == ["2018-01-10"]


def test_a_count_of_other_documents_takes_in_the_one_named_before(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2018-08-18 Ghana and Togo sign a border treaty\n\nThe presidents of Ghana and Togo signed a "
        "border treaty in Accra on Friday. Their ministers then signed 27 other documents on trade.",
        topics,
    )
    assert values(annotation, "signings", "announced_count") == [28]


def test_a_dateline_in_title_case_is_the_place_when_its_town_is_named_again(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2015-10-17 Bachelet visit to Quito ends\n\nQuito, Oct 17 (PL) – Ecuador and Chile signed "
        "eleven agreements on Friday, the foreign ministry said.",
        topics,
    )
    assert values(annotation, "signings", "place") == ["quito"]


def test_a_dateline_named_once_tells_where_the_report_was_filed(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2015-10-17 Ecuador and Chile widen ties\n\nVienna, Oct 17 (PL) – Ecuador and Chile signed "
        "eleven agreements on Friday, the foreign ministry said.",
        topics,
    )
    assert values(annotation, "signings", "place") == []


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("Togo and Germany signed two agreements at the State House on Wednesday.", "state-house"),
        (
            "Le Togo et l'Allemagne ont signé deux accords mercredi au palais présidentiel.",
            "palais-presidentiel",
        ),
    ],
)
def test_a_palace_named_without_its_city_is_the_place(
    tmp_path: Path, sentence: str, place: str, topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, f"date 2023-06-29 Togo, Germany\n\n{sentence}", topics)
    assert values(annotation, "signings", "place") == [place]


def test_a_palace_named_with_its_city_gives_the_city(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2023-06-29 Togo, Allemagne\n\nLe Togo et l'Allemagne ont signé deux accords mercredi au "
        "palais présidentiel de Lomé.",
        topics,
    )
    assert values(annotation, "signings", "place") == ["lome"]


def test_a_signing_at_the_close_of_a_meeting_of_two_days_is_dated_its_last_day(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2025-12-11 Mauritanie, Côte d'Ivoire\n\nLa Mauritanie et la Côte d'Ivoire ont signé douze "
        "accords à l'issue de la session de leur commission mixte, tenue les 8 et 9 décembre 2025 à Abidjan.",
        topics,
    )
    assert values(annotation, "signings", "date") == ["2025-12-09"]


def test_a_dateline_with_its_state_and_region_is_the_reports_date(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2019-10-20 Fund lends to Ghana\n\nWashington, DC, USA, October 20, 2019 – The OPEC Fund signed "
        "a loan agreement with Ghana at the annual meetings in Washington.",
        topics,
    )
    assert values(annotation, "signings", "date") == ["2019-10"]


def test_a_count_does_not_reach_across_its_verb(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2013-11-01 Mongolia, North Korea\n\nThe two countries signed cooperation agreements in "
        "economic and cultural fields, Mongolia and North Korea said in Ulan Bator.",
        topics,
    )
    assert values(annotation, "signings", "announced_count") == []


def test_a_dateline_closed_by_its_agency_is_the_place(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2023-02-02 Kazakh foreign minister visits Muscat\n\nMUSCAT. KAZINFORM – The foreign "
        "ministers of Kazakhstan and Oman signed a memorandum on a joint commission on Thursday.",
        topics,
    )
    assert values(annotation, "signings", "place") == ["muscat"]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (
            "date 2021-01-28 Burkina, Djibouti\n\nAu deuxième jour de sa visite officielle à Djibouti, le "
            "président du Burkina Faso a signé trois accords avec le président de Djibouti.",
            ["djibouti-city"],
        ),
        (
            "date 2013-10-05 Mexico, Singapore\n\nMexico's foreign secretary is in Singapore for a two-day "
            "visit. Mexico and Singapore signed two memoranda on Friday.",
            ["singapore-city"],
        ),
    ],
)
def test_a_city_states_name_after_a_place_preposition_is_its_capital(
    tmp_path: Path, text: str, place: list[str], topics: frozenset[str]
) -> None:
    annotation = draft_of(tmp_path, text, topics)
    assert values(annotation, "signings", "place") == place


def test_in_a_state_whose_capital_has_another_name_is_no_place(
    tmp_path: Path, topics: frozenset[str]
) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2013-10-05 Mexico, Singapore\n\nThe Mexican foreign secretary signed two memoranda with "
        "Singapore on Friday, his office in Mexico said.",
        topics,
    )
    assert values(annotation, "signings", "place") == []


def test_a_bodys_post_is_no_signing_place(tmp_path: Path, topics: frozenset[str]) -> None:
    annotation = draft_of(
        tmp_path,
        "date 2021-03-05 Djibouti, AFD\n\nL'accord de financement a été signé le 4 mars 2021 par le ministre "
        "djiboutien des Finances et par le directeur de l'AFD à Djibouti.",
        topics,
    )
    assert values(annotation, "signings", "place") == []


def _signing(tmp_path: Path, topics: frozenset[str], text: str) -> tuple[list, list]:
    annotation = draft_of(tmp_path, text, topics)
    return values(annotation, "signings", "date"), values(annotation, "signings", "place")


@pytest.mark.parametrize(
    ("text", "date"),
    [
        # the day of an announcement, a return or an arrival: the signing keeps the article's month
        (
            "Le Mali et le Niger ont signé un accord sur l'élevage, a indiqué le ministre, de retour "
            "à Bamako le 5 mai.",
            "2021-05",
        ),
        (
            "La signature d'un accord entre le Mali et le Niger, annoncée le 12 mai, a eu lieu à Niamey.",
            "2021-05",
        ),
        (
            "La signature avait été annoncée le 3 mai par le ministre. Le Mali et le Niger ont signé un "
            "accord sur l'élevage.",
            "2021-05",
        ),
        (
            "Ghana and Togo signed a trade agreement, the minister said after he returned to Accra on 5 May.",
            "2021-05",
        ),
        (
            "The minister, back in Accra on 5 May, said Ghana and Togo signed a trade agreement.",
            "2021-05",
        ),
        # the same words around the signing's own day
        (
            "Le Mali et le Niger ont signé le 5 mai un accord sur l'élevage, a annoncé le ministre "
            "de retour à Bamako.",
            "2021-05-05",
        ),
        (
            "Le ministre, rentré de Niamey, a signé le 12 mai un accord avec le Niger au nom du Mali.",
            "2021-05-12",
        ),
        (
            "Ghana and Togo signed a trade agreement on 5 May, the minister announced after he returned "
            "to Accra.",
            "2021-05-05",
        ),
        (
            "The agreement between Ghana and Togo, announced last week, was signed on 7 May in Accra.",
            "2021-05-07",
        ),
        (
            "Ghana and Togo signed a trade agreement on 5 May, after the minister arrived in Lomé.",
            "2021-05-05",
        ),
    ],
)
def test_an_announcements_or_a_returns_day_is_not_the_signings(
    tmp_path: Path, topics: frozenset[str], text: str, date: str
) -> None:
    dates, _ = _signing(tmp_path, topics, f"date 2021-05\nAccord\n\n{text}")
    assert dates == [date]


@pytest.mark.parametrize(
    ("byline", "date"),
    [
        ("Written by Kamila Neun | 16 May 2021 | 0 Comments", "2021-05"),
        ("Par Awa Diop | Publié le 16 mai 2021 | 3 min", "2021-05"),
        ("ProGhana | May 16, 2021 | 2 min read", "2021-05"),
        # a paragraph that opens on a dateline with its agency is the report, not a byline
        ("Accra | Xinhua | Ghana and Togo signed a trade agreement on 14 May in Accra.", "2021-05-14"),
        ("Ghana and Togo signed a trade agreement on 14 May, Xinhua | GNA reported.", "2021-05-14"),
    ],
)
def test_a_bylines_date_is_the_reports(
    tmp_path: Path, topics: frozenset[str], byline: str, date: str
) -> None:
    text = (
        f"date 2021-05\nGhana and Togo sign a trade deal\n\n{byline}\n\n"
        "Ghana and Togo have signed a trade agreement."
    )
    dates, _ = _signing(tmp_path, topics, text)
    assert dates == [date]


@pytest.mark.parametrize(
    ("elsewhere", "date"),
    [
        ("Le dimanche 8 janvier 2017, le président s'est rendu au palais royal.", "2017-01-08"),
        (
            "Arrivé le samedi 7 janvier, le président a été reçu le dimanche 8 janvier au palais.",
            "2017-01-08",
        ),
        ("Le président était arrivé le samedi 7 janvier 2017 pour une visite officielle.", "2017-01"),
        (
            "Le dimanche 1er janvier, puis le dimanche 8 janvier, le président a reçu des délégations.",
            "2017-01",
        ),
    ],
)
def test_a_weekday_takes_the_one_day_of_that_weekday_the_report_gives(
    tmp_path: Path, topics: frozenset[str], elsewhere: str, date: str
) -> None:
    text = (
        "date 2017-01\nLe Niger et l'Arabie saoudite signent quatre accords\n\n"
        f"Le Niger et l'Arabie saoudite ont signé dimanche quatre accords de coopération.\n\n{elsewhere}"
    )
    dates, _ = _signing(tmp_path, topics, text)
    assert dates == [date]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # where someone returns to, lives or works, whom one signs for: no signing place
        (
            "Le Mali et le Niger ont signé trois accords, a indiqué le ministre malien de retour à Bamako.",
            None,
        ),
        ("Ghana and Togo signed two agreements, the minister said after he returned home to Accra.", None),
        ("Ghana signed for Accra and Togo signed a trade agreement for Lomé.", None),
        ("Le Mali et le Niger ont signé un accord, en présence de l'ambassadeur, qui réside à Dakar.", None),
        ("Ghana and Togo signed a trade agreement with the help of a bank based in Abidjan.", None),
        (
            "Le Mali et le Niger ont signé un accord devant le conseiller de l'ambassade du Mali à Dakar.",
            None,
        ),
        # the same words around the signing's place
        (
            "Le Mali et le Niger ont signé trois accords à Bamako, a indiqué le ministre de retour "
            "de Niamey.",
            "bamako",
        ),
        (
            "Ghana and Togo signed two agreements in Accra before the minister returned to his office.",
            "accra",
        ),
        ("Ghana and Togo signed a trade agreement in Lomé for five years.", "lome"),
        ("Le Mali et le Niger ont signé un accord à Dakar, où réside le médiateur.", "dakar"),
        ("Ghana and Togo signed a trade agreement at the embassy of Ghana, in Dakar.", "dakar"),
    ],
)
def test_a_place_one_returns_to_lives_in_or_signs_for_is_no_signing_place(
    tmp_path: Path, topics: frozenset[str], text: str, place: str | None
) -> None:
    _, places = _signing(tmp_path, topics, f"date 2021-05\nAccord\n\n{text}")
    assert places == ([place] if place else [])


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (
            "Sous les dorures du palais présidentiel du Caire, le Niger et l'Égypte ont signé trois accords.",
            "cairo",
        ),
        ("Le Niger et l'Égypte ont signé trois accords au Caire.", "cairo"),
        ("Le Niger et l'Égypte, qui ont signé trois accords au palais présidentiel de Dakar, …", "dakar"),
        ("Le Maroc et le Cap-Vert ont signé trois accords à Praia.", "praia"),
        ("The Niger and Egypt signed three agreements at the State House in Dar es Salaam.", "dar-es-salaam"),
    ],
)
def test_a_residences_city_is_the_place(
    tmp_path: Path, topics: frozenset[str], text: str, place: str
) -> None:
    _, places = _signing(tmp_path, topics, f"date 2021-05\nAccord\n\n{text}")
    assert places == [place]


@pytest.mark.parametrize(
    ("ceremony", "place"),
    [
        ("The short ceremony took place at the State House in Dar es Salaam.", "dar-es-salaam"),
        ("The ceremony was held in Dodoma, at the ministry's headquarters.", "dodoma"),
        # a ceremony sentence that places nothing leaves the town of the signing sentence
        ("The ceremony was attended by the mayor of Dodoma.", "seoul"),
        ("The ceremony was short.", "seoul"),
    ],
)
def test_a_ceremony_sentences_place_beats_a_town_the_signing_sentence_does_not_introduce(
    tmp_path: Path, topics: frozenset[str], ceremony: str, place: str
) -> None:
    text = (
        "date 2018-07-22\nTanzania and South Korea sign a visa deal\n\n"
        "Tanzania and South Korea signed an agreement on visas on Sunday, Seoul announced.\n\n"
        f"{ceremony}"
    )
    _, places = _signing(tmp_path, topics, text)
    assert places == [place]


@pytest.mark.parametrize(
    ("elsewhere", "place"),
    [
        # a town placed only in a sentence of an earlier year is where an earlier event was
        ("Lors de son séjour à Ankara, du 14 au 17 août 2019, trois accords avaient été signés.", None),
        ("En 2018, le ministre s'était rendu à Ankara pour une visite de travail.", None),
        ("Le ministre avait préparé les discussions à Ankara en mars 2019.", None),
        # a town placed in a sentence of the report's year, or of no year, is the visit's
        ("Le ministre est arrivé à Ankara le 20 juillet 2020 pour une visite de travail.", "ankara"),
        ("Le ministre, arrivé lundi à Ankara, a rencontré son homologue.", "ankara"),
        ("Le ministre, en visite à Ankara depuis 2019 puis en 2020, a rencontré son homologue.", "ankara"),
    ],
)
def test_a_town_of_an_earlier_years_sentence_is_not_the_town_named_most_often(
    tmp_path: Path, topics: frozenset[str], elsewhere: str, place: str | None
) -> None:
    text = (
        "date 2020-07-22\nAccords\n\nLe Niger et la Turquie ont signé deux accords de coopération.\n\n"
        f"{elsewhere}"
    )
    _, places = _signing(tmp_path, topics, text)
    assert places == ([place] if place else [])


@pytest.mark.parametrize(
    ("intro", "lines", "listed"),
    [
        # a list of the parts the introducing line counts in other words: one agreement
        (
            "Le protocole s'articule autour de quatre axes :",
            ["l'appui aux politiques agricoles", "la coordination"],
            False,
        ),
        (
            "Le ministre a annoncé trois initiatives pour la suite :",
            ["un forum", "un comité"],
            False,
        ),
        (
            "L'accord repose sur deux piliers :",
            ["la formation des cadres", "les échanges d'étudiants"],
            False,
        ),
        # a list of instruments, counted or not
        (
            "Les deux pays ont signé trois autres accords :",
            ["un accord sur la pêche", "un accord sur le tourisme"],
            True,
        ),
        (
            "Les textes signés portent sur deux domaines :",
            ["une convention sur la pêche", "un accord sur l'eau"],
            True,
        ),
        (
            "Les documents signés sont les suivants :",
            ["un accord sur la pêche", "un mémorandum sur l'eau"],
            True,
        ),
    ],
)
def test_a_list_of_parts_counted_in_other_words_is_no_list_of_instruments(
    tmp_path: Path, topics: frozenset[str], intro: str, lines: list[str], listed: bool
) -> None:
    bullets = "\n".join(f"- {line} ;" for line in lines)
    text = (
        "date 2024-12-24\nAccord\n\nLe Mali et le Niger ont signé lundi 23 décembre 2024 un protocole "
        f"d'accord sur la sécurité alimentaire.\n\n{intro}\n{bullets}\n"
    )
    # the listed lines are agreements of their own, or the one protocol stands alone
    assert (len(draft_of(tmp_path, text, topics).section("agreements")) > 1) == listed


@pytest.mark.parametrize(
    ("sentence", "agreements"),
    [
        # a statement the news is told in is no instrument signed
        (
            "The memorandum was signed on Sunday, the Presidential House said in a statement.",
            1,
        ),
        ("The memorandum was signed on Sunday, the ministry announced in a joint statement.", 1),
        ("The ministers signed the memorandum on Sunday, the ministry said in a declaration.", 1),
        # a statement or declaration signed beside the memorandum is one
        ("The ministers also signed a joint statement on Sunday.", 2),
        ("The two ministers signed a declaration on sport as well.", 2),
    ],
)
def test_a_statement_the_news_is_told_in_is_no_instrument(
    tmp_path: Path, topics: frozenset[str], sentence: str, agreements: int
) -> None:
    text = (
        "date 2022-07-19\nAccord\n\nThe governments of Honduras and Cuba have signed a memorandum of "
        f"understanding on health.\n\n{sentence}"
    )
    assert len(draft_of(tmp_path, text, topics).section("agreements")) == agreements
