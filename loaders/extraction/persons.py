"""Persons with their role, rank and the party they represent; organizations such as Rosatom.

Rules over word tokens: a person is a run of capitalized words that a role precedes
(« le président russe Vladimir Poutine », "Egypt's electricity minister Mohamed Shaker") or
follows in apposition ("Alexei Likhachev, head of Rosatom"), that the French model tags as a
person, or that is the subject of a verb such as « ont signé » / "said".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from accords.loaders.extraction.gazetteer import gazetteer
from accords.loaders.extraction.lexicon import (
    AGENT_WORDS,
    DETERMINERS,
    ENDS_ROLE,
    FUNCTION_WORDS,
    HONORIFICS,
    NAME_PARTICLES,
    NAMED_THINGS,
    NOT_NAMES,
    ORGANIZATION_HEADS,
    PERSON_VERBS,
    RANKS,
    ROLE_HEADS,
    SENTENCE_STARTS,
    TITLES_IN_NAMES,
)
from accords.loaders.extraction.lexicon import (
    words as word_set,
)
from accords.loaders.extraction.mentions import Mention, normalized
from accords.loaders.iris import slug
from accords.loaders.reference import ReferenceOrganization, reference_organizations

TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+|[^\w\s']")  # apostrophes only separate
# « al-Sudani », and « el-din » inside a name (« Badr el-din Abdullah Badr »)
ARABIC_ARTICLE = re.compile(
    r"^(?:(?:al|el|ad|ar|as|at|an|ben|bin|bint|abu|abd)-[A-ZÀ-Ý]|(?:al|el|ad|ud|ed|ul)-(?:d[iī]n|haq)$)"
)
EXCELLENCY = {"SE", "HE"}  # the initials of « Son Excellence », "His / Her Excellency"
PATRONYMS = {"bin", "bint", "ibn", "ben", "ould"}
ROLE_BREAKS = {"at", "in", "on", "during", "à", "lors", "dans", "with", "avec"}
PRESENCE = re.compile(
    r"\ben présence d|\bin the presence of\b|\bsous (?:la )?présidence|\bpresided|\bpresence of"
    r"|\b(?:during|lors|au cours|à l'occasion|on the occasion) (?:of |de |d')?(?:the |la |l'|une? |a )?"
    r"(?:\w+ ){0,2}(?:visit|visite|voyage|trip|talks|entretiens?|rencontre|meeting|summit|sommet)"
    r"|\battend|\bwitness|\bassist",
    re.IGNORECASE,
)
POSSESSIVE = re.compile(r"['’]s?$")
REGNAL = re.compile(r"(?:II|III|IV|V|VI|VII|VIII|IX|X|XI|XII|Jr)")  # "Mohammed VI", "… Jr"


@dataclass(frozen=True)
class Token:
    text: str
    begin: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokenize(text: str, begin: int, end: int) -> list[Token]:
    """The tokens of ``text[begin:end]``; ``text`` is normalized once by the caller, not per sentence."""
    return [Token(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(text, begin, end)]


@dataclass
class Organization:
    key: str
    name: str
    description: str | None
    country: str | None  # ISO code
    span: tuple[int, int]  # « la société nucléaire russe ROSATOM »
    mentions: list[tuple[int, int]] = field(default_factory=list)
    qid: str | None = None  # only from loaders/reference/wikidata-organizations.tsv
    labels: dict[str, str] | None = None


@dataclass
class Person:
    key: str
    name: str
    role: str | None
    rank: str | None
    represents: tuple[str, str] | None  # ("state", ISO code) or ("organization", key)
    span: tuple[int, int]  # the role and name, as quoted
    mentions: list[tuple[int, int]] = field(default_factory=list)
    qid: str | None = None
    labels: dict[str, str] | None = None


# The endings of French adjectives of a name (« alimentaire mondial », « centrale européenne »).
ADJECTIVE = (
    r"(?:ique|al|ale|aux|aire|ol|ole|if|ive|el|elle|ier|ière|ain|aine|éen|éenne|ien|ienne|ais|aise|ois|oise)"
)
NAMED_ORGANIZATION = {
    # "Islamic Development Bank", "Foreign Service Institute of the Philippines", "Association of
    # Indian Universities": capitalized words around an institution's head noun
    "en": re.compile(
        r"(?<![\w-])(?:(?:[A-Z][\w&'-]+\s+(?:and\s+(?=[A-Z])(?![A-Z][\w&-]*'s\s))?){1,5}(?:Bank|Fund|Agency|Corporation|Authority|Association|Organization|"
        r"Organisation|Facility|Programme|Program|Institute|Council|University|Administration|Industries"
        r"|Limited|Concessions|Company|Chambers?|Laboratory|Library|Polytechnic|Port|Board|Academy)(?:\s+International)?(?:\s+(?:of|for)(?:\s+the)?(?:\s+[A-Z][\w-]+){1,3}(?:\s+and(?:\s+[A-Z][\w-]+){2,3})?)?"
        r"|(?:Association|Institute|Council|University|Organisation|Organization|Agency|Bank|Fund|Company|Chamber"
        r"|Laboratory|Library|Port|Academy)\s+(?:of|for)"
        r"(?:\s+the)?(?:\s+[A-Z][\w-]+){1,4})(?![\w-])"
    ),
    "fr": re.compile(
        # a mission is a body only by a name its acronym closes (« Mission de l'Organisation … (MONUSCO) »)
        r"(?<![\w-])Mission\s+(?:[a-zéèêàâîôûç-]+\s+){0,2}(?:de\s+la|des|du|de|d')\s*[^\W\d]"
        r"[^,;:.()\n]{0,100}?(?=\s*\([A-Z][A-Za-z]{1,7}\))|"
        r"(?<![\w-])(?:Banque|Fonds|Agence|Société|Organisation|Association|Office|Institut|Conseil|Centre|Programme"
        r"|Université|Fondation|Compagnie|Chambre|Laboratoire|Bibliothèque|Port|Autorité|Haut-[Cc]ommissariat"
        r"|Commission|Organisme|Académie)\s+"
        # a name its acronym closes, whatever its words (« Fonds des Nations unies pour l'enfance (UNICEF) »)
        r"(?:(?:[a-zéèêàâîôûç-]+\s+){0,2}(?:de\s+la|des|du|de|d'|pour)\s*[^\W\d]"
        r"(?:(?!\set\s+(?:l'|le\s|la\s|les\s)?[A-ZÀ-Ý])[^,;:.()\n]){0,80}?"  # not « … et l'Institut … »
        r"(?=\s*\([A-Z][A-Za-z]{1,7}\))|"
        r"(?:(?:de\s+la|de|du|des|d'|pour\s+le|pour\s+la|pour\s+les|pour|l')\s*)?"
        r"(?:[\w-]+\s+){0,2}?(?:de\s+|d'|du\s+|pour\s+(?:le\s+|la\s+)?)"
        r"(?:développement|investissement|coopération|financement|recherches?|commerce|[A-Z][\w-]+)"
        # one or two adjectives (« pour le développement économique arabe »)
        r"(?:\s+[a-zéè-]+(?:iques?|ales?|aires?|oles?|ifs?|ives?|elles?|ières?|abes?|aines?|éennes?)){0,2}"
        r"(?:\s+(?:du|de\s+la|des|de|d')\s*[A-Z][\w-]+)?"
        # a head and two adjectives, a name of its own (« Programme alimentaire mondial »)
        r"|(?:[a-zéèêàâîôûç-]+" + ADJECTIVE + r"s?\s+)[a-zéèêàâîôûç-]+" + ADJECTIVE + r"s?(?![\w-]))"
    ),
}
# The head noun that makes a name an organization of its own around a table label.
OWN_HEAD = re.compile(
    r"\b(?:Organi[sz]ation|Programme|Program|Fund|Agency|Bank|Fonds|Agence|Banque|Office|Institut)\b"
)
# A body's head alone after a determiner, no name after it: "the Fund", « la Banque ».
ANAPHOR = re.compile(
    r"(?<![\w-])(?:[Tt]he|[Ll]a|[Ll]e|[Ll]')\s*(Fund|Bank|Agency|Programme|Corporation|Authority|Institute|Fonds|"
    r"Banque|Agence|Institut|Autorité)(?![\w-])(?!\s+(?:of|for|de|du|des|d'|pour)?\s*[A-ZÀ-Ý])"
)
# The owner a name ends on, which its acronym may leave out (« Centre de perfectionnement des travaux
# publics du Niger (CPTP) »).
OWNER = re.compile(r"\s+(?:du|de\s+la|de|des|d'|of(?:\s+the)?)\s*[A-Z][\w-]+$")
# English heads written after a company's name in lower case ("the Dubai Ports World company").
TRAILING_HEADS = {"company", "firm", "group", "conglomerate", "operator"}
# Words that no role in apposition holds before its head ("X, South Korea's first vice minister").
NOT_IN_ROLE = {"by", "par", "in", "en", "on", "at", "dans"}
INSTITUTION_NOUNS = {
    "division",
    "chamber",
    "chambers",
    "chambre",
    "department",
    "directorate",
    "secretariat",
    "bureau",
    "committee",
    "relations",
    "affairs",
    "service",
    "services",
}
GOVERNMENT_PARTS = {
    "ministry",
    "ministère",
    "division",
    "department",
    "département",
    "directorate",
    "secretariat",
}
OWNER_PREFIX = re.compile(r"[A-Z][\w-]+'s\s+(?=[A-Z])")
LEADING_DETERMINER = re.compile(r"(?:The|A|An)\s+")
INDEFINITE = ("a", "an", "un", "une")
# The words that may join a capitalized head to the rest of its name (« Banque d'Investissement … »).
NAME_LINKS = word_set("of for the de du des d la le l les pour en au aux")
SHORT_NOT_DOMAINS = frozenset({"and", "aux", "des", "don", "cas", "use"})
INDEFINITE_BEFORE = re.compile(r"(?<![\w-])(?:" + "|".join(INDEFINITE) + r")\s+$")
DEFINED_ACRONYM = re.compile(r"\s*\(([A-Z][A-Za-z]{1,7})\)")
ACRONYM_SKIP = {
    "de",
    "du",
    "des",
    "d",
    "la",
    "le",
    "l",
    "les",
    "et",
    "pour",
    "en",
    "of",
    "the",
    "for",
    "and",
    "in",
}


def _acronym(label: str) -> str:
    """The initials of a label's words (« Banque africaine de développement » → BAD)."""
    initials = "".join(w[0].upper() for w in re.findall(r"[^\W\d_]+", label) if w.lower() not in ACRONYM_SKIP)
    return "".join(c for c in unicodedata.normalize("NFD", initials) if not unicodedata.combining(c))


