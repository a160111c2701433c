"""Whether a signing word tells of a signing that took place: its clause, read word by word.

A signing word is denied when a negation opens its clause shortly before it (« Aucun nouvel
accord n'a cependant été paraphé », "no loan agreement has yet been signed", "made no mention of
any agreement being signed") or its object is none (« n'ont signé aucun accord »), and is not yet
real when a future, a conditional or a modal stands just before it (« seraient signés », "are to
be signed", "possibly a joint signing") or its predicate puts it off (« la signature est prévue
en mars », "the signing is scheduled for March").
"""

from __future__ import annotations

import re

from accords.loaders.extraction.lexicon import (
    AGREEMENT_NOUNS,
    ASIDE_ADVERBS,
    BARE_SIGNING_FOLLOWERS,
    DOCUMENT_NOUNS,
    INTENT_NOUNS,
    MODAL_WORDS,
    NEGATION_LIFTERS,
    NEGATORS,
    NOUN_SIGN_AFTER,
    NOUN_SIGN_BEFORE,
    OBJECT_NEGATORS,
    POSTPONING,
    READINESS,
    READINESS_LINKS,
    words,
)

WORD = re.compile(r"\w+|[^\w\s]")
CLAUSE_BREAKS = words(', ; : ( ) — – . ? ! « » " but mais instead tandis whereas however pourtant')
QUOTE_CLOSERS = words('» "')
QUOTES = words('« » "')
RELATIVES = words("qui que qu which that who")
# A time still to come after a signing noun, anywhere in its clause (one or two words)
LATER_TIMES = frozenset(
    (
        "semaine prochaine",
        "mois prochain",
        "année prochaine",
        "prochains jours",
        "prochaines semaines",
        "demain",
        "next week",
        "next month",
        "next year",
        "coming days",
        "coming weeks",
        "tomorrow",
    )
)
# "signing at next summit", « lors de la prochaine visite »: the next meeting is still to come (not "the
# next three years", an agreement's term)
LATER_TIMES |= {
    f"{next_} {meeting}"
    for next_ in ("next", "prochaine", "prochain")
    for meeting in (
        "summit",
        "meeting",
        "visit",
        "session",
        "sommet",
        "réunion",
        "visite",
        "session",
        "rencontre",
    )
}
NEGATION_REACH = 10  # words between a negation and the signing word it denies
MODAL_REACH = 3  # words between a modal and the signing word it holds back
# A signing noun governed by a preposition belongs to the verb before it, whose modal holds it back
# too (« qui devra déboucher sur la signature », "is expected to end with the signing").
COMPLEMENT_MODAL_REACH = 6
DETERMINERS = words("la le l ' les un une des sa son ses leur leurs the a an its their this cette ce")
GOVERNING = words("sur par à a de d pour avec vers with by to for of in at")
# « qui sera soumis aux deux gouvernements avant sa signature »: a signing noun after « avant » / "before"
# takes the tense of its clause's verb (not « Avant la signature, M. … »)
BEFORE = words("avant before")
SINCE = words("depuis since")  # « depuis la signature de l'accord »: an earlier signing, not this one
AND = words("and et")
TO_WORDS = words("to")  # "to witness the signing": an English infinitive before a signing noun
# "would hold talks and sign": an infinitive after « et » / "and" shares the first verb's modal
INFINITIVES = words("sign signer")
# A French infinitive tells of no signing done (« entendait intensifier … et conclure de nouveaux accords »,
# « doivent signer »), except a visit put to the use of one (« pour signer », read in agreements.py).
FRENCH_INFINITIVES = words("signer conclure parapher sceller")
# « viennent de signer »: the recent past, a signing done
RECENT_PAST = re.compile(
    r"\b(?:vien(?:s|t|nent)|venai(?:s|t|ent)|venons|venez)\s+(?:(?:tout\s+)?juste\s+)?$", re.I
)
AFTER_REACH = 2  # words between a signing verb and the « aucun » / "no" of its object
SIGNING_NOUNS = words("signature signatures signing signings")
OF_WORDS = words("de d ' du des of")  # « la signature d'aucun accord »: the noun's complement
INTENT_LINKS = words("de d ' à a to for of la le the « \"")  # between an intent noun and the signing word
# What is still to follow (« sera suivie de la signature », "to be followed by the signing of").
FOLLOWED = r"(?:followed|suivie?s?)\s+(?:by|de|d'|par)\s*(?:the\s+|an?\s+|la\s+|une\s+|l')?"
FOLLOWED_BY = re.compile(
    r"\b(?:to\s+be|will\s+be|would\s+be|sera|seront|serait|seraient|doit\s+être|devait\s+être)\s+"
    + FOLLOWED
    + "$",
    re.I,
)
# « est prévu …, suivi de la « signature » », "is scheduled …, followed by the signing": what
# follows a planned event is planned too
FOLLOWING = re.compile(r"\b" + FOLLOWED + r"[«\"]?\s*$", re.I)
FUTURE_VERBS = words("will would serait seraient sera seront")
# "from the moment it is signed", « dès qu'il sera signé », "once the final text is signed": a signing
# supposed, not reported
AUXILIARY = r"(?:is|are|will\s+be|has\s+been|sera|seront|aura\s+été|est)"
WHEN_SIGNED = re.compile(
    r"\b(?:from\s+the\s+moment|as\s+soon\s+as|once|upon|dès\s+que|dès\s+qu'|une\s+fois\s+que|lorsqu'il|lorsqu'elle)"
    r"\s*(?:(?:it|they|il|elle|ils|elles)?\s*" + AUXILIARY + "?"
    # "once the final text is signed": a noun phrase, then its auxiliary
    r"|(?:the|its|their|le|la|les|l')\s*(?:[\w-]+\s+){0,3}?" + AUXILIARY + r")\s*$",
    re.I,
)
# « une fois ceux-ci signés », « Une fois le document officiellement signé »: a signing supposed
ONCE_SIGNED = re.compile(
    r"\bune\s+fois\s+(?:(?:le|la|les|l['’]|ce|cet|cette|ces|leur|leurs|son|sa|ses)\s*(?:[\w-]+\s+){0,3}?"
    r"|(?:ceux|celles|celui|celle)-(?:ci|là)\s+)?$",
    re.I,
)
APPOSITION = re.compile(r"\s*,[^,;:.]{1,60},")
POSTPONE_REACH = 10  # words between a signing noun and the « est prévue » / "is scheduled" after it
# « sa signature, qui reste à venir », "the signing, which is still to come": a relative clause
# right after a signing noun says what becomes of it
# A signing put off, said by its predicate's participle (« a été reportée », "was postponed")
PUT_OFF = words(
    """reportée reporté reportées reportés ajournée ajourné annulée annulé différée différé repoussée
    repoussé suspendue suspendu postponed delayed cancelled canceled suspended deferred"""
)
PUT_OFF_PHRASES = frozenset(("put off", "pushed back", "called off"))
PUT_OFF_REACH = 4  # words between the aside and the participle
NOUN_RELATIVE = re.compile(r"\s*,\s*(?:qui|which)\b", re.I)
# French future and conditional endings (« signera », « seraient », « pourrait »), on a verb.
FRENCH_FUTURE = re.compile(r"\w{2,}(?:rai|ras|ra|rons|rez|ront|rait|raient|rions|riez)$")
FRENCH_NOT_FUTURE = words("vrai extra contra opéra caméra sahara")
# The record of a meeting signed, not an agreement: « la signature d'un communiqué conjoint », "signed the
# minutes", « un procès-verbal signé »
RECORD = r"(communiqu[ée]s?|procès-verba(?:l|ux)|minutes)"
NOT_RECORD = DOCUMENT_NOUNS["fr"] | DOCUMENT_NOUNS["en"] | words("et and ,")  # what ends the search
RECORD_REACH = 40  # characters between a signing word and the record it signs
RECORD_AFTER = re.compile(
    r"(?:(?:de|d'|du|des|of|the|a|an|un|une|le|la|l'|les|its|their|leur|leurs)\s*){0,2}"
    r"(?:joint\s+|final\s+)?" + RECORD + r"(?!\w)",
    re.I,
)
RECORD_BEFORE = re.compile(
    RECORD
    + r"(?:\s+(?:conjoint|commun|final)e?s?)?\s+(?:(?:a|ont|was|were|has|have)\s+(?:été\s+|been\s+)?)?$",
    re.I,
)


