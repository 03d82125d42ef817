"""Daily excerpts: one loop asks which schedules are due, claims each date, posts, records; the
moderators' commands plan, pause, preview and post by hand through the same poster."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.store import clock
from bot.store.answers import (
    AT_END,
    FINISHED,
    SOURCES,
    START,
    Claim,
    Excerpt,
    ExcerptPreview,
    ManualPost,
    Place,
    Placed,
    Schedule,
    ScheduleStatus,
    Suggestion,
)
from bot.store.errors import UserError
from bot.store.poster import Poster, PostError, post_nonce
from bot.store.store import Store

log = logging.getLogger(__name__)

CLEANUP_GRACE = 1.0  # seconds a cancelled post has to clean up when the loop stops
PREVIEW_MAX = 10  # excerpts one preview shows at most
FINISHED_TEXT = "The reading is finished: /excerpt schedule with at_end wrap to restart."
NOTHING = "nothing to post"


@dataclass(frozen=True, slots=True)
class SchedulerConfig:
    grace: timedelta = timedelta(hours=6)
    batch: int = 200  # due schedules a tick takes: 5 s of posting at 40/s, a cheap due query
    concurrency: int = 16
    post_timeout: float = 30.0  # seconds one post may take before it is retried later
    drain_timeout: float = 5.0  # seconds posts under way may take to finish when the loop stops
    stale_claim: int = 120  # seconds after which a claim left by a stopped process is taken over
    retry_base: int = 60  # seconds; doubles with each failure
    retry_cap: int = 3600
    transient_tries: int = 6  # 5xx and timeouts: give up (pause) after this many
    permanent_tries: int = 3  # 403/404: pause after this many, never a loop of invalid requests


class Scheduler:
    """Plans schedules and posts the ones that are due; time comes from `now`."""

    def __init__(
        self,
        store: Store,
        poster: Poster,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        config: SchedulerConfig | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.store = store
        self.poster = poster
        self.now = now
        self.config = config or SchedulerConfig()
        self._sleep = sleep
        self._limit = asyncio.Semaphore(self.config.concurrency)
        self._sending: dict[int, asyncio.Task[bool]] = {}  # by guild: posts under way
        self._by_hand: set[asyncio.Task[object]] = set()  # moderators' posts under way

    async def run(self, interval: float) -> None:
        """Every `interval` seconds (at once again after a full batch) start the posts that
        are due, without waiting for those still sending; until cancelled."""
        try:
            while True:
                started: list[asyncio.Task[bool]] = []
                try:
                    started = await self._start_due()
                except Exception:
                    log.exception("the excerpt scheduler failed; trying again next round")
                if len(started) < self.config.batch:  # a full batch means more are waiting
                    await self._sleep(interval)
        finally:
            await self.drain(self.config.drain_timeout)

    async def drain(self, within: float | None = None) -> None:
        """Wait for the posts under way; those still going after `within` seconds are cancelled
        (their claims are taken over, and the posts resent with the same nonce, later)."""
        sending = [*self._sending.values(), *self._by_hand]
        if sending:
            _, late = await asyncio.wait(sending, timeout=within)
            for task in late:
                task.cancel()
            if late:  # let each run its cleanup before the store it writes to closes
                _, stuck = await asyncio.wait(late, timeout=CLEANUP_GRACE)
                if stuck:
                    log.warning("%d excerpt posts did not stop when cancelled", len(stuck))

    async def tick(self) -> int:
        """Handle every schedule due now and wait for them; return how many moved on (not
        those left to another process that is sending them)."""
        return sum(await asyncio.gather(*await self._start_due()))

    async def _start_due(self) -> list[asyncio.Task[bool]]:
        """Start handling each due schedule that is not being handled already, each on its
        own: one slow post holds no other."""
        now = self.now()
        # Those under way are due still: look past them for a whole batch of others.
        wanted = self.config.batch + len(self._sending)
        due = await self.store.due_schedules(clock.epoch(now), wanted)
        started = []
        for schedule in due:
            if schedule.guild_id not in self._sending and len(started) < self.config.batch:
                task = asyncio.create_task(self._handle_logged(schedule, now))
                self._sending[schedule.guild_id] = task
                task.add_done_callback(lambda _, guild=schedule.guild_id: self._sending.pop(guild))
                started.append(task)
        return started

    async def _handle_logged(self, schedule: Schedule, now: datetime) -> bool:
        async with self._limit:
            try:
                return await self._handle(schedule, now)
            except Exception:
                log.exception("schedule of guild %s failed", schedule.guild_id)
                return False

    async def plan(
        self,
        *,
        guild_id: int,
        channel_id: int,
        local_time: str,
        timezone: str,
        moderator_id: int,
        mention_role_id: int | None = None,
        open_thread: bool = False,
        source: str = "passages",
        at_end: str = "wrap",
    ) -> ScheduleStatus:
        """Validate and save a guild's schedule; its first post is the next occurrence."""
        at = clock.parse_local_time(local_time)
        zone = clock.load_zone(timezone)
        if source not in SOURCES or at_end not in AT_END:
            raise UserError("Choose what to post and what happens at the end from the list.")
        if not await self.store.next_excerpts(guild_id, source, START, wrap=True):
            raise UserError(f"There are no {source} loaded to post.")
        next_run, next_date = clock.next_occurrence(self.now(), at, zone)
        schedule = await self.store.save_schedule(
            Schedule(
                guild_id=guild_id,
                channel_id=channel_id,
                local_time=at.strftime("%H:%M"),
                timezone=zone.key,
                next_run=clock.epoch(next_run),
                next_date=next_date.isoformat(),
                updated_by=moderator_id,
                mention_role_id=mention_role_id,
                open_thread=open_thread,
                source=source,
                at_end=at_end,
            )
        )
        return await self._status(schedule)

    def zones(self, typed: str) -> list[Suggestion]:
        """Time zones to offer for what a moderator has typed, best matches first."""
        return [Suggestion(zone, zone) for zone in clock.zone_suggestions(typed)]

    async def require(self, guild_id: int) -> Schedule:
        """This guild's schedule, or a user error saying how to create one."""
        schedule = await self.store.schedule(guild_id)
        if schedule is None:
            raise UserError(
                "No daily excerpts are scheduled here yet: start with /excerpt schedule."
            )
        return schedule

    async def status(self, guild_id: int) -> ScheduleStatus:
        """This guild's schedule with the excerpt it posts next."""
        return await self._status(await self.require(guild_id))

    async def _status(self, schedule: Schedule) -> ScheduleStatus:
        coming = await self._coming(schedule, schedule.place)
        return ScheduleStatus(schedule, coming[0].excerpt if coming else None)

    async def _coming(self, schedule: Schedule, place: Place, count: int = 1) -> list[Placed]:
        """The next `count` excerpts on the schedule's walk from `place`."""
        wrap = schedule.at_end == "wrap"
        return await self.store.next_excerpts(
            schedule.guild_id, schedule.source, place, wrap, count
        )

    async def resume(self, guild_id: int) -> ScheduleStatus:
        """Unpause; the next post is the next occurrence from now, not a backlog."""
        schedule = await self.require(guild_id)
        next_run, next_date = self._next(schedule, self.now())
        await self.store.resume_schedule(guild_id, clock.epoch(next_run), next_date)
        return await self.status(guild_id)

    async def remove(self, guild_id: int) -> None:
        if not await self.store.delete_schedule(guild_id):
            raise UserError("No daily excerpts are scheduled here.")

    async def pause(self, guild_id: int) -> ScheduleStatus:
        await self.require(guild_id)
        await self.store.pause_schedule(guild_id, "paused by a moderator")
        return await self.status(guild_id)

    async def skip(self, guild_id: int) -> Excerpt:
        """Take the next excerpt out of the sequence without posting it."""
        _, placed = await self._take_next(guild_id)
        return placed.excerpt

    async def post_now(self, guild_id: int, channel_id: int, request_id: int) -> ManualPost:
        """Post the next excerpt into `channel_id` now, counted in the sequence; if the post
        fails, the excerpt stays next."""
        schedule, placed = await self._take_next(guild_id)
        excerpt = placed.excerpt
        nonce = post_nonce(guild_id, f"manual:{request_id}")
        # By hand: no ping and no thread, which the moderator's rights were not checked for.
        plain = dataclasses.replace(schedule, mention_role_id=None, open_thread=False)
        task = asyncio.current_task()
        assert task is not None  # a coroutine always runs in a task
        self._by_hand.add(task)  # the loop's drain waits for it too
        try:
            async with asyncio.timeout(self.config.post_timeout):
                posted = await self.poster.post(channel_id, plain, excerpt, nonce)
        except BaseException as error:  # not posted, as far as we know: the excerpt is next again
            await asyncio.shield(self.store.move_place(guild_id, placed.following, schedule.place))
            if isinstance(error, TimeoutError):
                reason = f"Discord did not take it within {self.config.post_timeout:g} s"
                raise UserError(f"I could not post the excerpt: {reason}") from error
            if isinstance(error, PostError):
                raise UserError(f"I could not post the excerpt: {error}") from error
            raise
        finally:
            self._by_hand.discard(task)
        return ManualPost(excerpt, channel_id, posted.thread_error)

    async def _take_next(self, guild_id: int) -> tuple[Schedule, Placed]:
        """The next excerpt, taken: the schedule stands after it now."""
        schedule = await self.require(guild_id)
        coming = await self._coming(schedule, schedule.place)
        if not coming:
            raise UserError(FINISHED_TEXT)
        if not await self.store.move_place(guild_id, schedule.place, coming[0].following):
            raise UserError("The daily excerpts moved on meanwhile: try again.")
        return schedule, coming[0]

    async def preview(self, guild_id: int, count: int) -> ExcerptPreview:
        """The next `count` excerpts (1 to PREVIEW_MAX), without taking them."""
        count = max(1, min(count, PREVIEW_MAX))
        schedule = await self.require(guild_id)
        coming = await self._coming(schedule, schedule.place, count)
        if not coming:
            raise UserError("The reading is finished: nothing comes next.")
        return ExcerptPreview(schedule, tuple(placed.excerpt for placed in coming))

    def _next(self, schedule: Schedule, after: datetime) -> tuple[datetime, str]:
        at = clock.parse_local_time(schedule.local_time)
        instant, day = clock.next_occurrence(after, at, clock.load_zone(schedule.timezone))
        return instant, day.isoformat()

    async def _handle(self, schedule: Schedule, now: datetime) -> bool:
        store = self.store
        due_at = clock.from_epoch(schedule.next_run)
        if not clock.is_within_grace(now, due_at, self.config.grace):
            following, following_date = self._next(schedule, now - self.config.grace)
            await store.record_missed(
                schedule, clock.epoch(following), following_date, clock.epoch(now)
            )
            log.info("guild %s missed %s", schedule.guild_id, schedule.next_date)
            return True
        nonce = post_nonce(schedule.guild_id, schedule.next_date)
        claim = await store.claim_post(schedule, nonce, clock.epoch(now), self.config.stale_claim)
        following, following_date = self._next(schedule, due_at)
        if claim is Claim.DONE:
            await store.advance_date(schedule, clock.epoch(following), following_date)
            return True
        if claim is Claim.BUSY:
            return False
        claimed = await store.claimed_post(schedule.guild_id, schedule.next_date)
        place = schedule.place if claimed is None else claimed[0]
        coming = await self._coming(schedule, place)
        if not coming:
            anything = await self._coming(dataclasses.replace(schedule, at_end="wrap"), START)
            await store.pause_schedule(schedule.guild_id, FINISHED if anything else NOTHING)
            return True
        excerpt = coming[0].excerpt
        try:
            async with asyncio.timeout(self.config.post_timeout):
                posted = await self.poster.post(schedule.channel_id, schedule, excerpt, nonce)
        except TimeoutError:
            error = PostError(
                f"Discord did not take the post within {self.config.post_timeout:g} s",
                permanent=False,
            )
            await self._failed(schedule, error, now, following, following_date)
            return True
        except PostError as error:
            await self._failed(schedule, error, now, following, following_date)
            return True
        await store.record_sent(
            schedule,
            place,
            coming[0].following,
            posted.message_id,
            schedule.at_end == "stop" and excerpt.is_last,
            clock.epoch(following),
            following_date,
            clock.epoch(now),
        )
        return True

    async def _failed(
        self,
        schedule: Schedule,
        error: PostError,
        now: datetime,
        following: datetime,
        following_date: str,
    ) -> None:
        """Retry with backoff; a permanent error pauses after a few tries, a passing one gives
        up on this date and goes on with the next."""
        tries = schedule.failures + 1
        limit = self.config.permanent_tries if error.permanent else self.config.transient_tries
        log.warning(
            "guild %s post failed (%s, try %d): %s",
            schedule.guild_id,
            "permanent" if error.permanent else "transient",
            tries,
            error,
        )
        if tries < limit:
            wait = min(self.config.retry_cap, self.config.retry_base * 2 ** (tries - 1))
            await self.store.record_failure(
                schedule, str(error), clock.epoch(now) + wait, clock.epoch(now)
            )
        elif error.permanent:
            await self.store.record_failure(schedule, str(error), None, clock.epoch(now))
        else:
            await self.store.record_gave_up(
                schedule, str(error), clock.epoch(following), following_date, clock.epoch(now)
            )
