"""REST plumbing (JSON replies, bodies) and the routes for login, gateway, guild and commands."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from bot.sandbox.limits import command_problems
from bot.sandbox.records import ApiError, InteractionRecord

if TYPE_CHECKING:
    from bot.sandbox.server import LocalDiscord

API_PREFIX = "/api/v10"
BODY = web.RequestKey("sandbox_body", object)
FILES = web.RequestKey("sandbox_files", list)
INTERACTION = web.RequestKey("sandbox_interaction", InteractionRecord)
JSON = web.ResponseKey("sandbox_json", object)


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON reply whose Content-Type is exactly application/json (discord.py insists)."""
    response = web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    response[JSON] = data
    return response


def no_content() -> web.Response:
    """An empty 204 reply."""
    return web.Response(status=204)


async def read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
    """The JSON body (or multipart payload_json) and a description of any uploaded files."""
    if not request.can_read_body:
        return None, []
    if request.content_type == "multipart/form-data":
        body: Any = None
        files: list[dict[str, Any]] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            else:
                content = await part.read()
                content_type = part.headers.get("Content-Type")
                files.append(
                    {
                        "field": part.name,
                        "filename": part.filename,
                        "size": len(content),
                        "content_type": content_type,
                    }
                )
        return body, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None


class CoreRoutes:
    """Users, application, gateway discovery, guild look-ups and application commands."""

    def __init__(self, server: LocalDiscord) -> None:
        self.server = server
        self.world = server.world

    def routes(self) -> list[web.RouteDef]:
        """aiohttp route definitions, relative to the API prefix."""
        commands = "/applications/{app_id}/commands"
        guild_commands = "/applications/{app_id}/guilds/{guild_id}/commands"
        return [
            web.get("/users/@me", self.me),
            web.get("/users/{user_id:\\d+}", self.user),
            web.get("/oauth2/applications/@me", self.application),
            web.get("/applications/@me", self.application),
            web.get("/gateway", self.gateway),
            web.get("/gateway/bot", self.gateway_bot),
            web.get("/guilds/{guild_id:\\d+}", self.guild),
            web.get("/guilds/{guild_id:\\d+}/channels", self.guild_channels),
            web.get("/guilds/{guild_id:\\d+}/roles", self.guild_roles),
            web.get("/guilds/{guild_id:\\d+}/members/{user_id:\\d+}", self.guild_member),
            web.get(commands, self.list_commands),
            web.put(commands, self.put_commands),
            web.post(commands, self.post_command),
            web.get(commands + "/{command_id:\\d+}", self.get_command),
            web.patch(commands + "/{command_id:\\d+}", self.patch_command),
            web.delete(commands + "/{command_id:\\d+}", self.delete_command),
            web.get(guild_commands, self.list_commands),
            web.put(guild_commands, self.put_commands),
            web.post(guild_commands, self.post_command),
            web.get(guild_commands + "/{command_id:\\d+}", self.get_command),
            web.patch(guild_commands + "/{command_id:\\d+}", self.patch_command),
            web.delete(guild_commands + "/{command_id:\\d+}", self.delete_command),
        ]

    async def me(self, request: web.Request) -> web.Response:
        """The bot user (login)."""
        return json_response(self.world.user(self.world.bot_id))

    async def user(self, request: web.Request) -> web.Response:
        """Any known user."""
        user_id = int(request.match_info["user_id"])
        if user_id not in self.world.users:
            raise ApiError(404, 10013, "Unknown User")
        return json_response(self.world.user(user_id))

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

    async def gateway(self, request: web.Request) -> web.Response:
        """Gateway discovery."""
        return json_response({"url": self.server.gateway_url})

    async def gateway_bot(self, request: web.Request) -> web.Response:
        """Gateway discovery for sharded bots."""
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return json_response(
            {"url": self.server.gateway_url, "shards": 1, "session_start_limit": limit}
        )

    def _guild_id(self, request: web.Request) -> int:
        guild_id = int(request.match_info["guild_id"])
        if guild_id != self.world.guild_id:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild_id

    async def guild(self, request: web.Request) -> web.Response:
        """The guild, without the gateway-only lists."""
        self._guild_id(request)
        guild = self.world.guild()
        for key in ("members", "channels", "threads", "voice_states", "presences"):
            guild.pop(key)
        return json_response(guild)

    async def guild_channels(self, request: web.Request) -> web.Response:
        """The guild's channels (not threads)."""
        self._guild_id(request)
        return json_response(self.world.guild()["channels"])

    async def guild_roles(self, request: web.Request) -> web.Response:
        """The guild's roles."""
        self._guild_id(request)
        return json_response(self.world.guild()["roles"])

    async def guild_member(self, request: web.Request) -> web.Response:
        """One guild member."""
        self._guild_id(request)
        user_id = int(request.match_info["user_id"])
        if user_id not in self.world.members:
            raise ApiError(404, 10007, "Unknown Member")
        return json_response(self.world.member(user_id))

    # application commands

    def _store(self, request: web.Request) -> tuple[list[dict[str, Any]], int | None]:
        if int(request.match_info["app_id"]) != self.world.application_id:
            raise ApiError(404, 10002, "Unknown Application")
        if "guild_id" not in request.match_info:
            return self.server.global_commands, None
        guild_id = self._guild_id(request)
        return self.server.guild_commands.setdefault(guild_id, []), guild_id

    def _echo(
        self, definition: dict[str, Any], old: list[dict[str, Any]], guild_id: int | None
    ) -> dict[str, Any]:
        kind = definition.get("type", 1)
        same = next((c for c in old if c["name"] == definition["name"] and c["type"] == kind), None)
        command = copy.deepcopy(definition)
        command.update(
            id=same["id"] if same else str(self.world.next_id()),
            application_id=str(self.world.application_id),
            version=str(self.world.next_id()),
            type=kind,
        )
        command.setdefault("description", "")
        command.setdefault("default_member_permissions", None)
        if command["default_member_permissions"] is not None:
            command["default_member_permissions"] = str(command["default_member_permissions"])
        command.setdefault("nsfw", False)
        if guild_id is not None:
            command["guild_id"] = str(guild_id)
        return command

    def _replace(self, store: list[dict[str, Any]], new: list[dict[str, Any]]) -> None:
        store[:] = new
        self.server.notifier.notify()

    async def list_commands(self, request: web.Request) -> web.Response:
        """Registered commands."""
        store, _ = self._store(request)
        return json_response(store)

    async def put_commands(self, request: web.Request) -> web.Response:
        """Bulk overwrite (what CommandTree.sync does), validated against Discord's limits."""
        store, guild_id = self._store(request)
        body = request[BODY]
        if not isinstance(body, list):
            raise ApiError.invalid_form(["_root: expected a list of commands"])
        problems = command_problems(body)
        if problems:
            raise ApiError.invalid_form(problems)
        self._replace(store, [self._echo(c, store, guild_id) for c in body])
        return json_response(store)

    async def post_command(self, request: web.Request) -> web.Response:
        """Create or overwrite one command by name."""
        store, guild_id = self._store(request)
        body = request[BODY] or {}
        kind = body.get("type", 1)
        others = [c for c in store if not (c["name"] == body.get("name") and c["type"] == kind)]
        problems = command_problems([body, *others])
        if problems:
            raise ApiError.invalid_form(problems)
        command = self._echo(body, store, guild_id)
        existed = len(others) < len(store)
        self._replace(store, [*others, command])
        return json_response(command, status=200 if existed else 201)

    def _find(self, request: web.Request) -> tuple[list[dict[str, Any]], int | None, dict]:
        store, guild_id = self._store(request)
        command_id = request.match_info["command_id"]
        found = next((c for c in store if c["id"] == command_id), None)
        if found is None:
            raise ApiError(404, 10063, "Unknown application command")
        return store, guild_id, found

    async def get_command(self, request: web.Request) -> web.Response:
        """One registered command."""
        return json_response(self._find(request)[2])

    async def patch_command(self, request: web.Request) -> web.Response:
        """Edit one command."""
        store, guild_id, found = self._find(request)
        merged = {**found, **(request[BODY] or {})}
        others = [c for c in store if c is not found]
        problems = command_problems([merged, *others])
        if problems:
            raise ApiError.invalid_form(problems)
        command = self._echo(merged, store, guild_id)
        self._replace(store, [command if c is found else c for c in store])
        return json_response(command)

    async def delete_command(self, request: web.Request) -> web.Response:
        """Delete one command."""
        store, _, found = self._find(request)
        self._replace(store, [c for c in store if c is not found])
        return no_content()
