"""What members and the bot may do, checked in the bot and not only by Discord."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.store.errors import UserError


class NotModeratorError(app_commands.CheckFailure):
    def __init__(self) -> None:
        super().__init__("Only members with the Manage Server permission can manage excerpts.")


def require_moderator(interaction: discord.Interaction) -> bool:
    """Discord hides moderator commands from other members; the bot checks again."""
    if interaction.guild is None or not interaction.permissions.manage_guild:
        raise NotModeratorError
    return True


class ModeratorsOnly:
    """A cog mix-in: every command of the cog checks the member's Manage Server in the bot,
    whatever Discord's command permissions say."""

    def interaction_check(self, interaction: discord.Interaction) -> bool:
        return require_moderator(interaction)


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
    return _lacking(channel.permissions_for(me), embeds=True, thread=thread, role=role)


def member_missing_permissions(
    channel: discord.TextChannel, member: discord.Member, *, thread: bool, role: discord.Role | None
) -> str:
    """What a moderator lacks to do themselves what they ask the bot to do in `channel`."""
    return _lacking(channel.permissions_for(member), embeds=False, thread=thread, role=role)


def _lacking(
    permissions: discord.Permissions, *, embeds: bool, thread: bool, role: discord.Role | None
) -> str:
    """What these permissions lack to post (with embeds, a thread, a ping of `role`), in words.
    Without View Channel and Send Messages Discord denies the rest too: only those are named."""
    needed = {
        "View Channel": permissions.view_channel,
        "Send Messages": permissions.send_messages,
    }
    if all(needed.values()):
        if embeds:
            needed["Embed Links"] = permissions.embed_links
        if thread:
            needed["Create Public Threads"] = permissions.create_public_threads
        if role is not None and not role.mentionable:
            needed["Mention All Roles (to ping a role that is not mentionable)"] = (
                permissions.mention_everyone
            )
    return ", ".join(name for name, granted in needed.items() if not granted)


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
