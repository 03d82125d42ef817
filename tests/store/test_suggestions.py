"""Autocomplete and "did you mean" over a small hand-made set of labels and over the real data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.store import Store, database
from bot.store import suggestions as suggestions_module
from bot.store.answers import Suggestion
from bot.store.suggestions import Suggestions, build_suggestions, suggestion_word_rows
from tests.conftest import DATA_DIR

# (label, kind, value): several spellings may lead to one value.
LABELS = [
    ("Civil society", "term", "Civil society"),
    ("civil societies", "term", "Civil society"),
    ("the civil society", "term", "Civil society"),
    ("Civil society in China and Vietnam", "term", "Civil society in China and Vietnam"),
    ("Building blocks of civil society", "term", "Building blocks of civil society"),
    ("Uncivil society", "term", "Uncivil society"),
    ("Civic trust", "term", "Civic trust"),
    ("Marketization", "term", "Marketization"),
    ("marketisation", "term", "Marketization"),
    ("José Martí", "speaker", "José Martí"),
    ("Martí", "speaker", "José Martí"),
    ("Celeste Arrington", "speaker", "Celeste Arrington"),
    ("Arrington", "speaker", "Celeste Arrington"),
    ("civil society", "quote_topic", "civil society"),
    ("trust", "quote_topic", "trust"),
    *((f"Topic {n:02}", "publication_topic", f"Topic {n:02}") for n in range(30)),
]


@pytest.fixture
async def suggestions(tmp_path: Path) -> AsyncIterator[Suggestions]:
    connection = await database.connect(tmp_path / "store.db")
    async with database.transaction(connection):
        await connection.executemany(
            "INSERT OR IGNORE INTO suggestion_words VALUES (?, ?, ?, ?, ?, ?)",
            suggestion_word_rows(LABELS, 1),
        )
        await build_suggestions(connection)
    yield Suggestions(connection)
    await connection.close()


async def values(suggestions: Suggestions, kind: str, text: str, limit: int = 25) -> list[str]:
    return [s.value for s in await suggestions.suggest(kind, text, limit)]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # Whole-label prefixes first, shorter first; then labels with a word starting so.
        (
            "civ",
            [
                "Civic trust",
                "Civil society",
                "Civil society in China and Vietnam",
                "Building blocks of civil society",
            ],
        ),
        (
            "civil",
            [
                "Civil society",
                "Civil society in China and Vietnam",
                "Building blocks of civil society",
            ],
        ),
        (
            "soc",
            [
                "Civil society",
                "Uncivil society",
                "Building blocks of civil society",
                "Civil society in China and Vietnam",
            ],
        ),
        # Each typed word starts some word of the label, in any order.
        (
            "so civ",
            [
                "Civil society",
                "Building blocks of civil society",
                "Civil society in China and Vietnam",
            ],
        ),
        (
            "civil so",
            [
                "Civil society",
                "Civil society in China and Vietnam",
                "Building blocks of civil society",
            ],
        ),
        ("viet china", ["Civil society in China and Vietnam"]),
        (
            "  CIVIL-Society! ",
            [
                "Civil society",
                "Civil society in China and Vietnam",
                "Building blocks of civil society",
            ],
        ),
        ("ivil", []),
        ("civil zzz", []),
    ],
)
async def test_suggest_prefixes_then_word_prefixes(
    suggestions: Suggestions, typed: str, expected: list[str]
) -> None:
    assert await values(suggestions, "term", typed) == expected


async def test_suggest_one_entry_per_value_with_its_best_label(suggestions: Suggestions) -> None:
    assert await suggestions.suggest("term", "civil societ") == [
        Suggestion("Civil society", "Civil society"),
        Suggestion("Civil society in China and Vietnam", "Civil society in China and Vietnam"),
        Suggestion("Building blocks of civil society", "Building blocks of civil society"),
    ]
    # A spelling that starts with the typed text beats a shorter one that only contains it.
    assert (await suggestions.suggest("term", "the civ"))[0] == Suggestion(
        "the civil society", "Civil society"
    )
    # Of two spellings as short, the value's own.
    for typed in ("mar", "marke", "market"):
        assert await suggestions.suggest("term", typed) == [
            Suggestion("Marketization", "Marketization")
        ]
    assert await suggestions.suggest("term", "marketis") == [
        Suggestion("marketisation", "Marketization")
    ]


@pytest.mark.parametrize("typed", ["", "   ", '"*(', "—", "!!!"])
async def test_suggest_without_words_lists_values_alphabetically(
    suggestions: Suggestions, typed: str
) -> None:
    assert await suggestions.suggest("speaker", typed) == [
        Suggestion("Celeste Arrington", "Celeste Arrington"),
        Suggestion("José Martí", "José Martí"),
    ]
    assert await values(suggestions, "publication_topic", typed, 3) == [
        "Topic 00",
        "Topic 01",
        "Topic 02",
    ]


@pytest.mark.parametrize(
    ("typed", "label"),
    [("jose", "José Martí"), ("JOSÉ m", "José Martí"), ("marti", "Martí"), ("Martí", "Martí")],
)
async def test_suggest_ignores_case_and_accents(
    suggestions: Suggestions, typed: str, label: str
) -> None:
    assert await suggestions.suggest("speaker", typed) == [Suggestion(label, "José Martí")]


async def test_suggest_keeps_kinds_apart(suggestions: Suggestions) -> None:
    assert await values(suggestions, "quote_topic", "civ") == ["civil society"]
    assert await values(suggestions, "quote_topic", "trust") == ["trust"]
    assert await values(suggestions, "publication_type", "civ") == []
    with pytest.raises(ValueError, match="unknown suggestion kind"):
        await suggestions.suggest("nonsense", "x")


@pytest.mark.parametrize("typed", ["t", "to", "top", "topi", "topic", "topic 1"])
async def test_suggest_limits(suggestions: Suggestions, typed: str) -> None:
    everything = await values(suggestions, "publication_topic", typed)
    assert everything == sorted(everything)
    assert len(everything) == (10 if typed == "topic 1" else 25)
    assert await values(suggestions, "publication_topic", typed, 4) == everything[:4]
    with pytest.raises(ValueError, match="at most 25"):
        await suggestions.suggest("publication_topic", typed, 26)


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("Civl society", "Civil society"),  # a letter dropped
        ("Civiil society", "Civil society"),  # a letter added
        ("Civel society", "Civil society"),  # a letter changed
        ("Cvil society", "Civil society"),  # two letters swapped
        ("civl societi", "Civil society"),  # a typo in each word
        ("Marketizaton", "Marketization"),
        ("marketisaton", "Marketization"),  # through another spelling of the value
        ("Narketization", "Marketization"),  # typos in the first half of the word
        ("Amrketization", "Marketization"),
        ("Marjetization", "Marketization"),  # past the second letter, before the half
        ("Markeitzation", "Marketization"),  # two letters swapped across the half
        ("Mraketization", "Marketization"),  # the second and third letters swapped
        ("the civil scoiety", "Civil society"),
    ],
)
async def test_closest_finds_one_typo(suggestions: Suggestions, typed: str, first: str) -> None:
    assert (await suggestions.closest("term", typed))[0] == first


async def test_closest_ranks_and_limits(suggestions: Suggestions) -> None:
    # Word prefixes need no correction.
    assert await suggestions.closest("term", "civ", limit=2) == ["Civic trust", "Civil society"]
    found = await suggestions.closest("term", "Civl society")
    assert found[0] == "Civil society"  # all typed words one typo away, closest spelling first
    assert set(found[1:3]) == {
        "Civil society in China and Vietnam",
        "Building blocks of civil society",
    }
    assert found[3:] == ["Uncivil society"]  # some typed words only, but spelled alike
    assert await suggestions.closest("term", "Civl society", limit=1) == ["Civil society"]
    assert await suggestions.closest("speaker", "Arington") == ["Celeste Arrington"]
    assert await suggestions.closest("speaker", "Jose Mrati") == ["José Martí"]
    assert await suggestions.closest("quote_topic", "trsut") == ["trust"]


async def test_closest_ignores_words_too_common_to_tell_labels_apart(
    suggestions: Suggestions, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "Civil society" in await suggestions.closest("term", "sciety")
    # "society" is in 5 term labels
    monkeypatch.setattr(suggestions_module, "CLOSEST_WORD_LABELS", 4)
    assert await suggestions.closest("term", "sciety") == []


@pytest.mark.parametrize("typed", ["zzzz", "ab", "Civl zzzzzzzzzzzz", "x" * 1000])
async def test_closest_offers_nothing_unlike_anything(suggestions: Suggestions, typed: str) -> None:
    assert await suggestions.closest("term", typed) == []


@pytest.mark.parametrize("typed", ["", "  ", "!!!"])
async def test_closest_without_words_offers_the_first_values(
    suggestions: Suggestions, typed: str
) -> None:
    assert await suggestions.closest("term", typed) == await values(suggestions, "term", "", 5)


@pytest.mark.parametrize(
    ("typed", "word", "near"),
    [
        ("civil", "civil", True),
        ("civl", "civil", True),
        ("civiil", "civil", True),
        ("civel", "civil", True),
        ("cvil", "civil", True),
        ("civli", "civil", True),
        ("icvil", "civil", True),
        ("civ", "civil", False),
        ("cvli", "civil", False),
        ("livic", "civil", False),
        ("xcivilx", "civil", False),
    ],
)
def test_one_typo(typed: str, word: str, near: bool) -> None:
    alphabet = set(typed + word)
    assert (word in suggestions_module.one_typo_away(typed, alphabet)) is near
    assert (typed in suggestions_module.one_typo_away(word, alphabet)) is near


def _edits(a: str, b: str) -> int:
    """Letters dropped, added or changed and neighbours swapped to turn `a` into `b`."""
    row = list(range(len(b) + 1))
    before: list[int] = []
    for i in range(1, len(a) + 1):
        current = [i]
        for j in range(1, len(b) + 1):
            cost = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, row = row, current
    return row[-1]


@given(st.text("abc", max_size=6), st.text("abc", max_size=6))
def test_one_typo_away_is_one_edit(typed: str, word: str) -> None:
    assert (word in suggestions_module.one_typo_away(typed, "abc")) is (_edits(typed, word) <= 1)


async def test_stored_answers_rank_as_the_query_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Answers to 1-3 letters are stored; answering them by query instead changes nothing."""
    async with await Store.open(tmp_path / "store.db", DATA_DIR) as store:
        connection: aiosqlite.Connection = store.connection
        rows = await connection.execute_fetchall("SELECT DISTINCT kind, word FROM suggestion_words")
        typed = {(kind, word[:length]) for kind, word in rows for length in (1, 2, 3)}
        stored = [await store.suggest(kind, text) for kind, text in sorted(typed)]
        monkeypatch.setattr(suggestions_module, "STORED_PREFIX", 0)
        assert [await store.suggest(kind, text) for kind, text in sorted(typed)] == stored
        assert len(typed) > 100
        assert all(stored)


async def test_stored_answers_are_kept_in_memory_and_bounded(
    suggestions: Suggestions, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await suggestions.suggest("term", "ci")
    await suggestions.connection.execute("DELETE FROM suggestion_prefixes")
    assert await suggestions.suggest("term", "ci") == first, "answered from memory"
    assert await suggestions.suggest("term", "ma") == [], "read anew: the table is empty now"
    monkeypatch.setattr(suggestions_module, "ANSWERS_KEPT", 2)
    await suggestions.suggest("speaker", "ar")
    await suggestions.suggest("speaker", "ma")
    assert await suggestions.suggest("term", "ci") == [], "the least recent answer was dropped"
