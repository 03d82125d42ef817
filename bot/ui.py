"""Sending rendered pages: paging buttons, sharing an ephemeral answer, replying safely."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

from bot import render

log = logging.getLogger(__name__)
VIEW_TIMEOUT = 600.0


class PageView(discord.ui.View):
    """Previous/Next over embed pages, and Share for an answer only the asker can see."""

    def __init__(self, pages: Sequence[discord.Embed], owner_id: int, *, shareable: bool) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.pages = list(pages)
        self.owner_id = owner_id
        self.index = 0
        if len(self.pages) < 2:
            self.remove_item(self.previous)
            self.remove_item(self.next)
        if not shareable:
            self.remove_item(self.share)
        self._update_buttons()

    @property
    def is_useful(self) -> bool:
        return bool(self.children)

    def _update_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the person who asked can use these buttons.", ephemeral=True
        )
        return False

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.index = max(0, min(len(self.pages) - 1, self.index + step))
        self._update_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._turn(interaction, +1)

    @discord.ui.button(label="Share", style=discord.ButtonStyle.primary)
    async def share(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.send_message(
            render.shared_by_text(interaction.user), embed=self.pages[self.index]
        )


async def send_pages(
    interaction: discord.Interaction, pages: Sequence[discord.Embed], *, ephemeral: bool
) -> None:
    """Reply with the first page, buttons to turn pages, and Share when only the asker sees it."""
    view = PageView(pages, interaction.user.id, shareable=ephemeral)
    if view.is_useful:
        await interaction.response.send_message(embed=pages[0], view=view, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(embed=pages[0], ephemeral=ephemeral)


async def send_private(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral text reply that works whether or not the interaction was answered already."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about an error (interaction %s)", interaction.id)
