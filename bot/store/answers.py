"""What the store answers with: content items joined with the names a reader needs, and the
guild schedules of daily excerpts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.store.models import Concept, Passage, Publication, Quote, Section, Speaker

# Quotes or publications one answer lists at most: more would be pages nobody turns.
RESULT_LIMIT = 50


@dataclass(frozen=True, slots=True)
class Attributed:
    """A quote with who said it and where it stands in the reading."""

    quote: Quote
    speaker: Speaker
    section: str
    reading: str
    reading_id: str = ""


@dataclass(frozen=True, slots=True)
class ConceptEntry:
    concept: Concept
    reading: str
    section: str
    quotes: tuple[Attributed, ...]
    passages: tuple[Passage, ...]
    related: tuple[str, ...]
    reading_id: str = ""


@dataclass(frozen=True, slots=True)
class ExpertRole:
    """How one reading (its title, and its id: two readings may share a title) describes an
    expert."""

    reading: str
    speaker: Speaker
    reading_id: str = ""


@dataclass(frozen=True, slots=True)
class ExpertEntry:
    """One person, with how each reading quoting them describes them (`speaker` and `reading`
    are the first of `roles`), and their quotes grouped by reading."""

    speaker: Speaker
    reading: str
    roles: tuple[ExpertRole, ...]
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
class SyllabusEntry:
    """A reading on a server's syllabus; `overview` is None while it is out of the library."""

    reading: str
    overview: ReadingOverview | None


@dataclass(frozen=True, slots=True)
class LibraryView:
    """The library as one server sees it: every reading, and its syllabus in order."""

    readings: tuple[ReadingOverview, ...]
    syllabus: tuple[SyllabusEntry, ...]


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
    is_last: bool = False  # the last of the whole walk (syllabus or library)
    item: str = ""  # the passage's (or the quote's) id in its reading


@dataclass(frozen=True, slots=True)
class Place:
    """Where a schedule stands: the next item's id in a reading, and its index there should the
    item be gone. Reading "" is the first reading of the walk, taken by index."""

    reading: str = ""
    item: str = ""
    index: int = 0


START = Place()


@dataclass(frozen=True, slots=True)
class Placed:
    """An excerpt on a schedule's walk, where it stands and where the walk goes after it."""

    excerpt: Excerpt
    place: Place
    following: Place


# What a schedule posts, what it does at the end of the sequence, and why it stopped there.
SOURCES = ("passages", "quotes")
AT_END = ("wrap", "stop")
FINISHED = "the reading is finished"


@dataclass(frozen=True, slots=True)
class Schedule:
    """A guild's daily excerpts: where and when they go, how far along, how the last went."""

    guild_id: int
    channel_id: int
    local_time: str
    timezone: str
    next_run: int
    next_date: str
    updated_by: int
    mention_role_id: int | None = None
    open_thread: bool = False
    source: str = "passages"
    at_end: str = "wrap"
    position: int = 0
    paused: bool = False
    pause_reason: str | None = None
    failures: int = 0
    retry_at: int | None = None
    last_result: str | None = None
    last_error: str | None = None
    last_run: int | None = None
    reading: str = ""  # with `item` and `position`, the schedule's Place
    item: str = ""

    @property
    def place(self) -> Place:
        return Place(self.reading, self.item, self.position)


@dataclass(frozen=True, slots=True)
class ScheduleStatus:
    """A schedule with the excerpt it posts next (None once the walk is finished)."""

    schedule: Schedule
    next: Excerpt | None


@dataclass(frozen=True, slots=True)
class ExcerptPreview:
    """The next excerpts of a schedule, not yet taken."""

    schedule: Schedule
    excerpts: tuple[Excerpt, ...]


@dataclass(frozen=True, slots=True)
class ManualPost:
    """An excerpt posted on a moderator's request, and why its thread did not open, if not."""

    excerpt: Excerpt
    channel_id: int
    thread_error: str | None = None


class Claim(Enum):
    """What claiming a date's post found."""

    OURS = "ours"  # claimed now, the first attempt at the date's post
    RESUMED = "resumed"  # ours after an earlier attempt, which may have gone out before it ended
    DONE = "done"  # already posted or recorded as missed
    BUSY = "busy"  # another process claimed it moments ago and is sending
