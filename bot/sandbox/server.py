"""LocalDiscord: a Discord-compatible REST + gateway server on loopback for the real discord.py.

Point discord.py at it with Route.BASE = server.api_base and
DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(server.gateway_url) (bot.sandbox.harness does this).
"""

from __future__ import annotations

import copy
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, Self

from aiohttp import web

from bot.sandbox.channels import ChannelRoutes
from bot.sandbox.faults import Fault, GlobalRateLimit, make_fault
from bot.sandbox.gateway import GUILD_MESSAGES_INTENT, GUILDS_INTENT, Gateway
from bot.sandbox.payloads import (
    BUTTONS,
    STRING_SELECTS,
    check_select_values,
    command_data,
    context_menu_data,
    find_component,
    has_component,
    interaction_payload,
    modal_submit_components,
)
from bot.sandbox.records import (
    ApiError,
    GatewayFrame,
    InteractionRecord,
    InteractionRejectedError,
    Notifier,
    RecordedRequest,
    SandboxError,
    UnknownCommandError,
)
from bot.sandbox.responses import ResponseRoutes
from bot.sandbox.rest import (
    API_PREFIX,
    BODY,
    FILES,
    INTERACTION,
    JSON,
    CoreRoutes,
    json_response,
    read_body,
)
from bot.sandbox.world import THREAD_TYPES, World

MessageRef = Mapping[str, Any] | InteractionRecord | int
_log = logging.getLogger(__name__)


