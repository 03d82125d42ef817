"""Injected failures (429 with Discord's headers, 4xx, 5xx) and the opt-in global rate limit:
N REST requests per trailing second, then a global 429."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest

from bot.sandbox import BotRun, LocalDiscord, ManualClock, run_bot_against
from tests.sandbox.conftest import DemoBot, get_json

LIMIT = 5


async def test_rate_limit_is_retried(server: LocalDiscord, running: BotRun) -> None:
    fault = server.fail("POST", r"^/channels/\d+/messages$", 429, retry_after=2.5)
    record = await server.invoke("post", {"text": "rate limited once"})
    await record.first_response()
    statuses = [r.status for r in server.requests_to("POST", r"^/channels/\d+/messages$")]
    assert statuses == [429, 200, 200]
    assert fault.hits == 1
    assert 2.5 in running.http_sleeps  # discord.py honoured retry_after; the harness capped it


@pytest.mark.parametrize("status", [500, 502])
async def test_server_errors_are_retried(
    server: LocalDiscord, running: BotRun, status: int
) -> None:
    server.fail("POST", r"/threads$", status, times=2)
    record = await server.invoke("post", {"text": "flaky"})
    await record.first_response()
    statuses = [r.status for r in server.requests_to("POST", r"/threads$")]
    assert statuses == [status, status, 201]


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
    assert (await get_json(http, url))[0] == 200
    assert fault.hits == 2
    assert fault.remaining == 0
    assert [r.status for r in server.requests_to("GET", "/users/@me")] == [429, 429, 200]


@pytest.mark.parametrize(("status", "code"), [(403, 50013), (404, 10003), (500, 0), (502, 0)])
async def test_fault_defaults(
    server: LocalDiscord, http: aiohttp.ClientSession, status: int, code: int
) -> None:
    server.fail("*", r"^/channels/", status)
    got, _, body = await get_json(http, f"{server.api_base}/channels/{server.general_id}")
    assert (got, body["code"]) == (status, code)
    assert (await get_json(http, f"{server.api_base}/channels/{server.general_id}"))[0] == 200


async def test_a_held_request_is_carried_out_and_its_reply_kept_back(
    server: LocalDiscord, http: aiohttp.ClientSession
) -> None:
    hold = server.hold("POST", rf"^/channels/{server.general_id}/messages$")
    url = f"{server.api_base}/channels/{server.general_id}/messages"

    async def send(text: str) -> dict:
        async with http.post(url, json={"content": text}) as response:
            return await response.json()

    sending = asyncio.create_task(send("held"))
    await server.wait_until(lambda: hold.held == 1)
    (message,) = server.channel_messages[server.general_id]
    assert message["content"] == "held"
    assert (await send("not held"))["content"] == "not held"  # only the next one is held
    assert not sending.done()
    hold.release()
    assert (await sending)["id"] == message["id"]
    assert hold.held == 1


@pytest.fixture
async def limited(clock: ManualClock) -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord(clock=clock, global_rate_limit=LIMIT) as local:
        yield local
    assert local.internal_errors == []


async def _status(http: aiohttp.ClientSession, server: LocalDiscord) -> int:
    async with http.get(f"{server.api_base}/users/@me") as response:
        return response.status


async def test_requests_beyond_the_limit_get_a_global_429(
    limited: LocalDiscord, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    for _ in range(LIMIT):
        assert await _status(http, limited) == 200
        clock.advance(0.1)
    async with http.get(f"{limited.api_base}/users/@me") as response:
        assert response.status == 429
        assert response.headers["Content-Type"] == "application/json"
        assert response.headers["Via"] == "1.1 google"
        assert response.headers["X-RateLimit-Global"] == "true"
        assert response.headers["X-RateLimit-Scope"] == "global"
        assert response.headers["Retry-After"] == "1"
        body = await response.json()
    # The oldest of the five (at 0.0) leaves the window at 1.0; now is 0.5.
    assert body == {
        "message": "You are being rate limited.",
        "retry_after": 0.5,
        "global": True,
        "code": 0,
    }
    assert limited.rate_limit is not None
    assert limited.rate_limit.refused == 1
    assert [r.status for r in limited.requests] == [200] * LIMIT + [429]


async def test_the_window_slides(
    limited: LocalDiscord, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    statuses = [await _status(http, limited) for _ in range(LIMIT + 1)]
    assert statuses == [200] * LIMIT + [429]
    clock.advance(0.999)
    assert await _status(http, limited) == 429
    clock.advance(0.001)  # exactly one second after the first five: they have left the window
    assert [await _status(http, limited) for _ in range(LIMIT + 1)] == [200] * LIMIT + [429]
    clock.advance(5.0)
    assert await _status(http, limited) == 200


async def test_refused_requests_do_not_count(
    limited: LocalDiscord, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    for _ in range(LIMIT):
        await _status(http, limited)
    clock.advance(0.5)
    assert [await _status(http, limited) for _ in range(20)] == [429] * 20
    clock.advance(0.5)
    assert await _status(http, limited) == 200


async def test_interaction_callbacks_are_exempt_but_followups_count(
    limited: LocalDiscord, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    bot = DemoBot()
    async with run_bot_against(limited, bot):
        guild = discord.Object(limited.guild_id)
        bot.tree.copy_global_to(guild=guild)
        await bot.tree.sync(guild=guild)
        clock.advance(1.0)  # login and sync leave the window
        statuses = [await _status(http, limited) for _ in range(LIMIT + 1)]
        assert statuses == [200] * LIMIT + [429]

        record = await limited.invoke("echo", {"text": "still answered"})
        response = await record.first_response(within=3.0)
        assert response["data"]["content"] == "still answered"
        (callback,) = limited.requests_to("POST", r"^/interactions/\d+/[^/]+/callback$")
        assert callback.status == 200

        webhook = f"{limited.api_base}/webhooks/{limited.application_id}/{record.token}"
        async with http.post(webhook, json={"content": "a followup"}) as followup:
            assert followup.status == 429
            assert (await followup.json())["global"] is True


async def test_off_by_default(server: LocalDiscord, http: aiohttp.ClientSession) -> None:
    assert server.rate_limit is None
    assert {await _status(http, server) for _ in range(60)} == {200}
