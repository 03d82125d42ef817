"""The store: every question a command can ask of the curated content, answered from SQLite."""

from __future__ import annotations

import difflib
import json
import logging
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.store import database
from bot.store.errors import NotFoundError, UserError
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
from bot.store.search import SEARCH_LIMIT, match_all, match_any, prefix_match
from bot.store.views import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
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
SUGGESTION_KINDS = frozenset(
    {"term", "speaker", "quote_topic", "publication_topic", "publication_type"}
)
# "Did you mean" compares a miss with at most this many labels sharing its first letter.
CLOSEST_CANDIDATES = 1000
# Spellings fetched per suggestion wanted, since several spellings may share one value.
SUGGESTION_SPREAD = 4
# Ranking every match of a very common word costs more than it tells: rank the first N.
SEARCH_CANDIDATES = 300


class Store:
    """Read access to the curated content; guild state shares the same connection."""

    def __init__(self, connection: aiosqlite.Connection, readings: dict[int, ReadingMeta]):
        self.connection = connection
        self._readings = readings
        self.excerpts = Excerpts(connection, readings)
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
                f"No concept called “{_shown(term)}” in the readings.",
                await self._closest("term", term),
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
                f"No expert called “{_shown(name)}” in the readings.",
                await self._closest("speaker", name),
            )
        names = sorted({json.loads(r["item"])["name"] for r in rows})
        if len(names) > 1:
            raise NotFoundError(f"“{_shown(name)}” could be {', '.join(names)}: pick one.", names)
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
                    f"{names[0]} has no quotes on “{_shown(topic)}”.",
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
                    speaker and f"by “{_shown(speaker)}”",
                    topic and f"on “{_shown(topic)}”",
                )
                if part
            )
            suggestions = await self._closest(
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
                await self._closest(label, topic or kind),
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
        tokens = words(query)
        if not tokens:
            raise UserError("Type at least one word to search for.")
        informative = await self._informative(tokens)
        if not informative:
            hits = await self._first_matches(match_all(tokens), limit)
        else:
            hits = []
            for match in (match_all(informative), match_any(informative)):
                hits = hits or await self._search(match, limit)
        if not hits:
            raise NotFoundError(f"Nothing in the readings matches “{_shown(query)}”.")
        return hits

    async def _informative(self, tokens: list[str]) -> list[str]:
        """The typed words that are not common (those rank nothing, slowly)."""
        marks = ", ".join("?" for _ in tokens)
        rows = await self._rows(f"SELECT term FROM common_words WHERE term IN ({marks})", tokens)
        common = {row[0] for row in rows}
        return [token for token in tokens if token not in common]

    async def _search(self, match: str, limit: int) -> list[SearchHit]:
        """Rank the first SEARCH_CANDIDATES matches, then cut snippets for the best only."""
        bound = await self._rows(
            "SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT 1 OFFSET ?",
            (match, SEARCH_CANDIDATES - 1),
        )
        # Two statements: FTS5 only narrows its scan by a plain `rowid <= ?`.
        if bound:
            ranked = await self._rows(
                "SELECT rowid FROM search_index WHERE search_index MATCH ? AND rowid <= ? "
                "ORDER BY bm25(search_index, 4.0, 1.0) LIMIT ?",
                (match, bound[0][0], limit),
            )
        else:
            ranked = await self._rows(
                "SELECT rowid FROM search_index WHERE search_index MATCH ? "
                "ORDER BY bm25(search_index, 4.0, 1.0) LIMIT ?",
                (match, limit),
            )
        return await self._hits(match, [row[0] for row in ranked])

    async def _first_matches(self, match: str, limit: int) -> list[SearchHit]:
        """For words found nearly everywhere, ranking tells nothing: the first matches."""
        rows = await self._rows(
            "SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT ?", (match, limit)
        )
        return await self._hits(match, [row[0] for row in rows])

    async def _hits(self, match: str, order: list[int]) -> list[SearchHit]:
        """Search hits for the given rows, in that order, with highlighted snippets."""
        if not order:
            return []
        marks = ", ".join("?" for _ in order)
        rows = await self._rows(
            "SELECT rowid, kind, title, reading, snippet(search_index, 1, ?, ?, '…', 40) "
            f"FROM search_index WHERE search_index MATCH ? AND rowid IN ({marks})",
            (HIGHLIGHT_START, HIGHLIGHT_END, match, *order),
        )
        by_row = {row[0]: row for row in rows}
        return [
            SearchHit(row[1], row[2], row[4], self._readings[row[3]].title)
            for row in (by_row[rowid] for rowid in order)
        ]

    async def suggest(self, kind: str, text: str, limit: int = 25) -> list[Suggestion]:
        """Autocomplete, one entry per value: labels starting with the text, then labels with a
        word starting with each typed word; shorter labels first."""
        if kind not in SUGGESTION_KINDS:
            raise ValueError(f"unknown suggestion kind {kind!r}")
        tokens = words(text)
        if not tokens:
            rows = await self._rows(
                "SELECT DISTINCT value AS label, value FROM suggestion_labels WHERE kind = ? "
                "ORDER BY value LIMIT ?",
                (kind, limit),
            )
            return [Suggestion(row["label"], row["value"]) for row in rows]
        wanted = limit * SUGGESTION_SPREAD
        key = text.strip().casefold()
        starting = await self._rows(
            "SELECT label, value FROM suggestion_labels WHERE kind = ? AND key >= ? AND key < ? "
            "ORDER BY key LIMIT ?",
            (kind, key, key + "\U0010ffff", wanted),
        )
        inside = []
        if len(starting) < wanted:
            inside = await self._rows(
                "SELECT label, value FROM suggestions WHERE suggestions MATCH ? AND kind = ? "
                "LIMIT ?",
                (prefix_match(tokens), kind, wanted),
            )
        best: dict[str, Suggestion] = {}
        for group in (starting, inside):
            for row in sorted(group, key=lambda row: len(row["label"])):
                best.setdefault(row["value"], Suggestion(row["label"], row["value"]))
        return list(best.values())[:limit]

    async def _closest(self, kind: str, text: str, limit: int = 5) -> list[str]:
        """The nearest known values for a miss: word prefixes first, then similar spellings
        that start with the same letter."""
        found = [s.value for s in await self.suggest(kind, text, limit)]
        if not found and text.strip():
            first = text.strip()[0].casefold()
            rows = await self._rows(
                "SELECT label, value FROM suggestion_labels "
                "WHERE kind = ? AND key >= ? AND key < ? LIMIT ?",
                (kind, first, first + "\U0010ffff", CLOSEST_CANDIDATES),
            )
            by_label = {row["label"].casefold(): row["value"] for row in rows}
            close = difflib.get_close_matches(text.casefold(), by_label, n=limit, cutoff=0.6)
            found = [by_label[label] for label in close]
        return list(dict.fromkeys(found))[:limit]

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


def _shown(text: str, limit: int = 80) -> str:
    """What the user typed, shortened for an error message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
