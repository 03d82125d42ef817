"""Benchmark of the library as it changes while the bot serves: a full build beside the reload
of one added or changed reading, lookups during reloads, and lookups 50 at a time.

    python -m bench.library_bench [--quotes 100000] [--readings 100] [--json PATH]
    python -m bench --only library          (the same, as part of `make bench`'s report)

It writes a synthetic library (`bench.synthetic`: 100 readings of 1000 quotes by default) and
one more reading from another seed into a temporary folder, then measures, in this process:

* full build: `Store.open` on a new database (load and validate every reading, build SQLite
  and FTS); the store opened by the last build serves everything below;
* reload, nothing changed: `store.reload()` when no file changed (hashing every folder);
* adding one reading: the extra reading's folder copied into the data folder under a new id
  (its reading.toml's id renamed to match), then `store.reload()`; removing it again, then
  `store.reload()`; changing one reading: one concept's definition in the concepts.toml of the
  middle reading reworded, then `store.reload()`. Each `--runs` times, and only the reload is
  timed; each reload must report exactly that reading added, removed or replaced. Targets: adding
  and changing under 1 s (median); each is also given as a share of the full build.
* lookups during reloads: a mix of lookups (`define`, `expert`, `random_quote` on a topic,
  `publications` on a topic, `search`, round-robin, on the end-to-end benchmark's arguments)
  asked at a steady `--rate` (200 a second) by `--tasks` (4) concurrent callers in this
  process, first while `--reloads` reloads of a changed reading run back to back in the same
  event loop (as the bot runs them; a new change before each), then for as long again with no
  reload. A caller asks each lookup when it is due, or at once if it is late, and its latency
  counts from when it was due: a stall then counts for every lookup it holds up, as members
  would see it, where callers that wait for each answer before asking again would record it
  once. The latency from when it was sent is given too. Target: p99 during the reloads within
  2x of p99 without, and no lookup failing.
* concurrency 50, measured as `bench.e2e_bench` measures it today, end to end: the real bot in
  a child process against the local Discord, on this library's database (after the reloads),
  each lookup command one at a time and in bursts of 50 frames (`bench.e2e_measure`), beside
  the floor command (`/bench_floor`, a fixed answer) at the same concurrency. Target (the
  end-to-end benchmark's): each command's p99 within 2x of the floor's. Also given: each
  command's p99 at 50 as a multiple of its own p99 one at a time, and the same two ways of
  asking at the store level (`--calls` calls of each lookup, one at a time and in bursts of 50
  `asyncio.gather`ed calls, on the store's pool of read-only connections). Neither has a target:
  50 callers at once on 2 cores wait for one another whatever the store does.

It prints a markdown table with the targets (at 100k quotes on this 2-core machine) and, with
`--json`, writes every figure. The changes and the lookups are in `bench.library_phases`, the
report in `bench.library_report`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.e2e_cases import CHOICES_FLOOR, FLOOR, make_cases
from bench.e2e_measure import run_against_bot
from bench.library_phases import (
    LibraryEdits,
    asked_during,
    at_concurrency,
    lookup_mix,
    reloads_back_to_back,
    timed_reload,
    warm_up,
)
from bench.library_report import BURST, has_failures, markdown_table, targets
from bench.machine import describe, machine_summary
from bench.stats import render_table
from bench.store_probes import make_probes
from bench.synthetic import write_library
from bot.store import Store
from bot.store.loader import load_library, reading_dirs

DEFAULT_QUOTES = 100_000
DEFAULT_READINGS = 100
COMMANDS = ("define", "expert", "quote", "publications", "search")
MIN_QUIET_S = 3.0  # the phase without reloads lasts as long as the one with, and at least this


def run(
    quotes: int = DEFAULT_QUOTES,
    *,
    readings: int = DEFAULT_READINGS,
    builds: int = 1,
    runs: int = 3,
    reloads: int = 4,
    tasks: int = 4,
    rate: float = 200.0,
    calls: int = 200,
    seed: int = 0,
    workdir: Path | None = None,
) -> dict[str, Any]:
    """Every figure for a library of `quotes` quotes in `readings` readings (JSON-serialisable)."""
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    per_reading = max(1, round(quotes / readings))
    with tempfile.TemporaryDirectory(prefix=f"library-bench-{quotes}-", dir=workdir) as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        data_dir = write_library(folder / "data", quotes, seed, per_reading=per_reading)
        generate_s = time.perf_counter() - start
        extra = write_library(folder / "extra", per_reading, seed + 1, per_reading=per_reading)
        (extra_reading,) = reading_dirs(extra)
        library = load_library(data_dir)
        probes = make_probes(library, seed)
        types = sorted({p.type for r in library.readings for p in r.publications})
        counts = {
            "readings": len(library.readings),
            "passages": sum(len(r.passages) for r in library.readings),
            "concepts": sum(len(r.concepts) for r in library.readings),
        }
        del library
        figures = asyncio.run(
            _measure(
                folder,
                data_dir,
                extra_reading,
                probes,
                types,
                builds=builds,
                runs=runs,
                reloads=reloads,
                tasks=tasks,
                rate=rate,
                calls=calls,
                seed=seed,
            )
        )
    return {
        "quotes": quotes,
        **counts,
        "seed": seed,
        "generate_s": generate_s,
        **figures,
        "load_average": [load_before, os.getloadavg()[0]],
        "duration_s": time.perf_counter() - started,
    }


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _runs(seconds: list[float], build_s: float) -> dict[str, Any]:
    median = statistics.median(seconds)
    return {
        "median_s": median,
        "max_s": max(seconds),
        "runs_s": seconds,
        "of_build": median / build_s,
    }


async def _measure(
    folder: Path,
    data_dir: Path,
    extra: Path,
    probes: dict[str, list],
    types: list[str],
    *,
    builds: int,
    runs: int,
    reloads: int,
    tasks: int,
    rate: float,
    calls: int,
    seed: int,
) -> dict[str, Any]:
    database = folder / "store.db"
    build_runs: list[float] = []
    store: Store | None = None
    for _ in range(builds):
        if store is not None:
            await store.close()
        _remove_database(database)
        start = time.perf_counter_ns()
        store = await Store.open(database, data_dir)
        build_runs.append((time.perf_counter_ns() - start) / 1e9)
    assert store is not None
    build_s = statistics.median(build_runs)
    try:
        folders = reading_dirs(data_dir)
        edits = LibraryEdits(data_dir, extra, folders[len(folders) // 2])
        unchanged: list[float] = []
        for _ in range(runs):
            start = time.perf_counter_ns()
            report = await store.reload()
            unchanged.append((time.perf_counter_ns() - start) / 1e9)
            if report.changed:
                raise RuntimeError(f"a reload with nothing changed did: {report.summary()}")
        added, removed, changed = [], [], []
        for _ in range(runs):
            added.append(await timed_reload(store, "added", edits.add()))
            removed.append(await timed_reload(store, "removed", edits.remove()))
            changed.append(await timed_reload(store, "replaced", edits.change()))
        mix = lookup_mix(store, probes, seed)
        await warm_up(mix)
        back_to_back: list[float] = []

        async def reloading() -> None:
            back_to_back.extend(await reloads_back_to_back(store, edits, reloads))

        during = await asked_during(mix, tasks, rate, reloading())
        quiet_s = max(during["seconds"], MIN_QUIET_S)
        quiet = await asked_during(mix, tasks, rate, asyncio.sleep(quiet_s))
        store_burst = await at_concurrency(mix, calls, BURST)
    finally:
        await store.close()
    e2e = await _end_to_end(folder, data_dir, database, probes, types, calls, seed)
    return {
        "build_s": build_s,
        "build_runs_s": build_runs,
        "reload_unchanged": _runs(unchanged, build_s),
        "add": _runs(added, build_s),
        "remove": _runs(removed, build_s),
        "change": _runs(changed, build_s),
        "during_reload": {
            "tasks": tasks,
            "rate_per_s": rate,
            "reloads_s": back_to_back,
            "reloading": during,
            "quiet": quiet,
            "p99_ratio": during["p99_ms"] / quiet["p99_ms"],
        },
        "store_concurrency": store_burst,
        "e2e": e2e,
    }


async def _end_to_end(
    folder: Path,
    data_dir: Path,
    database: Path,
    probes: dict[str, list],
    types: list[str],
    calls: int,
    seed: int,
) -> dict[str, Any]:
    """The lookup commands and the floor through the real bot, one at a time and in bursts."""
    wanted = {FLOOR, CHOICES_FLOOR, *COMMANDS}
    cases = [case for case in make_cases(probes, types) if case.label in wanted]
    figures, errors = await run_against_bot(
        cases, calls, seed, data_dir, database, folder / "bot.log"
    )
    alone, burst = figures["1"]["commands"], figures[str(BURST)]["commands"]
    for name, row in burst.items():
        one = alone[name]["p99_ms"]
        row["p99_to_alone"] = row["p99_ms"] / one if row["n"] and one else None
    rows = [figures[c][FLOOR] for c in figures] + [
        row for c in figures for row in figures[c]["commands"].values()
    ]
    return {
        "calls": calls,
        "concurrency": figures,
        "failed_callbacks": sum(row["failed"] for row in rows),
        "bot_errors": len(errors),
        "bot_error_lines": errors[:20],
    }


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.library_bench", description=__doc__)
    parser.add_argument("--quotes", type=int, default=DEFAULT_QUOTES)
    parser.add_argument("--readings", type=int, default=DEFAULT_READINGS)
    parser.add_argument("--builds", type=int, default=1, help="full builds (the median counts)")
    parser.add_argument("--runs", type=int, default=3, help="adds, removes and changes timed")
    parser.add_argument("--reloads", type=int, default=4, help="back-to-back reloads")
    parser.add_argument("--tasks", type=int, default=4, help="concurrent callers of lookups")
    parser.add_argument("--rate", type=float, default=200.0, help="lookups a second, in all")
    parser.add_argument("--calls", type=int, default=200, help="calls of each lookup at 1 and 50")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--workdir", type=Path, help="where the temporary library goes")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    machine = describe()
    print(f"library benchmark, {args.quotes:,} quotes ...", file=sys.stderr, flush=True)
    result = run(
        args.quotes,
        readings=args.readings,
        builds=args.builds,
        runs=args.runs,
        reloads=args.reloads,
        tasks=args.tasks,
        rate=args.rate,
        calls=args.calls,
        seed=args.seed,
        workdir=args.workdir,
    )
    found = targets(result)
    print(
        render_table(
            ["target", "measured", "met"],
            [[t["target"], t["measured"], "yes" if t["met"] else "**no**"] for t in found],
        )
    )
    print()
    print(markdown_table(result))
    print(f"\n{machine_summary(machine)}, commit {machine['commit']}.")
    if args.json:
        report = {"machine": machine, "library": result, "targets": found}
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 1 if has_failures(result) else 0


if __name__ == "__main__":
    sys.exit(main())
