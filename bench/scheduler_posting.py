"""Posting every due schedule through the real bot, against a rate-limited local Discord."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.scheduler_rows import (
    DEFAULT_CHANNELS,
    DUE_DATE,
    FAKE_GUILDS,
    NOW,
    insert_schedules,
    schedule_rows,
)
from bot.client import ReadingRoomBot
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.sandbox import LocalDiscord, run_bot_against
from bot.store import Store
from bot.store.poster import post_nonce
from bot.store.scheduler import SchedulerConfig

DISCORD_GLOBAL_LIMIT = 50  # requests a second per bot token
RATE_SHARE_TARGET = 0.9  # the configured post rate counts as sustained at 90% of it
WINDOW_S = 5.0
POST_PATH = re.compile(r"^/channels/(\d+)/messages$")


def _rate_windows(times: list[float], width: float = WINDOW_S) -> list[float]:
    """Posts a second in consecutive `width`-second windows from the first post; the last,
    partial window is left out unless it is the only one."""
    if not times:
        return []
    start, end = times[0], times[-1]
    full = max(1, int((end - start) // width))
    counts = [0] * full
    for moment in times:
        index = int((moment - start) // width)
        if index < full:
            counts[index] += 1
    return [round(c / width, 2) for c in counts]


def _busiest_second(times: list[float]) -> int:
    """The most requests in any trailing one-second window (what the global limit counts)."""
    most, first = 0, 0
    for last, moment in enumerate(times):
        while times[first] <= moment - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


async def _sent(store: Store) -> tuple[int, int]:
    """Posts recorded as sent, and the distinct guilds they belong to."""
    ((posts, guilds),) = await store.connection.execute_fetchall(
        "SELECT count(*), count(DISTINCT guild_id) FROM posts WHERE status = 'sent'"
    )
    return posts, guilds


async def run_posting(
    count: int,
    *,
    post_rate: float | None = None,
    rate_limit: int = DISCORD_GLOBAL_LIMIT,
    channels: int = DEFAULT_CHANNELS,
    max_http_sleep: float | None = None,
    loop_interval: float | None = None,
    batch: int | None = None,
    workdir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Post `count` due schedules through the real bot against a rate-limited sandbox.

    With `loop_interval` None, `scheduler.tick()` is called back to back until nothing is due;
    otherwise the bot's own loop (Scheduler.run, a round every `loop_interval` seconds) posts and
    this waits until every schedule has posted; only the first way records each tick.
    `batch` replaces SchedulerConfig().batch."""
    rate = Settings().post_rate if post_rate is None else post_rate
    with tempfile.TemporaryDirectory(dir=workdir, prefix="sched-post-") as folder:
        path = Path(folder) / "posting.db"
        async with (
            LocalDiscord(global_rate_limit=rate_limit) as server,
            await Store.open(path, DEFAULT_DATA_DIR) as store,
        ):
            settings = Settings(database_path=path, post_rate=rate)
            bot = ReadingRoomBot(settings, store, now=lambda: NOW, scheduler_interval=loop_interval)
            if batch is not None:
                bot.scheduler.config = dataclasses.replace(bot.scheduler.config, batch=batch)
            async with run_bot_against(server, bot, max_http_sleep=max_http_sleep) as run:
                channel_ids = [await server.add_channel(f"excerpts-{c}") for c in range(channels)]
                await server.wait_until(
                    lambda: all(bot.get_channel(c) is not None for c in channel_ids), within=10.0
                )
                ticks: list[dict[str, Any]] = []
                tick = bot.scheduler.tick

                async def recorded_tick() -> int:
                    tick_start = time.perf_counter()
                    handled = await tick()
                    ticks.append(
                        {"handled": handled, "s": round(time.perf_counter() - tick_start, 3)}
                    )
                    if progress is not None and handled:
                        progress(f"tick {len(ticks)}: {handled} schedules")
                    return handled

                bot.scheduler.tick = recorded_tick  # type: ignore[method-assign]
                await insert_schedules(store, schedule_rows(count, channel_ids, mixed=False))
                first_request = len(server.requests)
                start = time.perf_counter()
                if loop_interval is None:
                    most = count // bot.scheduler.config.batch + 10
                    while await bot.scheduler.tick() and len(ticks) < most:
                        pass
                else:

                    def all_posted() -> bool:
                        messages = server.channel_messages
                        return sum(len(messages.get(c, [])) for c in channel_ids) >= count

                    await server.wait_until(all_posted, within=3 * count / rate + 120)
                wall_s = time.perf_counter() - start
                # The last sends are out; give the loop's tick the moment it needs to record them.
                for _ in range(200):
                    if (await _sent(store))[0] >= count:
                        break
                    await asyncio.sleep(0.05)
                alive = run.alive
                logged_errors = len(run.logged_errors)
                http_sleeps = list(run.http_sleeps)
            requests = server.requests[first_request:]
            messages = sum(len(server.channel_messages.get(c, [])) for c in channel_ids)
            internal_errors = len(server.internal_errors)
            refused = server.rate_limit.refused if server.rate_limit is not None else 0
            all_429 = sum(1 for r in server.requests if r.status == 429)
            sent = await _sent(store)
            not_posted = await store.connection.execute_fetchall(
                "SELECT count(*) FROM schedules WHERE last_result IS NOT 'posted' OR next_date = ?",
                (DUE_DATE,),
            )
    posts = [r for r in requests if r.method == "POST" and POST_PATH.match(r.path)]
    ok_posts = [r for r in posts if r.status == 200]
    nonces = Counter(r.body.get("nonce") for r in ok_posts)
    expected_nonces = {post_nonce(FAKE_GUILDS + i, DUE_DATE) for i in range(count)}
    times = sorted(r.time for r in ok_posts)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    windows = _rate_windows(times)
    overall = count / wall_s if wall_s else 0.0
    return {
        "schedules": count,
        "post_rate": rate,
        "global_rate_limit": rate_limit,
        "channels": channels,
        "max_http_sleep": max_http_sleep,
        "driver": "ticks back to back" if loop_interval is None else "the bot's loop",
        "loop_interval_s": loop_interval,
        "batch": batch or SchedulerConfig().batch,
        "ticks": sum(1 for t in ticks if t["handled"]),
        "tick_handled": [t["handled"] for t in ticks if t["handled"]],
        "tick_s": [t["s"] for t in ticks if t["handled"]],
        "wall_s": round(wall_s, 2),
        "posts_per_s": round(overall, 2),
        "posts_per_s_first_to_last": round((len(times) - 1) / span, 2) if span else 0.0,
        "window_s": WINDOW_S,
        "windows_per_s": windows,
        "window_min_per_s": min(windows, default=0.0),
        "window_max_per_s": max(windows, default=0.0),
        "busiest_second": _busiest_second(times),
        "requests": len(requests),
        "post_requests": len(posts),
        "posts_ok": len(ok_posts),
        "posts_failed": len(posts) - len(ok_posts),
        "channel_messages": messages,
        "distinct_nonces": len(nonces),
        "nonces_match": set(nonces) == expected_nonces,
        "repeated_nonces": sum(1 for n in nonces.values() if n > 1),
        "posts_table_sent": sent[0],
        "posts_table_guilds": sent[1],
        "schedules_not_posted": not_posted[0][0],
        "rate_limited_429": all_429,
        "rate_limit_refused": refused,
        "http_sleeps": len(http_sleeps),
        "bot_alive": alive,
        "bot_logged_errors": logged_errors,
        "sandbox_internal_errors": internal_errors,
        "exactly_once": (
            len(ok_posts) == len(posts) == messages == len(nonces) == count
            and set(nonces) == expected_nonces
            and sent[0] == sent[1] == count
            and not_posted[0][0] == 0
        ),
        "rate_sustained": overall >= RATE_SHARE_TARGET * rate and all_429 == 0,
    }
