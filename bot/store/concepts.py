"""Looking up a concept: its definition with the quotes and passages that support it."""

from __future__ import annotations

from bot.store.answers import Attributed, ConceptEntry
from bot.store.codec import item_from_json
from bot.store.database import fetch_all
from bot.store.errors import NotFoundError, UserError, shown
from bot.store.models import Concept, Passage
from bot.store.normalize import term_key
from bot.store.quotes import ATTRIBUTED_JOINS, attributed_quote
from bot.store.reader import ContentReader
from bot.store.scope import Scope, in_scope

_CONCEPT, _QUOTE, _PASSAGE, _RELATED = range(4)  # the parts of a define answer

# A concept found by a lookup key, then its evidence (quotes with their speakers and sections,
# and passages) and its related concepts, each part in reading order: one round trip. Columns:
# part, row, reading, item (a related concept's id), detail (a quote's speaker, a related
# concept's term), section (a quote's).
_DEFINE_SQL = f"""
WITH found (row, reading, item) AS (
    SELECT c.rowid, c.reading, c.item FROM lookup_keys k JOIN concepts c ON c.rowid = k.target
    WHERE k.kind = 'concept' AND k.key = ? AND {{scope}}
),
evidence (reading, id) AS (
    SELECT DISTINCT f.reading, e.value FROM found f, json_each(f.item, '$.evidence') e
),
related (reading, id) AS (
    SELECT DISTINCT f.reading, r.value FROM found f, json_each(f.item, '$.related') r
)
SELECT {_CONCEPT}, f.row, f.reading, f.item, NULL, NULL FROM found f
UNION ALL
SELECT {_QUOTE}, q.rowid, q.reading, q.item, s.item, p.section FROM evidence w
    JOIN quotes q ON q.reading = w.reading AND q.id = w.id {ATTRIBUTED_JOINS}
UNION ALL
SELECT {_PASSAGE}, p.rowid, p.reading, p.item, NULL, NULL FROM evidence w
    JOIN passages p ON p.reading = w.reading AND p.id = w.id
UNION ALL
SELECT {_RELATED}, c.rowid, c.reading, c.id, c.term, NULL FROM related w
    JOIN concepts c ON c.reading = w.reading AND c.id = w.id
ORDER BY 1, 2
"""


class Concepts(ContentReader):
    """Concepts by any of their spellings, each with its evidence and related terms."""

    async def define(self, term: str, scope: Scope = None) -> list[ConceptEntry]:
        """Every concept in `scope` one of whose spellings folds to the same key as `term`."""
        key = term_key(term)
        if not key:
            raise UserError("Type a term to define, such as a concept from the reading.")
        sql = _DEFINE_SQL.replace("{scope}", in_scope("k.reading", scope))
        rows = await fetch_all(self.connection, sql, (key,))
        if not rows:
            raise NotFoundError(
                f"No concept called “{shown(term)}” in the readings.",
                await self._suggestions.closest("term", term, scope=scope),
            )
        concepts: list[tuple[int, Concept]] = []
        quotes: dict[tuple[int, str], Attributed] = {}
        passages: dict[tuple[int, str], Passage] = {}
        terms: dict[tuple[int, str], str] = {}
        for part, _, reading, item, detail, section in rows:  # see _DEFINE_SQL's columns
            if part == _CONCEPT:
                concepts.append((reading, item_from_json(Concept, item)))
            elif part == _QUOTE:
                quote = attributed_quote(item, detail, section, self._readings[reading])
                quotes[reading, quote.quote.id] = quote
            elif part == _PASSAGE:
                passage = item_from_json(Passage, item)
                passages[reading, passage.id] = passage
            else:
                terms[reading, item] = detail
        return [self._entry(reading, c, quotes, passages, terms) for reading, c in concepts]

    def _entry(
        self,
        reading_row: int,
        concept: Concept,
        quotes: dict[tuple[int, str], Attributed],
        passages: dict[tuple[int, str], Passage],
        terms: dict[tuple[int, str], str],
    ) -> ConceptEntry:
        """One concept with those of the evidence and related terms fetched that are its own."""
        reading = self._readings[reading_row]
        ids = {(reading_row, item_id) for item_id in concept.evidence}
        return ConceptEntry(
            concept=concept,
            reading=reading.title,
            reading_id=reading.id,
            section=reading.sections.get(concept.section, concept.section),
            quotes=tuple(item for i, item in quotes.items() if i in ids),
            passages=tuple(item for i, item in passages.items() if i in ids),
            related=tuple(
                terms[reading_row, r] for r in concept.related if (reading_row, r) in terms
            ),
        )
