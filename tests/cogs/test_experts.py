"""/expert and /quote end to end, with paging and sharing through real button clicks."""

from __future__ import annotations

import gc
from pathlib import Path

import discord
import pytest

from bot.client import ReadingRoomBot
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.sandbox import LocalDiscord, run_bot_against
from bot.store import Store
from bot.store.loader import load_library
from tests.conftest import DATA_DIR, Sandbox

READING = load_library(DEFAULT_DATA_DIR).readings[0]


def quotes_of(speaker_id: str) -> list[str]:
    return [q.text for q in READING.quotes if q.speaker == speaker_id]


@pytest.mark.parametrize("name", ["Hastings", "justin hastings", "Justin Hastings"])
async def test_expert_by_any_form_of_the_name(sandbox: Sandbox, name: str) -> None:
    (page,) = (await sandbox.ask("expert", {"name": name}))["data"]["embeds"]
    assert page["title"] == "Justin Hastings"
    assert "University of Sydney" in page["description"]


async def test_expert_topic_filter(sandbox: Sandbox) -> None:
    (page,) = (await sandbox.ask("expert", {"name": "Yeo", "topic": "dissent"}))["data"]["embeds"]
    assert "On **dissent**" in page["description"]
    dissent = [q.text for q in READING.quotes if q.speaker == "yeo" and "dissent" in q.topics]
    assert len(page["fields"]) == len(dissent)


async def test_expert_pages_turn_and_share(sandbox: Sandbox) -> None:
    record = await sandbox.invoke("expert", {"name": "Yeo"})
    first = (await record.first_response())["data"]["embeds"][0]
    assert first["footer"]["text"].endswith("page 1/2")

    turned = await sandbox.server.click(record, "Next")
    assert (await turned.first_response())["type"] == 7
    page_two = turned.data["embeds"][0]
    assert page_two["footer"]["text"].endswith("page 2/2")
    shown = [f["value"] for f in first["fields"] + page_two["fields"]]
    for text in quotes_of("yeo"):
        assert any(text.replace("*", "\\*") in value for value in shown)

    shared = await sandbox.server.click(record, "Share")
    response = await shared.first_response()
    assert response["type"] == 4
    assert not shared.ephemeral
    assert response["data"]["content"] == f"Shared by <@{sandbox.server.member_id}>"
    assert response["data"]["embeds"][0]["footer"]["text"].endswith("page 2/2")


async def test_only_the_asker_can_turn_pages(sandbox: Sandbox) -> None:
    record = await sandbox.invoke("expert", {"name": "Yeo"})
    await record.first_response()
    other = await sandbox.server.click(record, "Next", user=sandbox.server.moderator_id)
    response = await other.first_response()
    assert other.ephemeral
    assert "Only the person who asked" in response["data"]["content"]


async def test_expert_autocomplete(sandbox: Sandbox) -> None:
    assert [c["value"] for c in await sandbox.choices("expert", "name", "ba")] == ["Jieun Baek"]
    topics = [c["value"] for c in await sandbox.choices("expert", "topic", "tr", name="Yeo")]
    assert topics == ["trust"]


async def test_unknown_expert_suggests(sandbox: Sandbox) -> None:
    response = await sandbox.ask("expert", {"name": "Arington"})
    assert "Celeste Arrington" in response["data"]["content"]


async def test_quote_by_speaker_is_one_of_theirs(sandbox: Sandbox) -> None:
    for _ in range(5):
        (page,) = (await sandbox.ask("quote", {"speaker": "Baek"}))["data"]["embeds"]
        assert page["author"]["name"].startswith("Jieun Baek")
        assert any(text.replace("*", "\\*") in page["description"] for text in quotes_of("baek"))


async def test_quote_without_match(sandbox: Sandbox) -> None:
    response = await sandbox.ask("quote", {"speaker": "Baek", "topic": "china"})
    assert response["data"]["content"].startswith("No quote by “Baek” and on “china”")


async def test_quote_autocomplete(sandbox: Sandbox) -> None:
    assert await sandbox.choices("quote", "speaker", "")
    assert [c["value"] for c in await sandbox.choices("quote", "topic", "state")] == [
        "state control"
    ]


def live_views() -> int:
    gc.collect()
    return sum(isinstance(o, discord.ui.View) for o in gc.get_objects())


async def test_buttons_keep_no_state_and_still_work_after_a_restart(tmp_path: Path) -> None:
    async with (
        LocalDiscord() as server,
        await Store.open(tmp_path / "e2e.db", DATA_DIR) as store,
    ):
        settings = Settings(database_path=tmp_path / "e2e.db", dev_guild_id=server.guild_id)
        first = ReadingRoomBot(settings, store, scheduler_interval=None)
        async with run_bot_against(server, first):
            await first.sync_on_start()
            record = await server.invoke("expert", {"name": "Yeo"})
            await record.first_response()
            views = first._connection._view_store  # discord.py's: nothing may stay per answer
            assert (views._views, views._synced_message_views) == ({}, {})
            # No view outlives the sending of its answer (nor waits on a 15-minute timer).
            await server.wait_until(lambda: live_views() == 0)
        restarted = ReadingRoomBot(settings, store, scheduler_interval=None)
        async with run_bot_against(server, restarted):
            turned = await server.click(record, "Next")
            (page,) = (await turned.first_response())["data"]["embeds"]
    assert turned.response_type == 7
    assert page["footer"]["text"].endswith("page 2/2")
