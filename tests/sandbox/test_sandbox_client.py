"""The sandbox proven with the real discord.py client: login, commands, responses, faults."""

from __future__ import annotations

from collections.abc import Callable

import discord
import pytest
from discord import app_commands

from bot.sandbox import (
    BotRun,
    InteractionRejectedError,
    LocalDiscord,
    ManualClock,
    NoSuchComponentError,
    OptionError,
    UnknownCommandError,
    run_bot_against,
)


async def test_login_ready_and_guild_create(server: LocalDiscord, running: BotRun) -> None:
    bot = running.client
    assert bot.user is not None
    assert bot.user.id == server.bot_id
    assert bot.application_id == server.application_id
    guild = bot.get_guild(server.guild_id)
    assert guild is not None
    assert guild.owner_id == server.owner_id
    assert {c.name for c in guild.text_channels} == {"general", "study"}
    assert {r.name for r in guild.roles} == {"@everyone", "Reading Room", "Moderator"}
    assert guild.me is not None
    assert guild.me.guild_permissions.embed_links
    login = [(r.method, r.path) for r in server.requests[:2]]
    assert login == [("GET", "/users/@me"), ("GET", "/oauth2/applications/@me")]
    sent = [(f.op, f.t, f.s) for f in server.frames if f.direction == "send" and f.op == 0]
    assert sent[:2] == [(0, "READY", 1), (0, "GUILD_CREATE", 2)]
    identify = server.frames_of(op=2)[0].d
    assert identify["intents"] == discord.Intents(guilds=True).value


async def test_sync_is_recorded_with_ids(server: LocalDiscord, running: BotRun) -> None:
    (put,) = server.requests_to("PUT", r"/guilds/\d+/commands$")
    assert put.status == 200
    stored = {c["name"]: c for c in server.guild_commands[server.guild_id]}
    assert {"echo", "vote", "study"} <= set(stored)
    assert stored["echo"]["application_id"] == str(server.application_id)
    fetched = await running.client.tree.fetch_commands(guild=discord.Object(server.guild_id))
    assert {c.name: c.id for c in fetched} == {n: int(c["id"]) for n, c in stored.items()}


async def test_invalid_command_definition_is_rejected(
    server: LocalDiscord, running: BotRun
) -> None:
    tree = running.client.tree
    guild = discord.Object(server.guild_id)

    @app_commands.command(name="wordy", description="x" * 101)
    async def wordy(interaction: discord.Interaction) -> None: ...

    tree.add_command(wordy, guild=guild)
    with pytest.raises(discord.HTTPException) as caught:
        await tree.sync(guild=guild)
    assert caught.value.status == 400
    assert caught.value.code == 50035
    assert "description" in caught.value.text
    assert "wordy" in caught.value.text
    assert "wordy" not in {c["name"] for c in server.guild_commands[server.guild_id]}


async def test_invoke_records_the_response(server: LocalDiscord, running: BotRun) -> None:
    private = await server.invoke("echo", {"text": "just me", "private": True})
    response = await private.first_response()
    assert response["type"] == 4
    assert response["data"]["content"] == "just me"
    assert response["data"]["flags"] == 64
    assert private.ephemeral
    public = await server.invoke("echo", {"text": "hello all"})
    await public.first_response()
    assert not public.ephemeral
    assert [m["content"] for m in server.channel_messages[server.general_id]] == ["hello all"]
    assert public.original is not None
    assert public.original["type"] == 20


async def test_invoke_checks_commands_and_options(server: LocalDiscord, running: BotRun) -> None:
    with pytest.raises(UnknownCommandError):
        await server.invoke("nope")
    with pytest.raises(OptionError, match="no option"):
        await server.invoke("echo", {"text": "a", "colour": "red"})
    with pytest.raises(OptionError, match="required"):
        await server.invoke("echo", {})
    with pytest.raises(OptionError, match="integer"):
        await server.invoke("slowsum", {"a": "1", "b": 2})


