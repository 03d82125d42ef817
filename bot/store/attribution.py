"""Who the article's own wording credits with a quotation."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

CLOSE_MARKS = "\u201d\"'\u2019"  # closing double and single quotation marks
_SENTENCE_END = re.compile(r"[.?!](\s|$)")


@functools.lru_cache(maxsize=64)
def _surname_pattern(surnames: frozenset[str]) -> re.Pattern[str]:
    """One pattern for every surname of a reading, longest first, whole words only."""
    alternatives = "|".join(re.escape(name) for name in sorted(surnames, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b")


def _named(text: str, surnames: Mapping[str, str]) -> list[tuple[int, str]]:
    """(position, speaker id) of every surname named in `text`, in order."""
    if not surnames:
        return []
    pattern = _surname_pattern(frozenset(surnames))
    return [(match.start(), surnames[match.group()]) for match in pattern.finditer(text)]


def credited_speaker(passage: str, quote: str, surnames: Mapping[str, str]) -> str | None:
    """The speaker id the passage credits with `quote`, or None where it does not say.

    A tag in the rest of the sentence after the closing mark (",” said Baek.") names the speaker;
    a quote with no tag belongs to the last speaker named before it in the passage.
    """
    start = passage.find(quote)
    if start < 0:
        return None
    after = passage[start + len(quote) :]
    tail = after.removeprefix(",").lstrip(CLOSE_MARKS)
    rest = tail.lstrip()
    if rest and (after.startswith(",") or not rest[0].isupper()):
        end = _SENTENCE_END.search(tail)
        tag = tail[: end.start() + 1] if end else tail
        named = {speaker for _, speaker in _named(tag, surnames)}
        if len(named) == 1:
            return named.pop()
        if named:
            return None
    before = _named(passage[:start], surnames)
    return before[-1][1] if before else None
