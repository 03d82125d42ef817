"""The scheduler with a fake clock and a fake poster: days of schedule in milliseconds."""

from __future__ import annotations

import asyncio
import itertools
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.store import Store
from bot.store.answers import FINISHED, START, Claim, Excerpt, Place, Schedule
from bot.store.errors import UserError
from bot.store.poster import Posted, PostError, post_nonce
from bot.store.processes import claim_owner, identity
from bot.store.rate_budget import RateBudget
from bot.store.scheduler import PREVIEW_MAX, Scheduler, SchedulerConfig
from bot.store.schedules import Schedules
from bot.store.shards import Shards
from bot.store.state_db import open_state
from tests.conftest import DATA_DIR, READING_ID, FakeClock

GUILD, CHANNEL, MODERATOR = 1, 2, 3


@dataclass
class FakePoster:
    """Records posts; like Discord with enforce_nonce, a repeated nonce makes no new message."""

    clock: FakeClock
    posts: list[tuple[int, int, str, datetime]] = field(default_factory=list)
    failures: list[PostError] = field(default_factory=list)
    attempts: int = 0
    looked: int = 0  # times a resumed claim looked for its post in the channel
    sent_with: list[Schedule] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(100))
    _by_nonce: dict[str, int] = field(default_factory=dict)

    async def post(
        self, channel_id: int, schedule: Schedule, excerpt: Excerpt, nonce: str
    ) -> Posted:
        self.attempts += 1
        self.sent_with.append(schedule)
        if self.failures:
            raise self.failures.pop(0)
        if nonce not in self._by_nonce:
            self._by_nonce[nonce] = next(self._ids)
            self.posts.append((schedule.guild_id, excerpt.number, nonce, self.clock()))
        return Posted(self._by_nonce[nonce])

    async def find(
        self, channel_id: int, schedule: Schedule, excerpt: Excerpt, nonce: str, after: int | None
    ) -> Posted | None:
        """Like the bot reading the channel: a post made with this nonce is found."""
        self.looked += 1
        return Posted(self._by_nonce[nonce]) if nonce in self._by_nonce else None

    def local_dates(self, zone: str) -> list[date]:
        return [when.astimezone(ZoneInfo(zone)).date() for *_, when in self.posts]


@pytest.fixture
async def store(
    built_copy: Callable[[str], Path], data_dir: Path, state_url: str | None
) -> AsyncIterator[Store]:
    """A store of the shipped data (a copy of built_store), its guild state in SQLite or in
    PostgreSQL: every test here runs on both."""
    async with await Store.open(built_copy("store.db"), data_dir, state_url) as opened:
        yield opened


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 1, 12, tzinfo=UTC))


@pytest.fixture
def poster(fake_clock: FakeClock) -> FakePoster:
    return FakePoster(fake_clock)


@pytest.fixture
def scheduler(store: Store, poster: FakePoster, fake_clock: FakeClock) -> Scheduler:
    return Scheduler(store, poster, fake_clock)


async def plan(scheduler: Scheduler, local_time: str, zone: str, **options: object) -> Schedule:
    status = await scheduler.plan(
        guild_id=GUILD,
        channel_id=CHANNEL,
        local_time=local_time,
        timezone=zone,
        moderator_id=MODERATOR,
        **options,
    )
    return status.schedule


async def run_days(scheduler: Scheduler, clock: FakeClock, days: int, step_hours: float = 1):
    """Tick every `step_hours` for `days` days."""
    for _ in range(int(days * 24 / step_hours)):
        clock.advance(hours=step_hours)
        await scheduler.tick()


async def test_one_post_per_local_date_in_reading_order(
    scheduler: Scheduler, poster: FakePoster, fake_clock: FakeClock
) -> None:
    await plan(scheduler, "09:00", "Europe/London")
    await run_days(scheduler, fake_clock, 10, step_hours=0.25)
    assert [number for _, number, _, _ in poster.posts] == list(range(1, 11))
    dates = poster.local_dates("Europe/London")
    assert dates == [date(2026, 3, 2) + timedelta(days=i) for i in range(10)]
    assert all(when.astimezone(ZoneInfo("Europe/London")).hour == 9 for *_, when in poster.posts)


