"""Building the content tables from the readings: batched, staged, in one transaction."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.store.codec import is_json_field, item_values, reading_meta_json
from bot.store.database import (
    CONTENT_HASH_KEY,
    LONG_WRITE_WAIT,
    get_meta,
    set_meta,
    transaction,
)
from bot.store.models import Concept, Passage, Publication, Quote, Reading, Speaker
from bot.store.normalize import term_key, topic_key, words
from bot.store.search import build_common_words
from bot.store.suggestions import build_suggestions

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


async def build_content(
    connection: aiosqlite.Connection, readings: Iterable[Reading], content_version: str
) -> bool:
    """Replace all content tables with `readings` in one transaction, recording their version;
    False, with nothing read or written, if the tables hold that version when the write lock is
    ours (another process rebuilt them while this one waited for it).

    `readings` may load each reading lazily: SQLite inserts a batch while the next is loaded."""
    async with transaction(connection, wait=LONG_WRITE_WAIT):
        if await get_meta(connection, CONTENT_HASH_KEY) == content_version:
            return False
        for table in CONTENT_TABLES:
            await connection.execute(f"DELETE FROM {table}")
        await connection.execute(
            "INSERT INTO search_index (search_index, rank) VALUES ('hashsize', ?)",
            (SEARCH_HASH_BYTES,),
        )
        rows = _Rows()
        staging = _Staging(connection)
        await staging.create()
        batch = 1  # the first reading goes alone, so that SQLite has work at once
        try:
            for reading in readings:
                rows.add(reading)
                if rows.indexed >= batch:
                    await staging.insert(rows.take())
                    batch = BATCH_INDEXED
            await staging.insert(rows.take())
            # Its Python runs while SQLite copies the last batch; its inserts queue behind.
            await build_suggestions(connection, list(rows.suggestions))
        finally:
            await staging.copied()
        await staging.drop()
        # One b-tree instead of the segments the batches left: searches run 2-5 times faster.
        await connection.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
        await build_common_words(connection)
        await set_meta(connection, CONTENT_HASH_KEY, content_version)
    return True


@dataclass(frozen=True, slots=True)
class _Staged:
    """The statements that stage a batch of rows for one table and copy them over."""

    create: str
    put: str
    clear: str
    copy: str
    drop: str


def _staged(table: str, columns: str, item: type | None = None, verb: str = "INSERT") -> _Staged:
    """Staging for `table`: a row holds `columns`, then the fields of an `item` (see
    item_values), from which the copy builds the JSON of the `item` column."""
    names = [name.strip() for name in columns.split(",")]
    fields = dataclasses.fields(item) if item is not None else ()
    staged = [f"v{number}" for number in range(1, len(names) + len(fields) + 1)]
    selected = staged[: len(names)]
    if fields:
        pairs = (
            f"'{field.name}', {f'json({column})' if is_json_field(field) else column}"
            for field, column in zip(fields, staged[len(names) :], strict=True)
        )
        names.append("item")
        selected.append(f"json_object({', '.join(pairs)})")
    stage = f"temp.staged_{table}"
    return _Staged(
        create=f"CREATE TABLE {stage} ({', '.join(staged)})",
        put=f"INSERT INTO {stage} VALUES ({', '.join('?' for _ in staged)})",
        clear=f"DELETE FROM {stage}",
        copy=f"{verb} INTO main.{table} ({', '.join(names)}) "
        f"SELECT {', '.join(selected)} FROM {stage} ORDER BY rowid",
        drop=f"DROP TABLE {stage}",
    )


# In foreign-key order.
_STAGED = {
    "readings": _staged("readings", "rowid, id, title, item, source_text"),
    "speakers": _staged("speakers", "rowid, reading, id, name, topics", Speaker),
    "passages": _staged("passages", "rowid, reading, id, section", Passage),
    "quotes": _staged("quotes", "rowid, reading, speaker, passage, id", Quote),
    "concepts": _staged("concepts", "rowid, reading, id, term", Concept),
    "publications": _staged("publications", "rowid, reading, id, date, type_key", Publication),
    "lookup_keys": _staged("lookup_keys", "kind, key, target", verb="INSERT OR IGNORE"),
    "topics": _staged("topics", "kind, key, target, position"),
    "search_index": _staged("search_index", "title, body, kind, reading, target"),
}


class _Staging:
    """Moves batches of rows into the content tables while Python loads the next batch.

    A batch goes by executemany into plain temporary tables, a statement a row, then one
    INSERT ... SELECT a table copies it over, indexing it on the way. Such a copy is one SQLite
    step, which runs without the GIL, so SQLite copies and indexes a batch in the background;
    with a step a row, it would wait for the GIL from Python's busy thread at every row.
    Staging a row costs well under half of inserting it into its indexed table."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        self._copying: asyncio.Future[list[Any]] | None = None

    async def create(self) -> None:
        for staged in _STAGED.values():
            await self.connection.execute(staged.create)

    async def insert(self, rows: dict[str, list[Sequence[Any]]]) -> None:
        """Stage `rows` (table -> rows) and start copying them over in the background."""
        for table, staged in _STAGED.items():
            await self.connection.execute(staged.clear)  # copied by now: statements run in order
            if rows[table]:
                await self.connection.executemany(staged.put, rows[table])
        await self.copied()
        copies = [self.connection.execute(_STAGED[table].copy) for table in rows if rows[table]]
        self._copying = asyncio.gather(*copies)
        await asyncio.sleep(0)  # each task hands its statement to the SQLite thread now, in order

    async def copied(self) -> None:
        """Wait for the batch being copied, if any."""
        copying, self._copying = self._copying, None
        if copying is not None:
            await copying

    async def drop(self) -> None:
        for staged in _STAGED.values():
            await self.connection.execute(staged.drop)


