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
  Arguments come from `bench.store_bench.make_probes` and are cycled; there are no misses
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
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import itertools
import json
import logging
import logging.handlers
import os
import queue
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bench.machine import describe
from bench.store_bench import make_probes, percentile
from bench.synthetic import write_library
from bot.client import ReadingRoomBot
from bot.config import Settings
from bot.endpoints import use_endpoints
from bot.sandbox import InteractionRecord, LocalDiscord
from bot.store.loader import load_library
from bot.store import Store

DEFAULT_SIZES = (1000, 10_000, 100_000)
CONCURRENCY = (1, 50)
TARGETS = {"p50_ratio": 1.5, "p99_ratio": 2.0}
ROOT = Path(__file__).resolve().parent.parent
TOKEN = "e2e-bench-token"
FLOOR, CHOICES_FLOOR = "floor", "autocomplete floor"
FLOOR_COMMAND, CHOICES_COMMAND = "bench_floor", "bench_choices"
FLOOR_TEXT = "A fixed answer: the floor of the end-to-end benchmark."
WARMUP_CALLS = 5  # untimed calls of every case before the timed ones
# A case that has used this many seconds at one concurrency stops once it has made MIN_CALLS
# calls (and a whole batch); the figures give the number made.
CASE_BUDGET_S = 5.0
MIN_CALLS = 20
SETTLE_S = 0.001  # a pause per interaction of a batch, so the bot finishes before the next
ANSWER_WITHIN_S = 60.0  # for a whole batch; Discord refuses answers after 3 s
READY_WITHIN_S = 120.0
STOP_WITHIN_S = 10.0


@app_commands.command(name=FLOOR_COMMAND, description="A fixed answer (benchmark floor)")
async def floor_command(interaction: discord.Interaction) -> None:
    await interaction.response.send_message(FLOOR_TEXT, ephemeral=True)


@app_commands.command(name=CHOICES_COMMAND, description="Fixed choices (benchmark floor)")
async def choices_command(interaction: discord.Interaction, text: str) -> None:
    await interaction.response.send_message(FLOOR_TEXT, ephemeral=True)


FIXED_CHOICES = [
    app_commands.Choice(name=f"fixed choice {i}", value=f"fixed-{i}") for i in range(25)
]


@choices_command.autocomplete("text")
async def fixed_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return FIXED_CHOICES


@dataclass(frozen=True, slots=True)
class Case:
    """One measured row: a command, or the autocomplete of one of its options."""

    label: str
    command: str
    arguments: list[dict[str, str]]  # the options of each call, cycled
    focused: str | None = None  # the option being typed, for autocomplete

    @property
    def is_floor(self) -> bool:
        return self.label in (FLOOR, CHOICES_FLOOR)


def _interleave(*lists: list[str]) -> list[str]:
    return [item for group in itertools.zip_longest(*lists) for item in group if item is not None]


def _typing(texts: Iterable[str]) -> list[str]:
    """What Discord asks autocomplete for while a reader types each text: "", then 1-3 letters."""
    return [text[:letters] for text in texts for letters in range(4)]


def make_cases(probes: dict[str, list], publication_types: list[str]) -> list[Case]:
    """The floors, every lookup command and every autocomplete, with their arguments."""
    terms = _interleave(probes["terms"], probes["variants"])
    queries = _interleave(probes["word_pairs"], probes["frequent_words"], probes["rare_words"])
    typed_terms = _typing(probes["terms"])
    return [
        Case(FLOOR, FLOOR_COMMAND, [{}]),
        Case(CHOICES_FLOOR, CHOICES_COMMAND, [{"text": t} for t in typed_terms], "text"),
        Case("define", "define", [{"term": term} for term in terms]),
        Case("expert", "expert", [{"name": name} for name in probes["surnames"]]),
        Case("quote", "quote", [{"topic": topic} for topic in probes["quote_topics"]]),
        Case("publications", "publications", [{"topic": t} for t in probes["publication_topics"]]),
        Case("search", "search", [{"query": query} for query in queries]),
        Case("reading", "reading", [{}]),
        Case("help", "help", [{}]),
        Case("define term", "define", [{"term": t} for t in typed_terms], "term"),
        Case("expert name", "expert", [{"name": t} for t in _typing(probes["surnames"])], "name"),
        Case(
            "quote topic", "quote", [{"topic": t} for t in _typing(probes["quote_topics"])], "topic"
        ),
        Case(
            "publications topic",
            "publications",
            [{"topic": t} for t in _typing(probes["publication_topics"])],
            "topic",
        ),
        Case(
            "publications type",
            "publications",
            [{"type": t} for t in _typing(publication_types)],
            "type",
        ),
    ]


