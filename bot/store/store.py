"""The store: every question a command can ask of the curated content, answered from SQLite."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.store import database
from bot.store.build import build_content
from bot.store.concepts import Concepts
from bot.store.errors import NotFoundError, UserError, shown
from bot.store.excerpts import Excerpts
from bot.store.export import FORMAT, item_from_dict, library_from_dict
from bot.store.loader import content_hash, read_readings
from bot.store.models import Library, Publication, Section, Speaker
from bot.store.normalize import topic_key, words
from bot.store.rows import (
    ATTRIBUTED_JOINS,
    ATTRIBUTED_SQL,
    ReadingMeta,
    attributed,
    attributed_quote,
    fetch_all,
    load_reading_meta,
    speaker_from_json,
)
from bot.store.schedules import Schedules
from bot.store.search import SEARCH_LIMIT, FullTextSearch
from bot.store.suggest import Suggestions
from bot.store.views import (
    Attributed,
    ConceptEntry,
    ExpertEntry,
    PublicationEntry,
    PublicationList,
    ReadingOverview,
    SearchHit,
    Suggestion,
)

log = logging.getLogger(__name__)

# Bump when the tables built from content change meaning, so old databases rebuild.
STORE_FORMAT = "2"
# Quotes or publications one answer lists at most: more would be pages nobody turns.
RESULT_LIMIT = 50


# Conditions on quotes `q`: by the speaker with a lookup key, on the topic with a topic key.
_BY_SPEAKER = (
    "q.speaker IN (SELECT target FROM lookup_keys WHERE kind = 'speaker' AND key = :speaker)"
)
_ON_TOPIC = (
    "EXISTS (SELECT 1 FROM topics t "
    "WHERE t.kind = 'quote' AND t.key = :topic AND t.target = q.rowid)"
)


_SPEAKER, _QUOTE = range(2)  # the parts of an expert answer
# The speakers with a lookup key, then the first of their quotes that match (chosen from the
# index before the join, so only those are read) and how many match: one round trip. Columns:
# part, row, reading, item, detail (a speaker's topics, a quote's speaker), section and total
# (a quote's).
_EXPERT_SQL = f"""
SELECT {_SPEAKER} AS part, s.rowid AS row, s.reading AS reading, s.item AS item,
    s.topics AS detail, NULL AS section, NULL AS total
FROM lookup_keys k JOIN speakers s ON s.rowid = k.target
WHERE k.kind = 'speaker' AND k.key = :speaker
UNION ALL
SELECT {_QUOTE}, q.rowid, q.reading, q.item, s.item, p.section,
    (SELECT count(*) FROM quotes q WHERE {{where}})
