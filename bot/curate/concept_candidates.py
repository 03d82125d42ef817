"""Terms an article introduces or leans on, as candidate concepts: names it puts in quotation
marks that nobody says ("the “Arduous March”"), terms it defines ("known as X"), and key phrases
it keeps coming back to. A draft gives each its evidence and no definition: a person writes it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.normalize import term_key

# Words no key phrase begins or ends with.
_STOP_WORDS = (
    "a an the and or but of in on at to for from by with without as is are was were be "
    "been being it its this that these those their there they them he she his her we our "
    "you your i not no nor so than then too very can could may might must shall should "
    "will would do does did has have had which who whom whose what when where why how all "
    "any both each few more most other some such only own same just also into over under "
    "about after before between through during while if because until up down out off "
    "again further once here said says say told one two three new many much mr ms dr year "
    "years time times way ways people day days week weeks month months like even still "
    "well back according per cent percent"
)
_STOP = frozenset(_STOP_WORDS.split())
_DEFINED = re.compile(
    r"\b(?:known as|called|termed|dubbed|so-called)\s+(?:the\s+|a\s+)?"
    r"[\u201c\"\u2018']?(?P<term>[A-Za-z][\w\u2019'-]*(?:\s+[A-Za-z][\w\u2019'-]*){0,4})"
)
_WORDS = re.compile(r"[A-Za-z][a-z\u2019'-]*(?:-[a-z]+)*")
MAX_CANDIDATES = 12
MIN_MENTIONS = 3


@dataclass(frozen=True, slots=True)
class Candidate:
    term: str
    paragraphs: tuple[int, ...]  # where the article uses it, first first
    why: str  # how it was found, for the curator


def _mentions(term: str, paragraphs: Sequence[str]) -> tuple[int, ...]:
    pattern = re.compile(rf"(?<!\w){re.escape(term)}(?:s|es)?(?!\w)", re.IGNORECASE)
    return tuple(i for i, text in enumerate(paragraphs) if pattern.search(text))


def candidates(paragraphs: Sequence[str], quoted_names: Sequence[str]) -> list[Candidate]:
    """Candidate concepts, the most used first, at most MAX_CANDIDATES, one per spelling."""
    found: dict[str, Candidate] = {}

    def add(term: str, why: str) -> None:
        key = term_key(term)
        if key and key not in found and len(term) <= 100:
            where = _mentions(term, paragraphs)
            if where:
                found[key] = Candidate(term, where, why)

    for name in quoted_names:
        add(name, "the article puts it in quotation marks")
    for text in paragraphs:
        for match in _DEFINED.finditer(text):
            term = " ".join(w for w in match["term"].split() if w.casefold() not in _STOP)
            if term and term[0].isalpha():
                add(match["term"].strip(" ,.\u201d\"\u2019'"), "the article names it")
    phrases: Counter[str] = Counter()
    for text in paragraphs:
        words = _WORDS.findall(text)
        for size in (2, 3):
            for start in range(len(words) - size + 1):
                gram = words[start : start + size]
                if start and words[start - 1][0].isupper() and gram[0][0].isupper():
                    continue  # the end of a name ("North Korean state")
                lowered = [w.casefold() for w in gram]
                if lowered[0] in _STOP or lowered[-1] in _STOP:
                    continue
                if any(w[0].isupper() for w in gram[1:]):
                    continue  # a name, not a term
                phrases[" ".join(lowered)] += 1
    for phrase, count in phrases.most_common():
        if count < MIN_MENTIONS:
            break
        if any(phrase in term_key(c.term) for c in found.values()):
            continue
        add(phrase, f"a key phrase, used {count} times")
    kept = [
        c
        for c in found.values()
        if not any(  # a phrase inside a longer one used as often is that one
            o is not c and term_key(c.term) in term_key(o.term) and o.paragraphs == c.paragraphs
            for o in found.values()
        )
    ]
    return sorted(kept, key=lambda c: -len(c.paragraphs))[:MAX_CANDIDATES]
