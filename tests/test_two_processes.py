"""Two bot processes (shards 0 and 1 of 2) on one PostgreSQL state and one local Discord with a
server on each shard: every server's commands reach and are answered by its own process only,
what each process writes lands in the one PostgreSQL state, and every daily excerpt goes out
once, even when a process is killed mid-post and started again."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from bot.sandbox import LocalDiscord
from bot.sandbox.guilds import shard_of
from bot.store.poster import post_nonce
from bot.store.state_db import open_state
from tests.conftest import READING_ID
from tests.test_main import start_bot

TOKEN = "sandbox-two-processes"


async def start_shard(
    server: LocalDiscord, tmp_path: Path, shard: int, postgres_url: str, **env: str
) -> asyncio.subprocess.Process:
    """`python -m bot run` for shard `shard` of 2, in a folder of its own (its content store)."""
    folder = tmp_path / f"shard-{shard}"
    folder.mkdir(exist_ok=True)
    return await start_bot(
        server,
        TOKEN,
        folder,
        SHARD_COUNT="2",
        SHARD_IDS=str(shard),
        DATABASE_URL=postgres_url,
        **env,
    )


async def stop_all(processes: list[asyncio.subprocess.Process]) -> list[str]:
    """SIGTERM each process still running, and their whole output."""
    logs = []
    for process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        logs.append(output.decode())
    return logs


async def test_each_server_is_answered_by_its_own_process(
    tmp_path: Path, postgres_url: str
) -> None:
    async with LocalDiscord() as server:
        first = server.guild_ids[0]
        second = await server.add_guild("Second Room", shard=(1 - shard_of(first, 2), 2))
        processes = [await start_shard(server, tmp_path, shard, postgres_url) for shard in (0, 1)]
        try:
            await server.wait_until(lambda: len(server.gateway.live_sessions) == 2, within=60)
            await server.wait_until(lambda: server.global_commands, within=30)
            for guild in (first, second):
                channel = server.guild(guild).general_id
                record = await server.invoke(
                    "define", {"term": "civil society"}, channel_id=channel
                )
                response = await record.first_response(within=10)
                assert response["data"]["embeds"][0]["title"] == "Civil society"
                assert len(record.responses) == 1
                assert record.errors == []
                owners = [
                    session.shard
                    for session in server.gateway.live_sessions
                    if any(
                        frame.get("t") == "INTERACTION_CREATE"
                        and frame["d"].get("id") == str(record.id)
                        for _, _, frame in session.buffer
                    )
                ]
                assert owners == [(shard_of(guild, 2), 2)]
            # What each process writes is in the one PostgreSQL state.
            for guild in (first, second):
                added = await server.invoke(
                    "syllabus add",
                    {"reading": READING_ID},
                    user=server.moderator_id,
                    channel_id=server.guild(guild).general_id,
                )
                await added.first_response(within=10)
            state = await open_state(postgres_url)
            try:
                rows = await state.fetch("SELECT guild_id FROM syllabus ORDER BY guild_id")
            finally:
                await state.close()
            assert [row[0] for row in rows] == sorted([first, second])
        finally:
            logs = await stop_all(processes)
        for process, log in zip(processes, logs, strict=True):
            assert process.returncode == 0, log
            assert "Traceback" not in log, log


def set_time(clock_file: Path, instant: str) -> None:
    """Move both processes' clock (CLOCK_FILE), replacing the file at once."""
    fresh = clock_file.with_suffix(".new")
    fresh.write_text(instant)
    os.replace(fresh, clock_file)


async def _wait_sent(postgres_url: str, count: int, within: float = 30) -> None:
    """Until `count` posts are recorded as sent in the state (polled: it is another process's
    database), and none is in any other state but sent."""
    state = await open_state(postgres_url)
    try:
        async with asyncio.timeout(within):
            while True:
                rows = await state.fetch("SELECT status, count(*) FROM posts GROUP BY status")
                if dict(rows) == {"sent": count}:
                    return
                await asyncio.sleep(0.05)
    finally:
        await state.close()


def posted(server: LocalDiscord, guild: int, local_date: str) -> list[dict]:
    """The messages in a server's general channel that are its daily post for `local_date`."""
    nonce = post_nonce(guild, local_date)
    channel = server.guild(guild).general_id
    return [m for m in server.channel_messages[channel] if m.get("nonce") == nonce]


async def test_each_daily_excerpt_goes_out_once_when_a_process_dies_mid_post(
    tmp_path: Path, postgres_url: str
) -> None:
    clock_file = tmp_path / "now"
    set_time(clock_file, "2026-03-02T08:55:00+00:00")
    timing = {"CLOCK_FILE": str(clock_file), "EXCERPT_CHECK_SECONDS": "0.1"}
    async with LocalDiscord() as server:
        dying = server.guild_ids[0]
        living = await server.add_guild("Second Room", shard=(1 - shard_of(dying, 2), 2))
        shard = shard_of(dying, 2)  # the process that is killed
        processes = [await start_shard(server, tmp_path, s, postgres_url, **timing) for s in (0, 1)]
        try:
            await server.wait_until(lambda: len(server.gateway.live_sessions) == 2, within=60)
            await server.wait_until(lambda: server.global_commands, within=30)
            for guild in (dying, living):
                general = server.guild(guild).general_id
                planned = await server.invoke(
                    "excerpt schedule",
                    {"channel": general, "time": "09:00", "timezone": "UTC"},
                    user=server.moderator_id,
                    channel_id=general,
                )
                await planned.first_response(within=10)
                assert planned.errors == []

            # The dying server's post reaches Discord, and its process dies before it hears so.
            dying_channel = server.guild(dying).general_id
            hold = server.hold("POST", rf"^/channels/{dying_channel}/messages$")
            set_time(clock_file, "2026-03-02T09:00:20+00:00")
            await server.wait_until(
                lambda: hold.held and posted(server, living, "2026-03-02"), within=30
            )
            processes[shard].kill()
            await processes[shard].wait()
            hold.release()
            assert len(posted(server, dying, "2026-03-02")) == 1

            # The other process's server never notices.
            answer = await server.invoke(
                "define", {"term": "civil society"}, channel_id=server.guild(living).general_id
            )
            assert (await answer.first_response(within=10))["data"]["embeds"]
            assert answer.errors == []

            # Started again: the claim's process is gone (its PostgreSQL session, and the lock
            # it held, went with it), so the new one takes the claim over at once (not after
            # the 2 minutes a claim takes to go stale), finds
            # the post in the channel and records it, without sending it again (Discord's
            # nonce check lasts only minutes).
            processes[shard] = await start_shard(server, tmp_path, shard, postgres_url, **timing)
            await server.wait_until(lambda: len(server.gateway.live_sessions) == 2, within=60)
            set_time(clock_file, "2026-03-02T09:00:40+00:00")
            await _wait_sent(postgres_url, 2)
            channel_messages = rf"^/channels/{dying_channel}/messages"
            assert len(server.requests_to("POST", channel_messages)) == 1
            assert server.requests_to("GET", channel_messages)

            # And the next day, each server's post once more, from its own process.
            set_time(clock_file, "2026-03-03T09:00:10+00:00")
            await _wait_sent(postgres_url, 4)
        finally:
            logs = await stop_all(processes)
        for guild in (dying, living):
            for day in ("2026-03-02", "2026-03-03"):
                assert len(posted(server, guild, day)) == 1, (guild, day)
        assert server.rate_limit is None or server.rate_limit.refused == 0
        assert all("Traceback" not in log for log in logs), logs
