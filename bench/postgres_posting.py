"""Daily posts from two bot processes sharing one PostgreSQL state and one bot's global rate limit.

Two `python -m bot run` processes (shards 0 and 1 of 2, `POST_RATE_PER_SECOND` each half of the
budget, `CLOCK_FILE` holding a minute after the posts fell due) against one local Discord that
answers a global 429 past 50 requests a second per bot token, counted across both. N schedules,
written straight into PostgreSQL, each its own server spread over both shards, post into channels
of a real sandbox server on their shard. Measured: wall time until every post is recorded as sent,
posts a second, the busiest second of both together and of each, 429 replies, and that every
schedule posted exactly once (messages, nonces, the posts table)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.postgres_query import insert_rows
from bench.scheduler_posting import DISCORD_GLOBAL_LIMIT, POST_PATH, _busiest_second
from bench.scheduler_rows import DUE_DATE, NOW, schedule_rows
from bot.sandbox import LocalDiscord
from bot.sandbox.guilds import shard_of
from bot.store.poster import post_nonce
from bot.store.shards import SHARD_BITS
from bot.store.state_db import open_state

TOKEN = "sandbox-postgres-bench"
PROCESSES = 2
BUDGET = 40.0  # the bot's posting budget, shared: each process gets an equal part
CHANNELS_EACH = 8


async def _start(
    server: LocalDiscord, folder: Path, shard: int, url: str, clock_file: Path
) -> tuple[asyncio.subprocess.Process, Path]:
    await asyncio.to_thread(folder.mkdir)
    log = folder / "bot.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot", "run"),
            cwd=folder,
            env={
                "PATH": os.environ["PATH"],
                "DISCORD_TOKEN": TOKEN,
                "DATABASE_PATH": str(folder / "content.db"),
                "DISCORD_API_BASE": server.api_base,
                "DISCORD_GATEWAY_URL": server.gateway_url,
                "DATABASE_URL": url,
                "SHARD_COUNT": str(PROCESSES),
                "SHARD_IDS": str(shard),
                "POST_RATE_PER_SECOND": f"{BUDGET / PROCESSES:g}",
                "CLOCK_FILE": str(clock_file),
                "EXCERPT_CHECK_SECONDS": "0.5",
                "LOG_LEVEL": "WARNING",
            },
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
        )
    return process, log


async def _sent(url: str) -> tuple[int, int, int]:
    """Posts recorded as sent, the servers they are of, and schedules not moved on."""
    state = await open_state(url)
    try:
        ((posts, guilds),) = await state.fetch(
            "SELECT count(*), count(DISTINCT guild_id) FROM posts WHERE status = 'sent'"
        )
        ((left,),) = await state.fetch(
            "SELECT count(*) FROM schedules WHERE last_result IS DISTINCT FROM 'posted' "
            "OR next_date = ?",
            (DUE_DATE,),
        )
    finally:
        await state.close()
    return posts, guilds, left


async def run_posting(url: str, count: int, folder: Path) -> dict[str, Any]:
    """Post `count` schedules from two processes; see the module's docstring."""
    clock_file = folder / "now"
    clock_file.write_text(NOW.isoformat())
    async with LocalDiscord(token=TOKEN, global_rate_limit=DISCORD_GLOBAL_LIMIT) as server:
        first = server.guild_ids[0]
        second = await server.add_guild("Second", shard=(1 - shard_of(first, PROCESSES), 2))
        channels: dict[int, list[int]] = {}
        for guild in (first, second):
            made = [
                await server.add_channel(f"excerpts-{c}", guild_id=guild)
                for c in range(CHANNELS_EACH)
            ]
            channels[shard_of(guild, PROCESSES)] = made
        rows = schedule_rows(count, [0], mixed=False, guild_step=1 << SHARD_BITS)
        rows = [  # each server's posts into a channel of the sandbox server on its shard
            (r[0], channels[(r[0] >> SHARD_BITS) % PROCESSES][i % CHANNELS_EACH], *r[2:])
            for i, r in enumerate(rows)
        ]
        state = await open_state(url)  # the migrations, before the rows go in
        await state.close()
        await insert_rows(url, rows)
        started = time.perf_counter()
        running = [
            await _start(server, folder / f"shard-{s}", s, url, clock_file)
            for s in range(PROCESSES)
        ]
        try:
            deadline = started + 3 * count / BUDGET + 120
            while (sent := await _sent(url))[0] < count and time.perf_counter() < deadline:
                if any(process.returncode is not None for process, _ in running):
                    break
                await asyncio.sleep(0.25)
            wall_s = time.perf_counter() - started
        finally:
            for process, _ in running:
                if process.returncode is None:
                    process.terminate()
            codes = [await process.wait() for process, _ in running]
        logs = [log.read_text(errors="replace") for _, log in running]
        sent = await _sent(url)
        posts = [r for r in server.requests if r.method == "POST" and POST_PATH.match(r.path)]
        messages = sum(
            len(server.channel_messages.get(c, [])) for ids in channels.values() for c in ids
        )
        refused = server.rate_limit.refused if server.rate_limit is not None else 0
        all_429 = sum(1 for r in server.requests if r.status == 429)
        internal_errors = len(server.internal_errors)
    ok = [r for r in posts if r.status == 200]
    nonces = Counter(r.body.get("nonce") for r in ok)
    expected = {post_nonce(row[0], DUE_DATE) for row in rows}
    times = sorted(r.time for r in ok)
    by_shard = {
        s: sorted(
            r.time
            for r in ok
            if int(POST_PATH.match(r.path)[1]) in channels[s]  # type: ignore[index]
        )
        for s in range(PROCESSES)
    }
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return {
        "schedules": count,
        "processes": PROCESSES,
        "budget_per_s": BUDGET,
        "post_rate_each": BUDGET / PROCESSES,
        "global_rate_limit": DISCORD_GLOBAL_LIMIT,
        "wall_s": round(wall_s, 2),
        "first_to_last_post_s": round(span, 2),
        "posts_per_s_first_to_last": round((len(times) - 1) / span, 2) if span else 0.0,
        "busiest_second": _busiest_second(times),
        "busiest_second_each": [_busiest_second(by_shard[s]) for s in range(PROCESSES)],
        "posts_each": [len(by_shard[s]) for s in range(PROCESSES)],
        "post_requests": len(posts),
        "posts_ok": len(ok),
        "channel_messages": messages,
        "distinct_nonces": len(nonces),
        "repeated_nonces": sum(1 for n in nonces.values() if n > 1),
        "posts_table_sent": sent[0],
        "posts_table_guilds": sent[1],
        "schedules_not_posted": sent[2],
        "rate_limited_429": all_429,
        "rate_limit_refused": refused,
        "sandbox_internal_errors": internal_errors,
        "exit_codes": codes,
        "tracebacks": sum(log.count("Traceback") for log in logs),
        "exactly_once": (
            len(ok) == len(posts) == messages == len(nonces) == count
            and set(nonces) == expected
            and sent[0] == sent[1] == count
            and sent[2] == 0
        ),
        "within_budget": all_429 == 0 and _busiest_second(times) <= DISCORD_GLOBAL_LIMIT,
    }
