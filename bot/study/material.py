"""What the study tools read of one reading's curated content: its speakers, concepts and
publications, a quote (at random, or by id) with its speaker and passage, and passages by id.
Every read is by the reading's row and index lookups, so it costs the same in a library of
one reading or of a hundred."""

from __future__ import annotations

import functools
import random
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot.store.codec import item_from_json, speaker_from_json
from bot.store.database import Queryable, fetch_all
from bot.store.library import ReadingMeta
from bot.store.models import Concept, Passage, Publication, Quote, Speaker
from bot.store.normalize import words

FRAGMENT_MAX = 60  # characters of a quote that narrow the search for the same words
KEYS_MAX = 2000  # lookup keys one query asks for at most
READINGS_KEPT = 128  # readings whose speakers, concepts and publications are kept in memory
# What is kept of one reading: its speakers, concepts, publications, concept rows, and the ids of
# its concepts and of its quotes.
KINDS_KEPT = 6
_QUOTE = (
    "SELECT q.item, s.item, s.id, p.item, p.section FROM quotes q "
    "JOIN speakers s ON s.rowid = q.speaker JOIN passages p ON p.rowid = q.passage "
)


@dataclass(frozen=True, slots=True)
class QuoteInPlace:
    """A quote with its speaker, the passage it stands in and that passage's section title."""

    quote: Quote
    speaker: Speaker
    passage: Passage
    section: str


