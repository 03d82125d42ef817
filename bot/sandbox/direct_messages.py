"""Direct messages: the route that opens the bot's DM channel with a user, and `DirectMessages`
(LocalDiscord's base) for tests: closing a user's DMs, reading and waiting for what the bot sent
them. Messages in DM channels are posted, edited and deleted through the channel routes."""

from __future__ import annotations

from typing import Any, Protocol

from aiohttp import web

from bot.sandbox.errors import ApiError, SandboxError
from bot.sandbox.records import Notifier
from bot.sandbox.rest import BODY, json_response
from bot.sandbox.world import World


class DirectMessageHost(Protocol):
    """What the DM route uses of the server: the world its users and DM channels live in."""

    world: World


class DirectMessageRoutes:
    """POST /users/@me/channels: the DM channel with a user, one per user."""

    def __init__(self, host: DirectMessageHost) -> None:
        self.world = host.world

    def routes(self) -> list[web.RouteDef]:
        """aiohttp route definitions, relative to the API prefix."""
        return [web.post("/users/@me/channels", self.open_dm)]

    async def open_dm(self, request: web.Request) -> web.Response:
        """The DM channel with `recipient_id` (the same one every time); 10013 if no such user."""
        body = request[BODY] if isinstance(request[BODY], dict) else {}
        raw = body.get("recipient_id")
        if not str(raw).isdigit():
            raise ApiError.invalid_form([f'recipient_id: Value "{raw}" is not snowflake.'])
        user_id = int(raw)
        if user_id not in self.world.users:
            raise ApiError(404, 10013, "Unknown User")
        return json_response(self.world.open_dm(user_id))


class DirectMessages:
    """The test-facing half of DMs (mixed into LocalDiscord, which sets world and notifier)."""

    world: World
    notifier: Notifier

    def close_dms(self, user_id: int, closed: bool = True) -> None:
        """Make `user_id` refuse the bot's DMs (403, 50007), or take them again (closed=False)."""
        if user_id not in self.world.users:
            raise SandboxError(f"no user with id {user_id}")
        if closed:
            self.world.closed_dms.add(user_id)
        else:
            self.world.closed_dms.discard(user_id)

    def dm_channel_id(self, user_id: int) -> int | None:
        """The id of the bot's DM channel with `user_id`, if the bot has opened one."""
        return self.world.dm_channel_ids.get(user_id)

    def direct_messages(self, user_id: int) -> list[dict[str, Any]]:
        """Live messages the bot sent `user_id` in DMs, oldest first (current state)."""
        channel_id = self.dm_channel_id(user_id)
        return list(self.world.channel_messages.get(channel_id, [])) if channel_id else []

    async def wait_direct_messages(
        self, user_id: int, count: int = 1, within: float = 2.0
    ) -> list[dict[str, Any]]:
        """Wait until the bot has sent `user_id` at least `count` DMs; return them all."""

        def enough() -> list[dict[str, Any]] | None:
            dms = self.direct_messages(user_id)
            return dms if len(dms) >= count else None

        return await self.notifier.wait_for(enough, within, f"{count} DMs to user {user_id}")
