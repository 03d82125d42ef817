"""/forget-me: everything the bot keeps about the member on this server deleted, after they
confirm, with the counts deleted."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ReadingRoomBot
from bot.permissions import guild_of
from bot.render import study as study_render
from bot.study import Study
from bot.ui import NOT_YOURS, private_errors

CANCELLED = "Nothing was deleted."


class ForgetButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"rr:forget:(?P<member>\d+):(?P<choice>yes|no)",
):
    def __init__(self, member: int, choice: str) -> None:
        yes = choice == "yes"
        super().__init__(
            discord.ui.Button(
                label="Delete everything" if yes else "Cancel",
                style=discord.ButtonStyle.danger if yes else discord.ButtonStyle.secondary,
                custom_id=f"rr:forget:{member}:{choice}",
            )
        )
        self.member, self.choice = member, choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ForgetButton:
        return cls(int(match["member"]), match["choice"])

    async def callback(self, interaction: discord.Interaction[ReadingRoomBot]) -> None:
        if interaction.user.id != self.member:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return
        async with private_errors(interaction):
            if self.choice == "no":
                await interaction.response.edit_message(content=CANCELLED, view=None)
                return
            counts = await interaction.client.study.forget(guild_of(interaction), self.member)
            text = study_render.forgotten_text(counts)
            await interaction.response.edit_message(content=text, view=None)


class Forget(commands.Cog):
    def __init__(self, study: Study) -> None:
        self.study = study

    @app_commands.command(name="forget-me")
    @app_commands.guild_only()
    async def forget_me(self, interaction: discord.Interaction) -> None:
        """Delete everything the bot keeps about you on this server (asks you to confirm)."""
        held = await self.study.held(guild_of(interaction), interaction.user.id)
        view = discord.ui.View(timeout=None)
        if sum(held.values()):
            view.add_item(ForgetButton(interaction.user.id, "yes"))
            view.add_item(ForgetButton(interaction.user.id, "no"))
        view.stop()
        extra = {"view": view} if view.children else {}
        await interaction.response.send_message(
            study_render.forget_prompt(held), ephemeral=True, **extra
        )


async def setup(bot: ReadingRoomBot) -> None:
    bot.add_dynamic_items(ForgetButton)
    await bot.add_cog(Forget(bot.study))
