"""Two bot processes (shards 0 and 1 of 2) on one PostgreSQL state and one local Discord with a
server on each shard: every server's commands reach and are answered by its own process only,
and what each process writes lands in the one PostgreSQL state."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from bot.sandbox import LocalDiscord
from bot.sandbox.guilds import shard_of
from bot.store.state_db import open_state
from tests.conftest import READING_ID
from tests.test_main import start_bot

TOKEN = "sandbox-two-processes"


async def test_each_server_is_answered_by_its_own_process(
    tmp_path: Path, postgres_url: str
) -> None:
    async with LocalDiscord() as server:
        first = server.guild_ids[0]
        second = await server.add_guild("Second Room", shard=(1 - shard_of(first, 2), 2))
        processes = []
        for shard in (0, 1):
            folder = tmp_path / f"shard-{shard}"
            folder.mkdir()
            processes.append(
                await start_bot(
                    server,
                    TOKEN,
                    folder,
                    SHARD_COUNT="2",
                    SHARD_IDS=str(shard),
                    DATABASE_URL=postgres_url,
                )
            )
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
            logs = []
            for process in processes:
                process.send_signal(signal.SIGTERM)
                output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
                logs.append(output.decode())
        for process, log in zip(processes, logs, strict=True):
            assert process.returncode == 0, log
            assert "Traceback" not in log, log
