"""The client: command sync policy and surviving what the wire throws at it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.client import ReadingRoomBot, ShardedReadingRoomBot, bot_class
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.sandbox import LocalDiscord, run_bot_against
from bot.store import Store
from bot.store.shards import Shards
from tests.conftest import Sandbox

GLOBAL_PUT = r"^/applications/\d+/commands$"


async def test_global_sync_only_when_commands_change(tmp_path: Path) -> None:
    settings = Settings(database_path=tmp_path / "bot.db")
    async with LocalDiscord() as server:
        for _ in range(2):
            async with await Store.open(settings.database_path, DEFAULT_DATA_DIR) as store:
                bot = ReadingRoomBot(settings, store)
                async with run_bot_against(server, bot):
                    await bot.sync_on_start()
        assert len(server.requests_to("PUT", GLOBAL_PUT)) == 1
        assert {c["name"] for c in server.global_commands} >= {"define", "search", "help"}

        async with await Store.open(settings.database_path, DEFAULT_DATA_DIR) as store:
            await store.set_state("global_commands_hash", "stale")
            bot = ReadingRoomBot(settings, store)
            async with run_bot_against(server, bot):
                await bot.sync_on_start()
        assert len(server.requests_to("PUT", GLOBAL_PUT)) == 2


async def test_dev_guild_sync_leaves_global_commands_alone(sandbox: Sandbox) -> None:
    assert sandbox.server.requests_to("PUT", GLOBAL_PUT) == []
    assert sandbox.server.guild_commands[sandbox.server.guild_id]


async def test_survives_a_malformed_event(sandbox: Sandbox) -> None:
    await sandbox.server.dispatch("INTERACTION_CREATE", {"id": "1", "type": 2})
    await sandbox.server.dispatch("GUILD_CREATE", {"nonsense": True})
    response = await sandbox.ask("define", {"term": "civil society"})
    assert response["data"]["embeds"][0]["title"] == "Civil society"


async def test_resumes_after_a_gateway_disconnect(sandbox: Sandbox) -> None:
    await sandbox.server.drop_gateway()
    await sandbox.server.wait_until(lambda: sandbox.server.frames_of(event="RESUMED"), within=5)
    response = await sandbox.ask("define", {"term": "civil society"})
    assert response["data"]["embeds"][0]["title"] == "Civil society"
    assert sandbox.server.frames_of(op=6), "the client resumed rather than identified again"


async def test_retries_a_rate_limited_or_failing_route(sandbox: Sandbox) -> None:
    callback = r"^/interactions/\d+/[^/]+/callback$"
    limited = sandbox.server.fail("POST", callback, 429, retry_after=0.2)
    response = await sandbox.ask("reading")
    assert limited.hits == 1
    assert response["data"]["embeds"]
    failing = sandbox.server.fail("POST", callback, 502)
    response = await sandbox.ask("reading")
    assert failing.hits == 1
    assert response["data"]["embeds"]
    assert 0.2 in sandbox.run.http_sleeps


async def identify_at_once(shard_id: int | None, *, initial: bool = False) -> None:
    """discord.py waits 5 s before each IDENTIFY but a process's first, for Discord's limit of
    one every 5 s; the sandbox has no such limit, so the second shard need not wait."""


async def test_a_process_running_shards_answers_its_servers(tmp_path: Path) -> None:
    """SHARD_COUNT 2, SHARD_IDS 0-1: both shards in one process, one connection each; the
    sandbox's server lies on one of them, and its commands are answered."""
    settings = Settings(database_path=tmp_path / "bot.db", shards=Shards(2, (0, 1)))
    async with (
        LocalDiscord() as server,
        await Store.open(settings.database_path, DEFAULT_DATA_DIR) as store,
    ):
        bot = bot_class(settings.shards)(replace(settings, dev_guild_id=server.guild_id), store)
        assert isinstance(bot, ShardedReadingRoomBot)
        bot.before_identify_hook = identify_at_once  # type: ignore[method-assign]
        async with run_bot_against(server, bot):
            await bot.sync_on_start()
            assert sorted(bot.shards) == [0, 1]
            record = await server.invoke("define", {"term": "civil society"})
            response = await record.first_response(within=5)
            assert response["data"]["embeds"][0]["title"] == "Civil society"
