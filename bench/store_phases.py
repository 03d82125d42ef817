"""The store benchmark's phases: write the library, cold load, then warm start and serve calls."""

from __future__ import annotations

import cProfile
import json
import re
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.stats import ratios
from bench.store_calls import WARMUP_BUDGET_S, baselines, operations, time_calls, try_call
from bench.store_probes import make_probes
from bench.synthetic import write_library
from bot.store import Store
from bot.store.loader import load_library
from bot.store.models import Library


def prepare_phase(folder: Path, quotes: int, seed: int = 0) -> dict[str, Any]:
    """Write the library into `folder`/data and the probes into `folder`/probes.json."""
    start = time.perf_counter_ns()
    data_dir = write_library(folder / "data", quotes, seed)
    generate_s = (time.perf_counter_ns() - start) / 1e9
    library = load_library(data_dir)
    probes = make_probes(library, seed)
    (folder / "probes.json").write_text(json.dumps(probes), encoding="utf-8")
    return {
        "quotes": quotes,
        "generate_s": generate_s,
        "data_bytes": sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file()),
        **_library_counts(library),
        "common_word_share": statistics.mean(probes["common_share"]),
        "frequent_word_share": statistics.mean(probes["frequent_share"]),
    }


def _library_counts(library: Library) -> dict[str, int]:
    readings = library.readings
    return {
        "readings": len(readings),
        "passages": sum(len(r.passages) for r in readings),
        "speakers": sum(len(r.speakers) for r in readings),
        "concepts": sum(len(r.concepts) for r in readings),
        "concept_spellings": sum(1 + len(c.aliases) for r in readings for c in r.concepts),
        "publications": sum(len(r.publications) for r in readings),
    }


async def cold_phase(
    data_dir: Path, database: Path, runs: int, profile: Path | None = None
) -> dict[str, Any]:
    """Open a new database `runs` times; every run loads, validates and builds from scratch."""
    baseline = _rss_mb()
    seconds = []
    for _ in range(runs):
        _remove_database(database)
        start = time.perf_counter_ns()
        store = await Store.open(database, data_dir)
        seconds.append((time.perf_counter_ns() - start) / 1e9)
        await store.close()
    peak = _rss_mb()
    if profile:
        _remove_database(database)
        profiler = cProfile.Profile()
        profiler.enable()
        store = await Store.open(database, data_dir)
        profiler.disable()
        await store.close()
        profiler.dump_stats(profile / "cold_load.prof")
    return {
        "cold_load_s": statistics.median(seconds),
        "cold_load_runs_s": seconds,
        "db_bytes": _database_bytes(database),
        "rss_baseline_mb": baseline,
        "rss_cold_peak_mb": peak,
    }


async def serve_phase(
    data_dir: Path,
    database: Path,
    probes: dict[str, list],
    runs: int,
    calls: int,
    seed: int = 0,
    profile: Path | None = None,
) -> dict[str, Any]:
    """Warm starts on the built database, then every call timed in one open store."""
    baseline = _rss_mb()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        store = await Store.open(database, data_dir)
        seconds.append((time.perf_counter_ns() - start) / 1e9)
        await store.close()
    results: dict[str, Any] = {}
    naive: dict[str, Any] = {}
    async with await Store.open(database, data_dir) as store:
        for name, kind, call, arguments in operations(store, probes, seed):
            if not arguments:
                raise ValueError(f"no probes for {name!r}")
            results[name] = {"kind": kind, **await time_calls(call, arguments, calls)}
        peak = _rss_mb()
        for name, beside, call, arguments in baselines(store, probes):
            figures = await time_calls(call, arguments, calls)
            naive[name] = {"beside": beside, **figures, **ratios(figures, results[beside])}
        if profile:
            for name, _, call, arguments in operations(store, probes, seed):
                profiler = cProfile.Profile()
                until = time.perf_counter_ns() + int(WARMUP_BUDGET_S * 5e9)
                profiler.enable()
                for index in range(min(calls, 100)):
                    await try_call(call, arguments[index % len(arguments)])
                    if time.perf_counter_ns() > until:
                        break
                profiler.disable()
                profiler.dump_stats(profile / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.prof")
    return {
        "warm_start_s": statistics.median(seconds),
        "warm_start_runs_s": seconds,
        "rss_serve_baseline_mb": baseline,
        "rss_serve_peak_mb": peak,
        "calls": results,
        "baselines": naive,
    }


def _rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _database_bytes(path: Path) -> int:
    return sum(
        Path(f"{path}{suffix}").stat().st_size
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )
