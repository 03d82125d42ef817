"""/notes: what a member saved (the Save button on answers, and Save to my notes on the bot's
excerpt posts), listed by reading or exported as a Markdown file with citations."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ReadingRoomBot
from bot.keep import save_message
from bot.permissions import guild_of
from bot.render import study as study_render
from bot.study import Study
from bot.ui import Answers, Args, Pages, send_answer

NOT_OURS = "Only the bot's own posts can be saved to your notes."


@app_commands.guild_only()
class Notes(commands.GroupCog, group_name="notes"):
    """Your notes from the readings."""

    def __init__(self, study: Study, answers: Answers) -> None:
        self.study = study
        answers.register("notes", self.notes_pages, arity=0, kept=False)

    async def notes_pages(self, interaction: discord.Interaction, args: Args) -> Pages:
        view = await self.study.notes(guild_of(interaction), interaction.user.id)
        return study_render.notes_pages(view)

    @app_commands.command(name="list")
    async def list_notes(self, interaction: discord.Interaction) -> None:
        """Your notes on this server, by reading, newest first (only you see them)."""
        await send_answer(interaction, "notes", [])

    @app_commands.command()
    @app_commands.describe(style="How to cite each note's reading (default: APA 7)")
    @app_commands.choices(style=study_render.style_choices())
    async def export(self, interaction: discord.Interaction, style: str = "apa") -> None:
        """Your notes as a Markdown file, each with its reading's citation."""
        export = await self.study.export_notes(guild_of(interaction), interaction.user.id, style)
        markdown = study_render.notes_markdown(export)
        file = discord.File(io.BytesIO(markdown.encode()), filename="reading-room-notes.md")
        await interaction.response.send_message(
            "Your notes, with a citation for each:", file=file, ephemeral=True
        )


async def save_to_notes(
    interaction: discord.Interaction[ReadingRoomBot], message: discord.Message
) -> None:
    """Save to my notes: one of the bot's posts (a daily excerpt, say), as the member sees it."""
    if message.author.id != interaction.client.application_id:
        await interaction.response.send_message(NOT_OURS, ephemeral=True)
        return
    await save_message(interaction, message)


async def setup(bot: ReadingRoomBot) -> None:
    await bot.add_cog(Notes(bot.study, bot.answers))
    menu = app_commands.ContextMenu(name="Save to my notes", callback=save_to_notes)
    menu.guild_only = True
    bot.tree.add_command(menu)
