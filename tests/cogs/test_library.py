"""/reading and /syllabus end to end, with a library of three readings: the seed and two the
curate tool drafted from test articles (tests/library)."""

from __future__ import annotations

from typing import Any

from tests.conftest import ON_BOTH_BACKENDS, READING_ID, Sandbox

VANTOR = "vantor-chip-plant-delay"
NK_INFO = "north-korea-information-access"
NK_INFO_TITLE = "Thumb Drives and Shortwave: Can Outside Information Still Reach North Koreans?"
VANTOR_TITLE = "Vantor delays $8 billion Ohio chip plant, citing weak auto demand"
SEED_TITLE = "Can Markets Help Foster Civil Society in North Korea?"


async def moderator(sandbox: Sandbox, command: str, options: dict[str, Any] | None = None) -> dict:
    record = await sandbox.server.invoke(command, options, user=sandbox.server.moderator_id)
    return await record.first_response()


def titles(response: dict) -> list[str]:
    return [field["name"] for field in response["data"]["embeds"][0]["fields"]]


async def test_members_without_manage_server_cannot_change_the_syllabus(
    library_sandbox: Sandbox,
) -> None:
    server = library_sandbox.server
    for command, options in (
        ("syllabus add", {"reading": VANTOR}),
        ("syllabus show", None),
        ("syllabus remove", {"reading": VANTOR}),
        ("syllabus move", {"reading": VANTOR, "position": 1}),
    ):
        record = await server.invoke(command, options, user=server.member_id)
        response = await record.first_response()
        assert record.ephemeral
        assert response["data"]["content"] == (
            "Only members with the Manage Server permission can manage the syllabus."
        )
    assert await library_sandbox.bot.store.syllabus(server.guild_id) == []
    assert server.command("syllabus")["default_member_permissions"] in (32, "32")


@ON_BOTH_BACKENDS
async def test_a_moderator_builds_orders_and_trims_the_syllabus(library_sandbox: Sandbox) -> None:
    shown = await moderator(library_sandbox, "syllabus show")
    assert "no syllabus yet" in shown["data"]["embeds"][0]["description"]
    await moderator(library_sandbox, "syllabus add", {"reading": VANTOR})
    await moderator(library_sandbox, "syllabus add", {"reading": READING_ID})
    added = await moderator(library_sandbox, "syllabus add", {"reading": NK_INFO, "position": 1})
    assert [name.split(". ", 1)[0] for name in titles(added)] == ["1", "2", "3"]
    assert titles(added)[0] == f"1. {NK_INFO_TITLE}"
    moved = await moderator(
        library_sandbox, "syllabus move", {"reading": READING_ID, "position": 1}
    )
    assert titles(moved)[0] == f"1. {SEED_TITLE}"
    removed = await moderator(library_sandbox, "syllabus remove", {"reading": VANTOR})
    assert len(titles(removed)) == 2
    again = await moderator(library_sandbox, "syllabus add", {"reading": NK_INFO})
    assert again["data"]["content"].startswith("“north-korea-information-access” is already on")
    unknown = await moderator(library_sandbox, "syllabus add", {"reading": "no-such-reading"})
    assert "No reading “no-such-reading” in the library" in unknown["data"]["content"]
    listed = await library_sandbox.ask("reading", user=library_sandbox.server.member_id)
    page = listed["data"]["embeds"][0]
    assert page["description"].startswith("3 reading(s) in the library; 2 on this server's")
    marks = {f["name"]: "syllabus: #" in f["value"] for f in page["fields"]}
    assert marks == {SEED_TITLE: True, NK_INFO_TITLE: True, VANTOR_TITLE: False}


async def test_reading_autocomplete_offers_the_library(library_sandbox: Sandbox) -> None:
    choices = await library_sandbox.choices("define", "reading", "short", term="x")
    assert [c["value"] for c in choices] == [NK_INFO]
    everything = await library_sandbox.choices("syllabus add", "reading", "")
    assert sorted(c["value"] for c in everything) == sorted([READING_ID, VANTOR, NK_INFO])


async def test_lookups_answer_from_the_syllabus_or_the_reading_asked_for(
    library_sandbox: Sandbox,
) -> None:
    sandbox = library_sandbox
    member = sandbox.server.member_id
    found = await sandbox.ask("define", {"term": "shortwave radio"}, user=member)
    assert found["data"]["embeds"][0]["title"] == "Shortwave radio"  # the whole library
    assert NK_INFO_TITLE in found["data"]["embeds"][0]["footer"]["text"]
    await moderator(sandbox, "syllabus add", {"reading": READING_ID})
    missing = await sandbox.ask("define", {"term": "shortwave radio"}, user=member)
    assert missing["data"]["content"].startswith("No concept called “shortwave radio”")
    assert (
        f"It is in “{NK_INFO_TITLE}” (not on this server's syllabus)"
        in (missing["data"]["content"])
    )
    narrowed = await sandbox.ask(
        "define", {"term": "shortwave radio", "reading": NK_INFO}, user=member
    )
    assert narrowed["data"]["embeds"][0]["title"] == "Shortwave radio"
    hits = await sandbox.ask("search", {"query": "chip plant"}, user=member)
    assert hits["data"]["content"].startswith("Nothing in the readings matches")
    hits = await sandbox.ask("search", {"query": "chip plant", "reading": VANTOR}, user=member)
    assert all(VANTOR_TITLE in f["value"] for f in hits["data"]["embeds"][0]["fields"])
    quote = await sandbox.ask("quote", {"speaker": "Malhotra"}, user=member)
    assert quote["data"]["content"].startswith("No quote by “Malhotra”")
    quote = await sandbox.ask("quote", {"speaker": "Malhotra", "reading": VANTOR}, user=member)
    assert quote["data"]["embeds"][0]["footer"]["text"].startswith(VANTOR_TITLE)
    other = await sandbox.ask("expert", {"name": "Malhotra", "reading": NK_INFO}, user=member)
    assert f"It is in “{VANTOR_TITLE}” (another reading)" in other["data"]["content"]
    unknown = await sandbox.ask("expert", {"name": "Yeo", "reading": "nowhere"}, user=member)
    assert "No reading “nowhere” in the library" in unknown["data"]["content"]


