"""/review end to end on a fake clock: cards dealt from the syllabus, Show answer, ratings that
lengthen the interval or bring the card back, Add to review, stats, and the daily reminder by
direct message sent once per local day, across a restart."""

from __future__ import annotations

import re
from datetime import datetime

from bot.reminding import DiscordReminders
from bot.sandbox import InteractionRecord
from bot.sandbox.world import GUILD_NAME
from bot.store import Store
from bot.study import Study
from tests.conftest import DATA_DIR, ON_BOTH_BACKENDS, Sandbox

EPHEMERAL = 1 << 6
WHEN = re.compile(r"next due <t:(\d+):f>")


def labels(message: dict) -> list[str]:
    return [c["label"] for row in message.get("components", []) for c in row["components"]]


async def rate(sandbox: Sandbox, record: InteractionRecord, rating: str) -> datetime:
    """Show the answer of the card the review message shows, rate it, and return when the
    edited message says it is due next."""
    server = sandbox.server
    await (await server.click(record, "Show answer")).first_response(within=3)
    assert labels(record.original) == ["Again", "Hard", "Good", "Easy"]
    await (await server.click(record, rating)).first_response(within=3)
    (due,) = WHEN.findall(record.original["embeds"][0]["description"])
    return datetime.fromtimestamp(int(due), sandbox.clock().tzinfo)


async def review(sandbox: Sandbox) -> tuple[InteractionRecord, dict]:
    record = await sandbox.invoke("review next", user=sandbox.server.member_id)
    data = (await record.first_response(within=3))["data"]
    assert data["flags"] & EPHEMERAL
    return record, data["embeds"][0]


@ON_BOTH_BACKENDS
async def test_good_lengthens_the_interval_and_again_brings_the_card_back(
    sandbox: Sandbox,
) -> None:
    deck = sandbox.bot.study._deck
    deck.new_per_day = 1  # one card, followed through its reviews
    record, card = await review(sandbox)
    deck.new_per_day = 0  # and no other dealt on the days it comes back
    assert card["title"] == "Review · What does this mean?"
    term = card["description"]
    assert "new card" in card["footer"]["text"]
    await (await sandbox.server.click(record, "Show answer")).first_response(within=3)
    back = record.original["embeds"][0]
    assert back["fields"][0]["name"] == "Answer"
    assert "famine" in back["fields"][0]["value"]  # the seed's first concept: the Arduous March
    await (await sandbox.server.click(record, "Good")).first_response(within=3)
    assert record.original["embeds"][0]["title"] == "Nothing to review now"

    intervals = []
    for _ in range(3):  # Good, each time the card comes due
        (when,) = WHEN.findall(record.original["embeds"][0]["description"])
        sandbox.clock.current = datetime.fromtimestamp(int(when), sandbox.clock().tzinfo)
        record, card = await review(sandbox)
        assert card["description"] == term
        shown_at = sandbox.clock()
        due = await rate(sandbox, record, "Good")
        intervals.append(due - shown_at)
    assert intervals[0] < intervals[1] < intervals[2], intervals

    sandbox.clock.current = due
    record, card = await review(sandbox)
    again = await rate(sandbox, record, "Again")
    assert again - sandbox.clock() < intervals[0]  # back within minutes, not days
    sandbox.clock.current = again
    _, card = await review(sandbox)
    assert card["description"] == term


async def test_add_to_review_and_stats(sandbox: Sandbox) -> None:
    server = sandbox.server
    record = await sandbox.invoke("define", {"term": "civil society"}, user=server.member_id)
    await record.first_response(within=3)
    added = await (await server.click(record, "Add to review")).first_response(within=3)
    assert added["data"]["content"].startswith("Added to your review deck")
    again = await (await server.click(record, "Add to review")).first_response(within=3)
    assert again["data"]["content"] == "That is in your review deck already."
    stats = (await sandbox.ask("review stats", user=server.member_id))["data"]
    assert stats["flags"] & EPHEMERAL
    text = stats["embeds"][0]["description"]
    assert "**Due today:** 1" in text
    assert "**Learned:** 0 of 1 cards" in text
    _, card = await review(sandbox)
    assert card["description"] == "**Civil society**"  # the card added, due first


