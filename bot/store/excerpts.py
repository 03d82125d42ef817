"""Each reading's daily-excerpt sequence: its passages (or its quotes), in reading order."""

from __future__ import annotations

import aiosqlite

from bot.store.answers import Excerpt
from bot.store.codec import item_from_json
from bot.store.database import Queryable, fetch_all
from bot.store.library import Catalog, ReadingMeta, UnknownReadingError
from bot.store.models import Concept, Passage
from bot.store.quotes import ATTRIBUTED_SQL, attributed

SOURCE_TABLES = {"passages": "passages", "quotes": "quotes"}


def _one(rows: list[aiosqlite.Row]) -> aiosqlite.Row:
    """The one row an excerpt's number finds; none if its reading was replaced meanwhile."""
    if not rows:
        raise UnknownReadingError(0)
    return rows[0]


class ExcerptSequence:
    """Each reading's excerpts by index: its passages (or quotes) in reading order. The build
    numbers a reading's rows contiguously, so index i is the reading's first row + i."""

    def __init__(self, connection: Queryable, readings: Catalog):
        self.connection = connection
        self._readings = readings

    def length(self, reading: ReadingMeta, source: str) -> int:
        return reading.sizes.get(source, 0)

    async def index_of(self, reading: ReadingMeta, source: str, item: str) -> int | None:
        """The index of the item with id `item` in the reading, if it is there."""
        rows = await fetch_all(
            self.connection,
            f"SELECT rowid FROM {SOURCE_TABLES[source]} WHERE reading = ? AND id = ?",
            (reading.row, item),
        )
        return rows[0][0] - reading.first[source] if rows else None

    async def item_id(self, reading: ReadingMeta, source: str, index: int) -> str:
        """The id of the item at `index` ("" past the end)."""
        if not 0 <= index < self.length(reading, source):
            return ""
        rows = await fetch_all(
            self.connection,
            f"SELECT id FROM {SOURCE_TABLES[source]} WHERE rowid = ? AND reading = ?",
            (reading.first[source] + index, reading.row),
        )
        if not rows:
            raise UnknownReadingError(reading.row)  # replaced while the walk was under way
        return rows[0][0]

    async def at(self, reading: ReadingMeta, source: str, index: int) -> Excerpt:
        """The excerpt at `index` (0-based, within the length) of the reading."""
        row = reading.first[source] + index
        total = self.length(reading, source)
        if source == "quotes":
            return await self._quote(row, index, total)
        return await self._passage(row, index, total)

    async def _passage(self, rowid: int, index: int, total: int) -> Excerpt:
        row = _one(
            await fetch_all(
                self.connection,
                "SELECT rowid, reading, section, item FROM passages WHERE rowid = ?",
                (rowid,),
            )
        )
        passage = item_from_json(Passage, row["item"])
        quoted = await fetch_all(
            self.connection,
            f"{ATTRIBUTED_SQL} WHERE q.passage = ? ORDER BY q.rowid",
            (row["rowid"],),
        )
        quotes = [attributed(q, self._readings) for q in quoted]
        reading = self._readings[row["reading"]]
        evidence = {passage.id, *(a.quote.id for a in quotes)}
        return Excerpt(
            number=index + 1,
            total=total,
            reading=reading.title,
            section=reading.sections.get(passage.section, passage.section),
            text=passage.text,
            quote=None,
            speakers=tuple(dict.fromkeys(a.speaker.name for a in quotes)),
            concepts=await self._concepts(reading.row, evidence),
            item=passage.id,
        )

    async def _quote(self, rowid: int, index: int, total: int) -> Excerpt:
        row = _one(
            await fetch_all(self.connection, f"{ATTRIBUTED_SQL} WHERE q.rowid = ?", (rowid,))
        )
        item = attributed(row, self._readings)
        return Excerpt(
            number=index + 1,
            total=total,
            reading=item.reading,
            section=item.section,
            text=item.quote.text,
            quote=item,
            speakers=(item.speaker.name,),
            concepts=await self._concepts(row["reading"], {item.quote.id, item.quote.passage}),
            item=item.quote.id,
        )

    async def _concepts(self, reading_row: int, evidence: set[str]) -> tuple[str, ...]:
        """Terms of the concepts this reading supports with any of `evidence`."""
        rows = await fetch_all(
            self.connection,
            "SELECT item FROM concepts WHERE reading = ? ORDER BY rowid",
            (reading_row,),
        )
        concepts = (item_from_json(Concept, r["item"]) for r in rows)
        return tuple(c.term for c in concepts if evidence & set(c.evidence))
