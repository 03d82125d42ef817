"""Defining a concept: spelling variants, evidence, related terms, did-you-mean."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import Store
from bot.store.errors import NotFoundError, UserError
from bot.store.loader import load_library


@pytest.mark.parametrize(
    ("typed", "term"),
    [
        ("civil society", "Civil society"),
        ("Civil Societies", "Civil society"),
        ("marketisation", "Marketization"),
        ("MARKETIZATION", "Marketization"),
        ("patron client networks", "Patron-client networks"),
        ("patron-client network", "Patron-client networks"),
        ("trust network", "Trust networks"),
        ("the Arduous March", "Arduous March"),
        ("semi autonomous public sphere", "Semi-autonomous public sphere"),
    ],
)
async def test_define_finds_variants(store: Store, typed: str, term: str) -> None:
    entries = await store.define(typed)
    assert [entry.concept.term for entry in entries] == [term]


async def test_define_carries_evidence_related_and_section(store: Store, data_dir: Path) -> None:
    (entry,) = await store.define("trust networks")
    assert entry.reading == "Can Markets Help Foster Civil Society in North Korea?"
    assert entry.section in {s.title for s in load_library(data_dir).readings[0].sections}
    assert entry.quotes, "trust networks is supported by quotes"
    for item in entry.quotes:
        assert item.quote.id in entry.concept.evidence
        assert item.quote.speaker == item.speaker.id
    assert "Social trust" in entry.related


async def test_define_miss_suggests_closest(store: Store) -> None:
    with pytest.raises(NotFoundError) as caught:
        await store.define("civl societi")
    assert "Civil society" in caught.value.suggestions
    assert "civl societi" in str(caught.value)


@pytest.mark.parametrize("typed", ["", "   ", "—", "!!!"])
async def test_define_without_words_is_a_user_error(store: Store, typed: str) -> None:
    with pytest.raises(UserError, match="Type a term"):
        await store.define(typed)


async def test_define_gives_each_concept_its_evidence_and_related_terms(
    store: Store, data_dir: Path
) -> None:
    for reading in load_library(data_dir).readings:
        terms = {c.id: c.term for c in reading.concepts}
        for concept in reading.concepts:
            (entry,) = [e for e in await store.define(concept.term) if e.concept == concept]
            evidence = set(concept.evidence)
            assert [i.quote for i in entry.quotes] == [
                q for q in reading.quotes if q.id in evidence
            ]
            assert list(entry.passages) == [p for p in reading.passages if p.id in evidence]
            assert list(entry.related) == [terms[r] for r in concept.related]


async def test_define_in_several_readings_keeps_each_readings_evidence(
    two_readings: Store,
) -> None:
    first, second = await two_readings.define("trust networks")
    assert second.reading == f"Again: {first.reading} (second-reading)"
    assert first.concept == second.concept
    assert [i.quote for i in first.quotes] == [i.quote for i in second.quotes]
    assert {i.reading for i in first.quotes} == {first.reading}
    assert {i.reading for i in second.quotes} == {second.reading}
    assert first.passages == second.passages
    assert first.related == second.related
