"""The sandbox's guilds: one guild's roles and members (channels live in the World, each naming its
guild), its GUILD_CREATE payload, and the shard a guild's events go to."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from bot.sandbox.protocol import THREAD_TYPES


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that receives a guild's events, as Discord decides: (guild_id >> 22) % count."""
    return (guild_id >> 22) % shard_count


def check_shard(shard: Any) -> tuple[int, int]:
    """(shard_id, shard_count) from a [shard_id, shard_count] pair; ValueError if it is not one."""
    if not isinstance(shard, list | tuple) or len(shard) != 2:
        raise ValueError(f"a shard is [shard_id, shard_count], not {shard!r}")
    index, count = shard
    valid = all(isinstance(n, int) and not isinstance(n, bool) for n in (index, count))
    if not valid or not 0 <= index < count:
        raise ValueError(f"shard id must be in [0, shard_count), got {shard!r}")
    return index, count


@dataclass(frozen=True)
class GuildInfo:
    """The ids a test needs of one guild."""

    guild_id: int
    name: str
    general_id: int
    moderator_role_id: int
    bot_role_id: int
    category_id: int

    def shard(self, shard_count: int) -> int:
        """The shard of `shard_count` that receives this guild's events."""
        return shard_of(self.guild_id, shard_count)


def role_payload(role_id: int, name: str, permissions: int, position: int) -> dict[str, Any]:
    """A role object (not managed, no colour)."""
    return {
        "id": str(role_id),
        "name": name,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


class GuildState:
    """One guild: its roles (@everyone's id is the guild's) and member records; `channels` is the
    World's dict of every guild's channels and threads, shared. Permissions follow from it (it is a
    permissions.Guild)."""

    def __init__(self, guild_id: int, name: str, channels: dict[int, dict[str, Any]]) -> None:
        self.guild_id = guild_id
        self.name = name
        self.owner_id = 0
        self.roles: dict[int, dict[str, Any]] = {}
        self.members: dict[int, dict[str, Any]] = {}
        self.channels = channels
        self.category_id = self.general_id = self.bot_role_id = self.moderator_role_id = 0

    def add_role(
        self, role_id: int, name: str, permissions: int, *, bot_id: int | None = None
    ) -> None:
        """Add a role above the existing ones (with bot_id, the bot's managed role)."""
        role = role_payload(role_id, name, permissions, len(self.roles))
        if bot_id is not None:
            role["managed"] = True
            role["tags"] = {"bot_id": str(bot_id)}
        self.roles[role_id] = role

    def add_member(self, user_id: int, roles: list[int], joined_at: str) -> None:
        """Record a user as a member with these role ids."""
        self.members[user_id] = {"roles": [str(r) for r in roles], "joined_at": joined_at}

    def own_channels(self) -> list[dict[str, Any]]:
        """This guild's channels and threads (live objects)."""
        mine = str(self.guild_id)
        return [c for c in self.channels.values() if c.get("guild_id") == mine]

    def info(self) -> GuildInfo:
        """The ids a test needs."""
        return GuildInfo(
            self.guild_id,
            self.name,
            self.general_id,
            self.moderator_role_id,
            self.bot_role_id,
            self.category_id,
        )

    def payload(self, members: list[dict[str, Any]], bot_id: int) -> dict[str, Any]:
        """The full guild object sent in GUILD_CREATE, with these member objects."""
        own = self.own_channels()
        channels = [c for c in own if c["type"] not in THREAD_TYPES]
        threads = [
            c for c in own if c["type"] in THREAD_TYPES and not c["thread_metadata"]["archived"]
        ]
        return {
            "id": str(self.guild_id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": str(self.general_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "features": [],
            "roles": copy.deepcopy(list(self.roles.values())),
            "emojis": [],
            "stickers": [],
            "joined_at": self.members[bot_id]["joined_at"],
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "members": members,
            "channels": copy.deepcopy(channels),
            "threads": copy.deepcopy(threads),
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }
