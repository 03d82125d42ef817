"""/define and /search: concepts and full-text search over the readings."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import ReadingRoomBot
from bot.store import Store
from bot.ui import send_pages


class Lookup(commands.Cog):
    def __init__(self, store: Store) -> None:
        self.store = store

    @app_commands.command()
    @app_commands.describe(term="A concept from the reading, such as civil society")
    async def define(self, interaction: discord.Interaction, term: str) -> None:
        """What a concept from the reading means, with what the experts said about it."""
        entries = await self.store.define(term)
        await send_pages(interaction, render.concept_pages(entries), ephemeral=True)

    @define.autocomplete("term")
    async def term_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return render.choices(await self.store.suggest("term", current))

    @app_commands.command()
    @app_commands.describe(query="Words to look for in concepts, quotes, passages, publications")
    async def search(self, interaction: discord.Interaction, query: str) -> None:
        """Search everything in the readings, best matches first."""
        hits = await self.store.search(query)
        await send_pages(interaction, render.search_pages(query, hits), ephemeral=True)


async def setup(bot: ReadingRoomBot) -> None:
    await bot.add_cog(Lookup(bot.store))
