"""Two real discord.py clients, shards 0 and 1 of 2, against one sandbox: each sees only its own
guild and answers only that guild's interactions; an unsharded client sees every guild; and the
opt-in global rate limit is one per bot token, shared by both."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from bot.sandbox import LocalDiscord, ManualClock, SandboxError, run_bot_against
from bot.sandbox.guilds import shard_of
from bot.sandbox.permissions import MANAGE_GUILD
from tests.sandbox.conftest import get_json

LIMIT = 5


class ShardBot(discord.Client):
    """Answers /whoami with its shard, the guild and what it knows of the invoker."""

    def __init__(self, **options: Any) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents, **options)
        self.tree = app_commands.CommandTree(self)
        self.received: list[int] = []
        bot = self

        @self.tree.command(description="Say which shard answered")
        async def whoami(interaction: discord.Interaction) -> None:
            assert isinstance(interaction.user, discord.Member)
            roles = sorted(r.id for r in interaction.user.roles if not r.is_default())
            await interaction.response.send_message(
                f"shard {bot.shard_id} guild {interaction.guild_id} roles {roles} "
                f"manage {interaction.permissions.manage_guild}"
            )

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.received.append(interaction.id)

    async def sync_to(self, guild_id: int) -> None:
        guild = discord.Object(guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)


@pytest.fixture
async def second(server: LocalDiscord) -> int:
    """A second guild, on shard 1 of 2 (the first guild is on shard 0)."""
    assert shard_of(server.guild_id, 2) == 0
    return await server.add_guild("Second Room", shard=(1, 2))


async def test_each_shard_sees_and_answers_only_its_guild(
    server: LocalDiscord, second: int
) -> None:
    zero, one = ShardBot(shard_id=0, shard_count=2), ShardBot()
    async with (
        run_bot_against(server, zero) as run_zero,
        run_bot_against(server, one, shard=(1, 2)) as run_one,
    ):
        assert [g.id for g in zero.guilds] == [server.guild_id]
        assert [g.id for g in one.guilds] == [second]
        await zero.sync_to(server.guild_id)
        await one.sync_to(second)

        record = await server.invoke("whoami")
        content = (await record.first_response())["data"]["content"]
        assert content == f"shard 0 guild {server.guild_id} roles [] manage False"
        assert (zero.received, one.received) == ([record.id], [])

        info = server.guild(second)
        record = await server.invoke("whoami", user=server.moderator_id, channel_id=info.general_id)
        assert record.payload["guild_id"] == str(second)
        assert record.payload["member"]["roles"] == [str(info.moderator_role_id)]
        assert int(record.payload["member"]["permissions"]) & MANAGE_GUILD
        content = (await record.first_response())["data"]["content"]
        assert content == f"shard 1 guild {second} roles [{info.moderator_role_id}] manage True"
        assert one.received == [record.id]
        assert len(zero.received) == 1
        assert run_zero.logged_errors == run_one.logged_errors == []


async def test_an_interaction_no_live_shard_owns_is_refused(
    server: LocalDiscord, second: int
) -> None:
    zero = ShardBot(shard_id=0, shard_count=2)
    async with run_bot_against(server, zero):
        await zero.tree.sync()  # global: /whoami exists in the second guild too
        with pytest.raises(SandboxError, match="no live gateway session owns guild"):
            await server.invoke("whoami", channel_id=server.guild(second).general_id)
        assert zero.received == []


async def test_an_unsharded_client_sees_and_answers_every_guild(
    server: LocalDiscord, second: int
) -> None:
    bot = ShardBot()
    async with run_bot_against(server, bot):
        assert sorted(g.id for g in bot.guilds) == [server.guild_id, second]
        await bot.tree.sync()
        record = await server.invoke("whoami", channel_id=server.guild(second).general_id)
        content = (await record.first_response())["data"]["content"]
        assert content == f"shard None guild {second} roles [] manage False"
        third = await server.add_guild("Joined Later")  # GUILD_CREATE: the bot joins it
        await server.wait_until(lambda: bot.get_guild(third) is not None)
        record = await server.invoke("whoami", channel_id=server.guild(third).general_id)
        assert f"guild {third} " in (await record.first_response())["data"]["content"]


class BothShards(discord.AutoShardedClient):
    """One process running both shards."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none(), shard_ids=[0, 1], shard_count=2)
        self.tree = app_commands.CommandTree(self)
        self.answered_on: list[int | None] = []

        @self.tree.command(description="Say which shard answered")
        async def whoami(interaction: discord.Interaction) -> None:
            assert interaction.guild is not None
            self.answered_on.append(interaction.guild.shard_id)
            await interaction.response.send_message("ok")

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        pass  # discord.py waits 5 s between shards' IDENTIFYs


