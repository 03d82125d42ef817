"""Permission bits, what the sandbox's roles grant, and a member's permissions in the guild or in
one channel (Discord's overwrite rules)."""

from __future__ import annotations

from typing import Any, Protocol

from bot.sandbox.protocol import MEMBER_OVERWRITE, ROLE_OVERWRITE, THREAD_TYPES

CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CHANGE_NICKNAME = 1 << 26
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1

EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS
)
BOT_ROLE_PERMISSIONS = EVERYONE_PERMISSIONS | CREATE_PRIVATE_THREADS | MANAGE_THREADS
MODERATOR_PERMISSIONS = MANAGE_GUILD | MANAGE_MESSAGES | MANAGE_THREADS


class Guild(Protocol):
    """The guild state permissions follow from (the sandbox's World is one)."""

    guild_id: int
    owner_id: int
    roles: dict[int, dict[str, Any]]
    members: dict[int, dict[str, Any]]
    channels: dict[int, dict[str, Any]]


def base_permissions(guild: Guild, user_id: int) -> int:
    """Guild-level permissions of a member (@everyone plus their roles)."""
    if user_id == guild.owner_id:
        return ALL_PERMISSIONS
    member = guild.members.get(user_id)
    if member is None:
        return 0
    perms = int(guild.roles[guild.guild_id]["permissions"])
    for role_id in member["roles"]:
        perms |= int(guild.roles[int(role_id)]["permissions"])
    return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms


def permissions_in(guild: Guild, user_id: int, channel_id: int) -> int:
    """A member's permissions in a channel (threads use their parent's overwrites)."""
    perms = base_permissions(guild, user_id)
    if perms == ALL_PERMISSIONS:
        return perms
    channel = guild.channels[channel_id]
    if channel["type"] in THREAD_TYPES:
        channel = guild.channels[int(channel["parent_id"])]
    overwrites = {int(o["id"]): o for o in channel.get("permission_overwrites", [])}
    everyone = overwrites.get(guild.guild_id)
    if everyone:
        perms = (perms & ~int(everyone["deny"])) | int(everyone["allow"])
    allow = deny = 0
    for role_id in guild.members.get(user_id, {}).get("roles", []):
        overwrite = overwrites.get(int(role_id))
        if overwrite:
            allow |= int(overwrite["allow"])
            deny |= int(overwrite["deny"])
    perms = (perms & ~deny) | allow
    own = overwrites.get(user_id)
    if own and own["type"] == MEMBER_OVERWRITE:
        perms = (perms & ~int(own["deny"])) | int(own["allow"])
    return perms if perms & VIEW_CHANNEL else 0


def set_overwrite(guild: Guild, channel_id: int, target_id: int, allow: int, deny: int) -> None:
    """Set a channel permission overwrite for a role or member id."""
    channel = guild.channels[channel_id]
    kind = ROLE_OVERWRITE if target_id in guild.roles else MEMBER_OVERWRITE
    overwrites = [o for o in channel["permission_overwrites"] if int(o["id"]) != target_id]
    overwrites.append({"id": str(target_id), "type": kind, "allow": str(allow), "deny": str(deny)})
    channel["permission_overwrites"] = overwrites
