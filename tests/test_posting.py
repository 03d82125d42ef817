"""The bot's poster against the local Discord: a post that went out unrecorded is found in the
channel by showing the same excerpt (Discord keeps no nonce to find it by), past a day of
discussion, never one from before the guild's previous daily post nor a command's answer, with
its thread opened if it has none; nothing is found where the bot may not read the history."""

from __future__ import annotations

import dataclasses

import pytest

from bot.sandbox.messages import create_message
from bot.sandbox.permissions import READ_MESSAGE_HISTORY
from bot.store.answers import START, Excerpt, Schedule
from bot.store.poster import PostError
from tests.conftest import Sandbox


def chat(sandbox: Sandbox, channel_id: int, count: int) -> None:
    """`count` messages by a member in the channel."""
    world = sandbox.server.world
    for n in range(count):
        message = create_message(world, channel_id, {"content": f"chat {n}"}, files=[], flags=0)
        message["author"] = world.user(sandbox.server.member_id)


async def _schedule_and_excerpts(sandbox: Sandbox) -> tuple[Schedule, list[Excerpt]]:
    server = sandbox.server
    status = await sandbox.bot.scheduler.plan(
        guild_id=server.guild_id,
        channel_id=server.study_id,
        local_time="09:00",
        timezone="UTC",
        moderator_id=server.moderator_id,
    )
    store = sandbox.bot.store
    coming = await store.next_excerpts(server.guild_id, "passages", START, wrap=False, count=2)
    return status.schedule, [c.excerpt for c in coming[:2]]


async def test_a_post_that_went_out_is_found_by_nonce_or_by_its_excerpt(sandbox: Sandbox) -> None:
    server, poster = sandbox.server, sandbox.bot.scheduler.poster
    schedule, (first, second) = await _schedule_and_excerpts(sandbox)
    posted = await poster.post(server.study_id, schedule, first, "nonce-one")

    found = await poster.find(server.study_id, schedule, first, "nonce-one", None)
    assert found is not None
    assert found.message_id == posted.message_id
    # A nonce Discord did not keep: the same excerpt is recognised.
    again = await poster.find(server.study_id, schedule, first, "another", None)
    assert again is not None
    assert again.message_id == posted.message_id
    assert await poster.find(server.study_id, schedule, second, "another", None) is None
    # Nothing from before the guild's previous daily post counts (the same excerpt after a wrap).
    later = await poster.post(server.study_id, schedule, second, "nonce-two")
    assert await poster.find(server.study_id, schedule, first, "x", later.message_id) is None
    assert len(server.channel_messages[server.study_id]) == 2
    # The reading's total changed since (an edit): the same excerpt is still recognised.
    grown = dataclasses.replace(second, total=second.total + 3)
    assert await poster.find(server.study_id, schedule, grown, "y", posted.message_id) == later


async def test_a_post_is_found_past_a_day_of_discussion(sandbox: Sandbox) -> None:
    server, poster = sandbox.server, sandbox.bot.scheduler.poster
    schedule, (first, second) = await _schedule_and_excerpts(sandbox)
    yesterday = await poster.post(server.study_id, schedule, first, "day-one")
    chat(sandbox, server.study_id, 150)
    today = await poster.post(server.study_id, schedule, second, "day-two")
    chat(sandbox, server.study_id, 30)
    found = await poster.find(server.study_id, schedule, second, "day-two", yesterday.message_id)
    assert found == today
    pages = server.requests_to("GET", rf"^/channels/{server.study_id}/messages")
    assert len(pages) == 2  # 100 messages a request, oldest first from yesterday's post


async def test_a_commands_answer_is_not_taken_for_the_daily_post(sandbox: Sandbox) -> None:
    server, poster = sandbox.server, sandbox.bot.scheduler.poster
    schedule, (first, _) = await _schedule_and_excerpts(sandbox)
    shown = await poster.post(server.study_id, schedule, first, "preview")
    shown_message = server.messages[int(shown.message_id)]
    shown_message["interaction_metadata"] = {  # as a shared preview is: a command's answer
        "id": "1",
        "type": 2,
        "user": server.world.user(server.moderator_id),
        "authorizing_integration_owners": {"0": str(server.guild_id)},
    }
    assert await poster.find(server.study_id, schedule, first, "daily", None) is None


async def test_a_found_post_gets_the_thread_its_schedule_wants(sandbox: Sandbox) -> None:
    server, poster = sandbox.server, sandbox.bot.scheduler.poster
    schedule, (first, _) = await _schedule_and_excerpts(sandbox)
    posted = await poster.post(server.study_id, schedule, first, "one")  # no thread then
    threaded = dataclasses.replace(schedule, open_thread=True)
    found = await poster.find(server.study_id, threaded, first, "one", None)
    assert found is not None
    assert found.message_id == posted.message_id
    assert found.thread_error is None
    (thread,) = server.threads.values()
    assert thread["parent_id"] == str(server.study_id)


async def test_without_read_message_history_nothing_is_found(sandbox: Sandbox) -> None:
    server, poster = sandbox.server, sandbox.bot.scheduler.poster
    schedule, (first, _) = await _schedule_and_excerpts(sandbox)
    await poster.post(server.study_id, schedule, first, "nonce-one")
    await server.set_permissions(server.study_id, server.bot_id, deny=READ_MESSAGE_HISTORY)
    assert await poster.find(server.study_id, schedule, first, "nonce-one", None) is None
    refused = server.requests_to("GET", rf"^/channels/{server.study_id}/messages")
    assert [r.status for r in refused] == [403]


async def test_a_history_discord_refuses_means_none_a_passing_failure_means_later(
    sandbox: Sandbox,
) -> None:
    server, poster = sandbox.server, sandbox.bot.scheduler.poster
    schedule, (first, _) = await _schedule_and_excerpts(sandbox)
    history = rf"^/channels/{server.study_id}/messages$"
    # A Discord-like server that has no such route: the nonce is all that guards.
    server.fail("GET", history, 404, code=0, message="404: Not Found")
    assert await poster.find(server.study_id, schedule, first, "n", None) is None
    server.fail("GET", history, 503, times=10)  # down for now: look again later
    with pytest.raises(PostError) as caught:
        await poster.find(server.study_id, schedule, first, "n", None)
    assert not caught.value.permanent
