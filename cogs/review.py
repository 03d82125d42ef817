"""/review: each member's spaced-review deck (FSRS), shown privately one card at a time:
Show answer, then Again, Hard, Good or Easy; /review stats; a daily reminder by direct message;
and the Add to review button on lookup answers."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import ReadingRoomBot
from bot.permissions import guild_of
from bot.render import study as study_render
from bot.store.answers import Suggestion
from bot.store.clock import zone_suggestions
from bot.study import Study
from bot.study.review import RATINGS, Card
from bot.ui import as_page, private_errors, send_embed

RATING_STYLES = {"again": discord.ButtonStyle.danger, "good": discord.ButtonStyle.success}


def front_view(card: Card) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RevealButton(card.number, card.reviews))
    view.stop()
    return view


def rating_view(card: Card) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for rating in RATINGS:
        view.add_item(RateButton(card.number, card.reviews, rating))
    view.stop()
    return view


async def _show_next(interaction: discord.Interaction[ReadingRoomBot], note: str = "") -> None:
    """Edit the review message to show the member's next card, or that nothing is due."""
    bot = interaction.client
    found = await bot.study.next_card(guild_of(interaction), interaction.user.id, bot.now())
    if found.card is None:
        embed = study_render.nothing_due_embed(found.stats, note)
        await interaction.response.edit_message(**as_page(interaction, embed), view=None)
        return
    embed = study_render.card_front_embed(found.card, note)
    view = front_view(found.card)
    await interaction.response.edit_message(**as_page(interaction, embed), view=view)


class RevealButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"rr:reveal:(?P<card>\d+):(?P<reviews>\d+)",
):
    def __init__(self, card: int, reviews: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Show answer",
                style=discord.ButtonStyle.primary,
                custom_id=f"rr:reveal:{card}:{reviews}",
            )
        )
        self.card, self.reviews = card, reviews

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> RevealButton:
        return cls(int(match["card"]), int(match["reviews"]))

    async def callback(self, interaction: discord.Interaction[ReadingRoomBot]) -> None:
        async with private_errors(interaction):
            card = await interaction.client.study.card(
                self.card, guild_of(interaction), interaction.user.id
            )
            await interaction.response.edit_message(
                **as_page(interaction, study_render.card_back_embed(card)), view=rating_view(card)
            )


class RateButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"rr:rate:(?P<card>\d+):(?P<reviews>\d+):(?P<rating>[a-z]+)",
):
    def __init__(self, card: int, reviews: int, rating: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=rating.capitalize(),
                style=RATING_STYLES.get(rating, discord.ButtonStyle.secondary),
                custom_id=f"rr:rate:{card}:{reviews}:{rating}",
            )
        )
        self.card, self.reviews, self.rating = card, reviews, rating

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> RateButton:
        return cls(int(match["card"]), int(match["reviews"]), match["rating"])

    async def callback(self, interaction: discord.Interaction[ReadingRoomBot]) -> None:
        bot = interaction.client
        async with private_errors(interaction):
            rated = await bot.study.rate(
                self.card,
                guild_of(interaction),
                interaction.user.id,
                self.reviews,
                self.rating,
                bot.now(),
            )
            await _show_next(interaction, study_render.rated_note(rated))


@app_commands.guild_only()
class Review(commands.GroupCog, group_name="review"):
    """Your spaced-review deck of the server's readings."""

    def __init__(self, study: Study) -> None:
        self.study = study

    @app_commands.command(name="next")
    async def next_card(self, interaction: discord.Interaction[ReadingRoomBot]) -> None:
        """Your next card due (only you see it)."""
        found = await self.study.next_card(
            guild_of(interaction), interaction.user.id, interaction.client.now()
        )
        if found.card is None:
            embed = study_render.nothing_due_embed(found.stats)
            await send_embed(interaction, embed, ephemeral=True)
            return
        await interaction.response.send_message(
            **as_page(interaction, study_render.card_front_embed(found.card)),
            view=front_view(found.card),
            ephemeral=True,
        )

    @app_commands.command()
    async def stats(self, interaction: discord.Interaction[ReadingRoomBot]) -> None:
        """Cards due today, learned, and your predicted retention."""
        stats = await self.study.deck_stats(
            guild_of(interaction), interaction.user.id, interaction.client.now()
        )
        await send_embed(interaction, study_render.stats_embed(stats), ephemeral=True)

    @app_commands.command()
    @app_commands.describe(
        time="Local time of day, HH:MM (24-hour)", timezone="Your time zone, e.g. Europe/London"
    )
    async def remind(
        self, interaction: discord.Interaction[ReadingRoomBot], time: str, timezone: str
    ) -> None:
        """A direct message once a day, at your local time, when you have cards to review."""
        reminder = await self.study.remind(
            guild_of(interaction), interaction.user.id, time, timezone, interaction.client.now()
        )
        await interaction.response.send_message(
            study_render.reminder_set_text(reminder), ephemeral=True
        )

    @remind.autocomplete("timezone")
    async def zones(self, _: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return render.choices(Suggestion(zone, zone) for zone in zone_suggestions(current))

    @app_commands.command(name="remind-off")
    async def remind_off(self, interaction: discord.Interaction) -> None:
        """Stop your daily review reminder."""
        removed = await self.study.remind_off(guild_of(interaction), interaction.user.id)
        await interaction.response.send_message(
            study_render.reminder_off_text(removed), ephemeral=True
        )


async def setup(bot: ReadingRoomBot) -> None:
    bot.add_dynamic_items(RevealButton, RateButton)
    await bot.add_cog(Review(bot.study))
