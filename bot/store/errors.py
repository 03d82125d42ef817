"""Errors whose message is meant for the person who typed the command."""

from __future__ import annotations


class UserError(Exception):
    """A problem with what the user asked for; its message is shown to them as it is."""


class NotFoundError(UserError):
    """Nothing matched; `suggestions` holds the closest names the store knows."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


def visible(text: str) -> str:
    """`text` without invisible characters (controls, direction overrides, zero-width marks),
    every run of spaces and line breaks as one space, trimmed."""
    return " ".join("".join(ch for ch in text if ch.isprintable() or ch.isspace()).split())


def shown(text: str, limit: int = 80) -> str:
    """What the user typed, on one line, without invisible characters, shortened for a message."""
    text = visible(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def elsewhere(missing: NotFoundError, readings: dict[str, None], chosen: bool) -> NotFoundError:
    """`missing`, found nowhere in the readings asked (the one `chosen` with the reading option,
    or the server's syllabus), saying which other readings of the library have it."""
    if not readings:
        return missing
    titles = ", ".join(f"“{title}”" for title in list(readings)[:3])
    more = f" and {len(readings) - 3} more" if len(readings) > 3 else ""
    where = "another reading" if chosen else "not on this server's syllabus"
    hint = f"{missing} It is in {titles}{more} ({where}): ask with the reading option."
    return NotFoundError(hint, missing.suggestions)
