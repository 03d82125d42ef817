"""Checks one loaded reading: references, duplicates, empty text, sizes and verbatim quotes."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

from bot import limits
from bot.store.attribution import Attribution, Named
from bot.store.models import DRAFT, STATUSES, Reading
from bot.store.normalize import term_key

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Longest text each field may hold so every rendering of it fits Discord's limits: names, terms
# and topics are autocomplete choices; a speaker's role and affiliation follow their name in an
# embed's author line; definitions, quotes and summaries each fill one embed field at most.
MAX_LENGTH = {
    "title": 200,
    "publisher": 200,
    "name": limits.CHOICE_NAME_MAX,
    "term": limits.CHOICE_NAME_MAX,
    "aliases": limits.CHOICE_NAME_MAX,
    "topics": limits.CHOICE_VALUE_MAX,
    "type": limits.CHOICE_VALUE_MAX,
    "role": limits.EMBED_AUTHOR_MAX,
    "affiliation": limits.EMBED_AUTHOR_MAX,
    "definition": 1000,
    "text": 1000,
    "context": 1000,
    "summary": 1000,
    "passage_text": 3500,  # a passage is an excerpt's description, with room for its quote
}
# Text fields that may be empty.
# An organisation quoted has no role, and an article may give a person none or no affiliation.
OPTIONAL_TEXTS = frozenset(
    {"context", "author", "date", "url", "review", "status", "role", "affiliation"}
)


# A quote is shown with its context in one embed field, with room for the quotation marks,
# the speaker's name and "In context:".
MAX_QUOTE_WITH_CONTEXT = limits.EMBED_FIELD_VALUE_MAX - 124


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    item: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.item!r}, field {self.field!r}: {self.message}"


def _text_rules(file_name: str, name: str, draft: bool = False) -> tuple[bool, int | None]:
    """Whether a text field may be empty, and its longest length if it has one. A draft's
    concept may wait for its definition (its review note says so)."""
    limit_name = "passage_text" if file_name == "passages.toml" and name == "text" else name
    optional = name in OPTIONAL_TEXTS or (draft and name == "definition")
    return optional, MAX_LENGTH.get(limit_name)


def _texts_fit(file_name: str, items: Sequence[Any], draft: bool) -> bool:
    """Whether check_text would pass every text of `items` (of one class), checked a field at
    a time in bulk: the check that names each fault costs a call a text."""
    for name in items[0].__slots__ if items else ():
        values = list(map(attrgetter(name), items))
        if all(map(isinstance, values, repeat(tuple))):
            values = list(chain.from_iterable(values))
        if not all(map(isinstance, values, repeat(str))):
            if any(isinstance(v, str | tuple) for v in values):
                return False  # mixed kinds: leave them to check_text
            continue
        optional, limit = _text_rules(file_name, name, draft)
        if not optional and not (all(values) and not any(map(str.isspace, values))):
            return False
        if limit is not None and max(map(len, values), default=0) > limit:
            return False
    return True


def review_items(reading: Reading) -> list[tuple[str, Any]]:
    """(file name, item) of every item carrying a note of what a curator must still check."""
    groups: tuple[tuple[str, Sequence[Any]], ...] = (
        ("reading.toml", (reading,)),
        ("speakers.toml", reading.speakers),
        ("quotes.toml", reading.quotes),
        ("concepts.toml", reading.concepts),
    )
    return [(name, item) for name, items in groups for item in items if item.review]


def validate_reading(reading: Reading, folder: Path) -> list[Problem]:
    """Every problem in `reading`, each naming file, item id and field."""
    return list(_ReadingChecks(reading, folder).run())


class _ReadingChecks:
    def __init__(self, reading: Reading, folder: Path) -> None:
        self.reading = reading
        self.folder = folder
        self.draft = reading.status == DRAFT

    def file(self, name: str) -> str:
        return str(self.folder / name)

    def run(self) -> Iterable[Problem]:
        r = self.reading
        if r.id != self.folder.name:
            yield Problem(self.file("reading.toml"), r.id, "id", "must equal the folder name")
        if not SLUG.fullmatch(r.id):
            yield Problem(self.file("reading.toml"), r.id, "id", "must be a lowercase slug")
        yield from self.check_ids("reading.toml", r.sections)
        yield from self.check_ids("speakers.toml", r.speakers)
        yield from self.check_ids("passages.toml", r.passages)
        yield from self.check_ids("quotes.toml", r.quotes)
        yield from self.check_ids("concepts.toml", r.concepts)
        yield from self.check_ids("publications.toml", r.publications)
        yield from self.check_texts()
        yield from self.check_passages()
        yield from self.check_quotes()
        yield from self.check_concepts()
        yield from self.check_publications()
        if r.date:
            yield from self.check_date("reading.toml", r.id, r.date)
        for name in ("title", "publisher"):
            yield from self.check_text("reading.toml", r.id, name, getattr(r, name))
        if r.status not in STATUSES:
            yield Problem(
                self.file("reading.toml"), r.id, "status", f"must be one of {', '.join(STATUSES)}"
            )
        elif not self.draft:
            for file_name, item in review_items(r):
                yield Problem(
                    self.file(file_name), item.id, "review", f"still to review: {item.review}"
                )
        for concept in r.concepts:
            if self.draft and not concept.definition.strip() and not concept.review:
                yield Problem(self.file("concepts.toml"), concept.id, "definition", "is empty")

    def check_ids(self, file_name: str, items: Iterable) -> Iterable[Problem]:
        counts = Counter(item.id for item in items)
        for item_id, count in counts.items():
            if not SLUG.fullmatch(item_id):
                yield Problem(self.file(file_name), item_id, "id", "must be a lowercase slug")
            if count > 1:
                yield Problem(self.file(file_name), item_id, "id", f"used {count} times")

    def check_texts(self) -> Iterable[Problem]:
        r = self.reading
        groups = [
            ("reading.toml", r.sections),
            ("speakers.toml", r.speakers),
            ("passages.toml", r.passages),
            ("quotes.toml", r.quotes),
            ("concepts.toml", r.concepts),
            ("publications.toml", r.publications),
        ]
        for file_name, items in groups:
            if _texts_fit(file_name, items, self.draft):
                continue
            for item in items:
                for name in item.__slots__:
                    value = getattr(item, name)
                    values = value if isinstance(value, tuple) else (value,)
                    for text in values:
                        if isinstance(text, str):
                            yield from self.check_text(file_name, item.id, name, text)

    def check_text(self, file_name: str, item_id: str, name: str, text: str) -> Iterable[Problem]:
        optional, limit = _text_rules(file_name, name, self.draft)
        if not text.strip() and not optional:
            yield Problem(self.file(file_name), item_id, name, "is empty")
        if limit is not None and len(text) > limit:
            yield Problem(
                self.file(file_name), item_id, name, f"is {len(text)} characters, over {limit}"
            )

    def check_passages(self) -> Iterable[Problem]:
        sections = {s.id for s in self.reading.sections}
        source = self.reading.source_text
        cursor = 0
        for passage in self.reading.passages:
            if passage.section not in sections:
                yield self.unknown("passages.toml", passage.id, "section", passage.section)
            found = source.find(passage.text, cursor)
            if found < 0:
                where = "verbatim in the source" if passage.text not in source else "in order"
                yield Problem(
                    self.file("passages.toml"), passage.id, "text", f"does not occur {where}"
                )
                continue
            cursor = found + len(passage.text)
            line_end = source.find("\n", cursor)
            rest = source[cursor : len(source) if line_end < 0 else line_end]
            if (found > 0 and source[found - 1] != "\n") or rest.strip():
                yield Problem(
                    self.file("passages.toml"), passage.id, "text", "is not a whole paragraph"
                )

    def check_quotes(self) -> Iterable[Problem]:
        speakers = {s.id: s for s in self.reading.speakers}
        passages = {p.id: p for p in self.reading.passages}
        file_name = self.file("quotes.toml")
        attribution = Attribution(
            [Named(s.id, s.name, f"{s.role} {s.affiliation}") for s in self.reading.speakers]
        )
        order = {p.id: i for i, p in enumerate(self.reading.passages)}
        texts = [p.text for p in self.reading.passages]
        for quote in self.reading.quotes:
            speaker = speakers.get(quote.speaker)
            passage = passages.get(quote.passage)
            if speaker is None:
                yield self.unknown("quotes.toml", quote.id, "speaker", quote.speaker)
            if passage is None:
                yield self.unknown("quotes.toml", quote.id, "passage", quote.passage)
            if quote.text.rstrip().endswith(","):
                yield Problem(file_name, quote.id, "text", "ends with the article's comma")
            # A passage is checked against the source, so a quote inside it is in the source too.
            in_passage = passage is not None and quote.text in passage.text
            if not in_passage and quote.text not in self.reading.source_text:
                yield Problem(file_name, quote.id, "text", "does not occur verbatim in the source")
            elif not in_passage and passage is not None:
                yield Problem(file_name, quote.id, "text", f"is not in passage {passage.id!r}")
            together = len(quote.text) + len(quote.context)
            if together > MAX_QUOTE_WITH_CONTEXT:
                yield Problem(
                    file_name,
                    quote.id,
                    "context",
                    f"quote and context are {together} characters, over {MAX_QUOTE_WITH_CONTEXT}",
                )
            if quote.context and quote.text not in quote.context:
                yield Problem(file_name, quote.id, "context", "does not contain the quote")
            if passage is not None and quote.context and quote.context not in passage.text:
                yield Problem(file_name, quote.id, "context", f"is not in passage {passage.id!r}")
            if in_passage and passage is not None and passage.text.count(quote.text) > 1:
                yield Problem(
                    file_name, quote.id, "text", "occurs more than once in its passage: say which"
                )
            if speaker and passage and quote.text.strip() and in_passage:
                credited = attribution.credit(texts, order[passage.id], quote.text).speaker
                if credited != speaker.id:
                    who = f"credits {credited!r}" if credited else "names no speaker for it"
                    yield Problem(file_name, quote.id, "speaker", f"passage {passage.id!r} {who}")

    def check_concepts(self) -> Iterable[Problem]:
        r = self.reading
        file_name = self.file("concepts.toml")
        sections = {s.id for s in r.sections}
        concepts = {c.id for c in r.concepts}
        evidence = {q.id for q in r.quotes} | {p.id for p in r.passages}
        owners: dict[str, str] = {}
        for concept in r.concepts:
            if concept.section not in sections:
                yield self.unknown("concepts.toml", concept.id, "section", concept.section)
            for ref in concept.evidence:
                if ref not in evidence:
                    yield self.unknown("concepts.toml", concept.id, "evidence", ref)
            for ref in concept.related:
                if ref == concept.id:
                    yield Problem(
                        file_name, concept.id, "related", "a concept cannot relate to itself"
                    )
                elif ref not in concepts:
                    yield self.unknown("concepts.toml", concept.id, "related", ref)
            for spelling in {term_key(t) for t in (concept.term, *concept.aliases)}:
                owner = owners.setdefault(spelling, concept.id)
                if owner != concept.id:
                    yield Problem(
                        file_name, concept.id, "aliases", f"{spelling!r} also names {owner!r}"
                    )

    def check_publications(self) -> Iterable[Problem]:
        for publication in self.reading.publications:
            yield from self.check_date("publications.toml", publication.id, publication.date)

    def check_date(self, file_name: str, item_id: str, value: str) -> Iterable[Problem]:
        try:
            valid = bool(ISO_DATE.fullmatch(value)) and bool(datetime.date.fromisoformat(value))
        except ValueError:
            valid = False
        if not valid:
            yield Problem(self.file(file_name), item_id, "date", "must be an ISO date YYYY-MM-DD")

    def unknown(self, file_name: str, item_id: str, field: str, ref: str) -> Problem:
        return Problem(self.file(file_name), item_id, field, f"refers to unknown id {ref!r}")
