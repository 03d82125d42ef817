"""REST routes for application commands: listing them and the bulk overwrite that
CommandTree.sync sends, checked against Discord's rules by command_checks."""

from __future__ import annotations

import copy
from typing import Any, Protocol

from aiohttp import web

from bot.sandbox.command_checks import command_problems
from bot.sandbox.errors import ApiError
from bot.sandbox.protocol import CHAT_INPUT
from bot.sandbox.records import Notifier
from bot.sandbox.rest import BODY, json_response
from bot.sandbox.world import World

COMMANDS = "/applications/{app_id}/commands"
GUILD_COMMANDS = "/applications/{app_id}/guilds/{guild_id}/commands"


class CommandHost(Protocol):
    """What the command routes use of the server: the registered commands, global and guild."""

    world: World
    notifier: Notifier
    global_commands: list[dict[str, Any]]
    guild_commands: dict[int, list[dict[str, Any]]]


class CommandRoutes:
    """GET and PUT the global application commands and those of any of the sandbox's guilds."""

    def __init__(self, host: CommandHost) -> None:
        self.host = host
        self.world = host.world

    def routes(self) -> list[web.RouteDef]:
        """aiohttp route definitions, relative to the API prefix."""
        return [
            web.get(COMMANDS, self.list_commands),
            web.put(COMMANDS, self.put_commands),
            web.get(GUILD_COMMANDS, self.list_commands),
            web.put(GUILD_COMMANDS, self.put_commands),
        ]

    def _store(self, request: web.Request) -> tuple[list[dict[str, Any]], int | None]:
        if int(request.match_info["app_id"]) != self.world.application_id:
            raise ApiError(404, 10002, "Unknown Application")
        if "guild_id" not in request.match_info:
            return self.host.global_commands, None
        guild_id = int(request.match_info["guild_id"])
        if guild_id not in self.world.guilds:
            raise ApiError(404, 10004, "Unknown Guild")
        return self.host.guild_commands.setdefault(guild_id, []), guild_id

    def _echo(
        self, definition: dict[str, Any], old: list[dict[str, Any]], guild_id: int | None
    ) -> dict[str, Any]:
        kind = definition.get("type", CHAT_INPUT)
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
        store[:] = [self._echo(c, store, guild_id) for c in body]
        self.host.notifier.notify()
        return json_response(store)