@cache
def reference_patterns() -> list[tuple[ReferenceOrganization, re.Pattern]]:
    """For each organization of the verified table: its labels and acronyms, longest first."""
    found = []
    made = Counter(
        _acronym(label)
        for reference in reference_organizations()
        for label in {reference.label_en, reference.label_fr}
        if len(label.split()) > 1
    )
    for reference in reference_organizations():
        labels = {reference.label_en, reference.label_fr}
        forms = {label for label in labels} | {label[:1].lower() + label[1:] for label in labels}
        acronyms = {_acronym(label) for label in labels if len(label.split()) > 1}
        acronyms = {a for a in acronyms if made[a] == 1} | {  # ADB: African or Asian? neither
            label for label in labels if label.isupper()
        }
        longest_first = sorted(forms, key=len, reverse=True)
        alternation = "|".join(re.escape(f) for f in longest_first)
        acronym = "|".join(re.escape(a) for a in sorted(acronyms, key=len, reverse=True) if len(a) >= 2)
        # an acronym is no word of a run of capitals (« LA DÉPÊCHE – », a headline in capitals)
        capitals = r"(?<![A-ZÀ-Ý]{2}\s)(?-i:" + acronym + r")(?!\s+[A-ZÀ-Ý]{2})"
        pattern = rf"(?<![\w-])(?:{alternation}" + (rf"|{capitals}" if acronym else "") + r")(?![\w-])"
        found.append((reference, re.compile(pattern, re.IGNORECASE)))
    # a longer label first, so that "World Bank Group" is not taken for "World Bank"
    return sorted(found, key=lambda item: -len(item[0].label_en))


