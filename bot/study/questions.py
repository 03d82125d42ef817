"""Quiz questions made from one reading's curated content: who said a quote, which concept a
definition defines, the phrase blanked in a quote, and a publication's date or type.

Every question has one right answer, the curated fact, and distractors from the same reading
that are not also right: a distractor is never the answer under another spelling, another name
for the same concept, another speaker who said the same words, or the date of another
publication with the same title. A reading that cannot make a question of a kind without
ambiguity makes none (None), and the quiz tries another.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.store.models import Concept, Passage, Publication, Quote, Speaker
from bot.store.normalize import term_key as fold

KINDS = {
    "speaker": "Who said it?",
    "concept": "Which concept?",
    "gap": "Fill the gap",
    "publication": "Which publication?",
}
OPTIONS = 4  # choices a question offers at most, the answer among them
BLANK = "\uff3f" * 3  # fullwidth low lines: Discord's Markdown leaves them alone
# The shortest word a gap blanks when no concept's phrase is in the quote, and the words that
# say too little to ask about.
GAP_WORD_MIN = 7
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_WORD_CHARS = re.compile(r"\w+")
_COMMON_WORDS = (
    "because between however through without another against although whether "
    "already something everything nothing themselves ourselves yourself himself "
    "herself important different including possible actually probably certainly "
    "perhaps usually really whatever whenever wherever therefore otherwise "
)
_COMMON = frozenset(_COMMON_WORDS.split())


@dataclass(frozen=True, slots=True)
class Source:
    """Where a question's answer stands in the reading, shown with the answer."""

    heading: str  # the concept's term, the speaker's name, the publication's title
    text: str  # the definition, the quote, the publication's date, type and summary
    passage: str = ""  # the passage a quote stands in, or a concept's first evidence
    section: str = ""


@dataclass(frozen=True, slots=True)
class Question:
    kind: str
    reading: str  # the reading's id
    item: str  # the id of the quote, concept or publication asked about
    prompt: str
    options: tuple[str, ...]
    answer: int  # the index of the right option
    source: Source
    blanked: tuple[str, ...] = field(default=())  # a gap's blanked spans, as the quote has them

    @property
    def right(self) -> str:
        return self.options[self.answer]


def _options(answer: str, others: Sequence[str], rng: random.Random) -> tuple[tuple[str, ...], int]:
    """The answer and up to OPTIONS - 1 of `others` (distinct, none folding like the answer),
    shuffled; and where the answer went."""
    seen = {fold(answer)}
    distinct = []
    for other in others:
        key = fold(other)
        if key and key not in seen:
            seen.add(key)
            distinct.append(other)
    chosen = rng.sample(distinct, min(OPTIONS - 1, len(distinct)))
    options = [answer, *chosen]
    rng.shuffle(options)
    return tuple(options), options.index(answer)


def who_said(
    reading: str,
    quote: Quote,
    speaker: Speaker,
    speakers: Sequence[Speaker],
    said_by: Sequence[str],
    passage: Passage | None,
    section: str,
    rng: random.Random,
) -> Question | None:
    """Who said `quote`: its speaker among others of the reading. `said_by` are the ids of every
    speaker of the reading credited with these same words (more than one: no question)."""
    if set(said_by) - {speaker.id}:
        return None
    others = [s.name for s in speakers if s.id != speaker.id and fold(s.name) != fold(speaker.name)]
    options, answer = _options(speaker.name, others, rng)
    if len(options) < 2:
        return None
    return Question(
        "speaker",
        reading,
        quote.id,
        f"Who said this?\n“{quote.text}”",
        options,
        answer,
        Source(speaker.name, quote.text, passage.text if passage else "", section),
    )


def _spellings(concept: Concept) -> list[str]:
    return [concept.term, *concept.aliases]


@functools.lru_cache(maxsize=65536)
def _keys(concept: Concept) -> frozenset[str]:
    """The lookup keys of a concept's spellings (a concept is asked about again and again)."""
    return frozenset(fold(name) for name in _spellings(concept))


@functools.lru_cache(maxsize=65536)
def _plain(text: str) -> str:
    return " ".join(text.casefold().split())


@functools.lru_cache(maxsize=65536)
def _spaced(text: str) -> str:
    """`text` as its lower-case words between single spaces, and a space at each end: a phrase
    stands in a text as whole words when its spaced form is in the text's."""
    return f" {' '.join(_WORD_CHARS.findall(text.lower()))} "


def _blank(text: str, phrases: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """`text` with every whole-word occurrence of any of `phrases` blanked (longest first), and
    the spans blanked, as the text has them."""
    found: list[str] = []
    for phrase in sorted(phrases, key=len, reverse=True):
        if not phrase.strip():
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE)
        found += pattern.findall(text)
        text = pattern.sub(BLANK, text)
    return text, tuple(found)


