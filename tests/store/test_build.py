"""Building the content tables: in batches or at once the same rows, in one transaction."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.store import Store, build, database, staging
from bot.store.database_faults import DiskFullError
from bot.store.loader import ContentError, load_library, read_readings
from bot.store.models import Reading

TABLES = (
    "readings",
    "speakers",
    "passages",
    "quotes",
    "concepts",
    "publications",
    "lookup_keys",
    "topics",
    "search_index",
    "common_words",
)


def dump(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of the content tables, rowids included."""
    with sqlite3.connect(db_path) as connection:
        return {
            table: sorted(connection.execute(f"SELECT rowid, * FROM {table}"))
            if table not in {"lookup_keys", "topics", "common_words"}
            else sorted(connection.execute(f"SELECT * FROM {table}"))
            for table in TABLES
        }


async def test_batches_build_the_same_rows_as_one_batch(
    reading_copy: Path,
    add_reading: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_reading("second-reading")
    add_reading("third-reading")
    async with await Store.open(tmp_path / "one.db", reading_copy):
        pass
    monkeypatch.setattr(build, "BATCH_INDEXED", 50)  # each reading has about 76 rows
    batches = []
    insert = staging.Staging.insert

    async def counted(stage: staging.Staging, rows: dict) -> None:
        batches.append(len(rows["readings"]))
        await insert(stage, rows)

    monkeypatch.setattr(staging.Staging, "insert", counted)
    async with await Store.open(tmp_path / "many.db", reading_copy) as store:
        assert await store.read_library() == load_library(reading_copy)
    assert [count for count in batches if count] == [1, 1, 1]  # a reading a batch
    assert dump(tmp_path / "many.db") == dump(tmp_path / "one.db")


async def test_a_reading_that_fails_validation_is_not_loaded_and_the_rest_are(
    reading_copy: Path,
    add_reading: Callable[[str], Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    db_path = tmp_path / "store.db"
    async with await Store.open(db_path, reading_copy):
        pass
    concepts = reading_copy / "readings" / "markets-and-civil-society-north-korea" / "concepts.toml"
    concepts.write_text(
        concepts.read_text(encoding="utf-8").replace(
            'term = "Civil society"', 'term = "Civic realm"'
        ),
        encoding="utf-8",
    )  # the first reading changes
    (add_reading("zz-bad-reading") / "quotes.toml").unlink()
    add_reading("good-new-reading")
    async with await Store.open(db_path, reading_copy) as store:
        served = {overview.id for overview in await store.overview()}
        assert served == {"markets-and-civil-society-north-korea", "good-new-reading"}
        assert [entry.concept.term for entry in await store.define("civic realm")] == [
            "Civic realm"
        ]
    assert "reading zz-bad-reading is not loaded" in caplog.text
    assert "quotes.toml" in caplog.text


async def test_a_reading_that_fails_validation_keeps_its_last_good_version(
    reading_copy: Path, tmp_path: Path
) -> None:
    db_path = tmp_path / "store.db"
    async with await Store.open(db_path, reading_copy):
        pass
    before = dump(db_path)
    quotes = reading_copy / "readings" / "markets-and-civil-society-north-korea" / "quotes.toml"
    quotes.write_text(quotes.read_text(encoding="utf-8") + "\n[[quotes]]\nid = 'x'\n", "utf-8")
    async with await Store.open(db_path, reading_copy) as store:
        assert (await store.reload()).failed.keys() == {"markets-and-civil-society-north-korea"}
    assert dump(db_path) == before


@pytest.mark.parametrize("fault", ["an empty reading folder", "a folder for a TOML file"])
async def test_with_no_reading_to_serve_the_store_refuses_what_check_refuses(
    reading_copy: Path, tmp_path: Path, fault: str
) -> None:
    db_path = tmp_path / "store.db"
    reading = reading_copy / "readings" / "markets-and-civil-society-north-korea"
    if fault == "an empty reading folder":
        shutil.rmtree(reading)
        reading.mkdir()
    else:
        (reading / "quotes.toml").unlink()
        (reading / "quotes.toml").mkdir()
    with pytest.raises(ContentError) as check:
        load_library(reading_copy)
    with pytest.raises(ContentError) as run:
        await Store.open(db_path, reading_copy)
    assert run.value.problems == check.value.problems


async def test_a_failure_while_inserting_rolls_the_whole_build_back(
    reading_copy: Path, tmp_path: Path
) -> None:
    db_path = tmp_path / "store.db"
    async with await Store.open(db_path, reading_copy) as store:
        before = dump(db_path)
        (reading,) = load_library(reading_copy).readings

        def readings() -> Iterator[tuple[Reading, str]]:
            yield reading, "a"
            yield reading, "b"  # the same id again: the copy out of staging fails

        async def rebuild() -> None:
            async with database.transaction(store.connection):
                await build.clear_content(store.connection)
                await build.insert_readings(store.connection, readings())

        with pytest.raises(sqlite3.IntegrityError):
            await rebuild()
        staged = await store.connection.execute_fetchall("SELECT name FROM sqlite_temp_master")
        assert list(staged) == []
    assert dump(db_path) == before


async def test_no_staging_table_outlives_a_build(reading_copy: Path, tmp_path: Path) -> None:
    async with await Store.open(tmp_path / "store.db", reading_copy) as store:
        staged = await store.connection.execute_fetchall("SELECT name FROM sqlite_temp_master")
        assert list(staged) == []


async def test_the_source_text_is_kept_apart_from_the_reading_metadata(
    reading_copy: Path, tmp_path: Path
) -> None:
    (reading,) = read_readings(reading_copy)
    async with await Store.open(tmp_path / "store.db", reading_copy) as store:
        (row,) = await store.connection.execute_fetchall("SELECT item, source_text FROM readings")
    assert row["source_text"] == reading.source_text
    assert "source_text" not in json.loads(row["item"])


# How to undo each migration since the first that changed built content: a test database is
# taken back to before one of them.
UNDO = {
    7: "ALTER TABLE readings DROP COLUMN source_text",
    8: "ALTER TABLE speakers DROP COLUMN topics",
    9: "DROP TABLE suggestion_vocabulary; CREATE TABLE suggestion_vocabulary (kind TEXT, "
    "length INTEGER, word TEXT, backwards TEXT, PRIMARY KEY (kind, length, word)) WITHOUT ROWID",
    10: "DROP INDEX topics_by_position; ALTER TABLE topics DROP COLUMN position",
    11: "DROP INDEX quotes_by_passage; DROP TABLE bot_processes; DROP TABLE reading_files; "
    "ALTER TABLE posts DROP COLUMN item; ALTER TABLE posts DROP COLUMN reading; "
    "ALTER TABLE schedules DROP COLUMN item; "
    "ALTER TABLE schedules DROP COLUMN reading; DROP TABLE syllabus; "
    "DROP TABLE suggestion_words; CREATE TABLE suggestion_words (kind TEXT, word TEXT, "
    "label TEXT, value TEXT, key TEXT, PRIMARY KEY (kind, word, label, value)) WITHOUT ROWID; "
    "DROP TABLE topics; CREATE TABLE topics (kind TEXT, key TEXT, target INTEGER, "
    "position INTEGER, PRIMARY KEY (kind, key, target)) WITHOUT ROWID; "
    "CREATE INDEX topics_by_position ON topics (kind, key, position); "
    "DROP TABLE lookup_keys; CREATE TABLE lookup_keys (kind TEXT, key TEXT, target INTEGER, "
    "PRIMARY KEY (kind, key, target)) WITHOUT ROWID; "
    + "; ".join(
        f"ALTER TABLE readings DROP COLUMN {column}"
        for column in (
            "hash",
            "first_passage",
            "passage_count",
            "first_quote",
            "quote_count",
            "first_indexed",
            "last_indexed",
        )
    ),
    12: "DROP TABLE quiz_questions; DROP TABLE quiz_scores; DROP TABLE review_cards; "
    "DROP TABLE review_reminders; DROP TABLE notes",
    13: "ALTER TABLE posts DROP COLUMN claimed_by",
}
REBUILDING = [n for n, sql in database.migrations() if n in UNDO and "content_hash" in sql]


def test_every_later_migration_can_be_undone() -> None:
    assert set(UNDO) == {number for number, _ in database.migrations() if number >= min(UNDO)}


@pytest.mark.parametrize("number", REBUILDING)
async def test_a_database_from_before_a_content_migration_is_rebuilt(
    reading_copy: Path, tmp_path: Path, number: int
) -> None:
    db_path = tmp_path / "store.db"
    async with await Store.open(db_path, reading_copy):
        pass
    with sqlite3.connect(db_path) as connection:
        for later in sorted(UNDO, reverse=True):
            if later >= number:
                connection.executescript(UNDO[later])
        connection.execute(f"PRAGMA user_version = {number - 1}")
    async with await Store.open(db_path, reading_copy) as store:
        assert (await store.expert("Hastings")).topics
        assert await store.read_library() == load_library(reading_copy)


async def test_a_full_disk_while_building_is_named_and_the_old_content_kept(
    reading_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite itself reports the file full (it may grow by only a few pages): the build fails
    as one named fault, not a traceback, and the database is as it was."""
    db_path = tmp_path / "full.db"
    connect = database.connect

    async def connect_to_a_small_disk(path: Path | str) -> object:
        connection = await connect(path)
        ((pages,),) = await connection.execute_fetchall("PRAGMA page_count")
        await connection.execute(f"PRAGMA max_page_count = {pages + 4}")
        return connection

    monkeypatch.setattr(database, "connect", connect_to_a_small_disk)
    with pytest.raises(DiskFullError, match="is full: free some space"):
        await Store.open(db_path, reading_copy)
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM quotes").fetchone() == (0,)


async def test_a_schedule_from_before_the_library_keeps_its_place_in_its_reading(
    reading_copy: Path, add_reading: Callable[[str], Path], tmp_path: Path
) -> None:
    """Its place was an index into every passage of the library in row order: 30 is the
    second reading's sixth passage (the first reading has 25)."""
    add_reading("second-reading")
    db_path = tmp_path / "store.db"
    async with await Store.open(db_path, reading_copy):
        pass
    with sqlite3.connect(db_path) as connection:
        for later in (13, 12, 11):
            connection.executescript(UNDO[later])
        connection.execute("PRAGMA user_version = 10")
        connection.execute(
            "INSERT INTO schedules (guild_id, channel_id, local_time, timezone, source, "
            "position, next_run, next_date, updated_by) "
            "VALUES (1, 2, '09:00', 'UTC', 'passages', 30, 0, '2026-03-01', 3)"
        )
    connection.close()
    async with await Store.open(db_path, reading_copy) as store:
        schedule = await store.schedule(1)
        assert (schedule.reading, schedule.item, schedule.position) == ("second-reading", "p06", 5)
        await store.syllabus_add(1, "markets-and-civil-society-north-korea", None, 3)
        await store.syllabus_add(1, "second-reading", None, 3)
        (placed,) = await store.next_excerpts(1, "passages", schedule.place, True)
        assert (placed.excerpt.number, placed.place.reading) == (6, "second-reading")