@cache
def _domain_words() -> frozenset[str]:
    """The words of the scheme's topic labels, both languages (« industry », "aviation", "oil"), but
    the short ones that are linking words or a given name (« des », "and", "Don")."""
    labels = gazetteer().topic_labels
    return frozenset(
        w
        for language in ("en", "fr")
        for words in labels[language]
        for w in words
        if len(w) > 3 or (len(w) == 3 and w not in SHORT_NOT_DOMAINS)
    )


def _is_head(tokens: list[Token], i: int, heads: set[str]) -> int:
    """The length of a role head starting at token ``i`` (« premier ministre » is one head)."""
    if i + 1 < len(tokens) and f"{tokens[i].lower}-{tokens[i + 1].lower}" in heads:
        return 2
    word = tokens[i].lower
    return 1 if word in heads or (word.endswith("s") and word[:-1] in heads) else 0  # "Presidents"


def _initial(tokens: list[Token], i: int) -> bool:
    """Whether tokens ``i``, ``i + 1`` are an initial and its full stop (« D. »)."""
    return (
        len(tokens[i].text) == 1
        and tokens[i].text.isupper()
        and i + 1 < len(tokens)
        and tokens[i + 1].text == "."
        and tokens[i + 1].begin == tokens[i].end
    )


def _name_pattern(name: str) -> str:
    """The name as a whole word of the normalized text: as written (« d’Afrique ») with plain apostrophes."""
    return rf"(?<!\w){re.escape(normalized(name))}(?!\w)"


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(b <= span[0] and span[1] <= e for b, e in spans)


