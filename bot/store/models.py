"""The content model: one reading and everything curated from it."""

from __future__ import annotations

from dataclasses import dataclass, field

DRAFT, CURATED = "draft", "curated"
STATUSES = (DRAFT, CURATED)


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    title_is_own: bool = False  # the curator named it: the article gives no heading there


@dataclass(frozen=True, slots=True)
class Speaker:
    id: str
    name: str
    role: str
    affiliation: str
    review: str = ""  # what a curator must still check (drafts only)


@dataclass(frozen=True, slots=True)
class Passage:
    id: str
    section: str
    text: str


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    speaker: str
    text: str
    passage: str
    topics: tuple[str, ...] = ()
    context: str = ""
    review: str = ""


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    term: str
    definition: str
    section: str
    aliases: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    review: str = ""


@dataclass(frozen=True, slots=True)
class Publication:
    id: str
    title: str
    date: str
    type: str
    summary: str
    topics: tuple[str, ...] = ()
    summary_is_own: bool = False


@dataclass(frozen=True, slots=True)
class Reading:
    id: str
    title: str
    publisher: str
    source_file: str
    source_text: str
    sections: tuple[Section, ...]
    speakers: tuple[Speaker, ...]
    quotes: tuple[Quote, ...]
    concepts: tuple[Concept, ...]
    passages: tuple[Passage, ...]
    publications: tuple[Publication, ...]
    date: str = ""
    url: str = ""
    author: str = ""
    status: str = CURATED  # DRAFT: made by a tool, not served until a curator approves it
    review: str = ""  # what a curator must still check in reading.toml (drafts only)


@dataclass(frozen=True, slots=True)
class Library:
    """Every reading loaded from the data folder, with the hash of the files they came from."""

    readings: tuple[Reading, ...]
    content_hash: str = field(default="", compare=False)
