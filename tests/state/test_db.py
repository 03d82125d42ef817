"""The state's one interface, on both databases: queries, changed-row counts, RETURNING,
transactions that commit whole or not at all, and placeholders numbered for PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.store import database
from bot.store.state_db import SqliteState, StateDB, numbered
from bot.store.state_migrations import migrations


def test_placeholders_are_numbered_outside_strings() -> None:
    assert numbered("SELECT ? , '?', 'it''s ?', ?") == "SELECT $1 , '?', 'it''s ?', $2"
    assert numbered("SELECT 1") == "SELECT 1"


async def test_rows_by_position_and_by_name(state: StateDB) -> None:
    await state.execute(
        "INSERT INTO syllabus (guild_id, reading, position, added_by) VALUES (?, ?, ?, ?)",
        (1, "a", 0, 9),
    )
    (row,) = await state.fetch("SELECT reading, position FROM syllabus WHERE guild_id = ?", (1,))
    assert row[0] == row["reading"] == "a"
    assert dict(row) == {"reading": "a", "position": 0}


async def test_changed_rows_are_counted(state: StateDB) -> None:
    rows = [(1, f"r{n}", n, 9) for n in range(3)]
    await state.executemany(
        "INSERT INTO syllabus (guild_id, reading, position, added_by) VALUES (?, ?, ?, ?)", rows
    )
    assert await state.execute("UPDATE syllabus SET added_by = ? WHERE guild_id = ?", (0, 1)) == 3
    assert await state.execute("DELETE FROM syllabus WHERE reading = ?", ("r0",)) == 1
    assert await state.execute("DELETE FROM syllabus WHERE reading = ?", ("r0",)) == 0


async def test_returning_gives_the_new_row_and_the_old_on_conflict(state: StateDB) -> None:
    sql = (
        "INSERT INTO notes (guild_id, member_id, readings, title, body, digest, saved_at) "
        "VALUES (?, ?, '[]', 't', 'b', ?, 0) ON CONFLICT (guild_id, member_id, digest) "
        "DO UPDATE SET saved_at = notes.saved_at RETURNING id"
    )
    (first,) = await state.fetch(sql, (1, 2, "d1"))
    (second,) = await state.fetch(sql, (1, 2, "d2"))
    (again,) = await state.fetch(sql, (1, 2, "d1"))
    assert first[0] != second[0]
    assert again[0] == first[0]


INSERT = "INSERT INTO meta (key, value) VALUES (?, ?)"


async def write_then_fail(state: StateDB) -> None:
    async with state.transaction() as tx:
        await tx.execute(INSERT, ("lost", "1"))
        raise RuntimeError("a failure mid-write")


async def test_a_transaction_commits_whole_or_not_at_all(state: StateDB) -> None:
    async with state.transaction() as tx:
        await tx.execute(INSERT, ("kept", "1"))
    with pytest.raises(RuntimeError):
        await write_then_fail(state)
    keys = {row[0] for row in await state.fetch("SELECT key FROM meta")}
    assert "kept" in keys
    assert "lost" not in keys


def test_the_postgres_migrations_are_numbered_from_one() -> None:
    numbers = [number for number, _ in migrations()]
    assert numbers == list(range(1, len(numbers) + 1))


async def test_a_write_of_its_own_never_joins_another_tasks_transaction(tmp_path: Path) -> None:
    """On SQLite all writes share one connection: a write outside a transaction waits for
    the one under way, so that transaction's rollback cannot take it along."""
    connection = await database.connect(tmp_path / "state.db")
    state = SqliteState(connection)
    inside, release = asyncio.Event(), asyncio.Event()

    async def failing() -> None:
        async with state.transaction() as tx:
            await tx.execute(INSERT, ("rolled back", "1"))
            inside.set()
            await release.wait()
            raise RuntimeError("the other task's transaction fails")

    try:
        task = asyncio.create_task(failing())
        await inside.wait()
        write = asyncio.create_task(state.execute(INSERT, ("kept", "1")))
        await asyncio.sleep(0.05)
        release.set()
        with pytest.raises(RuntimeError):
            await task
        await write
        keys = {row[0] for row in await state.fetch("SELECT key FROM meta")}
        assert "kept" in keys
        assert "rolled back" not in keys
    finally:
        await connection.close()