def which_concept(
    reading: str,
    concept: Concept,
    concepts: Sequence[Concept],
    evidence: Passage | None,
    section: str,
    rng: random.Random,
) -> Question | None:
    """Which concept a definition defines (its own names blanked in it), among others of the
    reading that are not the same concept by another name or the same definition."""
    names = _keys(concept)
    others = [
        c.term
        for c in concepts
        if c.id != concept.id
        and not names & _keys(c)
        and _plain(c.definition) != _plain(concept.definition)
    ]
    options, answer = _options(concept.term, others, rng)
    if len(options) < 2:
        return None
    definition, _ = _blank(concept.definition, _spellings(concept))
    return Question(
        "concept",
        reading,
        concept.id,
        f"Which concept is this?\n{definition}",
        options,
        answer,
        Source(concept.term, concept.definition, evidence.text if evidence else "", section),
    )


def fill_gap(
    reading: str,
    quote: Quote,
    speaker: Speaker,
    concepts: Sequence[Concept],
    other_quotes: Sequence[Quote],
    passage: Passage | None,
    section: str,
    rng: random.Random,
) -> Question | None:
    """A quote with a key phrase blanked: a concept's name if the quote has one, else one of its
    longer words; the other options are phrases of the same sort from the reading that are not
    in the quote (so none of them can be the words blanked)."""
    text_key = f" {fold(quote.text)} "
    present = {
        c.id: (c, spelling)
        for c in concepts
        for spelling in sorted(_spellings(c), key=len)
        if _in_text(quote.text, spelling)
    }  # each concept in the quote, with its longest spelling there
    if present:
        concept, spelling = rng.choice(sorted(present.values(), key=lambda found: found[0].id))
        blanked, spans = _blank(quote.text, [spelling])
        absent = [
            c.term
            for c in concepts
            if c.id != concept.id and not any(f" {key} " in text_key for key in _keys(c))
        ]
    else:
        words = [w for w in _long_words(quote.text) if fold(w) not in _COMMON]
        if not words:
            return None
        word = rng.choice(words)
        blanked, spans = _blank(quote.text, [word])
        absent = [
            w
            for other in other_quotes
            for w in _long_words(other.text)
            if fold(w) not in _COMMON and f" {fold(w)} " not in text_key
        ]
    if not spans:
        return None
    answer_text = spans[0]
    options, answer = _options(answer_text, [_cased_like(answer_text, a) for a in absent], rng)
    if len(options) < 2:
        return None
    return Question(
        "gap",
        reading,
        quote.id,
        f"Fill the gap in what {speaker.name} said:\n“{blanked}”",
        options,
        answer,
        Source(speaker.name, quote.text, passage.text if passage else "", section),
        spans,
    )


def phrase_keys(text: str, longest: int = 6, words_max: int = 300) -> set[str]:
    """The lookup keys of every run of up to `longest` words of `text` (of its first
    `words_max` words): a concept is named in the text if one of its keys is among them."""
    folded = fold(text).split()[:words_max]
    return {
        " ".join(folded[start : start + n])
        for n in range(1, longest + 1)
        for start in range(len(folded) - n + 1)
    }


def _in_text(text: str, phrase: str) -> bool:
    """Whether `phrase` stands in `text` as whole words, in any case."""
    spaced = _spaced(phrase)
    return spaced != "  " and spaced in _spaced(text)


def _long_words(text: str) -> list[str]:
    return list(dict.fromkeys(w for w in _WORD.findall(text) if len(w) >= GAP_WORD_MIN))


def _cased_like(model: str, text: str) -> str:
    """`text` with its first letter in the case of `model`'s (an option gives nothing away by
    its capital)."""
    if not text or not model:
        return text
    first = text[0].upper() if model[0].isupper() else text[0].lower()
    return first + text[1:]


def which_publication(
    reading: str,
    publication: Publication,
    publications: Sequence[Publication],
    rng: random.Random,
) -> Question | None:
    """When a publication came out, or what type it is: values other publications of the reading
    have, but never one a publication of the same title has."""
    same_title = [p for p in publications if fold(p.title) == fold(publication.title)]
    aspects = []
    for aspect in ("date", "type"):
        answer_value = getattr(publication, aspect)
        if not answer_value or any(getattr(p, aspect) != answer_value for p in same_title):
            continue  # unknown, or two publications of this title differ: ambiguous
        others = [getattr(p, aspect) for p in publications if getattr(p, aspect)]
        aspects.append((aspect, answer_value, others))
    rng.shuffle(aspects)
    for aspect, answer_value, others in aspects:
        options, answer = _options(answer_value, others, rng)
        if len(options) < 2:
            continue
        prompt = (
            f"When was “{publication.title}” published?"
            if aspect == "date"
            else f"What kind of publication is “{publication.title}”?"
        )
        details = " · ".join(p for p in (publication.date, publication.type) if p)
        return Question(
            "publication",
            reading,
            publication.id,
            prompt,
            options,
            answer,
            Source(publication.title, f"{details}\n{publication.summary}".strip()),
        )
    return None
