"""The scheduler's due query, timed whole and in parts, over many schedules."""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from bench.scheduler_rows import DEFAULT_CHANNELS, NOW, insert_schedules, schedule_rows
from bench.stats import latency_ms
from bot.config import DEFAULT_DATA_DIR
from bot.store import Store, clock
from bot.store.scheduler import SchedulerConfig
from bot.store.schedules import Schedules

REFERENCE_LIMIT = 200  # a smaller batch, timed too: the query's cost grows with the batch


class _CaptureSql:
    """Stands in for the state's database to learn the exact SQL and parameters `due` runs."""

    dialect = "sqlite"

    def __init__(self) -> None:
        self.sql = ""
        self.params: tuple[Any, ...] = ()

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        self.sql, self.params = sql, tuple(params)
        return []


async def due_sql(now: int, limit: int) -> tuple[str, tuple[Any, ...]]:
    """The SQL and parameters `Schedules.due(now, limit)` runs."""
    capture = _CaptureSql()
    await Schedules(capture).due(now, limit)  # type: ignore[arg-type]
    return capture.sql, capture.params


def summary(samples_ms: list[float]) -> dict[str, float]:
    """p50/p99/max and the mean, in ms to the microsecond."""
    figures = {**latency_ms(samples_ms), "mean_ms": statistics.fmean(samples_ms)}
    return {key: round(value, 3) for key, value in figures.items()}


async def timed(call: Callable[[], Awaitable[Any]], runs: int, warmup: int) -> list[float]:
    """The ms each of `runs` calls took, after `warmup` untimed ones."""
    for _ in range(warmup):
        await call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def run_query(
    count: int, *, runs: int = 300, warmup: int = 20, workdir: Path | None = None
) -> dict[str, Any]:
    """Time `schedules.due` over `count` schedules; see `bench.scheduler_bench`."""
    limit = SchedulerConfig().batch
    now = clock.epoch(NOW)
    with tempfile.TemporaryDirectory(dir=workdir, prefix="sched-query-") as folder:
        path = Path(folder) / "query.db"
        async with await Store.open(path, DEFAULT_DATA_DIR) as store:
            rows = schedule_rows(count, [1000 + c for c in range(DEFAULT_CHANNELS)], mixed=True)
            insert_s = await insert_schedules(store, rows)
            sql, params = await due_sql(now, limit)
            plan = [
                row[3]
                for row in await store.connection.execute_fetchall(
                    f"EXPLAIN QUERY PLAN {sql}", params
                )
            ]
            due = await store.due_schedules(now, limit)
            expected = sum(1 for r in rows if not r[8] and r[4] <= now and r[11] is None)
            del rows  # not kept alive for the garbage collector to walk while timing
            whole = await timed(lambda: store.due_schedules(now, limit), runs, warmup)
            smaller = await timed(lambda: store.due_schedules(now, REFERENCE_LIMIT), runs, warmup)
            rows_only = await timed(
                lambda: store.connection.execute_fetchall(sql, params), runs, warmup
            )
        plain = sqlite3.connect(path)
        try:
            sql_only = []
            for i in range(warmup + runs):
                start = time.perf_counter()
                plain.execute(sql, params).fetchall()
                if i >= warmup:
                    sql_only.append((time.perf_counter() - start) * 1000)
        finally:
            plain.close()
    return {
        "schedules": count,
        "due_now": expected,
        "limit": limit,
        "returned": len(due),
        "insert_s": round(insert_s, 3),
        "runs": runs,
        "due": summary(whole),
        "reference_limit": REFERENCE_LIMIT,
        "due_reference_limit": summary(smaller),
        "aiosqlite_rows": summary(rows_only),
        "sql_only": summary(sql_only),
        "plan": plan,
        "uses_index": any("schedules_due" in step for step in plan),
        "temp_sort": any("TEMP B-TREE" in step for step in plan),
        "sql": sql,
    }
