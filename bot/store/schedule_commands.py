"""The moderators' side of daily excerpts: plan, pause, resume, preview, skip and post by hand,
through the same store and poster as the daily loop (bot/store/scheduler.py)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.store import clock
from bot.store.answers import (
    AT_END,
    SOURCES,
    START,
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
from bot.store.shards import Shards
from bot.store.store import Store

PREVIEW_MAX = 10  # excerpts one preview shows at most
FINISHED_TEXT = "The reading is finished: /excerpt schedule with at_end wrap to restart."


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
    shards: Shards = field(default_factory=Shards)  # the servers this process posts for


class ScheduleCommands:
    """What moderators ask of their guild's schedule (a mix-in of Scheduler)."""

    store: Store
    poster: Poster
    now: Callable[[], datetime]
    config: SchedulerConfig
    _by_hand: set[asyncio.Task[object]]

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
        # A finished walk starts again, unless readings were added after where it stopped.
        going_on = await self._coming(dataclasses.replace(schedule, at_end="stop"), schedule.place)
        await self.store.resume_schedule(
            guild_id, clock.epoch(next_run), next_date, restart=not going_on
        )
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
