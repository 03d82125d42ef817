"""Benchmark of the study tools' store calls in a large library with many review cards.

    python -m bench.study_bench [--quotes 100000] [--cards 100000] [--calls 300] [--json PATH]
    python -m bench --only study          (the same, as part of `make bench`'s report)

It writes a synthetic library (`bench.synthetic`: readings of 1000 quotes), opens a store on it,
and puts `--cards` review cards in one server's decks: 100 cards for each of `cards / 100`
members, a fifth of them due now, the rest due in the coming weeks (each card a real FSRS card
in its review state, on a quote or concept of the library). Then it times, one call at a time:

* the next review card for a member with cards due (`Study.next_card`): the due card first;
* the next review card for a member with nothing due, who is dealt a new card from the
  syllabus (the library, the syllabus being empty): the scan for the first item not in the
  deck, the new card written;
* a quiz question of any kind from the whole library (`Study.ask`): the reading and kind
  picked, the content read, the question made and written.

The write-ahead log is checkpointed in the background, as the bot does
(`Store.checkpoint_in_background`).

Target (issue 14): each under 5 ms p99 with 100k quotes and 100k cards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fsrs

from bench.machine import describe, machine_summary
from bench.stats import latency_ms, render_table
from bench.synthetic import write_library
from bot.store import Store
from bot.store.clock import epoch
from bot.store.database import transaction
from bot.study import Study

TARGET_MS = 5.0
CARDS_PER_MEMBER = 100
GUILD = 1
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
CALLS = ("next card, one due", "next card, a new one dealt", "quiz question")


async def _fill_decks(store: Store, cards: int, rng: random.Random) -> int:
    """`cards` review cards in GUILD's decks, CARDS_PER_MEMBER a member; the members' count."""
    rows = await store.connection.execute_fetchall(
        "SELECT r.id, 'quote', q.id FROM quotes q JOIN readings r ON r.rowid = q.reading "
        "UNION ALL SELECT r.id, 'concept', c.id FROM concepts c "
        "JOIN readings r ON r.rowid = c.reading"
    )
    items = [tuple(row) for row in rows]
    members = max(1, cards // CARDS_PER_MEMBER)
    batch = []
    for number in range(cards):
        member = 1000 + number % members
        reading, kind, item = items[rng.randrange(len(items))]
        days = 0 if rng.random() < 0.2 else rng.uniform(1, 60)
        due = NOW - timedelta(minutes=1) if days == 0 else NOW + timedelta(days=days)
        card = fsrs.Card(
            state=fsrs.State.Review,
            step=None,
            stability=days + 1.0,
            difficulty=5.0,
            due=due,
            last_review=NOW - timedelta(days=3),
        )
        batch.append(
            (GUILD, member, reading, kind, item, json.dumps(card.to_dict()), epoch(due), 3)
        )
    async with transaction(store.connection):
        await store.connection.executemany(
            "INSERT OR IGNORE INTO review_cards (guild_id, member_id, reading, kind, item, card, "
            "due, reviews, added_at, chosen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0)",
            batch,
        )
    # The decks grew over months in a bot's database, checkpointed as they grew; written here in
    # one transaction, their pages are moved into the database file before anything is timed.
    await store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return members


async def _measure(data_dir: Path, folder: Path, cards: int, calls: int, seed: int) -> dict:
    rng = random.Random(seed)
    started = time.perf_counter()
    async with await Store.open(folder / "study.db", data_dir) as store:
        build_s = time.perf_counter() - started
        members = await _fill_decks(store, cards, rng)
        # As the bot runs: the log checkpointed in the background, not in a member's commit.
        checkpointing = asyncio.create_task(store.checkpoint_in_background())
        study = Study(store, rng=random.Random(seed), fuzz=False)
        # Members whose due cards are done, for the calls that deal a new card.
        quiet = list(range(10**6, 10**6 + calls))
        samples: dict[str, list[float]] = {name: [] for name in CALLS}
        for _ in range(5):  # warm up the caches and the read pool
            await study.next_card(GUILD, 1000, NOW)
            await study.ask(GUILD, 1000, "", None, NOW)
        for call in range(calls):
            member = 1000 + rng.randrange(members)
            start = time.perf_counter()
            found = await study.next_card(GUILD, member, NOW)
            samples[CALLS[0]].append(time.perf_counter() - start)
            assert found.card is not None, "a fifth of each deck is due"
            start = time.perf_counter()
            dealt = await study.next_card(GUILD, quiet[call], NOW)
            samples[CALLS[1]].append(time.perf_counter() - start)
            assert dealt.card is not None
            assert dealt.card.new
            start = time.perf_counter()
            await study.ask(GUILD, member, "", None, NOW)
            samples[CALLS[2]].append(time.perf_counter() - start)
        checkpointing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await checkpointing
        (count,) = next(
            iter(await store.connection.execute_fetchall("SELECT count(*) FROM review_cards"))
        )
    return {
        "build_s": build_s,
        "cards": count,
        "members": members,
        "calls": {name: latency_ms(values, per_ms=1e-3) for name, values in samples.items()},
    }


def run(
    quotes: int = 100_000,
    *,
    cards: int = 100_000,
    calls: int = 300,
    seed: int = 0,
    workdir: Path | None = None,
) -> dict[str, Any]:
    """Every figure, JSON-serialisable."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"study-bench-{quotes}-", dir=workdir) as tmp:
        folder = Path(tmp)
        data_dir = write_library(folder / "data", quotes, seed, per_reading=min(quotes, 1000))
        figures = asyncio.run(_measure(data_dir, folder, cards, calls, seed))
    return {
        "quotes": quotes,
        **figures,
        "target_ms": TARGET_MS,
        "duration_s": time.perf_counter() - started,
    }


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    size = f"{report['quotes']:,} quotes, {report['cards']:,} cards"
    return [
        {
            "target": f"study: {name} p99 under {TARGET_MS:g} ms, {size}",
            "measured": f"{row['p99_ms']:.2f} ms",
            "met": row["p99_ms"] < TARGET_MS,
        }
        for name, row in report["calls"].items()
    ]


def markdown_table(report: dict[str, Any]) -> str:
    rows = [
        [name, f"{row['p50_ms']:.2f}", f"{row['p99_ms']:.2f}", f"{row['max_ms']:.2f}"]
        for name, row in report["calls"].items()
    ]
    return render_table(["store call", "p50 ms", "p99 ms", "max ms"], rows) + (
        f"\n\n{report['quotes']:,} quotes, {report['cards']:,} review cards in "
        f"{report['members']:,} decks; one call at a time."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.study_bench", description=__doc__)
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    report = run(args.quotes, cards=args.cards, calls=args.calls)
    report["machine"] = describe()
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(markdown_table(report))
    print(machine_summary(report["machine"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
