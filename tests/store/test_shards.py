"""Shards split across processes: SHARD_COUNT and SHARD_IDS read as typed, a server's shard as
Discord computes it, and two processes' schedulers sharing one state, each posting for its own
servers only and every post going out once (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.scheduler import Scheduler, SchedulerConfig
from bot.store.shards import Shards, parse_shards
from tests.conftest import DATA_DIR, FakeClock
from tests.store.test_scheduler import FakePoster

# Servers on shard 0 and shard 1 of 2: (id >> 22) % 2.
SHARD_0 = [(n << 23) for n in range(1, 4)]
SHARD_1 = [(n << 23) | (1 << 22) for n in range(1, 4)]


def test_shard_settings_as_typed() -> None:
    assert parse_shards("", "") == Shards(1, (0,))
    assert parse_shards("4", "") == Shards(4, (0, 1, 2, 3))
    assert parse_shards("4", "0-1") == Shards(4, (0, 1))
    assert parse_shards("8", "6, 2,3-4") == Shards(8, (2, 3, 4, 6))
    for count, ids, message in (
        ("4", "4", "below SHARD_COUNT"),
        ("4", "3-1", "runs backwards"),
        ("4", "a", "numbers and ranges"),
        ("0", "", "1 or more"),
    ):
        with pytest.raises(ValueError, match=message):
            parse_shards(count, ids)


def test_a_servers_shard_is_discords() -> None:
    shards = Shards(2, (1,))
    assert [shards.of(g) for g in SHARD_0 + SHARD_1] == [0, 0, 0, 1, 1, 1]
    assert not any(shards.owns(g) for g in SHARD_0)
    assert all(shards.owns(g) for g in SHARD_1)
    assert Shards().condition() == ("1 = 1", ())


async def test_two_processes_post_each_for_its_own_servers_once(
    tmp_path: Path, state_url: str | None
) -> None:
    clock = FakeClock(datetime(2026, 3, 10, 8, 59, tzinfo=UTC))
    # Two processes: SQLite state in one shared file, or one PostgreSQL (each its own content).
    first_file = tmp_path / "first.db"
    second_file = first_file if state_url is None else tmp_path / "second.db"
    async with (
        await Store.open(first_file, DATA_DIR, state_url) as first,
        await Store.open(second_file, DATA_DIR, state_url) as second,
    ):
        posters = {0: FakePoster(clock), 1: FakePoster(clock)}
        schedulers = {
            shard: Scheduler(
                store, posters[shard], clock, SchedulerConfig(shards=Shards(2, (shard,)))
            )
            for shard, store in ((0, first), (1, second))
        }
        for guild in SHARD_0 + SHARD_1:
            await schedulers[0].plan(
                guild_id=guild, channel_id=5, local_time="09:00", timezone="UTC", moderator_id=1
            )
        clock.set("2026-03-10T09:00:30", "UTC")
        for _ in range(2):  # a second round finds nothing left to post
            for scheduler in schedulers.values():
                await scheduler.tick()
        assert sorted(post[0] for post in posters[0].posts) == sorted(SHARD_0)
        assert sorted(post[0] for post in posters[1].posts) == sorted(SHARD_1)
