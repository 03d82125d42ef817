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

It prints a markdown table with the targets and, with `--json`, writes every figure. The two
parts are in `bench.scheduler_query` and `bench.scheduler_posting`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

from bench.machine import describe, machine_summary
from bench.scheduler_posting import DISCORD_GLOBAL_LIMIT, RATE_SHARE_TARGET, run_posting
from bench.scheduler_query import run_query
from bench.scheduler_rows import DEFAULT_CHANNELS
from bench.stats import render_table

DEFAULT_QUERY_SIZES = (10_000, 100_000)
DEFAULT_SCHEDULES = 10_000
QUERY_TARGET_MS = 10.0  # p99 of the due query, at 10k (issue 4) and at 100k (issue 5)


def _row(measure: str, value: str, target: str = "", met: bool | None = None) -> list[str]:
    return [measure, value, target, "" if met is None else "yes" if met else "**NO**"]


def markdown_table(results: dict[str, Any]) -> str:
    """A row per figure, with its target and whether it is met where it has one; then the
    machine."""
    rows: list[list[str]] = []
    for query in results.get("query", []):
        due, sql = query["due"], query["sql_only"]
        aiosqlite_rows, ref = query["aiosqlite_rows"], query["due_reference_limit"]
        rows += [
            _row(
                f"due query, {query['schedules']:,} schedules: p50 / p99",
                f"{due['p50_ms']:.2f} / {due['p99_ms']:.2f} ms "
                f"({query['returned']} of {query['due_now']:,} due)",
                f"p99 < {QUERY_TARGET_MS:g} ms",
                due["p99_ms"] < QUERY_TARGET_MS,
            ),
            _row(
                "&nbsp; of which SQL alone (sqlite3) p50 / p99",
                f"{sql['p50_ms']:.2f} / {sql['p99_ms']:.2f} ms",
            ),
            _row(
                "&nbsp; of which rows via aiosqlite p50 / p99",
                f"{aiosqlite_rows['p50_ms']:.2f} / {aiosqlite_rows['p99_ms']:.2f} ms",
            ),
            _row(
                f"&nbsp; for reference, limit {query['reference_limit']}: p50 / p99",
                f"{ref['p50_ms']:.2f} / {ref['p99_ms']:.2f} ms",
            ),
            _row(
                "&nbsp; query plan",
                "; ".join(query["plan"]),
                "uses schedules_due",
                query["uses_index"] and not query["temp_sort"],
            ),
        ]
    posting = results.get("posting")
    if posting:
        rate = posting["post_rate"]
        windows = posting["windows_per_s"]
        median_window = statistics.median(windows) if windows else 0
        limit = posting["global_rate_limit"]
        rows += [
            _row(
                f"posting: schedules / ticks ({posting['driver']})",
                f"{posting['schedules']:,} / {posting['ticks']}",
            ),
            _row(
                "posting: wall time",
                f"{posting['wall_s']:.1f} s",
                f"~{posting['schedules'] / rate:.0f} s at {rate:g}/s",
            ),
            _row(
                "posting: posts/s overall",
                f"{posting['posts_per_s']:.2f}",
                f">= {RATE_SHARE_TARGET * rate:g} ({RATE_SHARE_TARGET:.0%} of {rate:g})",
                posting["posts_per_s"] >= RATE_SHARE_TARGET * rate,
            ),
            _row(
                f"posting: posts/s in {posting['window_s']:g} s windows (min / median / max)",
                f"{posting['window_min_per_s']:.1f} / {median_window:.1f} / "
                f"{posting['window_max_per_s']:.1f}",
            ),
            _row(
                "posting: busiest trailing second",
                f"{posting['busiest_second']} requests",
                f"<= {limit}",
                posting["busiest_second"] <= limit,
            ),
            _row(
                "posting: 429 replies",
                str(posting["rate_limited_429"]),
                "0",
                posting["rate_limited_429"] == 0,
            ),
            _row(
                "posting: POSTs ok / channel messages / distinct nonces / posts table",
                f"{posting['posts_ok']:,} / {posting['channel_messages']:,} / "
                f"{posting['distinct_nonces']:,} / {posting['posts_table_sent']:,}",
                f"{posting['schedules']:,} each",
                posting["exactly_once"],
            ),
        ]
    info = results["machine"]
    load = ", ".join(map(str, info["load_average_at_start"]))
    table = render_table(["measure", "value", "target", "met"], rows)
    return f"{table}\n\n{machine_summary(info)}; load average at start {load}"


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
