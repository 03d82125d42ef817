"""A database file the bot cannot use is refused in one line, and left exactly as it was."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.store import Store, database
from bot.store.database_faults import DiskFullError, UnusableDatabaseError, explained, watch_file

NEWEST = database.migrations()[-1][0]


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def refused(path: Path, data_dir: Path) -> str:
    with pytest.raises(UnusableDatabaseError) as caught:
        await Store.open(path, data_dir)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    return message


async def test_a_folder_or_a_missing_folder_is_refused(tmp_path: Path, data_dir: Path) -> None:
    assert "is a folder" in await refused(tmp_path, data_dir)
    missing = tmp_path / "no-such-folder" / "bot.db"
    assert f"the folder {missing.parent} does not exist" in await refused(missing, data_dir)
    assert not missing.parent.exists()


async def test_a_damaged_file_is_refused_and_left_alone(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "bot.db"
    junk = b"this is not a database\x00" * 200
    path.write_bytes(junk)
    assert "is not a SQLite database" in await refused(path, data_dir)
    assert path.read_bytes() == junk
    assert files_in(tmp_path) == ["bot.db"], "no journal or WAL file was made beside it"


async def test_another_programs_database_is_refused_and_left_alone(
    tmp_path: Path, data_dir: Path
) -> None:
    path = tmp_path / "theirs.db"
    with sqlite3.connect(path) as theirs:
        theirs.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        theirs.execute("INSERT INTO invoices (total) VALUES (12.5)")
    theirs.close()
    before = path.read_bytes()
    assert "a SQLite file of another program" in await refused(path, data_dir)
    assert path.read_bytes() == before


async def test_a_database_of_a_newer_version_is_refused(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "bot.db"
    async with await Store.open(path, data_dir) as store:
        await store.set_state("kept", "yes")
        await store.connection.execute(f"PRAGMA user_version = {NEWEST + 3}")
    message = await refused(path, data_dir)
    assert f"schema version {NEWEST + 3}" in message
    assert f"knows versions up to {NEWEST}" in message
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (NEWEST + 3,)
        assert raw.execute("SELECT value FROM meta WHERE key = 'kept'").fetchone() == ("yes",)
    raw.close()


def test_a_full_disk_is_named(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "small.db")
    connection.execute("CREATE TABLE t (x TEXT)")
    connection.execute("PRAGMA max_page_count = 2")  # the file can grow no further
    with pytest.raises(sqlite3.OperationalError) as caught:
        connection.execute("INSERT INTO t VALUES (?)", ("x" * 100_000,))
    connection.close()
    error = explained(caught.value, tmp_path / "small.db")
    assert isinstance(error, DiskFullError)
    assert "is full: free some space" in str(error)


def test_a_fault_of_the_bots_own_sql_is_not_blamed_on_the_file(tmp_path: Path) -> None:
    connection = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError) as caught:
        connection.execute("CREATE TABLE broken (")
    assert explained(caught.value, tmp_path / "bot.db") is None


async def test_a_database_deleted_while_the_bot_runs_is_logged_once(
    tmp_path: Path, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "bot.db"
    rounds: list[float] = []

    async def sleep(seconds: float) -> None:
        rounds.append(seconds)
        if len(rounds) == 3:
            path.unlink()

    async with await Store.open(path, data_dir):
        await asyncio.wait_for(watch_file(path, interval=30, sleep=sleep), timeout=5)
    assert rounds == [30, 30, 30]
    (record,) = [r for r in caplog.records if r.name == "bot.store.database_faults"]
    assert record.levelname == "ERROR"
    assert f"DATABASE_PATH {path} was deleted or replaced while the bot runs" in record.message
