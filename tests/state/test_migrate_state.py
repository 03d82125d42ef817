"""`python -m bot migrate-state --to URL`: a SQLite state holding every kind of row is copied
into an empty PostgreSQL, each table's rows equal to the source's; a non-empty target is
refused and left as it was; new rows after the copy get new numbers."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.store import Store
from bot.store.guild_state import COMMANDS_HASH_KEY
from bot.store.scheduler import Scheduler
from bot.store.state_copy import META, TABLES, count
from bot.store.state_db import StateDB, open_state
from bot.study import Study
from tests.conftest import DATA_DIR, READING_ID, FakeClock

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
GUILD, MEMBER, MODERATOR = 11, 2001, 2002


class NoPoster:
    async def post(self, *args: object) -> object:
        raise AssertionError("nothing is posted here")


async def fill(store: Store) -> None:
    """One of every kind of row the state holds."""
    await store.syllabus_add(GUILD, READING_ID, None, MODERATOR)
    scheduler = Scheduler(store, NoPoster(), FakeClock(NOW))  # type: ignore[arg-type]
    await scheduler.plan(
        guild_id=GUILD, channel_id=5, local_time="09:00", timezone="UTC", moderator_id=MODERATOR
    )
    schedule = await store.schedule(GUILD)
    assert schedule is not None
    await store.claim_post(schedule, "nonce-1", int(NOW.timestamp()), 600)
    study = Study(store, rng=random.Random(1), fuzz=False)
    asked = await study.ask(GUILD, MEMBER, "", "concept", NOW)
    await study.answer(asked.number, GUILD, MEMBER, asked.question.answer, NOW)
    await study.join_board(GUILD, MEMBER, True)
    card = (await study.next_card(GUILD, MEMBER, NOW)).card
    assert card is not None
    await study.rate(card.number, GUILD, MEMBER, 0, "good", NOW)
    await study.remind(GUILD, MEMBER, "21:00", "Europe/London", NOW)
    await study.save_note(GUILD, MEMBER, "Civil society", "a page as seen", NOW)
    await store.set_state(COMMANDS_HASH_KEY, "abc123")


async def rows(db: StateDB) -> dict[str, list[tuple]]:
    found = {}
    for table, columns in [*TABLES.items(), (META, ("key", "value"))]:
        fetched = await db.fetch(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2")
        found[table] = [tuple(row) for row in fetched]
    found[META] = [row for row in found[META] if row[0] == COMMANDS_HASH_KEY]
    return found


@pytest.fixture
async def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[tuple]]:
    """A bot's SQLite file holding every kind of row, as DATABASE_PATH; its rows."""
    database = tmp_path / "bot.db"
    async with await Store.open(database, DATA_DIR) as store:
        await fill(store)
        found = await rows(store.state)
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.setenv("READING_ROOM_DATA", str(DATA_DIR))
    return found


async def migrate(url: str | None) -> int:
    """`python -m bot migrate-state`, to `url` or (None) to DATABASE_URL."""
    return await asyncio.to_thread(main, ["migrate-state", *(["--to", url] if url else [])])


async def test_every_kind_of_row_is_copied_and_checked(
    tmp_path: Path,
    postgres_url: str,
    source: dict[str, list[tuple]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = source
    assert all(before.values()), {table: len(found) for table, found in before.items()}
    assert await migrate(postgres_url) == 0
    printed = capsys.readouterr().out
    assert "notes: 1 row(s) copied, counts match" in printed
    target = await open_state(postgres_url)
    try:
        assert await rows(target) == before
        async with await Store.open(tmp_path / "other.db", DATA_DIR, postgres_url) as moved:
            study = Study(moved)
            note, saved = await study.save_note(GUILD, MEMBER, "Another", "page", NOW)
            assert saved
            assert note.number > before["notes"][0][0]  # numbering goes on after the copy
            assert await moved.syllabus(GUILD) == [READING_ID]
    finally:
        await target.close()


async def test_a_target_holding_state_is_refused_and_left_alone(
    tmp_path: Path,
    postgres_url: str,
    source: dict[str, list[tuple]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with await Store.open(tmp_path / "other.db", DATA_DIR, postgres_url) as elsewhere:
        await elsewhere.syllabus_add(99, READING_ID, None, 1)
    monkeypatch.setenv("DATABASE_URL", postgres_url)  # no --to: the URL stays out of argv
    assert await migrate(None) != 0
    assert "already holds state" in capsys.readouterr().err
    target = await open_state(postgres_url)
    try:
        counts = await count(target)
        assert counts["syllabus"] == 1
        assert sum(counts.values()) == 1
    finally:
        await target.close()
