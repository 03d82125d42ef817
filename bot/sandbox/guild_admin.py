"""`GuildAdmin` (LocalDiscord's base): a test changes the guilds as an admin would (more guilds,
channels added and deleted, channel permissions); each change is dispatched, on the guild's
shard, as Discord would."""

from __future__ import annotations

from typing import Any

from bot.sandbox.gateway import Gateway
from bot.sandbox.guilds import GuildInfo
from bot.sandbox.permissions import set_overwrite
from bot.sandbox.protocol import GUILDS_INTENT, THREAD_TYPES
from bot.sandbox.world import World


class GuildAdmin:
    """Adding guilds and changing their channels (mixed into LocalDiscord, which sets world and
    gateway)."""

    world: World
    gateway: Gateway

    async def add_guild(self, name: str, shard: tuple[int, int] | None = None) -> int:
        """Add a guild like the first (@everyone, the bot's role, a Moderator role with Manage
        Server, a general text channel; the owner, reader, moderator and bot are members) and
        return its id, which lands on shard `shard[0]` of `shard[1]` when given. Sessions already
        on that shard get its GUILD_CREATE, as when the bot joins a guild."""
        guild = self.world.create_guild(name, shard)
        payload = self.world.guild_payload(guild.guild_id)
        await self.gateway.dispatch("GUILD_CREATE", payload, GUILDS_INTENT, guild.guild_id)
        return guild.guild_id

    def guild(self, guild_id: int | None = None) -> GuildInfo:
        """The ids of a guild (the first one without an id): general channel, moderator role..."""
        return self.world.guild_state(guild_id).info()

    @property
    def guild_ids(self) -> list[int]:
        """Every guild's id, the first guild's first."""
        return list(self.world.guilds)

    async def add_channel(self, name: str, *, guild_id: int | None = None) -> int:
        """Add a text channel to a guild's first category (the first guild by default;
        CHANNEL_CREATE is dispatched); return its id."""
        category_id = self.world.guild_state(guild_id).category_id
        channel_id = self.world.add_channel(name, parent_id=category_id)
        await self.gateway.dispatch("CHANNEL_CREATE", self.world.channel(channel_id), GUILDS_INTENT)
        return channel_id

    async def delete_channel(self, channel_id: int) -> dict[str, Any]:
        """Delete a channel (and its threads) or a thread; later requests to it get 404."""
        for thread_id, thread in list(self.world.threads.items()):
            if thread["parent_id"] == str(channel_id):
                await self.delete_channel(thread_id)
        channel = self.world.channels.pop(channel_id)
        self.world.threads.pop(channel_id, None)
        event = "THREAD_DELETE" if channel["type"] in THREAD_TYPES else "CHANNEL_DELETE"
        await self.gateway.dispatch(event, channel, GUILDS_INTENT)
        return channel

    async def set_permissions(
        self, channel_id: int, target_id: int, *, allow: int = 0, deny: int = 0
    ) -> None:
        """Set a channel overwrite for a role or member (CHANNEL_UPDATE is dispatched)."""
        set_overwrite(self.world.guild_of(channel_id), channel_id, target_id, allow, deny)
        await self.gateway.dispatch("CHANNEL_UPDATE", self.world.channel(channel_id), GUILDS_INTENT)
