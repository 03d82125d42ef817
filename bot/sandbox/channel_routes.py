"""REST routes for channels, the messages in them and threads started on a message, with
Discord's permission checks and message checks; the bot's DM channels are served here too (no
guild permissions, but a user may not take DMs)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from aiohttp import web

from bot.limits import THREAD_NAME_MAX
from bot.sandbox import messages
from bot.sandbox.errors import ApiError
from bot.sandbox.message_checks import is_empty_message, message_problems
from bot.sandbox.permissions import (
    ATTACH_FILES,
    CREATE_PUBLIC_THREADS,
    MANAGE_MESSAGES,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
)
from bot.sandbox.protocol import GUILDS_INTENT, THREAD_TYPES
from bot.sandbox.records import Notifier
from bot.sandbox.rest import BODY, FILES, check_uploads, json_response, no_content
from bot.sandbox.world import World

CHANNEL_PATH = "/channels/{channel_id:\\d+}"
MESSAGE_PATH = CHANNEL_PATH + "/messages/{message_id:\\d+}"


class ChannelHost(Protocol):
    """What the channel routes use of the server: the guild, and dispatching what changed."""

    world: World
    notifier: Notifier

    async def dispatch(self, event: str, data: Any, intent: int | None = None) -> int: ...

    async def dispatch_message(self, event: str, message: Mapping[str, Any]) -> None: ...


class ChannelRoutes:
    """A channel, its history, the bot's messages in it, and threads on messages."""

    def __init__(self, host: ChannelHost) -> None:
        self.host = host
        self.world = host.world

    def routes(self) -> list[web.RouteDef]:
        """aiohttp route definitions, relative to the API prefix."""
        return [
            web.get(CHANNEL_PATH, self.get_channel),
            web.get(CHANNEL_PATH + "/messages", self.history),
            web.post(CHANNEL_PATH + "/messages", self.create_message),
            web.patch(MESSAGE_PATH, self.edit_message),
            web.delete(MESSAGE_PATH, self.delete_message),
            web.post(MESSAGE_PATH + "/threads", self.create_thread),
        ]

    # checks

    def _channel(self, request: web.Request, *needs: int) -> int:
        """The channel id, after checking it exists and the bot may see it and do `needs` (guild
        permissions do not apply to DM channels)."""
        channel_id = int(request.match_info["channel_id"])
        if channel_id in self.world.dm_channels:
            return channel_id
        if channel_id not in self.world.channels:
            raise ApiError(404, 10003, "Unknown Channel")
        perms = self.world.permissions_in(self.world.bot_id, channel_id)  # the channel's guild
        if not perms & VIEW_CHANNEL:
            raise ApiError(403, 50001, "Missing Access")
        if any(not perms & need for need in needs):
            raise ApiError(403, 50013, "Missing Permissions")
        return channel_id

    def _guild_only(self, channel_id: int) -> None:
        if channel_id in self.world.dm_channels:
            raise ApiError(403, 50003, "Cannot execute action on a DM channel")

    def _may_send(self, request: web.Request, channel_id: int, files: list) -> None:
        """Guild channels: the send (and attach) permissions; DMs: the user takes them."""
        if channel_id in self.world.dm_channels:
            recipient = self.world.dm_recipient(channel_id)
            if recipient in self.world.closed_dms or self.world.users[recipient]["bot"]:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return
        needs = [self._send_permission(channel_id)] + ([ATTACH_FILES] if files else [])
        self._channel(request, *needs)

    def _send_permission(self, channel_id: int) -> int:
        is_thread = self.world.channels[channel_id]["type"] in THREAD_TYPES
        return SEND_MESSAGES_IN_THREADS if is_thread else SEND_MESSAGES

    def _message(self, request: web.Request, channel_id: int) -> int:
        message_id = int(request.match_info["message_id"])
        message = self.world.messages.get(message_id)
        if message is None or int(message["channel_id"]) != channel_id:
            raise ApiError(404, 10008, "Unknown Message")
        return message_id

    # the channel and its messages

    async def get_channel(self, request: web.Request) -> web.Response:
        """A channel or thread."""
        return json_response(self.world.channel(self._channel(request)))

    async def history(self, request: web.Request) -> web.Response:
        """Messages newest first, as Discord lists them: with `after` alone, the `limit` oldest
        after it; else the newest (before `before`). Discord keeps no nonce: none is listed."""
        channel_id = self._channel(request, READ_MESSAGE_HISTORY)
        listing = list(self.world.channel_messages.get(channel_id, []))  # oldest first
        query = request.query
        if "before" in query:
            listing = [m for m in listing if int(m["id"]) < int(query["before"])]
        if "after" in query:
            listing = [m for m in listing if int(m["id"]) > int(query["after"])]
        limit = min(int(query.get("limit", 50)), 100)
        page = listing[:limit] if "after" in query and "before" not in query else listing[-limit:]
        return json_response([_unsent(m) for m in reversed(page)])

    async def create_message(self, request: web.Request) -> web.Response:
        """Post a message as the bot (validated, permission-checked, MESSAGE_CREATE dispatched)."""
        channel_id = self._channel(request)
        body: dict[str, Any] = request[BODY] or {}
        files = request[FILES]
        self._may_send(request, channel_id, files)
        check_uploads(files)
        problems = message_problems(body)
        if problems:
            raise ApiError.invalid_form(problems)
        if is_empty_message({**body, "files": files}):
            raise ApiError(400, 50006, "Cannot send an empty message")
        if body.get("enforce_nonce") and body.get("nonce") is not None:
            for earlier in self.world.channel_messages.get(channel_id, []):
                if earlier.get("nonce") == body["nonce"]:
                    return json_response(earlier)
        reference = body.get("message_reference")
        if reference and int(reference.get("message_id", 0)) not in self.world.messages:
            if reference.get("fail_if_not_exists", True):
                raise ApiError.invalid_form(["message_reference: Unknown message"])
            body = {k: v for k, v in body.items() if k != "message_reference"}
        channel = self.world.channels.get(channel_id, {})
        if channel.get("type") in THREAD_TYPES and channel["thread_metadata"]["archived"]:
            if channel["thread_metadata"]["locked"]:
                raise ApiError(400, 50083, "Thread is archived")
            channel["thread_metadata"]["archived"] = False
        flags = int(body.get("flags") or 0)
        message = messages.create_message(self.world, channel_id, body, files=files, flags=flags)
        await self.host.dispatch_message("MESSAGE_CREATE", message)
        return json_response(message)

    async def edit_message(self, request: web.Request) -> web.Response:
        """Edit one of the bot's messages."""
        channel_id = self._channel(request)
        message_id = self._message(request, channel_id)
        message = self.world.messages[message_id]
        if int(message["author"]["id"]) != self.world.bot_id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        body = request[BODY] or {}
        check_uploads(request[FILES])
        problems = message_problems(body)
        if problems:
            raise ApiError.invalid_form(problems)
        if is_empty_message({**message, **body, "files": request[FILES]}):
            raise ApiError(400, 50006, "Cannot send an empty message")
        edited = messages.edit_message(self.world, message_id, body, request[FILES])
        await self.host.dispatch_message("MESSAGE_UPDATE", edited)
        return json_response(edited)

    async def delete_message(self, request: web.Request) -> web.Response:
        """Delete a message (others' messages need MANAGE_MESSAGES)."""
        channel_id = self._channel(request)
        message_id = self._message(request, channel_id)
        if int(self.world.messages[message_id]["author"]["id"]) != self.world.bot_id:
            self._guild_only(channel_id)
            self._channel(request, MANAGE_MESSAGES)
        message = messages.delete_message(self.world, message_id)
        await self.host.dispatch_message("MESSAGE_DELETE", message)
        return no_content()

    # threads

    async def create_thread(self, request: web.Request) -> web.Response:
        """Start a public thread on a message; the thread takes the message's id."""
        channel_id = self._channel(request, CREATE_PUBLIC_THREADS)
        self._guild_only(channel_id)
        if self.world.channels[channel_id]["type"] in THREAD_TYPES:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        message_id = self._message(request, channel_id)
        if message_id in self.world.threads:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        body = request[BODY] or {}
        name = body.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= THREAD_NAME_MAX:
            length = len(name) if isinstance(name, str) else name
            raise ApiError.invalid_form(
                [f"name: must be between 1 and {THREAD_NAME_MAX} in length (got {length})"]
            )
        thread = self.world.create_thread(
            message_id,
            name,
            owner_id=self.world.bot_id,
            auto_archive_duration=body.get("auto_archive_duration", 1440),
        )
        await self.host.dispatch("THREAD_CREATE", {**thread, "newly_created": True}, GUILDS_INTENT)
        self.host.notifier.notify()
        return json_response(thread, status=201)


def _unsent(message: dict[str, Any]) -> dict[str, Any]:
    """A message as fetched later: without the nonce it was sent with."""
    return {key: value for key, value in message.items() if key != "nonce"}
