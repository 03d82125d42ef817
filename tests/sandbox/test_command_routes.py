"""Application commands: what CommandTree.sync registers, and definitions Discord refuses."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands

from bot.sandbox import BotRun, LocalDiscord


async def test_sync_is_recorded_with_ids(server: LocalDiscord, running: BotRun) -> None:
    (put,) = server.requests_to("PUT", r"/guilds/\d+/commands$")
    assert put.status == 200
    stored = {c["name"]: c for c in server.guild_commands[server.guild_id]}
    assert {"echo", "vote", "study"} <= set(stored)
    assert stored["echo"]["application_id"] == str(server.application_id)
    fetched = await running.client.tree.fetch_commands(guild=discord.Object(server.guild_id))
    assert {c.name: c.id for c in fetched} == {n: int(c["id"]) for n, c in stored.items()}


async def test_invalid_command_definition_is_rejected(
    server: LocalDiscord, running: BotRun
) -> None:
    tree = running.client.tree
    guild = discord.Object(server.guild_id)

    @app_commands.command(name="wordy", description="x" * 101)
    async def wordy(interaction: discord.Interaction) -> None: ...

    tree.add_command(wordy, guild=guild)
    with pytest.raises(discord.HTTPException) as caught:
        await tree.sync(guild=guild)
    assert caught.value.status == 400
    assert caught.value.code == 50035
    assert "description" in caught.value.text
    assert "wordy" in caught.value.text
    assert "wordy" not in {c["name"] for c in server.guild_commands[server.guild_id]}
