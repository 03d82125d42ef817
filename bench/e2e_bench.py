"""End-to-end latency of the lookup commands and autocomplete, through the local Discord sandbox.

    python -m bench.e2e_bench [--sizes 1000,10000,100000] [--calls 200] [--json PATH]

For each size (a number of quotes) it writes a synthetic library (`bench.synthetic`), builds the
store once, and starts the real bot in a child process the way `python -m bot run` does
(`ReadingRoomBot`, INFO logging, global command sync) against a `LocalDiscord` in this process.
The two processes stand for the bot and Discord: the sandbox's own work (validating answers,
recording) does not take the bot's event loop, as Discord's does not in production.

Measured, in this (the sandbox) process: from `time.perf_counter_ns()` just before the
INTERACTION_CREATE frame is written on the websocket (`GatewayFrame.ns`) to the moment the
interaction callback POST reaches the server's middleware (`RecordedRequest.received_ns`). The
sandbox's garbage collector is off while it measures; the bot's process runs as deployed.

* Commands: /define (terms and variant spellings), /expert (surnames), /quote (a topic),
  /publications (a topic), /search (word pairs, frequent and rare words), /reading, /help.
  Arguments come from `bench.store_probes.make_probes` and are cycled; there are no misses
  (store_bench times the did-you-mean path).
* Autocomplete: /define term, /expert name, /quote topic, /publications topic and type, on
  what Discord sends while a reader types a term, surname, topic or type: "", then 1-3 letters.
* The floor, in the same run: `/bench_floor` answers a fixed ephemeral string with
  `interaction.response.send_message`, like the lookups' ephemeral answers through the same
  client, tree and server; `/bench_choices` answers autocomplete with 25 fixed choices (as
  many as the lookups' longest lists). Both are added to the bot's tree here, not shipped.
* Concurrency 1: one interaction at a time, the cases in a shuffled round-robin so the floor
  and the commands share the machine's conditions. Concurrency 50: bursts of 50 frames of one
  case written back to back (a few ms; a callback arriving meanwhile is stamped when the burst
  ends), each interaction timed, the bursts round-robin over the cases. The bot is given a
  moment to finish its answers before the next interaction or burst.
* Each case: p50/p99 over `--calls` interactions (after a warm-up; a slow case stops after
  CASE_BUDGET_S), and its ratios to the floor (commands to `/bench_floor`, autocomplete to
  `/bench_choices`). An interaction whose callback is refused (e.g. after Discord's 3 s) or is
  not the expected answer (a message; choices) counts as failed and is not timed; failures and
  errors in the bot's log are flagged in the table, and the command line then exits with 1.

It prints a markdown table with the issue's targets (at 100k quotes on a 2-core machine: p50
within 1.5x the floor, p99 within 2x) and, with `--json`, writes every figure.

The cases are in `bench.e2e_cases`, the bot's process in `bench.e2e_bot` and the timing in
`bench.e2e_measure`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.e2e_bot import serve_bot
from bench.e2e_cases import CHOICES_FLOOR, FLOOR, make_cases
from bench.e2e_measure import CONCURRENCY, run_against_bot
from bench.machine import describe
from bench.stats import check, render_table, times
from bench.store_probes import make_probes
from bench.synthetic import write_library
from bot.store import Store
from bot.store.loader import load_library

DEFAULT_SIZES = (1000, 10_000, 100_000)
TARGETS = {"p50_ratio": 1.5, "p99_ratio": 2.0}


def run_size(
    quotes: int,
    *,
    calls: int = 200,
    seed: int = 0,
    workdir: Path | None = None,
    data_dir: Path | None = None,
    database: Path | None = None,
) -> dict[str, Any]:
    """Every figure for a library of `quotes` quotes (JSON-serialisable).

    `data_dir` and `database` reuse a library and a store built before (the store is built
    here if `database` does not exist); by default both are made in a temporary folder."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix=f"e2e-bench-{quotes}-", dir=workdir) as tmp:
        folder = Path(tmp)
        generate_s = 0.0
        if data_dir is None:
            start = time.perf_counter()
            data_dir = write_library(folder / "data", quotes, seed)
            generate_s = time.perf_counter() - start
        database = database or folder / "store.db"
        library = load_library(data_dir)
        cases = make_cases(
            make_probes(library, seed),
            sorted({p.type for r in library.readings for p in r.publications}),
        )
        del library
        start = time.perf_counter()
        asyncio.run(_open_store(database, data_dir))
        build_s = time.perf_counter() - start
        log = folder / "bot.log"
        figures, errors = asyncio.run(run_against_bot(cases, calls, seed, data_dir, database, log))
    return {
        "quotes": quotes,
        "calls": calls,
        "seed": seed,
        "generate_s": generate_s,
        "build_s": build_s,
        "load_average": [load_before, os.getloadavg()[0]],
        "concurrency": figures,
        "failed_callbacks": sum(row["failed"] for row in _every_row(figures)),
        "bot_errors": len(errors),
        "bot_error_lines": errors[:20],
    }


