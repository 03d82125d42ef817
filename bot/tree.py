"""The command tree: one place where every slash-command error is answered and logged."""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from bot import render
from bot.store.errors import UserError
from bot.ui import send_private

log = logging.getLogger(__name__)


class ReadingRoomTree(app_commands.CommandTree):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(cause, UserError):
            await send_private(interaction, render.user_error_text(cause))
        elif isinstance(cause, app_commands.CheckFailure | app_commands.TransformerError):
            await send_private(interaction, render.refusal_text(cause))
        else:
            code = secrets.token_hex(4)
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error(
                "error %s in /%s (interaction %s)",
                code,
                command,
                interaction.id,
                exc_info=cause,
            )
            await send_private(interaction, render.unexpected_error_text(code))
