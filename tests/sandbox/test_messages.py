"""Message records: the mentions Discord works out from the content and allowed_mentions."""

from __future__ import annotations

import aiohttp

from bot.sandbox import LocalDiscord


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
