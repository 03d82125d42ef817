"""The sandbox gateway: HELLO, heartbeats, IDENTIFY/READY, RESUME with replay, and dispatches
routed by shard: a guild's events go to the sessions whose shard owns the guild, events with no
guild (DMs) to shard 0, as Discord does."""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import WSMsgType, web

from bot.sandbox.guilds import check_shard, shard_of
from bot.sandbox.protocol import (
    DISPATCH,
    HEARTBEAT,
    HEARTBEAT_ACK,
    HELLO,
    IDENTIFY,
    INVALID_SESSION,
    PRIVILEGED_INTENTS,
    RESUME,
)
from bot.sandbox.world import World

HEARTBEAT_INTERVAL_MS = 41250
REPLAY_BUFFER = 2000

# Records a frame: direction ("send" or "recv"), the frame, time.perf_counter_ns() at the socket.
FrameRecorder = Callable[[str, dict[str, Any], int], None]
# Events whose data is the guild itself (its id is "id", not "guild_id").
GUILD_OBJECT_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def event_guild(event: str, data: Any) -> int | None:
    """The guild an event is about (its data's guild_id, or id for GUILD_CREATE/UPDATE/DELETE);
    None for an event with no (readable) guild, such as a DM's."""
    if not isinstance(data, Mapping):
        return None
    raw = data.get("id") if event in GUILD_OBJECT_EVENTS else data.get("guild_id")
    return int(raw) if isinstance(raw, int | str) and str(raw).isdigit() else None