def _clause_before(text: str, begin: int, start: int) -> list[str]:
    """The lower-cased words of the clause that ends at ``start``, read from ``begin``."""
    tokens = [m.group(0).lower() for m in WORD.finditer(text, begin, start)]
    if tokens and tokens[-1] in QUOTE_CLOSERS:  # « « aucun accord » signé »: the quoted words are its object
        tokens = tokens[:-1]
    # "is not, however, the same as signing": an adverb set off by commas does not end the clause
    for i in range(len(tokens) - 3, -1, -1):
        if tokens[i] == "," and tokens[i + 1] in ASIDE_ADVERBS and tokens[i + 2] == ",":
            del tokens[i : i + 3]
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i] in CLAUSE_BREAKS:
            return tokens[i + 1 :]
    return tokens


def _negated(tokens: list[str], language: str) -> bool:
    reach = tokens[-NEGATION_REACH:]
    for i, token in enumerate(reach):
        following = reach[i + 1] if i + 1 < len(reach) else ""
        if following in NEGATION_LIFTERS:  # "no fewer than", « pas moins de », "not only"
            continue
        if token in NEGATORS[language] and not (token == "no" and following == "."):
            return True
        if token == "t" and i >= 2 and reach[i - 1] == "'" and reach[i - 2].endswith("n"):
            return True  # "didn't", "hasn't"
    return False


