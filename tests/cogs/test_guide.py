"""/publications, /reading and /help end to end."""

from __future__ import annotations

from tests.conftest import COMMAND_NAMES, READING_ID, Sandbox


async def test_publications_newest_first(sandbox: Sandbox) -> None:
    (page,) = (await sandbox.ask("publications"))["data"]["embeds"]
    dates = [field["value"][:10] for field in page["fields"]]
    assert len(dates) == 4
    assert dates == sorted(dates, reverse=True)


async def test_publications_by_type_and_topic(sandbox: Sandbox) -> None:
    (page,) = (await sandbox.ask("publications", {"type": "Question and Answer"}))["data"]["embeds"]
    assert [f["name"] for f in page["fields"]] == [
        "North Korean Troops in Russia Show Putin Is Doubling Down on Ukraine War"
    ]
    (page,) = (await sandbox.ask("publications", {"topic": "Conflict Analysis & Prevention"}))[
        "data"
    ]["embeds"]
    assert len(page["fields"]) == 2


async def test_publications_no_match_suggests(sandbox: Sandbox) -> None:
    response = await sandbox.ask("publications", {"type": "Analysys"})
    assert "Did you mean: **Analysis**" in response["data"]["content"]


async def test_publications_autocomplete(sandbox: Sandbox) -> None:
    types = [c["value"] for c in await sandbox.choices("publications", "type", "")]
    assert types == ["Analysis", "Question and Answer"]
    topics = [c["value"] for c in await sandbox.choices("publications", "topic", "glo")]
    assert topics == ["Global Policy"]


async def test_reading_lists_the_library(sandbox: Sandbox) -> None:
    (page,) = (await sandbox.ask("reading"))["data"]["embeds"]
    assert page["title"] == "The library"
    (field,) = page["fields"]
    assert field["name"] == "Can Markets Help Foster Civil Society in North Korea?"
    assert f"`{READING_ID}`" in field["value"]
    assert "whole library" in page["description"]  # no syllabus yet


async def test_reading_overview(sandbox: Sandbox) -> None:
    (page,) = (await sandbox.ask("reading", {"reading": READING_ID}))["data"]["embeds"]
    assert page["title"] == "Can Markets Help Foster Civil Society in North Korea?"
    fields = {f["name"]: f["value"] for f in page["fields"]}
    assert "A Look at Markets in North Korea" in fields["Sections"]
    assert fields["Speakers"].count("**") == 8
    assert "21 quotes" in fields["In the store"]


async def test_help_lists_every_command(sandbox: Sandbox) -> None:
    response = await sandbox.ask("help")
    description = response["data"]["embeds"][0]["description"]
    registered = sandbox.server.guild_commands[sandbox.server.guild_id]
    names = {c["name"] for c in registered}
    assert names == COMMAND_NAMES
    for command in registered:
        if command.get("type", 1) != 1:  # a context menu: named, with where to find it
            assert f"**{command['name']}**" in description
            continue
        subcommands = [o["name"] for o in command.get("options", []) if o["type"] == 1]
        for name in [f"{command['name']} {sub}" for sub in subcommands] or [command["name"]]:
            assert f"`/{name}`" in description
    assert response["data"]["flags"] & 64
