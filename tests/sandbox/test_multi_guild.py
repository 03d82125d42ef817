"""More guilds: add_guild puts a guild on the shard asked for, built like the first; raw gateway
sessions get READY, GUILD_CREATE and every guild event only for the guilds on their shard; every
kind of interaction in another guild's channel carries that guild, its member and permissions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from bot.sandbox import LocalDiscord, OptionError, SandboxError, messages, run_bot_against
from bot.sandbox.gateway import GatewaySession
from bot.sandbox.guilds import shard_of
from bot.sandbox.permissions import MANAGE_GUILD, SEND_MESSAGES
from bot.sandbox.protocol import GUILD_TEXT
from tests.sandbox.conftest import DemoBot


@pytest.mark.parametrize("count", [1, 2, 3, 16])
async def test_add_guild_lands_on_the_shard_asked_for(server: LocalDiscord, count: int) -> None:
    ids = [await server.add_guild(f"guild {i} of {count}", shard=(i, count)) for i in range(count)]
    assert [shard_of(guild_id, count) for guild_id in ids] == list(range(count))
    assert ids == sorted(set(ids))
    assert ids[0] > server.guild_id
    assert server.guild_ids == [server.guild_id, *ids]
    assert server.guild(ids[-1]).shard(count) == count - 1


async def test_a_new_guild_is_built_like_the_first(server: LocalDiscord) -> None:
    guild_id = await server.add_guild("Second Room", shard=(1, 2))
    info = server.guild(guild_id)
    first = server.world.guild_payload()
    second = server.world.guild_payload(guild_id)
    assert (info.guild_id, info.name, second["name"]) == (guild_id, "Second Room", "Second Room")
    roles = {r["id"]: r for r in second["roles"]}
    everyone = roles[str(guild_id)]
    assert everyone["permissions"] == first["roles"][0]["permissions"]
    assert int(roles[str(info.moderator_role_id)]["permissions"]) & MANAGE_GUILD
    assert roles[str(info.bot_role_id)]["managed"] is True
    assert not {str(info.moderator_role_id), str(info.bot_role_id)} & {
        r["id"] for r in first["roles"]
    }
    members = {m["user"]["id"]: m["roles"] for m in second["members"]}
    assert members == {
        str(server.owner_id): [],
        str(server.member_id): [],
        str(server.moderator_id): [str(info.moderator_role_id)],
        str(server.bot_id): [str(info.bot_role_id)],
    }
    general = server.world.channel(info.general_id)
    assert (general["name"], general["type"], general["guild_id"]) == (
        "general",
        GUILD_TEXT,
        str(guild_id),
    )
    assert [c["id"] for c in second["channels"]] == [str(info.category_id), str(info.general_id)]
    assert str(info.general_id) not in {c["id"] for c in first["channels"]}
    # the first guild is as it was
    assert server.guild().general_id == server.general_id
    assert server.guild().moderator_role_id == server.moderator_role_id
    assert server.world.members is server.world.guilds[server.guild_id].members


async def test_a_bad_shard_is_refused(server: LocalDiscord) -> None:
    for shard in [(2, 2), (-1, 2), (0, 0)]:
        with pytest.raises(SandboxError):
            await server.add_guild("nowhere", shard=shard)
    with pytest.raises(SandboxError):
        server.guild(12345)


@pytest.fixture
async def ws_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _identify(
    http: aiohttp.ClientSession, server: LocalDiscord, shard: list[int] | None
) -> aiohttp.ClientWebSocketResponse:
    ws = await http.ws_connect(server.gateway_url)
    await ws.receive_json()  # HELLO
    data: dict[str, Any] = {"token": "t", "intents": (1 << 0) | (1 << 9) | (1 << 12)}
    if shard is not None:
        data["shard"] = shard
    await ws.send_json({"op": 2, "d": data})
    return ws


def _events(session: GatewaySession) -> list[tuple[str, str | None]]:
    """(event, guild id) of every dispatch a session got (its replay buffer holds them all)."""
    found = []
    for _, _, frame in session.buffer:
        d = frame["d"]
        guild = d.get("id") if frame["t"].startswith("GUILD_") else d.get("guild_id")
        found.append((frame["t"], guild))
    return found


async def test_sessions_get_only_their_shards_guilds(
    server: LocalDiscord, ws_session: aiohttp.ClientSession
) -> None:
    assert shard_of(server.guild_id, 2) == 0
    second = await server.add_guild("Second Room", shard=(1, 2))
    first, other = str(server.guild_id), str(second)
    sockets = [await _identify(ws_session, server, s) for s in ([0, 2], [1, 2], None)]
    await server.wait_until(lambda: len(server.gateway.sessions) == 3)
    zero, one, every = server.gateway.sessions.values()
    assert (zero.shard, one.shard, every.shard) == ((0, 2), (1, 2), (0, 1))
    await server.wait_until(lambda: len(server.frames_of(event="GUILD_CREATE")) == 4)
    assert _events(zero) == [("READY", None), ("GUILD_CREATE", first)]
    assert _events(one) == [("READY", None), ("GUILD_CREATE", other)]
    assert _events(every) == [("READY", None), ("GUILD_CREATE", first), ("GUILD_CREATE", other)]
    ready = [f.d for f in server.frames_of(event="READY")]
    assert [r["shard"] for r in ready] == [[0, 2], [1, 2], [0, 1]]
    assert [[g["id"] for g in r["guilds"]] for r in ready] == [[first], [other], [first, other]]

    channel_id = await server.add_channel("more", guild_id=second)
    assert server.world.channel(channel_id)["guild_id"] == other
    await server.set_permissions(server.general_id, server.moderator_id, deny=1 << 11)
    await server.dispatch("GUILD_UPDATE", server.world.guild_payload(second))
    await server.dispatch("TYPING_START", {"channel_id": "1"})  # no guild: shard 0 only
    posted = messages.create_message(
        server.world, server.guild(second).general_id, {"content": "hi"}, files=[], flags=0
    )
    await server.dispatch_message("MESSAGE_CREATE", posted)
    (sent,) = [f["d"] for _, _, f in one.buffer if f["t"] == "MESSAGE_CREATE"]
    assert sent["member"]["roles"] == [str(server.guild(second).bot_role_id)]
    third = await server.add_guild("Third Room", shard=(1, 2))  # joined while connected
    assert _events(zero)[2:] == [("CHANNEL_UPDATE", first), ("TYPING_START", None)]
    assert _events(one)[2:] == [
        ("CHANNEL_CREATE", other),
        ("GUILD_UPDATE", other),
        ("MESSAGE_CREATE", other),
        ("GUILD_CREATE", str(third)),
    ]
    assert [event for event, _ in _events(every)[3:]] == [
        "CHANNEL_CREATE",
        "CHANNEL_UPDATE",
        "GUILD_UPDATE",
        "TYPING_START",
        "MESSAGE_CREATE",
        "GUILD_CREATE",
    ]
    for ws in sockets:
        await ws.close()


async def test_an_invalid_shard_is_closed_with_4010(
    server: LocalDiscord, ws_session: aiohttp.ClientSession
) -> None:
    for shard in ([2, 2], [0, 0], [1], "0,1"):
        ws = await _identify(ws_session, server, shard)  # type: ignore[arg-type]
        closing = await ws.receive()
        assert (closing.type, closing.data) == (aiohttp.WSMsgType.CLOSE, 4010)
        await ws.close()
    assert server.gateway.sessions == {}


async def test_every_kind_of_interaction_in_another_guild_carries_it(
    server: LocalDiscord, make_bot: Callable[[], DemoBot]
) -> None:
    second = await server.add_guild("Second Room")
    info = server.guild(second)
    here = {"channel_id": info.general_id}
    bot = make_bot()
    async with run_bot_against(server, bot) as run:
        await bot.tree.sync()  # global commands: in both guilds
        vote = await server.invoke("vote", **here)
        await vote.first_response()
        click = await server.click(vote, "Yes")
        assert (await click.first_response())["data"]["content"] == "Voted yes"
        choices = await server.autocomplete("echo", {"text": "ed"}, focused="text", **here)
        assert [c["value"] for c in choices] == ["education"]
        whois = await server.invoke("whois", {"member": server.moderator_id}, **here)
        assert (await whois.first_response())["data"]["content"].startswith("Moderator")
        resolved = whois.payload["data"]["resolved"]["members"][str(server.moderator_id)]
        assert resolved["roles"] == [str(info.moderator_role_id)]
        greet = await server.invoke_context_menu("Greet", server.moderator_id, **here)
        assert (await greet.first_response())["data"]["content"] == "Hello Moderator"
        quote = await server.invoke_context_menu("Quote this", vote.original or {}, **here)
        await quote.first_response()
        records = [vote, click, server.interactions[2], whois, greet, quote]
        assert {r.payload["guild_id"] for r in records} == {str(second)}
        assert {r.payload["channel_id"] for r in records} == {str(info.general_id)}
        stranger = server.world.add_member("stranger")  # in the first guild only
        with pytest.raises(OptionError, match="in this guild"):
            await server.invoke("whois", {"member": stranger}, **here)
        with pytest.raises(SandboxError, match="no member"):
            await server.invoke("echo", {"text": "hi"}, user=stranger, **here)

        post = await server.invoke("post", {"text": "hello"}, **here)
        await post.first_response()
        posted, *_ = server.channel_messages[info.general_id]
        assert posted["guild_id"] == str(second)
        (thread,) = server.threads.values()
        assert thread["guild_id"] == str(second)
        (created,) = server.frames_of(event="THREAD_CREATE")
        assert created.d["guild_id"] == str(second)

        # permissions come from the channel's own guild: deny the second guild's bot role
        await server.set_permissions(info.general_id, info.bot_role_id, deny=SEND_MESSAGES)
        await server.invoke("post", {"text": "refused"}, **here)
        sends = rf"^/channels/{info.general_id}/messages$"
        await server.wait_until(lambda: len(server.requests_to("POST", sends)) == 2)
        assert [(r.status, r.code) for r in server.requests_to("POST", sends)][-1] == (403, 50013)
        await server.wait_until(lambda: run.logged_errors)  # the command failed on Forbidden
        allowed = await server.invoke("echo", {"text": "first guild"})
        assert (await allowed.first_response())["data"]["content"] == "first guild"
        assert server.world.permissions_in(server.bot_id, server.general_id) & SEND_MESSAGES
