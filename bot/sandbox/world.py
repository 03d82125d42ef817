"""The sandbox's world: one application and its bot user, the users, the guilds (each a GuildState
with its roles and members; the first one's ids are World attributes), every guild's channels and
threads, the bot's DM channels, and the store of messages and uploaded files, with the payloads
Discord sends for them."""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from bot.sandbox.errors import SandboxError
from bot.sandbox.guilds import GuildState, check_shard, shard_of
from bot.sandbox.permissions import (
    BOT_ROLE_PERMISSIONS,
    EVERYONE_PERMISSIONS,
    MODERATOR_PERMISSIONS,
    permissions_in,
)
from bot.sandbox.protocol import DM, GUILD_CATEGORY, GUILD_TEXT, PUBLIC_THREAD

DISCORD_EPOCH_MS = 1420070400000
START_MS = 1735689600000  # 2025-01-01T00:00:00Z: ids are deterministic, one millisecond apart
GUILD_NAME = "Reading Room Sandbox"


def snowflake_time(snowflake: int) -> str:
    """ISO 8601 creation time encoded in a snowflake."""
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.UTC).isoformat()


class World:
    """One application, its bot user, guilds with roles, channels, members and messages. `roles`,
    `members`, `guild_id` and the other guild ids here are the first guild's."""

    def __init__(self) -> None:
        self._counter = 0
        self._touches = 0
        self.users: dict[int, dict[str, Any]] = {}
        self.guilds: dict[int, GuildState] = {}
        self.shard_count = 1  # the most shards any guild was placed for (add_guild's `shard`)
        self.channels: dict[int, dict[str, Any]] = {}  # every guild's channels and threads
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
        self.users[self.bot_id] = self._user_payload(self.bot_id, "Reading Room", bot=True)
        first = self._new_guild(GUILD_NAME, self.next_id())
        self.guild_id = first.guild_id
        self.roles = first.roles
        self.members = first.members
        self.bot_role_id = first.bot_role_id
        self.moderator_role_id = first.moderator_role_id
        self.owner_id = first.owner_id = self.add_member("owner")
        self.member_id = self.add_member("reader")
        self.moderator_id = self.add_member("moderator", [self.moderator_role_id])
        first.add_member(self.bot_id, [self.bot_role_id], snowflake_time(self.bot_id))
        self.category_id = first.category_id = self.add_channel(
            "Text Channels", type_=GUILD_CATEGORY
        )
        self.general_id = first.general_id = self.add_channel("general", parent_id=self.category_id)
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

    # the guilds

    def _new_guild(self, name: str, guild_id: int) -> GuildState:
        """A guild with @everyone, the bot's managed role and a moderator role (no members)."""
        guild = GuildState(guild_id, name, self.channels)
        self.guilds[guild_id] = guild
        guild.add_role(guild_id, "@everyone", EVERYONE_PERMISSIONS)
        guild.bot_role_id = self.add_role(
            "Reading Room", BOT_ROLE_PERMISSIONS, managed=True, guild_id=guild_id
        )
        guild.moderator_role_id = self.add_role(
            "Moderator", MODERATOR_PERMISSIONS, guild_id=guild_id
        )
        return guild

    def create_guild(self, name: str, shard: tuple[int, int] | None = None) -> GuildState:
        """Another guild like the first (roles, a general channel; the owner, reader, moderator
        and bot are members), its id on shard `shard[0]` of `shard[1]` when given."""
        try:
            index, count = (0, 1) if shard is None else check_shard(shard)
        except ValueError as error:
            raise SandboxError(str(error)) from None
        self.shard_count = max(self.shard_count, count)
        guild_id = self.next_id()
        while shard_of(guild_id, count) != index:  # ids are 1 ms apart: at most count - 1 skips
            guild_id = self.next_id()
        guild = self._new_guild(name, guild_id)
        guild.owner_id = self.owner_id
        joined_at = snowflake_time(guild_id)
        for user_id, roles in (
            (self.owner_id, []),
            (self.member_id, []),
            (self.moderator_id, [guild.moderator_role_id]),
            (self.bot_id, [guild.bot_role_id]),
        ):
            guild.add_member(user_id, roles, joined_at)
        guild.category_id = self.add_channel(
            "Text Channels", type_=GUILD_CATEGORY, guild_id=guild_id
        )
        guild.general_id = self.add_channel("general", parent_id=guild.category_id)
        return guild

    def guild_state(self, guild_id: int | None = None) -> GuildState:
        """A guild (the first one without an id)."""
        guild = self.guilds.get(self.guild_id if guild_id is None else guild_id)
        if guild is None:
            raise SandboxError(f"no guild with id {guild_id}; guilds: {list(self.guilds)}")
        return guild

    def guild_of(self, channel_id: int) -> GuildState:
        """The guild a guild channel or thread belongs to."""
        channel = self.channels.get(channel_id)
        if channel is None:
            raise SandboxError(f"no guild channel with id {channel_id}")
        return self.guilds[int(channel["guild_id"])]

    def permissions_in(self, user_id: int, channel_id: int) -> int:
        """A member's permissions in a guild channel or thread (its own guild's roles)."""
        return permissions_in(self.guild_of(channel_id), user_id, channel_id)

    # building the guilds

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

    def add_role(
        self, name: str, permissions: int, *, managed: bool = False, guild_id: int | None = None
    ) -> int:
        """Add a role above the existing ones in a guild (the first by default); return its id."""
        guild = self.guild_state(guild_id)
        role_id = self.next_id()
        guild.add_role(role_id, name, permissions, bot_id=self.bot_id if managed else None)
        return role_id

    def add_member(
        self, username: str, roles: Iterable[int] = (), *, guild_id: int | None = None
    ) -> int:
        """Add a human user to a guild (the first by default) with these role ids; return the
        user id."""
        user_id = self.next_id()
        self.users[user_id] = self._user_payload(user_id, username)
        self.guild_state(guild_id).add_member(user_id, list(roles), snowflake_time(user_id))
        return user_id

    def add_channel(
        self,
        name: str,
        *,
        type_: int = GUILD_TEXT,
        parent_id: int | None = None,
        guild_id: int | None = None,
    ) -> int:
        """Add a guild channel (text by default) to the parent's guild, else `guild_id`'s, else the
        first; return its id."""
        if parent_id is not None:
            guild_id = self.guild_of(parent_id).guild_id
        guild = self.guild_state(guild_id)
        channel_id = self.next_id()
        siblings = [c for c in guild.own_channels() if c.get("parent_id") == _str(parent_id)]
        self.channels[channel_id] = {
            "id": str(channel_id),
            "type": type_,
            "guild_id": str(guild.guild_id),
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
            "guild_id": self.channels[parent_id]["guild_id"],
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
        self,
        user_id: int,
        *,
        channel_id: int | None = None,
        with_user: bool = True,
        guild_id: int | None = None,
    ) -> dict[str, Any]:
        """A guild member object, in the channel's guild (else `guild_id`'s, else the first's);
        with channel_id it carries the member's permissions there."""
        guild = self.guild_of(channel_id) if channel_id is not None else self.guild_state(guild_id)
        record = guild.members[user_id]
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
            member["permissions"] = str(permissions_in(guild, user_id, channel_id))
        return member

    def channel(self, channel_id: int) -> dict[str, Any]:
        """A channel, thread or DM channel object."""
        return copy.deepcopy(self.channels.get(channel_id) or self.dm_channels[channel_id])

    def guild_payload(self, guild_id: int | None = None) -> dict[str, Any]:
        """The full guild object sent in GUILD_CREATE (the first guild without an id)."""
        guild = self.guild_state(guild_id)
        members = [self.member(u, guild_id=guild.guild_id) for u in guild.members]
        return guild.payload(members, self.bot_id)


def _str(value: int | None) -> str | None:
    return None if value is None else str(value)