def _dumps(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"))


class GatewaySession:
    """One identified session: its sequence, intents, replay buffer and current socket."""

    def __init__(
        self,
        session_id: str,
        intents: int,
        record: FrameRecorder,
        shard: tuple[int, int] = (0, 1),
    ) -> None:
        self.id = session_id
        self.intents = intents
        self.shard = shard
        self.seq = 0
        self.ws: web.WebSocketResponse | None = None
        self.ended = False
        self.buffer: deque[tuple[int, str, dict[str, Any]]] = deque(maxlen=REPLAY_BUFFER)
        self._record = record
        self._lock = asyncio.Lock()

    def owns(self, guild_id: int | None) -> bool:
        """Whether this session's shard gets the events of `guild_id` (None: events with no guild,
        which Discord sends to shard 0 only)."""
        index, count = self.shard
        return index == 0 if guild_id is None else shard_of(guild_id, count) == index

    async def _write(self, text: str, frame: dict[str, Any]) -> None:
        ws = self.ws
        if ws is None or ws.closed:
            return
        written_ns = time.perf_counter_ns()
        try:
            await ws.send_str(text)
        except (ConnectionError, RuntimeError):
            self.ws = None
            return
        self._record("send", frame, written_ns)

    async def dispatch(self, event: str, data: Any) -> int:
        """Send (or buffer, while disconnected) one dispatch; return its sequence number."""
        async with self._lock:
            self.seq += 1
            frame = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
            text = _dumps(frame)
            self.buffer.append((self.seq, text, json.loads(text)))
            await self._write(text, frame)
            return self.seq

    async def attach(self, ws: web.WebSocketResponse, after_seq: int) -> None:
        """Take over a new socket and replay every dispatch after `after_seq`."""
        async with self._lock:
            self.ws = ws
            for seq, text, frame in list(self.buffer):
                if seq > after_seq:
                    await self._write(text, frame)


class Gateway:
    """Accepts gateway websockets and fans dispatches out to live sessions."""

    def __init__(
        self, world: World, record: FrameRecorder, *, url: Callable[[], str], token: str | None
    ) -> None:
        self.world = world
        self.sessions: dict[str, GatewaySession] = {}
        self.identifies = 0
        self._record = record
        self._url = url
        self._token = token
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def live_sessions(self) -> list[GatewaySession]:
        """Sessions that can still receive events (connected, or resumable)."""
        return [s for s in self.sessions.values() if not s.ended]

    def owners(self, guild_id: int | None) -> list[GatewaySession]:
        """Live sessions whose shard gets the events of `guild_id` (None: shard 0's)."""
        return [s for s in self.live_sessions if s.owns(guild_id)]

    async def _send(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        text = _dumps(frame)
        written_ns = time.perf_counter_ns()
        await ws.send_str(text)
        self._record("send", frame, written_ns)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """The websocket endpoint the bot connects to."""
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        session: GatewaySession | None = None
        try:
            hello = {"heartbeat_interval": HEARTBEAT_INTERVAL_MS, "_trace": ["sandbox"]}
            await self._send(ws, {"op": HELLO, "d": hello, "s": None, "t": None})
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                read_ns = time.perf_counter_ns()
                frame = json.loads(message.data)
                self._record("recv", frame, read_ns)
                op, data = frame.get("op"), frame.get("d") or {}
                if op == HEARTBEAT:
                    await self._send(ws, {"op": HEARTBEAT_ACK})
                elif op == IDENTIFY:
                    session = await self._identify(ws, data)
                elif op == RESUME:
                    session = await self._resume(ws, data)
        finally:
            self._sockets.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
                if ws.close_code in (1000, 1001):
                    session.ended = True  # a clean close from the client ends the session
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict) -> GatewaySession | None:
        if self._token is not None and data.get("token") != self._token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        intents = int(data.get("intents", 0))
        if intents & PRIVILEGED_INTENTS:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        try:
            shard = check_shard(data.get("shard") or [0, 1])
        except ValueError:
            await ws.close(code=4010, message=b"Invalid shard.")
            return None
        self.identifies += 1
        session = GatewaySession(f"sandbox-session-{self.identifies}", intents, self._record, shard)
        self.sessions[session.id] = session
        session.ws = ws
        guild_ids = [guild_id for guild_id in self.world.guilds if session.owns(guild_id)]
        ready = {
            "v": 10,
            "user": {**self.world.user(self.world.bot_id), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(guild_id), "unavailable": True} for guild_id in guild_ids],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self._url(),
            "shard": list(shard),
            "application": {"id": str(self.world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "_trace": ["sandbox"],
        }
        await session.dispatch("READY", ready)
        for guild_id in guild_ids:
            await session.dispatch("GUILD_CREATE", self.world.guild_payload(guild_id))
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict) -> GatewaySession | None:
        session = self.sessions.get(str(data.get("session_id")))
        bad_token = self._token is not None and data.get("token") != self._token
        if session is None or session.ended or bad_token:
            await self._send(ws, {"op": INVALID_SESSION, "d": False})
            return None
        old = session.ws
        if old is not None and old is not ws:
            await old.close(code=4000, message=b"Session resumed elsewhere.")
        await session.attach(ws, int(data.get("seq") or 0))
        await session.dispatch("RESUMED", {"_trace": ["sandbox"]})
        return session

    async def dispatch(
        self, event: str, data: Any, intent: int | None = None, guild_id: int | None = None
    ) -> int:
        """Send an event to the live sessions that have `intent` and whose shard owns its guild
        (`guild_id`, else the one its data names; shard 0 for an event with no guild); return how
        many got it."""
        guild_id = event_guild(event, data) if guild_id is None else guild_id
        targets = [s for s in self.owners(guild_id) if intent is None or s.intents & intent]
        for session in targets:
            await session.dispatch(event, data)
        return len(targets)

    async def drop(self, code: int = 4000) -> None:
        """Close every gateway socket with `code`; sessions stay resumable."""
        for session in self.sessions.values():
            session.ws = None
        sockets = list(self._sockets)
        await asyncio.gather(*(ws.close(code=code, message=b"sandbox drop") for ws in sockets))

    async def close(self) -> None:
        """Close all sockets and end all sessions (server shutdown)."""
        for session in self.sessions.values():
            session.ended = True
        await self.drop(code=1001)
