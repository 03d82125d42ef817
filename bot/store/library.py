"""The library as a whole: which readings it holds, an overview of each, all of it read back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot.store.answers import ReadingOverview
from bot.store.codec import ITEM_CLASSES, item_from_dict, reading_from_dict, speaker_from_json
from bot.store.database import Queryable, fetch_all
from bot.store.models import Library, Section, Speaker

COUNTED = ("passages", "quotes", "concepts", "publications")


class ReadingMeta:
    """What every answer needs of a reading: its row, id, title and section titles, and where
    its passages and quotes lie (each reading's are numbered contiguously)."""

    __slots__ = ("first", "id", "row", "sections", "sizes", "title")

    def __init__(
        self,
        row: int,
        reading_id: str,
        title: str,
        sections: Sequence[Section],
        first: dict[str, int] | None = None,
        sizes: dict[str, int] | None = None,
    ) -> None:
        self.row = row
        self.id = reading_id
        self.title = title
        self.sections = {s.id: s.title for s in sections}
        self.first = first or {}  # "passages"/"quotes" -> rowid of the first
        self.sizes = sizes or {}  # "passages"/"quotes" -> how many

    def to_dict(self) -> dict[str, Any]:
        """As JSON holds it (a reload's process tells the serving one what it commits)."""
        return {
            "row": self.row,
            "id": self.id,
            "title": self.title,
            "sections": [[key, title] for key, title in self.sections.items()],
            "first": self.first,
            "sizes": self.sizes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReadingMeta:
        sections = [Section(key, title) for key, title in data["sections"]]
        return cls(data["row"], data["id"], data["title"], sections, data["first"], data["sizes"])


class Catalog:
    """The readings served now (`current`, in id order) and every reading row met since the
    store opened: an answer under way while a reload commits may meet the rows of either
    version, and still finds their titles."""

    def __init__(self) -> None:
        self._rows: dict[int, ReadingMeta] = {}
        self._early: set[int] = set()  # rows known before their commit, not served yet
        self.current: tuple[ReadingMeta, ...] = ()
        self.by_id: dict[str, ReadingMeta] = {}
        self.version = 0  # how many times what is served changed

    def know(self, readings: dict[int, ReadingMeta]) -> None:
        """Know these rows' readings before they are served (a build about to commit them):
        row numbers are never given out twice once committed, so knowing them early misleads
        no answer. Should the commit fail, `forget_early` forgets them: the next build gives
        the same numbers out again."""
        self._early.update(row for row in readings if row not in self._rows)
        self._rows.update(readings)

    def learn(self, readings: dict[int, ReadingMeta]) -> None:
        """Know these rows' readings, read from what is committed."""
        self._rows.update(readings)
        self._early.difference_update(readings)

    def forget_early(self) -> None:
        """Forget the rows known before a commit that did not come to serve them (it failed,
        or a later look will read them)."""
        for row in self._early:
            del self._rows[row]
        self._early.clear()

    def update(self, readings: dict[int, ReadingMeta]) -> None:
        """What is served now: `readings`, by row (in one step, with no await)."""
        self.learn(readings)
        self.current = tuple(sorted(readings.values(), key=lambda reading: reading.id))
        self.by_id = {reading.id: reading for reading in self.current}
        self.version += 1

    def get(self, row: int) -> ReadingMeta | None:
        return self._rows.get(row)

    def known(self) -> list[int]:
        """Every row whose reading this catalog knows."""
        return list(self._rows)

    def __getitem__(self, row: int) -> ReadingMeta:
        try:
            return self._rows[row]
        except KeyError:
            raise UnknownReadingError(row) from None


class UnknownReadingError(KeyError):
    """An answer met a reading row the catalog does not know yet, or missed the rows of a
    reading replaced a moment ago: content was committed while it was under way. The store
    learns what is served now and asks again."""


async def load_reading_meta(
    connection: Queryable, catalog: Catalog | None = None
) -> dict[int, ReadingMeta]:
    """Every reading's ReadingMeta, by row. The rows `catalog` knows under the same id are
    taken from it (a row always names the same reading) and only the others read: a reading's
    counts lie past its source text in the row, which SQLite walks to reach them (7 ms at 100
    readings), and this runs as a reload swaps in. One statement: the rows of one commit."""
    known = catalog.known() if catalog is not None else []
    rows = await fetch_all(connection, _META_SQL, (json.dumps(known),))
    readings = {}
    for rowid, reading_id, title, sections, first_p, passages, first_q, quotes in rows:
        if title is None:  # a row the catalog knew (a title is never NULL)
            meta = catalog.get(rowid) if catalog is not None else None
            if meta is None or meta.id != reading_id:  # forgotten meanwhile, or not the same
                return await load_reading_meta(connection)
            readings[rowid] = meta
            continue
        parsed = [item_from_dict(Section, s) for s in json.loads(sections)]
        readings[rowid] = ReadingMeta(
            rowid,
            reading_id,
            title,
            parsed,
            {"passages": first_p, "quotes": first_q},
            {"passages": passages, "quotes": quotes},
        )
    return readings


# The rows known: their id only, which lies before the reading's long columns in the row.
_META_SQL = (
    "SELECT rowid, id, NULL, NULL, NULL, NULL, NULL, NULL FROM readings "
    "WHERE rowid IN (SELECT value FROM json_each(?1)) UNION ALL "
    "SELECT rowid, id, title, json_extract(item, '$.sections'), first_passage, passage_count, "
    "first_quote, quote_count FROM readings WHERE rowid NOT IN (SELECT value FROM json_each(?1))"
)


async def read_overview(connection: aiosqlite.Connection) -> list[ReadingOverview]:
    """Each reading: provenance, sections, speakers and how many items of each kind."""
    counts: dict[int, dict[str, int]] = {}
    for table in COUNTED:
        sql = f"SELECT reading, count(*) FROM {table} GROUP BY reading"
        for reading, count in await fetch_all(connection, sql):
            counts.setdefault(reading, {})[table] = count
    speakers: dict[int, list[Speaker]] = {}
    for reading, item in await fetch_all(
        connection, "SELECT reading, item FROM speakers ORDER BY rowid"
    ):
        speakers.setdefault(reading, []).append(speaker_from_json(item))
    overviews = []
    for row in await fetch_all(connection, "SELECT rowid, item FROM readings ORDER BY rowid"):
        meta = json.loads(row["item"])
        overviews.append(
            ReadingOverview(
                id=meta["id"],
                title=meta["title"],
                publisher=meta["publisher"],
                author=meta["author"],
                date=meta["date"],
                url=meta["url"],
                sections=tuple(item_from_dict(Section, s) for s in meta["sections"]),
                speakers=tuple(speakers.get(row["rowid"], ())),
                counts={table: counts.get(row["rowid"], {}).get(table, 0) for table in COUNTED},
            )
        )
    return overviews


async def read_library(connection: aiosqlite.Connection) -> Library:
    """The whole stored content, read back from the database."""
    readings = []
    for row in await fetch_all(
        connection, "SELECT rowid, item, source_text FROM readings ORDER BY rowid"
    ):
        reading = json.loads(row["item"])
        reading["source_text"] = row["source_text"]
        for table in ITEM_CLASSES:
            if table == "sections":
                continue  # stored in the reading's own JSON
            items = await fetch_all(
                connection, f"SELECT item FROM {table} WHERE reading = ? ORDER BY rowid", (row[0],)
            )
            reading[table] = [json.loads(item[0]) for item in items]
        readings.append(reading_from_dict(reading))
    return Library(readings=tuple(readings))
