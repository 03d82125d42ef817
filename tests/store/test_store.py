"""The store answers from SQLite: experts, quotes, publications, overview, export, rebuilds."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.store import Store, database, sync
from bot.store.errors import NotFoundError
from bot.store.export import library_from_dict, library_to_dict
from bot.store.loader import load_library
from tests.conftest import DATA_DIR


@pytest.mark.parametrize("name", ["Hastings", "hastings", "Justin Hastings", " justin  HASTINGS "])
async def test_expert_by_surname_or_full_name(store: Store, name: str) -> None:
    entry = await store.expert(name)
    assert entry.speaker.name == "Justin Hastings"
    assert entry.speaker.affiliation == "University of Sydney"
    assert len(entry.quotes) == 7
    assert all(item.speaker.id == "hastings" for item in entry.quotes)


async def test_expert_topic_filters_quotes(store: Store) -> None:
    everything = await store.expert("Yeo")
    on_dissent = await store.expert("Yeo", "Dissent")
    assert 0 < len(on_dissent.quotes) < len(everything.quotes)
    assert all("dissent" in item.quote.topics for item in on_dissent.quotes)


async def test_expert_unknown_topic_lists_their_topics(store: Store) -> None:
    with pytest.raises(NotFoundError) as caught:
        await store.expert("Baek", "astronomy")
    assert caught.value.suggestions
    assert set(caught.value.suggestions) <= set((await store.expert("Baek")).topics)


async def test_expert_topics_are_those_of_their_quotes(store: Store) -> None:
    for reading in (await store.read_library()).readings:
        for speaker in reading.speakers:
            said = [q for q in reading.quotes if q.speaker == speaker.id]
            expected = sorted({t for q in said for t in q.topics}, key=str.casefold)
            assert list((await store.expert(speaker.name)).topics) == expected


async def test_expert_unknown_name_suggests(store: Store) -> None:
    with pytest.raises(NotFoundError) as caught:
        await store.expert("Hastigs")
    assert caught.value.suggestions == ["Justin Hastings"]


async def test_random_quote_respects_filters_and_rng(store: Store) -> None:
    picks = {
        (await store.random_quote("Hastings", "markets", random.Random(seed))).quote.id
        for seed in range(40)
    }
    hastings_on_markets = {
        item.quote.id for item in (await store.expert("Hastings", "markets")).quotes
    }
    assert picks == hastings_on_markets
    first = await store.random_quote(rng=random.Random(7))
    again = await store.random_quote(rng=random.Random(7))
    assert first == again


async def test_random_quote_reaches_every_quote_on_a_topic_and_overall(store: Store) -> None:
    quotes = [
        quote for reading in (await store.read_library()).readings for quote in reading.quotes
    ]
    on_markets = {q.id for q in quotes if "markets" in {t.casefold() for t in q.topics}}
    assert len(on_markets) > 1
    picks = {
        (await store.random_quote("", "Markets", random.Random(s))).quote.id for s in range(200)
    }
    assert picks == on_markets
    everything = {(await store.random_quote(rng=random.Random(s))).quote.id for s in range(600)}
    assert everything == {q.id for q in quotes}


async def test_random_quote_reaches_every_quote_of_several_readings(
    two_readings: Store,
) -> None:
    quotes = [(r.title, q) for r in (await two_readings.read_library()).readings for q in r.quotes]
    on_markets = {(title, q.id) for title, q in quotes if "markets" in q.topics}
    picks = [await two_readings.random_quote("", "markets", random.Random(s)) for s in range(300)]
    assert {(a.reading, a.quote.id) for a in picks} == on_markets
    picks = [await two_readings.random_quote(rng=random.Random(s)) for s in range(1500)]
    assert {(a.reading, a.quote.id) for a in picks} == {(t, q.id) for t, q in quotes}


@pytest.mark.parametrize(("speaker", "topic"), [("!!!", ""), ("", "—"), ("Hastings", "?")])
async def test_random_quote_filter_without_words_matches_nothing(
    store: Store, speaker: str, topic: str
) -> None:
    with pytest.raises(NotFoundError):
        await store.random_quote(speaker, topic, random.Random(1))


async def test_long_answers_list_the_first_and_count_all(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = await store.expert("Hastings")
    newest = await store.publications()
    monkeypatch.setattr("bot.store.experts.RESULT_LIMIT", 2)
    monkeypatch.setattr("bot.store.publications.RESULT_LIMIT", 2)
    first = await store.expert("Hastings")
    assert first.quotes == everything.quotes[:2]
    assert first.total == len(everything.quotes) == 7
    assert first.topics == everything.topics
    two = await store.publications()
    assert two.entries == newest.entries[:2]
    assert two.total == 4


async def test_random_quote_no_match(store: Store) -> None:
    with pytest.raises(NotFoundError, match="No quote by"):
        await store.random_quote("Nobody", "", random.Random(1))


async def test_publications_newest_first_and_filters(store: Store) -> None:
    everything = await store.publications()
    dates = [entry.publication.date for entry in everything.entries]
    assert len(everything.entries) == everything.total == 4
    assert dates == sorted(dates, reverse=True)
    analyses = await store.publications(kind="analysis")
    assert {e.publication.type for e in analyses.entries} == {"Analysis"}
    assert len(analyses.entries) == analyses.total == 3
    conflict = await store.publications(topic="conflict analysis & prevention")
    assert conflict.entries
    assert all("Conflict Analysis & Prevention" in e.publication.topics for e in conflict.entries)
    with pytest.raises(NotFoundError):
        await store.publications(topic="Astronomy")


async def test_suggest_word_prefixes_and_limits(store: Store) -> None:
    labels = [s.value for s in await store.suggest("term", "civ")]
    assert labels[0] == "Civil society"
    assert len(await store.suggest("term", "")) == 25
    assert [s.value for s in await store.suggest("speaker", "ha")] == ["Justin Hastings"]
    assert [s.value for s in await store.suggest("publication_type", "")] == [
        "Analysis",
        "Question and Answer",
    ]
    assert await store.suggest("term", '"*(') == await store.suggest("term", "")
    with pytest.raises(ValueError, match="unknown suggestion kind"):
        await store.suggest("nonsense", "x")


async def test_export_round_trips_the_loaded_content(store: Store) -> None:
    exported = json.loads(json.dumps(library_to_dict(await store.read_library())))
    assert library_from_dict(exported) == load_library(DATA_DIR)


async def test_overview_counts(store: Store) -> None:
    (overview,) = await store.overview()
    reading = load_library(DATA_DIR).readings[0]
    assert overview.counts == {
        "passages": len(reading.passages),
        "quotes": len(reading.quotes),
        "concepts": len(reading.concepts),
        "publications": len(reading.publications),
    }
    assert [s.name for s in overview.speakers] == [s.name for s in reading.speakers]


async def test_rebuilds_only_when_content_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "readings", data / "readings")
    db_path = tmp_path / "store.db"
    async with await Store.open(db_path, data):
        pass

    def refuse(_: Path) -> None:
        raise AssertionError("content unchanged: the store must not reload it")

    monkeypatch.setattr(sync, "load_reading", refuse)
    async with await Store.open(db_path, data) as warm:
        assert (await warm.define("civil society"))[0].concept.term == "Civil society"
    monkeypatch.undo()

    concepts = next((data / "readings").iterdir()) / "concepts.toml"
    concepts.write_text(
        concepts.read_text(encoding="utf-8").replace(
            'term = "Civil society"', 'term = "Civic life"'
        ),
        encoding="utf-8",
    )
    async with await Store.open(db_path, data) as rebuilt:
        assert (await rebuilt.define("civic life"))[0].concept.term == "Civic life"


async def test_migrations_apply_once(tmp_path: Path) -> None:
    db_path = tmp_path / "store.db"
    for _ in range(2):
        async with await Store.open(db_path, DATA_DIR) as opened:
            async with opened.connection.execute("PRAGMA user_version") as cursor:
                (version,) = await cursor.fetchone()
            assert version == database.migrations()[-1][0]


async def test_a_failed_migration_closes_its_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "migrations", lambda: [(1, "CREATE TABLE broken (")])
    before = set(threading.enumerate())
    with pytest.raises(sqlite3.OperationalError):
        await database.connect(tmp_path / "store.db")
    for thread in set(threading.enumerate()) - before:  # would keep the process from exiting
        thread.join(timeout=5)
        assert not thread.is_alive()


async def test_state_survives_reopening(tmp_path: Path) -> None:
    db_path = tmp_path / "store.db"
    async with await Store.open(db_path, DATA_DIR) as opened:
        await opened.set_state("k", "v1")
        await opened.set_state("k", "v2")
    async with await Store.open(db_path, DATA_DIR) as reopened:
        assert await reopened.get_state("k") == "v2"
        assert await reopened.get_state("missing") is None


def test_store_layer_imports_nothing_from_discord() -> None:
    code = (
        "import sys, bot.store, bot.store.scheduler, bot.store.loader, bot.store.export; "
        "sys.exit(any(m == 'discord' or m.startswith('discord.') for m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0
