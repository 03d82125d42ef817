"""The buttons that keep what an answer shows: Save (to the member's notes, as they see it) on
every private answer, and Add to review on an answer showing one concept or quote."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot import render
from bot.limits import CUSTOM_ID_MAX
from bot.permissions import guild_of
from bot.render import study as study_render
from bot.ui import answers_of, private_errors

CARD_KINDS = {"c": "concept", "q": "quote"}
EXPIRED = "This answer is too old to add: ask again."


def page_note(message: discord.Message) -> tuple[str, str]:
    """A message as a note: its (first) embed's title and text, or its content."""
    if message.embeds:
        embed = message.embeds[0]
        title = embed.title or embed.author.name or "Saved answer"
        body = render.embed_text(embed)
        return title, body
    return "Saved message", message.content


class SaveButton(discord.ui.DynamicItem[discord.ui.Button], template=r"rr:save"):
    """Keeps the page the member sees in their notes."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Save", style=discord.ButtonStyle.secondary, custom_id="rr:save"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> SaveButton:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await save_message(interaction, interaction.message)


async def save_message(interaction: discord.Interaction[Any], message: discord.Message | None):
    """Save `message`, as the member sees it, to their notes on this server."""
    bot = interaction.client
    async with private_errors(interaction):
        if message is None or interaction.guild_id is None:
            await interaction.response.send_message(
                "There is nothing to save here.", ephemeral=True
            )
            return
        title, body = page_note(message)
        _, saved = await bot.study.save_note(
            interaction.guild_id, interaction.user.id, title, body, bot.now()
        )
        await interaction.response.send_message(study_render.saved_text(saved), ephemeral=True)


class AddCardButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"rr:card:(?P<kind>[cq]):(?P<arguments>.*)",
):
    """Add to review: the concept or quote an answer shows goes into the clicker's deck."""

    def __init__(self, kind: str, arguments: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Add to review",
                style=discord.ButtonStyle.secondary,
                custom_id=f"rr:card:{kind}:{arguments}",
            )
        )
        self.kind, self.arguments = kind, arguments

    @classmethod
    def of(
        cls, interaction: discord.Interaction, kind: str, reading: str, item: str
    ) -> AddCardButton:
        """The button for `kind` ('concept' or 'quote') `item` of `reading`."""
        short = next(k for k, v in CARD_KINDS.items() if v == kind)
        room = CUSTOM_ID_MAX - len(f"rr:card:{short}:")
        return cls(short, answers_of(interaction).encode([reading, item], room))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> AddCardButton:
        return cls(match["kind"], match["arguments"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = interaction.client
        async with private_errors(interaction):
            decoded = answers_of(interaction).decode(self.arguments)
            if not decoded or len(decoded) != 2:
                await interaction.response.send_message(EXPIRED, ephemeral=True)
                return
            reading, item = decoded
            added = await bot.study.add_card(
                guild_of(interaction),
                interaction.user.id,
                reading,
                CARD_KINDS[self.kind],
                item,
                bot.now(),
            )
            await interaction.response.send_message(study_render.added_text(added), ephemeral=True)


BUTTONS = (SaveButton, AddCardButton)
