"""Full-text search: safe FTS5 match expressions from what a person typed, bounded ranking."""

from __future__ import annotations

from collections import Counter

import aiosqlite

from bot.store.answers import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit
from bot.store.database import Queryable, fetch_all
from bot.store.errors import NotFoundError, UserError, shown
from bot.store.library import Catalog
from bot.store.normalize import words
from bot.store.scope import Scope, in_scope

SEARCH_LIMIT = 25
# Ranking every match of a very common word costs more than it tells: rank the first N.
SEARCH_CANDIDATES = 300
# More words than this add little to a study-group search and slow the query.
MAX_TOKENS = 12
# A word in more than this share of all documents (and at least COMMON_WORD_MIN of them) is
# "common": search sets it aside when the query has other words, and does not rank by it.
COMMON_WORD_SHARE = 0.1
COMMON_WORD_MIN = 3000
# The typed forms of common stems are found in this many documents, evenly spaced; a form in at
# least FORM_SHARE of them is common when its stem is.
FORM_SAMPLE = 2000
FORM_SHARE = 0.01
# How search_index (migration 0003) and the stemming of typed forms split and fold words.
TOKENIZER = "porter unicode61 remove_diacritics 2"

# bm25 weights of the index's columns (title, body): a match in a title counts four times.
RANK_WEIGHTS = (4.0, 1.0)
_HIGHLIGHT = {"start": HIGHLIGHT_START, "end": HIGHLIGHT_END}
_HIT_COLUMNS = "kind, title, reading, snippet(search_index, 1, :start, :end, '…', 40)"
# Snippets are cut for the best rows only, in one scan of the rowid range they span: asking for
# `rowid IN (...)` instead makes FTS5 evaluate the whole MATCH again for every row named.
_RANKED_SQL = f"""
WITH candidates(id, score) AS (
    SELECT rowid, bm25(search_index, {RANK_WEIGHTS[0]}, {RANK_WEIGHTS[1]}) FROM search_index
    WHERE search_index MATCH :match AND {{scope}} LIMIT :candidates
),
ranked(id, score) AS MATERIALIZED (SELECT id, score FROM candidates ORDER BY score LIMIT :limit)
SELECT {_HIT_COLUMNS} FROM search_index
WHERE search_index MATCH :match
    AND rowid BETWEEN (SELECT min(id) FROM ranked) AND (SELECT max(id) FROM ranked)
    AND +rowid IN (SELECT id FROM ranked)
ORDER BY (SELECT score FROM ranked WHERE id = search_index.rowid)
"""
_FIRST_SQL = (
    f"SELECT {_HIT_COLUMNS} FROM search_index WHERE search_index MATCH :match AND {{scope}} "
    "LIMIT :limit"
)


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def match_all(tokens: list[str]) -> str:
    """Every word must occur (FTS5 implicit AND); each word quoted so no syntax survives."""
    return " ".join(_quoted(t) for t in tokens[:MAX_TOKENS])


def match_any(tokens: list[str]) -> str:
    return " OR ".join(_quoted(t) for t in tokens[:MAX_TOKENS])