async def test_subcommand_and_resolved_member(server: LocalDiscord, running: BotRun) -> None:
    study = await server.invoke("study start", {"minutes": 50})
    assert (await study.first_response())["data"]["content"] == "Studying for 50 minutes"
    who = await server.invoke("whois", {"member": server.moderator_id})
    content = (await who.first_response())["data"]["content"]
    assert content.startswith("Moderator")
    assert who.original is not None
    assert who.original["mentions"] == []


async def test_context_menus(server: LocalDiscord, running: BotRun) -> None:
    posted = await server.invoke("post", {"text": "A line worth keeping"})
    await posted.first_response()
    (message,) = server.channel_messages[server.general_id]
    quote = await server.invoke_context_menu("Quote this", message)
    assert (await quote.first_response())["data"]["content"] == "> A line worth keeping"
    greet = await server.invoke_context_menu("Greet", server.member_id)
    assert (await greet.first_response())["data"]["content"] == "Hello Reader"


async def test_autocomplete_returns_choices(server: LocalDiscord, running: BotRun) -> None:
    choices = await server.autocomplete("echo", {"text": "e"}, focused="text")
    assert [c["value"] for c in choices] == [
        "ethics",
        "economics",
        "education",
        "energy",
        "environment",
    ]
    narrowed = await server.autocomplete("echo", {"text": "en"}, focused="text")
    assert [c["name"] for c in narrowed] == ["energy", "environment"]


async def test_too_many_autocomplete_choices_are_refused(
    server: LocalDiscord, running: BotRun
) -> None:
    with pytest.raises(InteractionRejectedError) as caught:
        await server.autocomplete("flood", {"text": ""}, focused="text")
    error = caught.value.error
    assert error["status"] == 400
    assert error["code"] == 50035
    (problem,) = error["errors"]["data"]["choices"]["_errors"]
    assert "25 or fewer" in problem["message"]
    await server.wait_until(lambda: running.logged_errors)
    assert "must be 25 or fewer" in str(running.logged_errors[0].exc_info[1])


async def test_button_click_updates_the_message(server: LocalDiscord, running: BotRun) -> None:
    vote = await server.invoke("vote")
    await vote.first_response()
    assert vote.original is not None
    assert [c["label"] for c in vote.original["components"][0]["components"]] == ["Yes", "No"]
    click = await server.click(vote, "Yes")
    assert (await click.first_response())["type"] == 7
    message = server.messages[vote.original_id]
    assert message["content"] == "Voted yes"
    assert message["components"] == []
    with pytest.raises(NoSuchComponentError):
        await server.click(vote, "Yes")


async def test_button_click_can_answer_with_a_new_message(
    server: LocalDiscord, running: BotRun
) -> None:
    vote = await server.invoke("vote")
    await vote.first_response()
    click = await server.click(vote, "vote:no", user=server.moderator_id)
    response = await click.first_response()
    assert response["type"] == 4
    assert click.ephemeral
    assert click.payload["member"]["user"]["id"] == str(server.moderator_id)


