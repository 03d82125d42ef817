"""The bot's poster against the local Discord: a post that went out unrecorded is found in the
channel (by its nonce, or by showing the same excerpt), never one from before the guild's
previous daily post, and nothing is found where the bot may not read the history."""

from __future__ import annotations

from bot.sandbox.permissions import READ_MESSAGE_HISTORY
from bot.store.answers import START, Excerpt, Schedule
from tests.conftest import Sandbox


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


async def test_without_read_message_history_nothing_is_found(sandbox: Sandbox) -> None:
    server, poster = sandbox.server, sandbox.bot.scheduler.poster
    schedule, (first, _) = await _schedule_and_excerpts(sandbox)
    await poster.post(server.study_id, schedule, first, "nonce-one")
    await server.set_permissions(server.study_id, server.bot_id, deny=READ_MESSAGE_HISTORY)
    assert await poster.find(server.study_id, schedule, first, "nonce-one", None) is None
    refused = server.requests_to("GET", rf"^/channels/{server.study_id}/messages")
    assert [r.status for r in refused] == [403]
