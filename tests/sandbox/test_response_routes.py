"""Answering interactions: the callback (3 s, once only, checked) and the webhook's followups,
edits and deletes (15 min)."""

from __future__ import annotations

from typing import Any

import aiohttp
import discord
import pytest

from bot.sandbox import BotRun, InteractionRejectedError, LocalDiscord, ManualClock


async def test_invoke_records_the_response(server: LocalDiscord, running: BotRun) -> None:
    private = await server.invoke("echo", {"text": "just me", "private": True})
    response = await private.first_response()
    assert response["type"] == 4
    assert response["data"]["content"] == "just me"
    assert response["data"]["flags"] == 64
    assert private.ephemeral
    public = await server.invoke("echo", {"text": "hello all"})
    await public.first_response()
    assert not public.ephemeral
    assert [m["content"] for m in server.channel_messages[server.general_id]] == ["hello all"]
    assert public.original is not None
    assert public.original["type"] == 20


async def test_too_many_autocomplete_choices_are_refused(
    server: LocalDiscord, running: BotRun
) -> None:
    with pytest.raises(InteractionRejectedError) as caught:
        await server.autocomplete("flood", {"text": ""}, focused="text")
    error = caught.value.error
    assert error["status"] == 400
    assert error["code"] == 50035
    (problem,) = error["errors"]["data"]["choices"]["_errors"]
    assert "25 or fewer" in problem["message"]
    await server.wait_until(lambda: running.logged_errors)
    assert "must be 25 or fewer" in str(running.logged_errors[0].exc_info[1])


async def test_defer_then_followups(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("slowsum", {"a": 2, "b": 3})
    assert (await record.first_response())["type"] == 5
    followups = await record.wait_followups(2)
    assert [f["content"] for f in followups] == ["2 + 3 = 5", "and a second followup"]
    assert followups[0]["id"] == str(record.original_id)  # the first one replaces "thinking..."
    assert all(f["flags"] & 64 for f in followups[:1])
    assert record.original is not None
    assert not record.original["flags"] & 128


async def test_edits_and_deletes(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("progress")
    followups = await record.wait_followups(2)
    assert followups[1]["content"] == "history: ['temporary, edited', 'Done']"
    assert [e["body"]["content"] for e in record.edits] == ["Done", "extra, edited"]
    assert record.deleted == [int(followups[0]["id"])]
    assert [m["content"] for m in server.channel_messages[server.general_id]] == [
        "Done",
        followups[1]["content"],
    ]
    assert [m["content"] for m in server.world.deleted_messages] == [
        "extra, edited",
        "temporary, edited",
    ]


async def test_file_upload(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("export")
    await record.first_response()
    assert record.original is not None
    (attachment,) = record.original["attachments"]
    assert (attachment["filename"], attachment["size"]) == ("notes.txt", 20)
    (callback,) = server.requests_to("POST", r"/callback$")
    assert callback.files[0]["filename"] == "notes.txt"


async def test_second_response_is_40060(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("twice")
    error = await record.wait_error()
    assert (error["status"], error["code"]) == (400, 40060)
    await server.wait_until(lambda: running.client.seen_errors)
    assert running.client.seen_errors[0].code == 40060
    assert [r["data"]["content"] for r in record.responses] == ["one"]


async def test_late_response_is_10062(
    server: LocalDiscord, running: BotRun, clock: ManualClock
) -> None:
    record = await server.invoke("late")
    clock.advance(3.5)
    running.client.gate.set()
    error = await record.wait_error()
    assert (error["status"], error["code"]) == (404, 10062)
    await server.wait_until(lambda: running.client.seen_errors)
    assert isinstance(running.client.seen_errors[0], discord.NotFound)
    assert record.responses == []


async def test_followup_after_fifteen_minutes_is_refused(
    server: LocalDiscord, running: BotRun, clock: ManualClock
) -> None:
    record = await server.invoke("echo", {"text": "hi"})
    await record.first_response()
    clock.advance(15 * 60 + 1)
    bot = running.client
    webhook = discord.Webhook.partial(server.application_id, record.token, client=bot)
    with pytest.raises(discord.HTTPException) as caught:
        await webhook.send("too late", wait=True)
    assert (caught.value.status, caught.value.code) == (401, 50027)


async def test_oversize_embed_is_50035(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("embed", {"size": 4097})
    error = await record.wait_error()
    assert (error["status"], error["code"]) == (400, 50035)
    await server.wait_until(lambda: running.client.seen_errors)
    text = running.client.seen_errors[0].text
    assert "data.embeds.0.description" in text
    assert "4096" in text
    ok = await server.invoke("embed", {"size": 4096})
    assert (await ok.first_response())["data"]["embeds"][0]["description"] == "x" * 4096


async def _next_dispatch(ws: aiohttp.ClientWebSocketResponse, event: str) -> dict[str, Any]:
    while True:
        frame = await ws.receive_json(timeout=2)
        if frame.get("t") == event:
            return frame["d"]


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
