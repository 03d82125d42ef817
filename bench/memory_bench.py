"""The bot's resident memory (RSS) as it answers 10,000 mixed lookups, some paged and shared."""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.e2e_bot import bot_process
from bench.e2e_cases import Case, make_cases
from bench.machine import describe, machine_summary
from bench.stats import check, render_table
from bench.store_probes import make_probes
from bot.config import DEFAULT_DATA_DIR
from bot.sandbox import InteractionRecord, LocalDiscord
from bot.sandbox.components import iter_components
from bot.sandbox.protocol import CHANNEL_MESSAGE, UPDATE_MESSAGE
from bot.store import Store
from bot.store.loader import load_library

ANSWERS = 10_000
CHECKPOINTS = (100, 1_000, 5_000)  # answers after which RSS is read, and after the last one
GROWTH_TARGET_MB = 10.0  # from the first checkpoint to the last
LOOKUPS = ("define", "expert", "quote", "publications", "search", "reading")
BATCH = 50  # lookups sent at once, back to back
SHARED = 0.1  # of the answers with a Share button, the share that is shared
ANSWER_WITHIN_S = 60.0  # for a whole batch
SETTLE_S = 0.2  # for the bot to finish the answers of a checkpoint's batch before RSS is read

Lookup = tuple[str, dict[str, str]]  # a command and its options


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A Linux process's resident set size now (or its peak, `VmHWM`), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        name, _, value = line.partition(":")
        if name == field:
            return int(value.split()[0]) / 1024  # kB
    raise LookupError(f"no {field} in /proc/{pid}/status")


def _buttons(record: InteractionRecord) -> dict[str, bool]:
    """The labels of the buttons on the answer, each with whether it can be pressed."""
    return {
        component["label"]: not component.get("disabled", False)
        for _, component in iter_components(record.data.get("components") or [])
        if "label" in component
    }


def _outcome(record: InteractionRecord, expected: int, what: str) -> str:
    """`what` when the bot's callback was accepted with the `expected` type, else "failed ..."."""
    if record.errors:
        error = record.errors[0]
        return f"failed {what}: {error['status']}/{error['code']} {error['message']}"
    if record.response_type != expected:
        return f"failed {what}: answered with type {record.response_type}"
    return what


async def _answered(server: LocalDiscord, records: Sequence[InteractionRecord]) -> None:
    def done() -> bool:
        return all(r.responses or r.errors for r in records)

    await server.wait_until(done, within=ANSWER_WITHIN_S)


async def _batch(
    server: LocalDiscord, lookups: Sequence[Lookup], rng: random.Random
) -> Counter[str]:
    """Send the lookups at once, then press Next on every answer with more pages and Share on
    some answers; what every interaction got back."""
    records = [await server.invoke(command, options) for command, options in lookups]
    await _answered(server, records)
    outcomes = Counter(_outcome(r, CHANNEL_MESSAGE, "answer") for r in records)
    clicks: list[tuple[InteractionRecord, int, str]] = []
    for record in records:
        buttons = _buttons(record)
        if buttons.get("Next"):
            clicks.append((await server.click(record, "Next"), UPDATE_MESSAGE, "page turned"))
        if buttons.get("Share") and rng.random() < SHARED:
            clicks.append((await server.click(record, "Share"), CHANNEL_MESSAGE, "shared"))
    await _answered(server, [click for click, _, _ in clicks])
    outcomes.update(_outcome(*click) for click in clicks)
    return outcomes


def _lookups(cases: Sequence[Case], count: int, rng: random.Random) -> list[Lookup]:
    """`count` lookups, each a random command with random arguments of its case."""
    picked = (rng.choice(cases) for _ in range(count))
    return [(case.command, rng.choice(case.arguments)) for case in picked]


