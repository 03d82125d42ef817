"""Driving the bot: commands, context menus, autocomplete, clicks, selects and modals, sent as
a member would and typed by the registered definitions."""

from __future__ import annotations

import pytest

from bot.sandbox import (
    BotRun,
    LocalDiscord,
    NoSuchComponentError,
    OptionError,
    SandboxError,
    UnknownCommandError,
)


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


async def test_modal_round_trip(server: LocalDiscord, running: BotRun) -> None:
    opened = await server.invoke("note")
    assert (await opened.first_response())["type"] == 9
    submitted = await server.submit_modal(opened, {"note": "read chapter 4"})
    response = await submitted.first_response()
    assert response["data"]["content"] == "Noted: read chapter 4"
    assert submitted.ephemeral


async def test_invoke_needs_a_connected_bot(server: LocalDiscord) -> None:
    server.global_commands.append({"id": "1", "name": "ping", "type": 1, "options": []})
    with pytest.raises(SandboxError, match="no bot"):
        await server.invoke("ping")


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
