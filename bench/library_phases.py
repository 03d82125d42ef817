"""The library benchmark's parts: the changes it makes to a built library's data folder, and the
lookups it times while they land and when 50 callers ask at once (`bench.library_bench`)."""

from __future__ import annotations

import asyncio
import itertools
import random
import shutil
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.stats import latency_ms
from bench.store_calls import try_call
from bot.store import Store
from bot.store.loader import READING_FILE, READINGS_DIR
from bot.store.sync import SyncReport

ADDED_ID = "r9999-added-reading"
DEFINITION = "definition = '''"  # how the synthetic concepts.toml opens a definition
ERRORS_KEPT = 5  # unexpected exceptions kept, word for word, of each phase
SLOWEST_KEPT = 5  # the slowest lookups of each phase, with when they were due

StoreCall = Callable[[Any], Awaitable[Any]]
# (kind, call, the arguments it cycles through)
Lookup = tuple[str, StoreCall, list]


class LibraryEdits:
    """Valid changes to the reading folders of `data_dir`, one reading each: add a reading
    (a copy of `extra`, a reading folder of another synthetic library, under a new id), remove
    it again, and change one concept's definition in the reading folder `changed`."""

    def __init__(self, data_dir: Path, extra: Path, changed: Path) -> None:
        self.root = data_dir / READINGS_DIR
        self.extra = extra
        self.changed = changed
        self.concepts = changed / "concepts.toml"
        self.original = self.concepts.read_text(encoding="utf-8")
        if DEFINITION not in self.original:
            raise ValueError(f"no definition to change in {self.concepts}")
        self.edits = 0

    def add(self) -> str:
        """Copy the extra reading in as ADDED_ID (its id must equal its folder's name)."""
        folder = self.root / ADDED_ID
        shutil.copytree(self.extra, folder)
        toml = folder / READING_FILE
        text = toml.read_text(encoding="utf-8")
        renamed = text.replace(f'id = "{self.extra.name}"', f'id = "{ADDED_ID}"', 1)
        if renamed == text:
            raise ValueError(f"no id line for {self.extra.name} in {toml}")
        toml.write_text(renamed, encoding="utf-8")
        return ADDED_ID

    def remove(self) -> str:
        shutil.rmtree(self.root / ADDED_ID)
        return ADDED_ID

    def change(self) -> str:
        """Reword the first definition of the changed reading: new bytes on every call, a few
        characters longer than the original (well within the 1000 a definition may hold)."""
        self.edits += 1
        revised = self.original.replace(DEFINITION, f"{DEFINITION}Revised ({self.edits}). ", 1)
        self.concepts.write_text(revised, encoding="utf-8")
        return self.changed.name


def expect(report: SyncReport, what: str, reading: str) -> None:
    """Raise unless the reload did exactly `what` (added, replaced, removed) to `reading`."""
    done = {"added": report.added, "replaced": report.replaced, "removed": report.removed}
    wanted = {key: [reading] if key == what else [] for key in done}
    if done != wanted or report.failed:
        raise RuntimeError(f"reload expected to have {what} {reading}, did: {report.summary()}")


async def timed_reload(store: Store, what: str, reading: str) -> float:
    """Seconds for `store.reload()` to take in one changed reading (checked)."""
    start = time.perf_counter_ns()
    report = await store.reload()
    seconds = (time.perf_counter_ns() - start) / 1e9
    expect(report, what, reading)
    return seconds


def interleave(*lists: list[str]) -> list[str]:
    return [item for group in itertools.zip_longest(*lists) for item in group if item is not None]


def lookup_mix(store: Store, probes: dict[str, list], seed: int = 0) -> list[Lookup]:
    """The five lookups, on the arguments the end-to-end benchmark sends the same commands."""
    rng = random.Random(seed)
    return [
        ("define", store.define, interleave(probes["terms"], probes["variants"])),
        ("expert", store.expert, probes["surnames"]),
        (
            "random_quote",
            lambda topic: store.random_quote(topic=topic, rng=rng),
            probes["quote_topics"],
        ),
        (
            "publications",
            lambda topic: store.publications(topic=topic),
            probes["publication_topics"],
        ),
        (
            "search",
            store.search,
            interleave(probes["word_pairs"], probes["frequent_words"], probes["rare_words"]),
        ),
    ]


async def _outcome(call: StoreCall, argument: Any) -> str:
    """What one lookup gave (see `try_call`); an unexpected exception is an outcome too."""
    try:
        return await try_call(call, argument)
    except Exception as error:  # counted and shown: a lookup must not fail as content changes
        return f"error: {type(error).__name__}: {error}"


