"""A synthetic corpus: news articles and their annotations, shaped like the curated ones.

Each article ``NNNNN_<hash>.txt`` starts with a ``date YYYY-MM[-DD]`` header and reports, in
French or English, the signing of 1 to 25 agreements between states taken from the shared
states table, with the persons who signed them, the place, the topics (from the topic scheme),
sometimes a visit, provisions, institutions, diplomatic relations and claims. Its annotation
``NNNNN_<hash>.yaml`` passes ``loaders.annotation.load_annotation``: every quote is the
article's text at its offsets.

Generation is deterministic: article ``i`` depends only on ``seed`` and ``i``, so a corpus of
N articles is a prefix of a corpus of M > N articles made with the same seed.
"""

from __future__ import annotations

import calendar
import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import yaml

from accords.loaders.reference import Country, countries_by_iso2

FIRST_DAY = date(1995, 1, 1)
DAYS = (date(2024, 12, 31) - FIRST_DAY).days  # thirty years of articles
MONTHS = {
    "en": [calendar.month_name[m] for m in range(1, 13)],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
}
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
ORDINALS = {
    "en": ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"],
    "fr": [
        "premier",
        "deuxième",
        "troisième",
        "quatrième",
        "cinquième",
        "sixième",
        "septième",
        "huitième",
        "neuvième",
        "dixième",
    ],
}
NUMBERS = {
    "en": ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"],
    "fr": ["un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"],
}
FIRST_NAMES = [
    "Amadou",
    "Fatou",
    "Ivan",
    "Olga",
    "Mohamed",
    "Leila",
    "Jean",
    "Marie",
    "Carlos",
    "Ana",
    "Kwame",
    "Ama",
    "Li",
    "Mei",
    "Raj",
    "Priya",
    "Ahmed",
    "Noura",
    "Pierre",
    "Claire",
    "Yusuf",
    "Aisha",
    "Hans",
    "Greta",
    "Diego",
    "Lucia",
    "Kenji",
    "Yuki",
    "Omar",
    "Salma",
    "Viktor",
    "Irina",
    "Samuel",
    "Grace",
    "Tariq",
    "Zainab",
    "Luis",
    "Sofia",
    "Mamadou",
    "Awa",
]
LAST_NAMES = [
    "Traoré",
    "Diallo",
    "Petrov",
    "Ivanova",
    "Haddad",
    "Benali",
    "Dupont",
    "Martin",
    "Silva",
    "Santos",
    "Mensah",
    "Owusu",
    "Wang",
    "Zhang",
    "Sharma",
    "Patel",
    "Hassan",
    "Farouk",
    "Lefèvre",
    "Moreau",
    "Okafor",
    "Bello",
    "Müller",
    "Schmidt",
    "García",
    "López",
    "Tanaka",
    "Sato",
    "Khalil",
    "Mansour",
    "Novak",
    "Kovač",
    "Ndiaye",
    "Sow",
    "Keïta",
    "Coulibaly",
    "Rahman",
    "Karimi",
    "Costa",
    "Pereira",
]
SYLLABLES = [
    "ba",
    "ko",
    "ma",
    "ri",
    "ta",
    "lu",
    "sa",
    "ne",
    "di",
    "go",
    "ra",
    "mi",
    "ze",
    "po",
    "ka",
    "fu",
    "la",
    "do",
    "vi",
    "na",
]
ROLES = {
    "president": {"en": "President of {state}", "fr": "président de {state}"},
    "prime-minister": {"en": "Prime Minister of {state}", "fr": "Premier ministre de {state}"},
    "foreign-minister": {
        "en": "Minister of Foreign Affairs of {state}",
        "fr": "ministre des Affaires étrangères de {state}",
    },
    "economy-minister": {"en": "Minister of Economy of {state}", "fr": "ministre de l'Économie de {state}"},
    "defence-minister": {"en": "Minister of Defence of {state}", "fr": "ministre de la Défense de {state}"},
}
PROVISIONS = {
    "objectives": {
        "en": ["strengthen cooperation in {topic}", "increase exchanges in {topic}"],
        "fr": [
            "renforcer la coopération en matière de {topic}",
            "intensifier les échanges en matière de {topic}",
        ],
    },
    "commitments": {
        "en": ["train {n} experts in {topic}", "fund {n} joint projects in {topic}"],
        "fr": [
            "former {n} experts en matière de {topic}",
            "financer {n} projets communs en matière de {topic}",
        ],
    },
    "principles": {
        "en": ["mutual respect in {topic}", "non-interference in {topic}"],
        "fr": ["le respect mutuel en matière de {topic}", "la non-ingérence en matière de {topic}"],
    },
}
PROVISION_LEADS = {
    "objectives": {"en": "It aims to ", "fr": "Il vise à "},
    "commitments": {"en": "The parties undertake to ", "fr": "Les parties s'engagent à "},
    "principles": {"en": "It rests on ", "fr": "Il repose sur "},
}
COMPANY_KINDS = ("Energy", "Holding", "Mining", "Telecom", "Airlines", "Bank")


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    role: str
    iso: str


