"""LocalDiscord: a Discord-compatible REST + gateway server on loopback for the real discord.py
(bot.sandbox.harness points a client at its api_base and gateway_url)."""

from __future__ import annotations

import copy
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, Self

from aiohttp import web

from bot.sandbox.channel_routes import ChannelRoutes
from bot.sandbox.command_routes import CommandRoutes
from bot.sandbox.direct_messages import DirectMessageRoutes, DirectMessages
from bot.sandbox.errors import ApiError, SandboxError
from bot.sandbox.faults import Fault, GlobalRateLimit, Hold, make_fault
from bot.sandbox.gateway import Gateway
from bot.sandbox.guild_admin import GuildAdmin
from bot.sandbox.interaction_driver import InteractionDriver
from bot.sandbox.login_routes import LoginRoutes
from bot.sandbox.protocol import DIRECT_MESSAGES_INTENT, FLAG_EPHEMERAL, GUILD_MESSAGES_INTENT
from bot.sandbox.records import GatewayFrame, InteractionRecord, Notifier, RecordedRequest
from bot.sandbox.response_routes import ResponseRoutes
from bot.sandbox.rest import API_PREFIX, BODY, FILES, INTERACTION, JSON, json_response, read_body
from bot.sandbox.world import World

_log = logging.getLogger(__name__)


