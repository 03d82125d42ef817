"""Posting a scheduled excerpt to Discord, within the rate budget, failures classified."""

from __future__ import annotations

import logging

import aiohttp
import discord

from bot import render
from bot.scheduler import PostError, RateBudget
from bot.store.schedules import Schedule
from bot.store.views import Excerpt

log = logging.getLogger(__name__)


def missing_permissions(
    channel: discord.abc.GuildChannel | None,
    me: discord.Member,
    *,
    thread: bool,
    role: discord.Role | None,
) -> str:
    """What the bot lacks to post excerpts in `channel`, in words; empty when nothing."""
    if not isinstance(channel, discord.TextChannel):
        return "a text channel I can see"
    permissions = channel.permissions_for(me)
    # Without View Channel and Send Messages Discord reports the rest as denied too: name the cause.
    needed = {
        "View Channel": permissions.view_channel,
        "Send Messages": permissions.send_messages,
    }
    if all(needed.values()):
        needed["Embed Links"] = permissions.embed_links
        if thread:
            needed["Create Public Threads"] = permissions.create_public_threads
        if role is not None and not role.mentionable:
            needed["Mention All Roles (to ping a role that is not mentionable)"] = (
                permissions.mention_everyone
            )
    return ", ".join(name for name, granted in needed.items() if not granted)


class DiscordPoster:
    """Sends through the bot's own client; every request waits its turn in the budget."""

    def __init__(self, client: discord.Client, budget: RateBudget) -> None:
        self.client = client
        self.budget = budget

    async def post(self, schedule: Schedule, excerpt: Excerpt, nonce: str) -> int:
        channel = await self._channel(schedule.channel_id)
        content, mentions = render.excerpt_mention(schedule.mention_role_id)
        try:
            await self.budget.acquire()
            message = await channel.send(
                content,
                embed=render.excerpt_embed(excerpt, schedule.at_end),
                nonce=nonce,
                allowed_mentions=mentions,
            )
        except discord.Forbidden as error:
            raise PostError(
                f"missing permission in #{channel.name}: {error.text}", permanent=True
            ) from error
        except discord.NotFound as error:
            raise PostError(
                f"#{channel.name} no longer exists: {error.text}", permanent=True
            ) from error
        except discord.HTTPException as error:
            raise PostError(
                f"Discord refused the post ({error.status}): {error.text}",
                permanent=error.status < 500 and error.status != 429,
            ) from error
        except (TimeoutError, aiohttp.ClientError) as error:
            raise PostError(f"Discord did not take the post: {error}", permanent=False) from error
        if schedule.open_thread:
            await self._open_thread(message, excerpt)
        return message.id

    async def _channel(self, channel_id: int) -> discord.TextChannel:
        """The channel from the cache, or from Discord while the cache may be incomplete."""
        channel = self.client.get_channel(channel_id)
        if channel is None:
            if not self.client.is_ready():
                raise PostError("not connected to Discord yet", permanent=False)
            try:
                await self.budget.acquire()
                channel = await self.client.fetch_channel(channel_id)
            except discord.NotFound as error:
                raise PostError("the channel was deleted", permanent=True) from error
            except discord.Forbidden as error:
                raise PostError("I can no longer see the channel", permanent=True) from error
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
                raise PostError(
                    f"could not look up the channel: {error}", permanent=False
                ) from error
        if not isinstance(channel, discord.TextChannel):
            raise PostError("the channel is not a text channel", permanent=True)
        return channel

    async def _open_thread(self, message: discord.Message, excerpt: Excerpt) -> None:
        """The excerpt is out already; a thread that fails to open is logged, not retried."""
        try:
            await self.budget.acquire()
            await message.create_thread(name=render.thread_name(excerpt))
        except discord.HTTPException as error:
            log.warning("could not open a thread on message %s: %s", message.id, error)
