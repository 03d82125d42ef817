"""The gateway: HELLO, heartbeats, refused intents and resumes, replay after a drop, and a client
that survives odd dispatches."""

from __future__ import annotations

import aiohttp

from bot.sandbox import BotRun, LocalDiscord


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


async def test_gateway_drop_resumes_and_replays(server: LocalDiscord, running: BotRun) -> None:
    await server.drop_gateway()
    record = await server.invoke("echo", {"text": "sent while down"})
    assert (await record.first_response(within=5))["data"]["content"] == "sent while down"
    (resume,) = server.frames_of(op=6)
    assert resume.d["session_id"] == "sandbox-session-1"
    replayed = server.frames.index(server.frames_of(event="INTERACTION_CREATE")[0])
    assert server.frames.index(resume) < replayed  # buffered while down, replayed on RESUME
    assert server.frames_of(event="RESUMED")
    assert server.gateway.identifies == 1
    again = await server.invoke("echo", {"text": "after resume"})
    assert (await again.first_response())["data"]["content"] == "after resume"
    assert running.alive


async def test_tolerable_malformed_dispatches_do_not_kill_the_client(
    server: LocalDiscord, running: BotRun
) -> None:
    await server.dispatch("NOT_A_REAL_EVENT", {"x": 1})
    await server.dispatch("GUILD_UPDATE", {"id": "12345"})
    await server.dispatch(
        "CHANNEL_CREATE", {"id": "1", "type": 0, "guild_id": "999", "name": "x", "position": 0}
    )
    await server.dispatch("CHANNEL_CREATE", {"id": "2", "type": 999, "guild_id": "1"})
    record = await server.invoke("echo", {"text": "still here"})
    assert (await record.first_response())["data"]["content"] == "still here"
    assert running.alive
