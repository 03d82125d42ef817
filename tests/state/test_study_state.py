"""The study tools' state on both databases (SQLite and PostgreSQL), the content in the store's
own file: quizzes, review decks, reminders, notes and forgetting behave the same on each."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.state_db import StateDB
from bot.store.syllabi import Syllabi
from bot.study import Study
from bot.study.quiz import NotYoursError
from tests.conftest import DATA_DIR, READING_ID, library_copy

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
GUILD, MEMBER, OTHER = 7, 1001, 1002


@pytest.fixture
async def study(tmp_path: Path, state: StateDB) -> AsyncIterator[Study]:
    async with await Store.open(tmp_path / "content.db", DATA_DIR) as store:
        yield Study(store, rng=random.Random(4), fuzz=False, state=state)


async def test_a_quiz_is_answered_once_and_scored(study: Study) -> None:
    asked = await study.ask(GUILD, MEMBER, "", "concept", NOW)
    right = asked.question.answer
    with pytest.raises(NotYoursError):
        await study.answer(asked.number, GUILD, OTHER, right, NOW)
    answered = await study.answer(asked.number, GUILD, MEMBER, right, NOW)
    assert answered.correct
    assert (answered.score.answered, answered.score.streak, answered.score.best_streak) == (1, 1, 1)
    again = await study.answer(asked.number, GUILD, MEMBER, (right + 1) % 2, NOW)
    assert not again.first_time
    assert again.score.answered == 1
    wrong = await study.ask(GUILD, MEMBER, "", "concept", NOW)
    missed = await study.answer(
        wrong.number, GUILD, MEMBER, (wrong.question.answer + 1) % len(wrong.question.options), NOW
    )
    assert (missed.score.correct, missed.score.streak, missed.score.best_streak) == (1, 0, 1)
    assert await study.board(GUILD) == []
    await study.join_board(GUILD, MEMBER, True)
    (top,) = await study.board(GUILD)
    assert (top.member_id, top.correct, top.answered) == (MEMBER, 1, 2)


async def test_a_deck_deals_rates_once_and_counts(study: Study) -> None:
    dealt = (await study.next_card(GUILD, MEMBER, NOW)).card
    assert dealt is not None
    assert dealt.new
    rated = await study.rate(dealt.number, GUILD, MEMBER, 0, "good", NOW)
    assert rated.first_time
    assert rated.next_due > NOW
    twice = await study.rate(dealt.number, GUILD, MEMBER, 0, "easy", NOW)
    assert not twice.first_time
    assert twice.next_due == rated.next_due
    assert await study.add_card(GUILD, MEMBER, READING_ID, "quote", "yeo-shared-norms", NOW)
    assert not await study.add_card(GUILD, MEMBER, READING_ID, "quote", "yeo-shared-norms", NOW)
    stats = await study.deck_stats(GUILD, MEMBER, NOW)
    assert (stats.total, stats.due_today) == (2, 2)  # the first is due again in minutes


async def test_a_reminder_is_claimed_once_a_day(study: Study) -> None:
    reminder = await study.remind(GUILD, MEMBER, "09:00", "UTC", NOW)
    later = NOW + timedelta(days=1)
    (due,) = await study.due_reminders(later)
    assert due == reminder
    assert await study.claim_reminder(due, later)
    assert not await study.claim_reminder(due, later)
    assert await study.due_reminders(later) == []
    assert await study.remind_off(GUILD, MEMBER)


async def test_notes_are_kept_once_and_forgetting_leaves_nothing(study: Study) -> None:
    _, saved = await study.save_note(GUILD, MEMBER, "Civil society", "a page", NOW)
    _, again = await study.save_note(GUILD, MEMBER, "Civil society", "a page", NOW)
    assert (saved, again) == (True, False)
    await study.save_note(GUILD, OTHER, "Civil society", "a page", NOW)
    await study.ask(GUILD, MEMBER, "", None, NOW)
    await study.next_card(GUILD, MEMBER, NOW)
    await study.remind(GUILD, MEMBER, "09:00", "UTC", NOW)
    held = await study.held(GUILD, MEMBER)
    assert all(held[table] >= 1 for table in held if table != "quiz_scores")
    deleted = await study.forget(GUILD, MEMBER)
    assert deleted == held
    assert not any((await study.held(GUILD, MEMBER)).values())
    assert len((await study.notes(GUILD, OTHER)).notes) == 1


async def test_two_clicks_at_once_count_once(study: Study) -> None:
    asked = await study.ask(GUILD, MEMBER, "", "concept", NOW)
    right = asked.question.answer
    both = await asyncio.gather(
        *(study.answer(asked.number, GUILD, MEMBER, right, NOW) for _ in range(2))
    )
    assert sorted(a.first_time for a in both) == [False, True]
    assert (await study.score(GUILD, MEMBER)).answered == 1


async def test_two_moderators_adding_at_once_keep_both_readings(
    tmp_path: Path, state: StateDB
) -> None:
    async with await Store.open(tmp_path / "library.db", library_copy(tmp_path), None) as store:
        syllabi = Syllabi(state)
        readings = [r.id for r in (await store.fresh_catalog()).current]
        await asyncio.gather(*(syllabi.add(GUILD, r, None, 1) for r in readings))
        assert sorted(await syllabi.readings(GUILD)) == sorted(readings)