class LocalDiscord:
    """One application, one bot, one guild; REST and gateway on loopback; records everything."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        token: str | None = None,
        privileged_intents: bool = False,
        heartbeat_interval_ms: int = 41250,
        global_rate_limit: int | None = None,
    ) -> None:
        self.clock = clock
        # Opt-in: answer a global 429 beyond this many REST requests in a trailing second.
        self.rate_limit = None if global_rate_limit is None else GlobalRateLimit(global_rate_limit)
        self.world = World()
        w = self.world
        self.application_id: int = w.application_id
        self.bot_id: int = w.bot_id
        self.guild_id: int = w.guild_id
        self.everyone_role_id: int = w.guild_id
        self.bot_role_id: int = w.bot_role_id
        self.moderator_role_id: int = w.moderator_role_id
        self.owner_id: int = w.owner_id
        self.member_id: int = w.member_id
        self.moderator_id: int = w.moderator_id
        self.category_id: int = w.category_id
        self.general_id: int = w.general_id
        self.study_id: int = w.study_id
        self.requests: list[RecordedRequest] = []
        self.frames: list[GatewayFrame] = []
        self.interactions: list[InteractionRecord] = []
        self.interactions_by_id: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.faults: list[Fault] = []
        self.internal_errors: list[Exception] = []
        self.notifier = Notifier()
        self.token = token
        self.gateway = Gateway(
            w,
            self._record_frame,
            url=lambda: self.gateway_url,
            token=token,
            heartbeat_interval_ms=heartbeat_interval_ms,
            privileged_intents=privileged_intents,
        )
        self._runner: web.AppRunner | None = None
        self._base = ""

    # lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (0 picks a free port)."""
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        for group in (CoreRoutes(self), ChannelRoutes(self), ResponseRoutes(self)):
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

    def _record_frame(
        self, direction: str, session_id: str | None, frame: dict[str, Any], ns: int
    ) -> None:
        self.frames.append(
            GatewayFrame(
                direction,
                session_id,
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
                limited = self.rate_limit.check(path, self.clock())
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
                dict(request.query),
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

    async def emit(self, event: str, data: Any, intent: int | None = None) -> int:
        """Dispatch an event to sessions that have `intent`; return how many got it."""
        return await self.gateway.dispatch(event, data, intent)

    async def emit_message(self, event: str, message: Mapping[str, Any]) -> None:
        """MESSAGE_CREATE/UPDATE/DELETE for a non-ephemeral message (GUILD_MESSAGES intent)."""
        if message.get("flags", 0) & 64:
            return
        if event == "MESSAGE_DELETE":
            keys = ("id", "channel_id", "guild_id")
            data: dict[str, Any] = {key: message[key] for key in keys}
        else:
            data = copy.deepcopy(dict(message))
            author_id = int(message["author"]["id"])
            if author_id in self.world.members:
                data["member"] = self.world.member(author_id, with_user=False)
        await self.emit(event, data, GUILD_MESSAGES_INTENT)

    async def dispatch(self, event: str, data: Any) -> int:
        """Send any raw dispatch (e.g. malformed ones) to every live session."""
        return await self.emit(event, data)

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

    # changing the guild

    async def add_channel(self, name: str, *, parent_id: int | None = None) -> int:
        """Add a text channel (CHANNEL_CREATE is dispatched); return its id."""
        channel_id = self.world.add_channel(name, parent_id=parent_id or self.category_id)
        await self.emit("CHANNEL_CREATE", self.world.channel(channel_id), GUILDS_INTENT)
        return channel_id

    async def delete_channel(self, channel_id: int) -> dict[str, Any]:
        """Delete a channel (and its threads) or a thread; later requests to it get 404."""
        for thread_id, thread in list(self.world.threads.items()):
            if thread["parent_id"] == str(channel_id):
                await self.delete_channel(thread_id)
        channel = self.world.channels.pop(channel_id)
        self.world.threads.pop(channel_id, None)
        event = "THREAD_DELETE" if channel["type"] in THREAD_TYPES else "CHANNEL_DELETE"
        await self.emit(event, channel, GUILDS_INTENT)
        return channel

    async def set_permissions(
        self, channel_id: int, target_id: int, *, allow: int = 0, deny: int = 0
    ) -> None:
        """Set a channel overwrite for a role or member (CHANNEL_UPDATE is dispatched)."""
        self.world.set_overwrite(channel_id, target_id, allow, deny)
        await self.emit("CHANNEL_UPDATE", self.world.channel(channel_id), GUILDS_INTENT)

    def add_member(self, username: str, roles: tuple[int, ...] = ()) -> int:
        """Add a human member with the given role ids; return the user id."""
        return self.world.add_member(username, roles)

    # driving interactions

    def command(
        self, name: str, guild_id: int | None = None, kinds: tuple[int, ...] = (1,)
    ) -> dict[str, Any]:
        """The registered definition of a command (guild ones first, then global)."""
        guild = self.guild_commands.get(guild_id or self.guild_id, [])
        for store in (guild, self.global_commands):
            for command in store:
                if command["name"] == name and command.get("type", 1) in kinds:
                    return command
        registered = [c["name"] for c in [*guild, *self.global_commands]]
        raise UnknownCommandError(f"no registered command /{name}; registered: {registered}")

    def _payload(
        self, kind: int, data: dict[str, Any], user: int | None, channel: int | None
    ) -> dict[str, Any]:
        return interaction_payload(
            self.world, kind, data, user or self.member_id, channel or self.general_id
        )

    async def _send(self, payload: dict[str, Any], name: str | None) -> InteractionRecord:
        if not self.gateway.live_sessions:
            raise SandboxError("no bot has identified on the gateway")
        record = InteractionRecord(
            id=int(payload["id"]),
            token=payload["token"],
            type=payload["type"],
            payload=payload,
            created_at=self.clock(),
            name=name,
            world=self.world,
            notifier=self.notifier,
        )
        self.interactions.append(record)
        self.interactions_by_id[record.id] = record
        self.interactions_by_token[record.token] = record
        await self.emit("INTERACTION_CREATE", payload)
        return record

    async def invoke(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: int | None = None,
        channel_id: int | None = None,
        subcommand: str | None = None,
    ) -> InteractionRecord:
        """Send a slash command ("name" or "group sub") typed as the registered definition says."""
        parts = name.split() + (subcommand.split() if subcommand else [])
        command = self.command(parts[0])
        channel = channel_id or self.general_id
        data = command_data(self.world, command, parts[1:], options or {}, channel_id=channel)
        payload = self._payload(2, data, user, channel)
        return await self._send(payload, " ".join(parts))

    async def invoke_context_menu(
        self,
        name: str,
        target: int | Mapping[str, Any],
        *,
        user: int | None = None,
        channel_id: int | None = None,
    ) -> InteractionRecord:
        """Run a user context menu (target: a member id) or a message one (a message or its id)."""
        command = self.command(name, kinds=(2, 3))
        channel = channel_id or self.general_id
        data = context_menu_data(self.world, command, target)
        return await self._send(self._payload(2, data, user, channel), name)

    async def send_autocomplete(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        focused: str,
        user: int | None = None,
        channel_id: int | None = None,
        subcommand: str | None = None,
    ) -> InteractionRecord:
        """Send an AUTOCOMPLETE interaction for option `focused`, without waiting for choices."""
        parts = name.split() + (subcommand.split() if subcommand else [])
        command = self.command(parts[0])
        channel = channel_id or self.general_id
        data = command_data(
            self.world, command, parts[1:], options or {}, channel_id=channel, focused=focused
        )
        return await self._send(self._payload(4, data, user, channel), " ".join(parts))

    async def autocomplete(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        focused: str,
        user: int | None = None,
        channel_id: int | None = None,
        subcommand: str | None = None,
        within: float = 2.0,
    ) -> list[dict[str, Any]]:
        """Send an AUTOCOMPLETE interaction for option `focused`; return the bot's choices."""
        record = await self.send_autocomplete(
            name, options, focused=focused, user=user, channel_id=channel_id, subcommand=subcommand
        )
        response = await record.first_response(within)
        if response["type"] != 8:
            raise InteractionRejectedError(record, {"message": f"answered with type {response}"})
        return response["data"]["choices"]

    def _message_with(self, ref: MessageRef, target: str, kinds: frozenset[int]) -> dict:
        if isinstance(ref, InteractionRecord):
            candidates = sorted(
                ref.messages, key=lambda m: self.world.touched.get(int(m["id"]), 0), reverse=True
            )
            found = next((m for m in candidates if has_component(m, target, kinds)), None)
            if found is None:
                found = ref.last_message
            if found is None:
                raise SandboxError(f"interaction {ref.id} has no message with components")
            return found
        message_id = ref if isinstance(ref, int) else int(ref["id"])
        if message_id not in self.world.messages:
            raise SandboxError(f"message {message_id} does not exist (any more)")
        return self.world.messages[message_id]

    async def _component(
        self,
        ref: MessageRef,
        target: str,
        kinds: frozenset[int],
        user: int | None,
        values: list[str] | None = None,
    ) -> InteractionRecord:
        message = self._message_with(ref, target, kinds)
        component = find_component(message, target, kinds)
        data = {"custom_id": component["custom_id"], "component_type": component["type"]}
        if values is not None:
            data["values"] = check_select_values(component, values)
        payload = self._payload(3, data, user, int(message["channel_id"]))
        payload["message"] = copy.deepcopy(message)
        return await self._send(payload, component["custom_id"])

    async def click(
        self, message: MessageRef, target: str, *, user: int | None = None
    ) -> InteractionRecord:
        """Press a button (by custom_id or label) on a message, or on an interaction's messages."""
        return await self._component(message, target, BUTTONS, user)

    async def select(
        self, message: MessageRef, target: str, values: list[str], *, user: int | None = None
    ) -> InteractionRecord:
        """Choose option values in a string select (by custom_id or placeholder)."""
        return await self._component(message, target, STRING_SELECTS, user, list(values))

    async def submit_modal(
        self, record: InteractionRecord, values: Mapping[str, str], *, user: int | None = None
    ) -> InteractionRecord:
        """Submit the modal the bot opened in answer to `record`, text inputs by custom_id."""
        modal = next((r["data"] for r in record.responses if r["type"] == 9), None)
        if modal is None:
            raise SandboxError(f"interaction {record.id} was not answered with a modal")
        data = {
            "custom_id": modal["custom_id"],
            "components": modal_submit_components(modal, values),
        }
        channel_id = int(record.payload["channel_id"])
        payload = self._payload(5, data, user, channel_id)
        if "message" in record.payload:
            payload["message"] = copy.deepcopy(record.payload["message"])
        return await self._send(payload, modal["custom_id"])
