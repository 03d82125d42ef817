"""The store: every question the bot asks of the curated content or of guild state, one method
each, answered by the module named for it (the SQL lives there, not here)."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import sqlite3
from pathlib import Path
from typing import Self

import aiosqlite

from bot.store import database, processes
from bot.store.answers import (
    Attributed,
    ConceptEntry,
    ExpertEntry,
    Place,
    Placed,
    PublicationList,
    ReadingOverview,
    SearchHit,
    Suggestion,
)
from bot.store.concepts import Concepts
from bot.store.database_faults import explained
from bot.store.errors import NotFoundError, UserError, elsewhere
from bot.store.excerpts import ExcerptSequence
from bot.store.experts import Experts
from bot.store.guild_state import GuildState
from bot.store.library import Catalog, ReadingMeta, load_reading_meta, read_library, read_overview
from bot.store.library_face import LibraryFace
from bot.store.loader import READINGS_DIR, ContentError
from bot.store.models import Library
from bot.store.publications import Publications
from bot.store.quotes import Quotes
from bot.store.readers import ReadPool
from bot.store.search import SEARCH_LIMIT, FullTextSearch
from bot.store.suggestions import Suggestions
from bot.store.sync import SyncReport, sync_content
from bot.store.validate import Problem
from bot.store.walk import ExcerptWalk

log = logging.getLogger(__name__)


class Store(LibraryFace, GuildState):
    """The curated content and the guilds' state, in one SQLite database: writes go through
    one connection, lookups through a pool of read-only ones (when the database is a file)."""

    def __init__(
        self,
        connection: aiosqlite.Connection,
        path: Path | str = ":memory:",
        data_dir: Path | None = None,
        readers: ReadPool | None = None,
    ) -> None:
        """A store over an open, migrated connection whose content is built; see `open`."""
        super().__init__(connection, readers or connection)
        self.connection = connection
        self.data_dir = data_dir
        self._readers = readers
        self._reader: database.Queryable = readers or connection
        self._catalog = Catalog()
        self._content: str | None = None  # the content version the answerers below were made for
        self._data_version = -1  # SQLite's count of other connections' commits, when last seen
        # A commit by any process changes the database's files: their state, last looked at.
        self._files = (
            []
            if str(path).startswith((":memory:", "file::memory:"))
            else [
                Path(f"{path}-wal"),
                Path(path),
            ]
        )
        self._files_seen: tuple[tuple[int, int], ...] | None = None
        self._reloading = asyncio.Lock()
        self._syncing = False

    def _answer_from(self, readings: dict[int, ReadingMeta]) -> None:
        """(Re)make the modules that answer from the content, and what they keep in memory; in
        one step, so that no answer meets half of the change."""
        self._catalog.update(readings)
        reader, catalog = self._reader, self._catalog
        suggestions = Suggestions(reader)
        self._suggestions = suggestions
        self._concepts = Concepts(reader, catalog, suggestions)
        self._experts = Experts(reader, catalog, suggestions)
        self._quotes = Quotes(reader, catalog, suggestions)
        self._publications = Publications(reader, catalog, suggestions)
        self._search = FullTextSearch(reader, catalog)
        self._walk = ExcerptWalk(ExcerptSequence(reader, catalog), catalog)
        self._overview: list[ReadingOverview] | None = None

    @classmethod
    async def open(cls, database_path: Path | str, data_dir: Path) -> Self:
        """Open the database, bringing the content up to date with the data folder (after any
        build another process is doing on the same file). A reading that fails validation is
        not served; with no reading to serve, ContentError names every problem."""
        connection = await database.connect(database_path)
        readers = None
        try:
            report = await sync_content(connection, data_dir)
            await _require_readings(connection, data_dir, report)
            if not str(database_path).startswith((":memory:", "file::memory:")):
                readers = await ReadPool.open(database_path)
            store = cls(connection, database_path, data_dir, readers)
            await store._current()
        except sqlite3.DatabaseError as error:  # a full disk while building, say: one line
            await _close(connection, readers)
            unusable = explained(error, database_path)
            if unusable is None:
                raise
            raise unusable from error
        except BaseException:
            await _close(connection, readers)
            raise
        return store

    async def reload(self) -> SyncReport:
        """Bring the content up to date with the data folder while serving: only the readings
        whose files changed are rebuilt, and answers see the library before or after."""
        if self.data_dir is None:
            raise RuntimeError("this store was not opened from a data folder")
        async with self._reloading:
            self._syncing = True  # answers meanwhile use the content loaded: see _current
            try:
                report = await sync_content(self.connection, self.data_dir)
                if report.readings is not None:
                    self._answer_from(report.readings)  # no await since the commit: one step
            finally:
                self._syncing = False
            self._content = await database.get_meta(self.connection, database.CONTENT_HASH_KEY)
            self._files_seen = None
        return report

    def _files_state(self) -> tuple[tuple[int, int], ...] | None:
        """Size and modification time of the database's files; None where they cannot tell."""
        if not self._files:
            return None
        state = []
        for file in self._files:
            try:
                status = os.stat(file)
            except OSError:
                return None
            state.append((status.st_size, status.st_mtime_ns))
        return tuple(state)

    async def _current(self) -> None:
        """Reload what the answerers keep if another process rebuilt the content since the
        last look: a rolling deploy may rebuild a shared database under a running bot. The
        files' size and time tell, without a query, when nothing can have changed."""
        if self._syncing or (not self._files and self._content is not None):
            # This process is bringing the content up to date (its write connection is busy
            # with that, and it swaps the answerers in when it commits), or the database is
            # in memory, where no other process can change it.
            return
        seen = self._files_state()
        if seen is not None and seen == self._files_seen:
            return
        async with self._reloading:  # answers asked meanwhile wait for the reload, not skip it
            if seen is not None and seen == self._files_seen:
                return
            (changes,) = (await database.fetch_all(self.connection, "PRAGMA data_version"))[0]
            if changes != self._data_version:
                content = await database.get_meta(self.connection, database.CONTENT_HASH_KEY)
                if content != self._content:
                    if self._content is not None:
                        log.warning("another process rebuilt the store's content: reloading it")
                    self._answer_from(await load_reading_meta(self.connection))
                    self._content = content
                self._data_version = changes
            self._files_seen = seen  # only now: what these files hold is what is loaded

    async def close(self) -> None:
        await _close(self.connection, self._readers)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # Bot state

    async def get_state(self, key: str) -> str | None:
        """A value the bot keeps between runs (e.g. the hash of the last command sync)."""
        return await database.get_meta(self.connection, key)

    async def set_state(self, key: str, value: str) -> None:
        async with database.transaction(self.connection):
            await database.set_meta(self.connection, key, value)

    async def register_process(self, now: int) -> None:
        """Say that this process serves the database (`python -m bot reload` signals it)."""
        await processes.register(self.connection, now)

    async def unregister_process(self) -> None:
        await processes.unregister(self.connection, *processes.this_process())

    async def record_reload(self, report: SyncReport, at: float) -> None:
        """Keep what this process's reload did, for `python -m bot reload` to report."""
        await processes.record_reload(self.connection, report, at)

    # The content (bot/store/concepts.py, experts.py, quotes.py, publications.py, search.py,
    # suggestions.py, library.py), each answered from the guild's scope

    async def define(
        self, term: str, guild_id: int | None = None, reading: str = ""
    ) -> list[ConceptEntry]:
        """Every concept one of whose spellings folds to the same key as `term`."""
        scope = await self._scope(guild_id, reading)
        try:
            return await self._concepts.define(term, scope)
        except NotFoundError as missing:
            if scope is None:
                raise
            found = await self._concepts.define(term, None)  # elsewhere in the library?
            raise elsewhere(missing, {e.reading: None for e in found}, bool(reading)) from None

    async def expert(
        self, name: str, topic: str = "", guild_id: int | None = None, reading: str = ""
    ) -> ExpertEntry:
        """An expert found by full name or surname, with their quotes (on `topic` if given)."""
        scope = await self._scope(guild_id, reading)
        try:
            return await self._experts.expert(name, topic, scope)
        except NotFoundError as missing:
            if scope is None:
                raise
            try:
                found = await self._experts.expert(name, topic, None)
            except UserError:
                raise missing from None
            raise elsewhere(
                missing, {r.reading: None for r in found.roles}, bool(reading)
            ) from None

    async def random_quote(
        self,
        speaker: str = "",
        topic: str = "",
        rng: random.Random | None = None,
        guild_id: int | None = None,
        reading: str = "",
    ) -> Attributed:
        """A random quote, by `speaker` (name or surname) and on `topic` when given."""
        scope = await self._scope(guild_id, reading)
        return await self._quotes.random_quote(speaker, topic, rng, scope)

    async def publications(
        self, topic: str = "", kind: str = "", guild_id: int | None = None, reading: str = ""
    ) -> PublicationList:
        """Related publications, newest first, filtered by topic and type when given."""
        scope = await self._scope(guild_id, reading)
        return await self._publications.publications(topic, kind, scope)

    async def search(
        self,
        query: str,
        limit: int = SEARCH_LIMIT,
        guild_id: int | None = None,
        reading: str = "",
    ) -> list[SearchHit]:
        """Ranked full-text search; all words must match, else any word may."""
        scope = await self._scope(guild_id, reading)
        return await self._search.search(query, limit, scope)

    async def suggest(
        self,
        kind: str,
        text: str,
        limit: int = 25,
        guild_id: int | None = None,
        reading: str = "",
    ) -> list[Suggestion]:
        """Autocomplete for one kind of label, from the readings a lookup would answer from (a
        reading typed so far that is not in the library narrows nothing)."""
        try:
            scope = await self._scope(guild_id, reading)
        except UserError:
            scope = await self._scope(guild_id)
        return await self._suggestions.suggest(kind, text, limit, scope)

    async def overview(self) -> list[ReadingOverview]:
        """Each loaded reading: provenance, sections, speakers and counts (read once for each
        version of the content)."""
        await self._current()
        if self._overview is None:
            self._overview = await read_overview(self._reader)
        return self._overview

    async def read_library(self) -> Library:
        """The whole stored content, read back from the database (what `export` prints)."""
        await self._current()
        return await read_library(self._reader)

    # The daily-excerpt walk (bot/store/walk.py, excerpts.py)

    async def next_excerpts(
        self, guild_id: int, source: str, place: Place, wrap: bool, count: int = 1
    ) -> list[Placed]:
        """Up to `count` excerpts of `source` on the guild's walk from `place` on."""
        await self._current()
        syllabus = await self.syllabus(guild_id)
        return await self._walk.next(syllabus, source, place, wrap, count)


async def _require_readings(
    connection: aiosqlite.Connection, data_dir: Path, report: SyncReport
) -> None:
    """ContentError unless at least one reading is served."""
    rows = await database.fetch_all(connection, "SELECT count(*) FROM readings")
    if rows[0][0]:
        return
    problems = [problem for found in report.failed.values() for problem in found]
    if not problems:
        where = str(data_dir / READINGS_DIR)
        problems = [Problem(where, "-", "-", "no reading to serve (no folders, or only drafts)")]
    raise ContentError(problems)


async def _close(connection: aiosqlite.Connection, readers: ReadPool | None) -> None:
    if readers is not None:
        await readers.close()
    await connection.close()
