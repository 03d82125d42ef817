"""Folding of what people type into keys that match the spellings a concept was curated with."""

from __future__ import annotations

import functools
import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")
_BRITISH = re.compile(r"is(ation|e|ed|ing)$")
_BRITISH_ENDINGS = ("isation", "ise", "ised", "ising")  # what _BRITISH can match
_ARTICLES = frozenset({"the", "a", "an"})


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("sses"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _fold_word(word: str) -> str:
    """Fold plurals, then British spellings, so 'marketisations' and 'marketization' meet."""
    word = _singular(word)
    return _BRITISH.sub(r"iz\1", word) if word.endswith(_BRITISH_ENDINGS) else word


def words(text: str) -> list[str]:
    """The lowercase words of `text`, accents removed, punctuation and hyphens dropped."""
    if text.isascii():  # nothing to decompose, and casefold is lower on ASCII
        return _WORD.findall(text.lower())
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WORD.findall(plain)


@functools.lru_cache(maxsize=4096)  # a build keys each spelling twice: to check, to store
def term_key(text: str) -> str:
    """The lookup key of a term: case, accents, hyphens, articles, plurals and -ise folded."""
    folded = [_fold_word(word) for word in words(text)]
    while len(folded) > 1 and folded[0] in _ARTICLES:
        folded.pop(0)
    return " ".join(folded)


def topic_key(text: str) -> str:
    """Topics match ignoring case and spacing."""
    return " ".join(words(text))
