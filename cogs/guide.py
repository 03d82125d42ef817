"""/publications and /help: what else to read, and what the bot does."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import ReadingRoomBot
from bot.store import Store
from bot.ui import READING_OPTION, Answers, Args, Pages, scoped, send_answer, send_embed


class Guide(commands.Cog):
    def __init__(self, store: Store, tree: app_commands.CommandTree, answers: Answers) -> None:
        self.store = store
        self.tree = tree
        answers.register("publications", self.publication_pages, arity=3)

    async def publication_pages(self, interaction: discord.Interaction, args: Args) -> Pages:
        topic, kind, reading = args
        found = await self.store.publications(topic, kind, interaction.guild_id, reading)
        return render.publication_pages(found)

    @app_commands.command()
    @app_commands.describe(
        topic="Only publications on this topic", type="Only this type", reading=READING_OPTION
    )
    async def publications(
        self,
        interaction: discord.Interaction,
        topic: str | None = None,
        type: str | None = None,
        reading: str | None = None,
    ) -> None:
        """The publishers' related publications, newest first."""
        await send_answer(interaction, "publications", [topic or "", type or "", reading or ""])

    @publications.autocomplete("reading")
    async def reading_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return render.choices(self.store.suggest_readings(current))

    @publications.autocomplete("topic")
    async def topic_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return render.choices(
            await self.store.suggest("publication_topic", current, **scoped(interaction))
        )

    @publications.autocomplete("type")
    async def type_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return render.choices(
            await self.store.suggest("publication_type", current, **scoped(interaction))
        )

    @app_commands.command(name="help")
    async def help_command(self, interaction: discord.Interaction) -> None:
        """Every command, one line each."""
        listed = [(c.qualified_name, c.description) for c in self.tree.walk_commands()]
        menus = [c.name for c in self.tree.walk_commands(type=discord.AppCommandType.message)]
        embed = render.help_embed(sorted(listed), menus)
        await send_embed(interaction, embed, ephemeral=True)


async def setup(bot: ReadingRoomBot) -> None:
    await bot.add_cog(Guide(bot.store, bot.tree, bot.answers))
