"""Text as Discord shows it: user text escaped and clipped, errors, choices, plain pages."""

from __future__ import annotations

import re
from collections.abc import Iterable

import discord
from discord import app_commands
from discord.utils import escape_markdown, escape_mentions

from bot.limits import (
    AUTOCOMPLETE_CHOICES_MAX,
    CHOICE_NAME_MAX,
    CHOICE_VALUE_MAX,
    MESSAGE_CONTENT_MAX,
)
from bot.store.answers import Suggestion
from bot.store.errors import NotFoundError, UserError

COLOUR = discord.Colour.from_rgb(46, 92, 138)


# Every character or line start the two escapes below act on (a superset: a quick test).
_MAYBE_MARKUP = re.compile(r"[*`_~|\[@]|^\s*[>#-]", re.MULTILINE)


def clean(text: str) -> str:
    """Text shown as it is: markdown and mentions neutralised."""
    if not _MAYBE_MARKUP.search(text):
        return text
    return escape_mentions(escape_markdown(text))


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def embed_text(embed: discord.Embed) -> str:
    """The same page as plain message text, for channels where the bot may not embed."""
    parts = [f"**{embed.title}**" if embed.title else "", embed.description or ""]
    if embed.author.name:
        parts.insert(0, embed.author.name)
    parts += [f"**{field.name}**\n{field.value}" for field in embed.fields]
    if embed.footer.text:
        parts.append(f"*{embed.footer.text}*")
    return clip("\n\n".join(part for part in parts if part), MESSAGE_CONTENT_MAX)


def help_embed(commands: Iterable[tuple[str, str]], menus: Iterable[str] = ()) -> discord.Embed:
    lines = [f"`/{name}` — {description}" for name, description in commands]
    lines += [f"**{name}** — on a post of mine, under Apps in its menu" for name in menus]
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