class _Finder:
    def __init__(
        self,
        content: str,
        sentences: tuple[tuple[int, int], ...],
        language: str,
        states: list[Mention],
        places: list[Mention],
        model_persons: tuple[tuple[int, int], ...],
    ) -> None:
        self.content = content
        self.text = normalized(content)  # plain apostrophes and spaces, the same offsets
        self.language = language
        self.states = states
        self.model_persons = model_persons
        self.heads = set(ROLE_HEADS[language])
        self.sentences = [tokenize(self.text, b, e) for b, e in sentences]
        self.places = places
        self.gazetteer_spans = [(m.begin, m.end) for m in states + places]
        self.organizations: list[Organization] = []
        self.persons: list[Person] = []

    # Organizations ------------------------------------------------------------------
    def is_proper(self, token: Token) -> bool:
        return (
            token.text[:1].isupper()
            and token.lower not in NOT_NAMES
            and token.lower not in SENTENCE_STARTS[self.language]
            and not _inside((token.begin, token.end), self.gazetteer_spans)
        )

    def find_organizations(self) -> None:
        for tokens in self.sentences:
            for i, token in enumerate(tokens):
                if (
                    token.lower.rstrip("s") not in ORGANIZATION_HEADS
                    and token.lower not in ORGANIZATION_HEADS
                ):
                    continue
                if token.text[:1].isupper() and i > 0 and self.is_proper(tokens[i - 1]):
                    continue  # "Kasikorn Bank Public Co Ltd", "… Fund for Development": a name's own head
                if self.language == "en" and token.lower in TRAILING_HEADS and not token.text[:1].isupper():
                    named = self.name_before(tokens, i)
                    if named is not None:  # "the Dubai Ports World company": the company's name before it
                        self.add_organization(tokens, named, named, named, i - 1)
                        continue
                j = i + 1
                while j < len(tokens) and j - i <= 5 and not self.is_proper(tokens[j]):
                    if tokens[j].lower in ENDS_ROLE or tokens[j].text == ",":
                        break
                    if tokens[j].lower == "s" and j == i + 1:
                        break  # "the bank's Regional Office": what the organization owns, not its name
                    j += 1
                if j >= len(tokens) or not self.is_proper(tokens[j]):
                    continue
                if _is_head(tokens, j, self.heads):
                    continue  # "IsDB President and Group Chairman Dr Muhammad Al Jasser": a role
                k = j
                while k + 1 < len(tokens) and self.is_proper(tokens[k + 1]):
                    k += 1
                start = self.english_modifiers(tokens, i) if self.language == "en" else i
                if token.text[:1].isupper() and start > 0 and tokens[start - 1].lower in INDEFINITE:
                    continue  # "a Joint Fund for …", « un Fonds … »: one of a kind, no body's name
                if token.text[:1].isupper() and (i == 0 or not self.is_proper(tokens[i - 1])):
                    if any(t.lower not in NAME_LINKS for t in tokens[i + 1 : j]):
                        continue  # "the Fund as an important Vienna-based organization": no name
                    j = i  # « la Banque d'Investissement Sahélienne »: a capitalized head opens the name
                    if self.language == "en" and i > 0 and self.state_word(tokens[i - 1]):
                        j = i - 1  # "the Saudi Fund for Development": a state's word opens an English name
                    elif self.language == "en" and (place := self.place_before(tokens, i)) is not None:
                        j = place  # "the Abu Dhabi Fund for Development": so does a city's name
                self.add_organization(tokens, start, i, j, k)
                if token.lower.endswith("s") and j > i and not token.text[:1].isupper():
                    self.add_listed(tokens, k)
        for organization in self.organizations:
            pattern = re.compile(_name_pattern(organization.name), re.IGNORECASE)
            organization.mentions = [(m.start(), m.end()) for m in pattern.finditer(self.text)]
        self.find_defined_organizations()
        self.find_named_organizations()
        self.find_reference_organizations()
        by_key: dict[str, Organization] = {}
        for organization in self.organizations:  # one name found by two rules is one organization
            kept = by_key.setdefault(organization.key, organization)
            if kept is not organization:
                kept.mentions = sorted({*kept.mentions, *organization.mentions})
        self.organizations = self.merge_short_forms(list(by_key.values()))
        self.anaphors()
        self.short_forms()

    def anaphors(self) -> None:
        """« la Banque », "the Fund": the one body found whose name has that capitalized head."""
        for match in ANAPHOR.finditer(self.text):
            head = re.compile(rf"(?<![\w-]){match.group(1)}(?![\w-])")
            bodies = [o for o in self.organizations if head.search(o.name)]
            if len(bodies) == 1 and not _inside(match.span(1), bodies[0].mentions):
                bodies[0].mentions = sorted({*bodies[0].mentions, match.span(1)})

    def short_forms(self) -> None:
        """A longer name's first two words, written elsewhere, are the same body (a headline's « le
        Fonds koweïtien » for the text's « Fonds koweïtien pour le développement économique arabe »)."""
        for organization in self.organizations:
            words = organization.name.split()
            if len(words) < 3 or not words[0][:1].isupper() or {w.lower() for w in words[:2]} & NAME_LINKS:
                continue
            short = re.compile(_name_pattern(" ".join(words[:2])))
            found = [
                m.span() for m in short.finditer(self.text) if not _inside(m.span(), organization.mentions)
            ]
            organization.mentions = sorted({*organization.mentions, *found})

    @staticmethod
    def merge_short_forms(organizations: list[Organization]) -> list[Organization]:
        """A name that opens another's longer name is its short form, one organization ("Kuwait Fund"
        in a headline, "the Kuwait Fund for Arab Economic Development" in the text)."""
        kept = []
        for organization in organizations:
            short = organization.name.lower()
            longer = [
                o for o in organizations if len(short.split()) > 1 and o.name.lower().startswith(short + " ")
            ]
            if len(longer) == 1:
                longer[0].mentions = sorted({*longer[0].mentions, *organization.mentions})
            else:
                kept.append(organization)
        return kept

    def state_word(self, token: Token) -> bool:
        """A capitalized word that is a whole state mention ("Saudi", "Kuwait"), not a possessive."""
        return token.text[:1].isupper() and any(
            m.begin == token.begin and m.end == token.end for m in self.states
        )

    def name_before(self, tokens: list[Token], i: int) -> int | None:
        """The first token of a capitalized name between « the » and token ``i`` (a place's name may
        open it), with at least one word that is no state's."""
        k, proper = i - 1, False
        while k >= 1:
            place = self.place_before(tokens, k + 1) if not self.is_proper(tokens[k]) else None
            if self.is_proper(tokens[k]) and not self.state_word(tokens[k]):
                proper, k = True, k - 1
            elif place is not None and place < k + 1:
                k = place - 1
            else:
                break
        if k < 0 or k == i - 1 or not proper or tokens[k].lower != "the":
            return None
        words = tokens[k + 1 : i]
        if any(sum(c.isupper() for c in t.text) > 1 for t in words) or words[-1].lower in ORGANIZATION_HEADS:
            return None  # "the IsDB group", "the World Bank group": a body found by its own name
        return k + 1

    def place_before(self, tokens: list[Token], i: int) -> int | None:
        """The first token of a capitalized place's name that ends right before token ``i``."""
        if i == 0:
            return None
        end = tokens[i - 1].end
        place = next((p for p in self.places if p.end == end and self.text[p.begin].isupper()), None)
        if place is None:
            return None
        return next((k for k in range(i) if tokens[k].begin == place.begin), None)

    def find_defined_organizations(self) -> None:
        """Names the text gives an acronym of their initials ("the Federation of Bangladesh Chambers of
        Commerce and Industries (FBCCI)"): the words back from the acronym whose initials spell it."""
        text = self.text
        start = self.sentences[0][0].begin if self.sentences and self.sentences[0] else 0
        for match in DEFINED_ACRONYM.finditer(text, start):
            acronym = match.group(1)
            if not acronym.isupper():
                continue
            words = list(
                re.finditer(
                    r"[^\W\d_]+(?:-[^\W\d_]+)*", text[max(start, match.start() - 160) : match.start()]
                )
            )
            offset = max(start, match.start() - 160)
            if not words or text[offset + words[-1].end() : match.start()].strip():
                continue  # the acronym follows the name directly
            span = None
            for first in range(len(words) - 1, max(-1, len(words) - 13), -1):
                between = text[offset + words[first].end() : match.start()]
                if re.search(r"[,;.:()\n]", between):
                    break
                candidate = (offset + words[first].start(), offset + words[-1].end())
                word = words[first].group(0)
                if (
                    word[:1].isupper()
                    and word.lower() not in ACRONYM_SKIP
                    and acronym
                    in {_acronym(label := text[candidate[0] : candidate[1]]), _acronym(OWNER.sub("", label))}
                ):
                    span = candidate
            if span is None or any(_inside(span, [(m.begin, m.end)]) for m in self.states):
                continue
            if GOVERNMENT_PARTS & {w.lower() for w in re.findall(r"\w+", text[span[0] : span[1]])}:
                continue  # "the Economic Relations Division (ERD)": a part of a government, i.e. its state
            leading = LEADING_DETERMINER.match(text, span[0])
            span = (leading.end() if leading else span[0], span[1])
            self.organizations = [o for o in self.organizations if not _inside(o.span, [span])]
            if any(_inside(span, [o.span]) for o in self.organizations):
                continue
            name = self.content[span[0] : span[1]]
            pattern = re.compile(_name_pattern(name) + rf"|(?<![\w-]){re.escape(acronym)}(?![\w-])")
            mentions = [m.span() for m in pattern.finditer(text, start)]
            country = next((m.key for m in self.states if span[0] <= m.begin and m.end <= span[1]), None)
            self.organizations.append(Organization(slug(name), name, None, country, span, mentions))

    def find_named_organizations(self) -> None:
        """Organizations named as such (« Agence française de développement », "Islamic Development
        Bank") where no head-noun rule found them."""
        text = self.text
        start = self.sentences[0][0].begin if self.sentences and self.sentences[0] else 0
        for match in NAMED_ORGANIZATION[self.language].finditer(text, start):
            span = match.span()
            if (
                "\n" in text[span[0] : span[1]]
            ):  # "… Arusha\n\nThe Arab Bank …": a name stays in its paragraph
                span = (text.rindex("\n", *span) + 1, span[1])
            leading = LEADING_DETERMINER.match(text, span[0])
            if (leading and leading.group(0)[0] == "A") or INDEFINITE_BEFORE.search(
                text, max(0, span[0] - 8), span[0]
            ):
                continue  # "an Executive Programme for …": one of a kind, no body's name
            span = (leading.end() if leading else span[0], span[1])
            if not re.search(r"\s", text[span[0] : span[1]]):
                continue  # "The Fund": the body of that head named in full (anaphors)
            joined = re.search(r"\sand\s", text[span[0] : span[1]])
            if joined and any(m.begin == span[0] and m.end == span[0] + joined.start() for m in self.states):
                span = (span[0] + joined.end(), span[1])  # "Egypt and European Investment Bank": two names
            elif joined and re.fullmatch(r"[A-Z]{2,}", text[span[0] : span[0] + joined.start()]):
                span = (span[0] + joined.end(), span[1])  # "the ICCR and Kathmandu University": two names
            country = next((m.key for m in self.states if span[0] <= m.begin and m.end <= span[1]), None)
            owner = OWNER_PREFIX.match(text, span[0])  # "Malaysia's Human Resource Development Fund"
            if owner and not any(m.begin == span[0] for m in self.states):
                owner = None  # "People's Bank of China": part of the name
            span = (owner.end() if owner else span[0], span[1])
            name = self.content[span[0] : span[1]]
            if any(_inside(span, [o.span]) or _inside(o.span, [span]) for o in self.organizations):
                continue
            pattern = re.compile(_name_pattern(name))
            mentions = [m.span() for m in pattern.finditer(text, start)]
            defined = DEFINED_ACRONYM.match(text, span[1])
            if defined:
                acronym = re.compile(rf"(?<![\w-]){re.escape(defined.group(1))}(?![\w-])")
                mentions += [m.span() for m in acronym.finditer(text, defined.end())]
            elif len(initials := _acronym(name)) >= 3:  # « le PAM » for « le Programme alimentaire mondial »
                acronym = re.compile(rf"(?<![\w-]){re.escape(initials)}(?![\w-])")
                mentions += [m.span() for m in acronym.finditer(text, start)]
            self.organizations.append(Organization(slug(name), name, None, country, span, sorted(mentions)))

    def find_reference_organizations(self) -> None:
        """The verified table's organizations (World Bank, « la BAD »), by label or acronym."""
        text = self.text
        start = self.sentences[0][0].begin if self.sentences and self.sentences[0] else 0
        for reference, pattern in reference_patterns():
            mentions = [m.span() for m in pattern.finditer(text, start) if not self.within_name(m.span())]
            if not mentions:
                continue
            defined = DEFINED_ACRONYM.match(text, mentions[0][1])  # « … de développement (BAD) »
            if defined:
                acronym = re.compile(rf"(?<![\w-]){re.escape(defined.group(1))}(?![\w-])")
                mentions = sorted({*mentions, *(m.span() for m in acronym.finditer(text, defined.end()))})
            self.organizations = [
                o
                for o in self.organizations
                if not any(_inside(m, [o.span]) or _inside(o.span, [m]) for m in mentions)
            ]
            labels = {"en": reference.label_en, "fr": reference.label_fr}
            self.organizations.append(
                Organization(
                    slug(reference.label_en),
                    labels[self.language],
                    None,
                    None,
                    mentions[0],
                    mentions,
                    reference.qid,
                    labels,
                )
            )

    def within_name(self, span: tuple[int, int]) -> bool:
        """Whether a table label is only part of a longer name with a head noun of its own ("United
        Nations Food and Agriculture Organization", « Programme des Nations unies pour le … »)."""
        for organization in self.organizations:
            begin, end = organization.span
            if begin <= span[0] and span[1] <= end and (begin, end) != span:
                rest = self.content[begin : span[0]] + " " + self.content[span[1] : end]
                if OWN_HEAD.search(rest) or (end > span[1] and DEFINED_ACRONYM.match(self.text, end)):
                    return True  # a longer name with its own acronym: « … des Nations unies pour … (FAO) »
            if 0 < begin - span[1] <= 1 and OWN_HEAD.search(self.content[begin:end]):
                return True  # "the United Nations World Food Programme": the label qualifies the name
        return False

    def add_listed(self, tokens: list[Token], last: int) -> None:
        """The names listed after a plural head's first one are of its kind too (« Les entreprises
        signataires sont Taparco Mining, Salma Mining et Roxgold », "the companies A, B and C")."""
        first = self.organizations[-1]  # the first name's, for its description
        if first.span[1] != tokens[last].end:
            return
        k = last
        while (
            k + 2 < len(tokens)
            and tokens[k + 1].lower in {",", "et", "and"}
            and self.is_proper(tokens[k + 2])
        ):
            begin = k = k + 2
            while k + 1 < len(tokens) and self.is_proper(tokens[k + 1]):
                k += 1
            name_text = self.content[tokens[begin].begin : tokens[k].end]
            if not any(o.name.lower() == name_text.lower() for o in self.organizations):
                span = (tokens[begin].begin, tokens[k].end)
                self.organizations.append(
                    Organization(slug(name_text), name_text, first.description, None, span)
                )

    def add_organization(self, tokens: list[Token], start: int, head: int, name: int, last: int) -> None:
        name_text = self.content[tokens[name].begin : tokens[last].end]
        if any(o.name.lower() == name_text.lower() for o in self.organizations):
            return
        description_span = (tokens[start].begin, tokens[name - 1].end)
        country = next(
            (s.key for s in self.states if tokens[start].begin <= s.begin and s.end <= tokens[name].end),
            None,
        )
        self.organizations.append(
            Organization(
                slug(name_text),
                name_text,
                self.content[description_span[0] : description_span[1]].strip(" ,'’") or None,
                country,
                (tokens[start].begin, tokens[last].end),
            )
        )

    def english_modifiers(self, tokens: list[Token], i: int) -> int:
        """Where the words before an English head start ("Russia's state nuclear corporation")."""
        start = i
        while start - 1 >= 0 and i - start < 6:
            previous = tokens[start - 1]
            if previous.lower in FUNCTION_WORDS or previous.lower in ENDS_ROLE or previous.text == ",":
                break
            start -= 1
        return start

    # Persons ------------------------------------------------------------------------
    def name_part(self, token: Token) -> bool:
        if ARABIC_ARTICLE.match(token.text):
            return True
        text = token.text
        return (
            text[:1].isupper()
            and not (len(text) > 1 and text.isupper())
            and token.lower not in NOT_NAMES
            and not (token.lower.endswith("s") and token.lower[:-1] in NOT_NAMES)  # "Presidents"
            and token.lower not in HONORIFICS
            and token.lower not in SENTENCE_STARTS[self.language]
            and not _inside((token.begin, token.end), self.gazetteer_spans)
            and not any(_inside((token.begin, token.end), o.mentions) for o in self.organizations)
        )

    def runs(self, tokens: list[Token]) -> list[tuple[int, int]]:
        """Runs of name words (first, last token index), particles allowed inside."""
        runs, i = [], 0
        while i < len(tokens):
            if not self.name_part(tokens[i]) and not self.patronym_start(tokens, i):
                i += 1
                continue
            if (
                i + 3 < len(tokens)
                and _initial(tokens, i)
                and _initial(tokens, i + 2)
                and tokens[i].text + tokens[i + 2].text in EXCELLENCY
            ):
                i += 4  # « S.E. Moussa Abderemane », "H.E. …": Son Excellence / His Excellency
                continue
            j = i
            while True:
                if j + 1 < len(tokens) and self.name_part(tokens[j + 1]):
                    j += 1
                elif j + 2 < len(tokens) and _initial(tokens, j) and self.name_part(tokens[j + 2]):
                    j += 2  # "Samuel D. Tweah", "Henry G. R. Kerali"
                elif (
                    j + 2 < len(tokens)
                    and tokens[j + 1].lower in NAME_PARTICLES
                    and self.name_part(tokens[j + 2])
                ):
                    j += 2
                elif (
                    j + 3 < len(tokens)
                    and tokens[j + 1].lower in NAME_PARTICLES
                    and tokens[j + 2].lower in NAME_PARTICLES
                    and self.name_part(tokens[j + 3])
                ):
                    j += 3  # "Hans van der Berg"
                elif (
                    j + 2 < len(tokens)
                    and tokens[j].lower in NAME_PARTICLES
                    and tokens[j + 1].lower in TITLES_IN_NAMES
                    and self.name_part(tokens[j + 2])
                ):
                    j += 2  # "Mohamed Ould Cheikh El Ghazouani"
                elif j + 1 < len(tokens) and self.inner_capital(tokens, j + 1):
                    j += 1  # « Jean-Yves Le Drian », « Kim Jong Un »
                else:
                    break
            for k in range(i, j):
                if "\n" in self.content[tokens[k].end : tokens[k + 1].begin]:
                    j = k  # "Comments / Leave a reply": a name never runs across a line break
                    break
            if j + 1 < len(tokens) and REGNAL.fullmatch(tokens[j + 1].text):
                j += 1  # "Mohammed VI", "Carlos Dominguez III"
            elif j > i and _initial(tokens, j):
                j -= 1  # « Cédric T. »: a surname cut to its initial is no full name
            if (
                j == i
                and i >= 1
                and tokens[i - 1].lower in TITLES_IN_NAMES
                and self.never_continued(tokens[i])
            ):
                i -= 1  # "Prime Minister Sheikh Hasina": the title is part of a one-word name
            elif (
                j > i
                and i >= 2
                and self.joined_initials(tokens, i - 1)
                and (_is_head(tokens, i - 2, self.heads) or tokens[i - 2].lower in HONORIFICS)
            ):
                i -= 1  # "Foreign Minister AK Abdul Momen", "Prime Minister KP Sharma Oli", "Dr AK …"
            runs.append((i, j))
            i = j + 1
        return runs

    def patronym_start(self, tokens: list[Token], i: int) -> bool:
        """A title word that a patronymic particle follows is a first name ("Sultan bin Salim Al Habsi")."""
        return (
            tokens[i].text[:1].isupper()
            and tokens[i].lower in NOT_NAMES
            and i + 2 < len(tokens)
            and tokens[i + 1].lower in PATRONYMS
            and self.name_part(tokens[i + 2])
        )

    def never_continued(self, token: Token) -> bool:
        """Whether the text never writes this name word followed by another ("Tamim bin Hamad")."""
        particles = "|".join(NAME_PARTICLES)
        following = re.compile(rf"(?<![\w-]){re.escape(token.text)}\s+(?:[A-Z]|(?:{particles})\s)")
        return not following.search(self.content)

    def joined_initials(self, tokens: list[Token], i: int) -> bool:
        """Two initials written as one word ("AK", "KP"), right before the next name word."""
        token = tokens[i]
        return (
            len(token.text) == 2
            and token.text.isalpha()
            and token.text.isupper()
            and token.end < tokens[i + 1].begin
            and not _inside((token.begin, token.end), self.gazetteer_spans)
            and not any(_inside((token.begin, token.end), o.mentions) for o in self.organizations)
        )

    def inner_capital(self, tokens: list[Token], i: int) -> bool:
        """A capitalized French article or pronoun inside a sentence, after a name word, is part of
        the name (« Le Drian », « Kim Jong Un »): French writes them in lower case elsewhere."""
        token = tokens[i]
        return (
            self.language == "fr"
            and i > 0
            and token.text[:1].isupper()
            and len(token.text) <= 3
            and token.lower in SENTENCE_STARTS["fr"]
            and tokens[i - 1].end < token.begin
            and not _inside((token.begin, token.end), self.gazetteer_spans)
        )

    def names_a_thing(self, tokens: list[Token], first: int, last: int) -> bool:
        """Whether the name is that of a place or thing ("the Amu Darya river", « l'aéroport
        international Félix Houphouët-Boigny »): a noun of NAMED_THINGS just before or after it."""
        before = first - 1
        while before >= 0 and tokens[before].text.islower() and tokens[before].lower not in NAMED_THINGS:
            if first - before > 2:
                break
            before -= 1
        after = tokens[last + 1].lower if last + 1 < len(tokens) else ""
        if tokens[last].lower in INSTITUTION_NOUNS or (
            after in INSTITUTION_NOUNS and tokens[last + 1].text[:1].isupper()
        ):
            return True  # "the Economic Relations Division", "Ghana National Chamber of Commerce"
        return (before >= 0 and tokens[before].lower in NAMED_THINGS) or not NAMED_THINGS.isdisjoint(
            {after, tokens[last].lower}
        )

    def qualifies_role(self, tokens: list[Token], last: int) -> bool:
        """Whether capitalized words come just before a role's head ("Public Works Secretary Mark
        Villar"): they name the office's domain, not a person."""
        i = last + 1
        return i < len(tokens) and tokens[i].text[:1].isupper() and bool(_is_head(tokens, i, self.heads))

    def domain_word(self, tokens: list[Token], i: int) -> bool:
        """Whether the name's first word is a domain of the office before it (« … of Trade and
        Industry Omar Al-Omar »): a word of the scheme's topic labels after of / for / and / a comma."""
        before = tokens[i - 1].lower if i > 0 else ""
        words = _domain_words()
        return before in ("of", "for", "and", "&", ",", "de", "du", "des", "et") and (
            tokens[i].lower in words or tokens[i].lower.rstrip("s") in words
        )

    def role_before(
        self, tokens: list[Token], first: int
    ) -> tuple[tuple[int, int] | None, tuple[str, int] | None]:
        """The role (first, last token) and rank (text, first token) written before the name."""
        i = first - 1
        rank = None
        for words in RANKS:
            n = len(words)
            if i - n + 1 >= 0 and tuple(t.lower for t in tokens[i - n + 1 : i + 1]) == words:
                rank = (self.content[tokens[i - n + 1].begin : tokens[i].end], i - n + 1)
                i -= n
                break
        if rank and i >= 0 and tokens[i].lower in DETERMINERS:
            i -= 1
        if i >= 1 and tokens[i].lower in TITLES_IN_NAMES and tokens[i - 1].text == ",":
            i -= 1  # "the Emir of Qatar, Sheikh Tamim bin Hamad Al Thani": the role is before the title
        apposition = i >= 0 and tokens[i].text == ","
        if apposition:
            i -= 1
        head, k = None, i
        while k >= 0 and i - k < 12:
            if (
                apposition
                and tokens[k].lower in ("and", "et")
                and 0 < k < i
                and tokens[k - 1].text[:1].isupper()
            ):
                k -= 1  # "the Minister of Economy and Finance, Romuald Wadagni": one office
                continue
            if tokens[k].lower in ENDS_ROLE or tokens[k].text == "," or tokens[k].lower in ROLE_BREAKS:
                break
            if self.name_part(tokens[k]) and not _is_head(tokens, k, self.heads):
                domain = self.office_domain(tokens, k)
                if domain is None:
                    break
                k = domain  # "Minister of International Development, Heikki Holmås": the office's domain
                continue
            if tokens[k].lower in DETERMINERS and head is not None:
                break
            if _is_head(tokens, k, self.heads):
                head = k
            k -= 1
        if head is None:
            return None, rank
        start = self.english_modifiers(tokens, head) if self.language == "en" else head
        return (start, i), rank

    def office_domain(self, tokens: list[Token], last: int) -> int | None:
        """Where capitalized words ending at ``last`` start when they are an office's domain after
        « of / for » and a role's head ("Secretary of State for External Relations"), else None."""
        j = last
        while j >= 0 and last - j < 6 and (self.name_part(tokens[j]) or tokens[j].lower in ("and", "&")):
            j -= 1
        if j < 1 or j == last or tokens[j].lower not in ("of", "for"):
            return None
        if not any(_is_head(tokens, h, self.heads) for h in range(max(0, j - 3), j)):
            return None
        return j - 1

    def honorific(self, tokens: list[Token], first: int) -> bool:
        """« M. Poutine », "Mr Putin"."""
        i = first - 1
        if i >= 0 and tokens[i].text == ".":
            i -= 1
        return i >= 0 and tokens[i].lower in HONORIFICS

    def role_after(self, tokens: list[Token], last: int) -> tuple[int, int] | None:
        """(start, end) of a role in apposition: "Alexei Likhachev, head of Rosatom,"."""
        i = last + 1
        if i >= len(tokens) or tokens[i].text != ",":
            return None
        i += 1
        if i < len(tokens) and tokens[i].lower in DETERMINERS:
            i += 1
        start = i
        while i < len(tokens) and i - start < 6 and not _is_head(tokens, i, self.heads):
            if tokens[i].lower in ENDS_ROLE or tokens[i].text == "," or tokens[i].lower in NOT_IN_ROLE:
                return None  # "Friendship Day, created in 1985 by former presidents": no apposition
            if tokens[i].text[:1].isdigit():
                return None
            i += 1
        if i >= len(tokens) or not _is_head(tokens, i, self.heads):
            return None
        end = i
        while end + 1 < len(tokens) and tokens[end + 1].text not in {",", ".", ";", ":"}:
            if tokens[end + 1].lower in ("et", "and") or end - start > 12:
                break
            end += 1
        return start, end

    def subject_of_verb(
        self, tokens: list[Token], first: int, last: int, runs: list[tuple[int, int]]
    ) -> bool:
        """Two or more names followed by a verb (« … Angela Merkel ont signé »), or after « par »/"by"."""
        if last - first < 1:
            return False
        if first > 0 and tokens[first - 1].lower in AGENT_WORDS:
            return True
        after = last + 1
        if after < len(tokens) and tokens[after].lower in ("et", "and"):
            following = next((r for r in runs if r[0] == after + 1), None)
            if following is None:
                return False
            after = following[1] + 1
        return after < len(tokens) and tokens[after].lower in PERSON_VERBS

    def find_persons(self) -> None:
        for tokens in self.sentences:
            runs = self.runs(tokens)
            added = -2  # the last token of the last run of two words or more taken for a person
            for first, last in runs:
                span = (tokens[first].begin, tokens[last].end)
                name = self.content[span[0] : span[1]]
                if first >= 1 and POSSESSIVE.search(
                    self.content[tokens[first - 1].begin - 1 : tokens[first].begin].strip()
                ):
                    continue  # "the Prime Minister's Office": an institution
                if self.names_a_thing(tokens, first, last) and not self.known(name):
                    continue
                if self.qualifies_role(tokens, last) and not self.known(name):
                    continue  # "Public Works Secretary Mark Villar": the role's domain
                if (
                    last + 1 < len(tokens)
                    and tokens[last + 1].text == ","
                    and self.office_domain(tokens, last) is not None
                    and not self.known(name)
                ):
                    continue  # "the Minister of International Development, …": the role's domain
                role, rank = self.role_before(tokens, first)
                while first < last and self.domain_word(tokens, first):
                    first += 1  # "Minister of Industry Omar Al-Omar": the domain belongs to the role
                    span = (tokens[first].begin, tokens[last].end)
                    name = self.content[span[0] : span[1]]
                    role = (role[0], first - 1) if role else None
                role = role or self.role_after(tokens, last)
                tagged = any(b <= span[0] < e or b < span[1] <= e for b, e in self.model_persons)
                # "Presidents Filipe Nyusi and Xi Jinping", « leurs PDG, Rachid Hachichi et Claudio Descalzi »
                tagged = tagged or (added == first - 2 and tokens[first - 1].lower in ("and", "et"))
                if role or rank or self.honorific(tokens, first):
                    starts = [first] + ([role[0]] if role else []) + ([rank[1]] if rank else [])
                    ends = [last] + ([role[1]] if role else [])
                    quote = (tokens[min(starts)].begin, tokens[max(ends)].end)
                    role_text = self.content[tokens[role[0]].begin : tokens[role[1]].end] if role else None
                    rank_text = rank[0] if rank else None
                    self.add(
                        name, role_text, rank_text, self.represents(role, tokens, first, last), quote, span
                    )
                    added = last if last > first else added
                elif self.known(name) or (
                    last > first and (tagged or self.subject_of_verb(tokens, first, last, runs))
                ):
                    self.add(name, None, None, self.represents(None, tokens, first, last), span, span)
                    added = last
                else:
                    self.mention(name, span)

    def represents(
        self, role: tuple[int, int] | None, tokens: list[Token], first: int, last: int
    ) -> tuple[str, str] | None:
        """The organization, else the state, named in the role; else "of <State>" after the name, or
        the adjective of a role shared with the name before (« présidents rwandais X et ougandais Y »)."""
        if role is not None:
            span = (tokens[role[0]].begin, tokens[role[1]].end)
            for organization in self.organizations:
                if any(b < span[1] and span[0] < e for b, e in organization.mentions):
                    return ("organization", organization.key)  # the role may stop inside its name
            named = [m for o in self.organizations for m in o.mentions]
            state = next(
                (
                    s
                    for s in self.states
                    if span[0] <= s.begin and s.end <= span[1] and not _inside((s.begin, s.end), named)
                ),
                None,
            )
            if state:
                return ("state", state.key)
        if last + 2 < len(tokens) and tokens[last + 1].lower in ("of", "du", "de"):
            state = next((s for s in self.states if s.begin == tokens[last + 2].begin), None)
            if state:
                return ("state", state.key)
        if first >= 2 and tokens[first - 2].lower in ("and", "et"):
            state = next(
                (s for s in self.states if s.begin == tokens[first - 1].begin and s.form == "adjective"), None
            )
            if state:
                return ("state", state.key)
        return None

    def known(self, name: str) -> tuple[str, str, str] | None:
        return gazetteer().person_labels.get(name)

    def same_person(self, name: str) -> Person | None:
        """An already found person this name refers to: the same name, or its last (or first) word."""
        words = name.split()
        for person in self.persons:
            known = person.name.split()
            if words == known or (len(words) < len(known) and known[-len(words) :] == words):
                return person
            if len(words) == 1 and words[0] == known[0]:
                return person
            if len(known) < len(words) and words[-len(known) :] == known:
                person.name, person.key = name, slug(name)  # "Mr Ishiba", then "Shigeru Ishiba"
                return person
            if 2 <= len(words) < len(known) and known[: len(words)] == words:
                return person  # "Mohammed Shia al-Sudani", then "Mohammed Shia"
            if 2 <= len(known) < len(words) and words[: len(known)] == known:
                person.name, person.key = name, slug(name)  # the short form first, then the whole name
                return person
        return None

    def add(
        self,
        name: str,
        role: str | None,
        rank: str | None,
        represents: tuple[str, str] | None,
        quote: tuple[int, int],
        span: tuple[int, int],
    ) -> None:
        person = self.same_person(name)
        if person is None:
            person = Person(slug(name), name, role, rank, represents, quote)
            known = self.known(name)
            if known:
                person.qid, person.labels = known[0], {"fr": known[2], "en": known[1]}
            self.persons.append(person)
        elif person.role is None and role:
            person.role, person.span = role, quote
        person.rank = person.rank or rank
        person.represents = person.represents or represents
        person.mentions.append(span)

    def mention(self, name: str, span: tuple[int, int]) -> None:
        person = self.same_person(name)
        if person is not None:
            person.mentions.append(span)


def find_people(
    content: str,
    sentences: tuple[tuple[int, int], ...],
    language: str,
    states: list[Mention],
    places: list[Mention],
    model_persons: tuple[tuple[int, int], ...],
) -> tuple[list[Person], list[Organization]]:
    """Persons and organizations of the article, in order of first mention."""
    finder = _Finder(content, sentences, language, states, places, model_persons)
    finder.find_organizations()
    finder.find_persons()
    # News names a person in full at least once: a lone word (« Hasina », "House") is no one.
    persons = [p for p in finder.persons if len(p.name.split()) > 1 or finder.known(p.name)]
    return persons, finder.organizations


def in_presence(content: str, sentence: tuple[int, int], mention: tuple[int, int]) -> bool:
    """Whether a person mentioned in a signing sentence only attended (« en présence de »)."""
    cue = PRESENCE.search(content, sentence[0], sentence[1])
    if cue is None:
        return False
    text = content[cue.start() : cue.end()].lower()
    after = (
        "en présence",
        "in the presence",
        "presence of",
        "sous",
        "during",
        "lors",
        "au cours",
        "à l",
        "on the",
    )
    return mention[0] > cue.start() if text.startswith(after) else True
