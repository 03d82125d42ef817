"""The one place that turns store answers into Discord messages (embeds, text, choices)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import overload

import discord
from discord import app_commands
from discord.utils import escape_markdown, escape_mentions

from bot.limits import (
    AUTOCOMPLETE_CHOICES_MAX,
    CHOICE_NAME_MAX,
    CHOICE_VALUE_MAX,
    EMBED_AUTHOR_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_NAME_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_FIELDS_MAX,
    EMBED_FOOTER_MAX,
    EMBED_TITLE_MAX,
    EMBED_TOTAL_MAX,
    MESSAGE_CONTENT_MAX,
    THREAD_NAME_MAX,
)
from bot.store.answers import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Attributed,
    ConceptEntry,
    Excerpt,
    ExcerptPreview,
    ExpertEntry,
    ManualPost,
    PublicationList,
    ReadingOverview,
    ScheduleStatus,
    SearchHit,
    Suggestion,
)
from bot.store.errors import NotFoundError, UserError, shown

COLOUR = discord.Colour.from_rgb(46, 92, 138)
# A page's text stays this far below Discord's total, so that its footer always fits.
EMBED_TOTAL_BUDGET = EMBED_TOTAL_MAX - 200
FIELDS_PER_PAGE = 5  # of EMBED_FIELDS_MAX: a page a reader takes in at a glance
assert FIELDS_PER_PAGE <= EMBED_FIELDS_MAX
KIND_LABELS = {
    "concept": "Concept",
    "quote": "Quote",
    "passage": "Passage",
    "publication": "Publication",
}


# Every character or line start the two escapes below act on (a superset: a quick test).
_MAYBE_MARKUP = re.compile(r"[*`_~|\[@]|^\s*[>#-]", re.MULTILINE)


def clean(text: str) -> str:
    """Text shown as it is: markdown and mentions neutralised."""
    if not _MAYBE_MARKUP.search(text):
        return text
    return escape_mentions(escape_markdown(text))


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _quote_line(item: Attributed, with_speaker: bool = True) -> str:
    """The quote, its speaker first so no clipping can ever separate them, then its context."""
    text = f"“{clean(item.quote.text)}”"
    if with_speaker:
        text = f"**{clean(item.speaker.name)}**: {text}"
    if item.quote.context:
        text += f"\n*In context:* {clean(item.quote.context)}"
    return text


def _paginate(
    title: str,
    description: str,
    fields: Sequence[tuple[str, str]],
    footer: str,
) -> list[discord.Embed]:
    """Pages of one embed each, as many fields on a page as the limits allow."""
    pages: list[discord.Embed] = []

    def new_page() -> discord.Embed:
        embed = discord.Embed(
            title=clip(title, EMBED_TITLE_MAX),
            description=clip(description, EMBED_DESCRIPTION_MAX) if not pages else None,
            colour=COLOUR,
        )
        pages.append(embed)
        return embed

    page = new_page()
    for name, value in fields:
        name, value = clip(name, EMBED_FIELD_NAME_MAX), clip(value, EMBED_FIELD_VALUE_MAX)
        full = len(page.fields) >= FIELDS_PER_PAGE
        if full or len(page) + len(name) + len(value) > EMBED_TOTAL_BUDGET:
            page = new_page()
        page.add_field(name=name, value=value, inline=False)
    for number, embed in enumerate(pages, start=1):
        suffix = f" · page {number}/{len(pages)}" if len(pages) > 1 else ""
        embed.set_footer(text=clip(footer + suffix, EMBED_FOOTER_MAX))
    return pages


def concept_pages(entries: Sequence[ConceptEntry]) -> list[discord.Embed]:
    pages = []
    for entry in entries:
        concept = entry.concept
        description = clean(concept.definition)
        if concept.aliases:
            description += f"\n\n*Also:* {clean(', '.join(concept.aliases))}"
        fields = [("Said in the reading", _quote_line(quote)) for quote in entry.quotes]
        fields += [
            (f"From the reading · {clean(entry.section)}", clip(clean(passage.text), 1000))
            for passage in entry.passages
            if not entry.quotes
        ][:1]
        if entry.related:
            fields.append(("Related", clean(", ".join(entry.related))))
        footer = f"{entry.reading} · section: {entry.section}"
        pages += _paginate(concept.term, description, fields, footer)
    return pages


def expert_pages(entry: ExpertEntry) -> list[discord.Embed]:
    speaker = entry.speaker
    description = f"{clean(speaker.role)}, {clean(speaker.affiliation)}"
    if entry.topic:
        description += f"\n\nOn **{clean(entry.topic)}**"
    elif entry.topics:
        description += f"\n\n*Speaks on:* {clean(', '.join(entry.topics))}"
    if entry.total > len(entry.quotes):
        shown_first = f"The first {len(entry.quotes)} of {entry.total} quotes, in reading order"
        narrow = "." if entry.topic else "; pick a topic to narrow them."
        description += f"\n\n{shown_first}{narrow}"
    fields = [(item.section, _quote_line(item, with_speaker=False)) for item in entry.quotes]
    return _paginate(speaker.name, description, fields, entry.reading)


def quote_embed(item: Attributed) -> discord.Embed:
    speaker = item.speaker
    embed = discord.Embed(description=_quote_line(item, with_speaker=False), colour=COLOUR)
    embed.set_author(name=clip(f"{speaker.name} · {speaker.affiliation}", EMBED_AUTHOR_MAX))
    if item.quote.topics:
        embed.add_field(name="Topics", value=clean(", ".join(item.quote.topics)))
    embed.set_footer(text=clip(f"{item.reading} · section: {item.section}", EMBED_FOOTER_MAX))
    return embed


def publication_pages(found: PublicationList) -> list[discord.Embed]:
    fields = []
    for entry in found.entries:
        pub = entry.publication
        summary = clean(pub.summary) + (" *(our summary)*" if pub.summary_is_own else "")
        meta = f"{pub.date} · {clean(pub.type)} · {clean(', '.join(pub.topics))}"
        fields.append((pub.title, f"{meta}\n{summary}"))
    readings = sorted({entry.reading for entry in found.entries})
    description = "Newest first."
    if found.total > len(found.entries):
        description = (
            f"The {len(found.entries)} newest of {found.total}: "
            "choose a topic or type to narrow them."
        )
    return _paginate("Related publications", description, fields, " · ".join(readings))


def search_pages(query: str, hits: Sequence[SearchHit]) -> list[discord.Embed]:
    fields = []
    for hit in hits:
        snippet = clean(hit.snippet).replace(HIGHLIGHT_START, "**").replace(HIGHLIGHT_END, "**")
        fields.append((f"{KIND_LABELS.get(hit.kind, hit.kind)} · {hit.title}", snippet))
    description = f"{len(hits)} result(s) for “{clean(shown(query, 200))}”, best first."
    return _paginate("Search", description, fields, "Reading Room search")


class LazyPages(Sequence[discord.Embed]):
    """Pages made when first shown, then kept: an answer of many pages costs one to send."""

    def __init__(self, count: int, make: Callable[[int], discord.Embed]) -> None:
        self._made: dict[int, discord.Embed] = {}
        self._count = count
        self._make = make

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> discord.Embed: ...

    @overload
    def __getitem__(self, index: slice) -> list[discord.Embed]: ...

    def __getitem__(self, index: int | slice) -> discord.Embed | list[discord.Embed]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if not -self._count <= index < self._count:
            raise IndexError(index)
        index %= self._count
        if index not in self._made:
            self._made[index] = self._make(index)
        return self._made[index]


# An overview's description is clipped to this, so that each reading fits on one page.
OVERVIEW_EMBED_DESCRIPTION_MAX = 1000


def overview_pages(overviews: Sequence[ReadingOverview]) -> LazyPages:
    """One page per reading, each made when it is first shown."""
    return LazyPages(len(overviews), lambda index: _overview_page(overviews, index))


def _overview_page(overviews: Sequence[ReadingOverview], index: int) -> discord.Embed:
    reading = overviews[index]
    provenance = " · ".join(p for p in (reading.publisher, reading.author, reading.date) if p)
    description = clean(provenance) + (f"\n{reading.url}" if reading.url else "")
    counts = ", ".join(f"{n} {kind}" for kind, n in reading.counts.items())
    fields = [
        ("Sections", clean("\n".join(s.title for s in reading.sections))),
        (
            "Speakers",
            "\n".join(
                f"**{clean(s.name)}**, {clean(s.role)}, {clean(s.affiliation)}"
                for s in reading.speakers
            ),
        ),
        ("In the store", counts),
    ]
    (page,) = _paginate(
        reading.title,
        clip(description, OVERVIEW_EMBED_DESCRIPTION_MAX),
        fields,
        f"reading id: {reading.id}"
        + (f" · reading {index + 1} of {len(overviews)}" if len(overviews) > 1 else ""),
    )
    return page


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
    description = _quote_line(quote) if quote is not None else clean(excerpt.text)
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
    schedule, total = status.schedule, status.total
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
    number = schedule.position % total + 1 if total else 0
    embed.add_field(
        name="Position",
        value=f"next: {schedule.source[:-1]} {number} of {total} "
        f"(at the end: {'start again' if schedule.at_end == 'wrap' else 'stop'})",
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


def embed_text(embed: discord.Embed) -> str:
    """The same page as plain message text, for channels where the bot may not embed."""
    parts = [f"**{embed.title}**" if embed.title else "", embed.description or ""]
    if embed.author.name:
        parts.insert(0, embed.author.name)
    parts += [f"**{field.name}**\n{field.value}" for field in embed.fields]
    if embed.footer.text:
        parts.append(f"*{embed.footer.text}*")
    return clip("\n\n".join(part for part in parts if part), MESSAGE_CONTENT_MAX)


def help_embed(commands: Iterable[tuple[str, str]]) -> discord.Embed:
    lines = [f"`/{name}` — {description}" for name, description in commands]
    return discord.Embed(title="Reading Room", description="\n".join(lines), colour=COLOUR)


def choices(suggestions: Iterable[Suggestion]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices, the matching spelling shown when it differs from the value."""
    shown = []
    for suggestion in list(suggestions)[:AUTOCOMPLETE_CHOICES_MAX]:
        label = suggestion.value
        if suggestion.label.casefold() not in suggestion.value.casefold():
            label = f"{suggestion.value} ({suggestion.label})"
        shown.append(
            app_commands.Choice(
                name=clip(label, CHOICE_NAME_MAX), value=clip(suggestion.value, CHOICE_VALUE_MAX)
            )
        )
    return shown


def user_error_text(error: UserError) -> str:
    text = clean(str(error))
    if isinstance(error, NotFoundError) and error.suggestions:
        text += "\nDid you mean: " + ", ".join(f"**{clean(s)}**" for s in error.suggestions)
    return clip(text, MESSAGE_CONTENT_MAX)


def refusal_text(error: Exception) -> str:
    """A check that refused the command (discord.py's own text), shown as it is."""
    return clip(clean(str(error)), MESSAGE_CONTENT_MAX)


def unexpected_error_text(code: str) -> str:
    return f"Something went wrong on our side (error code `{code}`). Please try again."


def shared_by_text(user: discord.abc.User) -> str:
    return f"Shared by {user.mention}"
