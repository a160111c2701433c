"""The signing and its agreements: how many, each one on its own, their topics, date, place, visit."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from accords.loaders.extraction import polarity
from accords.loaders.extraction.dates import MONTHS, DateMention, find_dates, year_of
from accords.loaders.extraction.gazetteer import gazetteer
from accords.loaders.extraction.lexicon import (
    AGREEMENT_NOUNS,
    AMOUNT_WORDS,
    BACK_REFERENCES,
    BULLET,
    COVERING_VERBS,
    DESCRIBING_VERBS,
    DOCUMENT_NOUNS,
    DOMAIN_WORDS,
    EXCHANGE_WORDS,
    FINANCING_NOUNS,
    FRENCH_AGREEMENT_ADJECTIVES,
    FUNCTION_WORDS,
    JOINED_INSTRUMENTS,
    NOT_NEW,
    NOT_SIGNED,
    NUMBER_CONNECTORS,
    ONE_AND_OTHER,
    ORDINALS,
    PLACE_PREPOSITIONS,
    ROLE_HEADS,
    SIGN_STEMS,
    SIGNED_INSTRUMENTS,
    SIGNING_INFINITIVE,
    VISIT_KINDS,
)
from accords.loaders.extraction.mentions import TOWN_NOUN, Mention, find_topics, normalized
from accords.loaders.extraction.numbers import is_number_word, parse_number
from accords.loaders.extraction.persons import Organization, Person, in_presence, tokenize
from accords.loaders.extraction.pipeline import Analysis

SIGNING_WORDS = re.compile(
    r"\b(?:sign(?:e|ed|s|ing|ature|atures|ataire|ataires|ant|é|ée|és|ées|er|ent|ons|era|eront)?"
    r"|paraph\w*|conclu\w*|scell\w*|inked|inking|seal(?:ed|s|ing)?)\b",
    re.IGNORECASE,
)
# "penned five MoUs", "put pen to paper on an agreement": read as the same-length sign forms
PEN_FORMS = re.compile(r"\b(?:penned|(put|puts|putting)\s+pen\s+to\s+paper)\b", re.I)
PEN_AS_SIGN = {"put": "sign", "puts": "signs", "putting": "signing"}
VISIT = {
    "fr": re.compile(
        r"\b(?:visite|voyage|tournée)(?:\s+(officielle|d'état|d'etat|de travail|d'amitié))?", re.I
    ),
    "en": re.compile(r"\b(?:(state|official|working)\s+)?visit(?:s|ing)?\b", re.I),
}
DESTINATION_BEFORE = re.compile(r"\b(?:en|au|aux|à|a|in|to)\s+(?:the\s+)?$", re.IGNORECASE)
LABEL_LENGTH = 160
INDEFINITE_ARTICLES = {"fr": {"un", "une"}, "en": {"a", "an", "one"}}
# what joins counts that add up: « un accord et de cinq protocoles », "two treaties and fifteen"
JOINED_COUNTS = re.compile(
    r"^[^.;:]{0,90}?(?:\b(?:and|et|as well as|ainsi que|plus|along with|together with)\s+|\bainsi qu'|,\s*)"
    r"(?:de\s+|d'|of\s+)?$"
    r"|^\s*,\s*$",
    re.I,
)
# A sentence that opens on one agreement beside the ones it counts: "Alongside the partnership
# agreement, ministers signed six documents", « Outre l'accord-cadre, les ministres ont signé trois … »
# "27 other documents", « cinq autres accords »: a count of others, one at least being named apart
OTHER_COUNT = re.compile(r"[\w-]+\s+(?:other|more|further|additional|autres|supplémentaires)\b", re.I)
BESIDE_ONE = re.compile(
    r"\s*(?:alongside|besides|in\s+addition\s+to|outre|en\s+plus\s+de|à\s+côté\s+de)\s+"
    r"(?:the|an?|l'|le|la|un|une|du)\s*[^,;.]{0,60}?\b(?:agreement|accord|treaty|traité|memorandum|mémorandum"
    r"|convention|protocol|protocole)\b[^,;.]{0,80},",
    re.I,
)
NOT_SIGNER = re.compile(
    r"(?:support|backing|help|assistance|financing|auspices|presence|soutien|appui|aide|égide|présence"
    r"|financ\w+\s+(?:by|par)|funded\s+by|hosted\s+by|accueilli\w*\s+par)\s+(?:of\s+|de\s+|d')?"
    r"(?:the\s+|la\s+|le\s+|l')?[^,;]{0,20}$",
    re.I,
)
ORGANIZATION_PARTNER = re.compile(
    r"\b(?:(?:with|avec|links?|lie|relie|associe|associant|réunit|involves|involving|brings\s+together)\b[^,;:.]{0,100}|(?:between|entre)\b[^;:.]{0,160})$",
    re.I,
)
# an organization in a minister's title is the minister's domain, not a signer (« Le ministre des
# Affaires maghrébines, de l'Union africaine et de la Ligue des États arabes, X, et … ont signé »)
MINISTERS_DOMAIN = re.compile(
    r"\b(?:ministres?|ministers?)\b(?:\s+\w+)?\s+(?:de\s+la|de\s+l'|des|du|of\s+the|of|for)\s"
    r"(?:(?!\b(?:sign\w*|president|présidente?|vice|directeur|directrice|director|head|chief|chef|governor"
    r"|gouverneur|secretary|secrétaire|ceo|chairman|représentant|representative)\b)[^.;:()]){0,80}(?:\b(?:de\s+la|de|des|du|of\s+the|of|for|and)\s+|d'|l')$",
    re.I,
)
SIGNED_BY = re.compile(
    r"\b(?:sign\w*|paraph\w*|inked|sealed|conclu\w*|exchanged|échangée?s?)\s+(?:[\w'-]+\s+){0,6}?(?:by|par)\b",
    re.I,
)
# "signed … during a visit by": the agent is the occasion's, not the signing's
OCCASION = re.compile(r"\b(?:during|amid|pendant|durant|lors)\b", re.I)
DATELINE = re.compile(
    r"([A-ZÀ-Ý][A-ZÀ-Ý'-]+(?: [A-ZÀ-Ý][A-ZÀ-Ý'-]+)?)(?:\s*\([^)]{1,20}\))?(?:,[^—–\n]{1,30})?"
    r"(?:\s+(?:[—–]|-\s)|:\s|\.\s+[A-Z]{2,}\s+(?:[—–]|-\s))"  # « ASMARA — », "ISLAMABAD, 28 December —",
    # "KATHMANDU: ", "MUSCAT. KAZINFORM –"
)
INITIALLED = re.compile(r"paraph|initial", re.I)
# « En marge de la signature, », "After the signing,": a signing that only sets the time of what follows
SIGNING_FRAME = re.compile(
    r"\s*(?:en\s+marge\s+de|lors\s+de|à\s+l'issue\s+de|au\s+terme\s+de|après|avant|on\s+the\s+sidelines\s+of"
    r"|after|before|following|during|at)\s[^,;]{0,60},",
    re.I,
)
# « Après six rounds de négociations, … ont paraphé », « paraphé par les négociateurs »: a text
# initialled as negotiations close, its signing still to come
NEGOTIATION = re.compile(r"\bn[ée]goci", re.I)
# "The negotiations on the … Agreement were concluded by", « Les pourparlers … ont été conclus »: the
# sentence's subject is the talks, the participle theirs, not the agreement's
TALKS_SUBJECT = re.compile(
    r"^\W*(?:(?:the|their|les|leurs|ces|these)\s+)?(?:\w+\s+)?"
    r"(?:négociations?|pourparlers|discussions?|consultations|talks|negotiations?)\b"
    r"(?:(?!\b(?:and|et)\b)[^,;:.])*?\b(?:were|was|have\s+been|has\s+been|had\s+been|ont\s+été|a\s+été|avaient\s+été)\s+$",
    re.I,
)
# another instrument than the one just named: « d'autres », « un quatrième », "another", "a second"
ANOTHER = re.compile(
    r"\b(?:d['’]autres|une?\s+autre|une?\s+\w+ième|other|another|further|more|a\s+(?:second|third|fourth|fifth))\b",
    re.I,
)
# « le protocole conclu avec » beside a signing to come: the French participle tells of its negotiation
CONCLUDED = re.compile(r"conclue?s?", re.I)
# « Conakry, », "BAKU, Azerbaijan," before a dateline's date, and what ends the dateline after it
DATELINE_PLACE = re.compile(
    r"[A-ZÀ-Ý][\w'’ .-]{0,30}(?:\s*\([^)]{1,30}\))?(?:,\s*[A-ZÀ-Ý][\w'’ .-]{0,30}){0,2},\s*"
)  # also "Arequipa (Arequipa region), ", "Washington, DC, USA, "
DATELINE_TAIL = re.compile(r"\s*,[^.\n]{0,30}?\d{1,4}[^.\n]{0,20}?(?:[-—–]|\()")
# a town in title case opens a dateline only with its date (« Quito, Oct 17 (PL) – », "Ashgabat, 27
# February 2023 –"): a sentence may open on a town too
TITLED_DATELINE = re.compile(
    r"([A-ZÀ-Ý][\w'’-]+(?: [A-ZÀ-Ý][\w'’-]+){0,2})"
    r"(?=\s*,[^\n.]{0,40}?(?:[A-Z][a-z]{2,3}\.\s*)?\d{1,4}[^.\n]{0,20}?\s(?:[-—–]|\())"
)
# « à l'issue de », "at the close of": a signing that ends a meeting of several days is dated its last
AT_THE_CLOSE = re.compile(
    r"\b(?:à\s+l['’]issue\s+d|au\s+terme\s+d|en\s+clôture\s+d|at\s+the\s+(?:close|end|conclusion)\s+of)",
    re.I,
)
STAY = re.compile(r"\b(?:visite|visit|séjour|stay|tour|tournée)\b", re.I)
RANGE_END = re.compile(r"\d(?:er)?\s*(?:to|au|-|–|and|et)\s*$")  # « du 24 au 26 août »: a span
CONCLUDED_FOR = re.compile(
    r"\s+(?:pour|for)\s+(?:une\s+durée\s+de\s+|a\s+(?:period|term)\s+of\s+)?(?:\d+|[a-zé]+)\s+"
    r"(?:ans?|années?|mois|years?|months?)\b",
    re.I,
)
# « ont conclu les négociations », "concluded talks", « la conclusion des négociations »: talks ended
CONCLUDED_TALKS = re.compile(
    r"\s+(?:(?:de\s+|of\s+)?(?:les|leurs|des|the|their|its|ses|sa|la|le|l')\s*)?"
    # one word between, not a preposition ("concluded during talks" is a signing during talks)
    r"(?:(?!(?:during|at|in|on|after|before|with|lors|pendant|à|au|en|après|avant|avec|par|by)\b)\w+\s+)?"
    r"(?:négociations?|pourparlers|discussions?|entretiens|consultations|travaux|talks|negotiations?"
    r"|session|sessions|visite|visit|meeting|réunion|sommet|summit)\b",
    re.I,
)
DEVELOPMENT = re.compile(r"\b(?:development|développement)\b", re.I)
RANGE_START = re.compile(r"(?<!\d)(\d{1,2})(?:er)?\s*(?:to|au|-|–|and|et)\s*$")  # its first day
# "said on Monday", "arrived in Baghdad on Thursday", « a annoncé jeudi », « annoncée le 19 avril »,
# « de retour à Moroni le 5 mai »: the date of a statement, an arrival or a return, not of the signing
REPORTED_ON = re.compile(
    r"\b(?:said|says|announced|told\s+\w+|stated|reported"
    r"|(?:arrived|returned|back)(?:\s+(?:in|to|at|home\s+to)\s+[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)?"
    r"|(?:annoncée?s?|déclarée?s?|indiquée?s?|précisée?s?)"
    r"|(?:est\s+arrivée?|rentrée?s?|revenue?s?|de\s+retour)(?:\s+(?:à|au|en)\s+[A-ZÀ-Ý][\w-]+)?"
    r"|began|begun|started|opened|ouverte?|entamée?|a\s+(?:débuté|commencé)"
    r"|statement|release|communiqué|published|issued|publiée?)"
    r"\s+(?:on\s+|last\s+|ce\s+|le\s+)?$"
)
# a byline ("Written by … | 16 February 2017 | 0 Comments", « Par … | Publié le 3 mai »): its date is
# the report's
BYLINE = re.compile(
    r"(?:(?:written\s+)?by|par|posted|published|publié|mis\s+en\s+ligne|updated)\b[^\n]{0,80}\||"
    r"[^\n|]{0,60}\|[^\n|]{0,40}\|",
    re.I,
)
BYLINE_LENGTH = 120  # a byline is a short line, not a paragraph opening on "Town | Agency |"
DATELINE_END = re.compile(r"\s*(?:\([^)]{1,20}\)\s*)?(?:[-—–:]|\.\s+[A-ZÀ-Ý])")
MONTH_WORDS = {m.lower() for names in MONTHS.values() for m in names.split()}
SIGNING_NOUNS = {"signature", "signatures", "signing", "mous", "mou", "memoranda", "texts", "textes"}
# « en avril 2021 », "in April 2021", "in 2015": a year that dates what follows in its sentence
EARLIER_IN = re.compile(r"\b(?:in|en|since|depuis)\s+(?:([A-Za-zéû]+)\s+)?((?:19|20)\d\d)\b(?!\s*[-–])", re.I)
CEREMONY = re.compile(r"\b(?:cérémonie|ceremony)\b", re.I)
# a palace or a state house named without its city ("at State House", "at the Lusail Palace", « au
# palais présidentiel », « au palais de Carthage »): where the text places the signing
RESIDENCE = re.compile(
    r"\b(?:at|in|à|au|dans\s+le)\s+(?:the\s+)?("
    r"(?:[A-Z][\w'’.-]*\s+){1,3}(?:Palace|House|Diwan)(?!\s+of\b)"
    r"|Palacio(?:\s+(?:de|del|de\s+la))?(?:\s+[A-Z][\w'’-]+)+"
    r"|[Pp]alais\s+(?:présidentiel|(?:de\s+la\s+|du\s+|de\s+l['’]|d['’]|de\s+)[A-ZÉÈ][\w'’-]+))"
    # « au palais présidentiel de Ouagadougou », "at State House in Mombasa": the city is named
    r"(?!\s*(?:,\s*)?(?:de|d['’]|du|of|in|à)\s+[A-ZÀ-Ý])"
)
ROLE_WORDS = ROLE_HEADS["fr"] | ROLE_HEADS["en"]
MONTH_LIST = [m.lower() for language in ("fr", "en") for m in MONTHS[language].split()]
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# "in the southern port city of Busan", « dans la ville de Tianjin »: a place
TOWN_OF = re.compile(r"\b" + TOWN_NOUN + r"\s+$")
# an envoy's or a body's post (« ambassadeur du Mali à New Delhi », « l'ambassade de Djibouti à Paris »,
# "High Commissioner to Mozambique",
# « le directeur de l'AFD à Djibouti »)
ENVOY_POST = re.compile(
    r"\b(?:(?:ambassade|embassy|consulat|consulate)(?:\s+(?:de\s+l['’]|du\s+|de\s+|d['’]|of\s+(?:the\s+)?)"
    r"[A-ZÀ-Ý][\w'’-]*)?\s+(?:à|in|au)\s*$"
    r"|(?:ambassadeur|ambassadrice|ambassador|consul|high\s+commissioner|haut-commissaire"
    r"|directeur|directrice|director|représentante?|representative)\b[^,;.()]{0,25}"
    r"\s(?:à|in|to|au)\s*$)",
    re.I,
)
# « de retour à Moroni », « rentré à Dakar », "returned home to Abuja", "back in Lusaka": a return,
# reported where the travellers came home, not where they signed
RETURNED_TO = re.compile(
    r"\b(?:de\s+retour|rentrée?s?|revenue?s?|returned(?:\s+home)?|back(?:\s+home)?)\s+(?:à|au|en|in|to)\s+$",
    re.I,
)
# « qui réside à Paris », "based in Nairobi", « en poste à Dakar »: where someone lives or works; "signed
# for Seoul", « pour Dakar », "on behalf of": the government one signs for
RESIDES_IN = re.compile(
    r"\b(?:(?:réside|résident|résidant|resides?|residing|based|basée?s?|en\s+poste)\s+(?:à|au|en|in|at)"
    r"|for|pour|on\s+behalf\s+of|au\s+nom\s+de)\s+$",
    re.I,
)
MONTH_YEAR = re.compile(r"\b([A-Za-zéû]+)\s+((?:19|20)\d\d)\b")
NOT_SIGNED_PATTERNS = {
    language: re.compile(
        "|".join(forms).replace("sign", SIGN_STEMS) + "|" + SIGNING_INFINITIVE[language], re.I
    )
    for language, forms in NOT_SIGNED.items()
}
EXCHANGED = re.compile(EXCHANGE_WORDS, re.I)
# « a mis à profit sa visite … pour signer », « a profité de … pour signer »: what the visit served, done
PUT_TO_USE = re.compile(r"\b(?:a|ont)\s+(?:mis\s+à\s+profit|profité\s+de)\b", re.I)
DRAFT_TEXTS = r"projets?\s+d'(?:accords?|conventions?)|draft\s+(?:agreements?|accords?|texts?)"
DRAFTS = re.compile(
    r"\b(?:" + DRAFT_TEXTS + r"|d'autres\s+(?:accords?|conventions?)|other\s+(?:agreements?|accords?))\b",
    re.I,
)
# « d'autres accords seront signés », "further agreements are to be signed": a signing to come of
# other instruments, not of the one initialled
OTHER_INSTRUMENTS = re.compile(
    r"\b(?:d'autres|other|further|additional|more)\s+(?:[\w-]+\s+)?(?:accords?|agreements?|conventions?"
    r"|protocoles?|protocols?|m[ée]morandums?|memoranda|textes?|texts?|documents?|instruments?)\b",
    re.I,
)
ONLY_DRAFTS = re.compile(r"\b(?:" + DRAFT_TEXTS + r")\b", re.I)  # texts not yet signed
# « officialisées par un échange de notes », "signed an Exchange of Notes": a diplomatic instrument
NOTES_EXCHANGE = re.compile(r"\b(?:un|an|the|l')\s+(échanges?\s+de\s+notes|exchanges?\s+of\s+notes)\b", re.I)
MONEY_WORDS = {"millions", "milliards", "million", "billion", "billions", "mille", "thousand"}
SAID_IN = {"statement", "déclaration", "declaration"}  # "said in a statement", « dans une déclaration »
BULLET_LINE = re.compile(BULLET + r"(?P<text>[^\n]+)$", re.M)
LIST_BREAK = re.compile(r"[,;]|\b(?:et|and)\b")


@dataclass
class Count:
    value: int
    span: tuple[int, int]  # « Trois accords »
    noun: str  # « accords », as written


@dataclass
class Agreement:
    ordinal: int | None
    span: tuple[int, int]  # the words that introduce it
    label: str
    block: list[tuple[int, int]]  # the text about it, where its topics and parties are read
    topics: list[Mention] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)  # keys of organizations that are parties
    described: bool = True  # False: it stands for the signing's instruments the text does not describe


@dataclass
class Visit:
    kind: str | None
    visitor: Person
    destination: str  # ISO code
    span: tuple[int, int]
    derived: str | None  # how the destination was got, when the text does not name it


@dataclass
class Signing:
    sentences: list[int]  # indices of the sentences that tell of a signing
    count: Count | None
    agreements: list[Agreement]
    date: DateMention | None
    date_sentence: tuple[int, int] | None
    place: Mention | None
    place_sentence: tuple[int, int] | None
    topics: list[Mention]
    signatories: list[Person]
    # organizations named in the signing sentences, not as backers: the other party when the text
    # names one state only and no organization by its place as a signer
    named_organizations: list[str] = field(default_factory=list)
    # the day of the report's dateline (« Conakry, 17 octobre – »), when the article's date gives
    # only its month: what « ce jeudi » is counted back from
    reference: str | None = None


def _as_sign(match: re.Match[str]) -> str:
    """ "penned" as "signed", "put pen to paper" as "sign" and spaces: the same length, so offsets hold."""
    word = "signed" if match.group(1) is None else PEN_AS_SIGN[match.group(1).lower()]
    return word.ljust(len(match.group(0)))


class _Reader:
    def __init__(self, content: str, analysis: Analysis, language: str, year: int, month: int = 0) -> None:
        self.content = content
        self.text = PEN_FORMS.sub(_as_sign, normalized(content))
        self.analysis = analysis
        self.language = language
        self.year = year
        self.month = month  # the article's month, 0 if unknown
        self.sentences = analysis.sentences

    def concluded_nothing(self, word: tuple[int, int], sentence: tuple[int, int]) -> bool:
        """« conclu » / "concluded" with no agreement noun beside it (« ont conclu sur la nécessité
        d'agir », "the talks concluded") or for a term: the end of something, not a signing."""
        if not self.text[word[0] : word[1]].lower().startswith("conclu") and not PEN_FORMS.match(
            self.content, word[0]
        ):
            return False  # "penned an op-ed on the trade agreement" is read as « conclu » is
        if CONCLUDED_FOR.match(self.text, word[1], sentence[1]):
            return True  # « conclu pour quatre ans », "concluded for five years": its term, not its signing
        if CONCLUDED_TALKS.match(self.text, word[1], sentence[1]):
            return True  # "concluded negotiations on an air services agreement": the talks ended
        if TALKS_SUBJECT.match(self.text[sentence[0] : word[0]]):
            return True  # "The negotiations on the … Agreement were concluded by": the talks ended
        before = re.findall(r"\w+", self.text[sentence[0] : word[0]])[-5:]
        after = re.findall(r"\w+", self.text[word[1] : sentence[1]])[:6]
        return not {w.lower() for w in before + after} & AGREEMENT_NOUNS[self.language]

    def signing_words(self, sentence: tuple[int, int]) -> list[tuple[int, int]]:
        """The signing words of the sentence that tell of this signing: none that « doit être
        signé », "no document was signed" ends on, and none dated to an earlier year."""
        begin, end = sentence
        denied = [
            m.span()
            for m in NOT_SIGNED_PATTERNS[self.language].finditer(self.text, begin, end)
            if not (m.group(0).lower().startswith("pour") and PUT_TO_USE.search(self.text, begin, m.start()))
            and not polarity.RECENT_PAST.search(self.text, begin, m.start())
        ]
        words = [m.span() for m in SIGNING_WORDS.finditer(self.text, begin, end)]
        nouns = AGREEMENT_NOUNS[self.language]
        if {w.lower() for w in re.findall(r"\w+", self.text[begin:end])} & nouns:
            words += [m.span() for m in EXCHANGED.finditer(self.text, begin, end) if self.exchanges_texts(m)]
        words += [m.span(1) for m in NOTES_EXCHANGE.finditer(self.text, begin, end)]
        # « s'est conclue par la signature », « l'accord signé en 2002 »: an end or an earlier signing,
        # not this one denied
        ended = [w for w in words if self.not_denied_drop(w, sentence)]
        kept = [
            w
            for w in words
            if not any(b <= w[0] < e for b, e in denied)
            and not polarity.denied(self.text, sentence, w, self.language)
            and w not in ended
            and not self.record_only(w, sentence)
            and not self.drafts_exchanged(w, sentence)
            and not (INITIALLED.match(self.text, *w) and NEGOTIATION.search(self.text, begin, end))
        ]
        # initialled, to be signed later (« paraphé, il sera signé en mars »): no signing yet; a
        # signing noun beside a signing to come is that one ("completed the texts for the signing of
        # 20 agreements, to be signed tomorrow")
        if len(kept) < len(words) - len(ended):
            kept = [
                w
                for w in kept
                if not INITIALLED.match(self.text, *w)
                and not CONCLUDED.fullmatch(self.text, *w)
                and self.text[w[0] : w[1]].lower() not in SIGNING_NOUNS
            ]
        return kept

    def not_denied_drop(self, word: tuple[int, int], sentence: tuple[int, int]) -> bool:
        """Whether the signing word is left out as no signing of this report's without being one
        denied or still to come: a meeting's end (« s'est conclue par »), an earlier signing, or a
        joint communiqué signed where the report has no drafts (« et signé un communiqué conjoint »)."""
        return (
            self.concluded_nothing(word, sentence)
            or self.earlier(word[1], sentence[1])
            or self.dated_before(sentence[0], word[0])
            or (self.record_only(word, sentence) and not ONLY_DRAFTS.search(self.text))
        )

    def noun_or_exchange(self, word: tuple[int, int]) -> bool:
        """A signing noun (« la signature », "signing") or an exchange, not a verb that signs."""
        lower = self.text[word[0] : word[1]].lower()
        return lower in SIGNING_NOUNS or lower.startswith(("exchange", "échange"))

    def exchanges_texts(self, match: re.Match) -> bool:
        """An exchange that hands over texts: a participle (« des accords échangés »), or the noun
        whose complement is an instrument (« l'échange des instruments de ratification »), not "the
        exchange of expertise" or « l'échange de jeunes professionnels »."""
        if not match.group(0).lower().startswith(("exchange of", "échange")):
            return True
        following = re.findall(r"\w+", self.text[match.end() : match.end() + 40].lower())[:3]
        texts = DOCUMENT_NOUNS[self.language] | SIGNED_INSTRUMENTS | JOINED_INSTRUMENTS
        return bool(set(following) & texts)

    def record_only(self, word: tuple[int, int], sentence: tuple[int, int]) -> bool:
        """A meeting's record signed: a joint communiqué never an agreement, its minutes not where the
        report's agreements are still drafts (« des projets d'accords échangés, un procès-verbal signé »)."""
        record = polarity.record_signed(self.text, sentence, word)
        if record is None:
            return False
        return record.startswith("communiqu") or bool(ONLY_DRAFTS.search(self.text))

    def drafts_exchanged(self, word: tuple[int, int], sentence: tuple[int, int]) -> bool:
        """An exchange of drafts (« ont échangé des projets d'accords », « des projets d'accords
        échangés »): texts still to be finalised, not signed."""
        if not EXCHANGED.fullmatch(self.text, *word):
            return False
        return bool(
            ONLY_DRAFTS.search(self.text, max(sentence[0], word[0] - 40), min(sentence[1], word[1] + 40))
        )

    def signing_to_come(self, kept: list[list[tuple[int, int]]]) -> bool:
        """Whether the report tells anywhere of a signing still to come or put off (« la signature
        reste à venir », "the signing was postponed"); ``kept``: each sentence's signing_words."""
        return any(
            not self.names_another(sentence)
            and len(kept[i])
            < sum(
                not self.not_denied_drop(m.span(), sentence)
                for m in SIGNING_WORDS.finditer(self.text, *sentence)
            )
            for i, sentence in enumerate(self.sentences)
        )

    def names_another(self, sentence: tuple[int, int]) -> bool:
        """Whether the sentence names another instrument than the one initialled (« Un quatrième accord
        sera signé », « D'autres accords seront signés », "another agreement"): its signing to come is not
        that text's."""
        if OTHER_INSTRUMENTS.search(self.text, *sentence):  # "further agreements", « d'autres textes »
            return True
        nouns = AGREEMENT_NOUNS[self.language]
        for match in ANOTHER.finditer(self.text, *sentence):
            following = re.findall(r"\w+", self.text[match.end() : match.end() + 30].lower())[:2]
            if set(following) & nouns:
                return True
        return False

    def partner(self, before: str) -> bool:
        """Whether ``before`` ends on « avec » / "between" … after a signing word, an agreement noun
        or an ordinal standing for one ("while the fourth links …") in the same clause; a list of
        instruments after a semicolon keeps its head (« The MoUs cover …; cooperation between … »)."""
        cue = ORGANIZATION_PARTNER.search(before)
        if not cue:
            return False
        clauses = re.split(r"[;:\n]", before[: cue.start()])
        head = clauses[-1]
        if re.match(r"\s*(?:between|entre)\b", before[cue.start() :], re.I):
            head = re.split(r"[:\n]", before[: cue.start()])[-1]  # "The MoUs cover …; … between"
        frame = SIGNING_FRAME.match(head)
        if frame:  # « En marge de la signature, les ministres ont évoqué la coopération entre … »
            head = head[frame.end() :]
        nouns = DOCUMENT_NOUNS[self.language] | SIGNING_NOUNS | set(ORDINALS[self.language])
        between = re.match(r"\s*(?:between|entre)\b", before[cue.start() :], re.I)
        if between and re.match(r"\s*[•▪●*-]\s", head.rsplit("\n", 1)[-1]):
            return True  # "• cooperation between the … Fund and …": a bulleted instrument links them
        return bool(SIGNING_WORDS.search(head)) or bool({w.lower() for w in re.findall(r"\w+", head)} & nouns)

    def earlier(self, after: int, end: int) -> bool:
        """Whether the words after a signing word date it to an earlier year (« signé en 1963 ») or
        to a month more than two months before the article's (« le 15 mai 2015 » in September 2015)."""
        clause_end = self.text.find(";", after, end)
        window = (after, min(end, after + 45, *([clause_end] if clause_end > 0 else [])))
        years = [int(y) for y in YEAR.findall(self.text, *window)]
        # the year before the article's may be this signing's (« le 28 décembre 2024 », reported in January)
        if years and max(years) < self.year - 1:
            return True
        return any(
            self.months_before(m.group(1), int(m.group(2))) for m in MONTH_YEAR.finditer(self.text, *window)
        )

    def months_before(self, name: str, year: int) -> bool:
        """Whether the month ``name`` of ``year`` is more than two months before the article's."""
        month = next((i % 12 + 1 for i, m in enumerate(MONTH_LIST) if m == name.lower()), 0)
        return bool(month and self.month) and (self.year - year) * 12 + self.month - month > 2

    def recalls_earlier(self, sentence: tuple[int, int]) -> bool:
        """Whether a signing word of the sentence is dated to an earlier year or month."""
        return any(
            self.earlier(m.end(), sentence[1]) or self.dated_before(sentence[0], m.start())
            for m in SIGNING_WORDS.finditer(self.text, *sentence)
        )

    def dated_before(self, begin: int, word: int) -> bool:
        """Whether the sentence dates the signing word, before it, to an earlier year ("in April 2021,
        when she and Mr Museveni signed", « En 2015, les deux pays avaient signé »)."""
        for match in EARLIER_IN.finditer(self.text, begin, word):
            year = int(match.group(2))
            if year < self.year - 1 or self.months_before(match.group(1) or "", year):
                return True
        return False

    def find_count(self, order: list[int]) -> Count | None:
        """The first « Trois accords » / "51 agreements" (two or more) in the given sentences, added
        up with the counts joined to it ("two treaties and fifteen other documents" is 17, « un
        accord et deux mémorandums » is 3) and with the one agreement the sentence opens beside them
        ("Alongside the partnership agreement, … signed six documents" is 7)."""
        for index in order:
            counts = self.counts(index)
            total = None
            for following in counts:
                if total and JOINED_COUNTS.match(self.text[total.span[1] : following.span[0]]):
                    total = Count(
                        total.value + following.value, (total.span[0], following.span[1]), total.noun
                    )
                    continue
                if total and total.value >= 2:
                    return self.beside_one(index, total)
                total = following
            if total and total.value >= 2:
                return self.beside_one(index, total)
        return None

    def beside_one(self, index: int, total: Count) -> Count:
        """``total`` plus the agreement its sentence opens beside it (« Outre l'accord-cadre, … »), or
        that a count of others alone implies ("27 other documents", "sign 11 more agreements")."""
        opening = BESIDE_ONE.match(self.text, self.sentences[index][0], total.span[0])
        others = OTHER_COUNT.match(self.text[total.span[0] : total.span[1]])
        return Count(total.value + 1, total.span, total.noun) if opening or others else total

    def counts(self, index: int) -> list[Count]:
        """Every « trois accords » / "15 other documents" of a sentence, in text order."""
        tokens = tokenize(self.text, *self.sentences[index])
        found: list[Count] = []
        i = 0
        while i < len(tokens):
            j = i
            while j < len(tokens) and (
                tokens[j].text.isdigit() or is_number_word(tokens[j].text, self.language)
            ):
                j += 1
            single = j == i and tokens[i].lower in INDEFINITE_ARTICLES[self.language]
            if single:
                j = i + 1  # « un accord … et deux mémorandums », "a memorandum … and five other pacts"
            elif j == i or tokens[i].lower == NUMBER_CONNECTORS[self.language]:
                i += 1
                continue
            text = self.content[tokens[i].begin : tokens[j - 1].end]
            value = 1 if single else parse_number(text, self.language)
            for k in range(j, min(j + 4, len(tokens))):
                noun = tokens[k].lower.split("-")[0]  # « accord-cadre »
                # "18 agreements and two letters of exchange": letters count only beside instruments
                if noun in DOCUMENT_NOUNS[self.language] or (found and noun in JOINED_INSTRUMENTS):
                    plural = tokens[k].lower.endswith(("s", "a"))
                    if value is not None and (value >= 2 and plural or value == 1 and not plural or found):
                        found.append(Count(value, (tokens[i].begin, tokens[k].end), tokens[k].text))
                    break
                if (
                    tokens[k].lower in FUNCTION_WORDS
                    or tokens[k].lower in AMOUNT_WORDS
                    or not tokens[k].text.isalpha()
                    or is_number_word(tokens[k].text, self.language)
                    or tokens[k].lower in MONTH_WORDS
                    or SIGNING_WORDS.fullmatch(tokens[k].text)
                ):
                    # « 27 juin quatorze accords »: 27 counts no agreement; "the two countries signed
                    # cooperation agreements": a count does not reach across its verb
                    break
            i = j
        return found

    def ordinal_mentions(self) -> list[tuple[int, int, int]]:
        """(ordinal, begin, end) of « le deuxième accord », « l'autre sur », "the second sets out"."""
        ordinals = ORDINALS[self.language]
        alternation = "|".join(sorted(ordinals, key=len, reverse=True))
        nouns = "|".join(sorted(DOCUMENT_NOUNS[self.language], key=len, reverse=True))
        verbs = "|".join(DESCRIBING_VERBS)
        one, other = ONE_AND_OTHER[self.language]
        after_one = r"\s+(?:sur|portant|relatif|concernant|pour|dans|on|covering|concerning|about|for)\b"
        patterns = [
            (re.compile(rf"\b({alternation})\s+(?:{nouns})\b", re.I), None),
            (re.compile(rf"\b(?:le|la|the)\s+({alternation})(?=\s*(?:,|(?:{verbs})\b))", re.I), None),
            (re.compile(rf"(?<!\w){re.escape(one)}(?={after_one})", re.I), 1),
            (re.compile(rf"(?<!\w){re.escape(other)}(?={after_one})", re.I), 2),
        ]
        found = []
        for pattern, fixed in patterns:
            for match in pattern.finditer(self.text, self.sentences[0][0] if self.sentences else 0):
                value = fixed or ordinals[match.group(1).lower()]
                found.append((value, match.start(), match.end()))
        return sorted(found, key=lambda m: m[1])

    def indefinite_mentions(self, signing: list[int]) -> list[tuple[int, int, int]]:
        """(label start, end, mention start) of « un traité … » / "a … agreement" in signing sentences."""
        nouns = "|".join(sorted(AGREEMENT_NOUNS[self.language], key=len, reverse=True))
        if self.language == "fr":
            adjectives = "|".join(FRENCH_AGREEMENT_ADJECTIVES)
            pattern = re.compile(rf"\b(?:un|une)\s+(?:(?:{adjectives})\s+)?((?:{nouns}))\b", re.I)
        else:
            pattern = re.compile(rf"\b(?:a|an)\s+((?:[a-z][\w-]*\s+){{0,4}}?(?:{nouns}))\b")
        found: list[tuple[int, int, int]] = []
        for index in signing:
            begin, end = self.sentences[index]
            for match in pattern.finditer(self.text, begin, end):
                before = self.text[max(begin, match.start() - 8) : match.start()].split()
                between = match.group(1).split()[:-1]
                if (before and before[-1].lower() in NOT_NEW) or any(w in FUNCTION_WORDS for w in between):
                    continue
                if (
                    before
                    and before[-1].lower() in {"in", "dans"}
                    and match.group(1).split()[-1].lower() in SAID_IN
                ):
                    continue  # "the Presidential House said in a statement": how it was told, no instrument
                # « un traité instituant un partenariat … »: the second one only describes the first.
                if (
                    found
                    and begin <= found[-1][1]
                    and not LIST_BREAK.search(self.text, found[-1][1], match.start())
                ):
                    continue
                found.append((match.start(1), match.end(1), match.start()))
        # a headline names again the agreement its body describes
        headline = (
            self.sentences[0]
            if self.sentences and self.analysis.paragraphs[:1] == (self.sentences[0],)
            else None
        )
        body = [f for f in found if not headline or f[2] >= headline[1]]
        return body or found

    def one_of_mentions(self) -> list[tuple[int, int, int]]:
        """(label start, end, start) of one of the instruments signed, told with its parties
        (« l'un des accords, conclu entre X et Y », "One of the agreements, between X and Y")."""
        nouns = "|".join(sorted(DOCUMENT_NOUNS[self.language], key=len, reverse=True))
        pattern = re.compile(
            rf"\b(?:one\s+of\s+(?:the|these)|l'une?\s+(?:des|de\s+ces))\s+({nouns})\s*,\s*"
            r"(?:\w+\s+){0,2}(between|entre)\b",
            re.I,
        )
        start = self.sentences[0][0] if self.sentences else 0
        return [(m.start(2), m.end(1), m.start()) for m in pattern.finditer(self.text, start)]

    def named_in_signing(self, signing: list[int]) -> tuple[int, int, int] | None:
        """The first agreement noun of a signing sentence, whatever its determiner (« Le mémorandum
        d'entente a été signé »): (label start, end, start), for an article naming no new one."""
        nouns = "|".join(sorted(AGREEMENT_NOUNS[self.language], key=len, reverse=True))
        pattern = re.compile(rf"\b(?:{nouns})\b", re.IGNORECASE)
        for index in signing:
            match = pattern.search(self.text, *self.sentences[index])
            if match:
                return match.start(), match.end(), match.start()
        return None

    def label(self, begin: int, dates: list[DateMention], places: list[Mention]) -> str:
        """The words naming an agreement, from ``begin`` to the next comma, date or place."""
        sentence = self.sentences[self.analysis.sentence_at(begin)]
        end = sentence[1]
        stop = re.compile(r"[,;:.]").search(self.text, begin, sentence[1])
        if stop:
            end = stop.start()
        mentions: list[DateMention | Mention] = [*dates, *places]
        for mention in mentions:
            if begin < mention.begin < end:
                end = mention.begin
        words = self.content[begin:end].split()
        while words and words[-1].lower() in FUNCTION_WORDS | PLACE_PREPOSITIONS:
            words.pop()
        if len(words) <= 1:
            words = self.content[begin : sentence[1]].rstrip(".").split()
        text = " ".join(words)
        if len(text) > LABEL_LENGTH:
            text = text[:LABEL_LENGTH].rsplit(" ", 1)[0] + "…"
        return text[:1].upper() + text[1:]


def _instrument_list(reader: _Reader, bullets: list[re.Match[str]]) -> bool:
    """Whether bulleted lines list instruments: one of them or the line that introduces them names a
    document or a loan (« – une convention sur … », « • un prêt de … », « les accords suivants : »),
    not a budget's shares (« L'enveloppe se répartit comme suit : ») nor the parts the introducing
    line counts in other words (« Le protocole s'articule autour de quatre axes : »)."""
    nouns = DOCUMENT_NOUNS[reader.language] | SIGNING_NOUNS | SIGNED_INSTRUMENTS | FINANCING_NOUNS
    lines = [reader.text[m.start("text") : m.end("text")] for m in bullets]
    intro = [line for line in reader.text[: bullets[0].start()].splitlines() if line.strip()][-1:]
    # the last count of the sentence the introducing line's colon closes, when no instrument noun
    # follows it (« … autour de quatre axes : »; not « … entre les deux chefs d'État …, des accords ont
    # été signés dans les domaines suivants : »)
    closing = re.split(r"[.!?]\s", intro[0])[-1] if intro and intro[0].rstrip().endswith(":") else ""
    words = [w.lower() for w in re.findall(r"[\w'’-]+", closing)]
    counts = [i for i, w in enumerate(words[:-1]) if (parse_number(w, reader.language) or 0) in range(2, 51)]
    counted = set(words[counts[-1] + 1 :]) if counts else set()
    if counts and not (nouns | MONEY_WORDS) & counted:
        intro = []  # then only the lines themselves may name instruments ("$200 million … and loans")
    return any(nouns & {w.lower() for w in re.findall(r"\w+", line)} for line in lines + intro)


def _paragraph_end(analysis: Analysis, index: int) -> int:
    """The index after the last sentence of the paragraph holding sentence ``index``."""
    paragraph = analysis.paragraph_at(analysis.sentences[index][0])
    end = index + 1
    while end < len(analysis.sentences) and analysis.paragraph_at(analysis.sentences[end][0]) == paragraph:
        end += 1
    return end


def _blocks(reader: _Reader, heads: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """For each agreement introduced at (begin, end): its clause and the sentences up to the next."""
    analysis = reader.analysis
    blocks = []
    for k, (begin, _) in enumerate(heads):
        index = analysis.sentence_at(begin)
        sentence = analysis.sentences[index]
        following = heads[k + 1][0] if k + 1 < len(heads) else None
        if following is not None and analysis.sentence_at(following) == index:
            blocks.append([(begin, following)])
            continue
        last = analysis.sentence_at(following) if following is not None else _paragraph_end(analysis, index)
        blocks.append([(begin, sentence[1]), *analysis.sentences[index + 1 : last]])
    return blocks


def find_signing(
    content: str,
    analysis: Analysis,
    language: str,
    places: list[Mention],
    persons: list[Person],
    organizations: list[Organization],
    year: int,
    month: int = 0,
) -> Signing | None:
    """Everything about the signing the article tells of (agreements may be empty); None if it
    tells of none (talks, a signing to come, « aucun document n'a été signé »)."""
    reader = _Reader(content, analysis, language, year, month)
    sentences = analysis.sentences
    words = [reader.signing_words(s) for s in sentences]
    signing = [i for i, kept in enumerate(words) if kept]
    kept = [w for i in signing for w in words[i]]
    # a text initialled, its signing to come (« paraphé …, la signature reste à venir »); a signing noun
    # or an exchange beside it tells of no other signing (« Entre le paraphe et la signature officielle »)
    verbs = [w for w in kept if not reader.noun_or_exchange(w)]
    if verbs and all(INITIALLED.match(reader.text, *w) for w in verbs) and reader.signing_to_come(words):
        return None
    documents = DOCUMENT_NOUNS[language] | SIGNING_NOUNS | SIGNED_INSTRUMENTS
    if not any(
        documents & {w.lower() for w in re.findall(r"\w+", reader.text[b:e])}
        for b, e in (sentences[i] for i in signing)
    ):
        return None  # « ont signé le livre d'or »: nothing an agreement was signed
    # a sentence about an earlier signing (« Depuis 1993, … ont déjà conclu … deux accords »): not this count
    others = [
        i for i in range(len(sentences)) if i not in signing and not reader.recalls_earlier(sentences[i])
    ]
    count = reader.find_count(signing + others)
    dates = find_dates(reader.text, language)
    dates = [d for d in dates if sentences and d.begin >= sentences[0][0]]
    body = [(sentences[0][0], sentences[-1][1])] if sentences else []

    ordinals = reader.ordinal_mentions()
    values = {value for value, _, _ in ordinals}
    agreements: list[Agreement] = []
    bullets = [m for m in BULLET_LINE.finditer(reader.text, sentences[signing[0]][0])]
    if len(bullets) >= 2 and not {1, 2} <= values and _instrument_list(reader, bullets):
        for match in bullets:
            begin, end = match.span("text")
            label = content[begin:end].strip().rstrip(" .;,")
            if len(label) > LABEL_LENGTH:
                label = label[:LABEL_LENGTH].rsplit(" ", 1)[0] + "…"
            agreements.append(Agreement(None, (begin, end), label[:1].upper() + label[1:], [(begin, end)]))
    elif {1, 2} <= values:
        firsts: dict[int, tuple[int, int]] = {}
        for value, begin, end in ordinals:
            firsts.setdefault(value, (begin, end))
        order = sorted(firsts, key=lambda v: firsts[v][0])
        for value, block in zip(order, _blocks(reader, [firsts[v] for v in order]), strict=True):
            begin, end = firsts[value]
            # A later « le second mémorandum » tells more of the same agreement.
            block.extend(
                sentences[analysis.sentence_at(b)] for v, b, _ in ordinals if v == value and b != begin
            )
            label = _ordinal_label(reader, begin, min(block[0][1], _clause_end(reader.text, begin)), count)
            agreements.append(Agreement(value, (begin, end), label, block))
    else:
        mentions = reader.indefinite_mentions(signing)
        if count:  # « l'un des accords, conclu entre … » of the several signed
            mentions = sorted([*mentions, *reader.one_of_mentions()], key=lambda m: m[2])
        named = None if mentions or count else reader.named_in_signing(signing)
        mentions = mentions or ([named] if named else [])
        heads = [(start, end) for _, end, start in mentions]
        blocks = _blocks(reader, heads) if len(mentions) > 1 else [body] * len(mentions)
        for (label_begin, end, start), block in zip(mentions, blocks, strict=True):
            agreements.append(Agreement(None, (start, end), reader.label(label_begin, dates, places), block))

    if not agreements:
        # A signing of instruments the text does not describe one by one stands as one agreement.
        anchor = count.span if count else sentences[signing[0]]
        about = _about_instruments(reader, signing)
        agreements.append(
            Agreement(None, anchor, _undescribed_label(language, count), about, described=False)
        )
    for agreement in agreements:
        agreement.topics = _domains_first(
            find_topics(content, _topic_block(reader, agreement, body, signing), language)
        )
        # an organization signs in a signing sentence, or in the text describing its own agreement
        described_in = sorted(
            {analysis.sentence_at(b) for b, _ in [*agreement.block, agreement.span]}
            if agreement.described
            else set()
        )
        signers = _signing_organizations(reader, sorted(set(signing) | set(described_in)), organizations)
        if not agreement.described:
            signers |= _instrument_partners(reader, signing, organizations)
        # the block's first sentence from its start: "The Bank (BADEA) has signed a loan agreement …"
        opening = sentences[analysis.sentence_at(agreement.block[0][0])][0]
        before = (opening, agreement.block[0][0])
        if any(before[0] <= a.span[0] < before[1] for a in agreements):
            before = (opening, opening)  # another agreement is introduced there first
        where = [*agreement.block, before]
        agreement.organizations = [
            o.key
            for o in organizations
            if any(b <= mb and me <= e for mb, me in o.mentions for b, e in where) and o.key in signers
        ]
    first = min(a.span[0] for a in agreements)
    leading = {
        o.key
        for o in organizations
        for b, _ in o.mentions
        if agreements[0].described
        and b < first
        and analysis.sentence_at(b) in signing
        and SIGNING_WORDS.search(reader.text, b, sentences[analysis.sentence_at(b)][1])  # its subject
        and _signs(reader, sentences[analysis.sentence_at(b)], b)
    }
    for agreement in agreements:
        if not agreement.organizations and leading:
            # « Le Sénégal et la Banque mondiale ont signé quatre accords » before the four are described
            agreement.organizations = [o.key for o in organizations if o.key in leading]
        _development_party(agreement, organizations)
    topic_spans = _signing_topic_spans(reader, count, agreements, body)
    datelined = [d for d in dates if _in_dateline(reader, d)]
    dates = [d for d in dates if d not in datelined and not _later(reader, d) and not _in_byline(reader, d)]
    date, date_sentence = _date(reader, dates, signing)
    place, place_sentence = _place(reader, places, signing)
    signatories = [
        p
        for p in persons
        if any(
            sentences[i][0] <= b and e <= sentences[i][1] and not in_presence(content, sentences[i], (b, e))
            for b, e in p.mentions
            for i in signing
        )
    ]
    named_in_signing = [
        o.key
        for o in sorted(organizations, key=lambda o: min((b for b, _ in o.mentions), default=o.span[0]))
        if any(
            sentences[i][0] <= b < sentences[i][1]
            and not NOT_SIGNER.search(reader.text[sentences[i][0] : b][-80:])
            for b, _ in o.mentions
            for i in signing
        )
    ]
    if not named_in_signing:
        # « le ministre … et M. Shaffer ont signé »: the body a signatory speaks for signs
        represented = [
            p.represents[1] for p in signatories if p.represents and p.represents[0] == "organization"
        ]
        named_in_signing = list(dict.fromkeys(represented))
    return Signing(
        signing,
        count,
        agreements,
        date,
        date_sentence,
        place,
        place_sentence,
        _domains_first(find_topics(content, topic_spans, language)),
        signatories,
        named_in_signing,
        _reference(reader, datelined),
    )


def _about_instruments(reader: _Reader, signing: list[int]) -> list[tuple[int, int]]:
    """Where the domains of instruments not described one by one are read: the signing sentences
    and those that name documents or domains (« Les textes portent sur la santé »), not the talks or
    the relations around them (« une coopération couvrant la culture, la justice »)."""
    cues = DOCUMENT_NOUNS[reader.language] | DOMAIN_WORDS | SIGNING_NOUNS | COVERING_VERBS
    about = []
    for i, sentence in enumerate(reader.sentences):
        words = [w.lower() for w in re.findall(r"[\w-]+", reader.text[sentence[0] : sentence[1]])]
        if i in signing or cues & set(words) or words[:1] and words[0] in BACK_REFERENCES:
            about.append(sentence)
    return about


def _topic_block(
    reader: _Reader, agreement: Agreement, body: list[tuple[int, int]], signing: list[int]
) -> list[tuple[int, int]]:
    """Where an agreement's topics are read: its block, but when that is the whole report (the one
    agreement it describes) only the sentence introducing it and those about the instruments, not the
    talks, the visit or the background around them; never a sentence about another signing, earlier
    or to come (« ont déjà conclu … depuis 1993 »), or about drafts (« des projets d'accords »)."""
    analysis = reader.analysis
    block = agreement.block
    if agreement.described and agreement.block != body:
        return block  # its own clause and the sentences up to the next one
    if agreement.block == body:
        about = {analysis.sentence_at(agreement.span[0])} | {
            analysis.sentence_at(b) for b, _ in _about_instruments(reader, signing)
        }
        # the next sentence of the paragraph goes on about it (« L'accord prévoit … La production de gaz … »)
        following = {i + 1 for i in about if i + 1 < _paragraph_end(analysis, i)}
        block = [reader.sentences[i] for i in sorted(about | following)]
    return [(b, e) for b, e in block if not _other_signing(reader, analysis.sentence_at(b), signing)]


def _other_signing(reader: _Reader, index: int, signing: list[int]) -> bool:
    """Whether sentence ``index`` tells of a signing that is not this one, or of drafts."""
    sentence = reader.sentences[index]
    if index in signing:
        return False
    # « Conclu pour vingt ans, le texte couvre … » is this one (concluded_nothing: its term)
    words = SIGNING_WORDS.finditer(reader.text, *sentence)
    return any(not reader.concluded_nothing(m.span(), sentence) for m in words) or bool(
        DRAFTS.search(reader.text, *sentence)
    )


def _signs(reader: _Reader, sentence: tuple[int, int], begin: int) -> bool:
    """Whether the organization named at ``begin`` signs, by its place in the sentence: the French
    parse's signer, the subject before a signing word (no clause break, no preposition before it)
    or the partner after « avec » / « entre » / "with" / "between"; never a backer or a host."""
    text, (s_begin, s_end) = reader.text, sentence
    before = text[s_begin:begin]
    if NOT_SIGNER.search(before[-80:]) or MINISTERS_DOMAIN.search(before[-120:]):
        return False
    if OWNER_BEFORE.search(before):
        return False  # "the Institute of Seismology of Turkmenistan's Academy of Sciences": an owner
    if before.endswith("(") and CREDIT.match(text, begin):
        return False  # « Djibouti, 30 août (ADI) – … »: the news agency a dateline credits
    if any(b <= begin < e for b, e in reader.analysis.signers) or reader.partner(before):
        return True
    if SIGNATORIES_ARE.search(before):
        return True  # « Les entreprises signataires sont Taparco Mining, … », "The signatories were …"
    agent = SIGNED_BY.search(before)
    if agent and BY_THE_SIGNING.match(before, agent.end()):
        agent = None  # « s'est conclue par la signature de … », "concluded by the signing of": no agent
    if agent and not re.search(r"[;:]", before[agent.end() :]) and not OCCASION.search(agent.group(0)):
        return True  # "signed by Alexei Likhachev, head of … Rosatom"
    if re.search(
        r"(?:\b(?:of|for|by|from|through|under|to|in|at|on|de|du|des|pour|par|sous|à|au)|d')\s*"
        r"(?:(?:the\s+)?[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?'s\s+)?$",  # "Secretary of Uzbekistan's Council"
        before,
        re.I,
    ):
        return False
    for word in SIGNING_WORDS.finditer(text, begin, s_end):
        between = text[begin : word.start()]
        infinitive = re.search(r"\b(?:to|pour|à|de|d')\s+(?:\w+\s+(?:et|and)\s+)?$", between, re.I)
        return len(between) < 120 and not re.search(r"[;:]", between) and not infinitive
    return False


BY_THE_SIGNING = re.compile(r"\s+(?:la\s+|the\s+)?(?:signature|signing)\b", re.I)
CREDIT = re.compile(r"[^()\n]{1,60}\)\s*[–—-]")  # the rest of « (AGENCY) – » after a dateline
SIGNATORIES_ARE = re.compile(r"\b(?:signataires|signatories)\s+(?:sont|étaient|are|were|include|:)\s*$", re.I)
OWNER_BEFORE = re.compile(
    r"\b(?:of|de|du|des)\s+(?:the\s+)?[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?'s(?:\s+[A-Z][\w-]+){0,2}\s+$"
)


def _signing_organizations(
    reader: _Reader, sentences: list[int], organizations: list[Organization]
) -> set[str]:
    """Organizations named as signing in the given sentences (see ``_signs``)."""
    found = set()
    for organization in organizations:
        for begin, _ in organization.mentions:
            index = reader.analysis.sentence_at(begin)
            if index in sentences and _signs(reader, reader.sentences[index], begin):
                found.add(organization.key)
    # one listed with a signer signs too (« Les signataires sont A, B et C »)
    mentions = sorted((b, e, o.key) for o in organizations for b, e in o.mentions)
    for (_, end, key), (begin, _, other) in zip(mentions, mentions[1:], strict=False):
        if (
            key in found
            and reader.analysis.sentence_at(begin) in sentences
            and LISTED.fullmatch(reader.text, end, begin)
        ):
            found.add(other)
    return found


LISTED = re.compile(r"\s*(?:,|,?\s*(?:et|and))\s*(?:(?:la|le|les|the)\s+|l')?")


def _instrument_partners(reader: _Reader, signing: list[int], organizations: list[Organization]) -> set[str]:
    """Organizations an instrument links in a signing sentence or one with no signing word ("the
    fourth links the Kuwait Investment Authority and the …", « Une convention lie l'Institut … et
    l'Institut … »); not in a signing put off ("An eighth agreement, between …, is to be signed")."""
    found = set()
    for organization in organizations:
        for begin, _ in organization.mentions:
            index = reader.analysis.sentence_at(begin)
            sentence = reader.sentences[index]
            if index not in signing and SIGNING_WORDS.search(reader.text, *sentence):
                continue
            before = reader.text[sentence[0] : begin]
            if reader.partner(before) and not NOT_SIGNER.search(before[-80:]):
                found.add(organization.key)
    return found


def _undescribed_label(language: str, count: Count | None) -> str:
    """« 5 instruments signés, non décrits un à un » / "5 instruments signed, not described one by one"."""
    number = f"{count.value} " if count else ""
    if language == "fr":
        return f"{number}instruments signés, non décrits un à un".capitalize()
    return f"{number}instruments signed, not described one by one".capitalize()


def _clause_end(text: str, begin: int) -> int:
    stop = re.compile(r"[;.]").search(text, begin)
    return stop.start() if stop else len(text)


def _ordinal_label(reader: _Reader, begin: int, end: int, count: Count | None) -> str:
    """« Mémorandum … sur … » for « l'un sur … »; else the clause the ordinal starts, to ``end``."""
    clause = reader.content[begin:end].rstrip(" .,;")
    one, other = ONE_AND_OTHER[reader.language]
    for pronoun in (one, other):
        if reader.text[begin : begin + len(pronoun)].lower() == pronoun and count is not None:
            noun = reader.content[count.span[0] : count.span[1]].split(maxsplit=1)[1]
            singular = " ".join([noun.split()[0].removesuffix("s"), *noun.split()[1:]])
            clause = singular + clause[len(pronoun) :]
    words = clause.split()
    while words and words[0].lower() in ("le", "la", "l'", "the", "enfin,", "finally,"):
        words.pop(0)
    text = " ".join(words)
    if len(text) > LABEL_LENGTH:
        text = text[:LABEL_LENGTH].rsplit(" ", 1)[0] + "…"
    return text[:1].upper() + text[1:]


def _development_party(agreement: Agreement, organizations: list[Organization]) -> None:
    """An agreement with a development bank or agency as a party (its name says so: « Banque
    africaine de développement », "Islamic Development Bank") is development cooperation."""
    if any(t.key == "development-cooperation" for t in agreement.topics):
        return
    for organization in organizations:
        names = [organization.name, *(organization.labels or {}).values()]
        if organization.key in agreement.organizations and any(DEVELOPMENT.search(n) for n in names):
            begin, end = organization.mentions[0] if organization.mentions else organization.span
            agreement.topics.append(Mention("development-cooperation", begin, end, "party"))
            return


def _domains_first(topics: list[Mention]) -> list[Mention]:
    """Without the parties' relations in general (« pour renforcer les relations bilatérales ») when
    the signing's sentences name a domain: the relations are the signing's purpose, not its topic."""
    domains = [t for t in topics if t.key != "politics-and-diplomacy"]
    return domains or topics


def _signing_topic_spans(
    reader: _Reader, count: Count | None, agreements: list[Agreement], body: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Where the signing's own topics are read: the whole text when no agreement stands alone;
    else the title, the sentences announcing the count and those naming the domains."""
    if not agreements:
        return body
    spans = _title(reader)
    if len(agreements) == 1 and agreements[0].block == body:
        return spans
    for sentence in reader.sentences:
        words = {w.lower() for w in re.findall(r"\w+", reader.text[sentence[0] : sentence[1]])}
        if (count and sentence[0] <= count.span[0] < sentence[1]) or words & DOMAIN_WORDS:
            in_agreement = any(b <= sentence[0] and sentence[1] <= e for a in agreements for b, e in a.block)
            if not in_agreement:
                spans.append(sentence)
    return spans


def _title(reader: _Reader) -> list[tuple[int, int]]:
    """The title opening the text, if it has one: a first line that no full stop closes, followed by
    others (« Routes rurales : la Tunisie emprunte 86,4 millions d'euros au Fonds koweïtien »)."""
    if not reader.sentences:
        return []
    begin = reader.sentences[0][0]
    end = reader.text.find("\n", begin)
    line = reader.text[begin:end].rstrip()
    if end < 0 or not line or line[-1] in '.!?…»"”':
        return []
    return [(begin, begin + len(line))]


def _lead_in(reader: _Reader, signing: list[int]) -> list[int]:
    """The sentence before the first signing sentence, in its paragraph (« X and Y held talks in
    New Delhi on Saturday. They witnessed the exchange of five agreements »)."""
    first = signing[0]
    analysis = reader.analysis
    if first > 0 and analysis.paragraph_at(analysis.sentences[first - 1][0]) == analysis.paragraph_at(
        analysis.sentences[first][0]
    ):
        return [first - 1]
    return []


def _date(
    reader: _Reader, dates: list[DateMention], signing: list[int]
) -> tuple[DateMention | None, tuple[int, int] | None]:
    """The first date in a signing sentence; else the first date near an agreement noun."""
    nouns = AGREEMENT_NOUNS[reader.language]
    ordered = signing + [
        i
        for i, s in enumerate(reader.sentences)
        if i not in signing and nouns & {w.lower() for w in re.findall(r"\w+", reader.text[s[0] : s[1]])}
    ]
    ordered += _lead_in(reader, signing)
    for index in ordered:
        begin, end = reader.sentences[index]
        found = [
            d
            for d in dates
            if begin <= d.begin < end
            and not REPORTED_ON.search(reader.text, max(begin, d.begin - 40), d.begin)
            and (index in signing or not _weeks_before(reader, d))
        ]
        if found:
            return _day_of(reader, _month_of_span(reader, found[0], dates), dates, signing), (begin, end)
    return _opening_date(reader, dates, signing)


def _month_of_span(reader: _Reader, date: DateMention, dates: list[DateMention]) -> DateMention:
    """A day that closes a span (« du 17 au 19 juillet », « les 5 et 6 juillet », "from 24 to 26
    August") dates a stay, not the signing in it: its month only, unless the report gives that day on
    its own too ("on 7–8 August … On August 8, …") or the signing closes the meeting (« à l'issue de »)."""
    if not _in_span(reader, date):
        return date
    sentence = reader.sentences[reader.analysis.sentence_at(date.begin)]
    close = AT_THE_CLOSE.search(reader.text, sentence[0], date.begin)
    if close and not STAY.search(reader.text, close.end(), close.end() + 40):
        # « à l'issue de la session …, tenue les 8 et 9 décembre »: its last day; not the close of a
        # visit ("at the close of a working visit … on 5 and 6 July"), which dates the stay
        return date
    if any(d.day == date.day and d.month == date.month and not _in_span(reader, d) for d in dates):
        return date
    return replace(date, day=None, weekday=None)


def _in_span(reader: _Reader, date: DateMention) -> bool:
    """Whether the date closes a span (« du 17 au 19 juillet », "from 24 to 26 August")."""
    return bool(RANGE_END.search(reader.text, max(0, date.begin - 20), date.begin))


def _weeks_before(reader: _Reader, date: DateMention) -> bool:
    """Whether a date is a month or more before the article's month ("struck by cyclone Idai on 14
    March" in an April report): another event, when its sentence does not tell of the signing."""
    if date.month is None or not reader.month:
        return False
    year = date.year or year_of(date.month, reader.year, reader.month)
    return (reader.year - year) * 12 + reader.month - date.month >= 1 and date.day is not None


def _day_of(reader: _Reader, found: DateMention, dates: list[DateMention], signing: list[int]) -> DateMention:
    """A bare weekday (« jeudi ») made precise by a signing sentence that gives its day (« dans la
    soirée du jeudi 20 juin »), else by the one day of that weekday the report gives."""
    if found.day is not None or found.weekday is None:
        return found
    for index in signing:
        begin, end = reader.sentences[index]
        for other in dates:
            if begin <= other.begin < end and other.day is not None and other.weekday == found.weekday:
                return other
    # « a conclu dimanche … » and, elsewhere in the report, « Le dimanche 8 janvier 2017, … »: that day,
    # when the report gives that weekday one day only
    named = {(o.year, o.month, o.day): o for o in dates if o.day is not None and o.weekday == found.weekday}
    if len(named) == 1:
        other = next(iter(named.values()))
        return replace(other, begin=found.begin, end=found.end, text=f"{found.text} ({other.text})")
    return _day_in_stay(reader, found, dates)


def _day_in_stay(reader: _Reader, found: DateMention, dates: list[DateMention]) -> DateMention:
    """A bare weekday made precise by the one stay the text dates ("on a state visit from 5 to 7
    November 2018" makes "on Tuesday" the 6th), when that stay holds that weekday once."""
    stays = []
    for other in dates:
        start = RANGE_START.search(reader.text, max(0, other.begin - 20), other.begin)
        if start and other.day is not None and other.month is not None:
            try:
                last = datetime.date(other.year or reader.year, other.month, other.day)
            except ValueError:  # « 31 juin »
                continue
            stays.append(
                [last - datetime.timedelta(n) for n in range(max(0, other.day - int(start.group(1))) + 1)]
            )
    if len(stays) != 1:
        return found
    matching = [d for d in stays[0] if d.strftime("%A") == found.weekday]
    if len(matching) != 1:
        return found
    day = matching[0]
    return DateMention(found.begin, found.end, found.text, found.weekday, day.day, day.month, day.year)


def _opening_date(
    reader: _Reader, dates: list[DateMention], signing: list[int]
) -> tuple[DateMention | None, tuple[int, int] | None]:
    """The last date the report gives before its first signing sentence, the day of the meeting the
    signing closes (« Au deuxième jour de sa visite, le mercredi 27 janvier 2021, … Dans la foulée,
    les ministres ont signé »), unless it is of an earlier year."""
    headline = reader.analysis.paragraphs[:1] == (reader.sentences[0],)
    body = [i for i in signing if not (headline and i == 0)]
    if not body:
        return None, None
    start = reader.sentences[0][1] if headline else reader.sentences[0][0]
    before = [
        d
        for d in dates
        if start <= d.begin < reader.sentences[body[0]][0]
        and (d.year is None or d.year >= reader.year)
        and not RANGE_END.search(reader.text, max(0, d.begin - 20), d.begin)
        and not REPORTED_ON.search(reader.text, max(0, d.begin - 40), d.begin)
        and len(reader.text[slice(*reader.sentences[reader.analysis.sentence_at(d.begin)])].split()) >= 8
    ]
    if not before:
        return None, None  # "from 24 to 26 August": a stay, no signing day; "Posted on May 3"
    found = before[-1]
    return found, reader.sentences[reader.analysis.sentence_at(found.begin)]


def _in_dateline(reader: _Reader, date: DateMention) -> bool:
    """Whether the date is the report's own, in its dateline (« Conakry, 17 octobre – », "Addis
    Ababa, July 18, 2024 (FBC) -"): when it was written, not when anything was signed."""
    paragraphs = [b for b, _ in reader.analysis.paragraphs[:4]]  # after a headline, a byline, a caption
    return any(
        (b == date.begin or DATELINE_PLACE.fullmatch(reader.text, b, date.begin))
        and DATELINE_END.match(reader.text, date.end)
        for b in paragraphs
        if b <= date.begin
    )


def _in_byline(reader: _Reader, date: DateMention) -> bool:
    """Whether the date is in a byline line among the report's first paragraphs ("Written by … | 16
    February 2017 | 0 Comments"), short and telling of no signing: when it was posted."""
    return any(
        b <= date.begin < e
        and e - b <= BYLINE_LENGTH
        and BYLINE.match(reader.text, b, e)
        and not SIGNING_WORDS.search(reader.text, b, e)
        for b, e in reader.analysis.paragraphs[:4]
    )


def _later(reader: _Reader, date: DateMention) -> bool:
    """Whether a date with its year is after the article's month ("to host the meeting in June 2025"):
    a plan, not the signing reported."""
    return date.year is not None and (date.year, date.month or 0) > (reader.year, reader.month or 12)


def _reference(reader: _Reader, datelined: list[DateMention]) -> str | None:
    """The dateline's day as YYYY-MM-DD, when it gives one."""
    for date in datelined:
        if date.day is not None and date.month is not None:
            year = date.year or year_of(date.month, reader.year, reader.month)
            try:
                return datetime.date(year, date.month, date.day).isoformat()
            except ValueError:
                return None
    return None


def _place(
    reader: _Reader, places: list[Mention], signing: list[int]
) -> tuple[Mention | None, tuple[int, int] | None]:
    """The first place of a signing sentence introduced by « à », "in", « au Kremlin »…; else any."""
    for strict in (True, False):
        # then a sentence of the ceremony (« La cérémonie s'est déroulée au Plateau, … d'Abidjan »)
        # (also in the first pass: "The short ceremony took place at the State House in Dar es Salaam"
        # before a signing sentence's "for Seoul")
        ceremony = [
            i
            for i, (b, e) in enumerate(reader.sentences)
            if i not in signing and CEREMONY.search(reader.text, b, e)
        ]
        for index in signing + _lead_in(reader, signing) + ceremony:
            begin, end = reader.sentences[index]
            for place in places:
                if not begin <= place.begin < end:
                    continue
                before = reader.text[max(begin, place.begin - 6) : place.begin].split()
                introduced = bool(before) and before[-1].lower() in PLACE_PREPOSITIONS | {"the"}
                introduced = introduced or bool(
                    TOWN_OF.search(reader.text, max(begin, place.begin - 50), place.begin)
                )
                if _attribute(reader, place) or _datelined(reader, place):
                    continue
                if introduced or place.form == "capital" or not strict:
                    return place, (begin, end)
    dateline = _dateline(reader)
    if dateline[0] is not None:
        return dateline
    # "Mr Macri travelled to the Brazilian capital": a capital named by phrase anywhere in the report
    for place in places:
        if place.form == "capital":
            return place, reader.sentences[reader.analysis.sentence_at(place.begin)]
    named = _most_named(reader, places)
    if named[0] is not None:
        return named
    return _residence(reader, signing)


def _residence(reader: _Reader, signing: list[int]) -> tuple[Mention | None, tuple[int, int] | None]:
    """A palace or a state house a signing sentence, the lead-in or a sentence of the ceremony names
    without its city ("at State House", « au palais présidentiel »): the place the text gives."""
    ceremony = [i for i, (b, e) in enumerate(reader.sentences) if CEREMONY.search(reader.text, b, e)]
    for index in dict.fromkeys(signing + _lead_in(reader, signing) + ceremony):
        match = RESIDENCE.search(reader.text, *reader.sentences[index])
        if match:
            name = reader.content[match.start(1) : match.end(1)]
            mention = Mention("residence:" + name, match.start(1), match.end(1), "residence")
            return mention, reader.sentences[index]
    return None, None


def _most_named(reader: _Reader, places: list[Mention]) -> tuple[Mention | None, tuple[int, int] | None]:
    """With no place in or around the signing, nor a dateline: the town the report names most often
    (« Ali Bongo est arrivé à Abidjan … entre Libreville et Abidjan »), outside titles, among the towns
    a place preposition introduces at least once; the first on a tie."""
    towns = [
        p
        for p in places
        if p.begin >= reader.sentences[0][0] and not _attribute(reader, p) and not _datelined(reader, p)
    ]
    # a town never introduced as a place (« Hanoï et Pékin ont convenu », "Kathmandu said") names a
    # government, not where anything was done; one introduced only in a sentence dated to an earlier
    # year (« son séjour à Ankara, du 14 au 17 août 2019, au cours duquel trois accords avaient été
    # signés » in a 2020 report) is where an earlier event was
    placed = {p.key for p in towns if _introduced(reader, p) and not _earlier_year(reader, p.begin)}
    towns = [p for p in towns if p.key in placed]
    if not towns:
        return None, None
    counted = Counter(p.key for p in towns)
    best = max(towns, key=lambda p: counted[p.key])  # max keeps the first of equals
    derived = "the town the report names most often, where it names no place for the signing"
    mention = Mention(best.key, best.begin, best.end, "report", derived)
    return mention, reader.sentences[reader.analysis.sentence_at(best.begin)]


def _earlier_year(reader: _Reader, offset: int) -> bool:
    """Whether the sentence at ``offset`` gives a year before the report's and none of its own."""
    begin, end = reader.sentences[reader.analysis.sentence_at(offset)]
    years = {int(y) for y in YEAR.findall(reader.text, begin, end)}
    return bool(years) and max(years) < reader.year


def _introduced(reader: _Reader, place: Mention) -> bool:
    """Whether a place preposition introduces the place (« à Abidjan », "in Hanoi")."""
    before = reader.text[max(0, place.begin - 6) : place.begin].split()
    return bool(before) and before[-1].lower() in PLACE_PREPOSITIONS


def _attribute(reader: _Reader, place: Mention) -> bool:
    """Whether a place only qualifies a name ("Crown Prince of Abu Dhabi", « maire de Dakar »,
    "the Manila-based lender", « le chemin de fer Kindu-Uvira-Bujumbura »), is where someone came back
    to or lives (« de retour à Moroni », « qui réside à Paris ») or whom one signs for ("signed … for
    Seoul"): not where anything was signed."""
    before = reader.text[max(0, place.begin - 40) : place.begin]
    after = reader.text[place.end : place.end + 7].lower()
    owner = re.search(r"([\w-]+)\s+(?:of|de|du|d')\s*(?:the\s+)?$", before)  # "Prince of", « maire de »
    titled = owner is not None and (owner.group(1)[:1].isupper() or owner.group(1).lower() in ROLE_WORDS)
    # « l'ambassadeur du Mali à New Delhi »: a post, not a signing place
    posted = bool(ENVOY_POST.search(before))
    route = bool(re.search(r"[A-Z]\w*[-–]$", before, re.UNICODE)) or bool(re.match(r"[-–][A-ZÀ-Ý]", after))
    elsewhere = bool(RETURNED_TO.search(before) or RESIDES_IN.search(before))
    return titled or posted or route or elsewhere or bool(re.match(r"-bas", after))


def _datelined(reader: _Reader, place: Mention) -> bool:
    """Whether a town opens a paragraph as its dateline (« Dhaka, Feb 19 - … has signed »): where
    the report was filed, which tells where the signing was no more than the headline does."""
    starts = any(
        b <= place.begin and not reader.text[b : place.begin].strip()
        for b, _ in reader.analysis.paragraphs[:3]
    )
    return starts and bool(DATELINE_TAIL.match(reader.text, place.end))


def _dateline(reader: _Reader) -> tuple[Mention | None, tuple[int, int] | None]:
    """The town a report is datelined from (« ASMARA — », "ISLAMABAD, 28 December —"), where the
    text names no place in or around its signing sentences. A dateline in title case or closed by its
    agency (« Quito, Oct 17 (PL) – », "MUSCAT. KAZINFORM –") counts only when the report names its
    town again: a report filed there about a signing elsewhere names it once."""
    towns = gazetteer().towns
    for paragraph in reader.analysis.paragraphs[:2]:  # the headline's paragraph, or the next
        first = reader.sentences[reader.analysis.sentence_at(paragraph[0])]
        for match, again in (
            (DATELINE.match(reader.text, *first), False),
            (DATELINE.match(reader.text, *paragraph), True),
            (TITLED_DATELINE.match(reader.text, *paragraph), True),
        ):
            key = match and (towns.get(match.group(1)) or towns.get(match.group(1).title()))
            if match is None or not key:
                continue
            name = re.compile(rf"(?<!\w){re.escape(match.group(1))}(?!\w)", re.I)
            if again and len(name.findall(reader.text)) < 2:
                continue
            return Mention(key, match.start(1), match.end(1), "dateline", "the report's dateline"), first
    return None, None


def find_visit(
    content: str,
    analysis: Analysis,
    language: str,
    states: list[Mention],
    places: list[Mention],
    persons: list[Person],
    signing: Signing | None,
) -> Visit | None:
    """A visit of one party's person to the other party: « visite officielle en Russie »."""
    text = normalized(content)
    g = gazetteer()
    for match in VISIT[language].finditer(text, analysis.sentences[0][0] if analysis.sentences else 0):
        sentence = analysis.sentences[analysis.sentence_at(match.start())]
        destination, derived = None, None
        for mention in sorted(states + places, key=lambda m: m.begin):
            if not match.end() <= mention.begin < sentence[1] or mention.form not in (
                "name",
                "city",
                "capital",
            ):
                continue
            if DESTINATION_BEFORE.search(text[max(sentence[0], mention.begin - 10) : mention.begin]):
                destination = mention.key if mention in states else g.cities[mention.key].iso2
                break
        if destination is None and signing is not None and signing.place and signing.place.key in g.cities:
            city = g.cities[signing.place.key]
            destination = city.iso2
            derived = f"The signing in {city.name_en} took place during the visit."
        if destination is None:
            continue
        candidates = [
            p
            for p in persons
            if p.represents != ("state", destination)
            and any(sentence[0] <= b and e <= sentence[1] for b, e in p.mentions)
        ]
        if not candidates:
            continue
        visitor = min(candidates, key=lambda p: min(abs(b - match.start()) for b, _ in p.mentions))
        kind = VISIT_KINDS.get((match.group(1) or "").lower())
        return Visit(kind, visitor, destination, sentence, derived)
    return None
