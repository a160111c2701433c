"""The rule that names merged resources (README, "Merging reports"), on hand-made events."""

from __future__ import annotations

from accords.loaders.event_iris import event_iris
from accords.loaders.reports import AgreementReport, SigningReport, Statement, acc
from accords.loaders.resolution import Event, Instrument

ID = "https://w3id.org/accords/id/"
TOPIC = "https://w3id.org/accords/topic/"
SCHEME = {  # narrower → broader, as in ontology/topics.ttl
    "political-relations": "politics-and-diplomacy",
    "counter-terrorism": "security",
    "organized-crime": "security",
    "defence": "security",
    "nuclear-energy": "energy",
    "oil-and-gas": "energy",
    "trade": "economy",
}
BROADER = {f"<{TOPIC}{t}>": frozenset({f"<{TOPIC}{b}>"}) for t, b in SCHEME.items()}
MALI, RUSSIA = "<https://w3id.org/accords/id/state/mali>", "<https://w3id.org/accords/id/state/russia>"


def agreement(name: str, *topics: str) -> AgreementReport:
    report = AgreementReport(f"<urn:report:{name}>", name.split("/")[0], True, "agreement")
    report.statements = [Statement("<urn:st>", report.iri, acc("topic"), f"<{TOPIC}{t}>") for t in topics]
    return report


def instrument(*reports: AgreementReport) -> Instrument:
    return Instrument(list(reports))


def event(number: int, date: str | None, *instruments: Instrument) -> Event:
    signing = SigningReport(f"<urn:signing:{number}:{date}>", f"s{number}", True, "signing")
    signing.date, signing.parties = date, frozenset({MALI, RUSSIA})
    return Event(number, [signing], list(instruments))


def names(events: list[Event]) -> dict[str, str]:
    return {k[1:-1]: v[1:-1].removeprefix(ID) for k, v in event_iris(events, BROADER).items()}


def test_an_agreement_is_named_by_the_broad_subject_most_reports_name() -> None:
    principles = agreement(
        "a/principles", "political-relations", "counter-terrorism", "organized-crime", "defence"
    )
    alone = names([event(0, "2025-06", instrument(principles))])
    # one report: politics-and-diplomacy and security named once each, the tie goes alphabetically
    assert alone["urn:report:a/principles"] == "agreement/mali-russia/2025-06/politics-and-diplomacy"
    # a second report naming that subject (in other words) cannot change it
    second = agreement("b/principles", "security", "political-relations")
    two = names([event(0, "2025-06-23", instrument(principles, second))])
    assert two["urn:report:b/principles"] == "agreement/mali-russia/2025-06/politics-and-diplomacy"
    # the limit: reports that name only another subject, once they are the most, rename it
    others = [agreement(f"{c}/principles", "defence") for c in "cd"]
    four = names([event(0, "2025-06-23", instrument(principles, second, *others))])
    assert four["urn:report:a/principles"] == "agreement/mali-russia/2025-06/security"


def test_agreements_of_one_signing_with_one_subject_take_their_topic_then_a_number() -> None:
    nuclear, oil = (
        instrument(agreement("a/nuclear", "nuclear-energy")),
        instrument(agreement("a/oil", "oil-and-gas")),
    )
    trade, more_trade = instrument(agreement("a/trade", "trade")), instrument(agreement("a/tariffs", "trade"))
    more_trade.reports[0].words = frozenset({"tarif"})
    trade.reports[0].words = frozenset({"goods"})
    got = names([event(0, "2025-06", nuclear, oil, trade, more_trade)])
    assert {got[f"urn:report:a/{k}"].rsplit("/", 1)[1] for k in ("nuclear", "oil", "trade", "tariffs")} == {
        "nuclear-energy",
        "oil-and-gas",
        "trade",  # "goods" before "tarif"
        "trade-2",
    }
    assert got["urn:report:a/trade"].endswith("/trade")


def test_a_signing_is_named_by_its_month_and_by_its_day_only_beside_another_that_month() -> None:
    def signing(events: list[Event], number: int) -> str:
        return names(events)[events[number].reports[0].iri[1:-1]]

    alone = [event(0, "2025-06-23", instrument(agreement("a/x", "trade")))]
    assert signing(alone, 0) == "signing/mali-russia/2025-06"
    week_apart = [*alone, event(1, "2025-06-16", instrument(agreement("b/x", "defence")))]
    assert [signing(week_apart, n) for n in (0, 1)] == [
        "signing/mali-russia/2025-06-23",
        "signing/mali-russia/2025-06-16",
    ]
    another_year = [*alone, event(1, "2024-06-23", instrument(agreement("b/x", "trade")))]
    assert signing(another_year, 0) == "signing/mali-russia/2025-06"
    both_by_month = [
        event(0, "2025-06", instrument(agreement("a/x", "trade"))),
        event(1, "2025-06", instrument(agreement("b/x", "defence"))),
    ]
    assert {signing(both_by_month, n) for n in (0, 1)} == {
        "signing/mali-russia/2025-06",
        "signing/mali-russia/2025-06-n2",
    }
    assert signing([event(0, None)], 0) == "signing/mali-russia/undated"
