"""Bringing the content up to date reading by reading: the same store as a fresh build, only
what changed rebuilt, and lookups answering while it happens."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import signal
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.store import Store, database, sync, sync_process
from bot.store.answers import START
from bot.store.build import NEXT_ROWS_KEY
from bot.store.errors import NotFoundError
from bot.store.library import Catalog, ReadingMeta, load_reading_meta
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
        # Only a definition reworded: no label changed, so autocomplete is not rebuilt.
        nk_concepts = nk_info / "concepts.toml"
        text = nk_concepts.read_text(encoding="utf-8")
        nk_concepts.write_text(text.replace("Foreign films", "Put simply, foreign films", 1))
        assert (await synced.reload()).replaced == [NK_INFO]
        async with await Store.open(tmp_path / "fresh2.db", data) as fresh:
            assert await answers(synced) == await answers(fresh)


async def test_an_unchanged_library_loads_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = library_copy(tmp_path)
    async with await Store.open(":memory:", data) as store:  # reloads in this process
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
        real = sync_process.sync_in_a_process

        async def slow_sync(*_: object) -> None:  # a long build: the write lock held
            async with database.transaction(store.connection):
                await store.connection.execute("DELETE FROM common_words")
                building.set()
                await finish.wait()
                raise RuntimeError("the build failed")

        monkeypatch.setattr("bot.store.store.sync_in_a_process", slow_sync)
        reloading = asyncio.create_task(store.reload())
        async with asyncio.timeout(5):
            await building.wait()
        async with asyncio.timeout(5):
            (entry,) = await store.define("shortwave radio", guild_id=1)
            assert entry.concept.term == "Shortwave radio"
            assert await store.search("radio", guild_id=1)
        finish.set()
        with pytest.raises(RuntimeError, match="the build failed"):
            await reloading
        monkeypatch.setattr("bot.store.store.sync_in_a_process", real)
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


def _held_back(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the library with one reading moved aside to `tmp_path / "later"`, to be added
    later: the data folder, and where the reading's folder goes back."""
    data = library_copy(tmp_path)
    nk_info = data / "readings" / NK_INFO
    shutil.move(nk_info, tmp_path / "later")
    return data, nk_info


def _fields(meta: ReadingMeta) -> tuple[object, ...]:
    return (meta.row, meta.id, meta.title, meta.sections, meta.first, meta.sizes)


async def test_a_reload_process_names_the_readings_it_commits_and_they_are_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, nk_info = _held_back(tmp_path)
    async with await Store.open(tmp_path / "s.db", data) as store:
        told: list[dict[int, ReadingMeta]] = []
        committing = store._committing
        monkeypatch.setattr(
            store, "_committing", lambda found: (told.append(found), committing(found))
        )
        shutil.move(tmp_path / "later", nk_info)
        concepts = data / "readings" / VANTOR / "concepts.toml"
        concepts.write_text(concepts.read_text("utf-8").replace("Weak auto", "Soft"), "utf-8")
        report = await store.reload()
        assert (report.added, report.replaced) == ([NK_INFO], [VANTOR])
        (early,) = told  # before the commit, only the two readings it adds or replaces
        assert sorted(meta.id for meta in early.values()) == [NK_INFO, VANTOR]
        committed = await load_reading_meta(store.connection)  # everything read afresh
        for row, meta in early.items():
            assert _fields(meta) == _fields(committed[row])
            assert store._catalog.by_id[meta.id] is meta  # served without being read again
        assert sorted(map(_fields, store._catalog.current)) == sorted(
            map(_fields, committed.values())
        )


