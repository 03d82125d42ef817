"""Autocomplete and "did you mean": labels by whole-label prefix, then by word prefix."""

from __future__ import annotations

import difflib

import aiosqlite

from bot.store.normalize import words
from bot.store.rows import fetch_all
from bot.store.search import prefix_match
from bot.store.views import Suggestion

SUGGESTION_KINDS = frozenset(
    {"term", "speaker", "quote_topic", "publication_topic", "publication_type"}
)
# "Did you mean" compares a miss with at most this many labels sharing its first letter.
CLOSEST_CANDIDATES = 1000
# Spellings fetched per suggestion wanted, since several spellings may share one value.
SUGGESTION_SPREAD = 4


class Suggestions:
    """What autocomplete offers for each kind of option."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection

    async def suggest(self, kind: str, text: str, limit: int = 25) -> list[Suggestion]:
        """Autocomplete, one entry per value: labels starting with the text, then labels with a
        word starting with each typed word; shorter labels first."""
        if kind not in SUGGESTION_KINDS:
            raise ValueError(f"unknown suggestion kind {kind!r}")
        tokens = words(text)
        if not tokens:
            rows = await fetch_all(
                self.connection,
                "SELECT DISTINCT value AS label, value FROM suggestion_labels WHERE kind = ? "
                "ORDER BY value LIMIT ?",
                (kind, limit),
            )
            return [Suggestion(row["label"], row["value"]) for row in rows]
        wanted = limit * SUGGESTION_SPREAD
        key = text.strip().casefold()
        starting = await fetch_all(
            self.connection,
            "SELECT label, value FROM suggestion_labels WHERE kind = ? AND key >= ? AND key < ? "
            "ORDER BY key LIMIT ?",
            (kind, key, key + "\U0010ffff", wanted),
        )
        inside = []
        if len(starting) < wanted:
            inside = await fetch_all(
                self.connection,
                "SELECT label, value FROM suggestions WHERE suggestions MATCH ? AND kind = ? "
                "LIMIT ?",
                (prefix_match(tokens), kind, wanted),
            )
        best: dict[str, Suggestion] = {}
        for group in (starting, inside):
            for row in sorted(group, key=lambda row: len(row["label"])):
                best.setdefault(row["value"], Suggestion(row["label"], row["value"]))
        return list(best.values())[:limit]

    async def closest(self, kind: str, text: str, limit: int = 5) -> list[str]:
        """The nearest known values for a miss: word prefixes first, then similar spellings
        that start with the same letter."""
        found = [s.value for s in await self.suggest(kind, text, limit)]
        if not found and text.strip():
            first = text.strip()[0].casefold()
            rows = await fetch_all(
                self.connection,
                "SELECT label, value FROM suggestion_labels "
                "WHERE kind = ? AND key >= ? AND key < ? LIMIT ?",
                (kind, first, first + "\U0010ffff", CLOSEST_CANDIDATES),
            )
            by_label = {row["label"].casefold(): row["value"] for row in rows}
            close = difflib.get_close_matches(text.casefold(), by_label, n=limit, cutoff=0.6)
            found = [by_label[label] for label in close]
        return list(dict.fromkeys(found))[:limit]