async def test_an_auto_sharded_client_gets_each_guild_on_its_shard(
    server: LocalDiscord, second: int
) -> None:
    bot = BothShards()
    async with run_bot_against(server, bot):
        assert sorted(g.id for g in bot.guilds) == [server.guild_id, second]
        assert sorted(s.shard for s in server.gateway.live_sessions) == [(0, 2), (1, 2)]
        await bot.tree.sync()
        for channel_id in (server.general_id, server.guild(second).general_id):
            await (await server.invoke("whoami", channel_id=channel_id)).first_response()
        assert bot.answered_on == [0, 1]


class AskingShards(BothShards):
    """Runs as many shards as Discord recommends (no shard_count given)."""

    def __init__(self) -> None:
        discord.AutoShardedClient.__init__(self, intents=discord.Intents.none())
        self.tree = app_commands.CommandTree(self)


async def test_a_client_asking_discord_runs_the_shards_the_guilds_are_on(
    server: LocalDiscord, http: aiohttp.ClientSession
) -> None:
    _, _, alone = await get_json(http, f"{server.api_base}/gateway/bot")
    assert alone["shards"] == 1
    second = await server.add_guild("Second Room", shard=(1, 2))
    bot = AskingShards()
    async with run_bot_against(server, bot):
        assert bot.shard_count == 2
        assert sorted(s.shard for s in server.gateway.live_sessions) == [(0, 2), (1, 2)]
        assert sorted(g.id for g in bot.guilds) == [server.guild_id, second]


@pytest.fixture
async def limited(clock: ManualClock) -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord(clock=clock, global_rate_limit=LIMIT) as local:
        yield local
    assert local.internal_errors == []


async def test_the_global_limit_is_shared_by_every_shard_of_a_bot(
    limited: LocalDiscord, clock: ManualClock
) -> None:
    second = await limited.add_guild("Second Room", shard=(1, 2))
    zero, one = ShardBot(), ShardBot()
    async with (
        run_bot_against(limited, zero, shard=(0, 2)),
        run_bot_against(limited, one, shard=(1, 2)),
    ):
        clock.advance(1.0)  # logins leave the window
        for _ in range(LIMIT):
            await zero.fetch_channel(limited.general_id)
        channel_path = rf"^/channels/{limited.guild(second).general_id}$"
        fetch = asyncio.create_task(one.fetch_channel(limited.guild(second).general_id))
        refused = await limited.wait_until(lambda: limited.requests_to("GET", channel_path))
        assert [r.status for r in refused] == [429]  # shard 1 pays for shard 0's requests
        assert refused[0].response["global"] is True

        other_bot = {"Authorization": "Bot another-bot"}
        url = f"{limited.api_base}/channels/{limited.general_id}"
        async with aiohttp.ClientSession(headers=other_bot) as http, http.get(url) as response:
            assert response.status == 200  # another bot's token has a limit of its own

        clock.advance(1.0)
        channel = await asyncio.wait_for(fetch, 5.0)  # discord.py retried after the global 429
        assert channel.id == limited.guild(second).general_id
        assert [r.status for r in limited.requests_to("GET", channel_path)] == [429, 200]
    assert limited.rate_limit is not None
    assert dict(limited.rate_limit.refused_by) == {"Bot sandbox-token": 1}
