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
from bench.scheduler_posting import RATE_SHARE_TARGET
from bench.stats import render_table, times

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "bench" / "results.json"
# Posting runs at the configured budget (40/s): 2,000 posts take about 50 s.
DEFAULT_POSTS = 2000
GROWTH_TARGET = 2.0
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


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with what was measured at the largest size, and whether met;
    of the benchmarks that ran."""
    found: list[dict[str, Any]] = []

    def add(target: str, value: str, met: bool) -> None:
        found.append({"target": target, "measured": value, "met": met})

    if report.get("e2e"):
        e2e = report["e2e"][-1]
        size = f"{e2e['quotes']:,} quotes"
        for concurrency, measured in e2e["concurrency"].items():
            commands = measured["commands"]
            unanswered = sorted(name for name, row in commands.items() if row["p50_ratio"] is None)
            answered = {name: row for name, row in commands.items() if name not in unanswered}
            worst50 = max(answered, key=lambda name: answered[name]["p50_ratio"])
            worst99 = max(answered, key=lambda name: answered[name]["p99_ratio"])
            p50, p99 = answered[worst50]["p50_ratio"], answered[worst99]["p99_ratio"]
            value = f"worst p50 {times(p50)} ({worst50}), worst p99 {times(p99)} ({worst99})"
            if unanswered:
                value += f"; no answer at all from {', '.join(unanswered)}"
            add(
                f"every lookup command end to end at concurrency {concurrency}, {size}: "
                "p50 within 1.5x the floor, p99 within 2x",
                value,
                not unanswered
                and p50 <= e2e_bench.TARGETS["p50_ratio"]
                and p99 <= e2e_bench.TARGETS["p99_ratio"],
            )
        if e2e_bench.has_failures(e2e):
            add(
                f"every interaction answered, and no error in the bot's log, {size}",
                f"{e2e['failed_callbacks']} failed callbacks, {e2e['bot_errors']} logged errors",
                False,
            )
    if report.get("store"):
        store = report["store"][-1]
        size = f"{store['quotes']:,} quotes"
        for kind, key in (("search", "search_p99_ms"), ("autocomplete", "autocomplete_p99_ms")):
            calls = {n: c for n, c in store["calls"].items() if c["kind"] == kind}
            worst = max(calls, key=lambda name: calls[name]["p99_ms"])
            limit = store_bench.TARGETS[key]
            p99 = calls[worst]["p99_ms"]
            add(
                f"store {kind} p99 under {limit:g} ms, {size}",
                f"{p99:.2f} ms ({worst})",
                p99 < limit,
            )
        baselines = store["baselines"]
        least = min(baselines, key=lambda name: baselines[name]["p99_ratio"])
        ratio = baselines[least]["p99_ratio"]
        add(
            f"search and autocomplete at least 10x faster than the naive baselines (p99), {size}",
            f"least {times(ratio, '.1f')} ({least})",
            ratio >= store_bench.TARGETS["naive_ratio"],
        )
        growth = lookup_growth(report["store"][0], store)
        worst = max(growth, key=growth.__getitem__)
        add(
            f"lookup latency (p50) grows less than {GROWTH_TARGET:g}x from "
            f"{report['store'][0]['quotes']:,} to {store['quotes']:,} quotes",
            f"at most {growth[worst]:.2f}x ({worst})",
            growth[worst] < GROWTH_TARGET,
        )
        for label, key, limit, unit in (
            ("warm start", "warm_start_s", store_bench.TARGETS["warm_start_s"], "s"),
            ("cold load", "cold_load_s", store_bench.TARGETS["cold_load_s"], "s"),
            ("peak RSS, cold load", "rss_cold_peak_mb", store_bench.TARGETS["rss_mb"], "MB"),
            ("peak RSS, serving", "rss_serve_peak_mb", store_bench.TARGETS["rss_mb"], "MB"),
        ):
            value = store[key]
            add(f"{label} under {limit:g} {unit}, {size}", f"{value:.2f} {unit}", value < limit)
    if "scheduler" in report:
        for query in report["scheduler"]["query"]:
            p99 = query["due"]["p99_ms"]
            add(
                f"scheduler due query p99 under {scheduler_bench.QUERY_TARGET_MS:g} ms, "
                f"{query['schedules']:,} schedules",
                f"{p99:.2f} ms",
                p99 < scheduler_bench.QUERY_TARGET_MS,
            )
        posting = report["scheduler"]["posting"]
        add(
            f"posting sustains {RATE_SHARE_TARGET:.0%} of the configured rate "
            "with no 429, each schedule posted once",
            f"{posting['posts_per_s']:.1f}/s of {posting['post_rate']:g}/s, "
            f"{posting['rate_limited_429']} x 429, exactly once: {posting['exactly_once']}",
            posting["rate_sustained"] and posting["exactly_once"],
        )
    if "memory" in report:
        memory = report["memory"]
        first, last = memory["checkpoints"][0]["rss_mb"], memory["checkpoints"][-1]["rss_mb"]
        value = f"{memory['growth_mb']:+.1f} MB ({first:.1f} → {last:.1f} MB)"
        if memory_bench.has_failures(memory):
            value += (
                f"; {memory['failed']} unanswered or refused, {memory['bot_errors']} logged errors"
            )
        add(
            f"{memory_bench.growth_label(memory)} under {memory['target_mb']:g} MB "
            "(mixed lookups, pages turned and shared)",
            value,
            memory["met"],
        )
    if "curate" in report:
        curate = report["curate"]["evaluation"]
        for key, label in (
            ("recall", "quotation recall"),
            ("precision", "quotation precision"),
            ("speaker", "speaker right, of quotations found"),
            ("roles", "role given, of speakers the article describes"),
        ):
            target = curate_bench.TARGETS[key]
            add(
                f"curate draft: {label} at least {target}, evaluation set",
                f"{curate[key]:.3f}",
                curate[key] >= target,
            )
        seconds = report["curate"]["long_article_s"]
        add(
            f"curate draft of a {report['curate']['long_article_words']:,}-word article under "
            f"{curate_bench.TARGETS['seconds']:g} s",
            f"{seconds:.2f} s",
            seconds < curate_bench.TARGETS["seconds"],
        )
    if "library" in report:
        found += library_bench.targets(report["library"])
    if "study" in report:
        found += study_bench.targets(report["study"])
    if "postgres" in report:
        found += postgres_bench.targets(report["postgres"])
    return found


def lookup_growth(smallest: dict[str, Any], largest: dict[str, Any]) -> dict[str, float]:
    """How much each lookup's p50 grew between the smallest and the largest size."""
    return {
        name: call["p50_ms"] / smallest["calls"][name]["p50_ms"]
        for name, call in largest["calls"].items()
        if call["kind"] == "lookup"
    }


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
