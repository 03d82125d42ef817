"""The library and a server's syllabus: what /reading lists and /syllabus shows."""

from __future__ import annotations

import discord

from bot.render.pages import paginate
from bot.render.text import COLOUR, clean, clip
from bot.store.answers import LibraryView, ReadingOverview

NO_SYLLABUS = (
    "This server has no syllabus yet: lookups answer from the whole library. "
    "Moderators add readings with `/syllabus add`."
)
SYLLABUS_FOOTER = "Lookups answer from these readings · /syllabus add, move, remove"


def _about(overview: ReadingOverview) -> str:
    provenance = " · ".join(p for p in (overview.publisher, overview.author, overview.date) if p)
    counts = ", ".join(f"{n} {kind}" for kind, n in overview.counts.items())
    return f"`{overview.id}` · {clean(provenance)}\n{counts}"


def library_pages(view: LibraryView) -> list[discord.Embed]:
    """Every reading of the library, those on this server's syllabus marked with their place."""
    places = {entry.reading: n for n, entry in enumerate(view.syllabus, start=1)}
    fields = []
    for overview in view.readings:
        place = places.get(overview.id)
        mark = f"\n**On this server's syllabus: #{place}**" if place else ""
        fields.append((clip(overview.title, 200), _about(overview) + mark))
    on = sum(1 for entry in view.syllabus if entry.overview is not None)
    description = f"{len(view.readings)} reading(s) in the library"
    description += f"; {on} on this server's syllabus." if view.syllabus else f". {NO_SYLLABUS}"
    description += "\nShow one with `/reading reading:<id>`."
    return paginate("The library", description, fields, "Reading Room library")


def syllabus_pages(view: LibraryView) -> list[discord.Embed]:
    """A server's syllabus in order; a reading out of the library is shown as skipped."""
    if not view.syllabus:
        return [discord.Embed(title="Syllabus", description=NO_SYLLABUS, colour=COLOUR)]
    fields = [
        (
            f"{n}. {clip(entry.overview.title, 200)}"
            if entry.overview
            else f"{n}. {entry.reading}",
            _about(entry.overview)
            if entry.overview
            else "Not in the library now: skipped until it is back.",
        )
        for n, entry in enumerate(view.syllabus, start=1)
    ]
    description = f"{len(view.syllabus)} reading(s), in the order daily excerpts walk them."
    return paginate("Syllabus", description, fields, SYLLABUS_FOOTER)