def _every_row(figures: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The figures of every case at every concurrency, floors included."""
    for measured in figures.values():
        yield measured[FLOOR]
        yield measured[CHOICES_FLOOR]
        yield from measured["commands"].values()
        yield from measured["autocomplete"].values()


def has_failures(result: dict[str, Any]) -> bool:
    """Whether some callback failed or the bot logged an error: the figures do not stand."""
    return bool(result["failed_callbacks"] or result["bot_errors"])


async def _open_store(database: Path, data_dir: Path) -> None:
    """Build the store (or check it is current) before the bot opens it."""
    store = await Store.open(database, data_dir)
    await store.close()


def _cell(row: dict[str, Any], calls: int) -> str:
    """p50 / p99 ms, the ratios to the floor and ✓/✗ where there are any, and what went wrong."""
    text = f"{row['p50_ms']:.2f} / {row['p99_ms']:.2f}" if row["n"] else "no accepted callback"
    if row.get("p50_ratio") is not None:
        met = (
            row["p50_ratio"] <= TARGETS["p50_ratio"]
            and row["p99_ratio"] <= TARGETS["p99_ratio"]
            and not row["failed"]
        )
        text += f" ({times(row['p50_ratio'])} / {times(row['p99_ratio'])}) {check(met)}"
    if row["n"] + row["failed"] < calls:
        text += f" (n={row['n']})"
    if row["failed"]:
        text += f" **FAILED {row['failed']} of {row['n'] + row['failed']}**"
    return text


def markdown_table(results: list[dict[str, Any]]) -> str:
    """One row per case and concurrency, one column per size; then the target, the machine's
    load, and any failed callbacks or errors the bot logged."""
    rows = []
    for concurrency in (str(c) for c in CONCURRENCY):
        per_size = [r["concurrency"][concurrency] for r in results]
        for floor, group, suffix in (
            (FLOOR, "commands", ""),
            (CHOICES_FLOOR, "autocomplete", " (autocomplete)"),
        ):
            cells = [_cell(f[floor], r["calls"]) for f, r in zip(per_size, results, strict=True)]
            rows.append([f"**{floor}**", concurrency, *cells])
            for label in per_size[0][group]:
                cells = [
                    _cell(f[group][label], r["calls"])
                    for f, r in zip(per_size, results, strict=True)
                ]
                rows.append([f"/{label}{suffix}", concurrency, *cells])
    sizes = [f"{r['quotes']:,} quotes" for r in results]
    header = ["p50 / p99 ms (ratio to the floor)", "concurrency", *sizes]
    lines = [render_table(header, rows)]
    lines += [
        "",
        f"Target: p50 ≤ {times(TARGETS['p50_ratio'], 'g')} and "
        f"p99 ≤ {times(TARGETS['p99_ratio'], 'g')} the floor "
        f"(at 100k quotes, 2 cores); {results[0]['calls']} timed interactions a case. Machine "
        "load (1-min avg, before / after): "
        + ", ".join(" / ".join(f"{v:.2f}" for v in r["load_average"]) for r in results),
    ]
    for result in results:
        if has_failures(result):
            lines.append(
                f"**{result['quotes']:,} quotes: {result['failed_callbacks']} failed callbacks, "
                f"{result['bot_errors']} errors logged by the bot**"
                + (", the first: " if result["bot_errors"] else "")
            )
            lines += [f"    {line}" for line in result["bot_error_lines"][:3]]
    return "\n".join(lines)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.e2e_bench", description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--calls", type=int, default=200, help="timed interactions a case")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--workdir", type=Path, help="where the temporary libraries go")
    # The bot's child process (see bench.e2e_bot.bot_process).
    parser.add_argument("--bot", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--api-base", help=argparse.SUPPRESS)
    parser.add_argument("--gateway", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.bot:
        asyncio.run(serve_bot(args.data, args.db, args.api_base, args.gateway))
        return 0
    started = describe()
    results = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        print(f"end to end at {size:,} quotes ...", file=sys.stderr, flush=True)
        results.append(run_size(size, calls=args.calls, seed=args.seed, workdir=args.workdir))
    print(markdown_table(results))
    if args.json:
        report = {"environment": started, "targets": TARGETS, "results": results}
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 1 if any(has_failures(r) for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