@dataclass(frozen=True)
class Topic:
    slug: str
    label: dict[str, str]


@cache
def _states() -> tuple[Country, ...]:
    return tuple(countries_by_iso2()[iso] for iso in sorted(countries_by_iso2()))


@cache
def _topics() -> tuple[Topic, ...]:
    from rdflib import SKOS

    from accords.loaders.namespaces import TOPIC
    from accords.loaders.ontology import ontology_graph, topic_slugs

    graph = ontology_graph()
    topics = []
    for slug in sorted(topic_slugs(graph)):
        labels = {lit.language: str(lit) for lit in graph.objects(TOPIC[slug], SKOS.prefLabel)}
        topics.append(Topic(slug, {"en": labels.get("en", slug), "fr": labels.get("fr", slug)}))
    return tuple(topics)


def _stable_random(*parts: object) -> random.Random:
    digest = hashlib.sha256(":".join(map(str, parts)).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def state_name(country: Country) -> str:
    """'Bolivia, Plurinational State of' → 'Plurinational State of Bolivia'."""
    name, _, qualifier = country.name.partition(", ")
    return f"{qualifier} {name}" if qualifier else name


def _coined(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


@cache
def _people(iso: str) -> tuple[Person, ...]:
    """The same few office holders of a state recur from article to article."""
    rng = _stable_random("people", iso)
    people = []
    for index, role in enumerate(ROLES):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        people.append(Person(f"{iso.lower()}-{index}", name, role, iso))
    return tuple(people)


@cache
def _cities(iso: str) -> tuple[str, ...]:
    rng = _stable_random("cities", iso)
    return tuple(_coined(rng, rng.randint(2, 3)) for _ in range(3))


@cache
def _companies(iso: str) -> tuple[str, ...]:
    rng = _stable_random("companies", iso)
    return tuple(f"{_coined(rng, 2)} {rng.choice(COMPANY_KINDS)}" for _ in range(2))


class _Text:
    """The article text as it is written, remembering where each quote lies."""

    def __init__(self, header: str) -> None:
        self.parts = [header]
        self.size = len(header)
        self.quotes: dict[str, dict[str, Any]] = {}

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def quote(self, key: str, text: str) -> str:
        begin = self.size
        self.add(text)
        self.quotes[key] = {"begin": begin, "end": self.size, "text": text}
        return key

    def content(self) -> str:
        return "".join(self.parts)


def _agreement_count(rng: random.Random) -> int:
    """Mostly one to three agreements, sometimes many, at most 25."""
    if rng.random() < 0.02:
        return rng.randint(10, 25)
    return min(25, 1 + int(rng.expovariate(1 / 0.6)))


def _list(items: list[str], lang: str) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + (" and " if lang == "en" else " et ") + items[-1]


def _ordinal(index: int, lang: str) -> str:
    if index <= len(ORDINALS[lang]):
        return ORDINALS[lang][index - 1]
    return f"{index}th" if lang == "en" else f"{index}e"


def _count(number: int, lang: str) -> str:
    return NUMBERS[lang][number - 1] if number <= len(NUMBERS[lang]) else str(number)


def _date_text(day: date, lang: str, weekday: bool) -> str:
    if lang == "en":
        text = f"{MONTHS['en'][day.month - 1]} {day.day}, {day.year}"
        return f"{calendar.day_name[day.weekday()]}, {text}" if weekday else text
    text = f"{day.day} {MONTHS['fr'][day.month - 1]} {day.year}"
    return f"{WEEKDAYS_FR[day.weekday()]} {text}" if weekday else text


def source_id(index: int, seed: int) -> str:
    return f"{index:05d}_{hashlib.sha1(f'{seed}:{index}'.encode()).hexdigest()[:12]}"


TRUTH_SUFFIX = ".truth.tsv"
MULTI_SHARE = 1 / 3  # the share of events reported by several articles
MAX_NEAR_DAYS = 30  # a pair reported several times also signs something else within this many days


@dataclass(frozen=True)
class Slot:
    """Which event an article reports: the event's id, the report's number, how many report it."""

    event: str
    report: int
    reports: int


_layouts: dict[int, tuple[list[Slot], list[int]]] = {}


def slot(index: int, seed: int = 0) -> Slot:
    """The event article ``index`` reports: events follow each other, a third of them reported
    2–4 times in a row, each of those followed by another signing of the same pair."""
    slots, events = _layouts.setdefault(seed, ([], [0]))
    while len(slots) <= index:
        event = events[0]
        events[0] += 1
        rng = _stable_random("layout", seed, event)
        if rng.random() < MULTI_SHARE:
            count = rng.randint(2, 4)
            slots += [Slot(str(event), number, count) for number in range(count)]
            slots.append(Slot(f"{event}-near", 0, 1))
        else:
            slots.append(Slot(str(event), 0, 1))
    return slots[index]


@dataclass(frozen=True)
class InstrumentFacts:
    """One agreement of an event, as it is, whoever reports it."""

    topics: tuple[Topic, ...]
    third: Country | None
    company: str | None
    signatories: bool
    provisions: tuple[str, tuple[int, ...], tuple[int, ...]] | None  # kind, patterns, numbers
    institution: bool


@dataclass(frozen=True)
class EventFacts:
    """One signing, as it is: what every report of it draws on."""

    host: Country
    guest: Country
    host_leader: Person
    guest_leader: Person
    signed_on: date
    place: str
    visit: bool
    instruments: tuple[InstrumentFacts, ...]
    relation_year: int | None
    claim: int | None


def _instruments(rng: random.Random, guest: Country, host: Country, avoid: set[str]) -> list[InstrumentFacts]:
    states, topics = _states(), [t for t in _topics() if t.slug not in avoid]
    instruments = []
    for _ in range(_agreement_count(rng)):
        chosen = tuple(rng.sample(topics, rng.choice((1, 1, 2, 2, 3))))
        roll = rng.random()
        company, third = None, None
        if roll < 0.08:
            company = rng.choice(_companies(guest.iso2))
        elif roll < 0.12:
            third = rng.choice(states)
            while third.iso2 in (host.iso2, guest.iso2):
                third = rng.choice(states)
        provisions = None
        if rng.random() < 0.2:
            kind = rng.choice(tuple(PROVISIONS))
            patterns = tuple(rng.sample(range(2), rng.randint(1, 2)))
            provisions = (kind, patterns, tuple(rng.randint(2, 500) for _ in patterns))
        instruments.append(
            InstrumentFacts(chosen, third, company, rng.random() < 0.5, provisions, rng.random() < 0.1)
        )
    return instruments


@cache
def event_facts(event: str, seed: int = 0) -> EventFacts:
    """The facts of one event; an event ``<n>-near`` is another signing of event n's pair, within
    30 days, about other topics."""
    base, near = event.removesuffix("-near"), event.endswith("-near")
    rng = _stable_random("event", seed, base)
    host, guest = rng.sample(_states(), 2)
    host_leader, guest_leader = rng.choice(_people(host.iso2)), rng.choice(_people(guest.iso2))
    signed_on = FIRST_DAY + timedelta(days=rng.randrange(DAYS - 40) + 5)
    place = rng.choice(_cities(host.iso2))
    visit = rng.random() < 0.6
    avoid: set[str] = set()
    if near:
        main = event_facts(base, seed)
        avoid = {t.slug for i in main.instruments for t in i.topics}
        rng = _stable_random("near", seed, base)
        shift = rng.randint(1, MAX_NEAR_DAYS)
        signed_on += timedelta(days=shift if rng.random() < 0.5 or signed_on.day <= shift else -shift)
        place, visit = rng.choice(_cities(host.iso2)), rng.random() < 0.6
    instruments = _instruments(rng, guest, host, avoid)
    relation_year = rng.randint(1950, signed_on.year - 1) if rng.random() < 0.1 else None
    claim = rng.randint(2, 90) * 100 if rng.random() < 0.15 else None
    return EventFacts(
        host,
        guest,
        host_leader,
        guest_leader,
        signed_on,
        place,
        visit,
        tuple(instruments),
        relation_year,
        claim,
    )


def generate_article(index: int, seed: int = 0) -> tuple[str, str, dict[str, Any]]:
    """Source id, article text and annotation (as data) of article ``index``."""
    name, text, annotation, _ = generate_report(index, seed)
    return name, text, annotation


def generate_report(index: int, seed: int = 0) -> tuple[str, str, dict[str, Any], dict[str, str]]:
    """Source id, article text, annotation and the truth (the event, and each agreement's instrument)."""
    where = slot(index, seed)
    facts = event_facts(where.event, seed)
    several = where.reports > 1
    rng = _stable_random("article", seed, index)
    lang = rng.choice(("en", "fr"))
    published = facts.signed_on + timedelta(days=rng.randint(0, 3))
    full_header = rng.random() < 0.7
    exact_day = full_header and rng.random() < 0.7
    say_weekday = exact_day and rng.random() < 0.5
    if not exact_day and published.month != facts.signed_on.month:
        published = facts.signed_on  # the month an article gives no day for is the signing's (true)
    header_date = published.isoformat() if full_header else published.isoformat()[:7]
    text = _Text(f"date {header_date}\n\n")
    annotation: dict[str, Any] = {"language": lang}
    if rng.random() < 0.2:
        annotation["method"] = "machine"
        annotation["confidence"] = round(rng.uniform(0.5, 0.99), 2)
    else:
        annotation["method"] = "curated"
    annotation["quotes"] = text.quotes

    host, guest = facts.host, facts.guest
    host_leader, guest_leader = facts.host_leader, facts.guest_leader
    host_name, guest_name = state_name(host), state_name(guest)
    order = list(range(len(facts.instruments)))
    if several:
        rng.shuffle(order)  # each report lists the agreements in its own order…
        if len(order) > 1 and rng.random() < 0.3:  # …and some leave some out
            order = order[: rng.randint(1, len(order) - 1)]
    count = len(facts.instruments)
    if several and rng.random() < 0.2:  # and some get the count wrong
        count = max(1, count + rng.choice((-1, 1)))
    place = facts.place
    if several and where.report > 0 and rng.random() < 0.15:  # the place named otherwise
        place = f"{place} City" if lang == "en" else f"{place}-Ville"
    visit = facts.visit
    signed_on = facts.signed_on

    def role_of(person: Person) -> str:
        state = state_name(countries_by_iso2()[person.iso])
        return ROLES[person.role][lang].format(state=state)

    def person_phrase(person: Person) -> str:
        return f"{'the ' if lang == 'en' else 'le '}{role_of(person)}, {person.name}"

    # --- the text -------------------------------------------------------------------------------------------
    if visit:
        text.add("During " if lang == "en" else "Lors d'")
        text.quote(
            "visit",
            f"an official visit to {host_name}" if lang == "en" else f"une visite officielle à {host_name}",
        )
        text.add(", ")
    else:
        text.add("In " if lang == "en" else "À ")
        text.add(f"{place}, ")
    text.quote("guest", person_phrase(guest_leader))
    text.add(" and " if lang == "en" else " et ")
    text.quote("host", person_phrase(host_leader))
    text.add(" ")
    if lang == "en":
        noun = "agreement" if count == 1 else "agreements"
        text.quote("signed", f"signed {_count(count, lang)} {noun}")
    else:
        noun = "accord" if count == 1 else "accords"
        text.quote("signed", f"ont signé {_count(count, lang)} {noun}")
    text.add(".\n\n")
    when = _date_text(signed_on, lang, say_weekday) if exact_day else None
    if lang == "en":
        sentence = f"The signing ceremony took place in {place}" + (f" on {when}" if when else "")
    else:
        sentence = f"La cérémonie de signature s'est tenue à {place}" + (f" le {when}" if when else "")
    text.quote("ceremony", sentence)
    text.add(".\n\n")

    agreements: dict[str, Any] = {}
    institutions: dict[str, Any] = {}
    organizations: dict[str, Any] = {}
    extra_states: dict[str, Country] = {}
    signing_topics: list[str] = []
    truth = {"event": where.event}
    for number, instrument_number in enumerate(order, start=1):
        instrument = facts.instruments[instrument_number]
        key = f"agreement-{number}"
        truth[key] = f"{where.event}/{instrument_number}"
        chosen = list(instrument.topics)
        for topic in chosen:
            if topic.slug not in signing_topics:
                signing_topics.append(topic.slug)
        if instrument.company:
            company = instrument.company
            org_key = "org-" + company.lower().replace(" ", "-")
            organizations[org_key] = {
                "label": {"en": company},
                "country": guest.iso2.lower(),
                "quotes": [f"a{number}"],
            }
            parties, party_names = [host.iso2.lower(), org_key], [host_name, company]
        elif instrument.third:
            third = instrument.third
            extra_states[third.iso2.lower()] = third
            parties = [host.iso2.lower(), guest.iso2.lower(), third.iso2.lower()]
            party_names = [host_name, guest_name, state_name(third)]
        else:
            parties, party_names = [host.iso2.lower(), guest.iso2.lower()], [host_name, guest_name]
        topic_text = _list([t.label[lang] for t in chosen], lang)
        between, ordinal = _list(party_names, lang), _ordinal(number, lang)
        if lang == "en":
            sentence = f"The {ordinal} agreement, between {between}, covers {topic_text}"
            label = f"Agreement on {topic_text} between {between}"
        else:
            sentence = f"Le {ordinal} accord, entre {between}, porte sur {topic_text}"
            label = f"Accord sur {topic_text} entre {between}"
        text.quote(f"a{number}", sentence)
        text.add(". ")
        agreement: dict[str, Any] = {
            "ordinal": number,
            "label": {lang: label},
            "parties": parties,
            "signing": "signing",
            "topics": [t.slug for t in chosen],
        }
        if instrument.signatories:
            agreement["signatories"] = {"value": [guest_leader.key, host_leader.key], "quotes": ["signed"]}
        if instrument.provisions:
            kind, patterns, numbers = instrument.provisions
            topic = chosen[0]
            provisions = {}
            for variant, (pattern, n) in enumerate(zip(patterns, numbers, strict=True)):
                phrase = PROVISIONS[kind][lang][pattern].format(topic=topic.label[lang], n=n)
                quote = text.quote(f"a{number}-{kind}-{variant}", PROVISION_LEADS[kind][lang] + phrase)
                text.add(". ")
                provisions[f"{kind[:-1]}-{variant + 1}"] = {"label": {lang: phrase}, "quotes": [quote]}
            agreement[kind] = provisions
        if instrument.institution:
            topic = chosen[0]
            inst_label = (
                f"Joint Commission on {topic.label['en']}"
                if lang == "en"
                else f"Commission mixte sur {topic.label['fr']}"
            )
            quote = text.quote(
                f"a{number}-institution",
                ("It sets up a " if lang == "en" else "Il institue une ") + inst_label,
            )
            text.add(". ")
            institutions[f"institution-{number}"] = {
                "label": {lang: inst_label},
                "fields": [topic.slug],
                "quotes": [quote],
            }
            agreement["establishes"] = f"institution-{number}"
        agreement["quotes"] = [f"a{number}"]
        agreements[key] = agreement
        if number % 4 == 0:
            text.add("\n\n")
    text.add("\n\n")

    year = facts.relation_year
    if year is not None:
        text.quote(
            "relations",
            f"The two countries established diplomatic relations in {year}"
            if lang == "en"
            else f"Les deux pays ont établi des relations diplomatiques en {year}",
        )
        text.add(". ")
    claims: dict[str, Any] = {}
    if facts.claim is not None:
        more = facts.claim
        claim = (
            f"more than {more} students have been trained in {host_name}"
            if lang == "en"
            else f"plus de {more} étudiants ont été formés en {host_name}"
        )
        quote = text.quote(
            "claim", f"{host_leader.name} {'said that' if lang == 'en' else 'a déclaré que'} {claim}"
        )
        text.add(".")
        claims["students"] = {
            "claimant": host_leader.key,
            "label": {lang: claim},
            "count_greater_than": more,
            "about": [host.iso2.lower(), guest.iso2.lower()],
            "quotes": [quote],
        }
    text.add("\n")

    # --- the annotation -------------------------------------------------------------------------------------
    first = ["a1"]
    annotation["states"] = {
        host.iso2.lower(): {"iso": host.iso2, "label": {lang: host_name}, "quotes": ["host"]},
        guest.iso2.lower(): {"iso": guest.iso2, "label": {lang: guest_name}, "quotes": ["guest"]},
    }
    for key, country in extra_states.items():
        annotation["states"][key] = {"iso": country.iso2, "quotes": first}
    if organizations:
        annotation["organizations"] = organizations
    persons = {}
    for person, quote in ((guest_leader, "guest"), (host_leader, "host")):
        persons[person.key] = {"name": person.name}
        if rng.random() < 0.6:
            persons[person.key]["role"] = {lang: role_of(person)}
        persons[person.key]["represents"] = person.iso.lower()
        persons[person.key]["quotes"] = [quote]
    annotation["persons"] = persons
    annotation["places"] = {
        "place": {"label": {lang: place}, "country": host.iso2.lower(), "quotes": ["ceremony"]}
    }
    if visit:
        annotation["visits"] = {
            "visit": {
                "kind": "official",
                "visitor": guest_leader.key,
                "destination": host.iso2.lower(),
                "quotes": ["visit"],
            }
        }
    signing: dict[str, Any] = {}
    if visit:
        signing["during"] = {"value": "visit", "quotes": ["visit", "signed"]}
    if exact_day:
        signing["date"] = signed_on.isoformat()
        if say_weekday:
            signing["weekday"] = calendar.day_name[signed_on.weekday()]
    else:
        signing["date"] = {
            "value": header_date[:7],
            "derived": "The article gives no day: the month is that of the article's date.",
            "quotes": ["ceremony"],
        }
    signing["place"] = "place"
    signing["announced_count"] = {"value": count, "quotes": ["signed"]}
    signing["topics"] = {"value": signing_topics, "quotes": [f"a{n}" for n in range(1, len(order) + 1)][:3]}
    signing["quotes"] = ["ceremony"]
    annotation["signings"] = {"signing": signing}
    annotation["agreements"] = agreements
    if institutions:
        annotation["institutions"] = institutions
    if year is not None:
        annotation["diplomatic_relations"] = {
            "relation": {
                "between": [host.iso2.lower(), guest.iso2.lower()],
                "established_in": year,
                "quotes": ["relations"],
            }
        }
    if claims:
        annotation["claims"] = claims
    return source_id(index, seed), text.content(), annotation, truth


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Writes repeated lists in full rather than as YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def annotation_yaml(annotation: dict[str, Any], seed: int) -> str:
    body = yaml.dump(annotation, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=200)
    return f"# Synthetic annotation written by `accords bench generate --seed {seed}`.\n{body}"


def write_article(out: Path, index: int, seed: int = 0) -> Path:
    """Write article ``index``, its annotation and its truth (``<id>.truth.tsv``, which the build
    does not read) into ``out``; return the article's path."""
    name, content, annotation, truth = generate_report(index, seed)
    article = out / f"{name}.txt"
    article.write_bytes(content.encode("utf-8"))
    (out / f"{name}.yaml").write_bytes(annotation_yaml(annotation, seed).encode("utf-8"))
    lines = "".join(f"{key}\t{value}\n" for key, value in truth.items())
    (out / f"{name}{TRUTH_SUFFIX}").write_bytes(lines.encode("utf-8"))
    return article


def _write_range(job: tuple[Path, int, int, int]) -> int:
    out, start, stop, seed = job
    for index in range(start, stop):
        write_article(out, index, seed)
    return stop - start


def _chunks(count: int, size: int, start: int = 0) -> Iterator[tuple[int, int]]:
    for begin in range(start, start + count, size):
        yield begin, min(begin + size, start + count)


def generate_corpus(out: Path, articles: int, seed: int = 0, processes: int = 1, start: int = 0) -> int:
    """Write articles ``start`` … ``start + articles - 1`` into ``out``; return how many."""
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(out, begin, end, seed) for begin, end in _chunks(articles, 200, start)]
    if processes > 1 and len(jobs) > 1:
        with Pool(processes) as pool:
            return sum(pool.imap_unordered(_write_range, jobs))
    return sum(map(_write_range, jobs))
