"""Guild schedules for daily excerpts and the posts they made, one per local date."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from bot.store.answers import FINISHED, START, Claim, Place, Schedule
from bot.store.shards import Shards
from bot.store.state_db import POSTGRES, Row, StateDB, owner_alive

ALL = Shards()

_COLUMNS = [f.name for f in dataclasses.fields(Schedule)]
_OPEN_THREAD, _PAUSED = _COLUMNS.index("open_thread"), _COLUMNS.index("paused")
_CONFIG = (
    "channel_id",
    "local_time",
    "timezone",
    "mention_role_id",
    "open_thread",
    "source",
    "at_end",
    "next_run",
    "next_date",
    "updated_by",
)


def _schedule(row: Row) -> Schedule:
    """A row of `SELECT {_COLUMNS}` as a Schedule (positional: it is on the scheduler's path)."""
    values = list(row)
    values[_OPEN_THREAD] = bool(values[_OPEN_THREAD])
    values[_PAUSED] = bool(values[_PAUSED])
    return Schedule(*values)


class Schedules:
    """Reads and writes of schedules; every write is one transaction. A claim records `owner`
    (this process); one whose owner `gone` says has stopped is taken over at once."""

    def __init__(
        self, db: StateDB, owner: str = "", gone: Callable[[str], bool] = lambda _: False
    ) -> None:
        self.db = db
        self.owner = owner
        self.gone = gone

    async def _one(self, sql: str, params: tuple = (), via: StateDB | None = None) -> Row | None:
        rows = await (via or self.db).fetch(sql, params)
        return rows[0] if rows else None

    async def get(self, guild_id: int) -> Schedule | None:
        row = await self._one(
            f"SELECT {', '.join(_COLUMNS)} FROM schedules WHERE guild_id = ?", (guild_id,)
        )
        return None if row is None else _schedule(row)

    async def save(self, schedule: Schedule) -> Schedule:
        """Create or reconfigure a guild's schedule; its place in the reading is kept."""
        # Flags are stored as integers, as both databases take them.
        values = [int(v) if isinstance(v, bool) else v for v in dataclasses.astuple(schedule)]
        updates = ", ".join(f"{name} = excluded.{name}" for name in _CONFIG)
        async with self.db.transaction() as tx:
            await tx.execute(
                f"INSERT INTO schedules ({', '.join(_COLUMNS)}) "
                f"VALUES ({', '.join('?' for _ in _COLUMNS)}) "
                f"ON CONFLICT (guild_id) DO UPDATE SET {updates}, paused = 0, "
                "pause_reason = NULL, failures = 0, retry_at = NULL",
                values,
            )
        saved = await self.get(schedule.guild_id)
        assert saved is not None
        return saved

    async def delete(self, guild_id: int) -> bool:
        async with self.db.transaction() as tx:
            deleted = await tx.execute("DELETE FROM schedules WHERE guild_id = ?", (guild_id,))
        return deleted > 0

    async def due(self, now: int, limit: int, shards: Shards = ALL) -> list[Schedule]:
        """Unpaused schedules whose post time has come (and whose retry wait is over), of the
        servers on `shards`."""
        mine, params = shards.condition()
        rows = await self.db.fetch(
            f"SELECT {', '.join(_COLUMNS)} FROM schedules "
            "WHERE paused = 0 AND next_run <= ? AND (retry_at IS NULL OR retry_at <= ?) "
            f"AND {mine} ORDER BY next_run LIMIT ?",
            (now, now, *params, limit),
        )
        return [_schedule(row) for row in rows]

    async def claim(self, schedule: Schedule, nonce: str, now: int, stale_after: int) -> Claim:
        """Claim the post for the schedule's next local date before sending it."""
        key = (schedule.guild_id, schedule.next_date)
        # On PostgreSQL a claim names this process only while its lock is held (taken again if
        # its connection dropped): else others would take a live claim for a dead one's.
        holds = getattr(self.db, "hold_owner_lock", None)
        claimant = self.owner if holds is None or await holds() else ""
        async with self.db.transaction() as tx:
            # On PostgreSQL the schedule's row is locked first, as by every write of a post
            # (one order: no deadlock), and one another process is writing is skipped, not
            # waited for. SQLite has one writer at a time already.
            if tx.dialect == POSTGRES:
                mine = await self._one(
                    "SELECT 1 FROM schedules WHERE guild_id = ? FOR UPDATE SKIP LOCKED",
                    key[:1],
                    tx,
                )
                if mine is None and await self._one(
                    "SELECT 1 FROM schedules WHERE guild_id = ?", key[:1], tx
                ):
                    return Claim.BUSY
            current = await self._one(
                "SELECT 1 FROM schedules WHERE guild_id = ? AND next_date = ? AND paused = 0",
                key,
                tx,
            )
            if current is None:  # paused, rescheduled or removed since it was found due
                return Claim.DONE
            place = schedule.place
            inserted = await tx.execute(
                "INSERT INTO posts (guild_id, local_date, reading, item, position, nonce, status, "
                "claimed_at, claimed_by) VALUES (?, ?, ?, ?, ?, ?, 'claimed', ?, ?) "
                "ON CONFLICT DO NOTHING",
                (*key, place.reading, place.item, place.index, nonce, now, claimant),
            )
            if inserted:
                return Claim.OURS
            row = await self._one(
                "SELECT status, claimed_at, claimed_by FROM posts "
                "WHERE guild_id = ? AND local_date = ?",
                key,
                tx,
            )
            if row is None or row[0] not in ("claimed", "failed"):
                return Claim.DONE
            status, claimed_at, owner = row
            # After a failure; from a process that stopped mid-send (its claim stale, or its
            # owner gone).
            if (
                status == "failed"
                or claimed_at <= now - stale_after
                or await self._owner_gone(tx, owner)
            ):
                await tx.execute(
                    "UPDATE posts SET status = 'claimed', claimed_at = ?, claimed_by = ? "
                    "WHERE guild_id = ? AND local_date = ?",
                    (now, claimant, *key),
                )
                return Claim.RESUMED
        return Claim.BUSY

    async def _owner_gone(self, tx: StateDB, owner: str) -> bool:
        """Whether the process that claimed as `owner` has stopped: on PostgreSQL, its session
        no longer holds its lock (from any machine); on SQLite, it has ended on this machine.
        A claim that names no owner (from before owners were recorded, or made while the
        process could not hold its lock) is never taken for gone: it goes stale."""
        if not owner or owner == self.owner:
            return False
        if tx.dialect == POSTGRES:
            return not await owner_alive(tx, owner)
        return self.gone(owner)

    async def post_of(self, guild_id: int, local_date: str) -> tuple[Place, str, str] | None:
        """(place, nonce, status) of the post claimed for a local date."""
        row = await self._one(
            "SELECT reading, item, position, nonce, status FROM posts "
            "WHERE guild_id = ? AND local_date = ?",
            (guild_id, local_date),
        )
        return None if row is None else (Place(row[0], row[1], row[2]), row[3], row[4])

    async def last_message(self, guild_id: int) -> int | None:
        """The message id of the guild's latest daily post that went out, if any."""
        row = await self._one(
            "SELECT max(message_id) FROM posts WHERE guild_id = ? AND status = 'sent'",
            (guild_id,),
        )
        return None if row is None or row[0] is None else int(row[0])

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
        """The post from `taken` went out: mark it, move on to `following` unless the schedule
        moved on meanwhile (a post by hand), stop when finished, and move to the next date
        unless a moderator changed the schedule meanwhile."""
        async with self.db.transaction() as tx:  # the schedule's row first, then the post's
            await self._move(tx, schedule.guild_id, taken, following)
            await tx.execute(
                "UPDATE schedules SET paused = CASE WHEN ? = 1 THEN 1 ELSE paused END, "
                "pause_reason = CASE WHEN ? = 1 THEN ? ELSE pause_reason END, failures = 0, "
                "retry_at = NULL, last_result = 'posted', last_error = NULL, last_run = ? "
                "WHERE guild_id = ?",
                (int(finished), int(finished), FINISHED, now, schedule.guild_id),
            )
            await self._advance(tx, schedule, next_run, next_date)
            await tx.execute(
                "UPDATE posts SET status = 'sent', message_id = ? "
                "WHERE guild_id = ? AND local_date = ?",
                (message_id, schedule.guild_id, schedule.next_date),
            )

    @staticmethod
    async def _advance(tx: StateDB, schedule: Schedule, next_run: int, next_date: str) -> None:
        await tx.execute(
            "UPDATE schedules SET next_run = ?, next_date = ? WHERE guild_id = ? "
            "AND next_date = ? AND local_time = ? AND timezone = ?",
            (
                next_run,
                next_date,
                schedule.guild_id,
                schedule.next_date,
                schedule.local_time,
                schedule.timezone,
            ),
        )

    async def record_missed(
        self, schedule: Schedule, next_run: int, next_date: str, now: int
    ) -> None:
        """The bot was down past the grace window: record the date as missed and move on."""
        async with self.db.transaction() as tx:  # the schedule's row first, then the post's
            await tx.execute(
                "UPDATE schedules SET next_run = ?, next_date = ?, last_result = 'missed', "
                "last_error = NULL, last_run = ? WHERE guild_id = ?",
                (next_run, next_date, now, schedule.guild_id),
            )
            await tx.execute(
                "INSERT INTO posts (guild_id, local_date, reading, item, position, nonce, status, "
                "claimed_at) VALUES (?, ?, ?, ?, ?, '', 'missed', ?) ON CONFLICT DO NOTHING",
                (
                    schedule.guild_id,
                    schedule.next_date,
                    schedule.reading,
                    schedule.item,
                    schedule.position,
                    now,
                ),
            )

    async def advance_date(self, schedule: Schedule, next_run: int, next_date: str) -> None:
        """Another process already handled this date: only move to the next one."""
        async with self.db.transaction() as tx:
            await self._advance(tx, schedule, next_run, next_date)

    async def record_gave_up(
        self, schedule: Schedule, error: str, next_run: int, next_date: str, now: int
    ) -> None:
        """Retries ran out for this date: record it as failed and go on with the next date."""
        async with self.db.transaction() as tx:  # the schedule's row first, then the post's
            await tx.execute(
                "UPDATE schedules SET failures = 0, retry_at = NULL, last_result = 'failed', "
                "last_error = ?, last_run = ? WHERE guild_id = ?",
                (error, now, schedule.guild_id),
            )
            await self._advance(tx, schedule, next_run, next_date)
            await tx.execute(
                "UPDATE posts SET status = 'failed' WHERE guild_id = ? AND local_date = ?",
                (schedule.guild_id, schedule.next_date),
            )

    async def record_failure(
        self, schedule: Schedule, error: str, retry_at: int | None, now: int
    ) -> None:
        """A send failed: retry at `retry_at`, or pause the schedule when it is None."""
        async with self.db.transaction() as tx:
            pause = int(retry_at is None)
            await tx.execute(
                "UPDATE schedules SET failures = failures + 1, retry_at = ?, "
                "paused = CASE WHEN ? = 1 THEN 1 ELSE paused END, "
                "pause_reason = CASE WHEN ? = 1 THEN ? ELSE pause_reason END, last_result = ?, "
                "last_error = ?, last_run = ? WHERE guild_id = ?",
                (
                    retry_at,
                    pause,
                    pause,
                    error,
                    "paused" if pause else "retrying",
                    error,
                    now,
                    schedule.guild_id,
                ),
            )
            # Paused: the date's post failed. Retrying: release the claim so the retry can take it.
            await tx.execute(
                "UPDATE posts SET status = ?, claimed_at = 0 WHERE guild_id = ? AND local_date = ? "
                "AND status = 'claimed'",
                (
                    "failed" if retry_at is None else "claimed",
                    schedule.guild_id,
                    schedule.next_date,
                ),
            )

    async def pause(self, guild_id: int, reason: str) -> bool:
        async with self.db.transaction() as tx:
            paused = await tx.execute(
                "UPDATE schedules SET paused = 1, pause_reason = ?, retry_at = NULL "
                "WHERE guild_id = ?",
                (reason, guild_id),
            )
        return paused > 0

    async def resume(
        self, guild_id: int, next_run: int, next_date: str, restart: bool = True
    ) -> None:
        """Unpause with the next post at `next_run`; a finished walk starts again if
        `restart` (not when readings were added after where it stopped)."""
        finished = FINISHED if restart else None  # NULL matches no pause reason
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE schedules SET reading = CASE WHEN pause_reason = ? THEN ? ELSE reading "
                "END, item = CASE WHEN pause_reason = ? THEN ? ELSE item END, "
                "position = CASE WHEN pause_reason = ? THEN ? ELSE position END, paused = 0, "
                "pause_reason = NULL, failures = 0, retry_at = NULL, next_run = ?, "
                "next_date = ? WHERE guild_id = ?",
                (
                    *(finished, START.reading),
                    *(finished, START.item),
                    *(finished, START.index),
                    *(next_run, next_date, guild_id),
                ),
            )

    async def move(self, guild_id: int, taken: Place, following: Place) -> bool:
        """Move the schedule from `taken` to `following`; False if it is not at `taken` (it
        moved on meanwhile)."""
        async with self.db.transaction() as tx:
            return await self._move(tx, guild_id, taken, following)

    @staticmethod
    async def _move(tx: StateDB, guild_id: int, taken: Place, following: Place) -> bool:
        moved = await tx.execute(
            "UPDATE schedules SET reading = ?, item = ?, position = ? "
            "WHERE guild_id = ? AND reading = ? AND item = ? AND position = ?",
            (*dataclasses.astuple(following), guild_id, *dataclasses.astuple(taken)),
        )
        return moved > 0
