"""`make bench`: every benchmark in one run, its figures in one file and one table.

    python -m bench [--sizes 1000,10000,100000] [--memory-answers 10000] [--json bench/results.json]
    python -m bench --only library          (one benchmark, or several: --only store,e2e)

Runs, in order: the store benchmark (`bench.store_bench`: cold load, warm start, database size,
RSS, store calls and the naive baselines) and the end-to-end benchmark (`bench.e2e_bench`:
commands and autocomplete through the local Discord, as ratios to the floor) at each size, then
the scheduler benchmark (`bench.scheduler_bench`: the due query, posting under the rate budget),
then the memory benchmark (`bench.memory_bench`: the bot's RSS as it answers mixed lookups),
the curate benchmark (`bench.curate_bench`: quotations and speakers against gold annotations),
the library benchmark (`bench.library_bench`: a full build beside the reload of one added
or changed reading, lookups during reloads, lookups 50 at a time) at the largest size, or at
`--library-quotes`, and the study benchmark (`bench.study_bench`: the next review card and a
quiz question with `--study-cards` review cards) at the largest size, and the PostgreSQL
benchmark (`bench.postgres_bench`: the due query at `--pg-query-schedules` schedules, `--posts`
posts from two bot processes sharing one budget). `--only` runs the
benchmarks it names and no other, keeping the others' figures from the report already in
`--json`. It writes every figure, the sizes and the machine to `--json`, and prints the issues'
targets with the value measured against each, then each benchmark's own table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import (
    curate_bench,
    e2e_bench,
    library_bench,
    memory_bench,
    postgres_bench,
    scheduler_bench,
    store_bench,
    study_bench,
)
from bench.machine import describe, machine_summary
from bench.stats import render_table
from bench.targets import targets

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "bench" / "results.json"
# Posting runs at the configured budget (40/s): 2,000 posts take about 50 s.
DEFAULT_POSTS = 2000
BENCHMARKS = ("store", "e2e", "scheduler", "memory", "curate", "library", "study", "postgres")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, store_bench.DEFAULT_SIZES)))
    parser.add_argument("--runs", type=int, default=3, help="cold loads and warm starts a size")
    parser.add_argument("--calls", type=int, default=300, help="timed store calls of each kind")
    parser.add_argument("--e2e-calls", type=int, default=200, help="interactions of each case")
    parser.add_argument("--posts", type=int, default=DEFAULT_POSTS, help="schedules posted")
    parser.add_argument("--query-schedules", default="10000,100000", help="due-query sizes")
    parser.add_argument(
        "--pg-query-schedules",
        type=int,
        default=postgres_bench.DEFAULT_QUERY_SCHEDULES,
        help="due-query size on PostgreSQL",
    )
    parser.add_argument(
        "--memory-answers", type=int, default=memory_bench.ANSWERS, help="lookups answered"
    )
    parser.add_argument(
        "--library-quotes", type=int, help="the library benchmark's size (default: the largest)"
    )
    parser.add_argument(
        "--library-reloads", type=int, default=4, help="back-to-back reloads, library benchmark"
    )
    parser.add_argument(
        "--study-cards", type=int, default=100_000, help="review cards, study benchmark"
    )
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help=f"some of {', '.join(BENCHMARKS)}"
    )
    parser.add_argument("--workdir", type=Path, help="where the temporary files go")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(args.only) - set(BENCHMARKS))
    if unknown or not args.only:
        parser.error(f"--only takes some of {', '.join(BENCHMARKS)}, not {args.only}")
    return args


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every benchmark (or those `--only` names), in one report."""
    started = time.perf_counter()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    report: dict[str, Any] = {"machine": describe(), "sizes": sizes}
    # The store benchmark first: its phases run in child processes, whose peak RSS starts from
    # this process's, and the end-to-end benchmark grows this one (the sandbox, the probes).
    if "store" in args.only:
        report["store"] = []
        for size in sizes:
            _progress(f"store benchmark, {size:,} quotes ...")
            report["store"].append(
                store_bench.run_size(size, runs=args.runs, calls=args.calls, workdir=args.workdir)
            )
    if "e2e" in args.only:
        report["e2e"] = []
        for size in sizes:
            _progress(f"end-to-end benchmark, {size:,} quotes ...")
            report["e2e"].append(
                e2e_bench.run_size(size, calls=args.e2e_calls, workdir=args.workdir)
            )
    if "scheduler" in args.only:
        _progress("scheduler benchmark ...")
        scheduler_args = scheduler_bench.parse_args(
            [
                f"--schedules={args.posts}",
                f"--query-schedules={args.query_schedules}",
                *([f"--workdir={args.workdir}"] if args.workdir else []),
            ]
        )
        report["scheduler"] = asyncio.run(scheduler_bench.run(scheduler_args))
    if "memory" in args.only:
        _progress(f"memory benchmark, {args.memory_answers:,} answers ...")
        report["memory"] = memory_bench.run(args.memory_answers, workdir=args.workdir)
    if "curate" in args.only:
        _progress("curate benchmark ...")
        with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
            report["curate"] = curate_bench.run(Path(folder))
    if "library" in args.only:
        quotes = args.library_quotes or max(sizes)
        _progress(f"library benchmark, {quotes:,} quotes ...")
        report["library"] = library_bench.run(
            quotes, reloads=args.library_reloads, calls=args.e2e_calls, workdir=args.workdir
        )
    if "study" in args.only:
        quotes = max(sizes)
        _progress(f"study benchmark, {quotes:,} quotes, {args.study_cards:,} cards ...")
        report["study"] = study_bench.run(
            quotes, cards=args.study_cards, calls=args.calls, workdir=args.workdir
        )
    if "postgres" in args.only:
        _progress(
            f"PostgreSQL benchmark, {args.pg_query_schedules:,} schedules, {args.posts:,} posts ..."
        )
        report["postgres"] = postgres_bench.run(
            args.pg_query_schedules, args.posts, workdir=args.workdir
        )
    report["targets"] = targets(report)
    report["duration_s"] = time.perf_counter() - started
    return report


