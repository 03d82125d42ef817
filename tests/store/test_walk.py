"""A schedule's walk through the syllabus (or the library): its place is (reading, item), so
adding, removing, reordering or editing readings never shifts or repeats what was posted."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.answers import START, Excerpt, Place, Schedule
from bot.store.poster import Posted, PostError
from bot.store.scheduler import Scheduler
from bot.store.syllabi import PAST_END
from tests.conftest import READING_ID, library_copy

GUILD = 7
VANTOR = "vantor-chip-plant-delay"
NK_INFO = "north-korea-information-access"


@pytest.fixture
async def library(tmp_path: Path, state_url: str | None) -> AsyncIterator[Store]:
    """The test library, its syllabi and schedules in SQLite or in PostgreSQL (both run)."""
    store = await Store.open(tmp_path / "walk.db", library_copy(tmp_path), state_url)
    yield store
    await store.close()


async def ids(store: Store, place: Place, count: int, wrap: bool = False) -> list[tuple[str, str]]:
    walked = await store.next_excerpts(GUILD, "quotes", place, wrap, count)
    return [(p.place.reading, p.place.item) for p in walked]


async def test_the_walk_follows_the_syllabus_order_and_wraps(library: Store) -> None:
    await library.syllabus_add(GUILD, NK_INFO, None, 1)
    await library.syllabus_add(GUILD, VANTOR, None, 1)
    walked = await ids(library, START, 6 + 11 + 1, wrap=True)
    assert [reading for reading, _ in walked] == [NK_INFO] * 6 + [VANTOR] * 11 + [NK_INFO]
    assert await ids(library, Place(VANTOR, "", 11), 1) == []  # past the end, no wrap


async def test_adding_or_moving_readings_keeps_the_next_item(library: Store) -> None:
    await library.syllabus_add(GUILD, VANTOR, None, 1)
    await library.syllabus_add(GUILD, NK_INFO, None, 1)
    (here, second) = await ids(library, Place(VANTOR, "", 3), 2)
    await library.syllabus_add(GUILD, READING_ID, 1, 1)  # before the current reading
    await library.syllabus_move(GUILD, NK_INFO, 1, 1)
    assert await ids(library, Place(*here, 3), 2) == [here, second]


async def test_removing_the_current_reading_goes_on_with_the_next(library: Store) -> None:
    await library.syllabus_add(GUILD, VANTOR, None, 1)
    await library.syllabus_add(GUILD, NK_INFO, None, 1)
    status = await library.next_excerpts(GUILD, "quotes", START, False)
    await library.save_schedule(_schedule(status[0].following))
    await library.syllabus_remove(GUILD, VANTOR, 1)
    schedule = await library.schedule(GUILD)
    assert schedule.place == Place(NK_INFO, "", 0)
    (first,) = await ids(library, schedule.place, 1)
    assert first[0] == NK_INFO


async def test_removing_the_last_reading_stands_past_the_end_of_the_one_before(
    library: Store,
) -> None:
    """The place past a reading's end is a large index, kept by either database."""
    await library.syllabus_add(GUILD, NK_INFO, None, 1)
    await library.syllabus_add(GUILD, VANTOR, None, 1)
    await library.save_schedule(_schedule(Place(VANTOR, "", 2)))
    await library.syllabus_remove(GUILD, VANTOR, 1)
    schedule = await library.schedule(GUILD)
    assert schedule.place == Place(NK_INFO, "", PAST_END)
    assert await ids(library, schedule.place, 1) == []  # the walk is finished, no wrap


async def test_an_edited_reading_keeps_the_place_by_item(tmp_path: Path) -> None:
    data = library_copy(tmp_path)
    async with await Store.open(tmp_path / "edit.db", data) as store:
        await store.syllabus_add(GUILD, VANTOR, None, 1)
        walked = await store.next_excerpts(GUILD, "quotes", START, False, 4)
        next_item = walked[3].place
        quotes = data / "readings" / VANTOR / "quotes.toml"
        text = quotes.read_text(encoding="utf-8")
        first = text.index("[[quotes]]")
        second = text.index("[[quotes]]", first + 1)
        quotes.write_text(text[:first] + text[second:], encoding="utf-8")  # drop the first quote
        report = await store.reload()
        assert report.replaced == [VANTOR]
        (after,) = await store.next_excerpts(GUILD, "quotes", next_item, False)
        assert (after.place.item, after.place.index) == (next_item.item, 2)


