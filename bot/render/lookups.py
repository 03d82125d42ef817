"""The lookup commands' answers: concepts, experts, quotes, publications, search, readings."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.limits import EMBED_AUTHOR_MAX, EMBED_FIELD_VALUE_MAX, EMBED_FOOTER_MAX
from bot.render.pages import LazyPages, ShownPages, paginate
from bot.render.text import COLOUR, clean, clip
from bot.store.answers import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Attributed,
    ConceptEntry,
    ExpertEntry,
    ExpertRole,
    PublicationList,
    ReadingOverview,
    SearchHit,
)
from bot.store.errors import shown
from bot.store.models import Speaker

KIND_LABELS = {
    "concept": "Concept",
    "quote": "Quote",
    "passage": "Passage",
    "publication": "Publication",
}


# A footer naming the readings an answer comes from is clipped to this, with room for the rest.
FOOTER_READINGS = 300


def described(speaker: Speaker) -> str:
    """A speaker's role and affiliation, as far as the article gives them."""
    return ", ".join(part for part in (speaker.role, speaker.affiliation) if part)


def quote_line(item: Attributed, with_speaker: bool = True) -> str:
    """The quote, its speaker first so no clipping can ever separate them, then its context."""
    text = f"“{clean(item.quote.text)}”"
    if with_speaker:
        text = f"**{clean(item.speaker.name)}**: {text}"
    if item.quote.context:
        text += f"\n*In context:* {clean(item.quote.context)}"
    return text


def concept_pages(entries: Sequence[ConceptEntry]) -> ShownPages:
    """Each concept's pages, each page with the entry it shows."""
    pages = ShownPages()
    for entry in entries:
        concept = entry.concept
        description = clean(concept.definition)
        if concept.aliases:
            description += f"\n\n*Also:* {clean(', '.join(concept.aliases))}"
        fields = [("Said in the reading", quote_line(quote)) for quote in entry.quotes]
        fields += [
            (f"From the reading · {clean(entry.section)}", clip(clean(passage.text), 1000))
            for passage in entry.passages
            if not entry.quotes
        ][:1]
        if entry.related:
            fields.append(("Related", clean(", ".join(entry.related))))
        footer = f"{entry.reading} · section: {entry.section}"
        pages.add(paginate(concept.term, description, fields, footer), entry)
    return pages


def expert_pages(entry: ExpertEntry) -> list[discord.Embed]:
    """One expert: how each reading describes them (once, where they all agree), then their
    quotes, each under its reading's name when there are several."""
    speaker = entry.speaker
    roles = entry.roles or (ExpertRole(entry.reading, speaker),)
    described_as = {described(role.speaker) for role in roles}
    several = len({(role.reading_id, role.reading) for role in roles}) > 1
    if len(described_as) <= 1:
        description = clean(described(speaker))
    else:
        description = "\n".join(
            f"{clean(described(role.speaker)) or '*no role given*'} (*{clean(role.reading)}*)"
            for role in roles
        )
    if entry.topic:
        description += f"\n\nOn **{clean(entry.topic)}**"
    elif entry.topics:
        description += f"\n\n*Speaks on:* {clean(', '.join(entry.topics))}"
    if entry.total > len(entry.quotes):
        shown_first = f"The first {len(entry.quotes)} of {entry.total} quotes, in reading order"
        narrow = "." if entry.topic else "; pick a topic to narrow them."
        description += f"\n\n{shown_first}{narrow}"
    fields = [
        (
            f"{item.reading} · {item.section}" if several else item.section,
            quote_line(item, with_speaker=False),
        )
        for item in entry.quotes
    ]
    footer = " · ".join(dict.fromkeys(role.reading for role in roles))
    return paginate(speaker.name, description, fields, clip(footer, FOOTER_READINGS))


def quote_embed(item: Attributed) -> discord.Embed:
    speaker = item.speaker
    embed = discord.Embed(description=quote_line(item, with_speaker=False), colour=COLOUR)
    author = " · ".join(part for part in (speaker.name, speaker.affiliation) if part)
    embed.set_author(name=clip(author, EMBED_AUTHOR_MAX))
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
    footer = clip(" · ".join(readings), FOOTER_READINGS)
    description = "Newest first."
    if found.total > len(found.entries):
        description = (
            f"The {len(found.entries)} newest of {found.total}: "
            "choose a topic or type to narrow them."
        )
    return paginate("Related publications", description, fields, footer)


def search_pages(query: str, hits: Sequence[SearchHit]) -> list[discord.Embed]:
    fields = []
    for hit in hits:
        snippet = clean(hit.snippet).replace(HIGHLIGHT_START, "**").replace(HIGHLIGHT_END, "**")
        snippet = f"{clip(snippet, EMBED_FIELD_VALUE_MAX - 260)}\n*{clean(clip(hit.reading, 250))}*"
        fields.append((f"{KIND_LABELS.get(hit.kind, hit.kind)} · {hit.title}", snippet))
    description = f"{len(hits)} result(s) for “{clean(shown(query, 200))}”, best first."
    return paginate("Search", description, fields, "Reading Room search")


# An overview's description is clipped to this, so that each reading fits on one page.
OVERVIEW_DESCRIPTION_CHARS = 1000


def overview_pages(overviews: Sequence[ReadingOverview]) -> LazyPages:
    """One page per reading, each made when it is first shown."""
    return LazyPages(len(overviews), lambda index: _overview_page(overviews, index))


def _overview_page(overviews: Sequence[ReadingOverview], index: int) -> discord.Embed:
    reading = overviews[index]
    provenance = " · ".join(p for p in (reading.publisher, reading.author, reading.date) if p)
    description = clean(provenance) + (f"\n{reading.url}" if reading.url else "")
    counts = ", ".join(f"{n} {kind}" for kind, n in reading.counts.items())
    fields = [
        (
            "Sections",
            "\n".join(
                clean(s.title) + (" *(our label)*" if s.title_is_own else "")
                for s in reading.sections
            ),
        ),
        (
            "Speakers",
            "\n".join(
                ", ".join(part for part in (f"**{clean(s.name)}**", clean(described(s))) if part)
                for s in reading.speakers
            ),
        ),
        ("In the store", counts),
    ]
    (page,) = paginate(
        reading.title,
        clip(description, OVERVIEW_DESCRIPTION_CHARS),
        fields,
        f"reading id: {reading.id}"
        + (f" · reading {index + 1} of {len(overviews)}" if len(overviews) > 1 else ""),
    )
    return page
