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

LOOK_BACK = 100  # messages read (one request) to find a post that went out unrecorded


def _same_excerpt(message: discord.Message, wanted: discord.Embed) -> bool:
    """Whether the message shows the excerpt `wanted` shows (a post whose nonce Discord did
    not keep)."""
    return any(
        (embed.title, embed.description, embed.footer.text)
        == (wanted.title, wanted.description, wanted.footer.text)
        for embed in message.embeds
    )


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

    async def find(
        self, channel_id: int, schedule: Schedule, excerpt: Excerpt, nonce: str, after: int | None
    ) -> Posted | None:
        """The bot's message with this nonce, or showing this very excerpt, among the channel's
        first messages after message `after` (the guild's previous daily post: an older post of
        the same excerpt, from before a wrap, is never taken for it), else among its latest;
        None if there is none or the bot may not read the channel's history (then the nonce is
        all that guards)."""
        channel = await self._channel(channel_id)
        wanted = render.excerpt_embed(excerpt, schedule.at_end)
        me = self.client.user
        since = discord.Object(after) if after is not None else None
        try:
            await self.budget.acquire()
            async for message in channel.history(limit=LOOK_BACK, after=since):
                if me is None or message.author.id != me.id:
                    continue
                if message.nonce == nonce or _same_excerpt(message, wanted):
                    log.info("guild %s: the post was out already", schedule.guild_id)
                    return Posted(message.id)
        except discord.Forbidden:
            log.warning("cannot read #%s's history to check for a post: resending", channel.name)
            return None
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            raise PostError(
                f"could not check whether the post went out: {error}", permanent=False
            ) from error
        return None

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
