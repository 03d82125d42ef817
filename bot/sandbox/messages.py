"""Message records the server stores and returns, in guild channels and DMs: created, edited and
deleted, with the mentions and attachments Discord would work out from the body (the uploaded
bytes are kept aside, in World.attachment_contents)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.sandbox.permissions import MENTION_EVERYONE
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
    """Store a new message by the bot; visible ones are also listed in channel_messages. It
    carries its channel's guild_id (none in a DM channel)."""
    message_id = world.next_id()
    channel = world.channels.get(channel_id) or world.dm_channels[channel_id]
    message: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        **({"guild_id": channel["guild_id"]} if "guild_id" in channel else {}),
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
    guild_id = int(message["guild_id"]) if "guild_id" in message else None
    can_everyone = guild_id is not None and bool(
        world.permissions_in(world.bot_id, int(message["channel_id"])) & MENTION_EVERYONE
    )
    allowed = body.get("allowed_mentions")
    users, roles, everyone = _mentions(
        world, message["content"] or "", allowed, can_everyone, guild_id=guild_id
    )
    message.update(mentions=users, mention_roles=roles, mention_everyone=everyone)


def _mentions(
    world: World,
    content: str,
    allowed: Mapping[str, Any] | None,
    can_everyone: bool,
    *,
    guild_id: int | None,
) -> tuple[list[dict[str, Any]], list[str], bool]:
    """Mentioned members, roles and @everyone in a guild; in a DM (no guild_id), mentioned users
    only."""
    parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse", []))
    users_allowed = set((allowed or {}).get("users") or [])
    roles_allowed = set((allowed or {}).get("roles") or [])
    guild = None if guild_id is None else world.guild_state(guild_id)
    known = world.users if guild is None else guild.members
    users = [
        {**world.user(int(uid)), **_member_of(world, int(uid), guild_id)}
        for uid in dict.fromkeys(USER_MENTION.findall(content))
        if int(uid) in known and ("users" in parse or uid in users_allowed)
    ]
    roles = [
        rid
        for rid in dict.fromkeys(ROLE_MENTION.findall(content))
        if guild and int(rid) in guild.roles and ("roles" in parse or rid in roles_allowed)
    ]
    everyone = (
        ("@everyone" in content or "@here" in content) and "everyone" in parse and can_everyone
    )
    return users, roles, everyone


def _member_of(world: World, user_id: int, guild_id: int | None) -> dict[str, Any]:
    if guild_id is None:
        return {}
    return {"member": world.member(user_id, with_user=False, guild_id=guild_id)}


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
