"""The sandbox's one guild: ids, users, roles, channels, threads and messages, as payloads."""

from __future__ import annotations

import copy
import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from bot.sandbox.limits import FLAG_LOADING

DISCORD_EPOCH_MS = 1420070400000
START_MS = 1735689600000  # 2025-01-01T00:00:00Z: ids are deterministic, one millisecond apart

# Permission bits used by the sandbox (Discord's numbering).
CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
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

TEXT, CATEGORY, ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD = 0, 4, 10, 11, 12
THREAD_TYPES = frozenset({ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD})

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")


def snowflake_time(snowflake: int) -> str:
    """ISO 8601 creation time encoded in a snowflake."""
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.UTC).isoformat()


class World:
    """One application, its bot user, one guild with roles, channels, members and messages."""

    def __init__(self, guild_name: str = "Reading Room Sandbox") -> None:
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

        self.application_id = self.bot_id = self.next_id()
        self.guild_id = self.next_id()
        self.guild_name = guild_name
        self.users[self.bot_id] = self._user_payload(self.bot_id, "Reading Room", bot=True)
        self.roles[self.guild_id] = self._role(self.guild_id, "@everyone", EVERYONE_PERMISSIONS, 0)
        self.bot_role_id = self.add_role("Reading Room", BOT_ROLE_PERMISSIONS, managed=True)
        self.moderator_role_id = self.add_role("Moderator", MODERATOR_PERMISSIONS)
        self.owner_id = self.add_member("owner")
        self.member_id = self.add_member("reader")
        self.moderator_id = self.add_member("moderator", [self.moderator_role_id])
        self.members[self.bot_id] = self._member_record(self.bot_id, [self.bot_role_id])
        self.category_id = self.add_channel("Text Channels", type_=CATEGORY)
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
        self,
        name: str,
        *,
        type_: int = TEXT,
        parent_id: int | None = None,
        topic: str | None = None,
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
            "topic": topic,
            "nsfw": False,
            "permission_overwrites": [],
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "flags": 0,
        }
        return channel_id

    def create_thread(
        self,
        parent_id: int,
        name: str,
        *,
        owner_id: int,
        type_: int = PUBLIC_THREAD,
        message_id: int | None = None,
        auto_archive_duration: int = 1440,
        invitable: bool = True,
    ) -> dict[str, Any]:
        """Create a thread (with the starter message's id, if any); return its channel payload."""
        thread_id = message_id or self.next_id()
        now = snowflake_time(self.next_id())
        thread = {
            "id": str(thread_id),
            "guild_id": str(self.guild_id),
            "parent_id": str(parent_id),
            "owner_id": str(owner_id),
            "name": name,
            "type": type_,
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
                "invitable": invitable,
                "create_timestamp": now,
            },
        }
        self.channels[thread_id] = thread
        self.threads[thread_id] = thread
        if message_id is not None and message_id in self.messages:
            self.messages[message_id]["thread"] = copy.deepcopy(thread)
        member = {"id": str(thread_id), "user_id": str(owner_id), "join_timestamp": now, "flags": 0}
        return {**copy.deepcopy(thread), "member": member}

    # permissions

    def base_permissions(self, user_id: int) -> int:
        """Guild-level permissions of a member (@everyone plus their roles)."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members.get(user_id)
        if member is None:
            return 0
        perms = int(self.roles[self.guild_id]["permissions"])
        for role_id in member["roles"]:
            perms |= int(self.roles[int(role_id)]["permissions"])
        return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms

    def permissions_in(self, user_id: int, channel_id: int) -> int:
        """A member's permissions in a channel (threads use their parent's overwrites)."""
        perms = self.base_permissions(user_id)
        if perms == ALL_PERMISSIONS:
            return perms
        channel = self.channels[channel_id]
        if channel["type"] in THREAD_TYPES:
            channel = self.channels[int(channel["parent_id"])]
        overwrites = {int(o["id"]): o for o in channel.get("permission_overwrites", [])}
        everyone = overwrites.get(self.guild_id)
        if everyone:
            perms = (perms & ~int(everyone["deny"])) | int(everyone["allow"])
        allow = deny = 0
        for role_id in self.members.get(user_id, {}).get("roles", []):
            overwrite = overwrites.get(int(role_id))
            if overwrite:
                allow |= int(overwrite["allow"])
                deny |= int(overwrite["deny"])
        perms = (perms & ~deny) | allow
        own = overwrites.get(user_id)
        if own and own["type"] == 1:
            perms = (perms & ~int(own["deny"])) | int(own["allow"])
        return perms if perms & VIEW_CHANNEL else 0

    def set_overwrite(self, channel_id: int, target_id: int, allow: int, deny: int) -> None:
        """Set a channel permission overwrite for a role or member id."""
        channel = self.channels[channel_id]
        kind = 0 if target_id in self.roles else 1
        overwrites = [o for o in channel["permission_overwrites"] if int(o["id"]) != target_id]
        overwrites.append(
            {"id": str(target_id), "type": kind, "allow": str(allow), "deny": str(deny)}
        )
        channel["permission_overwrites"] = overwrites

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
            member["permissions"] = str(self.permissions_in(user_id, channel_id))
        return member

    def channel(self, channel_id: int) -> dict[str, Any]:
        """A channel (or thread) object."""
        return copy.deepcopy(self.channels[channel_id])

    def guild(self) -> dict[str, Any]:
        """The full guild object sent in GUILD_CREATE."""
        channels = [c for c in self.channels.values() if c["type"] not in THREAD_TYPES]
        threads = [t for t in self.threads.values() if not t["thread_metadata"]["archived"]]
        return {
            "id": str(self.guild_id),
            "name": self.guild_name,
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

    # messages

    def _mentions(
        self, content: str, allowed: Mapping[str, Any] | None, can_everyone: bool
    ) -> tuple[list[dict[str, Any]], list[str], bool]:
        parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse", []))
        users_allowed = set((allowed or {}).get("users") or [])
        roles_allowed = set((allowed or {}).get("roles") or [])
        users = [
            {**self.user(int(uid)), "member": self.member(int(uid), with_user=False)}
            for uid in dict.fromkeys(USER_MENTION.findall(content))
            if int(uid) in self.members and ("users" in parse or uid in users_allowed)
        ]
        roles = [
            rid
            for rid in dict.fromkeys(ROLE_MENTION.findall(content))
            if int(rid) in self.roles and ("roles" in parse or rid in roles_allowed)
        ]
        everyone = (
            ("@everyone" in content or "@here" in content) and "everyone" in parse and can_everyone
        )
        return users, roles, everyone

    def _attachments(
        self, body: Mapping[str, Any], files: list[dict[str, Any]], channel_id: int
    ) -> list[dict[str, Any]]:
        described = {str(a.get("id")): a for a in body.get("attachments") or []}
        result = []
        for index, file in enumerate(files):
            attachment_id = self.next_id()
            meta = described.get(str(index), {})
            filename = meta.get("filename") or file["filename"]
            url = f"https://cdn.sandbox.invalid/attachments/{channel_id}/{attachment_id}/{filename}"
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

    def _apply_body(
        self, message: dict[str, Any], body: Mapping[str, Any], files: list[dict[str, Any]]
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
            message["attachments"] = kept + self._attachments(
                body, files, int(message["channel_id"])
            )
        if "flags" in body and body["flags"] is not None:
            keep = int(message.get("flags", 0)) & ~FLAG_LOADING
            message["flags"] = keep | (int(body["flags"]) & ~FLAG_LOADING)
        can_everyone = bool(
            self.permissions_in(self.bot_id, int(message["channel_id"])) & MENTION_EVERYONE
        )
        allowed = body.get("allowed_mentions")
        users, roles, everyone = self._mentions(message["content"] or "", allowed, can_everyone)
        message.update(mentions=users, mention_roles=roles, mention_everyone=everyone)

    def create_message(
        self,
        channel_id: int,
        body: Mapping[str, Any],
        *,
        author_id: int | None = None,
        files: list[dict[str, Any]] | None = None,
        type_: int = 0,
        flags: int = 0,
        extra: Mapping[str, Any] | None = None,
        visible: bool = True,
    ) -> dict[str, Any]:
        """Store a new message; visible ones are also listed in channel_messages."""
        message_id = self.next_id()
        channel = self.channels[channel_id]
        message: dict[str, Any] = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "guild_id": str(self.guild_id),
            "author": self.user(author_id or self.bot_id),
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
            message["type"] = 19 if type_ == 0 else type_
        message.update(extra or {})
        self._apply_body(message, body, files or [])
        message["flags"] = flags | (message["flags"] & ~FLAG_LOADING)
        self.messages[message_id] = message
        self.touch(message_id)
        if visible:
            self.channel_messages[channel_id].append(message)
            channel["last_message_id"] = str(message_id)
            if channel["type"] in THREAD_TYPES:
                channel["message_count"] += 1
                channel["total_message_sent"] += 1
        return message

    def edit_message(
        self, message_id: int, body: Mapping[str, Any], files: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        """Apply an edit body to a stored message and return it."""
        message = self.messages[message_id]
        self._apply_body(message, body, files or [])
        message["flags"] = int(message.get("flags", 0)) & ~FLAG_LOADING
        message["edited_timestamp"] = snowflake_time(self.next_id())
        self.touch(message_id)
        return message

    def delete_message(self, message_id: int) -> dict[str, Any]:
        """Remove a message from the store and its channel list."""
        message = self.messages.pop(message_id)
        listing = self.channel_messages[int(message["channel_id"])]
        listing[:] = [m for m in listing if m["id"] != message["id"]]
        self.deleted_messages.append(message)
        return message


def _str(value: int | None) -> str | None:
    return None if value is None else str(value)
