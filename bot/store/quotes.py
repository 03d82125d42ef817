"""Quotes with their attribution (speaker, section, reading), and a random one on request."""

from __future__ import annotations

import random

import aiosqlite

from bot.store.answers import Attributed
from bot.store.codec import item_from_json, speaker_from_json
from bot.store.database import fetch_all
from bot.store.errors import NotFoundError, shown
from bot.store.library import Catalog, ReadingMeta
from bot.store.models import Quote
from bot.store.normalize import topic_key, words
from bot.store.reader import ContentReader
from bot.store.scope import Scope, in_scope

# A quote `q` joined to its speaker `s` and its passage `p`: every answer that shows a quote
# shows who said it and where, from these joins.
ATTRIBUTED_JOINS = "JOIN speakers s ON s.rowid = q.speaker JOIN passages p ON p.rowid = q.passage"
ATTRIBUTED_SQL = (
    "SELECT q.item AS quote, s.item AS speaker, p.section AS section, q.reading AS reading "
    f"FROM quotes q {ATTRIBUTED_JOINS}"
)


# Conditions on quotes `q`: by the speaker with a lookup key, on the topic with a topic key.
def by_speaker(scope: Scope) -> str:
    """Quotes by a speaker in `scope` whose lookup key is `:speaker`."""
    return (
        "q.speaker IN (SELECT target FROM lookup_keys WHERE kind = 'speaker' AND key = :speaker "
        f"AND {in_scope('reading', scope)})"
    )


ON_TOPIC = (
    "EXISTS (SELECT 1 FROM topics t "
    "WHERE t.kind = 'quote' AND t.key = :topic AND t.target = q.rowid)"
)


def attributed(row: aiosqlite.Row, readings: Catalog) -> Attributed:
    """A row of ATTRIBUTED_SQL as a quote with its speaker, section and reading."""
    return attributed_quote(row["quote"], row["speaker"], row["section"], readings[row["reading"]])


def attributed_quote(quote: str, speaker: str, section: str, reading: ReadingMeta) -> Attributed:
    """A quote and its speaker from their stored JSON, with the section's and reading's titles."""
    return Attributed(
        quote=item_from_json(Quote, quote),
        speaker=speaker_from_json(speaker),
        section=reading.sections.get(section, section),
        reading=reading.title,
        reading_id=reading.id,
    )


def _chosen_quote(speaker: str, topic: str, scope: Scope) -> str:
    """SQL for the row of the quote found `:fraction` of the way through those by `speaker` or
    on `topic` in `scope`, by index lookups: a speaker's few quotes are counted, a topic's are
    numbered in each reading at build time."""
    if speaker:
        where = f"{by_speaker(scope)} AND {ON_TOPIC}" if topic else by_speaker(scope)
        return (
            f"SELECT q.rowid FROM quotes q WHERE {where} ORDER BY q.rowid LIMIT 1 OFFSET "
            f"CAST(:fraction * (SELECT count(*) FROM quotes q WHERE {where}) AS INTEGER)"
        )
    on_topic = f"kind = 'quote' AND key = :topic AND {in_scope('reading', scope)}"
    return (
        f"SELECT target FROM topics WHERE {on_topic} ORDER BY reading, position LIMIT 1 OFFSET "
        f"CAST(:fraction * (SELECT count(*) FROM topics WHERE {on_topic}) AS INTEGER)"
    )


class Quotes(ContentReader):
    """A random quote, by a speaker and on a topic when asked."""

    async def random_quote(
        self,
        speaker: str = "",
        topic: str = "",
        rng: random.Random | None = None,
        scope: Scope = None,
    ) -> Attributed:
        """A random quote in `scope`, by `speaker` (name or surname) and on `topic` when
        given."""
        speaker_key, wanted_topic = " ".join(words(speaker)), topic_key(topic)
        rows = []
        unmatchable = (speaker and not speaker_key) or (topic and not wanted_topic)  # e.g. "!!!"
        if not unmatchable:
            fraction = rng.random() if rng else random.random()
            chosen = (
                _chosen_quote(speaker_key, wanted_topic, scope)
                if speaker_key or wanted_topic
                else str(self._any_quote(fraction, scope))
            )
            rows = await fetch_all(
                self.connection,
                f"{ATTRIBUTED_SQL} WHERE q.rowid = ({chosen})",
                {"speaker": speaker_key, "topic": wanted_topic, "fraction": fraction},
            )
        if not rows:
            wanted = " and ".join(
                part
                for part in (
                    speaker and f"by “{shown(speaker)}”",
                    topic and f"on “{shown(topic)}”",
                )
                if part
            )
            suggestions = await self._suggestions.closest(
                "quote_topic" if topic else "speaker", topic or speaker, scope=scope
            )
            message = " ".join(part for part in ("No quote", wanted, "in the readings.") if part)
            raise NotFoundError(message, suggestions)
        return attributed(rows[0], self._readings)

    def _any_quote(self, fraction: float, scope: Scope) -> int:
        """The row of the quote `fraction` of the way through all those in `scope` (0 if there
        is none): each reading's quotes are numbered contiguously."""
        served = self._readings.current
        readings = served if scope is None else [self._readings[row] for row in scope]
        left = int(fraction * sum(reading.sizes["quotes"] for reading in readings))
        for reading in readings:
            if left < reading.sizes["quotes"]:
                return reading.first["quotes"] + left
            left -= reading.sizes["quotes"]
        return 0
