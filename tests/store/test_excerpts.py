"""Each reading's daily-excerpt sequence, and the walk through the library's readings."""

from __future__ import annotations

from pathlib import Path

from bot.store import Store
from bot.store.answers import START
from bot.store.loader import load_library

GUILD = 1


async def test_excerpts_follow_the_reading_and_wrap_around(store: Store, data_dir: Path) -> None:
    passages = [p for r in load_library(data_dir).readings for p in r.passages]
    walked = await store.next_excerpts(GUILD, "passages", START, True, len(passages) + 2)
    assert [placed.excerpt.text for placed in walked] == [
        p.text for p in [*passages, *passages[:2]]
    ]
    assert [placed.excerpt.number for placed in walked] == [
        *range(1, len(passages) + 1),
        1,
        2,
    ]
    assert [placed.excerpt.is_last for placed in walked].count(True) == 1
    assert walked[len(passages) - 1].excerpt.is_last
    assert [placed.place.item for placed in walked[:3]] == [p.id for p in passages[:3]]


async def test_a_walk_that_stops_ends_with_the_last_reading(store: Store) -> None:
    walked = await store.next_excerpts(GUILD, "passages", START, False, 10_000)
    assert walked[-1].excerpt.is_last
    assert await store.next_excerpts(GUILD, "passages", walked[-1].following, False) == []


async def test_quote_excerpts_span_every_reading_in_order(two_readings: Store) -> None:
    readings = sorted((await two_readings.read_library()).readings, key=lambda r: r.id)
    quotes = [(r.title, q) for r in readings for q in r.quotes]
    walked = await two_readings.next_excerpts(GUILD, "quotes", START, False, 10_000)
    assert [(p.excerpt.reading, p.excerpt.quote.quote) for p in walked] == quotes
