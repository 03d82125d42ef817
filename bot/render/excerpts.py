"""Daily excerpts as Discord shows them: the post, its ping and thread, a schedule's status."""

from __future__ import annotations

import discord

from bot.limits import (
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_FOOTER_MAX,
    EMBED_TITLE_MAX,
    MESSAGE_CONTENT_MAX,
    THREAD_NAME_MAX,
)
from bot.render.lookups import quote_line
from bot.render.pages import EMBED_TOTAL_BUDGET
from bot.render.text import COLOUR, clean, clip
from bot.store.answers import Excerpt, ExcerptPreview, ManualPost, ScheduleStatus
from bot.store.errors import shown


def discussion_prompt(excerpt: Excerpt) -> str:
    """A question to open the thread, built from what the excerpt touches."""
    if excerpt.quote is not None:
        return f"Do you agree with {excerpt.quote.speaker.name}? What would you ask them?"
    if excerpt.concepts:
        return f"How does this passage shape your understanding of *{excerpt.concepts[0]}*?"
    if excerpt.speakers:
        return f"What is {excerpt.speakers[0]} arguing here, and is it convincing?"
    return "What stands out to you in this passage, and why?"


def excerpt_embed(excerpt: Excerpt, at_end: str) -> discord.Embed:
    """A daily excerpt: the passage (or quote), who is quoted, its concepts and a prompt."""
    quote = excerpt.quote
    description = quote_line(quote) if quote is not None else clean(excerpt.text)
    embed = discord.Embed(
        title=clip(excerpt.section, EMBED_TITLE_MAX),
        description=clip(description, EMBED_DESCRIPTION_MAX),
        colour=COLOUR,
    )
    if excerpt.speakers and excerpt.quote is None:
        embed.add_field(
            name="Quoted", value=clip(clean(", ".join(excerpt.speakers)), EMBED_FIELD_VALUE_MAX)
        )
    if excerpt.concepts:
        names = ", ".join(f"`/define {term}`" for term in excerpt.concepts)
        embed.add_field(name="Concepts", value=clip(names, EMBED_FIELD_VALUE_MAX), inline=False)
    embed.add_field(name="Discuss", value=discussion_prompt(excerpt), inline=False)
    footer = f"{excerpt.reading} · excerpt {excerpt.number} of {excerpt.total}"
    if excerpt.is_last:
        footer += END_NOTES[at_end]
    embed.set_footer(text=clip(footer, EMBED_FOOTER_MAX))
    over = len(embed) - EMBED_TOTAL_BUDGET
    if over > 0:
        embed.description = clip(embed.description or "", len(embed.description or "") - over)
    return embed


END_NOTES = {
    "wrap": " · That was the last excerpt: the reading starts again next time.",
    "stop": " · That was the last excerpt: the daily schedule stops here.",
}


def excerpt_mention(role_id: int | None) -> tuple[str | None, discord.AllowedMentions]:
    """The ping for a post: only the role a moderator chose, nothing else."""
    if role_id is None:
        return None, discord.AllowedMentions.none()
    return f"<@&{role_id}>", discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(role_id)]
    )


def thread_name(excerpt: Excerpt) -> str:
    return clip(f"Excerpt {excerpt.number}: {excerpt.section}", THREAD_NAME_MAX)


def skipped_text(excerpt: Excerpt) -> str:
    return f"Skipped excerpt {excerpt.number} of {excerpt.total} ({clean(excerpt.section)})."


def preview_pages(preview: ExcerptPreview) -> list[discord.Embed]:
    return [excerpt_embed(excerpt, preview.schedule.at_end) for excerpt in preview.excerpts]


def posted_text(posted: ManualPost) -> str:
    """What a moderator is told after posting an excerpt by hand."""
    excerpt = posted.excerpt
    text = f"Posted excerpt {excerpt.number} of {excerpt.total} in <#{posted.channel_id}>."
    if posted.thread_error:
        text += f" I could not open its discussion thread: {clean(shown(posted.thread_error))}"
    return clip(text, MESSAGE_CONTENT_MAX)


UNSCHEDULED_TEXT = "Daily excerpts are off. /excerpt schedule starts them again."


def schedule_embed(status: ScheduleStatus, guild: discord.Guild | None) -> discord.Embed:
    """Where, when and how far along a guild's daily excerpts are, and how the last one went;
    the channel is named as `guild` knows it."""
    schedule, coming = status.schedule, status.next
    channel = guild.get_channel(schedule.channel_id) if guild else None
    channel_name = channel.name if isinstance(channel, discord.TextChannel) else None
    state = "paused" if schedule.paused else "active"
    embed = discord.Embed(title=f"Daily excerpts · {state}", colour=COLOUR)
    where = f"<#{schedule.channel_id}>" + ("" if channel_name else " (channel not found)")
    embed.add_field(name="Channel", value=where)
    embed.add_field(name="Time", value=f"{schedule.local_time} {schedule.timezone}")
    if not schedule.paused:
        embed.add_field(
            name="Next post",
            value=f"{schedule.next_date} {schedule.local_time} {schedule.timezone}\n"
            f"<t:{schedule.next_run}:F> (<t:{schedule.next_run}:R>)",
            inline=False,
        )
    at_end = "start again" if schedule.at_end == "wrap" else "stop"
    following = (
        "the readings are finished"
        if coming is None
        else f"{schedule.source[:-1]} {coming.number} of {coming.total} of "
        f"*{clean(coming.reading)}*"
    )
    embed.add_field(
        name="Position",
        value=clip(f"next: {following} (at the end: {at_end})", EMBED_FIELD_VALUE_MAX),
        inline=False,
    )
    extras = []
    if schedule.mention_role_id:
        extras.append(f"pings <@&{schedule.mention_role_id}>")
    if schedule.open_thread:
        extras.append("opens a discussion thread")
    if extras:
        embed.add_field(name="Each post", value=", ".join(extras), inline=False)
    if schedule.paused and schedule.pause_reason:
        embed.add_field(
            name="Paused because", value=clip(clean(schedule.pause_reason), EMBED_FIELD_VALUE_MAX)
        )
    if schedule.last_result:
        last = schedule.last_result + (
            f": {clean(schedule.last_error)}" if schedule.last_error else ""
        )
        if schedule.last_run:
            last += f" (<t:{schedule.last_run}:R>)"
        embed.add_field(name="Last result", value=clip(last, EMBED_FIELD_VALUE_MAX), inline=False)
    return embed
