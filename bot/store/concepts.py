"""Looking up a concept: its definition with the quotes and passages that support it."""

from __future__ import annotations

import json

import aiosqlite

from bot.store.errors import NotFoundError, UserError, shown
from bot.store.export import item_from_dict
from bot.store.models import Concept, Passage
from bot.store.normalize import term_key
from bot.store.rows import ATTRIBUTED_COLUMNS, ATTRIBUTED_JOINS, ReadingMeta, attributed, fetch_all
from bot.store.suggest import Suggestions
from bot.store.views import Attributed, ConceptEntry


def _pairs(keys: list[tuple[int, str]]) -> tuple[str, list[int | str]]:
    """A `WITH wanted(reading, id)` clause of (reading row, item id) keys, and its parameters."""
    values = ", ".join("(?, ?)" for _ in keys)
    return f"WITH wanted(reading, id) AS (VALUES {values})", [v for key in keys for v in key]


class Concepts:
    """Concepts by any of their spellings, each with its evidence and related terms."""

    def __init__(
        self,
        connection: aiosqlite.Connection,
        readings: dict[int, ReadingMeta],
        suggestions: Suggestions,
    ) -> None:
        self.connection = connection
        self._readings = readings
        self._suggestions = suggestions

    async def define(self, term: str) -> list[ConceptEntry]:
        """Every concept one of whose spellings folds to the same key as `term`."""
        key = term_key(term)
        if not key:
            raise UserError("Type a term to define, such as a concept from the reading.")
        rows = await fetch_all(
            self.connection,
            "SELECT c.reading, c.item FROM lookup_keys k "
            "JOIN concepts c ON c.rowid = k.target "
            "WHERE k.kind = 'concept' AND k.key = ? ORDER BY c.rowid",
            (key,),
        )
        if not rows:
            raise NotFoundError(
                f"No concept called “{shown(term)}” in the readings.",
                await self._suggestions.closest("term", term),
            )
        concepts = [
            (row["reading"], item_from_dict(Concept, json.loads(row["item"]))) for row in rows
        ]
        return await self._concept_entries(concepts)

    async def _concept_entries(self, concepts: list[tuple[int, Concept]]) -> list[ConceptEntry]:
        """Concepts with their evidence and related terms, fetched for all of them at once."""
        evidence = [(reading, item_id) for reading, c in concepts for item_id in c.evidence]
        related = [(reading, item_id) for reading, c in concepts for item_id in c.related]
        quotes: dict[tuple[int, str], Attributed] = {}
        passages: dict[tuple[int, str], Passage] = {}
        terms: dict[tuple[int, str], str] = {}
        if evidence:
            pairs, params = _pairs(evidence)
            for row in await fetch_all(
                self.connection,
                f"{pairs} SELECT {ATTRIBUTED_COLUMNS} FROM wanted w JOIN quotes q "
                f"ON q.reading = w.reading AND q.id = w.id {ATTRIBUTED_JOINS} ORDER BY q.rowid",
                params,
            ):
                item = attributed(row, self._readings)
                quotes[row["reading"], item.quote.id] = item
            for row in await fetch_all(
                self.connection,
                f"{pairs} SELECT p.reading, p.item FROM wanted w JOIN passages p "
                "ON p.reading = w.reading AND p.id = w.id ORDER BY p.rowid",
                params,
            ):
                passage = item_from_dict(Passage, json.loads(row["item"]))
                passages[row["reading"], passage.id] = passage
        if related:
            pairs, params = _pairs(related)
            for row in await fetch_all(
                self.connection,
                f"{pairs} SELECT c.reading, c.id, c.term FROM wanted w JOIN concepts c "
                "ON c.reading = w.reading AND c.id = w.id",
                params,
            ):
                terms[row["reading"], row["id"]] = row["term"]
        entries = []
        for reading_row, concept in concepts:
            reading = self._readings[reading_row]
            ids = {(reading_row, item_id) for item_id in concept.evidence}
            entries.append(
                ConceptEntry(
                    concept=concept,
                    reading=reading.title,
                    section=reading.sections.get(concept.section, concept.section),
                    quotes=tuple(item for i, item in quotes.items() if i in ids),
                    passages=tuple(item for i, item in passages.items() if i in ids),
                    related=tuple(
                        terms[reading_row, r] for r in concept.related if (reading_row, r) in terms
                    ),
                )
            )
        return entries
