"""Sending rendered pages: paging buttons, sharing an ephemeral answer, replying safely."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import discord

from bot import render
from bot.limits import MESSAGE_CONTENT_MAX

log = logging.getLogger(__name__)
VIEW_TIMEOUT = 600.0  # seconds; inside the 15 minutes an interaction token can still edit


class PageView(discord.ui.View):
    """Previous/Next over embed pages, and Share for an answer only the asker can see."""

    def __init__(self, pages: Sequence[discord.Embed], owner_id: int, *, shareable: bool) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.pages = pages
        self.owner_id = owner_id
        self.index = 0
        self.origin: discord.Interaction | None = None
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

    async def on_timeout(self) -> None:
        """Take the buttons away once they stop working, rather than leave them failing."""
        if self.origin is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.origin.edit_original_response(view=None)

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
        await interaction.response.edit_message(
            **_page(interaction, self.pages[self.index]), view=self
        )

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._turn(interaction, +1)

    @discord.ui.button(label="Share", style=discord.ButtonStyle.primary)
    async def share(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await send_embed(
            interaction,
            self.pages[self.index],
            ephemeral=False,
            content=render.shared_by_text(interaction.user),
        )


async def send_pages(
    interaction: discord.Interaction, pages: Sequence[discord.Embed], *, ephemeral: bool
) -> None:
    """Reply with the first page, buttons to turn pages, and Share when only the asker sees it."""
    view = PageView(pages, interaction.user.id, shareable=ephemeral)
    extra = {"view": view} if view.is_useful else {}
    await interaction.response.send_message(
        **_page(interaction, pages[0]), ephemeral=ephemeral, **extra
    )
    view.origin = interaction


async def send_embed(
    interaction: discord.Interaction,
    embed: discord.Embed,
    *,
    ephemeral: bool,
    content: str | None = None,
    allowed_mentions: discord.AllowedMentions | None = None,
) -> None:
    """One page, no buttons: as an embed, or as text where the bot lacks Embed Links."""
    page = _page(interaction, embed)
    if content:
        text = f"{content}\n{page['content']}" if "content" in page else content
        page["content"] = render.clip(text, MESSAGE_CONTENT_MAX)
    extra = {"allowed_mentions": allowed_mentions} if allowed_mentions else {}
    await interaction.response.send_message(**page, ephemeral=ephemeral, **extra)


def _page(interaction: discord.Interaction, page: discord.Embed) -> dict[str, Any]:
    """The page as an embed, or as text where the bot lacks Embed Links in this channel."""
    if interaction.app_permissions.embed_links:
        return {"embed": page}
    return {"content": render.embed_text(page)}


async def send_private(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral text reply that works whether or not the interaction was answered already."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about an error (interaction %s)", interaction.id)
