"""/quiz end to end: a question asked in the channel, answered right and wrong with its buttons
by the member who asked, refused privately to anyone else, and the opt-in leaderboard."""

from __future__ import annotations

import json
import random

from bot.sandbox import InteractionRecord
from tests.conftest import ON_BOTH_BACKENDS, Sandbox

EPHEMERAL = 1 << 6


async def ask(sandbox: Sandbox, kind: str, user: int) -> tuple[InteractionRecord, dict]:
    record = await sandbox.invoke("quiz ask", {"kind": kind}, user=user)
    data = (await record.first_response(within=3))["data"]
    return record, data


def buttons(message: dict) -> list[dict]:
    return [c for row in message["components"] for c in row["components"]]


async def answer(sandbox: Sandbox, record: InteractionRecord, label: str, user: int) -> dict:
    clicked = await sandbox.server.click(record, label, user=user)
    (followup,) = await clicked.wait_followups(1, within=3)
    return followup


@ON_BOTH_BACKENDS
async def test_a_question_answered_right_then_wrong(sandbox: Sandbox) -> None:
    sandbox.bot.study.rng = random.Random(3)
    member = sandbox.server.member_id
    record, data = await ask(sandbox, "speaker", member)
    assert not data.get("flags", 0) & EPHEMERAL  # asked in the channel
    embed = data["embeds"][0]
    assert embed["title"] == "Quiz · Who said it?"
    number = int(buttons(data)[0]["custom_id"].split(":")[2])
    # The right option, from the store's record of the question.
    question = await question_of(sandbox, number)
    right = buttons(data)[question["answer"]]["label"]
    result = await answer(sandbox, record, right, member)
    assert result["flags"] & EPHEMERAL
    shown = result["embeds"][0]
    assert shown["title"] == "Right!"
    assert question["source"]["text"] in shown["fields"][0]["value"].replace("\\", "")
    assert "streak 1" in shown["footer"]["text"]
    assert all(b["disabled"] for b in buttons(record.original))

    record, data = await ask(sandbox, "concept", member)
    number = int(buttons(data)[0]["custom_id"].split(":")[2])
    question = await question_of(sandbox, number)
    wrong = next(b for i, b in enumerate(buttons(data)) if i != question["answer"])
    result = await answer(sandbox, record, wrong["label"], member)
    shown = result["embeds"][0]
    assert shown["title"] == "Not quite"
    assert question["options"][question["answer"]] in shown["description"].replace("\\", "")
    assert "streak 0 (best 1)" in shown["footer"]["text"]
    assert "1 of 2 right" in shown["footer"]["text"]


async def test_another_members_click_is_refused_privately(sandbox: Sandbox) -> None:
    server = sandbox.server
    record, data = await ask(sandbox, "concept", server.member_id)
    clicked = await server.click(record, buttons(data)[0]["label"], user=server.moderator_id)
    refusal = await clicked.first_response(within=3)
    assert refusal["data"]["flags"] & EPHEMERAL
    assert "asked to someone else" in refusal["data"]["content"]
    assert not any(b["disabled"] for b in buttons(record.original))  # still open to the asker
    score = await sandbox.bot.study.score(server.guild_id, server.moderator_id)
    assert score.answered == 0


async def test_a_second_click_does_not_count_twice(sandbox: Sandbox) -> None:
    server = sandbox.server
    record, data = await ask(sandbox, "publication", server.member_id)
    label = buttons(data)[0]["label"]
    await answer(sandbox, record, label, server.member_id)
    again = await sandbox.bot.study.answer(
        int(buttons(data)[0]["custom_id"].split(":")[2]),
        server.guild_id,
        server.member_id,
        1,
        sandbox.clock(),
    )
    assert not again.first_time
    assert again.score.answered == 1


@ON_BOTH_BACKENDS
async def test_the_leaderboard_shows_only_members_who_joined(sandbox: Sandbox) -> None:
    server = sandbox.server
    for user in (server.member_id, server.moderator_id):
        record, data = await ask(sandbox, "concept", user)
        number = int(buttons(data)[0]["custom_id"].split(":")[2])
        question = await question_of(sandbox, number)
        await answer(sandbox, record, buttons(data)[question["answer"]]["label"], user)
    board = (await sandbox.ask("quiz scores", user=server.member_id))["data"]
    assert board["flags"] & EPHEMERAL
    assert "Nobody is on this server's leaderboard" in board["embeds"][0]["description"]
    joined = await sandbox.ask("quiz join", user=server.member_id)
    assert "on this server's quiz leaderboard" in joined["data"]["content"]
    board = (await sandbox.ask("quiz scores", user=server.moderator_id))["data"]["embeds"][0]
    assert f"<@{server.member_id}> — 1 of 1 right" in board["description"]
    assert f"<@{server.moderator_id}>" not in board["description"]
    await sandbox.ask("quiz leave", user=server.member_id)
    board = (await sandbox.ask("quiz scores", user=server.moderator_id))["data"]["embeds"][0]
    assert f"<@{server.member_id}>" not in board["description"]


async def question_of(sandbox: Sandbox, number: int) -> dict:
    """The question as the store keeps it (its options and which is right)."""
    rows = await sandbox.bot.store.state.fetch(  # on either database
        "SELECT question FROM quiz_questions WHERE id = ?", (number,)
    )
    return json.loads(next(iter(rows))[0])


async def test_a_question_as_text_where_the_bot_may_not_embed(sandbox: Sandbox) -> None:
    server = sandbox.server
    await server.set_permissions(server.general_id, server.bot_id, deny=1 << 14)
    record, data = await ask(sandbox, "concept", server.member_id)
    assert not data.get("embeds")
    assert data["content"].startswith("**Quiz · Which concept?**")
    result = await answer(sandbox, record, buttons(data)[0]["label"], server.member_id)
    assert not result.get("embeds")
    assert result["content"].startswith(("**Right!**", "**Not quite**"))