# ---------------------------------------------------------------------------- the bot process


async def serve_bot(data_dir: Path, database: Path, api_base: str, gateway_url: str) -> None:
    """The bot as `python -m bot run` starts it, plus the floor commands. Prints "ready" once it
    is connected, runs until stdin closes, then prints the errors it logged as a JSON list."""
    discord.utils.setup_logging(level=logging.INFO, root=True)
    errors: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    collector = logging.handlers.QueueHandler(errors)
    collector.setLevel(logging.ERROR)
    logging.getLogger().addHandler(collector)
    use_endpoints(api_base, gateway_url)
    settings = Settings(token=TOKEN, database_path=database, data_dir=data_dir)
    async with (
        await Store.open(database, data_dir) as store,
        ReadingRoomBot(settings, store) as bot,
    ):
        bot.tree.add_command(floor_command)
        bot.tree.add_command(choices_command)
        # Start-up only: discord.py waits 2 s after the last GUILD_CREATE before it is ready.
        bot._connection.guild_ready_timeout = 0.05
        await bot.login(settings.token)
        await bot.sync_global()  # every run's sandbox starts without commands
        connection = asyncio.create_task(bot.connect())
        ready = asyncio.create_task(bot.wait_until_ready())
        await asyncio.wait({connection, ready}, return_when=asyncio.FIRST_COMPLETED)
        if connection.done():
            ready.cancel()
            connection.result()
            raise RuntimeError("the bot stopped before it was ready")
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    with contextlib.suppress(asyncio.CancelledError):
        await connection
    logged = []
    while not errors.empty():
        logged.append(errors.get_nowait().getMessage().splitlines()[0])
    print(json.dumps(logged), flush=True)


@contextlib.asynccontextmanager
async def _bot_process(
    server: LocalDiscord, data_dir: Path, database: Path, log: Path
) -> AsyncIterator[list[str]]:
    """Start the bot in a child process against `server`, its log in `log`; yields the list
    that gets the errors it logged once it has stopped."""
    environ = dict(os.environ)
    environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), environ.get("PYTHONPATH")) if p)
    with log.open("wb") as sink:
        child = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bench.e2e_bench", "--bot"),
            *("--data", str(data_dir), "--db", str(database)),
            *("--api-base", server.api_base, "--gateway", server.gateway_url),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=sink,
            env=environ,
        )
    assert child.stdin is not None
    assert child.stdout is not None
    errors: list[str] = []
    try:
        line = await asyncio.wait_for(child.stdout.readline(), READY_WITHIN_S)
        if line.strip() != b"ready":
            raise RuntimeError(f"the bot did not start:\n{_tail(log)}")
        yield errors
    finally:
        child.stdin.close()
        try:
            report = await asyncio.wait_for(child.stdout.read(), STOP_WITHIN_S)
        except TimeoutError:
            child.kill()
            report = b""
        await child.wait()
    if child.returncode != 0 or not report.strip():
        errors.append(f"the bot did not stop cleanly (exit {child.returncode}):\n{_tail(log)}")
    else:
        errors.extend(json.loads(report.splitlines()[-1]))


def _tail(log: Path, lines: int = 30) -> str:
    text = log.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


# ---------------------------------------------------------------------------- measuring


async def _send(server: LocalDiscord, case: Case, index: int) -> InteractionRecord:
    options = case.arguments[index % len(case.arguments)]
    if case.focused is None:
        return await server.invoke(case.command, options)
    return await server.send_autocomplete(case.command, options, focused=case.focused)


