"""Bringing the content up to date reading by reading: the same store as a fresh build, only
what changed rebuilt, and lookups answering while it happens."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bot.store import Store, database, sync
from bot.store.errors import NotFoundError
from tests.conftest import READING_ID, library_copy

VANTOR = "vantor-chip-plant-delay"
NK_INFO = "north-korea-information-access"


async def answers(store: Store) -> dict[str, object]:
    """Everything a member could ask of the store, in a form independent of row numbers."""
    library = sorted((await store.read_library()).readings, key=lambda reading: reading.id)
    terms = [concept.term for reading in library for concept in reading.concepts]
    names = sorted({speaker.name for reading in library for speaker in reading.speakers})
    found: dict[str, object] = {"library": library}
    for term in terms:
        found[f"define {term}"] = await store.define(term)
    for name in names:
        found[f"expert {name}"] = await store.expert(name)
    for query in ("markets", "trust networks", "radio", "chip plant demand", "the"):
        found[f"search {query}"] = sorted(await store.search(query), key=repr)
    for kind in ("term", "speaker", "quote_topic"):
        for typed in ("", "s", "tr", "mar", "civil soc"):
            found[f"suggest {kind} {typed}"] = await store.suggest(kind, typed)
    found["common"] = await database.fetch_all(
        store.connection, "SELECT term FROM common_words ORDER BY term"
    )
    try:
        found["publications"] = await store.publications()
    except NotFoundError as none:
        found["publications"] = str(none)
    return found


async def test_a_synced_library_answers_as_a_fresh_build_of_the_same_folders(
    tmp_path: Path,
) -> None:
    data = library_copy(tmp_path / "a")
    nk_info = data / "readings" / NK_INFO
    shutil.move(nk_info, tmp_path / "later")  # added later
    async with await Store.open(tmp_path / "synced.db", data) as synced:
        shutil.move(tmp_path / "later", nk_info)
        shutil.rmtree(data / "readings" / READING_ID)
        concepts = data / "readings" / VANTOR / "concepts.toml"
        concepts.write_text(
            concepts.read_text(encoding="utf-8").replace("'Weak auto demand'", "'Soft demand'"),
            encoding="utf-8",
        )
        report = await synced.reload()
        assert (report.added, report.replaced, report.removed) == (
            [NK_INFO],
            [VANTOR],
            [READING_ID],
        )
        async with await Store.open(tmp_path / "fresh.db", data) as fresh:
            assert await answers(synced) == await answers(fresh)
        assert [c.concept.term for c in await synced.define("soft demand")] == ["Soft demand"]


async def test_an_unchanged_library_loads_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = library_copy(tmp_path)
    async with await Store.open(tmp_path / "s.db", data) as store:
        monkeypatch.setattr(sync, "load_reading", lambda _: pytest.fail("nothing changed"))
        report = await store.reload()
        assert not report.changed
        assert report.summary() == "no reading changed"


async def test_lookups_answer_while_a_reload_holds_the_write_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = library_copy(tmp_path)
    async with await Store.open(tmp_path / "s.db", data) as store:
        await store.syllabus_add(1, NK_INFO, None, 9)
        building, finish = asyncio.Event(), asyncio.Event()
        real = sync.sync_content

        async def slow_sync(connection, data_dir):  # a long build: the write lock held
            async with database.transaction(connection):
                await connection.execute("DELETE FROM common_words")
                building.set()
                await finish.wait()
                raise RuntimeError("the build failed")

        monkeypatch.setattr("bot.store.store.sync_content", slow_sync)
        reloading = asyncio.create_task(store.reload())
        await building.wait()
        async with asyncio.timeout(5):
            (entry,) = await store.define("shortwave radio", guild_id=1)
            assert entry.concept.term == "Shortwave radio"
            assert await store.search("radio", guild_id=1)
        finish.set()
        with pytest.raises(RuntimeError, match="the build failed"):
            await reloading
        monkeypatch.setattr("bot.store.store.sync_content", real)
        assert not (await store.reload()).changed  # the failed build left nothing behind
        assert await store.search("radio")


async def test_row_numbers_are_never_given_to_another_reading(tmp_path: Path) -> None:
    """An answer under way during a reload may hold a row number from before it: that number
    must never name another reading's row afterwards."""
    data = library_copy(tmp_path)
    async with await Store.open(tmp_path / "s.db", data) as store:
        before = await database.fetch_all(
            store.connection,
            "SELECT max(rowid) FROM readings UNION ALL SELECT max(rowid) FROM quotes",
        )
        last = sorted((data / "readings").iterdir())[-1]  # the reading with the highest rows
        shutil.move(last, tmp_path / "away")
        await store.reload()
        shutil.move(tmp_path / "away", last)
        await store.reload()
        rows = await database.fetch_all(
            store.connection,
            "SELECT min(rowid) FROM readings WHERE id = ? "
            "UNION ALL SELECT min(rowid) FROM quotes WHERE reading = "
            "(SELECT rowid FROM readings WHERE id = ?)",
            (last.name, last.name),
        )
        assert rows[0][0] > before[0][0]
        assert rows[1][0] > before[1][0]
