"""INTERACTION_CREATE payloads: options typed by the registered definitions, components, modals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.sandbox.limits import BUTTON, LINK_STYLE, STRING_SELECT, iter_components
from bot.sandbox.records import (
    NoSuchComponentError,
    OptionError,
    SandboxError,
    UnknownCommandError,
)
from bot.sandbox.world import THREAD_TYPES, World

STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE = 3, 4, 5, 6, 7, 8
MENTIONABLE, NUMBER, ATTACHMENT = 9, 10, 11
SUBCOMMAND_TYPES = (1, 2)
BUTTONS = frozenset({BUTTON})
STRING_SELECTS = frozenset({STRING_SELECT})
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


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
    """Converts option values to Discord's wire form and collects `resolved` data."""

    def __init__(self, world: World, channel_id: int) -> None:
        self.world = world
        self.channel_id = channel_id
        self.resolved: dict[str, dict[str, Any]] = {}

    def _add(self, kind: str, key: int, value: dict[str, Any]) -> None:
        self.resolved.setdefault(kind, {})[str(key)] = value

    def user(self, user_id: int, label: str) -> None:
        if user_id not in self.world.members:
            raise OptionError(f"{label}: no member with id {user_id}")
        self._add("users", user_id, self.world.user(user_id))
        member = self.world.member(user_id, channel_id=self.channel_id, with_user=False)
        self._add("members", user_id, member)

    def role(self, role_id: int, label: str) -> None:
        if role_id not in self.world.roles:
            raise OptionError(f"{label}: no role with id {role_id}")
        self._add("roles", role_id, dict(self.world.roles[role_id]))

    def channel(self, channel_id: int, label: str, allowed: Sequence[int]) -> None:
        if channel_id not in self.world.channels:
            raise OptionError(f"{label}: no channel with id {channel_id}")
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
            if value in self.world.roles:
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
        "type": command.get("type", 1),
        "options": options,
    }
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    if resolver.resolved:
        data["resolved"] = resolver.resolved
    return data


def context_menu_data(
    world: World, command: Mapping[str, Any], target: int | Mapping[str, Any]
) -> dict[str, Any]:
    """The `data` of a user (type 2) or message (type 3) context menu interaction."""
    label = f"context menu {command['name']!r}"
    target_id = _snowflake(target, label)
    resolved: dict[str, dict[str, Any]] = {}
    if command["type"] == 2:
        if target_id not in world.members:
            raise OptionError(f"{label}: no member with id {target_id}")
        member = world.member(target_id, with_user=False)
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


def find_component(
    message: Mapping[str, Any], target: str, kinds: frozenset[int] | set[int]
) -> dict[str, Any]:
    """The component of one of `kinds` whose custom_id, label or placeholder equals target."""
    candidates = []
    for _, component in iter_components(message.get("components") or []):
        if component.get("type") not in kinds:
            continue
        candidates.append(component)
        names = (component.get("custom_id"), component.get("label"), component.get("placeholder"))
        if target in names:
            if component.get("disabled"):
                raise NoSuchComponentError(f"component {target!r} is disabled")
            if component.get("style") == LINK_STYLE:
                raise NoSuchComponentError(f"{target!r} is a link button; it sends no interaction")
            return dict(component)
    described = [(c.get("custom_id"), c.get("label") or c.get("placeholder")) for c in candidates]
    raise NoSuchComponentError(
        f"no component {target!r} on message {message.get('id')}; it has {described}"
    )


def has_component(
    message: Mapping[str, Any], target: str, kinds: frozenset[int] | set[int]
) -> bool:
    """Whether find_component would find something (disabled ones included)."""
    return any(
        c.get("type") in kinds
        and target in (c.get("custom_id"), c.get("label"), c.get("placeholder"))
        for _, c in iter_components(message.get("components") or [])
    )


def check_select_values(select: Mapping[str, Any], values: list[str]) -> list[str]:
    """The values, after checking they are options of the select and within min/max_values."""
    offered = [option["value"] for option in select.get("options") or []]
    unknown = [value for value in values if value not in offered]
    if unknown:
        raise OptionError(
            f"select {select['custom_id']!r} has no options {unknown}; it has {offered}"
        )
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    if not low <= len(values) <= high:
        raise OptionError(
            f"select {select['custom_id']!r} takes {low}-{high} values, not {len(values)}"
        )
    return values


def modal_submit_components(
    modal: Mapping[str, Any], values: Mapping[str, str]
) -> list[dict[str, Any]]:
    """MODAL_SUBMIT components mirroring the modal's layout, filled with values by custom_id."""
    inputs = {
        c["custom_id"]: c
        for _, c in iter_components(modal.get("components") or [])
        if c.get("type") == 4
    }
    unknown = [key for key in values if key not in inputs]
    if unknown:
        raise OptionError(
            f"modal {modal.get('custom_id')!r} has no inputs {unknown}; it has {list(inputs)}"
        )
    for custom_id, field in inputs.items():
        if field.get("required", True) and not values.get(custom_id):
            raise OptionError(f"modal input {custom_id!r} is required")

    def submitted(component: Mapping[str, Any]) -> dict[str, Any]:
        custom_id = component["custom_id"]
        return {
            "type": 4,
            "id": component.get("id"),
            "custom_id": custom_id,
            "value": values.get(custom_id, ""),
        }

    result = []
    for component in modal.get("components") or []:
        if component.get("type") == 1:
            inner = [submitted(c) for c in component.get("components") or [] if c.get("type") == 4]
            result.append({"type": 1, "id": component.get("id"), "components": inner})
        elif component.get("type") == 18 and (component.get("component") or {}).get("type") == 4:
            result.append(
                {
                    "type": 18,
                    "id": component.get("id"),
                    "component": submitted(component["component"]),
                }
            )
    return result


def interaction_payload(
    world: World, kind: int, data: dict[str, Any], user_id: int, channel_id: int
) -> dict[str, Any]:
    """A complete INTERACTION_CREATE payload: every field discord.py's parser reads."""
    if user_id not in world.members:
        raise SandboxError(f"no member with id {user_id}")
    if channel_id not in world.channels:
        raise SandboxError(f"no channel with id {channel_id}")
    interaction_id = world.next_id()
    channel = world.channel(channel_id)
    channel["permissions"] = str(world.permissions_in(user_id, channel_id))
    guild_id = str(world.guild_id)
    return {
        "id": str(interaction_id),
        "application_id": str(world.application_id),
        "type": kind,
        "data": data,
        "guild_id": guild_id,
        "guild": {"id": guild_id, "locale": "en-US", "features": []},
        "channel_id": str(channel_id),
        "channel": channel,
        "member": world.member(user_id, channel_id=channel_id),
        "token": f"sandbox-interaction-token-{interaction_id}",
        "version": 1,
        "app_permissions": str(world.permissions_in(world.bot_id, channel_id)),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": guild_id},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
