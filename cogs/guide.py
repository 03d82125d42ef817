"""/publications, /reading and /help: what else to read, what is loaded, what the bot does."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import ReadingRoomBot
from bot.store import Store
from bot.ui import send_embed, send_pages


class Guide(commands.Cog):
    def __init__(self, store: Store, tree: app_commands.CommandTree) -> None:
        self.store = store
        self.tree = tree

    @app_commands.command()
    @app_commands.describe(topic="Only publications on this topic", type="Only this type")
    async def publications(
        self,
        interaction: discord.Interaction,
        topic: str | None = None,
        type: str | None = None,
    ) -> None:
        """The publisher's related publications, newest first."""
        found = await self.store.publications(topic or "", type or "")
        await send_pages(interaction, render.publication_pages(found), ephemeral=True)

    @publications.autocomplete("topic")
    async def topic_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return render.choices(await self.store.suggest("publication_topic", current))

    @publications.autocomplete("type")
    async def type_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return render.choices(await self.store.suggest("publication_type", current))

    @app_commands.command()
    async def reading(self, interaction: discord.Interaction) -> None:
        """What the loaded reading is: title, source, sections, speakers and counts."""
        overviews = await self.store.overview()
        await send_pages(interaction, render.overview_pages(overviews), ephemeral=True)

    @app_commands.command(name="help")
    async def help_command(self, interaction: discord.Interaction) -> None:
        """Every command, one line each."""
        listed = [(c.qualified_name, c.description) for c in self.tree.walk_commands()]
        embed = render.help_embed(sorted(listed))
        await send_embed(interaction, embed, ephemeral=True)


async def setup(bot: ReadingRoomBot) -> None:
    await bot.add_cog(Guide(bot.store, bot.tree))
