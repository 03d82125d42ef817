"""What members and the bot may do, checked in the bot and not only by Discord; and the one
table of the permissions the bot's features use (the invite link is made from it)."""

from __future__ import annotations

from dataclasses import dataclass

import discord
from discord import app_commands

from bot.store.errors import UserError

LOOKUPS, EXCERPTS, MODERATORS = "lookups", "daily excerpts", "moderators"


@dataclass(frozen=True, slots=True)
class Need:
    """A permission a feature uses: the bot's own, or a member's (for moderator commands)."""

    flag: str  # the attribute of discord.Permissions
    name: str  # as Discord's settings name it
    why: str
    feature: str
    member: bool = False
    only: str = ""  # when it is needed only sometimes: said with it wherever it is missing


NEEDS = (
    Need("embed_links", "Embed Links", "answers and excerpts as pages (else plain text)", LOOKUPS),
    Need("view_channel", "View Channel", "see the channel daily excerpts go to", EXCERPTS),
    Need("send_messages", "Send Messages", "post the daily excerpt", EXCERPTS),
    Need("create_public_threads", "Create Public Threads", "open a thread on an excerpt", EXCERPTS),
    Need(
        "read_message_history",
        "Read Message History",
        "after a crash, find an excerpt that went out before sending it again",
        EXCERPTS,
    ),
    Need(
        "mention_everyone",
        "Mention All Roles",
        "ping a role a moderator chose that is not mentionable",
        EXCERPTS,
        only="to ping a role that is not mentionable",
    ),
    Need(
        "manage_guild",
        "Manage Server",
        "members who may manage excerpts and the syllabus",
        MODERATORS,
        True,
    ),
)
_BY_FLAG = {need.flag: need for need in NEEDS}


def named(flag: str) -> str:
    """A permission as Discord's settings name it, with when it is needed if only sometimes."""
    need = _BY_FLAG[flag]
    return f"{need.name} ({need.only})" if need.only else need.name


def bot_permissions(features: tuple[str, ...] = (LOOKUPS, EXCERPTS)) -> discord.Permissions:
    """The permissions the bot always needs for `features`: what its invite link asks for
    (one needed only sometimes, as Mention All Roles, is granted in the server if so)."""
    flags = {n.flag: True for n in NEEDS if n.feature in features and not (n.member or n.only)}
    return discord.Permissions(**flags)


class NotModeratorError(app_commands.CheckFailure):
    def __init__(self, managing: str = "excerpts") -> None:
        super().__init__(f"Only members with the Manage Server permission can manage {managing}.")


def require_moderator(interaction: discord.Interaction, managing: str = "excerpts") -> bool:
    """Discord hides moderator commands from other members; the bot checks again."""
    if interaction.guild is None or not interaction.permissions.manage_guild:
        raise NotModeratorError(managing)
    return True


class ModeratorsOnly:
    """A cog mix-in: every command of the cog checks the member's Manage Server in the bot,
    whatever Discord's command permissions say. `managing` names what they manage."""

    managing = "excerpts"

    def interaction_check(self, interaction: discord.Interaction) -> bool:
        return require_moderator(interaction, self.managing)


def guild_of(interaction: discord.Interaction) -> int:
    """The id of the guild a moderator command came from (require_moderator ensures one)."""
    if interaction.guild_id is None:
        raise NotModeratorError
    return interaction.guild_id


def missing_permissions(
    channel: discord.abc.GuildChannel | None,
    me: discord.Member,
    *,
    thread: bool,
    role: discord.Role | None,
) -> str:
    """What the bot lacks to post excerpts in `channel`, in words; empty when nothing."""
    if not isinstance(channel, discord.TextChannel):
        return "a text channel I can see"
    return _lacking(channel.permissions_for(me), bot=True, thread=thread, role=role)


def member_missing_permissions(
    channel: discord.TextChannel, member: discord.Member, *, thread: bool, role: discord.Role | None
) -> str:
    """What a moderator lacks to do themselves what they ask the bot to do in `channel`."""
    return _lacking(channel.permissions_for(member), bot=False, thread=thread, role=role)


def _lacking(
    permissions: discord.Permissions, *, bot: bool, thread: bool, role: discord.Role | None
) -> str:
    """What these permissions lack to post (a thread, a ping of `role`; the bot's with embeds,
    and reading back what it posted), in words. Without View Channel and Send Messages Discord
    denies the rest too: only those are named."""
    needed = {"view_channel": True, "send_messages": True}
    if permissions.view_channel and permissions.send_messages:
        needed |= {
            "embed_links": bot,
            "read_message_history": bot,
            "create_public_threads": thread,
            "mention_everyone": role is not None and not role.mentionable,
        }
    lacking = [named(f) for f, wanted in needed.items() if wanted and not getattr(permissions, f)]
    return ", ".join(lacking)


def require_postable(
    interaction: discord.Interaction,
    channel_id: int | None,
    *,
    thread: bool,
    role: discord.Role | None,
) -> int:
    """The channel's id, or a refusal naming what the bot, or the moderator asking, lacks to
    post excerpts there: the bot does for no one what they could not do themselves."""
    guild = interaction.guild
    if guild is None or channel_id is None:
        raise UserError("Daily excerpts are posted in a channel of a server.")
    channel = guild.get_channel(channel_id)
    missing = missing_permissions(channel, guild.me, thread=thread, role=role)
    if missing:
        raise UserError(f"I can't post in <#{channel_id}>: I need {missing} there.")
    assert isinstance(channel, discord.TextChannel)  # missing_permissions said so
    member = interaction.user
    if not isinstance(member, discord.Member):
        raise UserError("Daily excerpts are posted in a channel of a server.")
    yours = member_missing_permissions(channel, member, thread=thread, role=role)
    if yours:
        raise UserError(
            f"You can't post in <#{channel_id}> yourself, so I won't for you: "
            f"you need {yours} there."
        )
    return channel_id