class _Rows:
    """The rows of the readings added since the last batch was taken, numbered as the emptied
    tables will number them, and the autocomplete suggestions of all readings so far."""

    def __init__(self) -> None:
        self._next = dict.fromkeys(
            ("readings", "speakers", "passages", "quotes", "concepts", "publications"), 1
        )
        self._rows: dict[str, list[Sequence[Any]]] = {table: [] for table in _STAGED}
        self._topic_keys: dict[str, str] = {}
        self._topic_counts: dict[str, dict[str, int]] = {}
        self.suggestions: dict[tuple[str, str, str], None] = {}

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
        self, kind: str, rows: dict[str, int], items: Sequence[Quote | Concept | Publication]
    ) -> list[tuple[str, str, int, int]]:
        """(kind, topic key, row, position) for each topic of each item: a topic's items of one
        kind are numbered in reading order, across readings."""
        counts = self._topic_counts.setdefault(kind, {})
        topic_key = self._topic_key
        tagged = []
        for item in items:
            row = rows[item.id]
            for key in {topic_key(t) for t in item.topics}:
                position = counts.get(key, 0)
                counts[key] = position + 1
                tagged.append((kind, key, row, position))
        return tagged

    def add(self, reading: Reading) -> None:
        """Add the rows of `reading` to the batch."""
        (r,) = self._number("readings", [reading]).values()
        speakers = self._number("speakers", reading.speakers)
        passages = self._number("passages", reading.passages)
        quotes = self._number("quotes", reading.quotes)
        concepts = self._number("concepts", reading.concepts)
        publications = self._number("publications", reading.publications)
        topic = self._topic_key
        rows = self._rows
        rows["readings"].append(
            (
                r,
                reading.id,
                reading.title,
                reading_meta_json(reading),
                reading.source_text,
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
            ("speaker", key, speakers[s.id])
            for s in reading.speakers
            for key in _speaker_keys(s.name)
        ]
        rows["lookup_keys"] += [
            ("concept", term_key(t), concepts[c.id])
            for c in reading.concepts
            for t in {c.term, *c.aliases}
        ]
        rows["topics"] += self._topic_rows("quote", quotes, reading.quotes)
        rows["topics"] += self._topic_rows("concept", concepts, reading.concepts)
        rows["topics"] += self._topic_rows("publication", publications, reading.publications)
        section_titles = {s.id: s.title for s in reading.sections}
        speaker_names = {s.id: s.name for s in reading.speakers}
        rows["search_index"] += [
            (section_titles[p.section], p.text, "passage", r, passages[p.id])
            for p in reading.passages
        ]
        rows["search_index"] += [
            (speaker_names[q.speaker], q.text, "quote", r, quotes[q.id]) for q in reading.quotes
        ]
        rows["search_index"] += [
            (c.term, " ".join((c.definition, *c.aliases)), "concept", r, concepts[c.id])
            for c in reading.concepts
        ]
        rows["search_index"] += [
            (p.title, p.summary, "publication", r, publications[p.id]) for p in reading.publications
        ]
        self.suggestions.update(dict.fromkeys(_suggestions(reading)))


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
