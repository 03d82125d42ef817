"""/excerpt end to end: a moderator schedules, time advances, posts arrive in the channel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.client import ReadingRoomBot
from bot.sandbox import run_bot_against
from bot.sandbox.permissions import READ_MESSAGE_HISTORY
from bot.store import Store
from bot.store.loader import load_library
from tests.conftest import DATA_DIR, ON_BOTH_BACKENDS, Sandbox, running_sandbox

READING = load_library(DATA_DIR).readings[0]
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MENTION_EVERYONE = 1 << 17


async def moderator(sandbox: Sandbox, sub: str, options: dict[str, Any] | None = None) -> dict:
    record = await sandbox.server.invoke(
        f"excerpt {sub}", options, user=sandbox.server.moderator_id
    )
    return await record.first_response(within=3.0)


async def post_here(sandbox: Sandbox) -> str:
    """/excerpt post in the general channel: the moderator's private note."""
    record = await sandbox.server.invoke("excerpt post", user=sandbox.server.moderator_id)
    deferred = await record.first_response(within=3.0)
    assert deferred["type"] == 5
    assert record.ephemeral
    (note,) = await record.wait_followups(1, within=3.0)
    return note["content"]


async def schedule_study(sandbox: Sandbox, **extra: Any) -> dict:
    sandbox.clock.set("2026-03-10T08:00", "Europe/London")
    options = {
        "channel": sandbox.server.study_id,
        "time": "09:00",
        "timezone": "Europe/London",
        **extra,
    }
    return await moderator(sandbox, "schedule", options)


def fields(response: dict) -> dict[str, str]:
    (embed,) = response["data"]["embeds"]
    return {field["name"]: field["value"] for field in embed["fields"]}


async def test_scheduled_post_arrives_with_thread_and_only_the_chosen_ping(
    sandbox: Sandbox,
) -> None:
    server = sandbox.server
    refused = await schedule_study(sandbox, mention_role=server.moderator_role_id)
    assert refused["data"]["content"].endswith(
        "I need Mention All Roles (to ping a role that is not mentionable) there."
    )
    await server.set_permissions(server.study_id, server.bot_id, allow=MENTION_EVERYONE)
    await server.set_permissions(server.study_id, server.moderator_id, allow=MENTION_EVERYONE)
    response = await schedule_study(sandbox, mention_role=server.moderator_role_id, thread=True)
    status = fields(response)
    assert response["data"]["flags"] & 64
    assert status["Next post"].startswith("2026-03-10 09:00 Europe/London\n<t:")
    assert status["Each post"] == f"pings <@&{server.moderator_role_id}>, opens a discussion thread"

    sandbox.clock.set("2026-03-10T08:59", "Europe/London")
    await sandbox.bot.scheduler.tick()
    assert server.channel_messages[server.study_id] == []
    sandbox.clock.set("2026-03-10T09:00", "Europe/London")
    await sandbox.bot.scheduler.tick()

    (message,) = server.channel_messages[server.study_id]
    assert message["content"] == f"<@&{server.moderator_role_id}>"
    (embed,) = message["embeds"]
    assert embed["description"] == READING.passages[0].text.replace("*", "\\*")
    assert embed["footer"]["text"].endswith(f"excerpt 1 of {len(READING.passages)}")
    assert "`/define Arduous March`" in {f["name"]: f["value"] for f in embed["fields"]}["Concepts"]
    (post,) = server.requests_to("POST", rf"^/channels/{server.study_id}/messages$")
    assert post.body["allowed_mentions"] == {"parse": [], "roles": [server.moderator_role_id]}
    (thread,) = server.threads.values()
    assert thread["name"] == "Excerpt 1: Introduction"

    sandbox.clock.set("2026-03-11T09:00", "Europe/London")
    await sandbox.bot.scheduler.tick()
    second = server.channel_messages[server.study_id][-1]
    assert second["embeds"][0]["description"].startswith(READING.passages[1].text[:40])


@ON_BOTH_BACKENDS
async def test_a_restart_does_not_repost(sandbox: Sandbox) -> None:
    server = sandbox.server
    await schedule_study(sandbox)
    sandbox.clock.set("2026-03-10T09:00", "Europe/London")
    await sandbox.bot.scheduler.tick()
    settings = sandbox.bot.settings
    state_url = settings.database_url or None  # the same state, on either database
    async with await Store.open(settings.database_path, DATA_DIR, state_url) as store:
        restarted = ReadingRoomBot(settings, store, now=sandbox.clock, scheduler_interval=None)
        async with run_bot_against(server, restarted):
            sandbox.clock.set("2026-03-10T09:30", "Europe/London")
            await restarted.scheduler.tick()
    assert len(server.channel_messages[server.study_id]) == 1