async def test_a_quote_card_asks_who_said_it(sandbox: Sandbox) -> None:
    server = sandbox.server
    record = await sandbox.invoke("quote", {"speaker": "Yeo"}, user=server.member_id)
    await record.first_response(within=3)
    await (await server.click(record, "Add to review")).first_response(within=3)
    record, card = await review(sandbox)
    assert card["title"] == "Review · Who said it?"
    await (await server.click(record, "Show answer")).first_response(within=3)
    assert "**Andrew Yeo**" in record.original["embeds"][0]["fields"][0]["value"]


@ON_BOTH_BACKENDS
async def test_a_reminder_goes_out_once_per_local_day_across_a_restart(
    sandbox: Sandbox, tmp_path
) -> None:
    server, clock = sandbox.server, sandbox.clock
    await review(sandbox)  # a card dealt, due until it is reviewed
    set_up = await sandbox.ask(
        "review remind", {"time": "09:00", "timezone": "Europe/London"}, user=server.member_id
    )
    assert "daily at 09:00 (Europe/London)" in set_up["data"]["content"]
    clock.set("2026-03-02T08:59:00", "Europe/London")
    assert await sandbox.bot.reminders.send_due() == 0
    clock.set("2026-03-02T09:00:30", "Europe/London")
    assert await sandbox.bot.reminders.send_due() == 1
    (dm,) = await server.wait_direct_messages(server.member_id)
    assert dm["content"] == (
        f"Time to review ({GUILD_NAME}): 1 card(s) due today. Use /review next on that server."
    )
    assert await sandbox.bot.reminders.send_due() == 0

    # A restart: another store and study on the same database know the day's reminder went.
    state_url = sandbox.bot.settings.database_url or None
    async with await Store.open(tmp_path / "e2e.db", DATA_DIR, state_url) as restarted:
        again = DiscordReminders(sandbox.bot, Study(restarted), clock)
        clock.set("2026-03-02T21:00:00", "Europe/London")
        assert await again.send_due() == 0
        clock.set("2026-03-03T09:01:00", "Europe/London")
        assert await again.send_due() == 1
    assert len(server.direct_messages(server.member_id)) == 2

    off = await sandbox.ask("review remind-off", user=server.member_id)
    assert off["data"]["content"] == "Reminder off."
    clock.set("2026-03-04T09:01:00", "Europe/London")
    assert await sandbox.bot.reminders.send_due() == 0


async def test_no_message_when_nothing_is_due(sandbox: Sandbox) -> None:
    server, clock = sandbox.server, sandbox.clock
    await sandbox.ask("review remind", {"time": "09:00", "timezone": "UTC"}, user=server.member_id)
    clock.set("2026-03-02T09:00:30", "UTC")
    assert await sandbox.bot.reminders.send_due() == 0
    assert server.direct_messages(server.member_id) == []
    clock.set("2026-03-03T09:00:30", "UTC")  # the reminder stays on for the days to come
    await review(sandbox)
    assert await sandbox.bot.reminders.send_due() == 1


async def test_a_member_with_closed_dms_is_skipped_that_day(sandbox: Sandbox) -> None:
    server, clock = sandbox.server, sandbox.clock
    await review(sandbox)
    await sandbox.ask("review remind", {"time": "09:00", "timezone": "UTC"}, user=server.member_id)
    server.close_dms(server.member_id)
    clock.set("2026-03-02T09:00:30", "UTC")
    assert await sandbox.bot.reminders.send_due() == 0
    assert server.direct_messages(server.member_id) == []
    assert await sandbox.bot.reminders.send_due() == 0  # not retried again and again


async def test_cards_as_text_where_the_bot_may_not_embed(sandbox: Sandbox) -> None:
    server = sandbox.server
    await server.set_permissions(server.general_id, server.bot_id, deny=1 << 14)
    record = await sandbox.invoke("review next", user=server.member_id)
    data = (await record.first_response(within=3))["data"]
    assert data["content"].startswith("**Review · What does this mean?**")
    await (await server.click(record, "Show answer")).first_response(within=3)
    assert "**Answer**" in record.original["content"]
