"""The server on the wire, without discord.py: exact JSON content type, authorization."""

from __future__ import annotations

import aiohttp

from bot.sandbox import LocalDiscord
from tests.sandbox.conftest import get_json


async def test_json_content_type_is_exact(
    server: LocalDiscord, http: aiohttp.ClientSession
) -> None:
    status, content_type, body = await get_json(http, f"{server.api_base}/users/@me")
    assert (status, content_type) == (200, "application/json")
    assert body["id"] == str(server.bot_id)
    assert body["bot"] is True
    status, content_type, body = await get_json(http, f"{server.api_base}/nowhere")
    assert (status, content_type, body["code"]) == (404, "application/json", 0)


async def test_authorization_is_required(server: LocalDiscord) -> None:
    async with aiohttp.ClientSession() as anonymous:
        status, _, body = await get_json(anonymous, f"{server.api_base}/users/@me")
    assert (status, body["message"]) == (401, "401: Unauthorized")