def _complement(tokens: list[str]) -> list[str]:
    """The clause's words before a noun, without the determiners just before it."""
    end = len(tokens)
    while end and tokens[end - 1] in DETERMINERS:
        end -= 1
    return tokens[:end]


def _held_back(tokens: list[str], language: str, reach: int = MODAL_REACH) -> bool:
    window = tokens[-reach:]
    for i, token in enumerate(window):
        following = window[i + 1] if i + 1 < len(window) else ""
        if token in READINESS and following not in READINESS_LINKS:
            continue  # « les documents du prêt ont été paraphés »: a loan, not readiness
        if token in MODAL_WORDS[language]:
            return True
        if language == "fr" and FRENCH_FUTURE.fullmatch(token) and token not in FRENCH_NOT_FUTURE:
            return True
    return False


def _clause_after(text: str, word_end: int, sentence_end: int) -> list[str]:
    """The lower-cased words after a signing word, up to the end of its clause."""
    tokens = []
    for match in WORD.finditer(text, word_end, sentence_end):
        token = match.group(0).lower()
        if token in QUOTES:  # « annonce une signature avec l'UE « la semaine prochaine » »: words go on
            continue
        if token in CLAUSE_BREAKS:
            break
        tokens.append(token)
    return tokens


def _clause_stop(text: str, word_end: int, sentence_end: int) -> int:
    """Where the clause after a signing word ends (its break), or the sentence's end."""
    for match in WORD.finditer(text, word_end, sentence_end):
        if match.group(0).lower() in CLAUSE_BREAKS and match.group(0) not in QUOTES:
            return match.start()
    return sentence_end


def _put_off_after_aside(text: str, word_end: int, sentence_end: int) -> bool:
    """A signing noun whose predicate, after its complement and an aside, says it was put off (« La
    signature d'un accord entre …, annoncée pour jeudi, a été reportée »)."""
    stop = _clause_stop(text, word_end, sentence_end)
    aside = APPOSITION.match(text, stop, sentence_end)
    if not aside:
        return False
    predicate = [m.group(0).lower() for m in WORD.finditer(text, aside.end(), sentence_end)]
    return _put_off(predicate[: PUT_OFF_REACH + 1])


def _later_time(tokens: list[str]) -> bool:
    """A time still to come in the signing noun's own complement, before any relative clause (not
    « un accord qui entrera en vigueur le mois prochain »)."""
    for i, token in enumerate(tokens):
        if token in RELATIVES:
            return False
        if token in LATER_TIMES or " ".join(tokens[i : i + 2]) in LATER_TIMES:
            return True
    return False