def markdown(report: dict[str, Any]) -> str:
    """The targets first, then the table of each benchmark that ran."""
    targets = [
        [t["target"], t["measured"], "yes" if t["met"] else "**no**"] for t in report["targets"]
    ]
    info = report["machine"]
    lines = [
        render_table(["target", "measured", "met"], targets),
        "",
        f"{machine_summary(info)}, commit {info['commit']}; "
        f"the whole run took {report['duration_s'] / 60:.1f} min.",
    ]
    for key, title, table in (
        ("store", "Store", lambda: store_bench.markdown_table(report["store"])),
        ("e2e", "End to end", lambda: e2e_bench.markdown_table(report["e2e"])),
        ("scheduler", "Scheduler", lambda: scheduler_bench.markdown_table(report["scheduler"])),
        ("memory", "Memory", lambda: memory_bench.markdown_table(report["memory"])),
        ("curate", "Curate", lambda: curate_bench.table(report["curate"])),
        ("library", "Library", lambda: library_bench.markdown_table(report["library"])),
        ("study", "Study tools", lambda: study_bench.markdown_table(report["study"])),
        ("postgres", "PostgreSQL", lambda: postgres_bench.markdown_table(report["postgres"])),
    ):
        if report.get(key):
            lines += ["", f"### {title}", "", table()]
    return "\n".join(lines)


def _kept(report: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """With `--only`, the other benchmarks' figures are kept from the report already in
    `--json` (each benchmark's figures come from one run; `kept` says which are older)."""
    if set(args.only) == set(BENCHMARKS) or not args.json.is_file():
        return report
    previous = json.loads(args.json.read_text(encoding="utf-8"))
    kept = [name for name in BENCHMARKS if name not in args.only and name in previous]
    if not kept:
        return report
    for name in kept:
        report[name] = previous[name]
    if {"store", "e2e"} & set(kept):
        report["sizes"] = previous.get("sizes", report["sizes"])
    report["kept"] = {
        "benchmarks": kept,
        "machine": previous.get("machine"),
        "from": (previous.get("kept") or {}).get("from") or previous.get("machine"),
    }
    report["targets"] = targets(report)
    return report


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    report = _kept(run(args), args)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
