"""Full-text search: ranking, snippets, common words set aside, any input safe."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Store, search
from bot.store.answers import HIGHLIGHT_END, HIGHLIGHT_START
from bot.store.database import fetch_all
from bot.store.errors import UserError


@pytest.mark.parametrize(
    ("query", "kind", "title"),
    [
        ("semi-autonomous public sphere", "concept", "Semi-autonomous public sphere"),
        ("chasing control", "concept", "Chasing control"),
        ("troops Russia Ukraine", "publication", None),
    ],
)
async def test_search_ranks_the_best_match_first(
    store: Store, query: str, kind: str, title: str | None
) -> None:
    hits = await store.search(query)
    assert hits[0].kind == kind
    if title:
        assert hits[0].title == title


async def test_search_highlights_matched_words(store: Store) -> None:
    hits = await store.search("addicted")
    quote = next(hit for hit in hits if hit.kind == "quote")
    assert quote.title == "Justin Hastings"
    assert f"{HIGHLIGHT_START}addicted{HIGHLIGHT_END}" in quote.snippet


async def test_search_falls_back_to_any_word(store: Store) -> None:
    """No item has both words: the items with either are found, as if the other were not typed."""
    famine = await store.search("famine")
    assert await store.search("famine zzzunknownzzz") == famine
    assert all(f"{HIGHLIGHT_START}famine" in hit.snippet.casefold() for hit in famine)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        'NEAR("a" "b")',
        "civil*",
        "AND OR NOT",
        "title:markets",
        "^markets",
        "'; DROP TABLE quotes; --",
        "market\x00s",
        "@everyone **bold** `code`",
        "北朝鮮 市場",
        "🙂🙂🙂",
        "x" * 1000,
        "{col1 col2}: word",
    ],
)
async def test_search_is_safe_for_any_input(store: Store, query: str) -> None:
    try:
        hits = await store.search(query)
    except UserError as error:
        message = str(error)
    else:
        message = ""
        assert all(hit.snippet for hit in hits)
    assert len(message) < 200
    assert (await store.search("markets"))[0]


async def test_search_shows_the_best_ranked_rows_with_their_snippets(store: Store) -> None:
    """The one-statement search returns the best-scored matches, in order, as ranking every
    match in Python would (the store holds fewer matches than SEARCH_CANDIDATES)."""
    title_weight, body_weight = search.RANK_WEIGHTS
    scored = await fetch_all(
        store.connection,
        f"SELECT kind, title, bm25(search_index, {title_weight}, {body_weight}) "
        "FROM search_index WHERE search_index MATCH 'market'",
    )
    assert 25 < len(scored) < search.SEARCH_CANDIDATES
    best = sorted(scored, key=lambda row: row[2])[:25]
    hits = await store.search("market")
    assert [(h.kind, h.title) for h in hits] == [(kind, title) for kind, title, _ in best]
    for hit in hits:  # the match is marked in the snippet, or it is in the title
        marked = [part.split(HIGHLIGHT_END)[0] for part in hit.snippet.split(HIGHLIGHT_START)[1:]]
        assert marked or "market" in hit.title.casefold(), hit
        assert all(word.casefold().startswith("market") for word in marked), hit.snippet


async def test_search_ranks_only_the_first_candidates(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    match = search.match_all(["market"])
    first = await fetch_all(
        store.connection,
        "SELECT title FROM search_index WHERE search_index MATCH ? LIMIT 3",
        (match,),
    )
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 3)
    hits = await store.search("market")
    assert sorted(hit.title for hit in hits) == sorted(row[0] for row in first)


@pytest.fixture
async def common_store(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Store]:
    """The real data with lower thresholds, so that its most frequent words are common."""
    monkeypatch.setattr(search, "COMMON_WORD_SHARE", 0.2)
    monkeypatch.setattr(search, "COMMON_WORD_MIN", 1)
    async with await Store.open(tmp_path / "store.db", data_dir) as opened:
        yield opened


async def test_common_words_hold_common_stems_and_their_typed_forms(common_store: Store) -> None:
    rows = await fetch_all(common_store.connection, "SELECT term FROM common_words")
    common = {row[0] for row in rows}
    assert {"regim", "societi", "market"} <= common  # stems, as the index holds them
    assert {"regime", "society", "societies", "markets", "marketization"} <= common  # as typed
    assert not {"famine", "smuggling", "trust"} & common


async def test_search_sets_common_words_aside(common_store: Store) -> None:
    assert await common_store.search("societies famine") == await common_store.search("famine")
    only_common = await common_store.search("the society")
    assert only_common
    assert all(HIGHLIGHT_START in hit.snippet for hit in only_common)


async def test_typed_forms_are_stemmed_by_the_search_index_tokenizer(store: Store) -> None:
    rows = await fetch_all(
        store.connection, "SELECT sql FROM sqlite_master WHERE name = 'search_index'"
    )
    assert search.TOKENIZER in rows[0][0]
