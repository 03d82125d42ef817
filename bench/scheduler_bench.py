"""Benchmark of the daily-excerpt scheduler: the due query, and posting against a rate-limited
local Discord.

    python -m bench.scheduler_bench [--schedules 10000] [--query-schedules 10000,100000]
                                    [--post-rate 40] [--json PATH]

* Due query: a store (`Store.open` on a temporary database with the real data folder) gets N
  schedules inserted straight into the schedules table (most due in one minute, some paused,
  some retrying later, some due tomorrow); `Schedules.due(now, SchedulerConfig().batch)` is timed
  `--query-runs` times (p50/p99), and split into the SQL alone (`sqlite3`, no row objects), the
  rows through aiosqlite, and the whole call with `Schedule` objects. `EXPLAIN QUERY PLAN` of the
  exact SQL `due` runs shows whether the `schedules_due` index is used.
* Posting: `LocalDiscord(global_rate_limit=50)` on loopback and the real `ReadingRoomBot`
  (`Settings(post_rate=...)`) logged in with `run_bot_against(..., max_http_sleep=None)`, so
  discord.py's own rate-limit sleeps are real. N schedules (each its own fake guild, channels
  spread over `--channels` sandbox text channels) are all due in one minute; `scheduler.tick()`
  runs with that fixed `now` until nothing is due. Measured: wall time, posts a second (overall,
  in 5-second windows, the busiest trailing second), 429 replies, and that every schedule posted
  exactly once (channel messages, POST requests, nonces, the posts table).

It prints a markdown table with the targets and, with `--json`, writes every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import math
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.machine import describe
from bot.client import ReadingRoomBot
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.sandbox import LocalDiscord, run_bot_against
from bot.store.poster import post_nonce
from bot.store.scheduler import SchedulerConfig
from bot.store import clock
from bot.store.schedules import Schedules
from bot.store import Store

DEFAULT_QUERY_SIZES = (10_000, 100_000)
DEFAULT_SCHEDULES = 10_000
DEFAULT_CHANNELS = 16
DISCORD_GLOBAL_LIMIT = 50  # requests a second per bot token
QUERY_TARGET_MS = 10.0  # p99 of the due query, at 10k (issue 4) and at 100k (issue 5)
RATE_SHARE_TARGET = 0.9  # the configured post rate counts as sustained at 90% of it
WINDOW_S = 5.0
REFERENCE_LIMIT = 200  # a smaller batch, timed too: the query's cost grows with the batch

# Every schedule is due in the minute starting at DUE; the scheduler's `now` is a minute later.
DUE = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
NOW = DUE + timedelta(minutes=1)
DUE_DATE = DUE.date().isoformat()
FAKE_GUILDS = 10**17  # schedules' guild ids start here; only their channels are real
POST_PATH = re.compile(r"^/channels/(\d+)/messages$")

INSERT_SQL = (
    "INSERT INTO schedules (guild_id, channel_id, local_time, timezone, next_run, next_date, "
    "updated_by, position, paused, pause_reason, failures, retry_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def schedule_rows(
    count: int, channel_ids: Sequence[int], *, mixed: bool, first_guild: int = FAKE_GUILDS
) -> list[tuple[Any, ...]]:
    """Rows for INSERT_SQL: all due in DUE's minute; with `mixed`, out of every 100 schedules
    8 are paused, 8 due tomorrow and 2 retrying in an hour (82% due now)."""
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
                first_guild + i,
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


class _CaptureSql:
    """Stands in for the connection to learn the exact SQL and parameters `due` runs."""

    def __init__(self) -> None:
        self.sql = ""
        self.params: tuple[Any, ...] = ()

    async def execute_fetchall(self, sql: str, params: Sequence[Any]) -> list[Any]:
        self.sql, self.params = sql, tuple(params)
        return []


async def due_sql(now: int, limit: int) -> tuple[str, tuple[Any, ...]]:
    capture = _CaptureSql()
    await Schedules(capture).due(now, limit)  # type: ignore[arg-type]
    return capture.sql, capture.params


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]

    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(at(0.99), 3),
        "max_ms": round(ordered[-1], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }


async def _timed(call: Callable[[], Awaitable[Any]], runs: int, warmup: int) -> list[float]:
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
    """Time `schedules.due` over `count` schedules; see the module docstring."""
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
            whole = await _timed(lambda: store.due_schedules(now, limit), runs, warmup)
            smaller = await _timed(lambda: store.due_schedules(now, REFERENCE_LIMIT), runs, warmup)
            rows_only = await _timed(
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
        "due": percentiles(whole),
        "reference_limit": REFERENCE_LIMIT,
        "due_reference_limit": percentiles(smaller),
        "aiosqlite_rows": percentiles(rows_only),
        "sql_only": percentiles(sql_only),
        "plan": plan,
        "uses_index": any("schedules_due" in step for step in plan),
        "temp_sort": any("TEMP B-TREE" in step for step in plan),
        "sql": sql,
    }


def _rate_windows(times: list[float], width: float = WINDOW_S) -> list[float]:
    """Posts a second in consecutive `width`-second windows from the first post; the last,
    partial window is left out unless it is the only one."""
    if not times:
        return []
    start, end = times[0], times[-1]
    full = max(1, int((end - start) // width))
    counts = [0] * full
    for moment in times:
        index = int((moment - start) // width)
        if index < full:
            counts[index] += 1
    return [round(c / width, 2) for c in counts]


def _busiest_second(times: list[float]) -> int:
    """The most requests in any trailing one-second window (what the global limit counts)."""
    most, first = 0, 0
    for last, moment in enumerate(times):
        while times[first] <= moment - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


async def _sent(store: Store) -> tuple[int, int]:
    """Posts recorded as sent, and the distinct guilds they belong to."""
    ((posts, guilds),) = await store.connection.execute_fetchall(
        "SELECT count(*), count(DISTINCT guild_id) FROM posts WHERE status = 'sent'"
    )
    return posts, guilds


async def run_posting(
    count: int,
    *,
    post_rate: float | None = None,
    rate_limit: int = DISCORD_GLOBAL_LIMIT,
    channels: int = DEFAULT_CHANNELS,
    max_http_sleep: float | None = None,
    loop_interval: float | None = None,
    batch: int | None = None,
    workdir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Post `count` due schedules through the real bot against a rate-limited sandbox.

    With `loop_interval` None, `scheduler.tick()` is called back to back until nothing is due;
    otherwise the bot's own loop (cogs.excerpts, a tick every `loop_interval` seconds) posts and
    this waits until every schedule has posted. `batch` replaces SchedulerConfig().batch."""
    rate = Settings().post_rate if post_rate is None else post_rate
    with tempfile.TemporaryDirectory(dir=workdir, prefix="sched-post-") as folder:
        path = Path(folder) / "posting.db"
        async with (
            LocalDiscord(global_rate_limit=rate_limit) as server,
            await Store.open(path, DEFAULT_DATA_DIR) as store,
        ):
            settings = Settings(database_path=path, post_rate=rate)
            bot = ReadingRoomBot(settings, store, now=lambda: NOW, scheduler_interval=loop_interval)
            if batch is not None:
                bot.scheduler.config = dataclasses.replace(bot.scheduler.config, batch=batch)
            async with run_bot_against(server, bot, max_http_sleep=max_http_sleep) as run:
                channel_ids = [await server.add_channel(f"excerpts-{c}") for c in range(channels)]
                await server.wait_until(
                    lambda: all(bot.get_channel(c) is not None for c in channel_ids), within=10.0
                )
                ticks: list[dict[str, Any]] = []
                tick = bot.scheduler.tick

                async def recorded_tick() -> int:
                    tick_start = time.perf_counter()
                    handled = await tick()
                    ticks.append(
                        {"handled": handled, "s": round(time.perf_counter() - tick_start, 3)}
                    )
                    if progress is not None and handled:
                        progress(f"tick {len(ticks)}: {handled} schedules")
                    return handled

                bot.scheduler.tick = recorded_tick  # type: ignore[method-assign]
                await insert_schedules(store, schedule_rows(count, channel_ids, mixed=False))
                first_request = len(server.requests)
                start = time.perf_counter()
                if loop_interval is None:
                    most = count // bot.scheduler.config.batch + 10
                    while await bot.scheduler.tick() and len(ticks) < most:
                        pass
                else:

                    def all_posted() -> bool:
                        messages = server.channel_messages
                        return sum(len(messages.get(c, [])) for c in channel_ids) >= count

                    await server.wait_until(all_posted, within=3 * count / rate + 120)
                wall_s = time.perf_counter() - start
                # The last sends are out; give the loop's tick the moment it needs to record them.
                for _ in range(200):
                    if (await _sent(store))[0] >= count:
                        break
                    await asyncio.sleep(0.05)
                alive = run.alive
                logged_errors = len(run.logged_errors)
                http_sleeps = list(run.http_sleeps)
            requests = server.requests[first_request:]
            messages = sum(len(server.channel_messages.get(c, [])) for c in channel_ids)
            internal_errors = len(server.internal_errors)
            refused = server.rate_limit.refused if server.rate_limit is not None else 0
            all_429 = sum(1 for r in server.requests if r.status == 429)
            sent = await _sent(store)
            not_posted = await store.connection.execute_fetchall(
                "SELECT count(*) FROM schedules WHERE last_result IS NOT 'posted' OR next_date = ?",
                (DUE_DATE,),
            )
    posts = [r for r in requests if r.method == "POST" and POST_PATH.match(r.path)]
    ok_posts = [r for r in posts if r.status == 200]
    nonces = Counter(r.body.get("nonce") for r in ok_posts)
    expected_nonces = {post_nonce(FAKE_GUILDS + i, DUE_DATE) for i in range(count)}
    times = sorted(r.time for r in ok_posts)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    windows = _rate_windows(times)
    overall = count / wall_s if wall_s else 0.0
    return {
        "schedules": count,
        "post_rate": rate,
        "global_rate_limit": rate_limit,
        "channels": channels,
        "max_http_sleep": max_http_sleep,
        "driver": "ticks back to back" if loop_interval is None else "the bot's loop",
        "loop_interval_s": loop_interval,
        "batch": batch or SchedulerConfig().batch,
        "ticks": sum(1 for t in ticks if t["handled"]),
        "tick_handled": [t["handled"] for t in ticks if t["handled"]],
        "tick_s": [t["s"] for t in ticks if t["handled"]],
        "wall_s": round(wall_s, 2),
        "posts_per_s": round(overall, 2),
        "posts_per_s_first_to_last": round((len(times) - 1) / span, 2) if span else 0.0,
        "window_s": WINDOW_S,
        "windows_per_s": windows,
        "window_min_per_s": min(windows, default=0.0),
        "window_max_per_s": max(windows, default=0.0),
        "busiest_second": _busiest_second(times),
        "requests": len(requests),
        "post_requests": len(posts),
        "posts_ok": len(ok_posts),
        "posts_failed": len(posts) - len(ok_posts),
        "channel_messages": messages,
        "distinct_nonces": len(nonces),
        "nonces_match": set(nonces) == expected_nonces,
        "repeated_nonces": sum(1 for n in nonces.values() if n > 1),
        "posts_table_sent": sent[0],
        "posts_table_guilds": sent[1],
        "schedules_not_posted": not_posted[0][0],
        "rate_limited_429": all_429,
        "rate_limit_refused": refused,
        "http_sleeps": len(http_sleeps),
        "bot_alive": alive,
        "bot_logged_errors": logged_errors,
        "sandbox_internal_errors": internal_errors,
        "exactly_once": (
            len(ok_posts) == len(posts) == messages == len(nonces) == count
            and set(nonces) == expected_nonces
            and sent[0] == sent[1] == count
            and not_posted[0][0] == 0
        ),
        "rate_sustained": overall >= RATE_SHARE_TARGET * rate and all_429 == 0,
    }


