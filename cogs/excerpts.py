"""/excerpt: moderators schedule the reading into a channel, one excerpt a day."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import ReadingRoomBot
from bot.permissions import ModeratorsOnly, guild_of, require_postable
from bot.store.answers import ScheduleStatus
from bot.store.scheduler import Scheduler
from bot.ui import Answers, Args, Pages, send_answer, send_embed


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class DailyExcerpts(ModeratorsOnly, commands.GroupCog, group_name="excerpt"):
    """Daily excerpts of the reading, posted into a channel."""

    def __init__(self, scheduler: Scheduler, answers: Answers) -> None:
        self.scheduler = scheduler
        answers.register("excerpt_preview", self.preview_pages, arity=1)

    async def preview_pages(self, interaction: discord.Interaction, args: Args) -> Pages:
        preview = await self.scheduler.preview(guild_of(interaction), int(args[0]))
        return render.preview_pages(preview)

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
        interaction: discord.Interaction[ReadingRoomBot],
        channel: discord.TextChannel,
        time: str,
        timezone: str,
        mention_role: discord.Role | None = None,
        thread: bool = False,
        content: Literal["passages", "quotes"] = "passages",
        at_end: Literal["wrap", "stop"] = "wrap",
    ) -> None:
        """Post the next excerpt every day at a local time."""
        status = await self.scheduler.plan(
            guild_id=guild_of(interaction),
            channel_id=require_postable(interaction, channel.id, thread=thread, role=mention_role),
            local_time=time,
            timezone=timezone,
            moderator_id=interaction.user.id,
            mention_role_id=mention_role.id if mention_role else None,
            open_thread=thread,
            source=content,
            at_end=at_end,
        )
        await self._show(interaction, status)

    @schedule.autocomplete("timezone")
    async def zones(self, _: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return render.choices(self.scheduler.zones(current))

    @app_commands.command()
    async def post(self, interaction: discord.Interaction) -> None:
        """Post the next excerpt here now, counted in the daily sequence."""
        channel_id = require_postable(interaction, interaction.channel_id, thread=False, role=None)
        await interaction.response.defer(ephemeral=True)
        posted = await self.scheduler.post_now(guild_of(interaction), channel_id, interaction.id)
        await interaction.followup.send(render.posted_text(posted), ephemeral=True)

    @app_commands.command()
    @app_commands.describe(count="How many of the coming excerpts to show")
    async def preview(
        self, interaction: discord.Interaction, count: app_commands.Range[int, 1, 10] = 3
    ) -> None:
        """The next excerpts, only for you."""
        await send_answer(interaction, "excerpt_preview", [str(count)])

    @app_commands.command()
    async def skip(self, interaction: discord.Interaction) -> None:
        """Skip the next excerpt."""
        excerpt = await self.scheduler.skip(guild_of(interaction))
        await interaction.response.send_message(render.skipped_text(excerpt), ephemeral=True)

    @app_commands.command()
    async def pause(self, interaction: discord.Interaction) -> None:
        """Stop posting until resumed."""
        await self._show(interaction, await self.scheduler.pause(guild_of(interaction)))

    @app_commands.command()
    async def resume(self, interaction: discord.Interaction) -> None:
        """Start posting again from the next scheduled time."""
        await self._show(interaction, await self.scheduler.resume(guild_of(interaction)))

    @app_commands.command()
    async def status(self, interaction: discord.Interaction) -> None:
        """Where and when excerpts are posted, what comes next, how the last post went."""
        await self._show(interaction, await self.scheduler.status(guild_of(interaction)))

    @app_commands.command()
    async def unschedule(self, interaction: discord.Interaction) -> None:
        """Stop daily excerpts here and forget the schedule."""
        await self.scheduler.remove(guild_of(interaction))
        await interaction.response.send_message(render.UNSCHEDULED_TEXT, ephemeral=True)

    async def _show(self, interaction: discord.Interaction, status: ScheduleStatus) -> None:
        embed = render.schedule_embed(status, interaction.guild)
        await send_embed(interaction, embed, ephemeral=True)


async def setup(bot: ReadingRoomBot) -> None:
    await bot.add_cog(DailyExcerpts(bot.scheduler, bot.answers))
