"""The library as a whole: which readings it holds, an overview of each, all of it read back."""

from __future__ import annotations

import json
from collections.abc import Sequence

import aiosqlite

from bot.store.answers import ReadingOverview
from bot.store.codec import ITEM_CLASSES, item_from_dict, reading_from_dict, speaker_from_json
from bot.store.database import fetch_all
from bot.store.models import Library, Section, Speaker

COUNTED = ("passages", "quotes", "concepts", "publications")


class ReadingMeta:
    """What every answer needs of a reading: its row, title and section titles."""

    __slots__ = ("row", "sections", "title")

    def __init__(self, row: int, title: str, sections: Sequence[Section]) -> None:
        self.row = row
        self.title = title
        self.sections = {s.id: s.title for s in sections}


async def load_reading_meta(connection: aiosqlite.Connection) -> dict[int, ReadingMeta]:
    """Titles and sections of every reading, by row (its source text is a column of its own)."""
    readings = {}
    rows = await fetch_all(
        connection, "SELECT rowid, title, json_extract(item, '$.sections') FROM readings"
    )
    for rowid, title, sections in rows:
        parsed = [item_from_dict(Section, s) for s in json.loads(sections)]
        readings[rowid] = ReadingMeta(rowid, title, parsed)
    return readings


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
