"""Turning stored rows back into content views, shared by every reader of the store."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

import aiosqlite

from bot.store.export import item_from_dict
from bot.store.models import Quote, Section, Speaker
from bot.store.views import Attributed

ATTRIBUTED_COLUMNS = (
    "q.item AS quote, s.item AS speaker, p.section AS section, q.reading AS reading"
)
ATTRIBUTED_JOINS = "JOIN speakers s ON s.rowid = q.speaker JOIN passages p ON p.rowid = q.passage"
ATTRIBUTED_SQL = f"SELECT {ATTRIBUTED_COLUMNS} FROM quotes q {ATTRIBUTED_JOINS}"


class ReadingMeta:
    """What every answer needs of a reading: its row, title and section titles."""

    __slots__ = ("row", "sections", "title")

    def __init__(self, row: int, title: str, sections: Sequence[Section]) -> None:
        self.row = row
        self.title = title
        self.sections = {s.id: s.title for s in sections}


async def fetch_all(
    connection: aiosqlite.Connection, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
) -> list[aiosqlite.Row]:
    return list(await connection.execute_fetchall(sql, params))


@functools.lru_cache(maxsize=8192)
def speaker_from_json(item: str) -> Speaker:
    """A speaker from its stored JSON; the same few speakers recur in answer after answer."""
    return item_from_dict(Speaker, json.loads(item))


def attributed(row: aiosqlite.Row, readings: dict[int, ReadingMeta]) -> Attributed:
    """A row of ATTRIBUTED_SQL as a quote with its speaker, section and reading."""
    return attributed_quote(row["quote"], row["speaker"], row["section"], readings[row["reading"]])


def attributed_quote(quote: str, speaker: str, section: str, reading: ReadingMeta) -> Attributed:
    """A quote and its speaker from their stored JSON, with the section's and reading's titles."""
    return Attributed(
        quote=item_from_dict(Quote, json.loads(quote)),
        speaker=speaker_from_json(speaker),
        section=reading.sections.get(section, section),
        reading=reading.title,
    )


async def load_reading_meta(connection: aiosqlite.Connection) -> dict[int, ReadingMeta]:
    """Titles and sections of every reading (its source text is a column of its own)."""
    readings = {}
    rows = await fetch_all(
        connection, "SELECT rowid, title, json_extract(item, '$.sections') FROM readings"
    )
    for rowid, title, sections in rows:
        parsed = [item_from_dict(Section, s) for s in json.loads(sections)]
        readings[rowid] = ReadingMeta(rowid, title, parsed)
    return readings