async def _measure(
    answers: int, seed: int, data_dir: Path, database: Path, log: Path
) -> dict[str, Any]:
    """Build the store, start the bot against a sandbox and send it `answers` lookups in
    batches, reading its RSS at each checkpoint."""
    library = load_library(data_dir)
    types = sorted({p.type for r in library.readings for p in r.publications})
    cases = [c for c in make_cases(make_probes(library, seed), types) if c.label in LOOKUPS]
    del library
    await (await Store.open(database, data_dir)).close()  # built before the bot starts
    rng = random.Random(seed)
    marks = [mark for mark in CHECKPOINTS if mark < answers] + [answers]
    checkpoints: list[dict[str, Any]] = []
    outcomes: Counter[str] = Counter()
    async with LocalDiscord() as server, bot_process(server, data_dir, database, log) as bot:
        rss_start = rss_mb(bot.pid)
        started = time.perf_counter()
        sent = 0
        for mark in marks:
            while sent < mark:
                size = min(BATCH, mark - sent)
                outcomes.update(await _batch(server, _lookups(cases, size, rng), rng))
                sent += size
            await asyncio.sleep(SETTLE_S)
            elapsed = time.perf_counter() - started
            checkpoints.append({"answers": sent, "rss_mb": rss_mb(bot.pid), "elapsed_s": elapsed})
        duration_s = time.perf_counter() - started
        peak = rss_mb(bot.pid, "VmHWM")
    failed = {o: n for o, n in outcomes.items() if o.startswith("failed")}
    growth = checkpoints[-1]["rss_mb"] - checkpoints[0]["rss_mb"]
    return {
        "answers": answers,
        "seed": seed,
        "lookups": list(LOOKUPS),
        "page_turns": outcomes["page turned"],
        "shares": outcomes["shared"],
        "interactions": outcomes.total(),
        "rss_start_mb": rss_start,
        "checkpoints": checkpoints,
        "rss_peak_mb": peak,
        "growth_mb": growth,
        "target_mb": GROWTH_TARGET_MB,
        "met": growth < GROWTH_TARGET_MB and not failed and not bot.errors,
        "duration_s": duration_s,
        "failed": sum(failed.values()),
        "failures": failed,
        "bot_errors": len(bot.errors),
        "bot_error_lines": bot.errors[:20],
    }


def run(
    answers: int = ANSWERS,
    *,
    seed: int = 0,
    workdir: Path | None = None,
    data_dir: Path = DEFAULT_DATA_DIR,
) -> dict[str, Any]:
    """Every figure of one run on the library in `data_dir` (JSON-serialisable)."""
    if answers <= CHECKPOINTS[0]:
        raise ValueError(f"more than {CHECKPOINTS[0]} answers are needed, not {answers}")
    with tempfile.TemporaryDirectory(prefix="memory-bench-", dir=workdir) as tmp:
        folder = Path(tmp)
        return asyncio.run(
            _measure(answers, seed, data_dir, folder / "store.db", folder / "bot.log")
        )


def has_failures(result: dict[str, Any]) -> bool:
    """Whether an interaction went unanswered or was refused, or the bot logged an error."""
    return bool(result["failed"] or result["bot_errors"])


def growth_label(result: dict[str, Any]) -> str:
    """The growth measured: `RSS growth 100 → 10,000 answers`."""
    first, last = result["checkpoints"][0]["answers"], result["checkpoints"][-1]["answers"]
    return f"RSS growth {first:,} → {last:,} answers"


def markdown_table(result: dict[str, Any]) -> str:
    """The RSS at start and at each checkpoint, the growth against its target, the load sent;
    then any interaction that failed and the errors the bot logged."""
    rows = [
        ["lookups answered", f"{result['answers']:,} ({', '.join(result['lookups'])})"],
        [
            "pages turned (Next) / answers shared",
            f"{result['page_turns']:,} / {result['shares']:,}",
        ],
        ["RSS when ready", f"{result['rss_start_mb']:.1f} MB"],
        *(
            [f"RSS after {point['answers']:,} answers", f"{point['rss_mb']:.1f} MB"]
            for point in result["checkpoints"]
        ),
        [
            growth_label(result),
            f"{result['growth_mb']:+.1f} MB (target < {result['target_mb']:g} MB) "
            f"{check(result['met'])}",
        ],
        ["peak RSS", f"{result['rss_peak_mb']:.1f} MB"],
        [
            "wall time",
            f"{result['duration_s']:.1f} s ({result['interactions'] / result['duration_s']:.0f} "
            "interactions/s)",
        ],
    ]
    lines = [render_table(["measure", "value"], rows)]
    if has_failures(result):
        lines.append(
            f"\n**{result['failed']} interactions unanswered or refused, "
            f"{result['bot_errors']} errors logged by the bot**"
        )
        lines += [f"    {n} x {failure}" for failure, n in list(result["failures"].items())[:3]]
        lines += [f"    {line}" for line in result["bot_error_lines"][:3]]
    return "\n".join(lines)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.memory_bench", description=__doc__)
    parser.add_argument("--answers", type=int, default=ANSWERS, help="lookups sent")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--workdir", type=Path, help="where the temporary store goes")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    machine = describe()
    result = run(args.answers, seed=args.seed, workdir=args.workdir)
    print(markdown_table(result))
    print(f"\n{machine_summary(machine)}, commit {machine['commit']}.")
    if args.json:
        report = {"machine": machine, "memory": result}
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 1 if has_failures(result) else 0


if __name__ == "__main__":
    sys.exit(main())
