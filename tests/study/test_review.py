"""Review decks over a library that changes: a reading edited by another process keeps its
cards, and a card whose item left its reading is dropped."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.store import Store
from bot.study import Study
from tests.conftest import READING_ID

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
GUILD, MEMBER = 1, 42


def edit(data: Path, old: str, new: str, count: int = 1) -> None:
    concepts = data / "readings" / READING_ID / "concepts.toml"
    text = concepts.read_text(encoding="utf-8")
    assert old in text
    concepts.write_text(text.replace(old, new, count), encoding="utf-8")


async def test_a_reading_rebuilt_by_another_process_keeps_its_cards(
    tmp_path: Path, reading_copy: Path
) -> None:
    database = tmp_path / "state.db"
    async with await Store.open(database, reading_copy) as serving:
        study = Study(serving, fuzz=False)
        dealt = (await study.next_card(GUILD, MEMBER, NOW)).card
        assert dealt is not None
        assert dealt.item == "arduous-march"
        edit(reading_copy, "devastating famine", "terrible famine")
        async with await Store.open(database, reading_copy):
            pass  # another process (a rolling deploy, say) rebuilt the edited reading
        shown = await study.card(dealt.number, GUILD, MEMBER)
        assert "terrible famine" in shown.face.back
        assert (await study.deck_stats(GUILD, MEMBER, NOW)).total == 1


async def test_a_card_whose_item_left_its_reading_is_dropped(
    tmp_path: Path, reading_copy: Path
) -> None:
    database = tmp_path / "state.db"
    async with await Store.open(database, reading_copy) as serving:
        study = Study(serving, fuzz=False)
        assert await study.add_card(GUILD, MEMBER, READING_ID, "concept", "surveillance", NOW)
        edit(reading_copy, '"surveillance"', '"watching"', count=-1)  # the concept's id changed
        report = await serving.reload()
        assert report.replaced
        found = await study.next_card(GUILD, MEMBER, NOW)
        assert found.card is not None
        assert found.card.item != "surveillance"  # a card dealt from the syllabus instead
        rows = await serving.connection.execute_fetchall(
            "SELECT item FROM review_cards WHERE member_id = ?", (MEMBER,)
        )
        assert "surveillance" not in [row[0] for row in rows]
