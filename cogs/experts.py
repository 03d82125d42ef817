"""/expert and /quote: what each expert said, verbatim and attributed."""

from __future__ import annotations

import random

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import ReadingRoomBot
from bot.store import Store
from bot.ui import Answers, Args, Pages, send_answer, send_pages


class Experts(commands.Cog):
    def __init__(self, store: Store, answers: Answers, rng: random.Random | None = None) -> None:
        self.store = store
        self.rng = rng or random.Random()
        answers.register("expert", self.expert_pages, arity=2)

    async def expert_pages(self, _: discord.Interaction, args: Args) -> Pages:
        name, topic = args
        return render.expert_pages(await self.store.expert(name, topic))

    @app_commands.command()
    @app_commands.describe(
        name="The expert's name or surname", topic="Only their quotes on this topic"
    )
    async def expert(
        self,
        interaction: discord.Interaction,
        name: str,
        topic: str | None = None,
    ) -> None:
        """Who an expert is and what they said in the reading."""
        await send_answer(interaction, "expert", [name, topic or ""])

    @app_commands.command()
    @app_commands.describe(speaker="Only quotes by this expert", topic="Only quotes on this topic")
    async def quote(
        self,
        interaction: discord.Interaction,
        speaker: str | None = None,
        topic: str | None = None,
    ) -> None:
        """A random quote from the reading, with who said it and where."""
        item = await self.store.random_quote(speaker or "", topic or "", self.rng)
        await send_pages(interaction, [render.quote_embed(item)], ephemeral=True)

    @expert.autocomplete("name")
    @quote.autocomplete("speaker")
    async def speaker_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return render.choices(await self.store.suggest("speaker", current))

    @expert.autocomplete("topic")
    @quote.autocomplete("topic")
    async def topic_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return render.choices(await self.store.suggest("quote_topic", current))


async def setup(bot: ReadingRoomBot) -> None:
    await bot.add_cog(Experts(bot.store, bot.answers))
