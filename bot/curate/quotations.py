"""The spans between quotation marks in an article's paragraphs, as a careful reader pairs them:
straight and curly marks, inner quotations left inside the outer, and a quotation that runs over
several paragraphs (an opening mark on each, the closing one only at the end)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_DOUBLE = ("\u201c", "\u201d")
_SINGLE = ("\u2018", "\u2019")
# Characters after which a straight mark opens a quotation rather than closes one.
_BEFORE_OPENING = " \t\n([{\u2014\u2013-/:"


@dataclass(frozen=True, slots=True)
class Span:
    """The words between a pair of marks in paragraph `paragraph`, from `start` to `end`."""

    paragraph: int
    start: int
    end: int
    text: str
    runs_on: bool = False  # the paragraph ends inside the quotation: the next goes on with it

    @property
    def quote(self) -> str:
        """The words as a quote: without the comma the article puts before its tag."""
        return self.text.rstrip().removesuffix(",").rstrip()

    @property
    def words(self) -> int:
        return len(self.text.split())


def _is_apostrophe(text: str, index: int) -> bool:
    """A right single mark between letters (Korea’s, don’t): never a closing mark."""
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return before.isalnum() and after.isalnum()


def _maybe_plural(text: str, index: int) -> bool:
    """A right single mark after an s and before a space: a plural's apostrophe (the Kims’
    shop) or the close of a quotation ending in s (‘unfair to the villages’ and): which one,
    what follows tells."""
    after = text[index + 1] if index + 1 < len(text) else " "
    return index > 0 and text[index - 1] == "s" and after == " "


def _marks(text: str, single: bool) -> list[tuple[int, str]]:
    """Opening and closing marks in order, as ("open" | "close") by position."""
    opening, closing = _SINGLE if single else _DOUBLE
    straight = "'" if single else '"'
    found: list[tuple[int, str]] = []
    depth = 0
    for index, char in enumerate(text):
        if char == opening:
            found.append((index, "open"))
            depth += 1
        elif char == closing and single and _maybe_plural(text, index):
            found.append((index, "maybe"))
        elif char == closing and not (single and _is_apostrophe(text, index)):
            found.append((index, "close"))
            depth = max(0, depth - 1)
        elif char == straight and not (single and _is_apostrophe(text, index)):
            before = text[index - 1] if index else " "
            opens = before in _BEFORE_OPENING and depth == 0
            found.append((index, "open" if opens else "close"))
            depth = depth + 1 if opens else max(0, depth - 1)
    return found


def _pairs(text: str, single: bool) -> list[tuple[int, int | None]]:
    """Outer (open, close) pairs; close is None when the paragraph ends inside the quotation.
    Marks of the same kind inside a quotation (rare) are kept as its text."""
    pairs: list[tuple[int, int | None]] = []
    opened: int | None = None
    maybe: int | None = None  # a plural's apostrophe, or where the open quotation closed
    depth = 0
    for index, kind in _marks(text, single):
        if kind == "maybe":
            if opened is not None and depth == 1:
                maybe = index
            continue
        if kind == "open":
            if opened is not None and maybe is not None and depth == 1:
                pairs.append((opened, maybe))  # a new quotation opens: the last s’ closed one
                opened, depth = None, 0
            if opened is None:
                opened = index
            depth += 1
            maybe = None
        elif opened is not None:
            depth -= 1
            if depth == 0:
                pairs.append((opened, index))
                opened, maybe = None, None
    if opened is not None:
        pairs.append((opened, maybe))  # unclosed: it closed at a last s’, or runs on
    return pairs


def uses_single_marks(paragraphs: Sequence[str]) -> bool:
    """Whether the article quotes with single marks (‘...’) and keeps double ones for inner
    quotations, as some British publications do."""
    doubles = sum(p.count(_DOUBLE[0]) + p.count('"') // 2 for p in paragraphs)
    singles = sum(len(re.findall(r"(?:^|[\s(\u2014])\u2018", p)) for p in paragraphs)
    return singles > 0 and doubles < singles


def find_spans(paragraphs: Sequence[str]) -> list[Span]:
    """Every quoted span of every paragraph, in reading order."""
    single = uses_single_marks(paragraphs)
    opening = _SINGLE[0] + "'" if single else _DOUBLE[0] + '"'
    spans: list[Span] = []
    for number, text in enumerate(paragraphs):
        following = paragraphs[number + 1].lstrip() if number + 1 < len(paragraphs) else ""
        for start, end in _pairs(text, single):
            if end is None and not following.startswith(tuple(opening)):
                continue  # a mark never closed, and no paragraph of quotation goes on with it
            inner_start = start + 1
            inner_end = len(text) if end is None else end
            words = text[inner_start:inner_end]
            if words.strip():
                spans.append(Span(number, inner_start, inner_end, words, runs_on=end is None))
    return spans