def _denied_after(tokens: list[str], language: str, noun: bool) -> bool:
    """« n'ont signé aucun accord », « la signature d'aucun accord », "signed no agreement"; « la
    signature est prévue en mars », "the signing is scheduled for March": what follows the signing
    word denies or postpones it."""
    if noun:
        while tokens and tokens[0] in OF_WORDS:
            tokens = tokens[1:]
    first = tokens[:AFTER_REACH]
    for i, token in enumerate(first):
        following = first[i + 1] if i + 1 < len(first) else ""
        if token in OBJECT_NEGATORS[language] and following not in NEGATION_LIFTERS:
            return True
    if noun and _later_time(tokens):
        return True  # « une signature avec l'UE « la semaine prochaine » »
    if noun and _put_off(tokens[: POSTPONE_REACH + PUT_OFF_REACH]):
        return True  # "The signing of a trade deal between … has been put off"
    return noun and any(token in POSTPONING[language] for token in tokens[:POSTPONE_REACH])


def _put_off(tokens: list[str]) -> bool:
    """A participle or phrase of postponement among ``tokens`` (« reportée », "put off")."""
    pairs = {" ".join(tokens[i : i + 2]) for i in range(len(tokens) - 1)}
    return bool(set(tokens) & PUT_OFF or pairs & PUT_OFF_PHRASES)


def _apposition_end(text: str, word_end: int, sentence_end: int) -> int | None:
    """Where the predicate resumes after an aside set off by commas right after a signing noun
    (« La signature, initialement fixée au 31 mars, avait été reportée »)."""
    match = APPOSITION.match(text, word_end, sentence_end)
    return match.end() if match else None


def _sign_as_noun(text: str, sentence: tuple[int, int], word: tuple[int, int]) -> bool:
    """English "sign" meaning a token of something: "a sign that the talks go on", "signs of progress"."""
    if text[word[0] : word[1]].lower() not in ("sign", "signs"):
        return False
    before = [m.group(0).lower() for m in WORD.finditer(text, max(sentence[0], word[0] - 30), word[0])]
    after = [m.group(0).lower() for m in WORD.finditer(text, word[1], min(sentence[1], word[1] + 12))]
    return bool(before and before[-1] in NOUN_SIGN_BEFORE) or bool(after and after[0] in NOUN_SIGN_AFTER)


def _bare_signing(text: str, sentence: tuple[int, int], word: tuple[int, int]) -> bool:
    """English "signing" with neither object nor complement nor ceremony ("the signing room", "to read
    after signing."): it names no signing of anything."""
    if text[word[0] : word[1]].lower() != "signing":
        return False
    after = [m.group(0) for m in WORD.finditer(text, word[1], min(sentence[1], word[1] + 30))]
    if not after or after[0] in CLAUSE_BREAKS:
        before = [m.group(0).lower() for m in WORD.finditer(text, max(sentence[0], word[0] - 12), word[0])]
        return not (before and before[-1] in NOUN_SIGN_BEFORE)  # "witnessed the signing." tells of one
    following = after[0]
    return following.islower() and following not in BARE_SIGNING_FOLLOWERS and not following.endswith("ly")


def _intended(text: str, sentence: tuple[int, int], word: tuple[int, int], language: str) -> bool:
    """A signing that is the object of a will, a wish or a condition (« la volonté de « signer un accord
    » », « comme préalable à la signature », "willingness to sign") or still to follow ("to be
    followed by the signing of two agreements", « est prévu …, suivi de la signature »): one to come."""
    before = text[max(sentence[0], word[0] - 60) : word[0]].replace("’", "'")
    if FOLLOWED_BY.search(before):
        return True
    if FOLLOWING.search(before):
        planned = MODAL_WORDS[language] | POSTPONING[language]
        if any(m.group(0).lower() in planned for m in WORD.finditer(text, sentence[0], word[0])):
            return True
    tokens = [m.group(0).lower() for m in WORD.finditer(before)]
    while tokens and tokens[-1] in INTENT_LINKS:
        tokens.pop()
    return bool(tokens) and tokens[-1] in INTENT_NOUNS and len(tokens) < len(WORD.findall(before))


