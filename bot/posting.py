"""Posting excerpts to Discord, daily and by hand: within the rate budget, failures classified."""

from __future__ import annotations

import logging

import aiohttp
import discord

from bot import render
from bot.store.answers import Excerpt, Schedule
from bot.store.poster import Posted, PostError
from bot.store.rate_budget import RateBudget

log = logging.getLogger(__name__)


class DiscordPoster:
    """Sends through the bot's own client; every request waits its turn in the budget."""

    def __init__(self, client: discord.Client, budget: RateBudget) -> None:
        self.client = client
        self.budget = budget

    async def post(
        self, channel_id: int, schedule: Schedule, excerpt: Excerpt, nonce: str
    ) -> Posted:
        channel = await self._channel(channel_id)
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
        thread_error = await self._open_thread(message, excerpt) if schedule.open_thread else None
        return Posted(message.id, thread_error)

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

    async def _open_thread(self, message: discord.Message, excerpt: Excerpt) -> str | None:
        """Open the discussion thread; the excerpt is out already, so a thread that fails to
        open is logged and reported, not retried."""
        try:
            await self.budget.acquire()
            await message.create_thread(name=render.thread_name(excerpt))
        except discord.HTTPException as error:
            log.warning("could not open a thread on message %s: %s", message.id, error)
            return error.text or str(error)
        return None