async def test_a_reading_gone_from_the_library_is_skipped(tmp_path: Path) -> None:
    data = library_copy(tmp_path)
    async with await Store.open(tmp_path / "gone.db", data) as store:
        await store.syllabus_add(GUILD, VANTOR, None, 1)
        await store.syllabus_add(GUILD, NK_INFO, None, 1)
        shutil.rmtree(data / "readings" / VANTOR)
        assert (await store.reload()).removed == [VANTOR]
        (first,) = await ids(store, Place(VANTOR, "v-x", 5), 1)
        assert first[0] == NK_INFO
        assert await store.syllabus(GUILD) == [VANTOR, NK_INFO]  # back when the reading is


def _schedule(place: Place) -> Schedule:
    return Schedule(
        guild_id=GUILD,
        channel_id=1,
        local_time="09:00",
        timezone="UTC",
        next_run=0,
        next_date="2026-03-01",
        updated_by=1,
        source="quotes",
        reading=place.reading,
        item=place.item,
        position=place.index,
    )


class _Poster:
    """Posts nothing; fails while `failing`, with the error Discord gives for a passing fault."""

    def __init__(self) -> None:
        self.failing = False
        self.sent: list[tuple[str, int]] = []

    async def post(
        self, channel_id: int, schedule: Schedule, excerpt: Excerpt, nonce: str
    ) -> Posted:
        if self.failing:
            raise PostError("503 Service Unavailable", permanent=False)
        self.sent.append((excerpt.reading[:6], excerpt.number))
        return Posted(len(self.sent))

    async def find(self, *args: object) -> Posted | None:
        return None  # a failed post never went out


async def _daily_quotes(
    store: Store, syllabus: list[str], at_end: str = "wrap"
) -> tuple[Scheduler, _Poster, list[datetime]]:
    """A scheduler posting quotes at 13:00 UTC on a fake clock (its time in a list, to move)
    along `syllabus`, through a poster that records what it sends."""
    clock = [datetime(2026, 3, 1, 12, tzinfo=UTC)]
    poster = _Poster()
    scheduler = Scheduler(store, poster, lambda: clock[0])
    for reading in syllabus:
        await store.syllabus_add(GUILD, reading, None, 1)
    await scheduler.plan(
        guild_id=GUILD,
        channel_id=1,
        local_time="13:00",
        timezone="UTC",
        moderator_id=1,
        source="quotes",
        at_end=at_end,
    )
    return scheduler, poster, clock


async def _run_day(scheduler: Scheduler, clock: list[datetime], days: float = 1) -> None:
    clock[0] += timedelta(days=days)
    await scheduler.tick()


async def test_a_retry_after_its_reading_left_the_syllabus_posts_from_the_syllabus(
    library: Store,
) -> None:
    scheduler, poster, clock = await _daily_quotes(library, [VANTOR, NK_INFO])
    await _run_day(scheduler, clock, 0.05)  # 13:12, the first post
    poster.failing = True
    await _run_day(scheduler, clock)  # the second post fails, claimed at vantor #2
    await library.syllabus_remove(GUILD, VANTOR, 1)
    poster.failing = False
    clock[0] += timedelta(minutes=5)
    await scheduler.tick()  # the retry
    await _run_day(scheduler, clock)
    assert poster.sent == [("Vantor", 1), ("Thumb ", 1), ("Thumb ", 2)]


async def test_resuming_a_finished_walk_goes_on_with_a_reading_added_since(
    library: Store,
) -> None:
    scheduler, poster, clock = await _daily_quotes(library, [NK_INFO], at_end="stop")
    clock[0] += timedelta(hours=1, minutes=5)
    for _ in range(8):
        await scheduler.tick()
        await _run_day(scheduler, clock)
    assert poster.sent == [("Thumb ", n) for n in range(1, 7)]
    assert (await library.schedule(GUILD)).paused
    await library.syllabus_add(GUILD, VANTOR, None, 1)
    status = await scheduler.resume(GUILD)
    assert (status.next.reading[:6], status.next.number) == ("Vantor", 1)
    await _run_day(scheduler, clock)
    assert poster.sent[-1] == ("Vantor", 1)
