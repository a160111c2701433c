"""Run every extraction step on one article, or say clearly why it cannot be drafted."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from accords.loaders.article import Article, read_article, real_day
from accords.loaders.errors import InputError
from accords.loaders.extraction.agreements import NOT_SIGNER, Signing, Visit, find_signing, find_visit
from accords.loaders.extraction.boilerplate import blank_boilerplate
from accords.loaders.extraction.language import LanguageError, detect_language
from accords.loaders.extraction.mentions import Mention, find_places, find_states
from accords.loaders.extraction.persons import Organization, Person, find_people
from accords.loaders.extraction.pipeline import Analysis, analyse

SIGNING_WORD = re.compile(r"\b(?:sign|paraph|conclu|exchang|échang|ink|seal|penned|pen\s+to\s+paper)", re.I)
PARTNER_CUE = re.compile(
    r"\b(?:with|avec|between|entre|and|et)\s+(?:the\s+|le\s+|la\s+|l'|les\s+)?[^,;.]{0,30}$", re.I
)
# « 176 millions de riyals saoudiens », "86 million US dollars": a currency, no mention of a state
CURRENCY = (
    r"(?:dollars?|dinars?|riyals?|rials?|yuans?|yens?|rupees?|roupies?|pounds?|livres?|francs?"
    r"|shillings?|nairas?|rands?)"
)
CURRENCY_BEFORE = re.compile(rf"\b{CURRENCY}\s+$", re.I)
CURRENCY_AFTER = re.compile(rf"^(?:\s+{CURRENCY}\b|\$)", re.I)  # also "US$12 million"
# « la capitale angolaise », "the Indian capital", "Ghana's capital": the place's state, no party
PLACE_STATE_BEFORE = re.compile(r"\b(?:capitale|capital)(?:\s+\w+ique)?\s+$", re.I)
PLACE_STATE_AFTER = re.compile(r"^(?:'s)?\s+capital\b", re.I)
# "director for Guinea, Liberia and Sierra Leone", « pour le Sénégal, la Mauritanie … et le Cap-Vert »:
# a list of three or more after « for / pour » is a role's scope; its last state is no signer after « and »
NAME = r"(?:(?:the|le|la|les)\s+|l['’])?[A-ZÀ-Ý][\w'’-]*(?:[\s-]+[A-ZÀ-Ý][\w'’-]*)*"
ROLE_SCOPE = re.compile(
    rf"\b(?:for|pour)\s+{NAME}(?:\s*,\s*{NAME})+\s*,?\s+(?:and|et)\s+(?:(?:the|le|la|les)\s+|l['’])?$"
)
# "the Bank's Resident Representative in Senegal", « le représentant de la Banque au Sénégal »: a
# role's post, no signer
ROLE_POST = re.compile(
    r"\b(?:representative|director|manager|ambassador|envoy|office|représentante?|directeur|directrice"
    r"|ambassadeur|ambassadrice|bureau)(?:\s+(?:for|pour)|(?:\s+[\w'’-]+){0,5}?\s+(?:in|to|à|au|aux|en))"
    r"\s+(?:the\s+|la\s+|le\s+|l['’])?$",
    re.I,
)
PLACE_COMMA = re.compile(r",\s*(?:(?:au|aux|en)\s+)?")  # between a city and the state it is in
# « en présence des chefs d'État de …, et du Congo »: a state named after the signing among those who
# attend it, not coordinated with a signer
ATTENDING = re.compile(r"\b(?:presence|présence|witnessed|invitation|auspices|égide)\b", re.I)
PARTNER_WORD = re.compile(r"\b(?:with|avec|between|entre)\b", re.I)
SIGNER_SCORE = 5  # one mention as a signer (4) and at least one more
DATE_OPTION = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@dataclass
class Extraction:
    """What the rules found in one article; offsets are into ``article.content``."""

    article: Article
    language: str
    analysis: Analysis
    states: list[Mention]
    places: list[Mention]
    persons: list[Person]
    organizations: list[Organization]
    signing: Signing | None  # None: the article tells of no signing (talks, a signing to come)
    visit: Visit | None

    def party_scores(self) -> Counter[str]:
        """How strongly each state is tied to the signing: named as one who signs (before the
        signing word, after « avec » / "with" / "between") counts most, a passing mention least, a
        state inside an organization's name or naming a currency not at all."""
        score: Counter[str] = Counter()
        sentences = self.signing.sentences if self.signing else []
        text = self.article.content
        named = [span for o in self.organizations for span in o.mentions]
        for mention in self.states:
            if any(b <= mention.begin and mention.end <= e for b, e in named):
                continue  # « le Fonds saoudien pour le développement » is no mention of a state
            if CURRENCY_BEFORE.search(
                text[max(0, mention.begin - 12) : mention.begin]
            ) or CURRENCY_AFTER.match(text[mention.end : mention.end + 12]):
                continue
            if PLACE_STATE_BEFORE.search(
                text[max(0, mention.begin - 24) : mention.begin]
            ) or PLACE_STATE_AFTER.match(text[mention.end : mention.end + 12]):
                continue
            if any(PLACE_COMMA.fullmatch(text, p.end, mention.begin) for p in self.places):
                continue  # "in Khartoum, Sudan, where …", « à Rabat, au Maroc »: the place's state
            score[mention.key] += 1
            for index in sentences:
                begin, end = self.analysis.sentences[index]
                if not begin <= mention.begin < end:
                    continue
                verb = SIGNING_WORD.search(text, begin, end)
                before = text[max(begin, mention.begin - 60) : mention.begin]
                parsed = any(b <= mention.begin < e for b, e in self.analysis.signers)  # French parse
                listed = ROLE_SCOPE.search(text, max(begin, mention.begin - 200), mention.begin)
                signer = (
                    parsed
                    or (verb and mention.begin < verb.start())
                    or (PARTNER_CUE.search(before) and not self.attending(verb, mention) and not listed)
                ) and not (NOT_SIGNER.search(before) or ROLE_POST.search(before))
                score[mention.key] += 4 if signer else 1
        for person in self.persons:
            if person.represents and person.represents[0] == "state":
                score[person.represents[1]] += 2
        return score

    def attending(self, verb: re.Match | None, mention: Mention) -> bool:
        """Whether the state is named after the signing word among those who attend it (no
        « avec / with / entre / between » after the presence that would name a signer)."""
        if verb is None or verb.end() > mention.begin:
            return False
        between = self.article.content[verb.end() : mention.begin]
        cues = list(ATTENDING.finditer(between))
        return bool(cues) and not PARTNER_WORD.search(between, cues[-1].end())

    def parties(self, beside_organization: bool = False) -> list[str]:
        """The (at most two) states the agreements are between: those most tied to the signing.
        Beside an organization that signs, only the states named as signing (at least one)."""
        ranked = self.party_scores().most_common(2)
        if beside_organization:
            return [iso2 for i, (iso2, score) in enumerate(ranked) if i == 0 or score >= SIGNER_SCORE]
        return [iso2 for iso2, _ in ranked]


