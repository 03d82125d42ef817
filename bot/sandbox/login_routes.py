"""REST routes a client calls to log in and connect: the bot user, the application and gateway
discovery."""

from __future__ import annotations

from typing import Protocol

from aiohttp import web

from bot.sandbox.rest import json_response
from bot.sandbox.world import World

GUILDS_PER_SHARD = 1000  # what Discord's recommended shard count allows (at most 2,500)


class LoginHost(Protocol):
    """What the login routes use of the server."""

    world: World

    @property
    def gateway_url(self) -> str: ...


class LoginRoutes:
    """GET /users/@me, /oauth2/applications/@me and /gateway/bot."""

    def __init__(self, host: LoginHost) -> None:
        self.host = host
        self.world = host.world

    def routes(self) -> list[web.RouteDef]:
        """aiohttp route definitions, relative to the API prefix."""
        return [
            web.get("/users/@me", self.me),
            web.get("/oauth2/applications/@me", self.application),
            web.get("/gateway/bot", self.gateway_bot),
        ]

    async def me(self, request: web.Request) -> web.Response:
        """The bot user (login)."""
        return json_response(self.world.user(self.world.bot_id))

    async def application(self, request: web.Request) -> web.Response:
        """The application (login asks for it right after /users/@me)."""
        return json_response(
            {
                "id": str(self.world.application_id),
                "name": "Reading Room",
                "description": "Sandbox application",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.world.user(self.world.owner_id),
                "team": None,
                "summary": "",
                "verify_key": "0" * 64,
                "flags": 0,
                "rpc_origins": [],
                "interactions_endpoint_url": None,
                "bot": self.world.user(self.world.bot_id),
            }
        )

    async def gateway_bot(self, request: web.Request) -> web.Response:
        """Gateway discovery for sharded bots: the shards Discord recommends (one for every
        1,000 guilds), or as many as the guilds were placed for, whichever is more."""
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        shards = max(self.world.shard_count, -(-len(self.world.guilds) // GUILDS_PER_SHARD))
        return json_response(
            {"url": self.host.gateway_url, "shards": shards, "session_start_limit": limit}
        )
