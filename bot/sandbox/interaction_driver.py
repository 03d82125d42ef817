"""InteractionDriver: sends the bot slash commands, context menus, autocomplete, button clicks,
select choices and modal submits as a member would, and records each as an InteractionRecord."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from bot.limits import ATTACHMENT_SIZE_MAX
from bot.sandbox.components import (
    check_select_values,
    find_component,
    has_component,
    modal_submit_components,
)
from bot.sandbox.errors import SandboxError, UnknownCommandError
from bot.sandbox.gateway import Gateway
from bot.sandbox.interaction_data import command_data, context_menu_data
from bot.sandbox.permissions import permissions_in
from bot.sandbox.protocol import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    BUTTON,
    CHAT_INPUT,
    MESSAGE_COMMAND,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    STRING_SELECT,
    USER_COMMAND,
)
from bot.sandbox.records import InteractionRecord, InteractionRejectedError, Notifier
from bot.sandbox.world import World

BUTTONS = frozenset({BUTTON})
STRING_SELECTS = frozenset({STRING_SELECT})

MessageRef = Mapping[str, Any] | InteractionRecord | int


class InteractionDriver:
    """The registered commands, and the interactions sent to the bot over the gateway."""

    def __init__(
        self, world: World, gateway: Gateway, notifier: Notifier, clock: Callable[[], float]
    ) -> None:
        self.world = world
        self.gateway = gateway
        self.notifier = notifier
        self.clock = clock
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.interactions: list[InteractionRecord] = []
        self.interactions_by_id: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}

    def command(
        self, name: str, guild_id: int | None = None, kinds: tuple[int, ...] = (CHAT_INPUT,)
    ) -> dict[str, Any]:
        """The registered definition of a command (guild ones first, then global)."""
        guild = self.guild_commands.get(guild_id or self.world.guild_id, [])
        for store in (guild, self.global_commands):
            for command in store:
                if command["name"] == name and command.get("type", CHAT_INPUT) in kinds:
                    return command
        registered = [c["name"] for c in [*guild, *self.global_commands]]
        raise UnknownCommandError(f"no registered command /{name}; registered: {registered}")

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
        channel = channel_id or self.world.general_id
        command = self.command(parts[0], self.world.guild_of(channel).guild_id)
        data = command_data(self.world, command, parts[1:], options or {}, channel_id=channel)
        payload = self._payload(APPLICATION_COMMAND, data, user, channel)
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
        channel = channel_id or self.world.general_id
        guild_id = self.world.guild_of(channel).guild_id
        command = self.command(name, guild_id, kinds=(USER_COMMAND, MESSAGE_COMMAND))
        data = context_menu_data(self.world, command, target, guild_id=guild_id)
        return await self._send(self._payload(APPLICATION_COMMAND, data, user, channel), name)

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
        channel = channel_id or self.world.general_id
        command = self.command(parts[0], self.world.guild_of(channel).guild_id)
        data = command_data(
            self.world, command, parts[1:], options or {}, channel_id=channel, focused=focused
        )
        payload = self._payload(APPLICATION_COMMAND_AUTOCOMPLETE, data, user, channel)
        return await self._send(payload, " ".join(parts))

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
        if response["type"] != AUTOCOMPLETE_RESULT:
            raise InteractionRejectedError(record, {"message": f"answered with type {response}"})
        return response["data"]["choices"]

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
        modal = next((r["data"] for r in record.responses if r["type"] == MODAL), None)
        if modal is None:
            raise SandboxError(f"interaction {record.id} was not answered with a modal")
        data = {
            "custom_id": modal["custom_id"],
            "components": modal_submit_components(modal, values),
        }
        channel_id = int(record.payload["channel_id"])
        payload = self._payload(MODAL_SUBMIT, data, user, channel_id)
        if "message" in record.payload:
            payload["message"] = copy.deepcopy(record.payload["message"])
        return await self._send(payload, modal["custom_id"])

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
        payload = self._payload(MESSAGE_COMPONENT, data, user, int(message["channel_id"]))
        payload["message"] = copy.deepcopy(message)
        return await self._send(payload, component["custom_id"])

    def _payload(
        self, kind: int, data: dict[str, Any], user: int | None, channel: int | None
    ) -> dict[str, Any]:
        """A complete INTERACTION_CREATE payload: every field discord.py's parser reads, in the
        channel's guild (its id, the member's roles and permissions there)."""
        world = self.world
        user_id = user or world.member_id
        channel_id = channel or world.general_id
        if channel_id not in world.channels:
            raise SandboxError(f"no channel with id {channel_id}")
        guild = world.guild_of(channel_id)
        if user_id not in guild.members:
            raise SandboxError(f"no member with id {user_id} in guild {guild.guild_id}")
        interaction_id = world.next_id()
        channel_payload = world.channel(channel_id)
        channel_payload["permissions"] = str(permissions_in(guild, user_id, channel_id))
        guild_id = str(guild.guild_id)
        return {
            "id": str(interaction_id),
            "application_id": str(world.application_id),
            "type": kind,
            "data": data,
            "guild_id": guild_id,
            "guild": {"id": guild_id, "locale": "en-US", "features": []},
            "channel_id": str(channel_id),
            "channel": channel_payload,
            "member": world.member(user_id, channel_id=channel_id),
            "token": f"sandbox-interaction-token-{interaction_id}",
            "version": 1,
            "app_permissions": str(permissions_in(guild, world.bot_id, channel_id)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id},
            "context": 0,
            "attachment_size_limit": ATTACHMENT_SIZE_MAX,  # discord.py requires it
        }

    async def _send(self, payload: dict[str, Any], name: str | None) -> InteractionRecord:
        if not self.gateway.live_sessions:
            raise SandboxError("no bot has identified on the gateway")
        guild_id = int(payload["guild_id"])
        if not self.gateway.owners(guild_id):
            shards = [s.shard for s in self.gateway.live_sessions]
            raise SandboxError(f"no live gateway session owns guild {guild_id}; shards: {shards}")
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
        await self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=guild_id)
        return record