async def test_a_deleted_channel_pauses_the_schedule_and_status_says_why(
    sandbox: Sandbox,
) -> None:
    server = sandbox.server
    await schedule_study(sandbox)
    await server.delete_channel(server.study_id)
    await server.wait_until(lambda: sandbox.bot.get_channel(server.study_id) is None)
    sandbox.clock.set("2026-03-10T09:00", "Europe/London")
    for _ in range(30):
        await sandbox.bot.scheduler.tick()
        sandbox.clock.advance(minutes=1)
    status = fields(await moderator(sandbox, "status"))
    assert status["Paused because"] == "the channel was deleted"
    lookups = server.requests_to("GET", rf"^/channels/{server.study_id}$")
    assert [r.status for r in lookups] == [404, 404, 404], "confirmed with Discord, not the cache"
    assert status["Channel"].endswith("(channel not found)")
    assert (await sandbox.bot.store.schedule(server.guild_id)).failures == 3


async def test_permission_removed_after_scheduling_pauses_after_a_few_tries(
    sandbox: Sandbox,
) -> None:
    server = sandbox.server
    await schedule_study(sandbox)
    await server.set_permissions(server.study_id, server.bot_id, deny=SEND_MESSAGES)
    sandbox.clock.set("2026-03-10T09:00", "Europe/London")
    for _ in range(60):
        await sandbox.bot.scheduler.tick()
        sandbox.clock.advance(minutes=1)
    refused = server.requests_to("POST", rf"^/channels/{server.study_id}/messages$")
    assert [r.status for r in refused] == [403, 403, 403]
    status = fields(await moderator(sandbox, "status"))
    assert status["Paused because"].startswith("missing permission in #study")


async def test_members_without_manage_server_are_refused(sandbox: Sandbox) -> None:
    record = await sandbox.server.invoke(
        "excerpt schedule",
        {"channel": sandbox.server.study_id, "time": "09:00", "timezone": "UTC"},
        user=sandbox.server.member_id,
    )
    response = await record.first_response()
    assert record.ephemeral
    assert response["data"]["content"] == (
        "Only members with the Manage Server permission can manage excerpts."
    )
    assert await sandbox.bot.store.schedule(sandbox.server.guild_id) is None
    command = sandbox.server.command("excerpt")
    assert command["default_member_permissions"] in (32, "32")


async def test_schedule_names_the_missing_permission(sandbox: Sandbox) -> None:
    server = sandbox.server
    await server.set_permissions(server.study_id, server.bot_id, deny=SEND_MESSAGES)
    response = await schedule_study(sandbox)
    assert response["data"]["content"] == (
        f"I can't post in <#{server.study_id}>: I need Send Messages there."
    )


async def test_schedule_asks_for_read_message_history_to_find_a_post_after_a_crash(
    sandbox: Sandbox,
) -> None:
    server = sandbox.server
    await server.set_permissions(server.study_id, server.bot_id, deny=READ_MESSAGE_HISTORY)
    response = await schedule_study(sandbox)
    assert response["data"]["content"] == (
        f"I can't post in <#{server.study_id}>: I need Read Message History there."
    )


async def test_schedule_refuses_a_bad_time_and_suggests_zones(sandbox: Sandbox) -> None:
    response = await schedule_study(sandbox, time="9am")
    assert "use HH:MM on the 24-hour clock" in response["data"]["content"]
    zones = await sandbox.server.autocomplete(
        "excerpt schedule",
        {"channel": sandbox.server.study_id, "time": "09:00", "timezone": "london"},
        focused="timezone",
        user=sandbox.server.moderator_id,
    )
    assert zones[0]["value"] == "Europe/London"