class LocalDiscord(InteractionDriver, DirectMessages, GuildAdmin):
    """One application, one bot, its guilds (one to start with; add_guild adds more, on a chosen
    shard) and DMs; REST and gateway on loopback; records everything. The guild ids here are the
    first guild's."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        token: str | None = None,
        global_rate_limit: int | None = None,
    ) -> None:
        world = World()
        gateway = Gateway(world, self._record_frame, url=lambda: self.gateway_url, token=token)
        super().__init__(world, gateway, Notifier(), clock)
        # Opt-in: answer a global 429 beyond this many REST requests in a trailing second, counted
        # per bot token across every client and connection (unauthenticated ones per address).
        self.rate_limit = None if global_rate_limit is None else GlobalRateLimit(global_rate_limit)
        self.application_id: int = world.application_id
        self.bot_id: int = world.bot_id
        self.guild_id: int = world.guild_id
        self.moderator_role_id: int = world.moderator_role_id
        self.owner_id: int = world.owner_id
        self.member_id: int = world.member_id
        self.moderator_id: int = world.moderator_id
        self.general_id: int = world.general_id
        self.study_id: int = world.study_id
        self.requests: list[RecordedRequest] = []
        self.frames: list[GatewayFrame] = []
        self.faults: list[Fault] = []
        self.holds: list[Hold] = []
        self.internal_errors: list[Exception] = []
        self.token = token
        self._runner: web.AppRunner | None = None
        self._base = ""

    # lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (0 picks a free port)."""
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        groups = (
            LoginRoutes(self),
            CommandRoutes(self),
            ChannelRoutes(self),
            DirectMessageRoutes(self),
            ResponseRoutes(self),
        )
        for group in groups:
            for route in group.routes():
                app.router.add_route(route.method, API_PREFIX + route.path, route.handler)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self._base = f"{bound_host}:{bound_port}"

    async def close(self) -> None:
        """Close gateway sockets and stop listening."""
        for hold in self.holds:
            hold.release()
        if self._runner is not None:
            await self.gateway.close()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def api_base(self) -> str:
        """Value for discord.http.Route.BASE."""
        return f"http://{self._address()}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """Value for DiscordWebSocket.DEFAULT_GATEWAY (as a yarl.URL)."""
        return f"ws://{self._address()}/gateway"

    def _address(self) -> str:
        if not self._base:
            raise SandboxError("the server is not started; await start() or use `async with`")
        return self._base

    # recording

    def _record_frame(self, direction: str, frame: dict[str, Any], ns: int) -> None:
        self.frames.append(
            GatewayFrame(
                direction,
                frame.get("op", -1),
                frame.get("t"),
                frame.get("s"),
                frame.get("d"),
                self.clock(),
                ns,
            )
        )
        self.notifier.notify()

    def _authorized(self, path: str, request: web.Request) -> bool:
        if path.startswith("/interactions/") or re.match(r"^/webhooks/\d+/[^/]+", path):
            return True
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bot "):
            return False
        return self.token is None or header == f"Bot {self.token}"

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        received_ns = time.perf_counter_ns()
        path = request.path.removeprefix(API_PREFIX)
        if request.path == "/gateway":
            return await handler(request)
        request[BODY], request[FILES] = None, []
        fault = next((f for f in self.faults if f.matches(request.method, path)), None)
        try:
            request[BODY], request[FILES] = await read_body(request)
            limited = None
            if fault is None and self.rate_limit is not None:
                limited = self.rate_limit.check(path, self.clock(), _limit_key(request))
            if fault is not None:
                fault.remaining -= 1
                fault.hits += 1
                response = fault.response()
            elif limited is not None:
                response = limited
            elif not self._authorized(path, request):
                raise ApiError(401, 0, "401: Unauthorized")
            else:
                response = await handler(request)
                hold = next((h for h in self.holds if h.matches(request.method, path)), None)
                if hold is not None:
                    hold.take()
                    self.notifier.notify()
                    await hold.wait()
        except ApiError as error:
            response = json_response(error.body(), status=error.status)
        except web.HTTPException as error:
            body = {"message": f"{error.status}: {error.reason}", "code": 0}
            response = json_response(body, status=error.status)
        except Exception as error:  # a sandbox bug: keep it visible instead of a bare 500
            _log.exception("sandbox failed on %s %s", request.method, path)
            self.internal_errors.append(error)
            body = {"message": f"sandbox internal error: {error!r}", "code": 0}
            response = json_response(body, status=500)
        record = request.get(INTERACTION)
        if isinstance(record, InteractionRecord) and response.status >= 400:
            body = response.get(JSON) or {}
            record.errors.append(
                {
                    "method": request.method,
                    "path": path,
                    "status": response.status,
                    "code": body.get("code"),
                    "message": body.get("message"),
                    "errors": body.get("errors"),
                }
            )
        self.requests.append(
            RecordedRequest(
                request.method,
                path,
                request[BODY],
                response.status,
                self.clock(),
                request[FILES],
                response.get(JSON),
                received_ns,
            )
        )
        self.notifier.notify()
        return response

    # events

    async def dispatch(
        self, event: str, data: Any, intent: int | None = None, *, guild_id: int | None = None
    ) -> int:
        """Send a dispatch (any, even a malformed one) to the live sessions that have `intent`
        (any, without one) on the shard of its guild: `guild_id`, else the guild its data names
        (guild_id, or id for GUILD_CREATE/UPDATE/DELETE); with no guild, shard 0 (as Discord sends
        DMs). A session identified without a shard owns every guild. Return how many got it."""
        return await self.gateway.dispatch(event, data, intent, guild_id)

    async def dispatch_message(self, event: str, message: Mapping[str, Any]) -> None:
        """MESSAGE_CREATE/UPDATE/DELETE for a non-ephemeral message (GUILD_MESSAGES intent, or
        DIRECT_MESSAGES for a message in a DM channel, which has no guild_id)."""
        if message.get("flags", 0) & FLAG_EPHEMERAL:
            return
        in_guild = "guild_id" in message
        if event == "MESSAGE_DELETE":
            keys = ("id", "channel_id", "guild_id")
            data: dict[str, Any] = {key: message[key] for key in keys if key in message}
        else:
            data = copy.deepcopy(dict(message))
            author_id = int(message["author"]["id"])
            guild = self.world.guilds.get(int(message["guild_id"])) if in_guild else None
            if guild is not None and author_id in guild.members:
                data["member"] = self.world.member(
                    author_id, with_user=False, guild_id=guild.guild_id
                )
        intent = GUILD_MESSAGES_INTENT if in_guild else DIRECT_MESSAGES_INTENT
        await self.dispatch(event, data, intent)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the gateway sockets so the client reconnects and RESUMEs."""
        await self.gateway.drop(code)

    def fail(
        self,
        method: str,
        path_regex: str,
        status: int,
        times: int = 1,
        retry_after: float = 0.0,
        *,
        code: int | None = None,
        message: str | None = None,
        is_global: bool = False,
    ) -> Fault:
        """Answer the next `times` requests matching method ("*" for any) and path with `status`."""
        fault = make_fault(method, path_regex, status, times, retry_after, code, message, is_global)
        self.faults.append(fault)
        return fault

    def hold(self, method: str, path_regex: str, times: int = 1) -> Hold:
        """Carry out the next `times` requests matching method ("*" for any) and path, but keep
        their replies back until the Hold is released (or the server closes)."""
        hold = Hold(method.upper() if method != "*" else "*", re.compile(path_regex), times)
        self.holds.append(hold)
        return hold

    # looking at what happened

    @property
    def channel_messages(self) -> dict[int, list[dict[str, Any]]]:
        """Visible messages per channel id, oldest first (current state; deletions removed)."""
        return self.world.channel_messages

    @property
    def messages(self) -> dict[int, dict[str, Any]]:
        """Every live message by id, ephemeral ones included."""
        return self.world.messages

    @property
    def threads(self) -> dict[int, dict[str, Any]]:
        """Threads created, by id."""
        return self.world.threads

    def attachment_content(self, attachment: Mapping[str, Any] | int | str) -> bytes:
        """The bytes the bot uploaded for an attachment (a message's attachment, or its id)."""
        attachment_id = int(attachment["id"] if isinstance(attachment, Mapping) else attachment)
        if attachment_id not in self.world.attachment_contents:
            raise SandboxError(f"no uploaded file with attachment id {attachment_id}")
        return self.world.attachment_contents[attachment_id]

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        """Recorded requests matching method ("*" for any) and path regex."""
        pattern = re.compile(path_regex)
        return [r for r in self.requests if method in ("*", r.method) and pattern.search(r.path)]

    def frames_of(self, op: int | None = None, event: str | None = None) -> list[GatewayFrame]:
        """Recorded gateway frames with this op and/or dispatch event name."""
        return [
            f for f in self.frames if (op is None or f.op == op) and (event is None or f.t == event)
        ]

    async def wait_until(self, predicate: Callable[[], Any], within: float = 2.0) -> Any:
        """Wait (real seconds, for I/O) until predicate() is truthy after some recorded event."""
        return await self.notifier.wait_for(predicate, within, getattr(predicate, "__name__", ""))


def _limit_key(request: web.Request) -> str:
    """Whose global rate limit a request counts against: its bot token (shared by every process
    and connection of that bot), else, unauthenticated, its address (as Discord does)."""
    header = request.headers.get("Authorization", "")
    return header if header.startswith("Bot ") else f"address {request.remote}"
