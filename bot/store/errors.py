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
