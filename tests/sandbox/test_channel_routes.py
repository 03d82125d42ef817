"""Channels, their messages and threads, with Discord's permission checks and errors."""

from __future__ import annotations

import aiohttp
import discord

from bot.sandbox import BotRun, LocalDiscord


async def test_channel_post_and_thread(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("post", {"text": "Chapter 3"})
    await record.first_response()
    (message,) = server.channel_messages[server.general_id]
    (thread,) = server.threads.values()
    assert message["content"] == "Chapter 3"
    assert thread["id"] == message["id"]
    assert thread["name"] == "About: Chapter 3"
    assert [m["content"] for m in server.channel_messages[int(thread["id"])]] == ["Discuss here."]
    assert server.frames_of(event="THREAD_CREATE")
    guild = running.client.get_guild(server.guild_id)
    assert guild is not None
    assert guild.get_thread(int(thread["id"])) is not None


async def test_forbidden_channel_surfaces_50013(server: LocalDiscord, running: BotRun) -> None:
    await server.set_permissions(
        server.study_id, server.bot_id, deny=discord.Permissions(send_messages=True).value
    )
    record = await server.invoke("post", {"text": "nope"}, channel_id=server.study_id)
    await server.wait_until(lambda: running.logged_errors)
    assert record.responses == []
    (refused,) = server.requests_to("POST", rf"^/channels/{server.study_id}/messages$")
    assert (refused.status, refused.code) == (403, 50013)
    assert "Missing Permissions" in str(running.logged_errors[0].exc_info[1])


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


async def test_history_lists_as_discord_does_and_keeps_no_nonce(
    server: LocalDiscord, http: aiohttp.ClientSession
) -> None:
    url = f"{server.api_base}/channels/{server.general_id}/messages"
    ids = []
    for n in range(5):
        async with http.post(url, json={"content": f"m{n}", "nonce": f"n{n}"}) as response:
            sent = await response.json()
            assert sent["nonce"] == f"n{n}"  # the answer to the send echoes it
            ids.append(sent["id"])

    async def listed(query: str) -> list[str]:
        async with http.get(f"{url}?{query}") as response:
            page = await response.json()
        assert all("nonce" not in message for message in page)
        return [message["id"] for message in page]

    assert await listed("limit=2") == [ids[4], ids[3]]  # the newest, newest first
    assert await listed(f"after={ids[0]}&limit=2") == [ids[2], ids[1]]  # the oldest after it
    assert await listed(f"before={ids[4]}&limit=2") == [ids[3], ids[2]]
    assert await listed(f"after={ids[0]}&before={ids[4]}&limit=2") == [ids[3], ids[2]]