def extract(article: Article) -> Extraction:
    """All the facts the rules find in ``article``; InputError if it is no agreement in French or
    English, or if a rule fails on it (a bug, said in one line that names the article)."""
    try:
        return _extract(article)
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - any rule's failure on one article is said in one line
        raise InputError(
            article.path,
            f"the extractor failed on this article ({type(error).__name__}: {error}); please report it",
        ) from error


def _extract(article: Article) -> Extraction:
    article = dataclasses.replace(article, content=blank_boilerplate(article.content, article.body_start))
    try:
        language = detect_language(article.body)
    except LanguageError as error:
        raise InputError(article.path, str(error)) from None
    analysis = analyse(article.content, article.body_start, language)
    states = find_states(article.content, article.body_start)
    places = find_places(article.content, article.body_start, states)
    persons, organizations = find_people(
        article.content, analysis.sentences, language, states, places, analysis.persons
    )
    month = int(article.date[5:7])
    signing = find_signing(
        article.content, analysis, language, places, persons, organizations, article.year, month
    )
    if not states:
        raise InputError(article.path, "no state found in the article, so no party to an agreement")
    if signing and signing.place and signing.place not in places:
        places = [*places, signing.place]  # a dateline's town
    visit = find_visit(article.content, analysis, language, states, places, persons, signing)
    return Extraction(article, language, analysis, states, places, persons, organizations, signing, visit)


def check_date(value: str) -> str:
    """A YYYY-MM or YYYY-MM-DD date, or ValueError."""
    match = DATE_OPTION.match(value)
    if (
        not match
        or not 1 <= int(match.group(2)) <= 12
        or (match.group(3) and not real_day(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    ):
        raise ValueError(f"expected a date YYYY-MM or YYYY-MM-DD, got {value!r}")
    return value


def article_for_extraction(path: Path, date: str | None) -> Article:
    """The article as ``read_article`` reads it; ``date`` replaces its header date or stands in for it."""
    try:
        article = read_article(path)
    except InputError as error:
        if "'date YYYY-MM' header" not in error.message:
            raise
        if date is None:
            raise InputError(path, f"{error.message}, or a --date YYYY-MM[-DD] option", error.line) from None
        content = path.read_text(encoding="utf-8")  # read_article has checked it is UTF-8 text
        return Article(path, path.stem, content, date, len(content) - len(content.lstrip()))
    return article if date is None else dataclasses.replace(article, date=date)
