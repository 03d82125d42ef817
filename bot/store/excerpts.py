"""The daily-excerpt sequence: every passage (or every quote) of the readings, in order."""

from __future__ import annotations

import aiosqlite

from bot.store.answers import Excerpt
from bot.store.codec import item_from_json
from bot.store.database import fetch_all
from bot.store.library import ReadingMeta
from bot.store.models import Concept, Passage
from bot.store.quotes import ATTRIBUTED_SQL, attributed

SOURCE_TABLES = {"passages": "passages", "quotes": "quotes"}


class ExcerptSequence:
    """Reads excerpts by position; positions wrap around the whole sequence. The build numbers
    passages and quotes from 1 in reading order, so position p is row p + 1."""

    def __init__(self, connection: aiosqlite.Connection, readings: dict[int, ReadingMeta]):
        self.connection = connection
        self._readings = readings

    async def length(self, source: str) -> int:
        rows = await fetch_all(self.connection, f"SELECT count(*) FROM {SOURCE_TABLES[source]}")
        return rows[0][0]

    async def at(self, source: str, position: int) -> Excerpt | None:
        """The excerpt at `position` (0-based, taken modulo the length); None if there is none."""
        total = await self.length(source)
        if total == 0:
            return None
        index = position % total
        if source == "quotes":
            return await self._quote(index, total)
        return await self._passage(index, total)

    async def _passage(self, index: int, total: int) -> Excerpt:
        (row,) = await fetch_all(
            self.connection,
            "SELECT rowid, reading, section, item FROM passages WHERE rowid = ?",
            (index + 1,),
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
        )

    async def _quote(self, index: int, total: int) -> Excerpt:
        (row,) = await fetch_all(
            self.connection, f"{ATTRIBUTED_SQL} WHERE q.rowid = ?", (index + 1,)
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
