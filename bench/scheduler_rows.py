"""Schedules written straight into the schedules table, all due in one minute, for the scheduler
benchmarks."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.store import Store, clock

DEFAULT_CHANNELS = 16

# Every schedule is due in the minute starting at DUE; the scheduler's `now` is a minute later.
DUE = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
NOW = DUE + timedelta(minutes=1)
DUE_DATE = DUE.date().isoformat()
FAKE_GUILDS = 10**17  # schedules' guild ids start here; only their channels are real

INSERT_SQL = (
    "INSERT INTO schedules (guild_id, channel_id, local_time, timezone, next_run, next_date, "
    "updated_by, position, paused, pause_reason, failures, retry_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def schedule_rows(
    count: int,
    channel_ids: Sequence[int],
    *,
    mixed: bool,
    first_guild: int = FAKE_GUILDS,
    guild_step: int = 1,
) -> list[tuple[Any, ...]]:
    """Rows for INSERT_SQL: all due in DUE's minute; with `mixed`, out of every 100 schedules
    8 are paused, 8 due tomorrow and 2 retrying in an hour (82% due now). Guild ids go up by
    `guild_step` (1 << 22 spreads them over the shards: guild i is on shard i % count)."""
    rows = []
    due = clock.epoch(DUE)
    tomorrow = (DUE + timedelta(days=1)).date().isoformat()
    for i in range(count):
        next_run, next_date = due + i % 60, DUE_DATE
        paused, reason, failures, retry_at = 0, None, 0, None
        kind = i % 100 if mixed else 99
        if kind < 8:
            paused, reason = 1, "paused by a moderator"
        elif kind < 16:
            next_run, next_date = due + 86_400, tomorrow
        elif kind < 18:
            failures, retry_at = 1, clock.epoch(NOW) + 3600
        rows.append(
            (
                first_guild + i * guild_step,
                channel_ids[i % len(channel_ids)],
                "09:00",
                "UTC",
                next_run,
                next_date,
                1,
                i % 997,
                paused,
                reason,
                failures,
                retry_at,
            )
        )
    return rows


async def insert_schedules(store: Store, rows: list[tuple[Any, ...]]) -> float:
    """Insert the rows in one transaction; return the seconds it took."""
    start = time.perf_counter()
    await store.connection.execute("BEGIN IMMEDIATE")
    await store.connection.executemany(INSERT_SQL, rows)
    await store.connection.execute("COMMIT")
    return time.perf_counter() - start
