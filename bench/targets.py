"""The issues' targets, each with what a `make bench` report measured against it and whether
it is met, of the benchmarks that ran."""

from __future__ import annotations

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
from bench.scheduler_posting import RATE_SHARE_TARGET
from bench.stats import times

GROWTH_TARGET = 2.0


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
