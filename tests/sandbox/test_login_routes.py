"""Logging in and connecting: what discord.py asks on login, READY and GUILD_CREATE, and
gateway discovery."""

from __future__ import annotations

import aiohttp
import discord

from bot.sandbox import BotRun, LocalDiscord
from tests.sandbox.conftest import get_json


async def test_login_ready_and_guild_create(server: LocalDiscord, running: BotRun) -> None:
    bot = running.client
    assert bot.user is not None
    assert bot.user.id == server.bot_id
    assert bot.application_id == server.application_id
    guild = bot.get_guild(server.guild_id)
    assert guild is not None
    assert guild.owner_id == server.owner_id
    assert {c.name for c in guild.text_channels} == {"general", "study"}
    assert {r.name for r in guild.roles} == {"@everyone", "Reading Room", "Moderator"}
    assert guild.me is not None
    assert guild.me.guild_permissions.embed_links
    login = [(r.method, r.path) for r in server.requests[:2]]
    assert login == [("GET", "/users/@me"), ("GET", "/oauth2/applications/@me")]
    sent = [(f.op, f.t, f.s) for f in server.frames if f.direction == "send" and f.op == 0]
    assert sent[:2] == [(0, "READY", 1), (0, "GUILD_CREATE", 2)]
    identify = server.frames_of(op=2)[0].d
    assert identify["intents"] == discord.Intents(guilds=True).value


async def test_gateway_discovery(server: LocalDiscord, http: aiohttp.ClientSession) -> None:
    _, _, body = await get_json(http, f"{server.api_base}/gateway/bot")
    assert body["url"] == server.gateway_url
    assert body["shards"] == 1
