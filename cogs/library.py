"""/reading and /syllabus: the library of readings, and the ones each server studies, in order."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import ReadingRoomBot
from bot.permissions import ModeratorsOnly, guild_of
from bot.store import Store
from bot.store.answers import LibraryView
from bot.ui import Answers, Args, Pages, send_answer, send_pages

Choices = list[app_commands.Choice[str]]


class Library(commands.Cog):
    """What the library holds, and what is on this server's syllabus."""

    def __init__(self, store: Store, answers: Answers) -> None:
        self.store = store
        answers.register("reading", self.reading_pages, arity=1)

    async def reading_pages(self, interaction: discord.Interaction, args: Args) -> Pages:
        if args[0]:
            return render.overview_pages([await self.store.reading_overview(args[0])])
        return render.library_pages(await self.store.library(interaction.guild_id))

    @app_commands.command()
    @app_commands.describe(reading="Show this one reading: sections, speakers and counts")
    async def reading(self, interaction: discord.Interaction, reading: str | None = None) -> None:
        """The library's readings, those on this server's syllabus marked; or one reading."""
        await send_answer(interaction, "reading", [reading or ""])

    @reading.autocomplete("reading")
    async def reading_choices(self, _: discord.Interaction, current: str) -> Choices:
        return render.choices(self.store.suggest_readings(current))


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Syllabus(ModeratorsOnly, commands.GroupCog, group_name="syllabus"):
    """The readings this server studies, in order."""

    # Lookups answer from these readings, and daily excerpts walk through them.
    managing = "the syllabus"

    def __init__(self, store: Store, answers: Answers) -> None:
        self.store = store
        answers.register("syllabus", self.syllabus_pages, arity=0)

    async def syllabus_pages(self, interaction: discord.Interaction, _: Args) -> Pages:
        return render.syllabus_pages(await self.store.library(guild_of(interaction)))

    @app_commands.command()
    async def show(self, interaction: discord.Interaction) -> None:
        """This server's syllabus, in order."""
        await send_answer(interaction, "syllabus", [])

    @app_commands.command()
    @app_commands.describe(
        reading="A reading of the library", position="Its place, 1 first (default: the end)"
    )
    async def add(
        self,
        interaction: discord.Interaction,
        reading: str,
        position: app_commands.Range[int, 1, 100] | None = None,
    ) -> None:
        """Put a reading on this server's syllabus."""
        view = await self.store.add_to_syllabus(
            guild_of(interaction), reading, position, interaction.user.id
        )
        await self._show(interaction, view)

    @app_commands.command()
    @app_commands.describe(reading="A reading on the syllabus")
    async def remove(self, interaction: discord.Interaction, reading: str) -> None:
        """Take a reading off this server's syllabus."""
        view = await self.store.remove_from_syllabus(
            guild_of(interaction), reading, interaction.user.id
        )
        await self._show(interaction, view)

    @app_commands.command()
    @app_commands.describe(reading="A reading on the syllabus", position="Its new place, 1 first")
    async def move(
        self,
        interaction: discord.Interaction,
        reading: str,
        position: app_commands.Range[int, 1, 100],
    ) -> None:
        """Move a reading to another place on this server's syllabus."""
        view = await self.store.move_on_syllabus(
            guild_of(interaction), reading, position, interaction.user.id
        )
        await self._show(interaction, view)

    @add.autocomplete("reading")
    async def library_choices(self, _: discord.Interaction, current: str) -> Choices:
        return render.choices(self.store.suggest_readings(current))

    @remove.autocomplete("reading")
    @move.autocomplete("reading")
    async def syllabus_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        if interaction.guild_id is None:
            return []
        return render.choices(await self.store.suggest_on_syllabus(interaction.guild_id, current))

    async def _show(self, interaction: discord.Interaction, view: LibraryView) -> None:
        pages = render.syllabus_pages(view)
        await send_pages(interaction, pages, ephemeral=True, answer="syllabus")


async def setup(bot: ReadingRoomBot) -> None:
    await bot.add_cog(Library(bot.store, bot.answers))
    await bot.add_cog(Syllabus(bot.store, bot.answers))