async def build_common_words(connection: aiosqlite.Connection) -> None:
    """Fill `common_words` from the freshly built index (inside the build's transaction): the
    common stems, and the frequent typed forms of each ("its" for "it"), since search checks
    the words as typed."""
    documents = (await fetch_all(connection, "SELECT count(*) FROM search_index"))[0][0]
    await connection.execute(
        "INSERT INTO common_words SELECT term FROM search_vocabulary WHERE doc > max(?, ?)",
        (COMMON_WORD_SHARE * documents, COMMON_WORD_MIN),
    )
    stems = {row[0] for row in await fetch_all(connection, "SELECT term FROM common_words")}
    if not stems:
        return
    sample = await fetch_all(
        connection,
        "WITH RECURSIVE picked (id) AS (SELECT 1 UNION ALL SELECT id + ?1 FROM picked "
        "WHERE id + ?1 <= ?2) SELECT body FROM search_index WHERE rowid IN picked",
        (max(1, documents // FORM_SAMPLE), documents),
    )
    found = Counter(form for (body,) in sample for form in set(words(body)))
    forms = [f for f, n in found.items() if n >= FORM_SHARE * len(sample) and f not in stems]
    await connection.executemany(
        "INSERT INTO common_words VALUES (?)",
        [(form,) for form, stem in (await _stems(connection, forms)).items() if stem in stems],
    )


async def _stems(connection: aiosqlite.Connection, forms: list[str]) -> dict[str, str]:
    """What the search index's tokenizer makes of each word (those it splits are left out)."""
    try:
        await connection.execute(
            f"CREATE VIRTUAL TABLE temp.stemming USING fts5 (form, tokenize = '{TOKENIZER}')"
        )
        await connection.execute(
            "CREATE VIRTUAL TABLE temp.stemmed USING fts5vocab (temp, stemming, instance)"
        )
        await connection.executemany(
            "INSERT INTO temp.stemming (rowid, form) VALUES (?, ?)", enumerate(forms)
        )
        rows = await fetch_all(
            connection, "SELECT doc, min(term) FROM temp.stemmed GROUP BY doc HAVING count(*) = 1"
        )
    finally:
        await connection.execute("DROP TABLE IF EXISTS temp.stemmed")
        await connection.execute("DROP TABLE IF EXISTS temp.stemming")
    return {forms[doc]: stem for doc, stem in rows}


class FullTextSearch:
    """Search across concepts, quotes, passages and publications, best first."""

    def __init__(self, connection: Queryable, readings: Catalog):
        self.connection = connection
        self._readings = readings
        self._common: frozenset[str] | None = None

    async def search(
        self, query: str, limit: int = SEARCH_LIMIT, scope: Scope = None
    ) -> list[SearchHit]:
        """Ranked full-text search in `scope`; all words must match, else any word may."""
        tokens = words(query)
        if not tokens:
            raise UserError("Type at least one word to search for.")
        informative = await self._informative(tokens)
        if not informative:
            hits = await self._first_matches(match_all(tokens), limit, scope)
        else:
            hits = []
            for match in (match_all(informative), match_any(informative)):
                hits = hits or await self._search(match, limit, scope)
        if not hits:
            raise NotFoundError(f"Nothing in the readings matches “{shown(query)}”.")
        return hits

    async def _informative(self, tokens: list[str]) -> list[str]:
        """The typed words that are not common (those rank nothing, slowly)."""
        if self._common is None:  # few, and fixed while the store is open
            rows = await fetch_all(self.connection, "SELECT term FROM common_words")
            self._common = frozenset(row[0] for row in rows)
        return [token for token in tokens if token not in self._common]

    async def _search(self, match: str, limit: int, scope: Scope) -> list[SearchHit]:
        """The best `limit` of the first SEARCH_CANDIDATES matches, with snippets."""
        wanted = {"match": match, "candidates": SEARCH_CANDIDATES, "limit": limit}
        sql = _RANKED_SQL.format(scope=in_scope("reading", scope))
        rows = await fetch_all(self.connection, sql, wanted | _HIGHLIGHT)
        return self._hits(rows)

    async def _first_matches(self, match: str, limit: int, scope: Scope) -> list[SearchHit]:
        """For words found nearly everywhere, ranking tells nothing: the first matches."""
        wanted = {"match": match, "limit": limit}
        sql = _FIRST_SQL.format(scope=in_scope("reading", scope))
        rows = await fetch_all(self.connection, sql, wanted | _HIGHLIGHT)
        return self._hits(rows)

    def _hits(self, rows: list[aiosqlite.Row]) -> list[SearchHit]:
        return [
            SearchHit(kind, title, snippet, self._readings[reading].title)
            for kind, title, reading, snippet in rows
        ]
