"""run_bot_against: the class attributes it patches are restored, and a wrong token fails login."""

from __future__ import annotations

from collections.abc import Callable

import discord
import pytest

from bot.sandbox import LocalDiscord, ManualClock, run_bot_against


async def test_harness_restores_class_attributes(
    server: LocalDiscord, make_bot: Callable[[], discord.Client]
) -> None:
    before = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    async with run_bot_against(server, make_bot()) as run:
        assert server.api_base == discord.http.Route.BASE
        assert run.client.is_ready()
    assert before == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    assert run.client.is_closed()
    assert server.frames_of(op=6) == []  # a clean close, not a resume


async def test_wrong_token_fails_login(
    clock: ManualClock, make_bot: Callable[[], discord.Client]
) -> None:
    async with LocalDiscord(clock=clock, token="right") as strict:
        with pytest.raises(discord.LoginFailure):
            async with run_bot_against(strict, make_bot(), token="wrong"):
                pass