@pytest.mark.parametrize(
    ("zone", "local_time"),
    [
        ("Pacific/Kiritimati", "00:00"),
        ("Pacific/Pago_Pago", "23:59"),
        ("Asia/Kathmandu", "07:15"),
        ("America/New_York", "02:30"),
        ("Australia/Sydney", "02:30"),
        ("Europe/London", "01:30"),
    ],
)
async def test_a_year_across_dst_month_and_year_ends(
    scheduler: Scheduler, poster: FakePoster, fake_clock: FakeClock, zone: str, local_time: str
) -> None:
    fake_clock.set("2026-01-01T03:00", zone)
    await plan(scheduler, local_time, zone)
    await run_days(scheduler, fake_clock, 366, step_hours=3)
    dates = poster.local_dates(zone)
    assert len(dates) == len(set(dates)), "never twice on one local date"
    assert dates == sorted(dates)
    assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(dates)), "none skipped"
    assert date(2026, 12, 31) in dates
    assert date(2027, 1, 1) in dates


async def test_spring_gap_posts_at_the_next_valid_minute(
    scheduler: Scheduler, poster: FakePoster, fake_clock: FakeClock
) -> None:
    fake_clock.set("2026-03-28T12:00", "Europe/London")
    await plan(scheduler, "01:30", "Europe/London")
    await run_days(scheduler, fake_clock, 2, step_hours=0.25)
    london = [when.astimezone(ZoneInfo("Europe/London")) for *_, when in poster.posts]
    assert [(t.date().day, t.hour, t.minute) for t in london] == [(29, 2, 0), (30, 1, 30)]


