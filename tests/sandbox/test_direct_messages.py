"""Direct messages: opening the bot's DM channel with a user, sending to it, closed DMs and
unknown users, as the real discord.py client sees them."""

from __future__ import annotations

import aiohttp
import discord
import pytest

from bot.sandbox import BotRun, InteractionTimeoutError, LocalDiscord, SandboxError


async def test_dm_is_created_sent_and_read_back(server: LocalDiscord, running: BotRun) -> None:
    client = running.client
    channel = await client.create_dm(discord.Object(server.member_id))
    assert isinstance(channel, discord.DMChannel)
    assert channel.id == server.dm_channel_id(server.member_id)
    assert channel.recipient is not None
    assert channel.recipient.id == server.member_id
    mention = discord.AllowedMentions(users=True)
    sent = await channel.send(f"Session at 18:00, <@{server.member_id}>", allowed_mentions=mention)
    assert sent.guild is None
    assert isinstance(sent.channel, discord.DMChannel)
    (stored,) = server.direct_messages(server.member_id)
    assert stored["id"] == str(sent.id)
    assert stored["content"] == f"Session at 18:00, <@{server.member_id}>"
    assert "guild_id" not in stored
    assert [u["id"] for u in stored["mentions"]] == [str(server.member_id)]
    assert "member" not in stored["mentions"][0]
    assert [m.content async for m in channel.history(limit=5)] == [sent.content]
    fetched = await client.fetch_channel(channel.id)
    assert isinstance(fetched, discord.DMChannel)
    assert fetched.recipient is not None
    assert fetched.recipient.id == server.member_id
    assert (await client.http.get_channel(channel.id))["last_message_id"] == str(sent.id)
    await sent.edit(content="Session moved to 19:00")
    assert server.direct_messages(server.member_id)[0]["content"] == "Session moved to 19:00"
    await sent.delete()
    assert server.direct_messages(server.member_id) == []
    assert server.direct_messages(server.owner_id) == []


async def test_dm_channel_is_reused_for_the_same_user(
    server: LocalDiscord, running: BotRun
) -> None:
    http = running.client.http
    first = await http.start_private_message(server.member_id)
    again = await http.start_private_message(server.member_id)
    other = await http.start_private_message(server.moderator_id)
    assert first == again
    assert first["type"] == 1
    assert [u["id"] for u in first["recipients"]] == [str(server.member_id)]
    assert other["id"] != first["id"]
    record = await server.invoke("remind", {"text": "read chapter 4"})
    assert (await record.first_response())["data"]["content"] == "Sent you a DM"
    (reminder,) = await server.wait_direct_messages(server.member_id)
    assert reminder["channel_id"] == first["id"]
    assert reminder["content"] == "Reminder: read chapter 4"
    assert server.channel_messages[server.general_id] == []


async def test_closed_dms_are_forbidden_50007(server: LocalDiscord, running: BotRun) -> None:
    channel = await running.client.create_dm(discord.Object(server.member_id))
    server.close_dms(server.member_id)
    with pytest.raises(discord.Forbidden) as caught:
        await channel.send("Are you there?")
    assert (caught.value.status, caught.value.code) == (403, 50007)
    assert "Cannot send messages to this user" in caught.value.text
    record = await server.invoke("remind", {"text": "quiz"})
    assert (await record.first_response())["data"]["content"] == "Your DMs are closed"
    assert [e.code for e in running.client.seen_errors] == [50007]
    assert server.direct_messages(server.member_id) == []
    server.close_dms(server.member_id, closed=False)
    await channel.send("Welcome back")
    assert [m["content"] for m in server.direct_messages(server.member_id)] == ["Welcome back"]
    with pytest.raises(SandboxError):
        server.close_dms(1)


async def test_unknown_user_is_10013(server: LocalDiscord, running: BotRun) -> None:
    with pytest.raises(discord.NotFound) as caught:
        await running.client.create_dm(discord.Object(4242))
    assert caught.value.code == 10013
    assert server.dm_channel_id(4242) is None
    (refused,) = server.requests_to("POST", r"^/users/@me/channels$")
    assert (refused.status, refused.code) == (404, 10013)


async def test_dm_errors(server: LocalDiscord, http: aiohttp.ClientSession) -> None:
    opened = f"{server.api_base}/users/@me/channels"
    async with http.post(opened, json={"recipient_id": "nope"}) as response:
        assert (response.status, (await response.json())["code"]) == (400, 50035)
    async with http.post(opened, json={"recipient_id": str(server.bot_id)}) as response:
        to_self = await response.json()
    post = f"{server.api_base}/channels/{to_self['id']}/messages"
    async with http.post(post, json={"content": "hi me"}) as response:
        assert (response.status, (await response.json())["code"]) == (403, 50007)
    async with http.post(opened, json={"recipient_id": server.member_id}) as response:
        dm = await response.json()
    post = f"{server.api_base}/channels/{dm['id']}/messages"
    async with http.post(post, json={"content": ""}) as response:
        assert (response.status, (await response.json())["code"]) == (400, 50006)
    async with http.post(post, json={"content": "x" * 2001}) as response:
        assert (response.status, (await response.json())["code"]) == (400, 50035)
    async with http.post(post, json={"content": "@everyone read this"}) as response:
        sent = await response.json()
    assert sent["mention_everyone"] is False
    thread = f"{post}/{sent['id']}/threads"
    async with http.post(thread, json={"name": "talk"}) as response:
        assert (response.status, (await response.json())["code"]) == (403, 50003)


async def test_waiting_for_dms_times_out(server: LocalDiscord, running: BotRun) -> None:
    channel = await running.client.create_dm(discord.Object(server.member_id))
    await channel.send("one")
    with pytest.raises(InteractionTimeoutError, match="2 DMs"):
        await server.wait_direct_messages(server.member_id, count=2, within=0.05)
