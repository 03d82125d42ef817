"""The store: every question a command can ask of the curated content, answered from SQLite."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.store import database
from bot.store.errors import NotFoundError, UserError, shown
from bot.store.excerpts import Excerpts
from bot.store.export import FORMAT, item_from_dict, library_from_dict
from bot.store.loader import content_hash, load_library
from bot.store.models import Concept, Library, Passage, Publication, Section, Speaker
from bot.store.normalize import term_key, topic_key, words
from bot.store.rows import (
    ATTRIBUTED_SQL,
    ReadingMeta,
    attributed,
    fetch_all,
    load_reading_meta,
)
from bot.store.schedules import Schedules
from bot.store.search import SEARCH_LIMIT, FullTextSearch
from bot.store.suggest import Suggestions
from bot.store.views import (
    Attributed,
    ConceptEntry,
    ExpertEntry,
    PublicationEntry,
    ReadingOverview,
    SearchHit,
    Suggestion,
)

log = logging.getLogger(__name__)

# Bump when the tables built from content change meaning, so old databases rebuild.
STORE_FORMAT = "1"


class Store:
    """Read access to the curated content; guild state shares the same connection."""

    def __init__(self, connection: aiosqlite.Connection, readings: dict[int, ReadingMeta]):
        self.connection = connection
        self._readings = readings
        self.excerpts = Excerpts(connection, readings)
        self._search = FullTextSearch(connection, readings)
        self._suggestions = Suggestions(connection)
        self.schedules = Schedules(connection)

    @classmethod
    async def open(cls, database_path: Path | str, data_dir: Path) -> Self:
        """Open the database, rebuilding the content tables if the data files changed."""
        connection = await database.connect(database_path)
        try:
            wanted = f"{STORE_FORMAT}:{content_hash(data_dir)}"
            if await database.get_meta(connection, database.CONTENT_HASH_KEY) != wanted:
                library = load_library(data_dir)
                log.info("content changed: rebuilding the store from %s", data_dir)
                await database.build_content(connection, library, wanted)
            readings = await load_reading_meta(connection)
        except BaseException:
            await connection.close()
            raise
        return cls(connection, readings)

    async def close(self) -> None:
        await self.connection.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def get_state(self, key: str) -> str | None:
        """A value the bot keeps between runs (e.g. the hash of the last command sync)."""
        return await database.get_meta(self.connection, key)

    async def set_state(self, key: str, value: str) -> None:
        async with database.transaction(self.connection):
            await database.set_meta(self.connection, key, value)

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        return await fetch_all(self.connection, sql, params)

    def _attributed(self, row: aiosqlite.Row) -> Attributed:
        return attributed(row, self._readings)

    async def define(self, term: str) -> list[ConceptEntry]:
        """Every concept one of whose spellings folds to the same key as `term`."""
        key = term_key(term)
        if not key:
            raise UserError("Type a term to define, such as a concept from the reading.")
        rows = await self._rows(
            "SELECT c.rowid, c.reading, c.item FROM lookup_keys k "
            "JOIN concepts c ON c.rowid = k.target "
            "WHERE k.kind = 'concept' AND k.key = ? ORDER BY c.rowid",
            (key,),
        )
        if not rows:
            raise NotFoundError(
                f"No concept called “{shown(term)}” in the readings.",
                await self._suggestions.closest("term", term),
            )
        return [await self._concept_entry(row) for row in rows]

    async def _concept_entry(self, row: aiosqlite.Row) -> ConceptEntry:
        concept = item_from_dict(Concept, json.loads(row["item"]))
        reading = self._readings[row["reading"]]
        evidence = list(concept.evidence)
        marks = ", ".join("?" for _ in evidence)
        quotes = await self._rows(
            f"{ATTRIBUTED_SQL} WHERE q.reading = ? AND q.id IN ({marks}) ORDER BY q.rowid",
            (reading.row, *evidence),
        )
        passages = await self._rows(
            f"SELECT item FROM passages WHERE reading = ? AND id IN ({marks}) ORDER BY rowid",
            (reading.row, *evidence),
        )
        related = list(concept.related)
        related_rows = await self._rows(
            f"SELECT id, term FROM concepts WHERE reading = ? AND id IN "
            f"({', '.join('?' for _ in related)})",
            (reading.row, *related),
        )
        terms = {r["id"]: r["term"] for r in related_rows}
        return ConceptEntry(
            concept=concept,
            reading=reading.title,
            section=reading.sections.get(concept.section, concept.section),
            quotes=tuple(self._attributed(q) for q in quotes),
            passages=tuple(item_from_dict(Passage, json.loads(p["item"])) for p in passages),
            related=tuple(terms[r] for r in related if r in terms),
        )

    async def expert(self, name: str, topic: str = "") -> ExpertEntry:
        """An expert found by full name or surname, with their quotes (on `topic` if given)."""
        key = " ".join(words(name))
        if not key:
            raise UserError("Type the name of an expert quoted in the reading.")
        rows = await self._rows(
            "SELECT s.rowid, s.reading, s.item FROM lookup_keys k "
            "JOIN speakers s ON s.rowid = k.target "
            "WHERE k.kind = 'speaker' AND k.key = ? ORDER BY s.rowid",
            (key,),
        )
        if not rows:
            raise NotFoundError(
                f"No expert called “{shown(name)}” in the readings.",
                await self._suggestions.closest("speaker", name),
            )
        names = sorted({json.loads(r["item"])["name"] for r in rows})
        if len(names) > 1:
            raise NotFoundError(f"“{shown(name)}” could be {', '.join(names)}: pick one.", names)
        speaker_rows = [r["rowid"] for r in rows]
        marks = ", ".join("?" for _ in speaker_rows)
        quotes = [
            self._attributed(r)
            for r in await self._rows(
                f"{ATTRIBUTED_SQL} WHERE q.speaker IN ({marks}) ORDER BY q.rowid", speaker_rows
            )
        ]
        topics = sorted({t for a in quotes for t in a.quote.topics}, key=str.casefold)
        if topic:
            wanted = topic_key(topic)
            quotes = [a for a in quotes if wanted in {topic_key(t) for t in a.quote.topics}]
            if not quotes:
                raise NotFoundError(
                    f"{names[0]} has no quotes on “{shown(topic)}”.",
                    list(topics[:5]),
                )
        first = rows[0]
        return ExpertEntry(
            speaker=item_from_dict(Speaker, json.loads(first["item"])),
            reading=self._readings[first["reading"]].title,
            topic=topic,
            quotes=tuple(quotes),
            topics=tuple(topics),
        )

    async def random_quote(
        self, speaker: str = "", topic: str = "", rng: random.Random | None = None
    ) -> Attributed:
        """A random quote, by `speaker` (name or surname) and on `topic` when given."""
        where, params = [], []
        if speaker:
            where.append(
                "q.speaker IN (SELECT target FROM lookup_keys WHERE kind = 'speaker' AND key = ?)"
            )
            params.append(" ".join(words(speaker)))
        if topic:
            where.append("q.rowid IN (SELECT target FROM topics WHERE kind = 'quote' AND key = ?)")
            params.append(topic_key(topic))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = await self._rows(f"SELECT count(*) FROM quotes q {clause}", params)
        total = rows[0][0]
        if total == 0:
            wanted = " and ".join(
                part
                for part in (
                    speaker and f"by “{shown(speaker)}”",
                    topic and f"on “{shown(topic)}”",
                )
                if part
            )
            suggestions = await self._suggestions.closest(
                "quote_topic" if topic else "speaker", topic or speaker
            )
            raise NotFoundError(f"No quote {wanted} in the readings.", suggestions)
        offset = (rng or random).randrange(total)
        if topic and not speaker:  # walk the topic's own index, not every quote
            picked = await self._rows(
                "SELECT target FROM topics WHERE kind = 'quote' AND key = ? "
                "ORDER BY target LIMIT 1 OFFSET ?",
                (*params, offset),
            )
        else:
            picked = await self._rows(
                f"SELECT q.rowid FROM quotes q {clause} ORDER BY q.rowid LIMIT 1 OFFSET ?",
                (*params, offset),
            )
        rows = await self._rows(f"{ATTRIBUTED_SQL} WHERE q.rowid = ?", (picked[0][0],))
        return self._attributed(rows[0])

    async def publications(self, topic: str = "", kind: str = "") -> list[PublicationEntry]:
        """Related publications, newest first, filtered by topic and type when given."""
        where, params = [], []
        if topic:
            where.append(
                "rowid IN (SELECT target FROM topics WHERE kind = 'publication' AND key = ?)"
            )
            params.append(topic_key(topic))
        if kind:
            where.append("type_key = ?")
            params.append(topic_key(kind))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = await self._rows(
            f"SELECT reading, item FROM publications {clause} ORDER BY date DESC, rowid", params
        )
        if not rows:
            label = "publication_topic" if topic else "publication_type"
            raise NotFoundError(
                "No related publications match those filters.",
                await self._suggestions.closest(label, topic or kind),
            )
        return [
            PublicationEntry(
                publication=item_from_dict(Publication, json.loads(row["item"])),
                reading=self._readings[row["reading"]].title,
            )
            for row in rows
        ]

    async def search(self, query: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
        """Ranked full-text search; all words must match, else any word may."""
        return await self._search.search(query, limit)

    async def suggest(self, kind: str, text: str, limit: int = 25) -> list[Suggestion]:
        """Autocomplete for one kind of label (see bot/store/suggest.py)."""
        return await self._suggestions.suggest(kind, text, limit)

    async def overview(self) -> list[ReadingOverview]:
        """Each loaded reading: provenance, sections, speakers and counts."""
        overviews = []
        for row in await self._rows("SELECT rowid, item FROM readings ORDER BY rowid"):
            meta = json.loads(row["item"])
            counts = {}
            for table in ("passages", "quotes", "concepts", "publications"):
                found = await self._rows(
                    f"SELECT count(*) FROM {table} WHERE reading = ?", (row["rowid"],)
                )
                counts[table] = found[0][0]
            speakers = await self._rows(
                "SELECT item FROM speakers WHERE reading = ? ORDER BY rowid", (row["rowid"],)
            )
            overviews.append(
                ReadingOverview(
                    id=meta["id"],
                    title=meta["title"],
                    publisher=meta["publisher"],
                    author=meta["author"],
                    date=meta["date"],
                    url=meta["url"],
                    sections=tuple(item_from_dict(Section, s) for s in meta["sections"]),
                    speakers=tuple(
                        item_from_dict(Speaker, json.loads(s["item"])) for s in speakers
                    ),
                    counts=counts,
                )
            )
        return overviews

    async def library(self) -> Library:
        """The whole stored content, read back from the database."""
        readings = []
        for row in await self._rows("SELECT rowid, item FROM readings ORDER BY rowid"):
            reading = json.loads(row["item"])
            for table in ("speakers", "passages", "quotes", "concepts", "publications"):
                items = await self._rows(
                    f"SELECT item FROM {table} WHERE reading = ? ORDER BY rowid", (row["rowid"],)
                )
                reading[table] = [json.loads(item["item"]) for item in items]
            readings.append(reading)
        return library_from_dict({"format": FORMAT, "readings": readings})
