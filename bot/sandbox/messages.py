"""Message records the server stores and returns, in guild channels and DMs: created, edited and
deleted, with the mentions and attachments Discord would work out from the body (the uploaded
bytes are kept aside, in World.attachment_contents)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.sandbox.permissions import MENTION_EVERYONE, permissions_in
from bot.sandbox.protocol import DEFAULT_MESSAGE, FLAG_LOADING, REPLY_MESSAGE, THREAD_TYPES
from bot.sandbox.world import World, snowflake_time

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")


def create_message(
    world: World,
    channel_id: int,
    body: Mapping[str, Any],
    *,
    files: list[dict[str, Any]],
    flags: int,
    type_: int = DEFAULT_MESSAGE,
    extra: Mapping[str, Any] | None = None,
    visible: bool = True,
) -> dict[str, Any]:
    """Store a new message by the bot; visible ones are also listed in channel_messages. A message
    in a DM channel carries no guild_id."""
    message_id = world.next_id()
    channel = world.channels.get(channel_id) or world.dm_channels[channel_id]
    message: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        **({} if channel_id in world.dm_channels else {"guild_id": str(world.guild_id)}),
        "author": world.user(world.bot_id),
        "content": "",
        "timestamp": snowflake_time(message_id),
        "edited_timestamp": None,
        "tts": bool(body.get("tts")),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "reactions": [],
        "pinned": False,
        "type": type_,
        "flags": flags,
    }
    if body.get("nonce") is not None:
        message["nonce"] = body["nonce"]
    if body.get("message_reference"):
        message["message_reference"] = body["message_reference"]
        message["type"] = REPLY_MESSAGE if type_ == DEFAULT_MESSAGE else type_
    message.update(extra or {})
    _apply_body(world, message, body, files)
    message["flags"] = flags | (message["flags"] & ~FLAG_LOADING)
    world.messages[message_id] = message
    world.touch(message_id)
    if visible:
        world.channel_messages[channel_id].append(message)
        channel["last_message_id"] = str(message_id)
        if channel["type"] in THREAD_TYPES:
            channel["message_count"] += 1
            channel["total_message_sent"] += 1
    return message


def edit_message(
    world: World, message_id: int, body: Mapping[str, Any], files: list[dict[str, Any]]
) -> dict[str, Any]:
    """Apply an edit body to a stored message and return it."""
    message = world.messages[message_id]
    _apply_body(world, message, body, files)
    message["flags"] = int(message.get("flags", 0)) & ~FLAG_LOADING
    message["edited_timestamp"] = snowflake_time(world.next_id())
    world.touch(message_id)
    return message


def delete_message(world: World, message_id: int) -> dict[str, Any]:
    """Remove a message from the store and its channel's list."""
    message = world.messages.pop(message_id)
    listing = world.channel_messages[int(message["channel_id"])]
    listing[:] = [m for m in listing if m["id"] != message["id"]]
    world.deleted_messages.append(message)
    return message


def _apply_body(
    world: World, message: dict[str, Any], body: Mapping[str, Any], files: list[dict[str, Any]]
) -> None:
    if "content" in body:
        message["content"] = body["content"] or ""
    for key in ("embeds", "components"):
        if key in body:
            message[key] = body[key] or []
    if body.get("poll"):
        message["poll"] = body["poll"]
    if "attachments" in body or files:
        kept_ids = {str(a.get("id")) for a in body.get("attachments") or []}
        kept = [a for a in message.get("attachments", []) if a["id"] in kept_ids]
        message["attachments"] = kept + _attachments(world, body, files, int(message["channel_id"]))
    if "flags" in body and body["flags"] is not None:
        keep = int(message.get("flags", 0)) & ~FLAG_LOADING
        message["flags"] = keep | (int(body["flags"]) & ~FLAG_LOADING)
    in_guild = "guild_id" in message
    can_everyone = in_guild and bool(
        permissions_in(world, world.bot_id, int(message["channel_id"])) & MENTION_EVERYONE
    )
    allowed = body.get("allowed_mentions")
    users, roles, everyone = _mentions(
        world, message["content"] or "", allowed, can_everyone, in_guild=in_guild
    )
    message.update(mentions=users, mention_roles=roles, mention_everyone=everyone)


def _mentions(
    world: World,
    content: str,
    allowed: Mapping[str, Any] | None,
    can_everyone: bool,
    *,
    in_guild: bool,
) -> tuple[list[dict[str, Any]], list[str], bool]:
    """Mentioned members, roles and @everyone in a guild; in a DM, mentioned users only."""
    parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse", []))
    users_allowed = set((allowed or {}).get("users") or [])
    roles_allowed = set((allowed or {}).get("roles") or [])
    known = world.members if in_guild else world.users
    users = [
        {**world.user(int(uid)), **_member_of(world, int(uid), in_guild)}
        for uid in dict.fromkeys(USER_MENTION.findall(content))
        if int(uid) in known and ("users" in parse or uid in users_allowed)
    ]
    roles = [
        rid
        for rid in dict.fromkeys(ROLE_MENTION.findall(content))
        if in_guild and int(rid) in world.roles and ("roles" in parse or rid in roles_allowed)
    ]
    everyone = (
        ("@everyone" in content or "@here" in content) and "everyone" in parse and can_everyone
    )
    return users, roles, everyone


def _member_of(world: World, user_id: int, in_guild: bool) -> dict[str, Any]:
    return {"member": world.member(user_id, with_user=False)} if in_guild else {}


def _attachments(
    world: World, body: Mapping[str, Any], files: list[dict[str, Any]], channel_id: int
) -> list[dict[str, Any]]:
    described = {str(a.get("id")): a for a in body.get("attachments") or []}
    result = []
    for index, file in enumerate(files):
        attachment_id = world.next_id()
        meta = described.get(str(index), {})
        filename = meta.get("filename") or file["filename"]
        url = f"https://cdn.sandbox.invalid/attachments/{channel_id}/{attachment_id}/{filename}"
        world.attachment_contents[attachment_id] = file.get("content", b"")
        result.append(
            {
                "id": str(attachment_id),
                "filename": filename,
                "description": meta.get("description"),
                "content_type": file.get("content_type"),
                "size": file["size"],
                "url": url,
                "proxy_url": url,
            }
        )
    return result