def _participle_of_future(tokens: list[str], text: str, word: tuple[int, int], language: str) -> bool:
    """A participle after its agreement noun takes the tense of the clause's verb: "it would be the
    first trade accord signed by China", « ce serait le premier accord signé par »."""
    participle = text[word[0] : word[1]].lower()
    if not (participle.endswith("ed") or participle.rstrip("s").rstrip("e").endswith("é")):
        return False
    if not tokens or tokens[-1] not in AGREEMENT_NOUNS[language]:
        return False
    return any(t in FUTURE_VERBS for t in tokens)


def _future_predicate(after: list[str], language: str) -> bool:
    """A French future or conditional right after a signing noun, its predicate (« cette signature
    permettra », « la signature interviendrait »): a signing to come."""
    return (
        language == "fr"
        and bool(after)
        and bool(FRENCH_FUTURE.fullmatch(after[0]))
        and after[0] not in FRENCH_NOT_FUTURE
    )


def record_signed(text: str, sentence: tuple[int, int], word: tuple[int, int]) -> str | None:
    """The record of a meeting the signing word signs (« signature d'un communiqué conjoint », "signed
    the minutes", « ont signé jeudi à Niamey le communiqué final », « un procès-verbal signé »): its noun,
    lower-cased, or None. Words of a time or a place may stand between; an instrument or « et » may not."""
    before = RECORD_BEFORE.search(text[max(sentence[0], word[0] - 40) : word[0]])
    if before:
        return before.group(1).lower()
    stop = _clause_stop(text, word[1], sentence[1])
    for match in WORD.finditer(text, word[1], stop):
        token = match.group(0).lower()
        if token in NOT_RECORD:
            return None
        after = RECORD_AFTER.match(text, match.start(), stop)
        if after:
            return after.group(1).lower()
        if match.end() - word[1] > RECORD_REACH:
            return None
    return None


def denied(text: str, sentence: tuple[int, int], word: tuple[int, int], language: str) -> bool:
    """Whether the signing word at ``word`` is negated, future or only possible."""
    if language == "en" and (_sign_as_noun(text, sentence, word) or _bare_signing(text, sentence, word)):
        return True
    before = _clause_before(text, sentence[0], word[0])
    after = _clause_after(text, word[1], sentence[1])
    lower = text[word[0] : word[1]].lower()
    # "to put the final seal on": a seal after a determiner (and an adjective) is a signing noun
    noun = lower in SIGNING_NOUNS or (lower == "seal" and bool(set(before[-2:]) & DETERMINERS))
    if noun and not after:
        resumed = _apposition_end(text, word[1], sentence[1])
        relative = NOUN_RELATIVE.match(text, word[1], sentence[1])
        resumed = relative.end() if relative else resumed
        after = _clause_after(text, resumed, sentence[1]) if resumed else after
    complement = _complement(before) if noun else []
    governor = complement[-1:]  # the word a signing noun is the complement of
    governed = bool(governor) and governor[0] in GOVERNING
    # "are due to witness the signing": the noun is the object of an infinitive, whose modal holds it back too
    # ("ready to put the final seal on"): "to" up to three words before the noun
    infinitive = len(complement) >= 2 and bool(set(complement[-4:-1]) & TO_WORDS)
    coordinated = lower in INFINITIVES and bool(before) and before[-1] in AND
    french_infinitive = (
        language == "fr"
        and lower in FRENCH_INFINITIVES
        and not (before and before[-1] == "pour")
        and not (len(before) >= 2 and before[-1] == "de" and RECENT_PAST.search(" ".join(before[:-1]) + " "))
    )
    return (
        french_infinitive
        or _negated(before, language)
        or _held_back(before, language, COMPLEMENT_MODAL_REACH if governed or infinitive else MODAL_REACH)
        or (coordinated and _held_back(before, language, len(before)))
        or (bool(governor) and governor[0] in SINCE)
        or (bool(governor) and governor[0] in BEFORE and _held_back(before, language, len(before)))
        or _denied_after(after, language, noun)
        or _intended(text, sentence, word, language)
        or bool(WHEN_SIGNED.search(text, max(sentence[0], word[0] - 40), word[0]))
        or bool(ONCE_SIGNED.search(text, max(sentence[0], word[0] - 40), word[0]))
        or _participle_of_future(before, text, word, language)
        or (noun and _future_predicate(after, language))
        or (noun and _put_off_after_aside(text, word[1], sentence[1]))
    )
