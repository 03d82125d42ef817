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

PAGE = 100  # messages Discord returns in one request
FIND_MAX = 1000  # messages read, at most, after the previous daily post to find one unrecorded


def _same_excerpt(message: discord.Message, wanted: discord.Embed, label: str) -> bool:
    """Whether the message shows the excerpt `wanted` shows: its section, its text, and its
    footer, or the footer's reading and number (the total after them may have changed)."""
    return any(
        (embed.title, embed.description) == (wanted.title, wanted.description)
        and (embed.footer.text == wanted.footer.text or (embed.footer.text or "").startswith(label))
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
        """The bot's daily post of this very excerpt in the channel, oldest first from message
        `after` (the guild's previous daily post: an older post of the same excerpt, from before
        a wrap, is never taken for it; at most FIND_MAX messages read), else among its latest;
        its thread opened if the schedule wants one and it has none. None if there is none, or
        if Discord refuses to list the history (no Read Message History, say: then the nonce
        is all that guards); a passing failure (5xx) is a transient PostError.
        Answers to commands (a shared preview) are not daily posts."""
        channel = await self._channel(channel_id)
        wanted = render.excerpt_embed(excerpt, schedule.at_end)
        label = f"{excerpt.reading} · excerpt {excerpt.number} of "  # the footer, less the total
        me = self.client.user
        since = discord.Object(after) if after is not None else None
        found = None
        try:
            read = 0
            async for message in channel.history(limit=FIND_MAX if since else PAGE, after=since):
                if read % PAGE == 0:  # each page is a request: within the budget
                    await self.budget.acquire()
                read += 1
                if me is None or message.author.id != me.id or message.interaction_metadata:
                    continue
                if message.nonce == nonce or _same_excerpt(message, wanted, label):
                    found = message
                    break
        except discord.HTTPException as error:
            if error.status >= 500 or error.status == 429:  # passing: looked for again later
                raise PostError(
                    f"could not check whether the post went out: {error}", permanent=False
                ) from error
            # Refused (no Read Message History, say): the nonce is all that guards.
            log.warning("cannot read #%s's history (%s): sending again", channel.name, error)
            return None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise PostError(
                f"could not check whether the post went out: {error}", permanent=False
            ) from error
        if found is None:
            return None
        log.info("guild %s: the post was out already", schedule.guild_id)
        thread_error = None
        if schedule.open_thread and found.thread is None:
            thread_error = await self._open_thread(found, excerpt)
        return Posted(found.id, thread_error)

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