async def test_an_expert_quoted_in_two_readings_is_one_expert(library_sandbox: Sandbox) -> None:
    sandbox = library_sandbox
    both = (await sandbox.ask("expert", {"name": "Andrew Yeo"}))["data"]["embeds"]
    first = both[0]
    assert first["title"] == "Andrew Yeo"
    assert f"senior fellow, the Brookings Institution (*{NK_INFO_TITLE}*)" in first["description"]
    assert f"Catholic University (*{SEED_TITLE}*)" in first["description"]
    assert first["fields"][0]["name"].startswith(f"{SEED_TITLE} · ")  # quotes under readings
    entry = await sandbox.bot.store.expert("Andrew Yeo")
    assert [role.reading for role in entry.roles] == [SEED_TITLE, NK_INFO_TITLE]
    readings = [quote.reading for quote in entry.quotes]
    assert readings == sorted(readings, key=[SEED_TITLE, NK_INFO_TITLE].index)  # grouped
    assert {quote.speaker.role for quote in entry.quotes if quote.reading == NK_INFO_TITLE} == {
        "senior fellow"
    }
    await moderator(sandbox, "syllabus add", {"reading": NK_INFO})
    one = (await sandbox.ask("expert", {"name": "Yeo"}))["data"]["embeds"][0]
    assert one["description"].startswith("senior fellow, the Brookings Institution")
    assert one["footer"]["text"] == NK_INFO_TITLE


@ON_BOTH_BACKENDS
async def test_daily_excerpts_walk_from_one_reading_into_the_next(
    library_sandbox: Sandbox,
) -> None:
    sandbox, server = library_sandbox, library_sandbox.server
    await moderator(sandbox, "syllabus add", {"reading": VANTOR})
    await moderator(sandbox, "syllabus add", {"reading": NK_INFO})
    await moderator(
        sandbox,
        "excerpt schedule",
        {
            "channel": server.study_id,
            "time": "09:00",
            "timezone": "UTC",
            "content": "quotes",
            "at_end": "stop",
        },
    )
    for day in range(2, 31):
        sandbox.clock.set(f"2026-03-{day:02}T09:00", "UTC")
        await sandbox.bot.scheduler.tick()
        if day == 11:  # after ten posts, the status names where the walk stands
            status = await moderator(sandbox, "excerpt status")
            position = {f["name"]: f["value"] for f in status["data"]["embeds"][0]["fields"]}
            assert position["Position"].startswith(f"next: quote 11 of 11 of *{VANTOR_TITLE}*")
    footers = [m["embeds"][0]["footer"]["text"] for m in server.channel_messages[server.study_id]]
    assert [f.split(" · ")[0] for f in footers] == [VANTOR_TITLE] * 11 + [NK_INFO_TITLE] * 6
    assert footers[10].endswith("excerpt 11 of 11")
    assert footers[11].endswith("excerpt 1 of 6")
    assert "the daily schedule stops here" in footers[-1]
    assert (await sandbox.bot.store.schedule(server.guild_id)).paused


async def test_autocomplete_and_did_you_mean_follow_the_syllabus(library_sandbox: Sandbox) -> None:
    sandbox = library_sandbox
    assert [c["value"] for c in await sandbox.choices("define", "term", "shortw")] == [
        "Shortwave radio"
    ]
    await moderator(sandbox, "syllabus add", {"reading": READING_ID})
    assert await sandbox.choices("define", "term", "shortw") == []
    offered = await sandbox.choices("define", "term", "", reading=NK_INFO)
    assert "Shortwave radio" in [c["value"] for c in offered]
    assert "Civil society" not in [c["value"] for c in offered]
    speakers = [c["value"] for c in await sandbox.choices("expert", "name", "")]
    assert "Raj Malhotra" not in speakers
    assert "Andrew Yeo" in speakers
    missed = await sandbox.ask("expert", {"name": "Malhotr"})
    assert "Raj Malhotra" not in missed["data"]["content"]


async def test_a_syllabus_whose_readings_all_left_the_library_says_so(
    library_sandbox: Sandbox,
) -> None:
    sandbox = library_sandbox
    async with sandbox.bot.store.connection.execute(
        "INSERT INTO syllabus (guild_id, reading, position, added_by) VALUES (?, 'gone', 0, 1)",
        (sandbox.server.guild_id,),
    ):
        pass
    answer = await sandbox.ask("quote")
    assert answer["data"]["content"].startswith(
        "None of this server's syllabus readings is in the library now"
    )
    assert await sandbox.choices("define", "term", "") == []
    narrowed = await sandbox.ask("quote", {"reading": f"  {VANTOR.upper()} "})
    assert narrowed["data"]["embeds"][0]["footer"]["text"].startswith(VANTOR_TITLE)
