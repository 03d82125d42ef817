"""The sandbox's one guild: ids, users, roles, members, channels and threads, the bot's DM
channels, and the store of messages and uploaded files, with the payloads Discord sends for them."""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from bot.sandbox.permissions import (
    BOT_ROLE_PERMISSIONS,
    EVERYONE_PERMISSIONS,
    MODERATOR_PERMISSIONS,
    permissions_in,
)
from bot.sandbox.protocol import DM, GUILD_CATEGORY, GUILD_TEXT, PUBLIC_THREAD, THREAD_TYPES

DISCORD_EPOCH_MS = 1420070400000
START_MS = 1735689600000  # 2025-01-01T00:00:00Z: ids are deterministic, one millisecond apart
GUILD_NAME = "Reading Room Sandbox"


def snowflake_time(snowflake: int) -> str:
    """ISO 8601 creation time encoded in a snowflake."""
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.UTC).isoformat()


class World:
    """One application, its bot user, one guild with roles, channels, members and messages."""

    def __init__(self) -> None:
        self._counter = 0
        self._touches = 0
        self.users: dict[int, dict[str, Any]] = {}
        self.members: dict[int, dict[str, Any]] = {}
        self.roles: dict[int, dict[str, Any]] = {}
        self.channels: dict[int, dict[str, Any]] = {}
        self.threads: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.channel_messages: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.deleted_messages: list[dict[str, Any]] = []
        self.touched: dict[int, int] = {}
        self.dm_channels: dict[int, dict[str, Any]] = {}  # the bot's DM channels, by channel id
        self.dm_channel_ids: dict[int, int] = {}  # recipient user id -> DM channel id
        self.closed_dms: set[int] = set()  # users who do not take DMs from the bot
        self.attachment_contents: dict[int, bytes] = {}  # uploaded bytes, by attachment id

        self.application_id = self.bot_id = self.next_id()
        self.guild_id = self.next_id()
        self.users[self.bot_id] = self._user_payload(self.bot_id, "Reading Room", bot=True)
        self.roles[self.guild_id] = self._role(self.guild_id, "@everyone", EVERYONE_PERMISSIONS, 0)
        self.bot_role_id = self.add_role("Reading Room", BOT_ROLE_PERMISSIONS, managed=True)
        self.moderator_role_id = self.add_role("Moderator", MODERATOR_PERMISSIONS)
        self.owner_id = self.add_member("owner")
        self.member_id = self.add_member("reader")
        self.moderator_id = self.add_member("moderator", [self.moderator_role_id])
        self.members[self.bot_id] = self._member_record(self.bot_id, [self.bot_role_id])
        self.category_id = self.add_channel("Text Channels", type_=GUILD_CATEGORY)
        self.general_id = self.add_channel("general", parent_id=self.category_id)
        self.study_id = self.add_channel("study", parent_id=self.category_id)

    # ids and bookkeeping

    def next_id(self) -> int:
        """A new snowflake-like id, increasing and deterministic."""
        self._counter += 1
        ms = START_MS + self._counter
        return ((ms - DISCORD_EPOCH_MS) << 22) | (self._counter % 4096)

    def touch(self, message_id: int) -> None:
        """Mark a message as the most recently created or edited."""
        self._touches += 1
        self.touched[message_id] = self._touches

    # building the guild

    def _user_payload(self, user_id: int, username: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": str(user_id),
            "username": username,
            "discriminator": "0001" if bot else "0",
            "global_name": None if bot else username.title(),
            "avatar": None,
            "bot": bot,
            "public_flags": 0,
            "flags": 0,
        }

    def _role(self, role_id: int, name: str, permissions: int, position: int) -> dict[str, Any]:
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

    def _member_record(self, user_id: int, roles: Iterable[int]) -> dict[str, Any]:
        return {"roles": [str(r) for r in roles], "joined_at": snowflake_time(user_id)}

    def add_role(self, name: str, permissions: int, *, managed: bool = False) -> int:
        """Add a role above the existing ones; return its id."""
        role_id = self.next_id()
        role = self._role(role_id, name, permissions, len(self.roles))
        if managed:
            role["managed"] = True
            role["tags"] = {"bot_id": str(self.bot_id)}
        self.roles[role_id] = role
        return role_id

    def add_member(self, username: str, roles: Iterable[int] = ()) -> int:
        """Add a human user to the guild with the given role ids; return the user id."""
        user_id = self.next_id()
        self.users[user_id] = self._user_payload(user_id, username)
        self.members[user_id] = self._member_record(user_id, roles)
        return user_id

    def add_channel(
        self, name: str, *, type_: int = GUILD_TEXT, parent_id: int | None = None
    ) -> int:
        """Add a guild channel (text by default); return its id."""
        channel_id = self.next_id()
        siblings = [c for c in self.channels.values() if c.get("parent_id") == _str(parent_id)]
        self.channels[channel_id] = {
            "id": str(channel_id),
            "type": type_,
            "guild_id": str(self.guild_id),
            "name": name,
            "position": len(siblings),
            "parent_id": _str(parent_id),
            "topic": None,
            "nsfw": False,
            "permission_overwrites": [],
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "flags": 0,
        }
        return channel_id

    def create_thread(
        self, message_id: int, name: str, *, owner_id: int, auto_archive_duration: int
    ) -> dict[str, Any]:
        """Start a public thread on a message (it takes the message's id); return its payload."""
        thread_id = message_id
        parent_id = int(self.messages[message_id]["channel_id"])
        now = snowflake_time(self.next_id())
        thread = {
            "id": str(thread_id),
            "guild_id": str(self.guild_id),
            "parent_id": str(parent_id),
            "owner_id": str(owner_id),
            "name": name,
            "type": PUBLIC_THREAD,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "flags": 0,
            "applied_tags": [],
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": auto_archive_duration,
                "archive_timestamp": now,
                "locked": False,
                "invitable": True,
                "create_timestamp": now,
            },
        }
        self.channels[thread_id] = thread
        self.threads[thread_id] = thread
        self.messages[message_id]["thread"] = copy.deepcopy(thread)
        member = {"id": str(thread_id), "user_id": str(owner_id), "join_timestamp": now, "flags": 0}
        return {**copy.deepcopy(thread), "member": member}

    def open_dm(self, user_id: int) -> dict[str, Any]:
        """The bot's DM channel with a user (created the first time); return its payload."""
        if user_id not in self.dm_channel_ids:
            channel_id = self.next_id()
            self.dm_channels[channel_id] = {
                "id": str(channel_id),
                "type": DM,
                "last_message_id": None,
                "recipients": [self.user(user_id)],
                "flags": 0,
            }
            self.dm_channel_ids[user_id] = channel_id
        return self.channel(self.dm_channel_ids[user_id])

    def dm_recipient(self, channel_id: int) -> int:
        """The user at the other end of one of the bot's DM channels."""
        return int(self.dm_channels[channel_id]["recipients"][0]["id"])

    # payloads

    def user(self, user_id: int) -> dict[str, Any]:
        """A user object."""
        return copy.deepcopy(self.users[user_id])

    def member(
        self, user_id: int, *, channel_id: int | None = None, with_user: bool = True
    ) -> dict[str, Any]:
        """A guild member object; with channel_id it carries the member's permissions there."""
        record = self.members[user_id]
        member: dict[str, Any] = {
            "roles": list(record["roles"]),
            "joined_at": record["joined_at"],
            "nick": None,
            "avatar": None,
            "banner": None,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            member["user"] = self.user(user_id)
        if channel_id is not None:
            member["permissions"] = str(permissions_in(self, user_id, channel_id))
        return member

    def channel(self, channel_id: int) -> dict[str, Any]:
        """A channel, thread or DM channel object."""
        return copy.deepcopy(self.channels.get(channel_id) or self.dm_channels[channel_id])

    def guild(self) -> dict[str, Any]:
        """The full guild object sent in GUILD_CREATE."""
        channels = [c for c in self.channels.values() if c["type"] not in THREAD_TYPES]
        threads = [t for t in self.threads.values() if not t["thread_metadata"]["archived"]]
        return {
            "id": str(self.guild_id),
            "name": GUILD_NAME,
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
            "joined_at": self.members[self.bot_id]["joined_at"],
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "members": [self.member(user_id) for user_id in self.members],
            "channels": copy.deepcopy(channels),
            "threads": copy.deepcopy(threads),
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


def _str(value: int | None) -> str | None:
    return None if value is None else str(value)