async def test_a_reload_process_without_the_go_ahead_commits_nothing(tmp_path: Path) -> None:
    data = library_copy(tmp_path)
    async with await Store.open(tmp_path / "s.db", data):
        pass
    shutil.rmtree(data / "readings" / NK_INFO)
    child = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot.store.sync_child", str(tmp_path / "s.db"), str(data)),
        stdin=asyncio.subprocess.DEVNULL,  # the end of input at once: no go-ahead
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await child.communicate()
    assert child.returncode != 0
    assert out.decode().startswith(sync_process.COMMITTING)  # it got as far as committing
    assert "gave no go-ahead" in err.decode()
    with contextlib.closing(sqlite3.connect(tmp_path / "s.db")) as other:
        served = {row[0] for row in other.execute("SELECT id FROM readings")}
    assert NK_INFO in served


async def test_a_reload_that_failed_after_its_commit_is_served_once_a_reload_finds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, nk_info = _held_back(tmp_path)
    async with await Store.open(tmp_path / "s.db", data) as store:
        real = sync_process.sync_in_a_process

        async def committed_then_failed(*args: Any) -> None:  # stopped before its report
            await real(*args)
            raise sync_process.SyncProcessError("the content sync process ended with code -9")

        monkeypatch.setattr("bot.store.store.sync_in_a_process", committed_then_failed)
        shutil.move(tmp_path / "later", nk_info)
        with pytest.raises(sync_process.SyncProcessError):
            await store.reload()
        monkeypatch.undo()
        assert not (await store.reload()).changed  # a second SIGHUP queued behind the first
        assert NK_INFO in store._catalog.by_id
        (entry,) = await store.define("shortwave radio", reading=NK_INFO)
        assert entry.reading.startswith("Thumb Drives and Shortwave")


async def test_a_cancelled_reload_stops_its_process_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = library_copy(tmp_path)
    async with await Store.open(tmp_path / "s.db", data) as store:
        started: list[asyncio.subprocess.Process] = []
        spawn = asyncio.create_subprocess_exec

        async def slow_child(*_: Any, **options: Any) -> asyncio.subprocess.Process:
            child = await spawn(sys.executable, "-c", "import time; time.sleep(60)", **options)
            started.append(child)
            return child

        monkeypatch.setattr(sync_process.asyncio, "create_subprocess_exec", slow_child)
        reloading = asyncio.create_task(store.reload())
        async with asyncio.timeout(10):
            while not started:  # noqa: ASYNC110 (no event tells it)
                await asyncio.sleep(0.01)
        reloading.cancel()
        async with asyncio.timeout(5):  # not the child's 60 s
            with pytest.raises(asyncio.CancelledError):
                await reloading
        assert started[0].returncode == -signal.SIGKILL


async def test_a_known_row_that_names_another_reading_is_read_again(tmp_path: Path) -> None:
    data = library_copy(tmp_path)
    async with await Store.open(tmp_path / "s.db", data) as store:
        served = await load_reading_meta(store.connection)
        row = next(meta.row for meta in served.values() if meta.id == VANTOR)
        catalog = Catalog()
        catalog.learn({row: ReadingMeta(row, "another-reading", "Another Reading", [])})
        read = await load_reading_meta(store.connection, catalog)
        assert (read[row].id, read[row].title) == (VANTOR, served[row].title)


async def test_rows_known_before_a_commit_that_failed_never_name_the_reading_given_them_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed commit gives its row numbers out again: what the serving process was told of
    them before the commit must not outlive it."""
    data, nk_info = _held_back(tmp_path)
    async with await Store.open(tmp_path / "s.db", data) as store:
        row = json.loads(await database.get_meta(store.connection, NEXT_ROWS_KEY))["readings"]

        async def failed(_database: Path, _data: Path, committing: Callable) -> None:
            committing({row: ReadingMeta(row, "phantom", "A Reading Never Committed", [])})
            raise sync_process.SyncProcessError("the content sync process ended with code 1")

        monkeypatch.setattr("bot.store.store.sync_in_a_process", failed)
        with pytest.raises(sync_process.SyncProcessError):
            await store.reload()
        monkeypatch.undo()
        shutil.move(tmp_path / "later", nk_info)
        async with await Store.open(tmp_path / "s.db", data):  # another process adds it
            pass
        (entry,) = await store.define("shortwave radio")
        assert entry.reading.startswith("Thumb Drives and Shortwave")
        assert store._catalog.by_id[NK_INFO].row == row  # the same number, given out again


async def test_an_answer_meeting_a_reading_committed_a_moment_ago_learns_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, nk_info = _held_back(tmp_path)
    async with await Store.open(tmp_path / "s.db", data) as serving:
        await serving.define("weak auto demand")
        shutil.move(tmp_path / "later", nk_info)
        async with await Store.open(tmp_path / "s.db", data):  # another process adds it
            pass
        # This process has not noticed yet: its readers see the new rows first.
        monkeypatch.setattr(serving, "_current", _unchanged)
        (entry,) = await serving.define("shortwave radio")
        assert entry.reading.startswith("Thumb Drives and Shortwave")


async def _unchanged() -> None:
    return None


async def test_a_reading_may_not_take_another_readings_title(tmp_path: Path) -> None:
    data = library_copy(tmp_path)
    meta = data / "readings" / NK_INFO / "reading.toml"
    seed_title = "Can Markets Help Foster Civil Society in North Korea?"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("title = 'Thumb Drives", f"title = '{seed_title}'\n#"), "utf-8")
    async with await Store.open(tmp_path / "s.db", data) as store:
        served = sorted(overview.id for overview in await store.overview())
        assert served == [READING_ID, VANTOR]
        (problem,) = (await store.reload()).failed[NK_INFO]
    assert (problem.field, problem.message) == (
        "title",
        f"reading {READING_ID} has this title already: give each reading its own",
    )


async def test_answers_under_way_while_their_reading_is_replaced_are_asked_again(
    tmp_path: Path,
) -> None:
    data = library_copy(tmp_path)
    speakers = data / "readings" / VANTOR / "speakers.toml"
    async with await Store.open(tmp_path / "s.db", data) as store:
        await store.syllabus_add(1, VANTOR, None, 9)
        failures: list[BaseException] = []
        done = asyncio.Event()

        async def ask() -> None:
            while not done.is_set():
                try:
                    walked = await store.next_excerpts(1, "quotes", START, False, 3)
                    assert [p.excerpt.number for p in walked] == [1, 2, 3]
                    (found,) = await store.define("weak auto demand", reading=VANTOR)
                    assert found.reading.startswith("Vantor")
                except Exception as error:
                    failures.append(error)

        askers = [asyncio.create_task(ask()) for _ in range(4)]
        for round_ in range(15):
            speakers.write_text(
                speakers.read_text(encoding="utf-8") + f"\n# round {round_}\n", "utf-8"
            )
            assert (await store.reload()).replaced == [VANTOR]
        done.set()
        await asyncio.gather(*askers)
        assert failures == []


async def test_a_reading_added_merges_its_labels_into_autocomplete_as_a_rebuild_would(
    tmp_path: Path,
) -> None:
    data = library_copy(tmp_path)
    later = [data / "readings" / NK_INFO, data / "readings" / VANTOR]
    for folder in later:
        shutil.move(folder, tmp_path / folder.name)
    async with await Store.open(tmp_path / "synced.db", data) as synced:
        for folder in later:  # one reading at a time, each merged into what the last left
            shutil.move(tmp_path / folder.name, folder)
            assert (await synced.reload()).added == [folder.name]
        async with await Store.open(tmp_path / "fresh.db", data) as fresh:
            assert await answers(synced) == await answers(fresh)
            for kind in ("term", "speaker", "quote_topic"):
                for typed in ("a", "o", "sh", "bor", "cr", "w", "yeo", "de"):
                    assert await synced.suggest(kind, typed) == await fresh.suggest(kind, typed)
            for stored in (
                "SELECT kind, prefix, answer FROM suggestion_prefixes ORDER BY 1, 2",
                "SELECT kind, word FROM suggestion_vocabulary ORDER BY 1, 2",
            ):
                assert await database.fetch_all(synced.connection, stored) == (
                    await database.fetch_all(fresh.connection, stored)
                )
