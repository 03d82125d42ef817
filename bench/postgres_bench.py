"""Benchmark of the state on PostgreSQL (issue 15): the due query at 100k schedules, and 2,000
posts from two bot processes within the bot's shared budget.

    python -m bench.postgres_bench [--query-schedules 100000] [--posts 2000] [--json PATH]

A real PostgreSQL is started from the `pgserver` package's binaries in a temporary folder (as
the tests do), with a database for each part. The parts are in `bench.postgres_query` and
`bench.postgres_posting`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.postgres_posting import run_posting
from bench.postgres_query import run_query
from bench.stats import render_table

QUERY_TARGET_MS = 10.0
DEFAULT_QUERY_SCHEDULES = 100_000
DEFAULT_POSTS = 2000


def run(
    query_schedules: int = DEFAULT_QUERY_SCHEDULES,
    posts: int = DEFAULT_POSTS,
    *,
    workdir: Path | None = None,
    new_database: Callable[[], str] | None = None,
) -> dict[str, Any]:
    """Every figure, JSON-serialisable. `new_database` gives the address of a new, empty
    database; without it, a PostgreSQL of its own is started for the run."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="postgres-bench-", dir=workdir) as tmp:
        folder = Path(tmp)
        with contextlib.ExitStack() as stack:
            if new_database is None:
                new_database = stack.enter_context(_postgres(folder / "pgdata"))
            query = asyncio.run(run_query(new_database(), query_schedules))
            (folder / "posting").mkdir()
            posting = asyncio.run(run_posting(new_database(), posts, folder / "posting"))
    return {
        "query": query,
        "posting": posting,
        "query_target_ms": QUERY_TARGET_MS,
        "duration_s": round(time.perf_counter() - started, 1),
    }


@contextlib.contextmanager
def _postgres(folder: Path) -> Iterator[Callable[[], str]]:
    """A PostgreSQL from the `pgserver` package's binaries (a development dependency, as in the
    tests) in `folder`, stopped at the end; yields a maker of new databases."""
    import pgserver

    logging.getLogger("pgserver").disabled = True
    server = pgserver.get_server(folder, cleanup_mode="stop")

    def new_database() -> str:
        name = f"bench_{uuid.uuid4().hex[:12]}"
        server.psql(f"CREATE DATABASE {name};")
        return server.get_uri(name)

    try:
        yield new_database
    finally:
        server.cleanup()


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    query, posting = report["query"], report["posting"]
    p99 = query["due"]["p99_ms"]
    return [
        {
            "target": f"PostgreSQL: due query p99 under {QUERY_TARGET_MS:g} ms, "
            f"{query['schedules']:,} schedules",
            "measured": f"{p99:.2f} ms",
            "met": p99 < QUERY_TARGET_MS,
        },
        {
            "target": f"PostgreSQL: {posting['schedules']:,} posts from {posting['processes']} "
            "processes within the shared budget, no 429, each exactly once",
            "measured": f"{posting['posts_per_s_first_to_last']:.1f}/s of "
            f"{posting['budget_per_s']:g}/s, busiest second {posting['busiest_second']}, "
            f"{posting['rate_limited_429']} x 429, exactly once: {posting['exactly_once']}",
            "met": posting["within_budget"] and posting["exactly_once"],
        },
    ]


def markdown_table(report: dict[str, Any]) -> str:
    query, posting = report["query"], report["posting"]
    rows = []
    for label, key in (
        ("due query, every shard", "due"),
        ("due query, one shard of two", "due_half_of_shards"),
    ):
        row = query[key]
        rows.append(
            [
                f"{label}: p50 / p99 / max ms",
                f"{row['p50_ms']:.2f} / {row['p99_ms']:.2f} / {row['max_ms']:.2f}",
            ]
        )
    rows += [
        ["due query uses the schedules_due index", str(query["uses_index"])],
        ["posting: wall time (both processes started to all sent)", f"{posting['wall_s']:.1f} s"],
        ["posting: posts a second, first to last", f"{posting['posts_per_s_first_to_last']:.1f}"],
        [
            "posting: busiest second, both / each",
            f"{posting['busiest_second']} / {posting['busiest_second_each']}",
        ],
        ["posting: posts by each process", str(posting["posts_each"])],
        ["posting: 429 replies", str(posting["rate_limited_429"])],
        ["posting: each schedule exactly once", str(posting["exactly_once"])],
    ]
    return render_table(["measure", "value"], rows) + (
        f"\n\n{query['schedules']:,} schedules ({query['due_now']:,} due, batch {query['limit']}); "
        f"{posting['schedules']:,} posts from {posting['processes']} processes at "
        f"{posting['post_rate_each']:g}/s each, Discord's limit {posting['global_rate_limit']}/s "
        "per bot."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.postgres_bench", description=__doc__)
    parser.add_argument("--query-schedules", type=int, default=DEFAULT_QUERY_SCHEDULES)
    parser.add_argument("--posts", type=int, default=DEFAULT_POSTS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    report = run(args.query_schedules, args.posts)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(markdown_table(report))
    for target in targets(report):
        print(f"{'met' if target['met'] else 'NOT met'}: {target['target']}: {target['measured']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