def _outcome(case: Case, record: InteractionRecord) -> str:
    """What the bot answered; "failed ..." unless the callback was accepted with the type
    this case answers with (a deferral would time only the acknowledgement)."""
    expected = 4 if case.focused is None else 8
    if record.errors:
        error = record.errors[0]
        return f"failed: {error['status']}/{error['code']} {error['message']}"
    if record.response_type != expected:
        return f"failed: answered with type {record.response_type}"
    if expected == 8:
        return "choices" if record.choices else "no choices"
    return "embed" if record.data.get("embeds") else "text"


async def _batch(
    server: LocalDiscord, case: Case, first: int, size: int
) -> tuple[list[int], list[str]]:
    """Send `size` interactions of `case` at once; the latencies (ns) of the accepted ones, and
    every outcome."""
    frames_from, requests_from = len(server.frames), len(server.requests)
    # Written back to back without yielding to the loop, as one burst: callbacks that arrive
    # meanwhile are stamped when it ends, a few ms after the first frame at concurrency 50.
    records = [await _send(server, case, index) for index in range(first, first + size)]

    def answered() -> bool:
        return all(r.responses or r.errors for r in records)

    await server.wait_until(answered, within=ANSWER_WITHIN_S)
    sent = {
        int(f.d["id"]): f.ns
        for f in server.frames[frames_from:]
        if f.direction == "send" and f.t == "INTERACTION_CREATE"
    }
    received: dict[int, int] = {}
    for request in server.requests[requests_from:]:
        if request.method == "POST" and request.path.endswith("/callback"):
            received.setdefault(int(request.path.split("/")[2]), request.received_ns)
    outcomes = [_outcome(case, r) for r in records]
    latencies = [
        received[r.id] - sent[r.id]
        for r, outcome in zip(records, outcomes, strict=True)
        if not outcome.startswith("failed")
    ]
    await asyncio.sleep(SETTLE_S * size)
    return latencies, outcomes


async def warm_up(server: LocalDiscord, cases: list[Case]) -> None:
    """Untimed calls of every case, one at a time, on other arguments than the timed ones."""
    for index in range(WARMUP_CALLS):
        for case in cases:
            await _batch(server, case, index, 1)


async def measure(
    server: LocalDiscord, cases: list[Case], calls: int, concurrency: int, seed: int = 0
) -> dict[str, Any]:
    """Every case at one concurrency: `calls` timed interactions each, in batches of
    `concurrency`; a case stops early once it has used CASE_BUDGET_S and made MIN_CALLS."""
    rng = random.Random(seed)
    order = list(cases)
    batch = min(concurrency, calls)
    if batch > 1:  # an untimed burst opens the connections a burst needs
        floor = next(case for case in cases if case.label == FLOOR)
        await _batch(server, floor, WARMUP_CALLS, batch)
    samples: dict[str, list[int]] = {case.label: [] for case in cases}
    outcomes: dict[str, Counter[str]] = {case.label: Counter() for case in cases}
    spent_s: Counter[str] = Counter()
    for first in range(WARMUP_CALLS, WARMUP_CALLS + calls, batch):
        rng.shuffle(order)
        for case in order:
            made = outcomes[case.label].total()
            if spent_s[case.label] > CASE_BUDGET_S and made >= max(MIN_CALLS, batch):
                continue
            start = time.perf_counter()
            size = min(batch, WARMUP_CALLS + calls - first)
            latencies, answers = await _batch(server, case, first, size)
            spent_s[case.label] += time.perf_counter() - start
            samples[case.label] += latencies
            outcomes[case.label].update(answers)
    figures = {label: _figures(samples[label], outcomes[label]) for label in samples}
    commands: dict[str, Any] = {}
    autocomplete: dict[str, Any] = {}
    for case in cases:
        if case.is_floor:
            continue
        base = figures[FLOOR if case.focused is None else CHOICES_FLOOR]
        row = figures[case.label]
        for key in ("p50", "p99"):
            timed = row["n"] and base["n"]
            row[f"{key}_ratio"] = row[f"{key}_ms"] / base[f"{key}_ms"] if timed else None
        (commands if case.focused is None else autocomplete)[case.label] = row
    return {
        FLOOR: figures[FLOOR],
        CHOICES_FLOOR: figures[CHOICES_FLOOR],
        "commands": commands,
        "autocomplete": autocomplete,
    }


