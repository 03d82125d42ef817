"""Each server's syllabus: the readings it studies, in order. Every change is one transaction,
and removing the reading a schedule stands in moves that schedule to the next one."""

from __future__ import annotations

from bot.store.answers import Place
from bot.store.errors import UserError, shown
from bot.store.state_db import StateDB, lock_key

SYLLABUS_MAX = 100  # readings one syllabus holds at most
PAST_END = 2**31  # an index past any reading's end: the walk goes on to the next reading


class Syllabi:
    """Reads and writes of syllabi."""

    def __init__(self, db: StateDB) -> None:
        self.db = db

    async def readings(self, guild_id: int, via: StateDB | None = None) -> list[str]:
        """The ids on the guild's syllabus, in order (some may be out of the library)."""
        rows = await (via or self.db).fetch(
            "SELECT reading FROM syllabus WHERE guild_id = ? ORDER BY position", (guild_id,)
        )
        return [row[0] for row in rows]

    @staticmethod
    async def _write(tx: StateDB, guild_id: int, readings: list[str], moderator_id: int) -> None:
        await tx.execute("DELETE FROM syllabus WHERE guild_id = ?", (guild_id,))
        await tx.executemany(
            "INSERT INTO syllabus (guild_id, reading, position, added_by) VALUES (?, ?, ?, ?)",
            [(guild_id, reading, n, moderator_id) for n, reading in enumerate(readings)],
        )

    async def add(
        self, guild_id: int, reading: str, position: int | None, moderator_id: int
    ) -> list[str]:
        """Put `reading` on the syllabus at `position` (1-based; the end if None)."""
        async with self.db.transaction(lock_key("syllabus", guild_id)) as tx:
            readings = await self.readings(guild_id, tx)
            if reading in readings:
                raise UserError(f"“{shown(reading)}” is already on the syllabus: /syllabus move.")
            if len(readings) >= SYLLABUS_MAX:
                raise UserError(f"A syllabus holds at most {SYLLABUS_MAX} readings.")
            at = len(readings) if position is None else _index(position, len(readings) + 1)
            readings.insert(at, reading)
            await self._write(tx, guild_id, readings, moderator_id)
        return readings

    async def move(
        self, guild_id: int, reading: str, position: int, moderator_id: int
    ) -> list[str]:
        """Move `reading` to `position` (1-based) on the syllabus."""
        async with self.db.transaction(lock_key("syllabus", guild_id)) as tx:
            readings = await self.readings(guild_id, tx)
            if reading not in readings:
                raise UserError(f"“{shown(reading)}” is not on the syllabus: /syllabus add.")
            readings.remove(reading)
            readings.insert(_index(position, len(readings) + 1), reading)
            await self._write(tx, guild_id, readings, moderator_id)
        return readings

    async def remove(self, guild_id: int, reading: str, moderator_id: int) -> list[str]:
        """Take `reading` off the syllabus; a schedule standing in it goes on with the reading
        that followed it (or, past the last, to the end of the walk)."""
        async with self.db.transaction(lock_key("syllabus", guild_id)) as tx:
            readings = await self.readings(guild_id, tx)
            if reading not in readings:
                raise UserError(f"“{shown(reading)}” is not on the syllabus.")
            at = readings.index(reading)
            readings.remove(reading)
            if readings:  # with none left, the walk is the library's, which holds it still
                after = (
                    Place(readings[at], "", 0)
                    if at < len(readings)
                    else Place(readings[-1], "", PAST_END)
                )
                await tx.execute(
                    "UPDATE schedules SET reading = ?, item = ?, position = ? "
                    "WHERE guild_id = ? AND reading = ?",
                    (after.reading, after.item, after.index, guild_id, reading),
                )
            await self._write(tx, guild_id, readings, moderator_id)
        return readings


def _index(position: int, count: int) -> int:
    """A 1-based position among `count` places as a 0-based index."""
    if not 1 <= position <= count:
        raise UserError(f"Choose a position from 1 to {count}.")
    return position - 1