FROM (SELECT q.rowid FROM quotes q WHERE {{where}} ORDER BY q.rowid LIMIT :limit) AS first
JOIN quotes q ON q.rowid = first.rowid {ATTRIBUTED_JOINS}
ORDER BY 1, 2
"""


def _chosen_quote(speaker: str, topic: str) -> str:
    """SQL for the row of the quote found `:fraction` of the way through those matching, by
    index lookups: a speaker's few quotes are counted, a topic's are numbered at build time."""
    if speaker:
        where = f"{_BY_SPEAKER} AND {_ON_TOPIC}" if topic else _BY_SPEAKER
        return (
            f"SELECT q.rowid FROM quotes q WHERE {where} ORDER BY q.rowid LIMIT 1 OFFSET "
            f"CAST(:fraction * (SELECT count(*) FROM quotes q WHERE {where}) AS INTEGER)"
        )
    if topic:
        return (
            "SELECT target FROM topics WHERE kind = 'quote' AND key = :topic AND position = "
            "CAST(:fraction * (SELECT 1 + max(position) FROM topics "
            "WHERE kind = 'quote' AND key = :topic) AS INTEGER)"
        )
    return (  # quotes are numbered from 1 as they are built
        "SELECT rowid FROM quotes WHERE rowid >= 1 + "
        "CAST(:fraction * (SELECT max(rowid) FROM quotes) AS INTEGER) ORDER BY rowid LIMIT 1"
    )


class Store:
    """Read access to the curated content; guild state shares the same connection."""

    def __init__(self, connection: aiosqlite.Connection, readings: dict[int, ReadingMeta]):
        self.connection = connection
        self._readings = readings
        self.excerpts = Excerpts(connection, readings)
        self._search = FullTextSearch(connection, readings)
        self._suggestions = Suggestions(connection)
        self._concepts = Concepts(connection, readings, self._suggestions)
        self.schedules = Schedules(connection)
        self._overview: list[ReadingOverview] | None = None

    @classmethod
    async def open(cls, database_path: Path | str, data_dir: Path) -> Self:
        """Open the database, rebuilding the content tables if the data files changed."""
        connection = await database.connect(database_path)
        try:
            wanted = f"{STORE_FORMAT}:{content_hash(data_dir)}"
            if await database.get_meta(connection, database.CONTENT_HASH_KEY) != wanted:
                log.info("content changed: rebuilding the store from %s", data_dir)
                await build_content(connection, read_readings(data_dir), wanted)
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

    async def _rows(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> list[aiosqlite.Row]:
        return await fetch_all(self.connection, sql, params)

    async def define(self, term: str) -> list[ConceptEntry]:
        """Every concept one of whose spellings folds to the same key as `term`."""
        return await self._concepts.define(term)

    async def expert(self, name: str, topic: str = "") -> ExpertEntry:
        """An expert found by full name or surname, with their quotes (on `topic` if given)."""
        key = " ".join(words(name))
        if not key:
            raise UserError("Type the name of an expert quoted in the reading.")
        where = f"{_BY_SPEAKER} AND {_ON_TOPIC}" if topic else _BY_SPEAKER
        rows = await self._rows(
            _EXPERT_SQL.format(where=where),
            {"speaker": key, "topic": topic_key(topic), "limit": RESULT_LIMIT},
        )
        speakers = [row for row in rows if row["part"] == _SPEAKER]
        if not speakers:
            raise NotFoundError(
                f"No expert called “{shown(name)}” in the readings.",
                await self._suggestions.closest("speaker", name),
            )
        names = sorted({json.loads(row["item"])["name"] for row in speakers})
        if len(names) > 1:
            raise NotFoundError(f"“{shown(name)}” could be {', '.join(names)}: pick one.", names)
        topics = sorted(
            {t: None for row in speakers for t in json.loads(row["detail"])}, key=str.casefold
        )
        quotes = [
            attributed_quote(
                row["item"], row["detail"], row["section"], self._readings[row["reading"]]
            )
            for row in rows[len(speakers) :]
        ]
        if topic and not quotes:
            raise NotFoundError(f"{names[0]} has no quotes on “{shown(topic)}”.", topics[:5])
        first = speakers[0]
        return ExpertEntry(
            speaker=speaker_from_json(first["item"]),
            reading=self._readings[first["reading"]].title,
            topic=topic,
            quotes=tuple(quotes),
            total=rows[-1]["total"] if quotes else 0,
            topics=tuple(topics),
        )

    async def random_quote(
        self, speaker: str = "", topic: str = "", rng: random.Random | None = None
    ) -> Attributed:
        """A random quote, by `speaker` (name or surname) and on `topic` when given."""
        speaker_key, wanted_topic = " ".join(words(speaker)), topic_key(topic)
        rows = []
        unmatchable = (speaker and not speaker_key) or (topic and not wanted_topic)  # e.g. "!!!"
        if not unmatchable:
            fraction = rng.random() if rng else random.random()
            rows = await self._rows(
                f"{ATTRIBUTED_SQL} WHERE q.rowid = ({_chosen_quote(speaker_key, wanted_topic)})",
                {"speaker": speaker_key, "topic": wanted_topic, "fraction": fraction},
            )
        if not rows:
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
        return attributed(rows[0], self._readings)

    async def publications(self, topic: str = "", kind: str = "") -> PublicationList:
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
        # The newest rows are chosen first, so only those rows' items are read and sorted.
        rows = await self._rows(
            f"SELECT p.reading, p.item, (SELECT count(*) FROM publications {clause}) AS total "
            f"FROM (SELECT rowid FROM publications {clause} ORDER BY date DESC, rowid LIMIT ?) "
            "AS newest JOIN publications p ON p.rowid = newest.rowid ORDER BY p.date DESC, p.rowid",
            (*params, *params, RESULT_LIMIT),
        )
        if not rows:
            label = "publication_topic" if topic else "publication_type"
            raise NotFoundError(
                "No related publications match those filters.",
                await self._suggestions.closest(label, topic or kind),
            )
        entries = tuple(
            PublicationEntry(
                publication=item_from_dict(Publication, json.loads(row["item"])),
                reading=self._readings[row["reading"]].title,
            )
            for row in rows
        )
        return PublicationList(entries, rows[0]["total"])

    async def search(self, query: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
        """Ranked full-text search; all words must match, else any word may."""
        return await self._search.search(query, limit)

    async def suggest(self, kind: str, text: str, limit: int = 25) -> list[Suggestion]:
        """Autocomplete for one kind of label (see bot/store/suggest.py)."""
        return await self._suggestions.suggest(kind, text, limit)

    async def overview(self) -> list[ReadingOverview]:
        """Each loaded reading: provenance, sections, speakers and counts (read once: the
        content does not change while the store is open)."""
        if self._overview is None:
            self._overview = await self._read_overview()
        return self._overview

    async def _read_overview(self) -> list[ReadingOverview]:
        counts: dict[int, dict[str, int]] = {row: {} for row in self._readings}
        for table in ("passages", "quotes", "concepts", "publications"):
            for row in await self._rows(f"SELECT reading, count(*) FROM {table} GROUP BY reading"):
                counts[row[0]][table] = row[1]
        speakers: dict[int, list[Speaker]] = {row: [] for row in self._readings}
        for row in await self._rows("SELECT reading, item FROM speakers ORDER BY rowid"):
            speakers[row[0]].append(item_from_dict(Speaker, json.loads(row[1])))
        overviews = []
        for row in await self._rows("SELECT rowid, item FROM readings ORDER BY rowid"):
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
                    speakers=tuple(speakers[row["rowid"]]),
                    counts={
                        table: counts[row["rowid"]].get(table, 0)
                        for table in ("passages", "quotes", "concepts", "publications")
                    },
                )
            )
        return overviews

    async def library(self) -> Library:
        """The whole stored content, read back from the database."""
        readings = []
        for row in await self._rows("SELECT rowid, item, source_text FROM readings ORDER BY rowid"):
            reading = json.loads(row["item"])
            reading["source_text"] = row["source_text"]
            for table in ("speakers", "passages", "quotes", "concepts", "publications"):
                items = await self._rows(
                    f"SELECT item FROM {table} WHERE reading = ? ORDER BY rowid", (row["rowid"],)
                )
                reading[table] = [json.loads(item["item"]) for item in items]
            readings.append(reading)
        return library_from_dict({"format": FORMAT, "readings": readings})
