"""/define and /search: concepts and full-text search over the readings."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import ReadingRoomBot
from bot.store import Store
from bot.ui import Answers, Args, Pages, send_answer


class Lookup(commands.Cog):
    def __init__(self, store: Store, answers: Answers) -> None:
        self.store = store
        answers.register("define", self.define_pages, arity=1)
        answers.register("search", self.search_pages, arity=1)

    async def define_pages(self, _: discord.Interaction, args: Args) -> Pages:
        return render.concept_pages(await self.store.define(args[0]))

    async def search_pages(self, _: discord.Interaction, args: Args) -> Pages:
        return render.search_pages(args[0], await self.store.search(args[0]))

    @app_commands.command()
    @app_commands.describe(term="A concept from the reading, such as civil society")
    async def define(self, interaction: discord.Interaction, term: str) -> None:
        """What a concept from the reading means, with what the experts said about it."""
        await send_answer(interaction, "define", [term])

    @define.autocomplete("term")
    async def term_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return render.choices(await self.store.suggest("term", current))

    @app_commands.command()
    @app_commands.describe(query="Words to look for in concepts, quotes, passages, publications")
    async def search(self, interaction: discord.Interaction, query: str) -> None:
        """Search everything in the readings, best matches first."""
        await send_answer(interaction, "search", [query])


async def setup(bot: ReadingRoomBot) -> None:
    await bot.add_cog(Lookup(bot.store, bot.answers))
