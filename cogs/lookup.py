"""/define and /search: concepts and full-text search over the server's readings."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import ReadingRoomBot
from bot.keep import AddCardButton
from bot.store import Store
from bot.store.answers import ConceptEntry
from bot.ui import READING_OPTION, Answers, Args, Pages, scoped, send_answer


class Lookup(commands.Cog):
    def __init__(self, store: Store, answers: Answers) -> None:
        self.store = store
        answers.register("define", self.define_pages, arity=2, keep=self.define_keep)
        answers.register("search", self.search_pages, arity=2)

    async def define_pages(self, interaction: discord.Interaction, args: Args) -> Pages:
        term, reading = args
        found = await self.store.define(term, interaction.guild_id, reading)
        return render.concept_pages(found)

    def define_keep(
        self, interaction: discord.Interaction, pages: Pages, page: int
    ) -> list[discord.ui.Item[discord.ui.View]]:
        """Add to review, for the concept page `page` shows."""
        entry = pages.shows[page] if isinstance(pages, render.ShownPages) else None
        if not isinstance(entry, ConceptEntry):
            return []
        return [AddCardButton.of(interaction, "concept", entry.reading_id, entry.concept.id)]

    async def search_pages(self, interaction: discord.Interaction, args: Args) -> Pages:
        query, reading = args
        hits = await self.store.search(query, guild_id=interaction.guild_id, reading=reading)
        return render.search_pages(query, hits)

    @app_commands.command()
    @app_commands.describe(
        term="A concept from the reading, such as civil society", reading=READING_OPTION
    )
    async def define(
        self, interaction: discord.Interaction, term: str, reading: str | None = None
    ) -> None:
        """What a concept from the reading means, with what the experts said about it."""
        await send_answer(interaction, "define", [term, reading or ""])

    @define.autocomplete("term")
    async def term_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        found = await self.store.suggest("term", current, **scoped(interaction))
        return render.choices(found)

    @app_commands.command()
    @app_commands.describe(
        query="Words to look for in concepts, quotes, passages, publications",
        reading=READING_OPTION,
    )
    async def search(
        self, interaction: discord.Interaction, query: str, reading: str | None = None
    ) -> None:
        """Search everything in the readings, best matches first."""
        await send_answer(interaction, "search", [query, reading or ""])

    @define.autocomplete("reading")
    @search.autocomplete("reading")
    async def reading_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return render.choices(self.store.suggest_readings(current))


async def setup(bot: ReadingRoomBot) -> None:
    await bot.add_cog(Lookup(bot.store, bot.answers))
