"""The guilds' and the bot's state as the store's face shows it: syllabi (bot/store/syllabi.py),
schedules and their posts (bot/store/schedules.py), values the bot keeps, and the processes
serving the database (bot/store/processes.py). Every write is one transaction."""

from __future__ import annotations

import aiosqlite

from bot.store import processes
from bot.store.answers import Claim, Place, Schedule
from bot.store.database import Queryable
from bot.store.schedules import Schedules
from bot.store.shards import Shards
from bot.store.state_db import SqliteState, StateDB
from bot.store.syllabi import Syllabi
from bot.store.sync import SyncReport

COMMANDS_HASH_KEY = "global_commands_hash"  # the commands last synced globally
# The values the bot keeps in the state (SQLite's meta table also holds the content's own).
STATE_KEYS = (COMMANDS_HASH_KEY,)


class GuildState:
    """The half of `Store` that keeps what guilds chose, what was posted, and the bot's state."""

    def __init__(
        self, connection: aiosqlite.Connection, reader: Queryable, state: StateDB | None = None
    ) -> None:
        """The state is in `state` (PostgreSQL, say) or else in this SQLite file: written
        through `connection` and read through `reader` (the read-only pool, which a content
        build on the connection never holds up: syllabi are asked at every lookup). The
        processes serving the file are always the file's own."""
        self._connection = connection
        self.state: StateDB = state or SqliteState(connection, reader)
        self._schedules = Schedules(self.state, processes.claim_owner(), processes.owner_is_gone)
        self._syllabi = Syllabi(self.state)

    # Bot state

    async def get_state(self, key: str) -> str | None:
        """A value the bot keeps between runs (e.g. the hash of the last command sync)."""
        rows = await self.state.fetch("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    async def set_state(self, key: str, value: str) -> None:
        async with self.state.transaction() as tx:
            await tx.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    async def register_process(self, now: int) -> None:
        """Say that this process serves the database (`python -m bot reload` signals it)."""
        await processes.register(self._connection, now)

    async def unregister_process(self) -> None:
        await processes.unregister(self._connection, *processes.this_process())

    async def record_reload(self, report: SyncReport, at: float) -> None:
        """Keep what this process's reload did, for `python -m bot reload` to report."""
        await processes.record_reload(self._connection, report, at)

    # Syllabi

    async def syllabus(self, guild_id: int) -> list[str]:
        """The reading ids on the guild's syllabus, in order."""
        return await self._syllabi.readings(guild_id)

    async def syllabus_add(
        self, guild_id: int, reading: str, position: int | None, moderator_id: int
    ) -> list[str]:
        return await self._syllabi.add(guild_id, reading, position, moderator_id)

    async def syllabus_move(
        self, guild_id: int, reading: str, position: int, moderator_id: int
    ) -> list[str]:
        return await self._syllabi.move(guild_id, reading, position, moderator_id)

    async def syllabus_remove(self, guild_id: int, reading: str, moderator_id: int) -> list[str]:
        """Take the reading off; a schedule standing in it goes on with the next one."""
        return await self._syllabi.remove(guild_id, reading, moderator_id)

    # Schedules and their posts

    async def schedule(self, guild_id: int) -> Schedule | None:
        return await self._schedules.get(guild_id)

    async def save_schedule(self, schedule: Schedule) -> Schedule:
        """Create or reconfigure a guild's schedule; its place in the walk is kept."""
        return await self._schedules.save(schedule)

    async def delete_schedule(self, guild_id: int) -> bool:
        return await self._schedules.delete(guild_id)

    async def due_schedules(
        self, now: int, limit: int, shards: Shards | None = None
    ) -> list[Schedule]:
        """Unpaused schedules whose post time has come (and whose retry wait is over), of the
        servers on `shards` (all by default)."""
        return await self._schedules.due(now, limit, shards or Shards())

    async def pause_schedule(self, guild_id: int, reason: str) -> bool:
        return await self._schedules.pause(guild_id, reason)

    async def resume_schedule(
        self, guild_id: int, next_run: int, next_date: str, restart: bool = True
    ) -> None:
        """Unpause with the next post at `next_run`; a finished walk starts again if
        `restart`."""
        await self._schedules.resume(guild_id, next_run, next_date, restart)

    async def move_place(self, guild_id: int, taken: Place, following: Place) -> bool:
        """Move the schedule from `taken` to `following` (a post by hand, a skip, or giving an
        excerpt back); False if it no longer stands at `taken`."""
        return await self._schedules.move(guild_id, taken, following)

    async def claim_post(self, schedule: Schedule, nonce: str, now: int, stale_after: int) -> Claim:
        """Claim the post for the schedule's next local date before sending it."""
        return await self._schedules.claim(schedule, nonce, now, stale_after)

    async def claimed_post(self, guild_id: int, local_date: str) -> tuple[Place, str, str] | None:
        """(place, nonce, status) of the post claimed for a local date."""
        return await self._schedules.post_of(guild_id, local_date)

    async def last_post_message(self, guild_id: int) -> int | None:
        """The message id of the guild's latest daily post that went out, if any."""
        return await self._schedules.last_message(guild_id)

    async def record_sent(
        self,
        schedule: Schedule,
        taken: Place,
        following: Place,
        message_id: int,
        finished: bool,
        next_run: int,
        next_date: str,
        now: int,
    ) -> None:
        """The post from `taken` went out: mark it and move the schedule on to `following`."""
        await self._schedules.record_sent(
            schedule, taken, following, message_id, finished, next_run, next_date, now
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
