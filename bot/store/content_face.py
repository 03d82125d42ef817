"""The content as the store's face shows it: each lookup answered from the readings of the
server's scope (bot/store/concepts.py, experts.py, quotes.py, publications.py, search.py,
suggestions.py, library.py), read in one snapshot and asked again when content was committed
under it, and the daily-excerpt walk (bot/store/walk.py, excerpts.py)."""

from __future__ import annotations

import functools
import random
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

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
from bot.store.errors import NotFoundError, UserError, elsewhere
from bot.store.library import UnknownReadingError, load_reading_meta, read_library, read_overview
from bot.store.models import Library
from bot.store.search import SEARCH_LIMIT

P = ParamSpec("P")
ASKED_AGAIN = 3  # times an answer is asked again when content was committed under it
T = TypeVar("T")


def asked_again(
    answer: Callable[Concatenate[Any, P], Awaitable[T]],
) -> Callable[Concatenate[Any, P], Awaitable[T]]:
    """An answer reads in one snapshot of the database (the same commit for all its queries).
    One under way while content was committed is asked again, after this process has swapped
    in what it serves now: one that met a reading row the store does not know (another
    process committed it a moment before this one noticed) or missed the rows of a reading
    replaced meanwhile, and one that found nothing while what is served changed."""

    @functools.wraps(answer)
    async def asked(store: Any, *args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(ASKED_AGAIN + 1):
            served = store._catalog.version
            try:
                async with store._snapshot():
                    return await answer(store, *args, **kwargs)
            except UnknownReadingError:
                if attempt == ASKED_AGAIN:
                    raise
                await store._swapped.wait()
                store._catalog.learn(await load_reading_meta(store._reader, store._catalog))
            except NotFoundError:
                changed = store._catalog.version != served or not store._swapped.is_set()
                if attempt == ASKED_AGAIN or not changed:
                    raise
                await store._swapped.wait()
        raise AssertionError("unreachable: the last attempt returns or raises")

    return asked


class ContentFace:
    """The half of `Store` that answers from the content (a mix-in: Store provides the
    answerers, the catalog, the scope, the snapshot and the syllabus)."""

    # The content (bot/store/concepts.py, experts.py, quotes.py, publications.py, search.py,
    # suggestions.py, library.py), each answered from the guild's scope

    @asked_again
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

    @asked_again
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

    @asked_again
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

    @asked_again
    async def publications(
        self, topic: str = "", kind: str = "", guild_id: int | None = None, reading: str = ""
    ) -> PublicationList:
        """Related publications, newest first, filtered by topic and type when given."""
        scope = await self._scope(guild_id, reading)
        return await self._publications.publications(topic, kind, scope)

    @asked_again
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
        except UserError:  # a reading not (yet) typed in full: the server's scope
            try:
                scope = await self._scope(guild_id)
            except UserError:  # a syllabus whose readings are all out of the library
                return []
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

    @asked_again
    async def next_excerpts(
        self, guild_id: int, source: str, place: Place, wrap: bool, count: int = 1
    ) -> list[Placed]:
        """Up to `count` excerpts of `source` on the guild's walk from `place` on."""
        await self._current()
        syllabus = await self.syllabus(guild_id)
        return await self._walk.next(syllabus, source, place, wrap, count)

    async def on_walk(self, guild_id: int, place: Place) -> bool:
        """Whether `place` stands in a reading of the guild's walk (a place claimed for a post
        before a moderator took its reading off the syllabus does not)."""
        await self._current()
        order = self._walk.order(await self.syllabus(guild_id))
        return not place.reading or place.reading in order
