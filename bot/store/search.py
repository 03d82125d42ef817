"""Full-text search: safe FTS5 match expressions from what a person typed, bounded ranking."""

from __future__ import annotations

import aiosqlite

from bot.store.errors import NotFoundError, UserError, shown
from bot.store.normalize import words
from bot.store.rows import ReadingMeta, fetch_all
from bot.store.views import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit

SEARCH_LIMIT = 25
# Ranking every match of a very common word costs more than it tells: rank the first N.
SEARCH_CANDIDATES = 300
# More words than this add little to a study-group search and slow the query.
MAX_TOKENS = 12
# A word in more than this share of all documents (and at least COMMON_WORD_MIN of them) is
# "common": search sets it aside when the query has other words, and does not rank by it.
COMMON_WORD_SHARE = 0.1
COMMON_WORD_MIN = 3000


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def match_all(tokens: list[str]) -> str:
    """Every word must occur (FTS5 implicit AND); each word quoted so no syntax survives."""
    return " ".join(_quoted(t) for t in tokens[:MAX_TOKENS])


def match_any(tokens: list[str]) -> str:
    return " OR ".join(_quoted(t) for t in tokens[:MAX_TOKENS])


async def build_common_words(connection: aiosqlite.Connection) -> None:
    """Fill `common_words` from the freshly built index (inside the build's transaction)."""
    await connection.execute(
        "INSERT INTO common_words SELECT term FROM search_vocabulary "
        "WHERE doc > max(? * (SELECT count(*) FROM search_index), ?)",
        (COMMON_WORD_SHARE, COMMON_WORD_MIN),
    )


class FullTextSearch:
    """Search across concepts, quotes, passages and publications, best first."""

    def __init__(self, connection: aiosqlite.Connection, readings: dict[int, ReadingMeta]):
        self.connection = connection
        self._readings = readings
        self._common: frozenset[str] | None = None

    async def search(self, query: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
        """Ranked full-text search; all words must match, else any word may."""
        tokens = words(query)
        if not tokens:
            raise UserError("Type at least one word to search for.")
        informative = await self._informative(tokens)
        if not informative:
            hits = await self._first_matches(match_all(tokens), limit)
        else:
            hits = []
            for match in (match_all(informative), match_any(informative)):
                hits = hits or await self._search(match, limit)
        if not hits:
            raise NotFoundError(f"Nothing in the readings matches “{shown(query)}”.")
        return hits

    async def _informative(self, tokens: list[str]) -> list[str]:
        """The typed words that are not common (those rank nothing, slowly)."""
        if self._common is None:  # few, and fixed while the store is open
            rows = await fetch_all(self.connection, "SELECT term FROM common_words")
            self._common = frozenset(row[0] for row in rows)
        return [token for token in tokens if token not in self._common]

    async def _search(self, match: str, limit: int) -> list[SearchHit]:
        """Rank the first SEARCH_CANDIDATES matches, then cut snippets for the best only."""
        # FTS5 narrows its scan by `rowid <= x` when x is known before the scan, as this is.
        ranked = await fetch_all(
            self.connection,
            "SELECT rowid FROM search_index WHERE search_index MATCH ?1 AND rowid <= coalesce("
            "(SELECT rowid FROM search_index WHERE search_index MATCH ?1 LIMIT 1 OFFSET ?2), "
            "9223372036854775807) ORDER BY bm25(search_index, 4.0, 1.0) LIMIT ?3",
            (match, SEARCH_CANDIDATES - 1, limit),
        )
        return await self._hits(match, [row[0] for row in ranked])

    async def _first_matches(self, match: str, limit: int) -> list[SearchHit]:
        """For words found nearly everywhere, ranking tells nothing: the first matches."""
        rows = await fetch_all(
            self.connection,
            "SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT ?",
            (match, limit),
        )
        return await self._hits(match, [row[0] for row in rows])

    async def _hits(self, match: str, order: list[int]) -> list[SearchHit]:
        """Search hits for the given rows, in that order, with highlighted snippets."""
        if not order:
            return []
        marks = ", ".join("?" for _ in order)
        rows = await fetch_all(
            self.connection,
            "SELECT rowid, kind, title, reading, snippet(search_index, 1, ?, ?, '…', 40) "
            f"FROM search_index WHERE search_index MATCH ? AND rowid IN ({marks})",
            (HIGHLIGHT_START, HIGHLIGHT_END, match, *order),
        )
        by_row = {row[0]: row for row in rows}
        return [
            SearchHit(row[1], row[2], row[4], self._readings[row[3]].title)
            for row in (by_row[rowid] for rowid in order)
        ]
