"""Timing interactions through the local Discord: from the frame sent to the callback received."""

from __future__ import annotations

import asyncio
import gc
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.e2e_bot import bot_process
from bench.e2e_cases import CHOICES_FLOOR, FLOOR, FLOOR_COMMAND, Case
from bench.stats import latency_ms, ratios
from bot.sandbox import InteractionRecord, LocalDiscord

CONCURRENCY = (1, 50)
WARMUP_CALLS = 5  # untimed calls of every case before the timed ones
# A case that has used this many seconds at one concurrency stops once it has made MIN_CALLS
# calls (and a whole batch); the figures give the number made.
CASE_BUDGET_S = 5.0
MIN_CALLS = 20
SETTLE_S = 0.001  # a pause per interaction of a batch, so the bot finishes before the next
ANSWER_WITHIN_S = 60.0  # for a whole batch; Discord refuses answers after 3 s


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
        timed = row["n"] and base["n"]
        row.update(ratios(row, base) if timed else dict.fromkeys(("p50_ratio", "p99_ratio")))
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
        times.update(latency_ms(samples_ns, per_ms=1e6))
    return {
        "n": len(samples_ns),
        **times,
        "failed": sum(n for outcome, n in outcomes.items() if outcome.startswith("failed")),
        "outcomes": dict(outcomes),
    }


async def run_against_bot(
    cases: list[Case], calls: int, seed: int, data_dir: Path, database: Path, log: Path
) -> tuple[dict[str, Any], list[str]]:
    """The figures at every concurrency, and the errors the bot logged."""
    async with (
        LocalDiscord() as server,
        bot_process(server, data_dir, database, log) as bot,
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
    return figures, bot.errors
