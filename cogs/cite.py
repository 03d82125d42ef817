"""/cite: the reading, a quote or a publication as a citation, in the style a paper needs."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ReadingRoomBot
from bot.render import study as study_render
from bot.study import Study
from bot.ui import send_embed


class Cite(commands.Cog):
    def __init__(self, study: Study) -> None:
        self.study = study

    @app_commands.command()
    @app_commands.describe(
        what="A reading, a quote or a publication (default: the first reading studied here)",
        style="Citation style (default: APA 7)",
    )
    @app_commands.choices(style=study_render.style_choices())
    async def cite(
        self, interaction: discord.Interaction, what: str | None = None, style: str = "apa"
    ) -> None:
        """A citation in APA 7, Chicago, MLA 9 or BibTeX."""
        citation, cited = await self.study.cite(interaction.guild_id, what or "", style)
        await send_embed(interaction, study_render.citation_embed(citation, cited), ephemeral=True)

    @cite.autocomplete("what")
    async def what_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        found = await self.study.suggest_cited(interaction.guild_id, current)
        return [app_commands.Choice(name=label, value=value) for label, value in found]


async def setup(bot: ReadingRoomBot) -> None:
    await bot.add_cog(Cite(bot.study))
