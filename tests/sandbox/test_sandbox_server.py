"""The sandbox server on the wire, without discord.py: headers, errors, faults, gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.sandbox import LocalDiscord, SandboxError

AUTH = {"Authorization": "Bot sandbox-token"}


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers=AUTH) as session:
        yield session


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, str, Any]:
    async with http.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.json()


async def _next_dispatch(ws: aiohttp.ClientWebSocketResponse, event: str) -> dict[str, Any]:
    while True:
        frame = await ws.receive_json(timeout=2)
        if frame.get("t") == event:
            return frame["d"]


async def test_json_content_type_is_exact(
    server: LocalDiscord, http: aiohttp.ClientSession
) -> None:
    status, content_type, body = await _get(http, f"{server.api_base}/users/@me")
    assert (status, content_type) == (200, "application/json")
    assert body["id"] == str(server.bot_id)
    assert body["bot"] is True
    status, content_type, body = await _get(http, f"{server.api_base}/nowhere")
    assert (status, content_type, body["code"]) == (404, "application/json", 0)


async def test_authorization_is_required(server: LocalDiscord) -> None:
    async with aiohttp.ClientSession() as anonymous:
        status, _, body = await _get(anonymous, f"{server.api_base}/users/@me")
    assert (status, body["message"]) == (401, "401: Unauthorized")


async def test_gateway_discovery(server: LocalDiscord, http: aiohttp.ClientSession) -> None:
    _, _, body = await _get(http, f"{server.api_base}/gateway/bot")
    assert body["url"] == server.gateway_url
    assert body["shards"] == 1


async def test_rate_limit_fault_has_discord_headers(
    server: LocalDiscord, http: aiohttp.ClientSession
) -> None:
    fault = server.fail("GET", r"^/users/@me$", 429, times=2, retry_after=1.25)
    url = f"{server.api_base}/users/@me"
    for _ in range(2):
        async with http.get(url) as response:
            assert response.status == 429
            assert response.headers["Via"] == "1.1 google"
            assert response.headers["X-RateLimit-Remaining"] == "0"
            assert response.headers["X-RateLimit-Reset-After"] == "1.250"
            body = await response.json()
            assert body["retry_after"] == 1.25
            assert body["global"] is False
    assert (await _get(http, url))[0] == 200
    assert fault.hits == 2
    assert fault.remaining == 0
    assert [r.status for r in server.requests_to("GET", "/users/@me")] == [429, 429, 200]


@pytest.mark.parametrize(("status", "code"), [(403, 50013), (404, 10003), (500, 0), (502, 0)])
async def test_fault_defaults(
    server: LocalDiscord, http: aiohttp.ClientSession, status: int, code: int
) -> None:
    server.fail("*", r"^/channels/", status)
    got, _, body = await _get(http, f"{server.api_base}/channels/{server.general_id}")
    assert (got, body["code"]) == (status, code)
    assert (await _get(http, f"{server.api_base}/channels/{server.general_id}"))[0] == 200


async def test_channel_errors(server: LocalDiscord, http: aiohttp.ClientSession) -> None:
    base = f"{server.api_base}/channels"
    async with http.post(f"{base}/1/messages", json={"content": "x"}) as response:
        assert (response.status, (await response.json())["code"]) == (404, 10003)
    async with http.post(f"{base}/{server.general_id}/messages", json={"content": ""}) as response:
        assert (response.status, (await response.json())["code"]) == (400, 50006)
    too_long = {"content": "x" * 2001}
    async with http.post(f"{base}/{server.general_id}/messages", json=too_long) as response:
        body = await response.json()
        assert (response.status, body["code"]) == (400, 50035)
        assert "2000" in body["errors"]["content"]["_errors"][0]["message"]
    await server.delete_channel(server.study_id)
    async with http.post(f"{base}/{server.study_id}/messages", json={"content": "x"}) as response:
        assert (response.status, (await response.json())["code"]) == (404, 10003)


async def test_messages_record_mentions(server: LocalDiscord, http: aiohttp.ClientSession) -> None:
    url = f"{server.api_base}/channels/{server.general_id}/messages"
    content = f"<@{server.member_id}> <@&{server.moderator_role_id}> @everyone"
    async with http.post(url, json={"content": content}) as response:
        pinged = await response.json()
    assert [u["id"] for u in pinged["mentions"]] == [str(server.member_id)]
    assert pinged["mention_roles"] == [str(server.moderator_role_id)]
    assert pinged["mention_everyone"] is False  # the bot lacks MENTION_EVERYONE
    quiet = {"content": content, "allowed_mentions": {"parse": []}}
    async with http.post(url, json=quiet) as response:
        body = await response.json()
    assert (body["mentions"], body["mention_roles"]) == ([], [])
    assert len(server.channel_messages[server.general_id]) == 2


async def test_callback_without_with_response_is_204(
    server: LocalDiscord, http: aiohttp.ClientSession
) -> None:
    server.global_commands.append({"id": "1", "name": "ping", "type": 1, "options": []})
    async with http.ws_connect(server.gateway_url) as ws:
        await ws.send_json({"op": 2, "d": {"token": "t", "intents": 1}})
        await server.wait_until(lambda: server.gateway.live_sessions)
        record = await server.invoke("ping")
        interaction = await _next_dispatch(ws, "INTERACTION_CREATE")
    assert interaction["token"] == record.token
    assert interaction["attachment_size_limit"] > 0
    assert interaction["channel"]["name"] == "general"
    url = f"{server.api_base}/interactions/{record.id}/{record.token}/callback"
    async with http.post(url, json={"type": 4, "data": {"content": "pong"}}) as response:
        assert response.status == 204
    async with http.post(url, json={"type": 4, "data": {"content": "again"}}) as response:
        assert (response.status, (await response.json())["code"]) == (400, 40060)
    assert record.original is not None
    assert record.original["content"] == "pong"


async def test_invoke_needs_a_connected_bot(server: LocalDiscord) -> None:
    server.global_commands.append({"id": "1", "name": "ping", "type": 1, "options": []})
    with pytest.raises(SandboxError, match="no bot"):
        await server.invoke("ping")


async def test_gateway_handshake_and_invalid_resume(server: LocalDiscord) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(server.gateway_url) as ws:
            hello = await ws.receive_json()
            assert hello["op"] == 10
            assert hello["d"]["heartbeat_interval"] > 0
            await ws.send_json({"op": 1, "d": None})
            assert (await ws.receive_json())["op"] == 11
            await ws.send_json({"op": 6, "d": {"token": "t", "session_id": "nope", "seq": 3}})
            assert await ws.receive_json() == {"op": 9, "d": False}
        async with session.ws_connect(server.gateway_url) as ws:
            await ws.receive_json()
            await ws.send_json({"op": 2, "d": {"token": "t", "intents": 1 << 15}})
            closing = await ws.receive()
            assert closing.type is aiohttp.WSMsgType.CLOSE
            assert closing.data == 4014