class Asked:
    """The lookups of one phase: each one's latency from the moment it was due (what a member
    waits) and from the moment it was sent (the store's share), its kind and outcome."""

    def __init__(self, mix: list[Lookup], started_ns: int) -> None:
        self.started_ns = started_ns
        self.kinds = [kind for kind, _, _ in mix]
        # (kind, due since the phase began, latency from due, latency from sent), in ns
        self.samples: list[tuple[str, int, int, int]] = []
        self.outcomes: Counter[str] = Counter()
        self.errors: list[str] = []

    async def ask(self, lookup: Lookup, index: int, due_ns: int) -> None:
        kind, call, arguments = lookup
        sent = time.perf_counter_ns()
        outcome = await _outcome(call, arguments[index % len(arguments)])
        done = time.perf_counter_ns()
        self.samples.append((kind, due_ns - self.started_ns, done - due_ns, done - sent))
        self.outcomes[f"{kind}: {outcome.split(':')[0]}"] += 1
        if outcome.startswith("error") and len(self.errors) < ERRORS_KEPT:
            self.errors.append(f"{kind}: {outcome}")

    def figures(self, seconds: float) -> dict[str, Any]:
        waited = [sample[2] for sample in self.samples]
        slowest = sorted(self.samples, key=lambda sample: -sample[2])[:SLOWEST_KEPT]
        return {
            "seconds": seconds,
            "n": len(waited),
            "per_s": len(waited) / seconds,
            **latency_ms(waited, per_ms=1e6),
            "from_sent": latency_ms([sample[3] for sample in self.samples], per_ms=1e6),
            "kinds": {
                kind: {
                    "n": len(mine),
                    **latency_ms(mine, per_ms=1e6),
                }
                for kind in self.kinds
                if (mine := [s[2] for s in self.samples if s[0] == kind])
            },
            "slowest": [
                {"kind": kind, "due_s": due / 1e9, "ms": ns / 1e6} for kind, due, ns, _ in slowest
            ],
            "outcomes": dict(sorted(self.outcomes.items())),
            "errors": sum(n for key, n in self.outcomes.items() if ": error" in key),
            "error_lines": self.errors,
        }


async def asked_during(
    mix: list[Lookup], tasks: int, rate: float, work: Awaitable[Any]
) -> dict[str, Any]:
    """Ask the lookup mix at `rate` lookups a second until `work` is done, from `tasks`
    concurrent callers, each asking the next lookup (round-robin over the kinds) when it is
    due, or at once if it is late; the latency of each is counted from when it was due, so a
    stall counts for every lookup it holds up, not once. Every lookup due before `work` ended
    is asked."""
    interval = int(tasks / rate * 1e9)  # ns between one caller's lookups
    started = time.perf_counter_ns()
    asked = Asked(mix, started)
    stop_ns: int | None = None

    async def caller(task: int) -> None:
        due = started + task * interval // tasks
        for index in itertools.count(task * 7):
            if stop_ns is not None and due >= stop_ns:
                return
            wait = due - time.perf_counter_ns()
            if wait > 0:
                await asyncio.sleep(wait / 1e9)
                if stop_ns is not None and due >= stop_ns:
                    return
            await asked.ask(mix[index % len(mix)], index // len(mix), due)
            due += interval

    callers = [asyncio.create_task(caller(task)) for task in range(tasks)]
    try:
        await work
    finally:
        stop_ns = time.perf_counter_ns()
        await asyncio.gather(*callers)
    return asked.figures((stop_ns - started) / 1e9)


async def warm_up(mix: list[Lookup], rounds: int = 20) -> None:
    """Untimed lookups of every kind, one at a time."""
    for index in range(rounds):
        for _, call, arguments in mix:
            await _outcome(call, arguments[-1 - index % len(arguments)])


async def reloads_back_to_back(store: Store, edits: LibraryEdits, count: int) -> list[float]:
    """`count` reloads, each after one more change to the same reading; their seconds."""
    seconds = []
    for _ in range(count):
        seconds.append(await timed_reload(store, "replaced", edits.change()))
    return seconds


async def _timed(call: StoreCall, argument: Any) -> int:
    start = time.perf_counter_ns()
    await _outcome(call, argument)
    return time.perf_counter_ns() - start


async def at_concurrency(mix: list[Lookup], calls: int, concurrency: int) -> dict[str, Any]:
    """Each lookup `calls` times one at a time, then `calls` times in bursts of `concurrency`
    started together (each call timed from its own start), the two alternating kind by kind;
    p50/p99 of both and the burst's p99 as a multiple of the one-at-a-time p99."""
    found: dict[str, Any] = {}
    for kind, call, arguments in mix:
        alone = [await _timed(call, arguments[i % len(arguments)]) for i in range(calls)]
        together: list[int] = []
        for first in range(0, calls, concurrency):
            burst = range(first, min(calls, first + concurrency))
            together += await asyncio.gather(
                *(_timed(call, arguments[i % len(arguments)]) for i in burst)
            )
        one, many = latency_ms(alone, per_ms=1e6), latency_ms(together, per_ms=1e6)
        found[kind] = {
            "1": {"n": len(alone), **one},
            str(concurrency): {"n": len(together), **many},
            "p99_ratio": many["p99_ms"] / one["p99_ms"],
        }
    return found
