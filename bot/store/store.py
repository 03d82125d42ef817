"""The store: every question the bot asks of the curated content or of guild state, one method
each, answered by the module named for it (the SQL lives there, not here)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from pathlib import Path
from typing import Self

import aiosqlite

from bot.store import checkpoints, database, processes
from bot.store.answers import (
    ReadingOverview,
)
from bot.store.concepts import Concepts
from bot.store.content_face import ContentFace
from bot.store.database_faults import explained
from bot.store.excerpts import ExcerptSequence
from bot.store.experts import Experts
from bot.store.guild_state import GuildState
from bot.store.library import (
    Catalog,
    ReadingMeta,
    load_reading_meta,
)
from bot.store.library_face import LibraryFace
from bot.store.loader import READINGS_DIR, ContentError
from bot.store.publications import Publications
from bot.store.quotes import Quotes
from bot.store.readers import ReadPool
from bot.store.search import FullTextSearch
from bot.store.state_db import PostgresState, StateDB, open_state
from bot.store.suggestions import Suggestions
from bot.store.sync import SyncReport, sync_content
from bot.store.sync_process import sync_in_a_process
from bot.store.validate import Problem
from bot.store.walk import ExcerptWalk

log = logging.getLogger(__name__)


class Store(ContentFace, LibraryFace, GuildState):
    """The curated content and the guilds' state, in one SQLite database: writes go through
    one connection, lookups through a pool of read-only ones (when the database is a file)."""

    def __init__(
        self,
        connection: aiosqlite.Connection,
        path: Path | str = ":memory:",
        data_dir: Path | None = None,
        readers: ReadPool | None = None,
        state: StateDB | None = None,
    ) -> None:
        """A store over an open, migrated connection whose content is built; see `open`. The
        guilds' state is in `state` (PostgreSQL, say) or else in this same file."""
        super().__init__(connection, readers or connection, state)
        self._own_state = state
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
        self._reloading = asyncio.Lock()  # one check for another process's content at a time
        self._syncs = asyncio.Lock()  # one reload of this process at a time
        self._syncing = False
        # Clear from just before a reload commits until what it serves is swapped in.
        self._swapped = asyncio.Event()
        self._swapped.set()

    async def fresh_catalog(self) -> Catalog:
        """The readings served now, after another process's rebuild is followed and a reload
        of this one swapped in: what a row of the catalog names is then in the database."""
        await self._current()
        await self._swapped.wait()
        return self._catalog

    @property
    def reader(self) -> database.Queryable:
        """What lookups read through: the read-only pool, or the connection in memory."""
        return self._reader

    async def readings_in_scope(self, guild_id: int | None, reading: str = "") -> list[ReadingMeta]:
        """The readings a lookup answers from (see `_scope`), in syllabus (or id) order."""
        scope = await self._scope(guild_id, reading)
        if scope is None:
            return list(self._catalog.current)
        return [self._catalog[row] for row in scope]

    def _committing(self, readings: dict[int, ReadingMeta]) -> None:
        """A reload is about to commit `readings` (those it adds or replaces, or all): know
        their rows, and have answers that find nothing wait until what is served is swapped."""
        self._catalog.know(readings)
        self._swapped.clear()

    def snapshot(self) -> contextlib.AbstractAsyncContextManager[None]:
        """One read transaction for the reads of the task inside it (on this file)."""
        return self._snapshot()

    def _snapshot(self) -> contextlib.AbstractAsyncContextManager[None]:
        """One read transaction for an answer's queries (none for a database in memory)."""
        return self._readers.snapshot() if self._readers else contextlib.nullcontext()

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
    async def open(
        cls, database_path: Path | str, data_dir: Path, state_url: str | None = None
    ) -> Self:
        """Open the database, bringing the content up to date with the data folder (after any
        build another process is doing on the same file). A reading that fails validation is
        not served; with no reading to serve, ContentError names every problem. With
        `state_url` (postgresql://...), the guilds' state is kept there, migrated."""
        connection = await database.connect(database_path)
        readers = None
        state: PostgresState | None = None
        try:
            report = await sync_content(connection, data_dir)
            await _require_readings(connection, data_dir, report)
            if not str(database_path).startswith((":memory:", "file::memory:")):
                readers = await ReadPool.open(database_path)
            if state_url:
                state = await open_state(state_url, processes.claim_owner())
            store = cls(connection, database_path, data_dir, readers, state)
            await store._current()
        except sqlite3.DatabaseError as error:  # a full disk while building, say: one line
            await _close(connection, readers, state)
            unusable = explained(error, database_path)
            if unusable is None:
                raise
            raise unusable from error
        except BaseException:
            await _close(connection, readers, state)
            raise
        return store

    async def reload(self) -> SyncReport:
        """Bring the content up to date with the data folder while serving: only the readings
        whose files changed are rebuilt, and answers see the library before or after."""
        if self.data_dir is None:
            raise RuntimeError("this store was not opened from a data folder")
        async with self._syncs:  # one at a time; answers never wait for this lock
            self._syncing = True  # answers meanwhile use the content loaded: see _current
            try:
                if self._files:  # a file: the Python work in a process of its own
                    report = await sync_in_a_process(
                        Path(self._files[1]), self.data_dir, self._committing
                    )
                    if report.added or report.replaced or report.removed:
                        report.readings = await load_reading_meta(self._reader, self._catalog)
                else:
                    report = await sync_content(
                        self.connection,
                        self.data_dir,
                        lambda committing: self._committing(committing.readings or {}),
                    )
                if report.readings is not None:
                    self._answer_from(report.readings)  # no await since the commit: one step
            except BaseException:
                # It may have committed before it failed (a child told to go ahead, then
                # stopped): what is served is read afresh at the next answer or reload.
                self._content = self._files_seen = None
                self._data_version = -1
                raise
            finally:
                self._catalog.forget_early()  # rows known early whose commit failed
                self._syncing = False
                self._swapped.set()
            content = await database.get_meta(self.connection, database.CONTENT_HASH_KEY)
            if report.readings is None and content != self._content:  # a failed one committed
                self._answer_from(await load_reading_meta(self._reader, self._catalog))
            self._content = content
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
        async with self._reloading:  # answers asked meanwhile wait for the check, not skip it
            if self._syncing or (seen is not None and seen == self._files_seen):
                return
            (changes,) = (await database.fetch_all(self.connection, "PRAGMA data_version"))[0]
            if changes != self._data_version:
                content = await database.get_meta(self.connection, database.CONTENT_HASH_KEY)
                if content != self._content:
                    if self._content is not None:
                        log.warning("another process rebuilt the store's content: reloading it")
                    served = self._catalog.version
                    readings = await load_reading_meta(self.connection, self._catalog)
                    if self._syncing or self._catalog.version != served:
                        return  # this process's own reload is swapping in newer content
                    self._answer_from(readings)
                    self._content = content
                self._data_version = changes
            self._files_seen = seen  # only now: what these files hold is what is loaded

    async def checkpoint_in_background(self, interval: float = checkpoints.INTERVAL) -> None:
        """Move the write-ahead log into the file every `interval` seconds from a connection
        of its own, so that no commit waits for a checkpoint; until cancelled. Nothing for a
        database in memory."""
        if self._files:
            await checkpoints.Checkpoints(self._files[1], self.connection).run(interval)

    async def close(self) -> None:
        await _close(self.connection, self._readers, self._own_state)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


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


async def _close(
    connection: aiosqlite.Connection, readers: ReadPool | None, state: StateDB | None = None
) -> None:
    try:
        if isinstance(state, PostgresState):
            await state.close()
    finally:
        try:
            if readers is not None:
                await readers.close()
        finally:
            await connection.close()
