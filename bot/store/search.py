"""Turning what a person typed into safe FTS5 match expressions."""

from __future__ import annotations

SEARCH_LIMIT = 25
# More words than this add little to a study-group search and slow the query.
MAX_TOKENS = 12


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def match_all(tokens: list[str]) -> str:
    """Every word must occur (FTS5 implicit AND); each word quoted so no syntax survives."""
    return " ".join(_quoted(t) for t in tokens[:MAX_TOKENS])


def match_any(tokens: list[str]) -> str:
    return " OR ".join(_quoted(t) for t in tokens[:MAX_TOKENS])


def prefix_match(tokens: list[str]) -> str:
    """Each word is the start of some word of the label."""
    return " ".join(f"{_quoted(t)}*" for t in tokens[:MAX_TOKENS])
