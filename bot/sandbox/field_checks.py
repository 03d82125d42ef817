"""Checks of single fields, shared by the message and command checks: lengths, URLs and choice
lists, each problem a "dotted.path: message" in Discord's error style."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.limits import CHOICE_NAME_MAX, CHOICE_VALUE_MAX, URL_MAX


def length_problems(path: str, value: Any, low: int, high: int) -> list[str]:
    """Problems with a string that must be `low` to `high` code points long."""
    if not isinstance(value, str):
        return [f"{path}: must be a string, got {type(value).__name__}"]
    if not low <= len(value) <= high:
        if low == 0:
            return [f"{path}: must be {high} or fewer in length (got {len(value)})"]
        return [f"{path}: must be between {low} and {high} in length (got {len(value)})"]
    return []


def optional_length_problems(path: str, value: Any, low: int, high: int) -> list[str]:
    """length_problems, for a field that may be absent (None)."""
    return [] if value is None else length_problems(path, value, low, high)


def url_problems(path: str, value: Any) -> list[str]:
    """Problems with an optional http(s) or attachment:// URL."""
    if value is None:
        return []
    if not isinstance(value, str) or not value.startswith(("http://", "https://", "attachment://")):
        return [f"{path}: not a well formed URL ({value!r})"]
    return length_problems(path, value, 1, URL_MAX)


def text(value: Any) -> str:
    """The value if it is a string, else "" (for counting characters of untrusted payloads)."""
    return value if isinstance(value, str) else ""


def choice_problems(path: str, choices: Sequence[Mapping[str, Any]], limit: int) -> list[str]:
    """Problems with a list of at most `limit` {"name", "value"} choices."""
    problems: list[str] = []
    if len(choices) > limit:
        problems.append(f"{path}: must be {limit} or fewer in length (got {len(choices)})")
    for index, choice in enumerate(choices):
        where = f"{path}.{index}"
        problems += length_problems(f"{where}.name", choice.get("name"), 1, CHOICE_NAME_MAX)
        value = choice.get("value")
        if isinstance(value, str):
            problems += length_problems(f"{where}.value", value, 0, CHOICE_VALUE_MAX)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{where}.value: must be a string, integer or number ({value!r})")
    return problems
