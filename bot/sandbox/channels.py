"""REST routes for channels, channel messages and threads, with Discord's permission checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.sandbox.gateway import GUILDS_INTENT
from bot.sandbox.limits import THREAD_NAME_MAX, is_empty_message, message_problems
from bot.sandbox.records import ApiError
from bot.sandbox.rest import BODY, FILES, json_response, no_content
from bot.sandbox.world import (
    ADD_REACTIONS,
    ATTACH_FILES,
    CREATE_PRIVATE_THREADS,
    CREATE_PUBLIC_THREADS,
    MANAGE_CHANNELS,
    MANAGE_MESSAGES,
    MANAGE_THREADS,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    THREAD_TYPES,
    VIEW_CHANNEL,
)

if TYPE_CHECKING:
    from bot.sandbox.server import LocalDiscord

CHANNEL = "/channels/{channel_id:\\d+}"
MESSAGE = CHANNEL + "/messages/{message_id:\\d+}"


class ChannelRoutes:
    """Channels, messages in them, reactions, typing and threads."""

    def __init__(self, server: LocalDiscord) -> None:
        self.server = server
        self.world = server.world

    def routes(self) -> list[web.RouteDef]:
        """aiohttp route definitions, relative to the API prefix."""
        return [
            web.get(CHANNEL, self.get_channel),
            web.patch(CHANNEL, self.patch_channel),
            web.delete(CHANNEL, self.delete_channel),
            web.post(CHANNEL + "/typing", self.typing),
            web.get(CHANNEL + "/messages", self.history),
            web.post(CHANNEL + "/messages", self.create_message),
            web.get(MESSAGE, self.get_message),
            web.patch(MESSAGE, self.edit_message),
            web.delete(MESSAGE, self.delete_message),
            web.put(MESSAGE + "/reactions/{emoji}/@me", self.add_reaction),
            web.post(MESSAGE + "/threads", self.thread_from_message),
            web.post(CHANNEL + "/threads", self.thread_without_message),
        ]

    # checks

    def _channel(self, request: web.Request, *needs: int) -> int:
        """The channel id, after checking it exists and the bot may see it and do `needs`."""
        channel_id = int(request.match_info["channel_id"])
        if channel_id not in self.world.channels:
            raise ApiError(404, 10003, "Unknown Channel")
        perms = self.world.permissions_in(self.world.bot_id, channel_id)
        if not perms & VIEW_CHANNEL:
            raise ApiError(403, 50001, "Missing Access")
        if any(not perms & need for need in needs):
            raise ApiError(403, 50013, "Missing Permissions")
        return channel_id

    def _send_permission(self, channel_id: int) -> int:
        is_thread = self.world.channels[channel_id]["type"] in THREAD_TYPES
        return SEND_MESSAGES_IN_THREADS if is_thread else SEND_MESSAGES

    def _message(self, request: web.Request, channel_id: int) -> int:
        message_id = int(request.match_info["message_id"])
        message = self.world.messages.get(message_id)
        if message is None or int(message["channel_id"]) != channel_id:
            raise ApiError(404, 10008, "Unknown Message")
        return message_id

    # channels

    async def get_channel(self, request: web.Request) -> web.Response:
        """A channel or thread."""
        return json_response(self.world.channel(self._channel(request)))

    async def patch_channel(self, request: web.Request) -> web.Response:
        """Rename a channel, or archive/lock/rename a thread."""
        channel_id = self._channel(request)
        channel = self.world.channels[channel_id]
        body = request[BODY] or {}
        is_thread = channel["type"] in THREAD_TYPES
        own_thread = is_thread and int(channel["owner_id"]) == self.world.bot_id
        if not own_thread:
            self._channel(request, MANAGE_THREADS if is_thread else MANAGE_CHANNELS)
        for key in ("name", "topic", "rate_limit_per_user", "nsfw"):
            if key in body:
                channel[key] = body[key]
        if is_thread:
            for key in ("archived", "locked", "auto_archive_duration", "invitable"):
                if key in body:
                    channel["thread_metadata"][key] = body[key]
        event = "THREAD_UPDATE" if is_thread else "CHANNEL_UPDATE"
        await self.server.emit(event, self.world.channel(channel_id), GUILDS_INTENT)
        return json_response(self.world.channel(channel_id))

    async def delete_channel(self, request: web.Request) -> web.Response:
        """Delete a channel or thread."""
        channel_id = self._channel(request)
        is_thread = self.world.channels[channel_id]["type"] in THREAD_TYPES
        self._channel(request, MANAGE_THREADS if is_thread else MANAGE_CHANNELS)
        channel = await self.server.delete_channel(channel_id)
        return json_response(channel)

    async def typing(self, request: web.Request) -> web.Response:
        """Typing indicator."""
        channel_id = self._channel(request)
        self._channel(request, self._send_permission(channel_id))
        return no_content()

    # messages

    async def history(self, request: web.Request) -> web.Response:
        """Messages newest first; honours limit, before and after."""
        channel_id = self._channel(request, READ_MESSAGE_HISTORY)
        messages = list(reversed(self.world.channel_messages.get(channel_id, [])))
        if "before" in request.query:
            messages = [m for m in messages if int(m["id"]) < int(request.query["before"])]
        if "after" in request.query:
            messages = [m for m in messages if int(m["id"]) > int(request.query["after"])]
        limit = min(int(request.query.get("limit", 50)), 100)
        return json_response(messages[:limit])

    async def get_message(self, request: web.Request) -> web.Response:
        """One message."""
        channel_id = self._channel(request, READ_MESSAGE_HISTORY)
        return json_response(self.world.messages[self._message(request, channel_id)])

    async def create_message(self, request: web.Request) -> web.Response:
        """Post a message as the bot (validated, permission-checked, MESSAGE_CREATE dispatched)."""
        channel_id = self._channel(request)
        body: dict[str, Any] = request[BODY] or {}
        files = request[FILES]
        needs = [self._send_permission(channel_id)] + ([ATTACH_FILES] if files else [])
        self._channel(request, *needs)
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
        channel = self.world.channels[channel_id]
        if channel["type"] in THREAD_TYPES and channel["thread_metadata"]["archived"]:
            if channel["thread_metadata"]["locked"]:
                raise ApiError(400, 50083, "Thread is archived")
            channel["thread_metadata"]["archived"] = False
        flags = int(body.get("flags") or 0)
        message = self.world.create_message(channel_id, body, files=files, flags=flags)
        await self.server.emit_message("MESSAGE_CREATE", message)
        return json_response(message)

    async def edit_message(self, request: web.Request) -> web.Response:
        """Edit one of the bot's messages."""
        channel_id = self._channel(request)
        message_id = self._message(request, channel_id)
        message = self.world.messages[message_id]
        if int(message["author"]["id"]) != self.world.bot_id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        body = request[BODY] or {}
        problems = message_problems(body)
        if problems:
            raise ApiError.invalid_form(problems)
        if is_empty_message({**message, **body, "files": request[FILES]}):
            raise ApiError(400, 50006, "Cannot send an empty message")
        edited = self.world.edit_message(message_id, body, request[FILES])
        await self.server.emit_message("MESSAGE_UPDATE", edited)
        return json_response(edited)

    async def delete_message(self, request: web.Request) -> web.Response:
        """Delete a message (others' messages need MANAGE_MESSAGES)."""
        channel_id = self._channel(request)
        message_id = self._message(request, channel_id)
        if int(self.world.messages[message_id]["author"]["id"]) != self.world.bot_id:
            self._channel(request, MANAGE_MESSAGES)
        message = self.world.delete_message(message_id)
        await self.server.emit_message("MESSAGE_DELETE", message)
        return no_content()

    async def add_reaction(self, request: web.Request) -> web.Response:
        """React to a message as the bot."""
        channel_id = self._channel(request, READ_MESSAGE_HISTORY, ADD_REACTIONS)
        message = self.world.messages[self._message(request, channel_id)]
        emoji = request.match_info["emoji"]
        for reaction in message["reactions"]:
            if reaction["emoji"]["name"] == emoji:
                reaction["me"] = True
                break
        else:
            message["reactions"].append(
                {"emoji": {"id": None, "name": emoji}, "count": 1, "me": True}
            )
        return no_content()

    # threads

    def _thread_name(self, body: dict[str, Any]) -> str:
        name = body.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= THREAD_NAME_MAX:
            length = len(name) if isinstance(name, str) else name
            raise ApiError.invalid_form(
                [f"name: must be between 1 and {THREAD_NAME_MAX} in length (got {length})"]
            )
        return name

    async def _publish_thread(self, thread: dict[str, Any]) -> web.Response:
        await self.server.emit("THREAD_CREATE", {**thread, "newly_created": True}, GUILDS_INTENT)
        self.server.notifier.notify()
        return json_response(thread, status=201)

    async def thread_from_message(self, request: web.Request) -> web.Response:
        """Start a public thread on a message; the thread takes the message's id."""
        channel_id = self._channel(request, CREATE_PUBLIC_THREADS)
        if self.world.channels[channel_id]["type"] in THREAD_TYPES:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        message_id = self._message(request, channel_id)
        if message_id in self.world.threads:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        body = request[BODY] or {}
        thread = self.world.create_thread(
            channel_id,
            self._thread_name(body),
            owner_id=self.world.bot_id,
            message_id=message_id,
            auto_archive_duration=body.get("auto_archive_duration", 1440),
        )
        return await self._publish_thread(thread)

    async def thread_without_message(self, request: web.Request) -> web.Response:
        """Start a thread with no starter message (private by default, as in the API)."""
        channel_id = self._channel(request)
        body = request[BODY] or {}
        kind = body.get("type", PRIVATE_THREAD)
        if kind not in (PUBLIC_THREAD, PRIVATE_THREAD):
            raise ApiError.invalid_form([f"type: cannot create a thread of type {kind}"])
        self._channel(
            request, CREATE_PUBLIC_THREADS if kind == PUBLIC_THREAD else CREATE_PRIVATE_THREADS
        )
        thread = self.world.create_thread(
            channel_id,
            self._thread_name(body),
            owner_id=self.world.bot_id,
            type_=kind,
            auto_archive_duration=body.get("auto_archive_duration", 1440),
            invitable=body.get("invitable", True),
        )
        return await self._publish_thread(thread)
