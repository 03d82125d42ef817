"""The `data` of the interactions the sandbox sends: slash commands and autocomplete with their
options checked and typed by the registered definition, and context menus with their target."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.sandbox.errors import OptionError, UnknownCommandError
from bot.sandbox.protocol import (
    ATTACHMENT,
    BOOLEAN,
    CHANNEL,
    CHAT_INPUT,
    INTEGER,
    MENTIONABLE,
    NUMBER,
    ROLE,
    STRING,
    SUBCOMMAND_TYPES,
    THREAD_TYPES,
    USER,
    USER_COMMAND,
)
from bot.sandbox.world import World


def _resolve_subcommands(
    command: Mapping[str, Any], path: Sequence[str]
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """Walk a subcommand path; return (chain of subcommand defs, leaf option defs)."""
    chain: list[Mapping[str, Any]] = []
    options: list[Mapping[str, Any]] = list(command.get("options") or [])
    label = f"/{command['name']}"
    for part in path:
        found = next(
            (o for o in options if o.get("name") == part and o.get("type") in SUBCOMMAND_TYPES),
            None,
        )
        if found is None:
            available = [o["name"] for o in options if o.get("type") in SUBCOMMAND_TYPES]
            raise UnknownCommandError(f"{label} has no subcommand {part!r}; it has {available}")
        chain.append(found)
        options = list(found.get("options") or [])
        label += f" {part}"
    nested = [o["name"] for o in options if o.get("type") in SUBCOMMAND_TYPES]
    if nested:
        raise UnknownCommandError(f"{label} needs a subcommand: one of {nested}")
    return chain, options


def _snowflake(value: Any, label: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, Mapping) and "id" in value:
        return int(value["id"])
    raise OptionError(f"{label}: expected an id, got {value!r}")


class _Resolver:
    """Converts option values to Discord's wire form and collects `resolved` data (members, roles
    and channels of the guild the command is run in)."""

    def __init__(self, world: World, channel_id: int) -> None:
        self.world = world
        self.channel_id = channel_id
        self.guild = world.guild_of(channel_id)
        self.resolved: dict[str, dict[str, Any]] = {}

    def _add(self, kind: str, key: int, value: dict[str, Any]) -> None:
        self.resolved.setdefault(kind, {})[str(key)] = value

    def user(self, user_id: int, label: str) -> None:
        if user_id not in self.guild.members:
            raise OptionError(f"{label}: no member with id {user_id} in this guild")
        self._add("users", user_id, self.world.user(user_id))
        member = self.world.member(user_id, channel_id=self.channel_id, with_user=False)
        self._add("members", user_id, member)

    def role(self, role_id: int, label: str) -> None:
        if role_id not in self.guild.roles:
            raise OptionError(f"{label}: no role with id {role_id} in this guild")
        self._add("roles", role_id, dict(self.guild.roles[role_id]))

    def channel(self, channel_id: int, label: str, allowed: Sequence[int]) -> None:
        channel = self.world.channels.get(channel_id)
        if channel is None or channel["guild_id"] != str(self.guild.guild_id):
            raise OptionError(f"{label}: no channel with id {channel_id} in this guild")
        channel = self.world.channel(channel_id)
        if allowed and channel["type"] not in allowed:
            raise OptionError(f"{label}: channel type {channel['type']} not in {list(allowed)}")
        keys = ["id", "name", "type", "parent_id", "topic", "nsfw", "position", "last_message_id"]
        if channel["type"] in THREAD_TYPES:
            keys += ["owner_id", "thread_metadata", "member_count", "message_count"]
        value = {k: channel.get(k) for k in keys}
        value["permissions"] = str(self.world.permissions_in(self.world.bot_id, channel_id))
        self._add("channels", channel_id, value)

    def attachment(self, value: Any, label: str) -> int:
        if isinstance(value, str):
            value = {"filename": value}
        if not isinstance(value, Mapping) or "filename" not in value:
            raise OptionError(f"{label}: give an attachment as a filename or a dict with filename")
        attachment_id = self.world.next_id()
        url = (
            f"https://cdn.sandbox.invalid/ephemeral-attachments/{attachment_id}/{value['filename']}"
        )
        self._add(
            "attachments",
            attachment_id,
            {
                "id": str(attachment_id),
                "filename": value["filename"],
                "size": value.get("size", 0),
                "content_type": value.get("content_type"),
                "url": url,
                "proxy_url": url,
                "ephemeral": True,
            },
        )
        return attachment_id

    def convert(self, definition: Mapping[str, Any], value: Any, label: str, strict: bool) -> Any:
        """Check one value against its option definition; return the wire value."""
        kind = definition.get("type")
        if kind == STRING:
            if not isinstance(value, str):
                raise OptionError(f"{label}: expected a string, got {value!r}")
            low, high = definition.get("min_length"), definition.get("max_length")
            if strict and (
                (low is not None and len(value) < low) or (high is not None and len(value) > high)
            ):
                raise OptionError(f"{label}: length {len(value)} outside [{low}, {high}]")
        elif kind in (INTEGER, NUMBER):
            ok, noun = (int, "an integer") if kind == INTEGER else ((int, float), "a number")
            if not isinstance(value, ok) or isinstance(value, bool):
                raise OptionError(f"{label}: expected {noun}, got {value!r}")
            low, high = definition.get("min_value"), definition.get("max_value")
            if strict and (
                (low is not None and value < low) or (high is not None and value > high)
            ):
                raise OptionError(f"{label}: {value} outside [{low}, {high}]")
        elif kind == BOOLEAN:
            if not isinstance(value, bool):
                raise OptionError(f"{label}: expected a bool, got {value!r}")
        elif kind == USER:
            value = _snowflake(value, label)
            self.user(value, label)
        elif kind == ROLE:
            value = _snowflake(value, label)
            self.role(value, label)
        elif kind == MENTIONABLE:
            value = _snowflake(value, label)
            if value in self.guild.roles:
                self.role(value, label)
            else:
                self.user(value, label)
        elif kind == CHANNEL:
            value = _snowflake(value, label)
            self.channel(value, label, definition.get("channel_types") or [])
        elif kind == ATTACHMENT:
            value = self.attachment(value, label)
        else:
            raise OptionError(f"{label}: unsupported option type {kind}")
        choices = definition.get("choices") or []
        if strict and choices and value not in [c["value"] for c in choices]:
            raise OptionError(
                f"{label}: {value!r} is not one of the choices {[c['value'] for c in choices]}"
            )
        return str(value) if kind in (USER, ROLE, MENTIONABLE, CHANNEL, ATTACHMENT) else value


def command_data(
    world: World,
    command: Mapping[str, Any],
    path: Sequence[str],
    values: Mapping[str, Any],
    *,
    channel_id: int,
    focused: str | None = None,
) -> dict[str, Any]:
    """The `data` of an APPLICATION_COMMAND (or, with focused, AUTOCOMPLETE) interaction."""
    chain, definitions = _resolve_subcommands(command, path)
    label = "/" + " ".join([command["name"], *path])
    known = {d["name"]: d for d in definitions}
    unknown = [name for name in values if name not in known]
    if unknown:
        raise OptionError(f"{label} has no option(s) {unknown}; it has {list(known)}")
    if focused is not None and focused not in known:
        raise OptionError(f"{label}: focused option {focused!r} is not an option")
    if focused is not None and not known[focused].get("autocomplete"):
        raise OptionError(f"{label}: option {focused!r} has no autocomplete")
    resolver = _Resolver(world, channel_id)
    options: list[dict[str, Any]] = []
    for definition in definitions:
        name = definition["name"]
        where = f"{label} option {name!r}"
        if name == focused:
            value = values.get(name, "")
            options.append(
                {"name": name, "type": definition["type"], "value": value, "focused": True}
            )
            continue
        if name not in values:
            if definition.get("required") and focused is None:
                raise OptionError(f"{where} is required")
            continue
        value = resolver.convert(definition, values[name], where, strict=focused is None)
        options.append({"name": name, "type": definition["type"], "value": value})
    for sub in reversed(chain):
        options = [{"name": sub["name"], "type": sub["type"], "options": options}]
    data: dict[str, Any] = {
        "id": command["id"],
        "name": command["name"],
        "type": command.get("type", CHAT_INPUT),
        "options": options,
    }
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    if resolver.resolved:
        data["resolved"] = resolver.resolved
    return data


def context_menu_data(
    world: World,
    command: Mapping[str, Any],
    target: int | Mapping[str, Any],
    *,
    guild_id: int | None = None,
) -> dict[str, Any]:
    """The `data` of a user (type 2) or message (type 3) context menu interaction run in a guild
    (the first one without an id)."""
    label = f"context menu {command['name']!r}"
    target_id = _snowflake(target, label)
    resolved: dict[str, dict[str, Any]] = {}
    if command["type"] == USER_COMMAND:
        if target_id not in world.guild_state(guild_id).members:
            raise OptionError(f"{label}: no member with id {target_id} in this guild")
        member = world.member(target_id, with_user=False, guild_id=guild_id)
        resolved = {
            "users": {str(target_id): world.user(target_id)},
            "members": {str(target_id): member},
        }
    else:
        if target_id not in world.messages:
            raise OptionError(f"{label}: no message with id {target_id}")
        resolved = {"messages": {str(target_id): dict(world.messages[target_id])}}
    data = {
        "id": command["id"],
        "name": command["name"],
        "type": command["type"],
        "target_id": str(target_id),
        "resolved": resolved,
    }
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    return data