async def test_catch_up_within_grace_and_missed_beyond_it(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    fake_clock.set("2026-03-10T08:00", "UTC")
    await plan(scheduler, "09:00", "UTC")
    fake_clock.set("2026-03-10T14:30", "UTC")  # down from 08:00 to 14:30: 5.5 h late
    await scheduler.tick()
    await scheduler.tick()
    assert len(poster.posts) == 1
    fake_clock.set("2026-03-11T15:30", "UTC")  # down all morning: 6.5 h late
    await scheduler.tick()
    assert len(poster.posts) == 1
    schedule = await store.schedule(GUILD)
    assert schedule.last_result == "missed"
    assert schedule.next_date == "2026-03-12"
    assert await store.claimed_post(GUILD, "2026-03-11") == (
        Place(READING_ID, "p02", 1),
        "",
        "missed",
    )
    fake_clock.set("2026-03-12T09:00", "UTC")
    await scheduler.tick()
    assert [number for _, number, _, _ in poster.posts] == [1, 2]


async def test_restart_does_not_repost(
    tmp_path: Path, poster: FakePoster, fake_clock: FakeClock
) -> None:
    db = tmp_path / "restart.db"
    fake_clock.set("2026-03-10T08:00", "UTC")
    for _ in range(3):
        async with await Store.open(db, DATA_DIR) as store:
            scheduler = Scheduler(store, poster, fake_clock)
            if await store.schedule(GUILD) is None:
                await plan(scheduler, "09:00", "UTC")
            fake_clock.set("2026-03-10T09:05", "UTC")
            await scheduler.tick()
    assert len(poster.posts) == 1


async def test_two_processes_on_one_database_post_once(
    tmp_path: Path, poster: FakePoster, fake_clock: FakeClock, state_url: str | None
) -> None:
    """Two processes compete for each claim: on one SQLite file, or each with its own content
    file and one PostgreSQL state."""
    db = tmp_path / "shared.db"
    other = db if state_url is None else tmp_path / "other.db"
    fake_clock.set("2026-03-10T08:00", "UTC")
    async with (
        await Store.open(db, DATA_DIR, state_url) as first,
        await Store.open(other, DATA_DIR, state_url) as second,
    ):
        one, two = Scheduler(first, poster, fake_clock), Scheduler(second, poster, fake_clock)
        await plan(one, "09:00", "UTC")
        for minute in range(0, 60, 5):
            fake_clock.set(f"2026-03-10T09:{minute:02d}", "UTC")
            await asyncio.gather(one.tick(), two.tick())
    assert poster.attempts == 1
    assert len(poster.posts) == 1


async def due_at_nine(
    scheduler: Scheduler, store: Store, fake_clock: FakeClock
) -> tuple[Schedule, str, int]:
    """A schedule planned at 08:00 for 09:00 UTC and the clock at 09:00: the schedule as found
    due, its post's nonce, and now in epoch seconds."""
    fake_clock.set("2026-03-10T08:00", "UTC")
    await plan(scheduler, "09:00", "UTC")
    fake_clock.set("2026-03-10T09:00", "UTC")
    now = int(fake_clock().timestamp())
    (due,) = await store.due_schedules(now, 10)
    return due, post_nonce(GUILD, due.next_date), now


async def test_a_post_sent_before_a_crash_is_found_in_the_channel_not_sent_again(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    due, nonce, now = await due_at_nine(scheduler, store, fake_clock)
    # The first process claimed and sent, then died before recording it.
    await store.claim_post(due, nonce, now, 120)
    await poster.post(
        CHANNEL,
        due,
        (await store.next_excerpts(GUILD, "passages", START, wrap=False))[0].excerpt,
        nonce,
    )
    fake_clock.advance(seconds=30)
    await scheduler.tick()
    assert poster.attempts == 1, "a fresh claim by another process is left alone"
    fake_clock.advance(minutes=5)
    await scheduler.tick()
    assert poster.looked == 1, "a stale claim is taken over, and its post looked for"
    assert poster.attempts == 1, "found in the channel: not sent again"
    assert len(poster.posts) == 1
    assert (await store.schedule(GUILD)).next_date == "2026-03-11"
    assert (await store.claimed_post(GUILD, "2026-03-10"))[2] == "sent"


async def test_a_stale_claim_whose_post_never_went_out_is_posted(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    due, nonce, now = await due_at_nine(scheduler, store, fake_clock)
    # The first process claimed, then died before it sent anything.
    await store.claim_post(due, nonce, now, 120)
    fake_clock.advance(minutes=5)
    await scheduler.tick()
    assert (poster.looked, poster.attempts, len(poster.posts)) == (1, 1, 1)
    assert (await store.schedule(GUILD)).next_date == "2026-03-11"


async def test_transient_failures_retry_with_backoff(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    fake_clock.set("2026-03-10T08:59", "UTC")
    await plan(scheduler, "09:00", "UTC")
    poster.failures = [PostError("503 Service Unavailable", permanent=False)] * 2
    attempts_at = []
    for _ in range(12 * 60):
        fake_clock.advance(seconds=5)
        before = poster.attempts
        await scheduler.tick()
        if poster.attempts > before:
            attempts_at.append(fake_clock().strftime("%H:%M"))
    assert attempts_at == ["09:00", "09:01", "09:03"]
    assert len(poster.posts) == 1
    assert (await store.schedule(GUILD)).last_result == "posted"


async def test_permanent_failures_pause_and_stop_trying(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    fake_clock.set("2026-03-10T08:59", "UTC")
    await plan(scheduler, "09:00", "UTC")
    poster.failures = [PostError("403 Forbidden: Missing Access", permanent=True)] * 10
    await run_days(scheduler, fake_clock, 3, step_hours=1 / 60)
    assert poster.attempts == 3
    schedule = await store.schedule(GUILD)
    assert schedule.paused
    assert schedule.pause_reason == "403 Forbidden: Missing Access"
    assert await store.claimed_post(GUILD, "2026-03-10") == (START, schedule_nonce(), "failed")


def schedule_nonce() -> str:
    return post_nonce(GUILD, "2026-03-10")


async def test_resume_starts_from_now_and_retries_a_failed_date(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    fake_clock.set("2026-03-10T08:59", "UTC")
    await plan(scheduler, "09:00", "UTC")
    poster.failures = [PostError("404 Unknown Channel", permanent=True)] * 3
    await run_days(scheduler, fake_clock, 0.25, step_hours=1 / 60)
    assert (await store.schedule(GUILD)).paused
    fake_clock.set("2026-03-12T10:00", "UTC")
    resumed = (await scheduler.resume(GUILD)).schedule
    assert resumed.next_date == "2026-03-13"
    fake_clock.set("2026-03-13T09:00", "UTC")
    await scheduler.tick()
    assert [number for _, number, _, _ in poster.posts] == [1]


async def test_stop_at_the_end_pauses_with_a_reason(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    total = (await store.overview())[0].counts["quotes"]
    await plan(scheduler, "09:00", "UTC", source="quotes", at_end="stop")
    await run_days(scheduler, fake_clock, total + 5, step_hours=6)
    assert [number for _, number, _, _ in poster.posts] == list(range(1, total + 1))
    schedule = await store.schedule(GUILD)
    assert schedule.paused
    assert schedule.pause_reason == FINISHED


async def test_wrap_starts_the_reading_again(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    total = (await store.overview())[0].counts["passages"]
    await plan(scheduler, "09:00", "UTC")
    await run_days(scheduler, fake_clock, total + 2, step_hours=6)
    numbers = [number for _, number, _, _ in poster.posts]
    assert numbers == [*range(1, total + 1), 1, 2]


@pytest.mark.parametrize(
    ("local_time", "zone", "message"),
    [("25:00", "UTC", "isn't a time of day"), ("09:00", "Mars/Olympus", "Mars/Olympus")],
)
async def test_plan_refuses_bad_input(
    scheduler: Scheduler, local_time: str, zone: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        await plan(scheduler, local_time, zone)


async def test_many_schedules_due_at_once_are_all_posted(
    store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    scheduler = Scheduler(store, poster, fake_clock, SchedulerConfig(concurrency=4))
    fake_clock.set("2026-03-10T08:00", "UTC")
    for guild in range(1, 201):
        await scheduler.plan(
            guild_id=guild, channel_id=guild, local_time="09:00", timezone="UTC", moderator_id=9
        )
    fake_clock.set("2026-03-10T09:00", "UTC")
    assert await scheduler.tick() == 200
    assert sorted(guild for guild, *_ in poster.posts) == list(range(1, 201))


async def test_rate_budget_never_exceeds_its_rate() -> None:
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    budget = RateBudget(40, monotonic=lambda: now[0], sleep=sleep)
    times = []
    for _ in range(200):
        await budget.acquire()
        times.append(now[0])
    assert times[-1] == pytest.approx(199 / 40)
    for i in range(len(times) - 40):
        assert times[i + 40] - times[i] >= 1.0 - 1e-9


async def test_passing_failures_that_never_clear_give_up_the_date_not_the_schedule(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    fake_clock.set("2026-03-10T08:59", "UTC")
    await plan(scheduler, "09:00", "UTC")
    poster.failures = [PostError("502 Bad Gateway", permanent=False)] * 6
    await run_days(scheduler, fake_clock, 1.5, step_hours=1 / 60)
    schedule = await store.schedule(GUILD)
    assert not schedule.paused
    assert await store.claimed_post(GUILD, "2026-03-10") == (START, schedule_nonce(), "failed")
    assert [number for _, number, _, _ in poster.posts] == [1], "the next day posts as usual"


async def test_a_last_try_that_went_out_all_the_same_is_recorded_not_repeated(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    """The last passing failure before the date is given up was carried out by Discord (its
    answer lost): the post is found and recorded, and the next day posts the next excerpt."""
    fake_clock.set("2026-03-10T08:59", "UTC")
    await plan(scheduler, "09:00", "UTC")
    poster.failures = [PostError("502 Bad Gateway", permanent=False)] * 5
    real_post = poster.post

    async def last_try_lands(
        channel_id: int, schedule: Schedule, excerpt: Excerpt, nonce: str
    ) -> Posted:
        posted = await real_post(channel_id, schedule, excerpt, nonce)
        if poster.attempts == 6:  # Discord took it; the bot heard a timeout
            raise PostError("Discord did not take the post within 30 s", permanent=False)
        return posted

    poster.post = last_try_lands  # type: ignore[method-assign]
    await run_days(scheduler, fake_clock, 1.5, step_hours=1 / 60)
    assert await store.claimed_post(GUILD, "2026-03-10") == (START, schedule_nonce(), "sent")
    assert [number for _, number, _, _ in poster.posts] == [1, 2], "the next day, the next one"


async def test_a_pause_made_while_a_post_is_sending_holds(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    fake_clock.set("2026-03-10T08:59", "UTC")
    await plan(scheduler, "09:00", "UTC")
    real_post = poster.post

    async def post_while_moderator_pauses(
        channel_id: int, schedule: Schedule, excerpt: Excerpt, nonce: str
    ) -> Posted:
        await scheduler.pause(GUILD)
        return await real_post(channel_id, schedule, excerpt, nonce)

    poster.post = post_while_moderator_pauses  # type: ignore[method-assign]
    fake_clock.set("2026-03-10T09:00", "UTC")
    await scheduler.tick()
    schedule = await store.schedule(GUILD)
    assert schedule.paused
    assert schedule.pause_reason == "paused by a moderator"
    assert schedule.position == 1


async def test_resuming_a_finished_reading_starts_it_again(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    total = (await store.overview())[0].counts["quotes"]
    await plan(scheduler, "09:00", "UTC", source="quotes", at_end="stop")
    await run_days(scheduler, fake_clock, total + 2, step_hours=6)
    assert (await store.schedule(GUILD)).pause_reason == FINISHED
    await scheduler.resume(GUILD)
    await run_days(scheduler, fake_clock, 1, step_hours=6)
    assert [number for _, number, _, _ in poster.posts][-1] == 1


async def test_the_loop_ticks_every_interval_and_outlives_a_failed_round(
    store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    slept: list[float] = []
    three_posts = asyncio.Event()

    async def sleep(seconds: float) -> None:  # the loop's wait, moving the fake clock instead
        slept.append(seconds)
        await scheduler.drain()
        fake_clock.advance(seconds=seconds)
        if len(poster.posts) == 3:
            three_posts.set()
        await asyncio.sleep(0)

    scheduler = Scheduler(store, poster, fake_clock, sleep=sleep)
    fake_clock.set("2026-03-10T08:00", "UTC")
    await plan(scheduler, "09:00", "UTC")
    real_due, failures = store.due_schedules, [RuntimeError("the database went away")]

    async def due_schedules(now: int, limit: int, shards: Shards | None = None) -> list[Schedule]:
        if failures:
            raise failures.pop()
        return await real_due(now, limit, shards)

    store.due_schedules = due_schedules  # type: ignore[method-assign]
    loop = asyncio.create_task(scheduler.run(interval=600))
    await asyncio.wait_for(three_posts.wait(), timeout=5)
    loop.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loop
    assert poster.local_dates("UTC") == [date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 12)]
    assert [when.hour for *_, when in poster.posts] == [9, 9, 9]
    assert set(slept) == {600}
    assert not failures, "the failed round was tried, and the loop went on"


async def test_the_loop_takes_the_next_batch_at_once_after_a_full_one(
    store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await scheduler.drain()
        raise asyncio.CancelledError  # stop at the first wait

    config = SchedulerConfig(batch=2)
    scheduler = Scheduler(store, poster, fake_clock, config, sleep=sleep)
    fake_clock.set("2026-03-10T08:59", "UTC")
    for guild in range(1, 6):
        await scheduler.plan(
            guild_id=guild, channel_id=CHANNEL, local_time="09:00", timezone="UTC", moderator_id=3
        )
    fake_clock.set("2026-03-10T09:00", "UTC")
    with pytest.raises(asyncio.CancelledError):
        await scheduler.run(interval=20)
    assert sorted(guild for guild, *_ in poster.posts) == [1, 2, 3, 4, 5]
    assert slept == [20], "three ticks (2, 2, 1), then one wait"


async def test_a_manual_post_that_fails_leaves_the_excerpt_next(
    scheduler: Scheduler, store: Store, poster: FakePoster
) -> None:
    await plan(scheduler, "09:00", "UTC")
    poster.failures.append(PostError("Discord refused the post (503): busy", permanent=False))
    with pytest.raises(UserError, match="I could not post the excerpt: Discord refused"):
        await scheduler.post_now(GUILD, CHANNEL, request_id=1)
    assert (await store.schedule(GUILD)).position == 0
    posted = await scheduler.post_now(GUILD, CHANNEL, request_id=2)
    assert posted.excerpt.number == 1
    assert (await store.schedule(GUILD)).position == 1
    assert [number for _, number, _, _ in poster.posts] == [1]


async def test_a_manual_post_pings_no_role_and_opens_no_thread(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    """The daily post pings the chosen role; a moderator's post by hand does neither."""
    fake_clock.set("2026-03-10T08:00", "UTC")
    await plan(scheduler, "09:00", "UTC", mention_role_id=77, open_thread=True)
    await scheduler.post_now(GUILD, CHANNEL, request_id=1)
    fake_clock.set("2026-03-10T09:00", "UTC")
    await scheduler.tick()
    by_hand, daily = poster.sent_with
    assert (by_hand.mention_role_id, by_hand.open_thread) == (None, False)
    assert (daily.mention_role_id, daily.open_thread) == (77, True)
    assert (await store.schedule(GUILD)).mention_role_id == 77, "the schedule itself is kept"


async def test_a_preview_shows_at_most_its_limit(scheduler: Scheduler) -> None:
    await plan(scheduler, "09:00", "UTC")
    preview = await scheduler.preview(GUILD, 10_000)
    assert len(preview.excerpts) == PREVIEW_MAX


async def test_a_slow_post_holds_no_other_server_and_is_cut_at_its_time_limit(
    store: Store, fake_clock: FakeClock
) -> None:
    hung = asyncio.Event()  # never set: the first server's post hangs until its time limit

    class OneSlowChannel(FakePoster):
        async def post(
            self, channel_id: int, schedule: Schedule, excerpt: Excerpt, nonce: str
        ) -> Posted:
            if schedule.guild_id == 1:
                await hung.wait()
            return await super().post(channel_id, schedule, excerpt, nonce)

    poster = OneSlowChannel(fake_clock)
    slow_one_retried = asyncio.Event()

    async def sleep(seconds: float) -> None:
        fake_clock.advance(seconds=seconds)
        # A little real time a round, so that the post's real time limit comes before the
        # loop's fake rounds carry the date past its grace window.
        await asyncio.sleep(0.005)
        if (await store.schedule(1)).last_result == "retrying":
            slow_one_retried.set()

    config = SchedulerConfig(post_timeout=0.2)  # real seconds: the limit is on the wire
    scheduler = Scheduler(store, poster, fake_clock, config, sleep=sleep)
    fake_clock.set("2026-03-10T08:59", "UTC")
    for guild, at in ((1, "09:00"), (2, "09:01")):
        await scheduler.plan(
            guild_id=guild, channel_id=CHANNEL, local_time=at, timezone="UTC", moderator_id=3
        )

    loop = asyncio.create_task(scheduler.run(interval=20))
    await asyncio.wait_for(slow_one_retried.wait(), timeout=10)
    loop.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loop
    assert [guild for guild, *_ in poster.posts] == [2], "posted while the first one hung"
    slow = await store.schedule(1)
    assert slow.last_error == "Discord did not take the post within 0.2 s"
    assert slow.retry_at is not None
    assert await store.claimed_post(1, "2026-03-10") == (
        START,
        post_nonce(1, "2026-03-10"),
        "claimed",
    )


async def test_draining_waits_for_the_posts_it_cancels_to_finish_their_cleanup(
    store: Store, fake_clock: FakeClock
) -> None:
    """When the bot stops, a post still going is cancelled and its cleanup has run before the
    store closes: nothing of it is left running."""
    started, cleaned_up = asyncio.Event(), asyncio.Event()

    class Hangs(FakePoster):
        async def post(
            self, channel_id: int, schedule: Schedule, excerpt: Excerpt, nonce: str
        ) -> Posted:
            started.set()
            try:
                await asyncio.Event().wait()
            finally:
                await asyncio.sleep(0)  # cleanup that itself awaits
                cleaned_up.set()
            raise AssertionError("unreachable")

    scheduler = Scheduler(store, Hangs(fake_clock), fake_clock)
    fake_clock.set("2026-03-10T08:59", "UTC")
    await plan(scheduler, "09:00", "UTC")
    fake_clock.set("2026-03-10T09:00", "UTC")
    tick = asyncio.create_task(scheduler.tick())
    await asyncio.wait_for(started.wait(), timeout=5)
    await scheduler.drain(within=0)
    assert cleaned_up.is_set()
    await asyncio.gather(tick, return_exceptions=True)


@pytest.mark.parametrize("outcome", ["too slow", "cancelled", "a bug"])
async def test_a_manual_post_that_does_not_finish_leaves_the_excerpt_next(
    store: Store, fake_clock: FakeClock, outcome: str
) -> None:
    """Whatever stops a post by hand (its time limit, the bot stopping, a fault), nothing was
    posted and the excerpt stays next."""

    class Fails(FakePoster):
        async def post(
            self, channel_id: int, schedule: Schedule, excerpt: Excerpt, nonce: str
        ) -> Posted:
            if outcome == "a bug":
                raise KeyError("a fault of the poster's")
            await asyncio.Event().wait()  # until its time limit, or cancelled
            raise AssertionError("unreachable")

    config = SchedulerConfig(post_timeout=0.2)  # real seconds: the limit is on the wire
    scheduler = Scheduler(store, Fails(fake_clock), fake_clock, config)
    await plan(scheduler, "09:00", "UTC")
    posting = asyncio.create_task(scheduler.post_now(GUILD, CHANNEL, request_id=1))
    if outcome == "cancelled":
        await asyncio.sleep(0.05)  # the post is under way, waiting on the wire
        await scheduler.drain(within=0)  # the bot stopping: the drain cancels it
        assert posting.cancelled()
    else:
        expected = UserError if outcome == "too slow" else KeyError
        with pytest.raises(expected):
            await asyncio.wait_for(posting, timeout=5)  # a guard: never a hang
        if outcome == "too slow":
            assert "did not take it within 0.2 s" in str(posting.exception())
    assert (await store.schedule(GUILD)).position == 0


async def test_on_postgresql_a_schedule_another_process_is_writing_is_skipped_not_waited_for(
    tmp_path: Path, poster: FakePoster, fake_clock: FakeClock, postgres_url: str
) -> None:
    import asyncpg

    fake_clock.set("2026-03-10T08:00", "UTC")
    async with await Store.open(tmp_path / "content.db", DATA_DIR, postgres_url) as store:
        await plan(Scheduler(store, poster, fake_clock), "09:00", "UTC")
        now = int(datetime(2026, 3, 10, 9, tzinfo=UTC).timestamp())
        (due,) = await store.due_schedules(now, 10)
        nonce = post_nonce(GUILD, due.next_date)
        other = await asyncpg.connect(postgres_url)
        try:
            async with other.transaction():  # another process, in the middle of a write
                await other.execute("SELECT 1 FROM schedules WHERE guild_id = $1 FOR UPDATE", GUILD)
                claim = await asyncio.wait_for(store.claim_post(due, nonce, now, 120), 5)
                assert claim is Claim.BUSY
            assert await store.claim_post(due, nonce, now, 120) is Claim.OURS
        finally:
            await other.close()


async def test_a_claim_whose_process_has_ended_is_taken_over_at_once(
    scheduler: Scheduler, store: Store, poster: FakePoster, fake_clock: FakeClock
) -> None:
    """On SQLite, known by its pid and start on this machine; on PostgreSQL, by its lock, which
    a process that ended does not hold."""
    due, nonce, now = await due_at_nine(scheduler, store, fake_clock)
    # A process of this machine that has ended (killed mid-post): taken over at once.
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import sys; sys.stdin.read()", stdin=asyncio.subprocess.PIPE
    )
    ended = f"{claim_owner().partition(':')[0]}:{child.pid}:{identity(child.pid)}"
    await child.communicate(b"")
    assert await Schedules(store.state, ended).claim(due, nonce, now, 120) is Claim.OURS
    fake_clock.advance(seconds=10)
    await scheduler.tick()
    assert (poster.looked, poster.attempts, len(poster.posts)) == (1, 1, 1)
    assert (await store.schedule(GUILD)).next_date == "2026-03-11"


async def test_a_claim_of_another_machine_is_waited_out_while_its_process_lives(
    scheduler: Scheduler,
    store: Store,
    poster: FakePoster,
    fake_clock: FakeClock,
    state_url: str | None,
) -> None:
    """On SQLite (one machine's file) another host's claim waits until it is stale; on
    PostgreSQL, until its process lets go of its lock (it stops), from any machine."""
    due, nonce, now = await due_at_nine(scheduler, store, fake_clock)
    owner = "another-host:4242:99"
    elsewhere = None if state_url is None else await open_state(state_url, owner)
    try:
        assert await Schedules(store.state, owner).claim(due, nonce, now, 120) is Claim.OURS
        fake_clock.advance(seconds=10)
        await scheduler.tick()
        assert poster.attempts == 0, "a live claim is left alone"
    finally:
        if elsewhere is not None:
            await elsewhere.close()  # the other machine's process stops
    fake_clock.advance(seconds=10)
    await scheduler.tick()
    assert poster.attempts == (0 if state_url is None else 1)
    fake_clock.advance(minutes=3)  # stale by now, on either database
    await scheduler.tick()
    assert (poster.attempts, len(poster.posts)) == (1, 1)
