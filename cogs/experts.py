"""/expert and /quote: what each expert said, verbatim and attributed."""

from __future__ import annotations

import random

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import ReadingRoomBot
from bot.keep import AddCardButton
from bot.store import Store
from bot.ui import (
    READING_OPTION,
    Answers,
    Args,
    Pages,
    answers_of,
    scoped,
    send_answer,
    send_pages,
)


class Experts(commands.Cog):
    def __init__(self, store: Store, answers: Answers, rng: random.Random | None = None) -> None:
        self.store = store
        self.rng = rng or random.Random()
        answers.register("expert", self.expert_pages, arity=3)

    async def expert_pages(self, interaction: discord.Interaction, args: Args) -> Pages:
        name, topic, reading = args
        found = await self.store.expert(name, topic, interaction.guild_id, reading)
        return render.expert_pages(found)

    @app_commands.command()
    @app_commands.describe(
        name="The expert's name or surname",
        topic="Only their quotes on this topic",
        reading=READING_OPTION,
    )
    async def expert(
        self,
        interaction: discord.Interaction,
        name: str,
        topic: str | None = None,
        reading: str | None = None,
    ) -> None:
        """Who an expert is and what they said in the readings."""
        await send_answer(interaction, "expert", [name, topic or "", reading or ""])

    @app_commands.command()
    @app_commands.describe(
        speaker="Only quotes by this expert",
        topic="Only quotes on this topic",
        reading=READING_OPTION,
    )
    async def quote(
        self,
        interaction: discord.Interaction,
        speaker: str | None = None,
        topic: str | None = None,
        reading: str | None = None,
    ) -> None:
        """A random quote from the readings, with who said it and where."""
        item = await self.store.random_quote(
            speaker or "", topic or "", self.rng, interaction.guild_id, reading or ""
        )
        card = AddCardButton.of(interaction, "quote", item.reading_id, item.quote.id)
        kept = [*answers_of(interaction).keep_any(), card]
        await send_pages(interaction, [render.quote_embed(item)], ephemeral=True, kept=kept)

    @expert.autocomplete("reading")
    @quote.autocomplete("reading")
    async def reading_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return render.choices(self.store.suggest_readings(current))

    @expert.autocomplete("name")
    @quote.autocomplete("speaker")
    async def speaker_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        found = await self.store.suggest("speaker", current, **scoped(interaction))
        return render.choices(found)

    @expert.autocomplete("topic")
    @quote.autocomplete("topic")
    async def topic_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return render.choices(
            await self.store.suggest("quote_topic", current, **scoped(interaction))
        )


async def setup(bot: ReadingRoomBot) -> None:
    await bot.add_cog(Experts(bot.store, bot.answers))
