"""Building the content tables reading by reading: batched and staged, inside a transaction the
caller holds (bot/store/sync.py decides what to build)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite

from bot.store.codec import item_values, reading_meta_json
from bot.store.database import CONTENT_HASH_KEY, fetch_all, get_meta, set_meta
from bot.store.models import Concept, Passage, Publication, Quote, Reading, Speaker
from bot.store.normalize import term_key, topic_key, words
from bot.store.search import build_common_words
from bot.store.staging import Staging, staged
from bot.store.suggestions import build_suggestions, suggestion_word_rows

# A build inserts the readings a batch at a time, a batch being about this many rows of the
# search index (ten readings of 1000 quotes): few enough statements and FTS5 segments.
BATCH_INDEXED = 20_000
# FTS5 keeps this much of the index in memory (by default 1 MiB) before writing a segment.
SEARCH_HASH_BYTES = 16 << 20

CONTENT_TABLES = (
    "suggestion_words",
    "suggestion_prefixes",
    "suggestion_vocabulary",
    "common_words",
    "search_index",
    "topics",
    "lookup_keys",
    "publications",
    "concepts",
    "quotes",
    "passages",
    "speakers",
    "readings",
)
# The content tables whose rows name their reading, in foreign-key order.
_BY_READING = (
    "suggestion_words",
    "topics",
    "lookup_keys",
    "publications",
    "concepts",
    "quotes",
    "passages",
    "speakers",
)
# Meta: how many rows the search index had when its common words were found, and how far it may
# drift from that before they are found again.
COMMON_WORDS_KEY = "common_words_indexed"
COMMON_WORDS_DRIFT = 0.1
NEXT_ROWS_KEY = "next_rows"  # meta: JSON, table -> the first rowid never given out
_NUMBERED = (
    "readings",
    "speakers",
    "passages",
    "quotes",
    "concepts",
    "publications",
    "search_index",
)


async def clear_content(connection: aiosqlite.Connection) -> None:
    """Empty every content table (inside the caller's transaction), for a build from scratch."""
    for table in CONTENT_TABLES:
        await connection.execute(f"DELETE FROM {table}")
    await connection.execute(
        "INSERT INTO search_index (search_index, rank) VALUES ('hashsize', ?)",
        (SEARCH_HASH_BYTES,),
    )


async def delete_reading(connection: aiosqlite.Connection, row: int) -> None:
    """Delete one reading's rows from every content table (inside the caller's transaction)."""
    ((first, last),) = await fetch_all(
        connection, "SELECT first_indexed, last_indexed FROM readings WHERE rowid = ?", (row,)
    )
    await connection.execute("DELETE FROM search_index WHERE rowid BETWEEN ? AND ?", (first, last))
    for table in _BY_READING:
        await connection.execute(f"DELETE FROM {table} WHERE reading = ?", (row,))
    await connection.execute("DELETE FROM readings WHERE rowid = ?", (row,))


async def insert_readings(
    connection: aiosqlite.Connection, readings: Iterable[tuple[Reading, str]]
) -> int:
    """Add each (reading, hash of its folder) to the content tables, after the rows already
    there (inside the caller's transaction); return how many were added. The readings' ids
    must be free. Autocomplete and common words are brought up to date by `finish_build`.

    `readings` may load each reading lazily: SQLite inserts a batch while the next is loaded."""
    rows = _Rows(await _next_rows(connection))
    staging = Staging(connection, _STAGED)
    await staging.create()
    batch = 1  # the first reading goes alone, so that SQLite has work at once
    added = 0
    try:
        for reading, folder_hash in readings:
            rows.add(reading, folder_hash)
            added += 1
            if rows.indexed >= batch:
                await staging.insert(rows.take())
                batch = BATCH_INDEXED
        await staging.insert(rows.take())
    finally:
        await staging.copied()
    await staging.drop()
    await set_meta(connection, NEXT_ROWS_KEY, json.dumps(rows.next_rows))
    return added


async def finish_build(
    connection: aiosqlite.Connection, version: str, full: bool, labels_changed: bool = True
) -> None:
    """After readings were added or deleted: autocomplete from all of them (unless no label
    changed: a definition reworded, say), and the content's version recorded. After a `full`
    build, the search index is merged into one b-tree (searches run 2-5 times faster; a large
    library takes seconds). Common words are found again after a full build, or once the index
    has grown or shrunk by COMMON_WORDS_DRIFT since they were: one reading more or less barely
    moves them, and finding them takes a while."""
    if full or labels_changed:
        await build_suggestions(connection)
    if full:
        await connection.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
    ((indexed,),) = await fetch_all(
        connection, "SELECT coalesce(sum(last_indexed - first_indexed + 1), 0) FROM readings"
    )
    counted = int(await get_meta(connection, COMMON_WORDS_KEY) or -1)
    if full or counted < 0 or abs(indexed - counted) > COMMON_WORDS_DRIFT * max(counted, 1):
        await connection.execute("DELETE FROM common_words")
        await build_common_words(connection)
        await set_meta(connection, COMMON_WORDS_KEY, str(indexed))
    await set_meta(connection, CONTENT_HASH_KEY, version)


async def _next_rows(connection: aiosqlite.Connection) -> dict[str, int]:
    """The first rowid of each numbered table never used before in this database: a row number
    is never given to another reading's row, not even after a rebuild, so an answer under way
    while the content changes can never read one reading's row as another's."""
    used = json.loads(await get_meta(connection, NEXT_ROWS_KEY) or "{}")
    numbered = {}
    for table in _NUMBERED:
        ((last,),) = await fetch_all(connection, f"SELECT coalesce(max(rowid), 0) FROM {table}")
        numbered[table] = max(last + 1, used.get(table, 1))
    return numbered


# In foreign-key order.
_STAGED = {
    "readings": staged(
        "readings",
        "rowid, id, title, item, source_text, hash, first_passage, passage_count, first_quote, "
        "quote_count, first_indexed, last_indexed",
    ),
    "speakers": staged("speakers", "rowid, reading, id, name, topics", Speaker),
    "passages": staged("passages", "rowid, reading, id, section", Passage),
    "quotes": staged("quotes", "rowid, reading, speaker, passage, id", Quote),
    "concepts": staged("concepts", "rowid, reading, id, term", Concept),
    "publications": staged("publications", "rowid, reading, id, date, type_key", Publication),
    "lookup_keys": staged("lookup_keys", "kind, key, target, reading", verb="INSERT OR IGNORE"),
    "topics": staged("topics", "kind, key, target, reading, position"),
    "search_index": staged("search_index", "rowid, title, body, kind, reading, target"),
    "suggestion_words": staged(
        "suggestion_words", "kind, word, label, value, key, reading", verb="INSERT OR IGNORE"
    ),
}


class _Rows:
    """The rows of the readings added since the last batch was taken, numbered from the first
    free rowid of each table: a reading's passages, quotes and search rows are contiguous."""

    def __init__(self, next_rows: dict[str, int]) -> None:
        self._next = dict(next_rows)
        self._rows: dict[str, list[Sequence[Any]]] = {table: [] for table in _STAGED}
        self._topic_keys: dict[str, str] = {}

    @property
    def next_rows(self) -> dict[str, int]:
        """The first rowid of each numbered table not given out yet."""
        return dict(self._next)

    @property
    def indexed(self) -> int:
        """Rows for the search index so far: the measure of a batch."""
        return len(self._rows["search_index"])

    def take(self) -> dict[str, list[Sequence[Any]]]:
        """The rows so far, table by table; starts afresh."""
        rows, self._rows = self._rows, {table: [] for table in _STAGED}
        return rows

    def _number(self, table: str, items: Sequence[Any]) -> dict[str, int]:
        first = self._next[table]
        self._next[table] += len(items)
        return {item.id: first + index for index, item in enumerate(items)}

    def _topic_key(self, text: str) -> str:
        """topic_key, remembered: the same few topics tag most items."""
        key = self._topic_keys.get(text)
        if key is None:
            key = self._topic_keys[text] = topic_key(text)
        return key

    def _topic_rows(
        self,
        kind: str,
        reading: int,
        rows: dict[str, int],
        items: Sequence[Quote | Concept | Publication],
    ) -> list[tuple[str, str, int, int, int]]:
        """(kind, topic key, row, reading, position) for each topic of each item: a topic's
        items of one kind in one reading are numbered in reading order."""
        counts: dict[str, int] = {}
        topic_key = self._topic_key
        tagged = []
        for item in items:
            row = rows[item.id]
            for key in {topic_key(t) for t in item.topics}:
                position = counts.get(key, 0)
                counts[key] = position + 1
                tagged.append((kind, key, row, reading, position))
        return tagged

    def add(self, reading: Reading, folder_hash: str) -> None:
        """Add the rows of `reading` (built from a folder with that hash) to the batch."""
        (r,) = self._number("readings", [reading]).values()
        speakers = self._number("speakers", reading.speakers)
        passages = self._number("passages", reading.passages)
        quotes = self._number("quotes", reading.quotes)
        concepts = self._number("concepts", reading.concepts)
        publications = self._number("publications", reading.publications)
        topic = self._topic_key
        rows = self._rows
        section_titles = {s.id: s.title for s in reading.sections}
        speaker_names = {s.id: s.name for s in reading.speakers}
        indexed = [
            *(
                (section_titles[p.section], p.text, "passage", r, passages[p.id])
                for p in reading.passages
            ),
            *((speaker_names[q.speaker], q.text, "quote", r, quotes[q.id]) for q in reading.quotes),
            *(
                (c.term, " ".join((c.definition, *c.aliases)), "concept", r, concepts[c.id])
                for c in reading.concepts
            ),
            *(
                (p.title, p.summary, "publication", r, publications[p.id])
                for p in reading.publications
            ),
        ]
        first_indexed = self._next["search_index"]
        self._next["search_index"] += len(indexed)
        rows["search_index"] += [(first_indexed + n, *row) for n, row in enumerate(indexed)]
        rows["readings"].append(
            (
                r,
                reading.id,
                reading.title,
                reading_meta_json(reading),
                reading.source_text,
                folder_hash,
                min(passages.values(), default=0),
                len(passages),
                min(quotes.values(), default=0),
                len(quotes),
                first_indexed,
                first_indexed + len(indexed) - 1,
            )
        )
        speaker_topics: dict[str, dict[str, None]] = {s.id: {} for s in reading.speakers}
        for q in reading.quotes:
            speaker_topics[q.speaker].update(dict.fromkeys(q.topics))
        rows["speakers"] += [
            (
                speakers[s.id],
                r,
                s.id,
                s.name,
                json.dumps(list(speaker_topics[s.id]), ensure_ascii=False),
                *item_values(s),
            )
            for s in reading.speakers
        ]
        rows["passages"] += [
            (passages[p.id], r, p.id, p.section, *item_values(p)) for p in reading.passages
        ]
        rows["quotes"] += [
            (quotes[q.id], r, speakers[q.speaker], passages[q.passage], q.id, *item_values(q))
            for q in reading.quotes
        ]
        rows["concepts"] += [
            (concepts[c.id], r, c.id, c.term, *item_values(c)) for c in reading.concepts
        ]
        rows["publications"] += [
            (publications[p.id], r, p.id, p.date, topic(p.type), *item_values(p))
            for p in reading.publications
        ]
        rows["lookup_keys"] += [
            ("speaker", key, speakers[s.id], r)
            for s in reading.speakers
            for key in _speaker_keys(s.name)
        ]
        rows["lookup_keys"] += [
            ("concept", term_key(t), concepts[c.id], r)
            for c in reading.concepts
            for t in {c.term, *c.aliases}
        ]
        rows["topics"] += self._topic_rows("quote", r, quotes, reading.quotes)
        rows["topics"] += self._topic_rows("concept", r, concepts, reading.concepts)
        rows["topics"] += self._topic_rows("publication", r, publications, reading.publications)
        rows["suggestion_words"] += suggestion_word_rows(dict.fromkeys(_suggestions(reading)), r)


def suggestion_labels(reading: Reading) -> set[tuple[str, str, str]]:
    """The (kind, label, value) of each autocomplete suggestion the reading offers."""
    return {(kind, label, value) for label, kind, value in _suggestions(reading)}


def _suggestions(reading: Reading) -> list[tuple[str, str, str]]:
    """A reading's autocomplete suggestions (label, kind, value)."""
    suggestions = [
        (label, "speaker", s.name)
        for s in reading.speakers
        for label in (s.name, *s.name.split()[-1:])
    ]
    suggestions += [
        (spelling, "term", c.term) for c in reading.concepts for spelling in (c.term, *c.aliases)
    ]
    suggestions += [(t, "quote_topic", t) for q in reading.quotes for t in q.topics]
    for p in reading.publications:
        suggestions += [(t, "publication_topic", t) for t in p.topics]
        suggestions.append((p.type, "publication_type", p.type))
    return suggestions


def _speaker_keys(name: str) -> set[str]:
    """A speaker is found by full name or surname."""
    name_words = words(name)
    return {" ".join(name_words), *name_words[-1:]}
