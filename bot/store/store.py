"""The store: every question the bot asks of the curated content or of guild state, one method
each, answered by the module named for it (the SQL lives there, not here)."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import sqlite3
from pathlib import Path
from typing import Self

import aiosqlite

from bot.store import database
from bot.store.answers import (
    Attributed,
    Claim,
    ConceptEntry,
    Excerpt,
    ExpertEntry,
    PublicationList,
    ReadingOverview,
    Schedule,
    SearchHit,
    Suggestion,
)
from bot.store.build import build_content
from bot.store.concepts import Concepts
from bot.store.database_faults import explained
from bot.store.excerpts import ExcerptSequence
from bot.store.experts import Experts
from bot.store.library import ReadingMeta, load_reading_meta, read_library, read_overview
from bot.store.loader import content_hash, read_readings
from bot.store.models import DRAFT, Library
from bot.store.publications import Publications
from bot.store.quotes import Quotes
from bot.store.schedules import Schedules
from bot.store.search import SEARCH_LIMIT, FullTextSearch
from bot.store.suggestions import Suggestions

log = logging.getLogger(__name__)

# Bump when the tables built from content change meaning, so old databases rebuild.
STORE_FORMAT = "2"


# Where the content in the database was built from: this host and data folder.
CONTENT_SOURCE_KEY = "content_source"


def _content_source(data_dir: Path) -> str:
    return f"{socket.gethostname()}:{data_dir.resolve()}"


async def _rebuild(connection: aiosqlite.Connection, data_dir: Path, wanted: str) -> None:
    """Build the content from `data_dir`, saying so loudly when it replaces content another
    deployment built (whose running processes then reload this one's)."""
    source = _content_source(data_dir)
    previous = await database.get_meta(connection, CONTENT_SOURCE_KEY)
    if previous not in (None, source):
        log.warning("replacing the store's content, built from %s, with %s's", previous, source)
    else:
        log.info("content changed: rebuilding the store from %s", data_dir)
    served = (reading for reading in read_readings(data_dir) if reading.status != DRAFT)
    if not await build_content(connection, served, wanted):
        log.info("another process rebuilt the store from the same content meanwhile")
        return
    async with database.transaction(connection):
        await database.set_meta(connection, CONTENT_SOURCE_KEY, source)
    log.info("rebuilt the store from %s", data_dir)


class Store:
    """The curated content and the guilds' state, in one SQLite database."""

    def __init__(self, connection: aiosqlite.Connection, path: Path | str = ":memory:") -> None:
        """A store over an open, migrated connection whose content is built; see `open`."""
        self.connection = connection
        self._schedules = Schedules(connection)
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

    def _answer_from(self, readings: dict[int, ReadingMeta]) -> None:
        """(Re)make the modules that answer from the content, and what they keep in memory."""
        suggestions = Suggestions(self.connection)
        self._suggestions = suggestions
        self._concepts = Concepts(self.connection, readings, suggestions)
        self._experts = Experts(self.connection, readings, suggestions)
        self._quotes = Quotes(self.connection, readings, suggestions)
        self._publications = Publications(self.connection, readings, suggestions)
        self._search = FullTextSearch(self.connection, readings)
        self._excerpts = ExcerptSequence(self.connection, readings)
        self._overview: list[ReadingOverview] | None = None

    @classmethod
    async def open(cls, database_path: Path | str, data_dir: Path) -> Self:
        """Open the database, rebuilding the content tables if the data files changed (after
        any rebuild another process is doing on the same file)."""
        connection = await database.connect(database_path)
        try:
            wanted = f"{STORE_FORMAT}:{content_hash(data_dir)}"
            if await database.get_meta(connection, database.CONTENT_HASH_KEY) != wanted:
                await _rebuild(connection, data_dir, wanted)
            store = cls(connection, database_path)
            await store._current()
        except sqlite3.DatabaseError as error:  # a full disk while building, say: one line
            await connection.close()
            unusable = explained(error, database_path)
            if unusable is None:
                raise
            raise unusable from error
        except BaseException:
            await connection.close()
            raise
        return store

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
        if not self._files and self._content is not None:
            return  # a database in memory: no other process can change it
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
        await self.connection.close()

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

    # The content (bot/store/concepts.py, experts.py, quotes.py, publications.py, search.py,
    # suggestions.py, library.py)

    async def define(self, term: str) -> list[ConceptEntry]:
        """Every concept one of whose spellings folds to the same key as `term`."""
        await self._current()
        return await self._concepts.define(term)

    async def expert(self, name: str, topic: str = "") -> ExpertEntry:
        """An expert found by full name or surname, with their quotes (on `topic` if given)."""
        await self._current()
        return await self._experts.expert(name, topic)

    async def random_quote(
        self, speaker: str = "", topic: str = "", rng: random.Random | None = None
    ) -> Attributed:
        """A random quote, by `speaker` (name or surname) and on `topic` when given."""
        await self._current()
        return await self._quotes.random_quote(speaker, topic, rng)

    async def publications(self, topic: str = "", kind: str = "") -> PublicationList:
        """Related publications, newest first, filtered by topic and type when given."""
        await self._current()
        return await self._publications.publications(topic, kind)

    async def search(self, query: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
        """Ranked full-text search; all words must match, else any word may."""
        await self._current()
        return await self._search.search(query, limit)

    async def suggest(self, kind: str, text: str, limit: int = 25) -> list[Suggestion]:
        """Autocomplete for one kind of label."""
        await self._current()
        return await self._suggestions.suggest(kind, text, limit)

    async def overview(self) -> list[ReadingOverview]:
        """Each loaded reading: provenance, sections, speakers and counts (read once: the
        content does not change while the store is open)."""
        await self._current()
        if self._overview is None:
            self._overview = await read_overview(self.connection)
        return self._overview

    async def read_library(self) -> Library:
        """The whole stored content, read back from the database (what `export` prints)."""
        await self._current()
        return await read_library(self.connection)

    # The daily-excerpt sequence (bot/store/excerpts.py)

    async def excerpt_count(self, source: str) -> int:
        """How many excerpts the sequence of `source` ("passages" or "quotes") holds."""
        await self._current()
        return await self._excerpts.length(source)

    async def excerpt_at(self, source: str, position: int) -> Excerpt | None:
        """The excerpt at `position` (0-based, modulo the length); None if there is none."""
        await self._current()
        return await self._excerpts.at(source, position)

    # Guild schedules and their posts (bot/store/schedules.py)

    async def schedule(self, guild_id: int) -> Schedule | None:
        return await self._schedules.get(guild_id)

    async def save_schedule(self, schedule: Schedule) -> Schedule:
        """Create or reconfigure a guild's schedule; its place in the reading is kept."""
        return await self._schedules.save(schedule)

    async def delete_schedule(self, guild_id: int) -> bool:
        return await self._schedules.delete(guild_id)

    async def due_schedules(self, now: int, limit: int) -> list[Schedule]:
        """Unpaused schedules whose post time has come (and whose retry wait is over)."""
        return await self._schedules.due(now, limit)

    async def pause_schedule(self, guild_id: int, reason: str) -> bool:
        return await self._schedules.pause(guild_id, reason)

    async def resume_schedule(self, guild_id: int, next_run: int, next_date: str) -> None:
        """Unpause with the next post at `next_run`; a finished reading starts again."""
        await self._schedules.resume(guild_id, next_run, next_date)

    async def take_position(self, guild_id: int, length: int, wrap: bool) -> int | None:
        """Take the next excerpt's position for a manual post or a skip; None if finished."""
        return await self._schedules.take_position(guild_id, length, wrap)

    async def give_back_position(self, guild_id: int, position: int) -> None:
        """An excerpt taken at `position` was not posted after all: it is next again."""
        await self._schedules.give_back_position(guild_id, position)

    async def claim_post(self, schedule: Schedule, nonce: str, now: int, stale_after: int) -> Claim:
        """Claim the post for the schedule's next local date before sending it."""
        return await self._schedules.claim(schedule, nonce, now, stale_after)

    async def claimed_post(self, guild_id: int, local_date: str) -> tuple[int, str, str] | None:
        """(position, nonce, status) of the post claimed for a local date."""
        return await self._schedules.post_of(guild_id, local_date)

    async def record_sent(
        self,
        schedule: Schedule,
        position: int,
        message_id: int,
        finished: bool,
        next_run: int,
        next_date: str,
        now: int,
    ) -> None:
        """The post at `position` went out: mark it and move the schedule on."""
        await self._schedules.record_sent(
            schedule, position, message_id, finished, next_run, next_date, now
        )

    async def record_missed(
        self, schedule: Schedule, next_run: int, next_date: str, now: int
    ) -> None:
        """The bot was down past the grace window: record the date as missed and move on."""
        await self._schedules.record_missed(schedule, next_run, next_date, now)

    async def advance_date(self, schedule: Schedule, next_run: int, next_date: str) -> None:
        """Another process already handled this date: only move to the next one."""
        await self._schedules.advance_date(schedule, next_run, next_date)

    async def record_gave_up(
        self, schedule: Schedule, error: str, next_run: int, next_date: str, now: int
    ) -> None:
        """Retries ran out for this date: record it as failed and go on with the next date."""
        await self._schedules.record_gave_up(schedule, error, next_run, next_date, now)

    async def record_failure(
        self, schedule: Schedule, error: str, retry_at: int | None, now: int
    ) -> None:
        """A send failed: retry at `retry_at`, or pause the schedule when it is None."""
        await self._schedules.record_failure(schedule, error, retry_at, now)
