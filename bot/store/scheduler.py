"""Daily excerpts: one loop asks which schedules are due, claims each date, posts, records; the
moderators' commands plan, pause, preview and post by hand through the same poster."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bot.store import clock
from bot.store.answers import (
    FINISHED,
    START,
    Claim,
    Excerpt,
    Schedule,
)
from bot.store.poster import Posted, Poster, PostError, post_nonce
from bot.store.schedule_commands import PREVIEW_MAX, ScheduleCommands, SchedulerConfig
from bot.store.store import Store

__all__ = ["PREVIEW_MAX", "Scheduler", "SchedulerConfig"]

log = logging.getLogger(__name__)

CLEANUP_GRACE = 1.0  # seconds a cancelled post has to clean up when the loop stops
NOTHING = "nothing to post"


async def _logged(work: Callable[[], Awaitable[object]]) -> object:
    try:
        return await work()
    except Exception:
        log.exception("%s failed; trying again next round", work)
        return None


class Scheduler(ScheduleCommands):
    """Posts the schedules that are due, one loop; time comes from `now`. The moderators'
    commands come from ScheduleCommands."""

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
        # Other timed work started each round (the members' review reminders), each in a task
        # of its own so that excerpts never wait for it; one of each at a time.
        self.also: list[Callable[[], Awaitable[object]]] = []
        self._also: dict[Callable[[], Awaitable[object]], asyncio.Task[object]] = {}

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
                for work in self.also:
                    running = self._also.get(work)
                    if running is None or running.done():
                        self._also[work] = asyncio.create_task(_logged(work))
                if len(started) < self.config.batch:  # a full batch means more are waiting
                    await self._sleep(interval)
        finally:
            await self.drain(self.config.drain_timeout)

    async def drain(self, within: float | None = None) -> None:
        """Wait for the posts under way; those still going after `within` seconds are cancelled
        (their claims are taken over, and the posts resent with the same nonce, later)."""
        sending = [*self._sending.values(), *self._by_hand, *self._also.values()]
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
        due = await self.store.due_schedules(clock.epoch(now), wanted, self.config.shards)
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
        place = schedule.place  # a retry resends what it claimed, if still on the walk
        if claimed is not None and await store.on_walk(schedule.guild_id, claimed[0]):
            place = claimed[0]
        coming = await self._coming(schedule, place)
        if not coming:
            anything = await self._coming(dataclasses.replace(schedule, at_end="wrap"), START)
            await store.pause_schedule(schedule.guild_id, FINISHED if anything else NOTHING)
            return True
        excerpt = coming[0].excerpt
        try:
            # An earlier attempt may have gone out unrecorded; Discord's nonce check only covers
            # the last few minutes, so a resumed claim looks in the channel before sending.
            posted = await self._send(schedule, excerpt, nonce, look=claim is Claim.RESUMED)
        except PostError as error:
            # Before giving the date up, the last try may have gone out all the same (a
            # timeout after Discord took it): looked for, or the next date would repeat it.
            found = None
            if not error.permanent and schedule.failures + 1 >= self.config.transient_tries:
                with contextlib.suppress(PostError):
                    found = await self._send(schedule, excerpt, nonce, look=True, send=False)
            if found is None:
                await self._failed(schedule, error, now, following, following_date)
                return True
            posted = found
        assert posted is not None  # sent, when not found
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

    async def _send(
        self, schedule: Schedule, excerpt: Excerpt, nonce: str, *, look: bool, send: bool = True
    ) -> Posted | None:
        """The post found in the channel (if `look`), else sent (if `send`); a PostError if
        Discord refuses or takes longer than post_timeout."""
        try:
            async with asyncio.timeout(self.config.post_timeout):
                found = None
                if look:
                    after = await self.store.last_post_message(schedule.guild_id)
                    found = await self.poster.find(
                        schedule.channel_id, schedule, excerpt, nonce, after
                    )
                if found is not None or not send:
                    return found
                return await self.poster.post(schedule.channel_id, schedule, excerpt, nonce)
        except TimeoutError:
            raise PostError(
                f"Discord did not take the post within {self.config.post_timeout:g} s",
                permanent=False,
            ) from None

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