def _figures(samples_ns: list[int], outcomes: Counter[str]) -> dict[str, Any]:
    """n (the accepted callbacks, which are timed), p50/p99/max in ms, failures, outcomes."""
    times: dict[str, float | None] = dict.fromkeys(("p50_ms", "p99_ms", "max_ms"))
    if samples_ns:
        times = {
            "p50_ms": statistics.median(samples_ns) / 1e6,
            "p99_ms": percentile(samples_ns, 0.99) / 1e6,
            "max_ms": max(samples_ns) / 1e6,
        }
    return {
        "n": len(samples_ns),
        **times,
        "failed": sum(n for outcome, n in outcomes.items() if outcome.startswith("failed")),
        "outcomes": dict(outcomes),
    }


async def _run_against_bot(
    cases: list[Case], calls: int, seed: int, data_dir: Path, database: Path, log: Path
) -> tuple[dict[str, Any], list[str]]:
    """The figures at every concurrency, and the errors the bot logged."""
    async with (
        LocalDiscord() as server,
        _bot_process(server, data_dir, database, log) as errors,
    ):
        server.command(FLOOR_COMMAND)  # raises if the sync missed it
        # The sandbox keeps every frame and request: a full collection of them would stall
        # this loop and delay the timestamps, so the collector waits until the end.
        gc.disable()
        try:
            await warm_up(server, cases)
            figures = {
                str(c): await measure(server, cases, calls, c, seed + c) for c in CONCURRENCY
            }
        finally:
            gc.enable()
    return figures, errors


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
        figures, errors = asyncio.run(_run_against_bot(cases, calls, seed, data_dir, database, log))
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


# ---------------------------------------------------------------------------- report


def _cell(row: dict[str, Any], calls: int) -> str:
    """p50 / p99 ms, the ratios to the floor and ✓/✗ where there are any, and what went wrong."""
    text = f"{row['p50_ms']:.2f} / {row['p99_ms']:.2f}" if row["n"] else "no accepted callback"
    if row.get("p50_ratio") is not None:
        met = (
            row["p50_ratio"] <= TARGETS["p50_ratio"]
            and row["p99_ratio"] <= TARGETS["p99_ratio"]
            and not row["failed"]
        )
        text += f" ({row['p50_ratio']:.2f}x / {row['p99_ratio']:.2f}x) {'✓' if met else '✗'}"
    if row["n"] + row["failed"] < calls:
        text += f" (n={row['n']})"
    if row["failed"]:
        text += f" **FAILED {row['failed']} of {row['n'] + row['failed']}**"
    return text


def markdown_table(results: list[dict[str, Any]]) -> str:
    """One row per case and concurrency, one column per size; then the target, the machine's
    load, and any failed callbacks or errors the bot logged."""
    sizes = [f"{r['quotes']:,} quotes" for r in results]
    lines = [
        f"| p50 / p99 ms (ratio to the floor) | concurrency | {' | '.join(sizes)} |",
        f"| --- | --- |{' --- |' * len(results)}",
    ]
    for concurrency in (str(c) for c in CONCURRENCY):
        per_size = [r["concurrency"][concurrency] for r in results]
        for floor, group, suffix in (
            (FLOOR, "commands", ""),
            (CHOICES_FLOOR, "autocomplete", " (autocomplete)"),
        ):
            cells = [_cell(f[floor], r["calls"]) for f, r in zip(per_size, results, strict=True)]
            lines.append(f"| **{floor}** | {concurrency} | {' | '.join(cells)} |")
            for label in per_size[0][group]:
                cells = [
                    _cell(f[group][label], r["calls"])
                    for f, r in zip(per_size, results, strict=True)
                ]
                lines.append(f"| /{label}{suffix} | {concurrency} | {' | '.join(cells)} |")
    lines += [
        "",
        f"Target: p50 ≤ {TARGETS['p50_ratio']:g}x and p99 ≤ {TARGETS['p99_ratio']:g}x the floor "
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


# ---------------------------------------------------------------------------- command line


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.e2e_bench", description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--calls", type=int, default=200, help="timed interactions a case")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--workdir", type=Path, help="where the temporary libraries go")
    # The bot's child process (see _bot_process).
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
