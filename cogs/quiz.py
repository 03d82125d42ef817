"""/quiz: questions from the server's readings, answered with buttons by the member who asked;
/quiz scores, join and leave: the leaderboard of those who chose to be on it."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import ReadingRoomBot
from bot.permissions import guild_of
from bot.render import study as study_render
from bot.study import Study
from bot.study.questions import KINDS
from bot.ui import READING_OPTION, as_page, private_errors, send_embed


def quiz_view(number: int, options: tuple[str, ...], disabled: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for index, option in enumerate(options):
        view.add_item(AnswerButton(number, index, option, disabled))
    view.stop()  # answered by the registered class, not kept per message
    return view


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"rr:quiz:(?P<number>\d+):(?P<index>\d)"
):
    """One option of question `number`: only the member who was asked may choose it."""

    def __init__(self, number: int, index: int, option: str = "", disabled: bool = False):
        label = f"{study_render.LETTERS[index]}. {study_render.option_label(option)}"
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"rr:quiz:{number}:{index}",
                disabled=disabled,
            )
        )
        self.number, self.index = number, index

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> AnswerButton:
        return cls(int(match["number"]), int(match["index"]))

    async def callback(self, interaction: discord.Interaction[ReadingRoomBot]) -> None:
        bot = interaction.client
        async with private_errors(interaction):
            answered = await bot.study.answer(
                self.number, guild_of(interaction), interaction.user.id, self.index, bot.now()
            )
            options = answered.asked.question.options
            await interaction.response.edit_message(view=quiz_view(self.number, options, True))
            embed = study_render.answered_embed(answered)
            await interaction.followup.send(**as_page(interaction, embed), ephemeral=True)


@app_commands.guild_only()
class Quiz(commands.GroupCog, group_name="quiz"):
    """Quiz questions made from the server's readings."""

    def __init__(self, study: Study) -> None:
        self.study = study

    @app_commands.command()
    @app_commands.describe(reading=READING_OPTION, kind="What to be asked (default: any)")
    @app_commands.choices(
        kind=[app_commands.Choice(name=label, value=key) for key, label in KINDS.items()]
    )
    async def ask(
        self,
        interaction: discord.Interaction[ReadingRoomBot],
        reading: str | None = None,
        kind: str | None = None,
    ) -> None:
        """A question from the readings: who said it, which concept, fill the gap, when."""
        asked = await self.study.ask(
            guild_of(interaction),
            interaction.user.id,
            reading or "",
            kind,
            interaction.client.now(),
        )
        await interaction.response.send_message(
            **as_page(interaction, study_render.question_embed(asked)),
            view=quiz_view(asked.number, asked.question.options),
        )

    @ask.autocomplete("reading")
    async def reading_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return render.choices(self.study.store.suggest_readings(current))

    @app_commands.command()
    async def scores(self, interaction: discord.Interaction) -> None:
        """This server's quiz leaderboard (members who joined it), and your own score."""
        guild_id = guild_of(interaction)
        board = await self.study.board(guild_id)
        mine = await self.study.score(guild_id, interaction.user.id)
        await send_embed(interaction, study_render.board_embed(board, mine), ephemeral=True)

    @app_commands.command()
    async def join(self, interaction: discord.Interaction) -> None:
        """Put your quiz score on this server's leaderboard."""
        score = await self.study.join_board(guild_of(interaction), interaction.user.id, True)
        await interaction.response.send_message(
            study_render.board_membership_text(score), ephemeral=True
        )

    @app_commands.command()
    async def leave(self, interaction: discord.Interaction) -> None:
        """Take your quiz score off this server's leaderboard."""
        score = await self.study.join_board(guild_of(interaction), interaction.user.id, False)
        await interaction.response.send_message(
            study_render.board_membership_text(score), ephemeral=True
        )


async def setup(bot: ReadingRoomBot) -> None:
    bot.add_dynamic_items(AnswerButton)
    await bot.add_cog(Quiz(bot.study))
