"""What the store answers with: content items joined with the names a reader needs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.models import Concept, Passage, Publication, Quote, Section, Speaker


@dataclass(frozen=True, slots=True)
class Attributed:
    """A quote with who said it and where it stands in the reading."""

    quote: Quote
    speaker: Speaker
    section: str
    reading: str


@dataclass(frozen=True, slots=True)
class ConceptEntry:
    concept: Concept
    reading: str
    section: str
    quotes: tuple[Attributed, ...]
    passages: tuple[Passage, ...]
    related: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExpertEntry:
    speaker: Speaker
    reading: str
    topic: str
    quotes: tuple[Attributed, ...]  # the first of `total` quotes, in reading order
    total: int
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PublicationEntry:
    publication: Publication
    reading: str


@dataclass(frozen=True, slots=True)
class PublicationList:
    """The newest of `total` matching publications, newest first."""

    entries: tuple[PublicationEntry, ...]
    total: int


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result; `snippet` marks matched words with HIGHLIGHT_START and HIGHLIGHT_END."""

    kind: str
    title: str
    snippet: str
    reading: str


HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"


@dataclass(frozen=True, slots=True)
class ReadingOverview:
    id: str
    title: str
    publisher: str
    author: str
    date: str
    url: str
    sections: tuple[Section, ...]
    speakers: tuple[Speaker, ...]
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An autocomplete entry: what the list shows and the value the option receives."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Excerpt:
    """One item of a reading's daily sequence: a passage, or a quote with its passage's section."""

    number: int
    total: int
    reading: str
    section: str
    text: str
    quote: Attributed | None
    speakers: tuple[str, ...]
    concepts: tuple[str, ...]

    @property
    def is_last(self) -> bool:
        return self.number == self.total
