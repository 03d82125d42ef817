"""/excerpt: moderators schedule the reading into a channel, one excerpt a day."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import ReadingRoomBot
from bot.posting import missing_permissions
from bot.store import clock
from bot.store.errors import UserError
from bot.store.schedules import Schedule
from bot.ui import send_embed, send_pages

log = logging.getLogger(__name__)


class NotModeratorError(app_commands.CheckFailure):
    def __init__(self) -> None:
        super().__init__("Only members with the Manage Server permission can manage excerpts.")


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Excerpts(commands.GroupCog, group_name="excerpt"):
    """Daily excerpts of the reading, posted into a channel."""

    def __init__(self, bot: ReadingRoomBot) -> None:
        self.bot = bot
        self.scheduler = bot.scheduler
        self.store = bot.store
        self._loop: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        if self.bot.scheduler_interval is not None:
            self._loop = asyncio.create_task(self._run(self.bot.scheduler_interval))

    async def cog_unload(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop

    async def _run(self, interval: float) -> None:
        await self.bot.wait_until_ready()
        while True:
            handled = 0
            try:
                handled = await self.scheduler.tick()
            except Exception:
                log.exception("the excerpt scheduler failed; trying again next round")
            if handled < self.scheduler.config.batch:  # a full batch means more are waiting
                await asyncio.sleep(interval)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Discord hides these commands from members without Manage Server; check anyway."""
        if not interaction.permissions.manage_guild:
            raise NotModeratorError
        return True

    def _guild(self, interaction: discord.Interaction) -> discord.Guild:
        if interaction.guild is None:
            raise UserError("Daily excerpts work in a server, not in direct messages.")
        return interaction.guild

    @app_commands.command()
    @app_commands.describe(
        channel="Where to post",
        time="Local time of day, HH:MM (24-hour)",
        timezone="Time zone, e.g. Europe/London",
        mention_role="A role to ping with each post (nobody else is pinged)",
        thread="Open a discussion thread on each post",
        content="Post passages of the reading, or quotes",
        at_end="When the reading is finished: start again, or stop",
    )
    async def schedule(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: str,
        timezone: str,
        mention_role: discord.Role | None = None,
        thread: bool = False,
        content: Literal["passages", "quotes"] = "passages",
        at_end: Literal["wrap", "stop"] = "wrap",
    ) -> None:
        """Post the next excerpt every day at a local time."""
        guild = self._guild(interaction)
        target = guild.get_channel(channel.id)
        missing = missing_permissions(target, guild.me, thread=thread, role=mention_role)
        if missing:
            raise UserError(f"I can't post in {channel.mention}: I need {missing} there.")
        schedule = await self.scheduler.plan(
            guild_id=guild.id,
            channel_id=channel.id,
            local_time=time,
            timezone=timezone,
            moderator_id=interaction.user.id,
            mention_role_id=mention_role.id if mention_role else None,
            open_thread=thread,
            source=content,
            at_end=at_end,
        )
        total = await self.store.excerpts.length(schedule.source)
        embed = render.schedule_embed(schedule, total, channel.name)
        await send_embed(interaction, embed, ephemeral=True)

    @schedule.autocomplete("timezone")
    async def timezone_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in clock.zone_suggestions(current)]

    @app_commands.command()
    async def post(self, interaction: discord.Interaction) -> None:
        """Post the next excerpt here now, counted in the daily sequence."""
        schedule, excerpt = await self.scheduler.take_next(self._guild(interaction).id)
        content, mentions = render.excerpt_mention(schedule.mention_role_id)
        embed = render.excerpt_embed(excerpt, schedule.at_end)
        await send_embed(
            interaction, embed, ephemeral=False, content=content, allowed_mentions=mentions
        )
        if schedule.open_thread:
            try:
                message = await interaction.original_response()
                await message.create_thread(name=render.thread_name(excerpt))
            except discord.HTTPException as error:
                note = f"Posted, but I could not open a discussion thread: {error.text}"
                await interaction.followup.send(render.clip(note, 2000), ephemeral=True)

    @app_commands.command()
    @app_commands.describe(count="How many of the coming excerpts to show")
    async def preview(
        self, interaction: discord.Interaction, count: app_commands.Range[int, 1, 10] = 3
    ) -> None:
        """The next excerpts, only for you."""
        schedule, excerpts = await self.scheduler.preview(self._guild(interaction).id, count)
        await send_pages(
            interaction, render.preview_pages(excerpts, schedule.at_end), ephemeral=True
        )

    @app_commands.command()
    async def skip(self, interaction: discord.Interaction) -> None:
        """Skip the next excerpt."""
        _, excerpt = await self.scheduler.take_next(self._guild(interaction).id)
        await interaction.response.send_message(render.skipped_text(excerpt), ephemeral=True)

    @app_commands.command()
    async def pause(self, interaction: discord.Interaction) -> None:
        """Stop posting until resumed."""
        schedule = await self.scheduler.pause(self._guild(interaction).id)
        await self._status_reply(interaction, schedule)

    @app_commands.command()
    async def resume(self, interaction: discord.Interaction) -> None:
        """Start posting again from the next scheduled time."""
        schedule = await self.scheduler.resume(self._guild(interaction).id)
        await self._status_reply(interaction, schedule)

    @app_commands.command()
    async def status(self, interaction: discord.Interaction) -> None:
        """Where and when excerpts are posted, what comes next, how the last post went."""
        schedule = await self.scheduler.require(self._guild(interaction).id)
        await self._status_reply(interaction, schedule)

    @app_commands.command()
    async def unschedule(self, interaction: discord.Interaction) -> None:
        """Stop daily excerpts here and forget the schedule."""
        await self.scheduler.remove(self._guild(interaction).id)
        await interaction.response.send_message(
            "Daily excerpts are off. /excerpt schedule starts them again.", ephemeral=True
        )

    async def _status_reply(self, interaction: discord.Interaction, schedule: Schedule) -> None:
        total = await self.store.excerpts.length(schedule.source)
        channel = self.bot.get_channel(schedule.channel_id)
        name = channel.name if isinstance(channel, discord.TextChannel) else None
        await send_embed(interaction, render.schedule_embed(schedule, total, name), ephemeral=True)


async def setup(bot: ReadingRoomBot) -> None:
    await bot.add_cog(Excerpts(bot))
