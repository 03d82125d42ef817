"""Each member's one daily review reminder: a local time in their time zone, sent by direct
message once per local day. A reminder is claimed for its day before it is sent, so a restart,
a retry or a second process never sends one day's reminder twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.store.clock import epoch, load_zone, next_occurrence, parse_local_time
from bot.store.shards import Shards
from bot.store.state_db import StateDB, lock_key


@dataclass(frozen=True, slots=True)
class Reminder:
    guild_id: int
    member_id: int
    local_time: str
    timezone: str
    next_run: int
    next_date: str
    last_date: str | None = None


class Reminders:
    def __init__(self, db: StateDB) -> None:
        self.db = db

    async def set(
        self, guild_id: int, member_id: int, local_time: str, timezone: str, now: datetime
    ) -> Reminder:
        """Remind the member daily at `local_time` in `timezone` (user errors name a bad one)."""
        at = parse_local_time(local_time)
        zone = load_zone(timezone)
        async with self.db.transaction(lock_key("reminder", guild_id, member_id)) as tx:
            rows = await tx.fetch(
                "SELECT last_date FROM review_reminders WHERE guild_id = ? AND member_id = ?",
                (guild_id, member_id),
            )
            last = rows[0][0] if rows else None
            run, day = _next_after(now, at, zone, last)
            reminder = Reminder(
                guild_id,
                member_id,
                at.strftime("%H:%M"),
                zone.key,
                epoch(run),
                day.isoformat(),
                last,
            )
            await tx.execute(
                "INSERT INTO review_reminders (guild_id, member_id, local_time, timezone, "
                "next_run, next_date, last_date) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, member_id) DO UPDATE SET local_time = excluded.local_time, "
                "timezone = excluded.timezone, next_run = excluded.next_run, "
                "next_date = excluded.next_date",
                (
                    guild_id,
                    member_id,
                    reminder.local_time,
                    reminder.timezone,
                    reminder.next_run,
                    reminder.next_date,
                    last,
                ),
            )
        return reminder

    async def get(self, guild_id: int, member_id: int) -> Reminder | None:
        rows = await self.db.fetch(
            "SELECT * FROM review_reminders WHERE guild_id = ? AND member_id = ?",
            (guild_id, member_id),
        )
        return Reminder(**dict(rows[0])) if rows else None

    async def remove(self, guild_id: int, member_id: int) -> bool:
        async with self.db.transaction() as tx:
            deleted = await tx.execute(
                "DELETE FROM review_reminders WHERE guild_id = ? AND member_id = ?",
                (guild_id, member_id),
            )
        return deleted > 0

    async def due(
        self, now: datetime, shards: Shards | None = None, limit: int = 100
    ) -> list[Reminder]:
        """The reminders due at `now`, of the servers on `shards` (all by default)."""
        mine, params = (shards or Shards()).condition()
        rows = await self.db.fetch(
            f"SELECT * FROM review_reminders WHERE next_run <= ? AND {mine} "
            "ORDER BY next_run LIMIT ?",
            (epoch(now), *params, limit),
        )
        return [Reminder(**dict(row)) for row in rows]

    async def claim(self, reminder: Reminder, now: datetime) -> bool:
        """Take the reminder's day and move it to the next day: True if this call took it (it
        is then sent once), False if it was taken already or changed meanwhile."""
        at, zone = parse_local_time(reminder.local_time), load_zone(reminder.timezone)
        run, day = _next_after(now, at, zone, reminder.next_date)
        async with self.db.transaction() as tx:
            claimed = await tx.execute(
                "UPDATE review_reminders SET last_date = next_date, next_run = ?, next_date = ? "
                "WHERE guild_id = ? AND member_id = ? AND next_run = ? AND next_date = ? "
                "AND (last_date IS NULL OR last_date <> next_date)",
                (
                    epoch(run),
                    day.isoformat(),
                    reminder.guild_id,
                    reminder.member_id,
                    reminder.next_run,
                    reminder.next_date,
                ),
            )
        return claimed == 1


def _next_after(
    now: datetime, at: object, zone: object, last_date: str | None
) -> tuple[datetime, date]:
    """The next occurrence after `now` whose local date is later than `last_date` (a reminder
    moved to later the same day it was sent waits for tomorrow)."""
    run, day = next_occurrence(now, at, zone)  # type: ignore[arg-type]
    while last_date is not None and day.isoformat() <= last_date:
        run, day = next_occurrence(run, at, zone)  # type: ignore[arg-type]
    return run, day
