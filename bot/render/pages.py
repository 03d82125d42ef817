"""Answers as pages of one embed each: filled up to Discord's limits, or made when shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import overload

import discord

from bot.limits import (
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_NAME_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_FIELDS_MAX,
    EMBED_FOOTER_MAX,
    EMBED_TITLE_MAX,
    EMBED_TOTAL_MAX,
)
from bot.render.text import COLOUR, clip

# A page's text stays this far below Discord's total, so that its footer always fits.
EMBED_TOTAL_BUDGET = EMBED_TOTAL_MAX - 200
FIELDS_PER_PAGE = 5  # of EMBED_FIELDS_MAX: a page a reader takes in at a glance
assert FIELDS_PER_PAGE <= EMBED_FIELDS_MAX


def paginate(
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


class ShownPages(list[discord.Embed]):
    """Pages, each with the item it shows (`shows[i]` for page i): what its buttons keep."""

    def __init__(self) -> None:
        super().__init__()
        self.shows: list[object] = []

    def add(self, pages: Sequence[discord.Embed], shown: object) -> None:
        self.extend(pages)
        self.shows += [shown] * len(pages)


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
