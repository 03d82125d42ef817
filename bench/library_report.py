"""The library benchmark's report (`bench.library_bench`): its targets with what was measured,
and its markdown table."""

from __future__ import annotations

import statistics
from typing import Any

from bench.e2e_cases import FLOOR
from bench.e2e_measure import CONCURRENCY
from bench.stats import check, render_table, times

BURST = CONCURRENCY[-1]  # 50: the concurrency of the burst target
TARGETS = {"add_s": 1.0, "change_s": 1.0, "reload_p99_ratio": 2.0, "burst_p99_ratio": 2.0}


def _worst(rows: dict[str, dict[str, Any]], key: str) -> tuple[str, float | None]:
    """The row with the largest `key`; a row without it (nothing answered) counts as worst."""
    missing = [name for name, row in rows.items() if row.get(key) is None]
    if missing:
        return missing[0], None
    name = max(rows, key=lambda n: rows[n][key])
    return name, rows[name][key]


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets, each with what was measured and whether it was met."""
    size = f"{result['quotes']:,} quotes in {result['readings']} readings"
    build = result["build_s"]
    found: list[dict[str, Any]] = []

    def add(target: str, value: str, met: bool) -> None:
        found.append({"target": target, "measured": value, "met": met})

    for key, label in (("add", "adding one reading"), ("change", "changing one reading")):
        row, limit = result[key], TARGETS[f"{key}_s"]
        add(
            f"{label}, then reload: under {limit:g} s (median), {size}",
            f"{row['median_s']:.2f} s (max {row['max_s']:.2f} s of {len(row['runs_s'])}); "
            f"{row['of_build']:.0%} of the full build's {build:.2f} s",
            row["median_s"] < limit,
        )
    during = result["during_reload"]
    reloading, quiet = during["reloading"], during["quiet"]
    value = (
        f"p99 {reloading['p99_ms']:.2f} ms during {len(during['reloads_s'])} reloads, "
        f"{quiet['p99_ms']:.2f} ms without: {times(during['p99_ratio'])}"
    )
    failures = reloading["errors"] + quiet["errors"]
    if failures:
        value += f"; {failures} lookups failed"
    limit = TARGETS["reload_p99_ratio"]
    add(
        f"lookups ({during['rate_per_s']:g}/s) during back-to-back reloads: p99 within "
        f"{limit:g}x of p99 without, {size}",
        value,
        during["p99_ratio"] <= limit and not failures,
    )
    e2e = result["e2e"]
    burst = e2e["concurrency"][str(BURST)]
    name, ratio = _worst(burst["commands"], "p99_ratio")
    alone, to_alone = _worst(burst["commands"], "p99_to_alone")
    limit = TARGETS["burst_p99_ratio"]
    if ratio is None:
        value = f"no answer at all from {name}"
    else:
        value = f"worst p99 {times(ratio)} the floor ({name})"
        if to_alone is not None:
            value += f"; {times(to_alone)} its own p99 one at a time ({alone})"
    if e2e["failed_callbacks"] or e2e["bot_errors"]:
        value += f"; {e2e['failed_callbacks']} failed callbacks, {e2e['bot_errors']} logged errors"
    add(
        f"each lookup command end to end at concurrency {BURST}, after reloads, {size}: "
        f"p99 within {limit:g}x the floor at the same concurrency",
        value,
        ratio is not None
        and ratio <= limit
        and not e2e["failed_callbacks"]
        and not e2e["bot_errors"],
    )
    return found


def has_failures(result: dict[str, Any]) -> bool:
    """Whether a lookup failed or the bot logged an error: the figures do not stand."""
    during, e2e = result["during_reload"], result["e2e"]
    return bool(
        during["reloading"]["errors"]
        or during["quiet"]["errors"]
        or e2e["failed_callbacks"]
        or e2e["bot_errors"]
    )


def _seconds(row: dict[str, Any]) -> str:
    runs = ", ".join(f"{s:.2f}" for s in row["runs_s"])
    return f"{row['median_s']:.3f} s ({row['of_build']:.1%} of the build; runs {runs})"


def _latency(phase: dict[str, Any]) -> str:
    return (
        f"{phase['p50_ms']:.2f} / {phase['p99_ms']:.2f} / {phase['max_ms']:.1f} (n={phase['n']:,})"
    )


def markdown_table(result: dict[str, Any]) -> str:
    """One row per figure, with its target and ✓/✗ where it has one; then what failed."""
    during = result["during_reload"]
    reloading, quiet = during["reloading"], during["quiet"]
    rows = [
        [
            "library",
            "",
            f"{result['quotes']:,} quotes, {result['readings']} readings, "
            f"{result['passages']:,} passages, {result['concepts']:,} concepts",
        ],
        [
            "full build (Store.open, new database)",
            "",
            f"{result['build_s']:.2f} s"
            + (
                f" (median of {len(result['build_runs_s'])})"
                if len(result["build_runs_s"]) > 1
                else ""
            ),
        ],
        ["reload, nothing changed", "", _seconds(result["reload_unchanged"])],
    ]
    for key, label in (
        ("add", "add one reading, reload"),
        ("remove", "remove it, reload"),
        ("change", "change one definition, reload"),
    ):
        limit = TARGETS.get(f"{key}_s")
        verdict = f" {check(result[key]['median_s'] < limit)}" if limit else ""
        target = f"< {limit:g} s" if limit else ""
        rows.append([label, target, _seconds(result[key]) + verdict])
    reload_runs = during["reloads_s"]
    rows.append(
        [
            f"back-to-back reloads of a changed reading ({len(reload_runs)})",
            "",
            f"median {statistics.median(reload_runs):.3f} s, max {max(reload_runs):.3f} s",
        ]
    )
    limit = TARGETS["reload_p99_ratio"]
    rows.append(
        [
            f"lookups at {during['rate_per_s']:g}/s ({during['tasks']} callers), p50 / p99 / "
            "max ms from due: during reloads vs without",
            f"p99 ≤ {limit:g}x",
            f"{_latency(reloading)} vs {_latency(quiet)}: {times(during['p99_ratio'])} "
            f"{check(during['p99_ratio'] <= limit)}",
        ]
    )
    rows.append(
        [
            "  the same, p99 ms from sent (the store's share)",
            "",
            f"{reloading['from_sent']['p99_ms']:.2f} vs {quiet['from_sent']['p99_ms']:.2f}",
        ]
    )
    for kind, row in reloading["kinds"].items():
        calm = quiet["kinds"][kind]
        rows.append(
            [
                f"  {kind}, p99 ms during vs without",
                "",
                f"{row['p99_ms']:.2f} vs {calm['p99_ms']:.2f} "
                f"({times(row['p99_ms'] / calm['p99_ms'])})",
            ]
        )
    slowest = ", ".join(
        f"{s['ms']:.0f} ms ({s['kind']}, due at {s['due_s']:.1f} s)" for s in reloading["slowest"]
    )
    rows.append(["  slowest during reloads", "", slowest])
    limit = TARGETS["burst_p99_ratio"]
    e2e = result["e2e"]["concurrency"]
    floor1, floor50 = e2e["1"][FLOOR], e2e[str(BURST)][FLOOR]
    rows.append(
        [
            f"end to end: floor, p99 ms at 1 / at {BURST}",
            "",
            f"{floor1['p99_ms']:.2f} / {floor50['p99_ms']:.2f}",
        ]
    )
    for name, row in e2e[str(BURST)]["commands"].items():
        one = e2e["1"]["commands"][name]
        if not row["n"]:
            cell = f"no accepted callback ({row['failed']} failed)"
        else:
            cell = (
                f"{one['p99_ms']:.2f} / {row['p99_ms']:.2f}: {times(row['p99_ratio'])} the floor "
                f"{check(row['p99_ratio'] <= limit)}, {times(row['p99_to_alone'])} alone"
            )
        rows.append(
            [f"end to end: /{name}, p99 ms at 1 / at {BURST}", f"≤ {limit:g}x the floor", cell]
        )
    for kind, row in result["store_concurrency"].items():
        rows.append(
            [
                f"store: {kind}, p99 ms at 1 / at {BURST}",
                "",
                f"{row['1']['p99_ms']:.2f} / {row[str(BURST)]['p99_ms']:.2f}: "
                f"{times(row['p99_ratio'])} alone",
            ]
        )
    load = " / ".join(f"{v:.2f}" for v in result["load_average"])
    rows.append(["machine load (1-min avg, before / after)", "", load])
    rows.append(["wall time", "", f"{result['duration_s']:.0f} s"])
    lines = [render_table(["figure", "target", "measured"], rows)]
    failed = [line for phase in (reloading, quiet) for line in phase["error_lines"]] + result[
        "e2e"
    ]["bot_error_lines"][:3]
    if has_failures(result):
        lines.append(
            f"\n**{reloading['errors']} lookups failed during reloads, {quiet['errors']} "
            f"without; {result['e2e']['failed_callbacks']} failed callbacks, "
            f"{result['e2e']['bot_errors']} errors logged by the bot**"
        )
        lines += [f"    {line}" for line in failed]
    return "\n".join(lines)
