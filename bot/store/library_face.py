"""The library as the store's face shows it: which readings a lookup answers from (a server's
syllabus, or one reading), the readings to offer, and the syllabus as a server sees it."""

from __future__ import annotations

from bot.store.answers import LibraryView, ReadingOverview, Suggestion, SyllabusEntry
from bot.store.errors import UserError, shown
from bot.store.library import Catalog, ReadingMeta
from bot.store.scope import Scope


class LibraryFace:
    """The half of `Store` that knows the readings by id (a mix-in; Store provides the rest)."""

    # From Store: the catalog, and _current, syllabus and overview (mix-ins must not define
    # them, or they would hide Store's).
    _catalog: Catalog

    # The scope of a lookup: the guild's syllabus, or one reading

    async def _scope(self, guild_id: int | None, reading: str = "") -> Scope:
        """The rows of the readings a lookup answers from: `reading` alone when given, else the
        guild's syllabus, else (outside a guild, or with an empty syllabus) the whole library."""
        await self._current()
        if reading.strip():
            return (self.reading_meta(reading).row,)
        syllabus = await self.syllabus(guild_id) if guild_id is not None else []
        if not syllabus:
            return None
        by_id = self._catalog.by_id
        rows = tuple(by_id[r].row for r in syllabus if r in by_id)
        if not rows:
            raise UserError(
                "None of this server's syllabus readings is in the library now: moderators see "
                "them in /syllabus show; /reading lists the library."
            )
        return rows

    def reading_meta(self, reading: str) -> ReadingMeta:
        """A reading served now, by id (or by its title, as typed); a user error if none."""
        wanted = reading.strip().casefold()
        found = self._catalog.by_id.get(wanted)  # ids are lower case
        if found is None:
            titled = [r for r in self._catalog.current if r.title.casefold() == wanted]
            found = titled[0] if titled else None  # titles are the library's own
        if found is None:
            raise UserError(f"No reading “{shown(reading)}” in the library: /reading lists them.")
        return found

    def suggest_readings(self, text: str, limit: int = 25) -> list[Suggestion]:
        """Readings whose id or title contains what was typed, in id order."""
        wanted = text.strip().casefold()
        found = [
            Suggestion(reading.title, reading.id)
            for reading in self._catalog.current
            if wanted in reading.id or wanted in reading.title.casefold()
        ]
        return found[:limit]

    async def library(self, guild_id: int | None) -> LibraryView:
        """Every reading in the library, and the guild's syllabus in order."""
        overviews = await self.overview()
        by_id = {overview.id: overview for overview in overviews}
        syllabus = await self.syllabus(guild_id) if guild_id is not None else []
        return LibraryView(
            tuple(overviews), tuple(SyllabusEntry(r, by_id.get(r)) for r in syllabus)
        )

    async def reading_overview(self, reading: str) -> ReadingOverview:
        """One reading of the library, by id or title."""
        wanted = self.reading_meta(reading).id
        return next(overview for overview in await self.overview() if overview.id == wanted)

    # A server's syllabus, changed by id or title (bot/store/syllabi.py keeps it)

    async def add_to_syllabus(
        self, guild_id: int, reading: str, position: int | None, moderator_id: int
    ) -> LibraryView:
        """Put a reading of the library on the guild's syllabus (at the end if no position)."""
        await self._current()
        await self.syllabus_add(guild_id, self.reading_meta(reading).id, position, moderator_id)
        return await self.library(guild_id)

    async def move_on_syllabus(
        self, guild_id: int, reading: str, position: int, moderator_id: int
    ) -> LibraryView:
        reading_id = await self._on_syllabus(guild_id, reading)
        await self.syllabus_move(guild_id, reading_id, position, moderator_id)
        return await self.library(guild_id)

    async def remove_from_syllabus(
        self, guild_id: int, reading: str, moderator_id: int
    ) -> LibraryView:
        """Take a reading off; a schedule standing in it goes on with the next one."""
        reading_id = await self._on_syllabus(guild_id, reading)
        await self.syllabus_remove(guild_id, reading_id, moderator_id)
        return await self.library(guild_id)

    async def _on_syllabus(self, guild_id: int, reading: str) -> str:
        """The id of a reading on the guild's syllabus, as typed (it may be out of the library
        now) or by the library's id or title."""
        await self._current()
        if reading.strip() in await self.syllabus(guild_id):
            return reading.strip()
        return self.reading_meta(reading).id

    async def suggest_on_syllabus(self, guild_id: int, text: str) -> list[Suggestion]:
        """The guild's syllabus readings whose id or title contains what was typed."""
        wanted = text.strip().casefold()
        view = await self.library(guild_id)
        found = [
            Suggestion(entry.overview.title if entry.overview else entry.reading, entry.reading)
            for entry in view.syllabus
            if wanted in entry.reading
            or (entry.overview is not None and wanted in entry.overview.title.casefold())
        ]
        return found[:25]