class Material:
    """Reads of the readings' content, through `reader` (the read pool, or the connection).

    A reading's speakers, concepts and publications are kept for the READINGS_KEPT readings
    read last: a reading's rows never change (a reading edited gets new rows, and row numbers
    are never given out twice), so what is kept by row is never stale."""

    def __init__(self, reader: Queryable) -> None:
        self.reader = reader
        self._kept: OrderedDict[tuple[str, int], list[Any]] = OrderedDict()

    async def _kept_or(
        self, key: tuple[str, int], load: Callable[[], Awaitable[list[Any]]]
    ) -> list[Any]:
        """What is kept under `key`, or what `load()` reads, kept (the last read kept longest)."""
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        self._kept[key] = value = await load()
        while len(self._kept) > READINGS_KEPT * KINDS_KEPT:
            self._kept.popitem(last=False)
        return value

    async def _column(self, table: str, column: str, reading: ReadingMeta) -> list[Any]:
        """`column` of the reading's rows of `table`, in reading order."""
        rows = await fetch_all(
            self.reader,
            f"SELECT {column} FROM {table} WHERE reading = ? ORDER BY rowid",
            (reading.row,),
        )
        return [row[0] for row in rows]

    async def _decoded(self, table: str, cls: type, reading: ReadingMeta) -> list[Any]:
        decode = speaker_from_json if cls is Speaker else functools.partial(item_from_json, cls)
        return [decode(item) for item in await self._column(table, "item", reading)]

    async def _all(self, table: str, cls: type, reading: ReadingMeta) -> list[Any]:
        return await self._kept_or((table, reading.row), lambda: self._decoded(table, cls, reading))

    async def speakers(self, reading: ReadingMeta) -> list[Speaker]:
        return await self._all("speakers", Speaker, reading)

    async def concepts(self, reading: ReadingMeta) -> list[Concept]:
        return await self._all("concepts", Concept, reading)

    async def publications(self, reading: ReadingMeta) -> list[Publication]:
        return await self._all("publications", Publication, reading)

    async def random_quote(self, reading: ReadingMeta, rng: random.Random) -> QuoteInPlace | None:
        """A quote of the reading picked at random (its quotes' rows are contiguous)."""
        count = reading.sizes.get("quotes", 0)
        if not count:
            return None
        row = reading.first["quotes"] + rng.randrange(count)
        rows = await fetch_all(self.reader, _QUOTE + "WHERE q.rowid = ?", (row,))
        return self._in_place(rows[0], reading) if rows else None

    async def quote(self, reading: ReadingMeta, quote_id: str) -> QuoteInPlace | None:
        rows = await fetch_all(
            self.reader, _QUOTE + "WHERE q.reading = ? AND q.id = ?", (reading.row, quote_id)
        )
        return self._in_place(rows[0], reading) if rows else None

    async def ids(self, table: str, reading: ReadingMeta) -> list[str]:
        """The ids of the reading's concepts or quotes (`table`), in reading order."""
        return await self._kept_or(
            (f"{table} ids", reading.row), lambda: self._column(table, "id", reading)
        )

    async def concept_sample(
        self, reading: ReadingMeta, count: int, rng: random.Random
    ) -> list[Concept]:
        """Up to `count` of the reading's concepts, at random: a question needs one and a few
        others to choose distractors from, not every concept decoded."""
        return await self._sample("concepts", Concept, reading, count, rng)

    async def _sample(
        self, table: str, cls: type, reading: ReadingMeta, count: int, rng: random.Random
    ) -> list[Any]:
        rows = await self._kept_or(
            (f"{table} rows", reading.row), lambda: self._column(table, "rowid", reading)
        )
        chosen = rng.sample(rows, min(count, len(rows)))
        if not chosen:
            return []
        marks = ", ".join("?" * len(chosen))
        found = await fetch_all(
            self.reader, f"SELECT rowid, item FROM {table} WHERE rowid IN ({marks})", chosen
        )
        decode = speaker_from_json if cls is Speaker else functools.partial(item_from_json, cls)
        items = {row[0]: decode(row[1]) for row in found}
        return [items[row] for row in chosen if row in items]

    async def concepts_keyed(self, reading: ReadingMeta, keys: Iterable[str]) -> list[Concept]:
        """The reading's concepts one of whose spellings has one of these lookup keys."""
        wanted = list(dict.fromkeys(keys))[:KEYS_MAX]
        if not wanted:
            return []
        marks = ", ".join("?" * len(wanted))
        found = await fetch_all(
            self.reader,
            "SELECT item FROM concepts WHERE rowid IN (SELECT target FROM lookup_keys "
            f"WHERE kind = 'concept' AND key IN ({marks}) AND reading = ?) ORDER BY rowid",
            [*wanted, reading.row],
        )
        return [item_from_json(Concept, row[0]) for row in found]

    async def concept(self, reading: ReadingMeta, concept_id: str) -> Concept | None:
        rows = await fetch_all(
            self.reader,
            "SELECT item FROM concepts WHERE reading = ? AND id = ?",
            (reading.row, concept_id),
        )
        return item_from_json(Concept, rows[0][0]) if rows else None

    async def random_quotes(
        self, reading: ReadingMeta, count: int, rng: random.Random
    ) -> list[Quote]:
        """Up to `count` quotes of the reading, at random."""
        size = reading.sizes.get("quotes", 0)
        rows = [reading.first["quotes"] + i for i in rng.sample(range(size), min(count, size))]
        if not rows:
            return []
        marks = ", ".join("?" * len(rows))
        found = await fetch_all(
            self.reader, f"SELECT item FROM quotes WHERE rowid IN ({marks})", rows
        )
        return [item_from_json(Quote, row[0]) for row in found]

    async def said_by(self, reading: ReadingMeta, text: str) -> list[str]:
        """The ids of the reading's speakers credited with these words, whatever their case,
        accents or punctuation. The stored JSON holds letters and spaces as they are, so the
        quotes are first narrowed to those holding the text's longest run of them (in any case:
        LIKE), which costs far less than decoding every quote."""
        runs = re.findall(r"[A-Za-z ]+", text)
        fragment = max(runs, key=len).strip()[:FRAGMENT_MAX] if runs else ""
        first = reading.first.get("quotes", 0)
        rows = await fetch_all(  # the reading's quotes are rows first .. first + count - 1
            self.reader,
            "SELECT s.id, json_extract(q.item, '$.text') FROM quotes q "
            "JOIN speakers s ON s.rowid = q.speaker "
            "WHERE q.rowid BETWEEN ? AND ? AND q.item LIKE ?",  # LIKE ignores ASCII case
            (first, first + reading.sizes.get("quotes", 0) - 1, f"%{fragment}%"),
        )
        said = words(text)
        return list(dict.fromkeys(speaker for speaker, other in rows if words(other) == said))

    async def passage(self, reading: ReadingMeta, passage_id: str) -> Passage | None:
        rows = await fetch_all(
            self.reader,
            "SELECT item FROM passages WHERE reading = ? AND id = ?",
            (reading.row, passage_id),
        )
        return item_from_json(Passage, rows[0][0]) if rows else None

    @staticmethod
    def _in_place(row: tuple[str, str, str, str, str], reading: ReadingMeta) -> QuoteInPlace:
        quote, speaker, _, passage, section = row
        return QuoteInPlace(
            item_from_json(Quote, quote),
            speaker_from_json(speaker),
            item_from_json(Passage, passage),
            reading.sections.get(section, section),
        )
