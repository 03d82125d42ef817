"""The daily-excerpt sequence: every passage, or every quote, of the readings in order."""

from __future__ import annotations

from pathlib import Path

from bot.store import Store
from bot.store.loader import load_library


async def test_excerpts_follow_the_reading_and_wrap_around(store: Store, data_dir: Path) -> None:
    passages = [p for r in load_library(data_dir).readings for p in r.passages]
    assert await store.excerpt_count("passages") == len(passages)
    for position in range(len(passages) + 2):
        excerpt = await store.excerpt_at("passages", position)
        assert excerpt is not None
        assert excerpt.text == passages[position % len(passages)].text
        assert excerpt.number == position % len(passages) + 1


async def test_quote_excerpts_span_every_reading_in_order(two_readings: Store) -> None:
    readings = (await two_readings.read_library()).readings
    quotes = [(r.title, q) for r in readings for q in r.quotes]
    assert await two_readings.excerpt_count("quotes") == len(quotes)
    for position, (title, quote) in enumerate(quotes):
        excerpt = await two_readings.excerpt_at("quotes", position)
        assert excerpt is not None
        assert excerpt.quote is not None
        assert (excerpt.reading, excerpt.quote.quote) == (title, quote)