def _mark(met: bool) -> str:
    return "yes" if met else "**NO**"


def markdown_table(results: dict[str, Any]) -> str:
    lines = ["| measure | value | target | met |", "| --- | --- | --- | --- |"]
    for query in results.get("query", []):
        n = f"{query['schedules']:,}"
        due, rows, sql = query["due"], query["aiosqlite_rows"], query["sql_only"]
        ref = query["due_reference_limit"]
        lines += [
            f"| due query, {n} schedules: p50 / p99 | {due['p50_ms']:.2f} / "
            f"{due['p99_ms']:.2f} ms ({query['returned']} of {query['due_now']:,} due) "
            f"| p99 < {QUERY_TARGET_MS:g} ms | {_mark(due['p99_ms'] < QUERY_TARGET_MS)} |",
            f"| &nbsp; of which SQL alone (sqlite3) p50 / p99 | {sql['p50_ms']:.2f} / "
            f"{sql['p99_ms']:.2f} ms | | |",
            f"| &nbsp; of which rows via aiosqlite p50 / p99 | {rows['p50_ms']:.2f} / "
            f"{rows['p99_ms']:.2f} ms | | |",
            f"| &nbsp; for reference, limit {query['reference_limit']}: p50 / p99 | "
            f"{ref['p50_ms']:.2f} / {ref['p99_ms']:.2f} ms | | |",
            f"| &nbsp; query plan | {'; '.join(query['plan'])} | uses schedules_due "
            f"| {_mark(query['uses_index'] and not query['temp_sort'])} |",
        ]
    posting = results.get("posting")
    if posting:
        rate = posting["post_rate"]
        windows = posting["windows_per_s"]
        lines += [
            f"| posting: schedules / ticks ({posting['driver']}) | {posting['schedules']:,} / "
            f"{posting['ticks']} | | |",
            f"| posting: wall time | {posting['wall_s']:.1f} s | "
            f"~{posting['schedules'] / rate:.0f} s at {rate:g}/s | |",
            f"| posting: posts/s overall | {posting['posts_per_s']:.2f} | "
            f">= {RATE_SHARE_TARGET * rate:g} ({RATE_SHARE_TARGET:.0%} of {rate:g}) "
            f"| {_mark(posting['posts_per_s'] >= RATE_SHARE_TARGET * rate)} |",
            f"| posting: posts/s in {posting['window_s']:g} s windows (min / median / max) | "
            f"{posting['window_min_per_s']:.1f} / "
            f"{statistics.median(windows) if windows else 0:.1f} / "
            f"{posting['window_max_per_s']:.1f} | | |",
            f"| posting: busiest trailing second | {posting['busiest_second']} requests | "
            f"<= {posting['global_rate_limit']} | "
            f"{_mark(posting['busiest_second'] <= posting['global_rate_limit'])} |",
            f"| posting: 429 replies | {posting['rate_limited_429']} | 0 "
            f"| {_mark(posting['rate_limited_429'] == 0)} |",
            f"| posting: POSTs ok / channel messages / distinct nonces / posts table | "
            f"{posting['posts_ok']:,} / {posting['channel_messages']:,} / "
            f"{posting['distinct_nonces']:,} / {posting['posts_table_sent']:,} | "
            f"{posting['schedules']:,} each | {_mark(posting['exactly_once'])} |",
        ]
    info = results["machine"]
    lines.append("")
    lines.append(
        f"{info['cores']} cores, Python {info['python']}, SQLite {info['sqlite']}, "
        f"discord.py {info['discord.py']}; load average at start "
        f"{', '.join(map(str, info['load_average_at_start']))}"
    )
    return "\n".join(lines)


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.scheduler_bench", description=__doc__)
    parser.add_argument("--schedules", type=int, default=DEFAULT_SCHEDULES, help="posting run")
    parser.add_argument(
        "--query-schedules", type=_sizes, default=list(DEFAULT_QUERY_SIZES), help="due query"
    )
    parser.add_argument("--query-runs", type=int, default=300)
    parser.add_argument("--post-rate", type=float, help="Settings.post_rate (default 40)")
    parser.add_argument("--rate-limit", type=int, default=DISCORD_GLOBAL_LIMIT)
    parser.add_argument("--channels", type=int, default=DEFAULT_CHANNELS)
    parser.add_argument(
        "--loop-interval",
        type=float,
        help="post through the bot's own scheduler loop (a tick every N s, 20 in production) "
        "instead of calling tick() back to back",
    )
    parser.add_argument("--batch", type=int, help="replace SchedulerConfig().batch (posting)")
    parser.add_argument("--only", choices=("query", "posting"))
    parser.add_argument("--workdir", type=Path, help="where the temporary databases go")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": describe(), "query": [], "posting": None}

    def progress(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    if args.only != "posting":
        for size in args.query_schedules:
            progress(f"due query at {size:,} schedules")
            results["query"].append(
                await run_query(size, runs=args.query_runs, workdir=args.workdir)
            )
    if args.only != "query" and args.schedules > 0:
        progress(f"posting {args.schedules:,} schedules")
        results["posting"] = await run_posting(
            args.schedules,
            post_rate=args.post_rate,
            rate_limit=args.rate_limit,
            channels=args.channels,
            loop_interval=args.loop_interval,
            batch=args.batch,
            workdir=args.workdir,
            progress=progress,
        )
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = {
        "due_p99_ms": QUERY_TARGET_MS,
        "posts_per_s_share": RATE_SHARE_TARGET,
        "rate_limited_429": 0,
    }
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = asyncio.run(run(args))
    print(markdown_table(results))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