async def test_select_on_a_followup(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("topic")
    await record.wait_followups(1)
    choice = await server.select(record, "Pick a topic", ["energy"])
    assert (await choice.first_response())["type"] == 7
    assert record.original is not None
    assert record.original["content"] == "Topic: energy"
    assert record.original["flags"] & 64  # still the ephemeral message the defer created


async def test_defer_then_followups(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("slowsum", {"a": 2, "b": 3})
    assert (await record.first_response())["type"] == 5
    followups = await record.wait_followups(2)
    assert [f["content"] for f in followups] == ["2 + 3 = 5", "and a second followup"]
    assert followups[0]["id"] == str(record.original_id)  # the first one replaces "thinking..."
    assert all(f["flags"] & 64 for f in followups[:1])
    assert record.original is not None
    assert not record.original["flags"] & 128


async def test_edits_and_deletes(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("progress")
    followups = await record.wait_followups(2)
    assert followups[1]["content"] == "history: ['temporary, edited', 'Done']"
    assert [e["body"]["content"] for e in record.edits] == ["Done", "extra, edited"]
    assert record.deleted == [int(followups[0]["id"])]
    assert [m["content"] for m in server.channel_messages[server.general_id]] == [
        "Done",
        followups[1]["content"],
    ]
    assert [m["content"] for m in server.world.deleted_messages] == [
        "extra, edited",
        "temporary, edited",
    ]


async def test_file_upload(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("export")
    await record.first_response()
    assert record.original is not None
    (attachment,) = record.original["attachments"]
    assert (attachment["filename"], attachment["size"]) == ("notes.txt", 20)
    (callback,) = server.requests_to("POST", r"/callback$")
    assert callback.files[0]["filename"] == "notes.txt"


async def test_second_response_is_40060(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("twice")
    error = await record.wait_error()
    assert (error["status"], error["code"]) == (400, 40060)
    await server.wait_until(lambda: running.client.seen_errors)
    assert running.client.seen_errors[0].code == 40060
    assert [r["data"]["content"] for r in record.responses] == ["one"]


async def test_late_response_is_10062(
    server: LocalDiscord, running: BotRun, clock: ManualClock
) -> None:
    record = await server.invoke("late")
    clock.advance(3.5)
    running.client.gate.set()
    error = await record.wait_error()
    assert (error["status"], error["code"]) == (404, 10062)
    await server.wait_until(lambda: running.client.seen_errors)
    assert isinstance(running.client.seen_errors[0], discord.NotFound)
    assert record.responses == []


async def test_followup_after_fifteen_minutes_is_refused(
    server: LocalDiscord, running: BotRun, clock: ManualClock
) -> None:
    record = await server.invoke("echo", {"text": "hi"})
    await record.first_response()
    clock.advance(15 * 60 + 1)
    bot = running.client
    webhook = discord.Webhook.partial(server.application_id, record.token, client=bot)
    with pytest.raises(discord.HTTPException) as caught:
        await webhook.send("too late", wait=True)
    assert (caught.value.status, caught.value.code) == (401, 50027)


async def test_oversize_embed_is_50035(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("embed", {"size": 4097})
    error = await record.wait_error()
    assert (error["status"], error["code"]) == (400, 50035)
    await server.wait_until(lambda: running.client.seen_errors)
    text = running.client.seen_errors[0].text
    assert "data.embeds.0.description" in text
    assert "4096" in text
    ok = await server.invoke("embed", {"size": 4096})
    assert (await ok.first_response())["data"]["embeds"][0]["description"] == "x" * 4096


async def test_channel_post_and_thread(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("post", {"text": "Chapter 3"})
    await record.first_response()
    (message,) = server.channel_messages[server.general_id]
    (thread,) = server.threads.values()
    assert message["content"] == "Chapter 3"
    assert thread["id"] == message["id"]
    assert thread["name"] == "About: Chapter 3"
    assert [m["content"] for m in server.channel_messages[int(thread["id"])]] == ["Discuss here."]
    assert server.frames_of(event="THREAD_CREATE")
    guild = running.client.get_guild(server.guild_id)
    assert guild is not None
    assert guild.get_thread(int(thread["id"])) is not None


async def test_rate_limit_is_retried(server: LocalDiscord, running: BotRun) -> None:
    fault = server.fail("POST", r"^/channels/\d+/messages$", 429, retry_after=2.5)
    record = await server.invoke("post", {"text": "rate limited once"})
    await record.first_response()
    statuses = [r.status for r in server.requests_to("POST", r"^/channels/\d+/messages$")]
    assert statuses == [429, 200, 200]
    assert fault.hits == 1
    assert 2.5 in running.http_sleeps  # discord.py honoured retry_after; the harness capped it


@pytest.mark.parametrize("status", [500, 502])
async def test_server_errors_are_retried(
    server: LocalDiscord, running: BotRun, status: int
) -> None:
    server.fail("POST", r"/threads$", status, times=2)
    record = await server.invoke("post", {"text": "flaky"})
    await record.first_response()
    statuses = [r.status for r in server.requests_to("POST", r"/threads$")]
    assert statuses == [status, status, 201]


async def test_forbidden_channel_surfaces_50013(server: LocalDiscord, running: BotRun) -> None:
    await server.set_permissions(
        server.study_id, server.bot_id, deny=discord.Permissions(send_messages=True).value
    )
    record = await server.invoke("post", {"text": "nope"}, channel_id=server.study_id)
    await server.wait_until(lambda: running.logged_errors)
    assert record.responses == []
    (refused,) = server.requests_to("POST", rf"^/channels/{server.study_id}/messages$")
    assert (refused.status, refused.code) == (403, 50013)
    assert "Missing Permissions" in str(running.logged_errors[0].exc_info[1])


async def test_modal_round_trip(server: LocalDiscord, running: BotRun) -> None:
    opened = await server.invoke("note")
    assert (await opened.first_response())["type"] == 9
    submitted = await server.submit_modal(opened, {"note": "read chapter 4"})
    response = await submitted.first_response()
    assert response["data"]["content"] == "Noted: read chapter 4"
    assert submitted.ephemeral


async def test_gateway_drop_resumes_and_replays(server: LocalDiscord, running: BotRun) -> None:
    await server.drop_gateway()
    record = await server.invoke("echo", {"text": "sent while down"})
    assert (await record.first_response(within=5))["data"]["content"] == "sent while down"
    (resume,) = server.frames_of(op=6)
    assert resume.d["session_id"] == "sandbox-session-1"
    replayed = server.frames.index(server.frames_of(event="INTERACTION_CREATE")[0])
    assert server.frames.index(resume) < replayed  # buffered while down, replayed on RESUME
    assert server.frames_of(event="RESUMED")
    assert server.gateway.identifies == 1
    again = await server.invoke("echo", {"text": "after resume"})
    assert (await again.first_response())["data"]["content"] == "after resume"
    assert running.alive


async def test_tolerable_malformed_dispatches_do_not_kill_the_client(
    server: LocalDiscord, running: BotRun
) -> None:
    await server.dispatch("NOT_A_REAL_EVENT", {"x": 1})
    await server.dispatch("GUILD_UPDATE", {"id": "12345"})
    await server.dispatch(
        "CHANNEL_CREATE", {"id": "1", "type": 0, "guild_id": "999", "name": "x", "position": 0}
    )
    await server.dispatch("CHANNEL_CREATE", {"id": "2", "type": 999, "guild_id": "1"})
    record = await server.invoke("echo", {"text": "still here"})
    assert (await record.first_response())["data"]["content"] == "still here"
    assert running.alive


async def test_interaction_without_attachment_size_limit_kills_the_client(
    server: LocalDiscord, running: BotRun
) -> None:
    """Why the sandbox sends full payloads: discord.py's parser raises and the client stops."""
    record = await server.invoke("echo", {"text": "x"})
    await record.first_response()
    broken = {k: v for k, v in record.payload.items() if k != "attachment_size_limit"}
    broken["id"] = "1"
    await server.dispatch("INTERACTION_CREATE", broken)
    assert isinstance(await running.wait_crash(), KeyError)


async def test_harness_restores_class_attributes(
    server: LocalDiscord, make_bot: Callable[[], discord.Client]
) -> None:
    before = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    async with run_bot_against(server, make_bot()) as run:
        assert server.api_base == discord.http.Route.BASE
        assert run.client.is_ready()
    assert before == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    assert run.client.is_closed()
    assert server.frames_of(op=6) == []  # a clean close, not a resume


async def test_wrong_token_fails_login(
    clock: ManualClock, make_bot: Callable[[], discord.Client]
) -> None:
    async with LocalDiscord(clock=clock, token="right") as strict:
        with pytest.raises(discord.LoginFailure):
            async with run_bot_against(strict, make_bot(), token="wrong"):
                pass