@ON_BOTH_BACKENDS
async def test_post_preview_skip_pause_resume_unschedule(sandbox: Sandbox) -> None:
    server = sandbox.server
    await schedule_study(sandbox)

    note = await post_here(sandbox)
    assert note == f"Posted excerpt 1 of 25 in <#{server.general_id}>."
    (posted,) = server.channel_messages[server.general_id]
    assert posted["embeds"][0]["footer"]["text"].endswith("excerpt 1 of 25")
    assert server.channel_messages[server.study_id] == []

    preview = await moderator(sandbox, "preview", {"count": 2})
    assert preview["data"]["flags"] & 64
    assert preview["data"]["embeds"][0]["footer"]["text"].endswith("excerpt 2 of 25")

    skipped = await moderator(sandbox, "skip")
    assert skipped["data"]["content"].startswith("Skipped excerpt 2 of 25")
    assert fields(await moderator(sandbox, "status"))["Position"].startswith(
        "next: passage 3 of 25"
    )

    paused = await moderator(sandbox, "pause")
    assert paused["data"]["embeds"][0]["title"] == "Daily excerpts · paused"
    sandbox.clock.set("2026-03-10T09:00", "Europe/London")
    await sandbox.bot.scheduler.tick()
    assert server.channel_messages[server.study_id] == []

    sandbox.clock.set("2026-03-10T12:00", "Europe/London")
    resumed = fields(await moderator(sandbox, "resume"))
    assert resumed["Next post"].startswith("2026-03-11 09:00")

    gone = await moderator(sandbox, "unschedule")
    assert gone["data"]["content"].startswith("Daily excerpts are off")
    status = await moderator(sandbox, "status")
    assert "No daily excerpts are scheduled here yet" in status["data"]["content"]


async def test_excerpt_replies_as_text_where_the_bot_may_not_embed(sandbox: Sandbox) -> None:
    server = sandbox.server
    await schedule_study(sandbox)
    await server.set_permissions(server.general_id, server.bot_id, deny=1 << 14)
    status = await moderator(sandbox, "status")
    assert not status["data"].get("embeds")
    assert status["data"]["content"].startswith("**Daily excerpts · active**")
    refused = await moderator(sandbox, "post")
    assert refused["data"]["content"] == (
        f"I can't post in <#{server.general_id}>: I need Embed Links there."
    )
    assert server.channel_messages[server.general_id] == []


async def test_the_bot_runs_its_own_excerpt_loop(tmp_path: Path) -> None:
    async with running_sandbox(tmp_path, scheduler_interval=0.01) as sandbox:
        server = sandbox.server
        await schedule_study(sandbox)  # at 08:00, while the loop goes round
        assert server.channel_messages[server.study_id] == []
        sandbox.clock.set("2026-03-10T09:00", "Europe/London")
        await server.wait_until(lambda: server.channel_messages[server.study_id], within=3.0)
        sandbox.clock.set("2026-03-11T09:00", "Europe/London")
        await server.wait_until(lambda: len(server.channel_messages[server.study_id]) == 2)
        first, second = server.channel_messages[server.study_id]
        assert first["embeds"][0]["footer"]["text"].endswith("excerpt 1 of 25")
        assert second["embeds"][0]["footer"]["text"].endswith("excerpt 2 of 25")


async def test_schedule_refuses_a_channel_the_moderator_cannot_post_in(sandbox: Sandbox) -> None:
    server = sandbox.server
    await server.set_permissions(server.study_id, server.moderator_id, deny=VIEW_CHANNEL)
    hidden = await schedule_study(sandbox)
    assert hidden["data"]["content"] == (
        f"You can't post in <#{server.study_id}> yourself, so I won't for you: "
        "you need View Channel, Send Messages there."
    )
    await server.set_permissions(server.study_id, server.moderator_id, deny=SEND_MESSAGES)
    muted = await schedule_study(sandbox)
    assert muted["data"]["content"].endswith("you need Send Messages there.")
    assert await sandbox.bot.store.schedule(server.guild_id) is None


async def test_schedule_pings_only_a_role_the_moderator_could_ping(sandbox: Sandbox) -> None:
    server = sandbox.server
    await server.set_permissions(server.study_id, server.bot_id, allow=MENTION_EVERYONE)
    refused = await schedule_study(sandbox, mention_role=server.moderator_role_id)
    assert refused["data"]["content"].endswith(
        "you need Mention All Roles (to ping a role that is not mentionable) there."
    )
    assert await sandbox.bot.store.schedule(server.guild_id) is None
    await server.set_permissions(server.study_id, server.moderator_id, allow=MENTION_EVERYONE)
    accepted = fields(await schedule_study(sandbox, mention_role=server.moderator_role_id))
    assert accepted["Each post"] == f"pings <@&{server.moderator_role_id}>"


async def test_post_refuses_a_channel_the_moderator_cannot_post_in(sandbox: Sandbox) -> None:
    server = sandbox.server
    await schedule_study(sandbox)
    await server.set_permissions(server.general_id, server.moderator_id, deny=SEND_MESSAGES)
    refused = await moderator(sandbox, "post")
    assert refused["data"]["content"].endswith("you need Send Messages there.")
    assert server.channel_messages[server.general_id] == []
    assert (await sandbox.bot.store.schedule(server.guild_id)).position == 0
