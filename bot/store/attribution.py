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
    # Looking ahead for a first letter skips most words without trying every surname on them.
    first = "".join(sorted({re.escape(name[0]) for name in surnames})) if all(surnames) else ""
    ahead = f"(?=[{first}])" if first else ""
    return re.compile(rf"\b{ahead}(?:{alternatives})\b")


class Attribution:
    """The attribution rule for the passages of one reading, given the surname of each of its
    speakers (surname -> speaker id)."""

    def __init__(self, surnames: Mapping[str, str]) -> None:
        self._surnames = surnames
        self._pattern = _surname_pattern(frozenset(surnames)) if surnames else None

    def credited_speaker(self, passage: str, quote: str) -> str | None:
        """The speaker id the passage credits with `quote`, or None where it does not say.

        A tag in the rest of the sentence after the closing mark (",” said Baek.") names the
        speaker; a quote with no tag belongs to the last speaker named before it in the passage.
        """
        start = passage.find(quote)
        if start < 0 or self._pattern is None:
            return None
        after = passage[start + len(quote) :]
        tail = after.removeprefix(",").lstrip(CLOSE_MARKS)
        rest = tail.lstrip()
        if rest and (after.startswith(",") or not rest[0].isupper()):
            end = _SENTENCE_END.search(tail)
            tag = tail[: end.start() + 1] if end else tail
            named = {self._surnames[name] for name in self._pattern.findall(tag)}
            if len(named) == 1:
                return named.pop()
            if named:
                return None
        # As if the passage ended where the quote starts.
        before = self._pattern.findall(passage, 0, start)
        return self._surnames[before[-1]] if before else None


def credited_speaker(passage: str, quote: str, surnames: Mapping[str, str]) -> str | None:
    """The speaker id the passage credits with `quote` (see Attribution.credited_speaker)."""
    return Attribution(surnames).credited_speaker(passage, quote)
