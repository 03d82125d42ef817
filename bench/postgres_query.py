"""The scheduler's due query on PostgreSQL: `Schedules.due` through the bot's own state
(`bot.store.state_db.open_state`, asyncpg), over many schedules, for one process running every
shard and for one running half of them."""

from __future__ import annotations

import time
from typing import Any

import asyncpg

from bench.scheduler_query import due_sql, summary, timed
from bench.scheduler_rows import DEFAULT_CHANNELS, NOW, schedule_rows
from bot.store import clock
from bot.store.scheduler import SchedulerConfig
from bot.store.schedules import Schedules
from bot.store.shards import SHARD_BITS, Shards
from bot.store.state_db import numbered, open_state

COLUMNS = (
    "guild_id",
    "channel_id",
    "local_time",
    "timezone",
    "next_run",
    "next_date",
    "updated_by",
    "position",
    "paused",
    "pause_reason",
    "failures",
    "retry_at",
)
HALF = Shards(2, (0,))  # one of two processes


async def insert_rows(url: str, rows: list[tuple[Any, ...]]) -> float:
    """COPY the rows into the schedules table and ANALYZE it; the seconds it took."""
    start = time.perf_counter()
    connection = await asyncpg.connect(url)
    try:
        await connection.copy_records_to_table("schedules", records=rows, columns=COLUMNS)
        await connection.execute("ANALYZE schedules")
    finally:
        await connection.close()
    return time.perf_counter() - start


async def run_query(url: str, count: int, *, runs: int = 300, warmup: int = 20) -> dict[str, Any]:
    """Time `Schedules.due` over `count` schedules in the (empty) database at `url`."""
    limit = SchedulerConfig().batch
    now = clock.epoch(NOW)
    state = await open_state(url)
    try:
        channels = [1000 + c for c in range(DEFAULT_CHANNELS)]
        rows = schedule_rows(count, channels, mixed=True, guild_step=1 << SHARD_BITS)
        insert_s = await insert_rows(url, rows)
        expected = sum(1 for r in rows if not r[8] and r[4] <= now and r[11] is None)
        del rows
        schedules = Schedules(state)
        due = await schedules.due(now, limit)
        half = await schedules.due(now, limit, HALF)
        sql, params = await due_sql(now, limit)
        plan = [row[0] for row in await state.fetch(f"EXPLAIN {numbered(sql)}", params)]
        whole = await timed(lambda: schedules.due(now, limit), runs, warmup)
        sharded = await timed(lambda: schedules.due(now, limit, HALF), runs, warmup)
    finally:
        await state.close()
    return {
        "schedules": count,
        "due_now": expected,
        "limit": limit,
        "returned": len(due),
        "returned_half": len(half),
        "half_all_on_shard": all(HALF.owns(s.guild_id) for s in half),
        "insert_s": round(insert_s, 3),
        "runs": runs,
        "due": summary(whole),
        "due_half_of_shards": summary(sharded),
        "plan": plan,
        "uses_index": any("schedules_due" in step for step in plan),
    }
