"""Notes end to end: saved from a lookup answer (Save) and from the bot's excerpt post (the
Save to my notes menu), listed and exported with citations; and /forget-me, after which no
row of the member is left in any table."""

from __future__ import annotations

import sqlite3

import asyncpg

from bot.sandbox.messages import create_message
from tests.conftest import ON_BOTH_BACKENDS, READING_ID, Sandbox

EPHEMERAL = 1 << 6
TITLE = "Can Markets Help Foster Civil Society in North Korea?"


async def save_from_define(sandbox: Sandbox, term: str) -> str:
    server = sandbox.server
    record = await sandbox.invoke("define", {"term": term}, user=server.member_id)
    await record.first_response(within=3)
    saved = await (await server.click(record, "Save", user=server.member_id)).first_response(
        within=3
    )
    assert saved["data"]["flags"] & EPHEMERAL
    return saved["data"]["content"]


async def post_excerpt(sandbox: Sandbox) -> dict:
    """A moderator posts the next excerpt in the general channel: the bot's message."""
    server = sandbox.server
    options = {"channel": server.general_id, "time": "09:00", "timezone": "UTC"}
    await sandbox.ask("excerpt schedule", options, user=server.moderator_id)
    record = await server.invoke("excerpt post", user=server.moderator_id)
    (note,) = await record.wait_followups(1, within=3)
    posts = server.channel_messages[server.general_id]
    assert posts, note["content"]
    return posts[-1]


@ON_BOTH_BACKENDS
async def test_notes_from_a_lookup_and_an_excerpt_post_then_exported(sandbox: Sandbox) -> None:
    server = sandbox.server
    assert await save_from_define(sandbox, "civil society") == (
        "Saved to your notes: /notes list shows them."
    )
    assert await save_from_define(sandbox, "civil society") == "Already in your notes."
    sandbox.clock.advance(minutes=5)
    post = await post_excerpt(sandbox)
    menu = await server.invoke_context_menu("Save to my notes", post, user=server.member_id)
    assert (await menu.first_response(within=3))["data"]["content"].startswith("Saved")

    listed = (await sandbox.ask("notes list", user=server.member_id))["data"]
    assert listed["flags"] & EPHEMERAL
    page = listed["embeds"][0]
    assert page["description"].startswith("2 note(s)")
    names = [field["name"] for field in page["fields"]]
    assert names[1] == f"{TITLE} · Civil society"  # newest first: the excerpt, then the term
    assert names[0].startswith(TITLE)
    assert not any(
        c["label"] == "Save" for row in listed.get("components", []) for c in row["components"]
    )

    record = await sandbox.invoke("notes export", {"style": "mla"}, user=server.member_id)
    exported = (await record.first_response(within=3))["data"]
    assert exported["flags"] & EPHEMERAL
    (attachment,) = record.original["attachments"]
    assert attachment["filename"] == "reading-room-notes.md"
    markdown = server.attachment_content(attachment).decode()
    assert markdown.startswith("# My Reading Room notes")
    assert f"## {TITLE}" in markdown
    assert "### Civil society" in markdown
    citation = f"> Source: “{TITLE}” *United States Institute of Peace*, https://www.usip.org/"
    assert markdown.count(citation) == 2  # one for each note


async def test_only_the_bots_own_posts_can_be_saved(sandbox: Sandbox) -> None:
    server = sandbox.server
    # A member's message: one in the sandbox's store, its author the member.
    message = create_message(
        server.world, server.general_id, {"content": "my own words"}, files=[], flags=0
    )
    message["author"] = server.world.user(server.member_id)
    menu = await server.invoke_context_menu("Save to my notes", message, user=server.member_id)
    refusal = (await menu.first_response(within=3))["data"]
    assert refusal["flags"] & EPHEMERAL
    assert refusal["content"] == "Only the bot's own posts can be saved to your notes."
    assert (await sandbox.bot.study.notes(server.guild_id, server.member_id)).notes == ()


async def rows_with(sandbox: Sandbox, value: int) -> dict[str, int]:
    """Rows of every table that hold `value` in any column: in the bot's SQLite file and, when
    the state is in PostgreSQL, in every table there."""
    found = {}
    with sqlite3.connect(sandbox.bot.settings.database_path) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'"
            )
        ]
        for table in tables:
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            condition = " OR ".join(f'"{c}" = ?' for c in columns)
            (count,) = connection.execute(
                f"SELECT count(*) FROM {table} WHERE {condition}", [value] * len(columns)
            ).fetchone()
            if count:
                found[table] = count
    if sandbox.bot.settings.database_url:
        found.update(await _postgres_rows_with(sandbox.bot.settings.database_url, value))
    return found


async def _postgres_rows_with(url: str, value: int) -> dict[str, int]:
    connection = await asyncpg.connect(url)
    try:
        columns: dict[str, list[str]] = {}
        for table, column in await connection.fetch(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        ):
            columns.setdefault(table, []).append(column)
        found = {}
        for table, names in columns.items():
            condition = " OR ".join(f'"{c}"::text = $1' for c in names)
            count = await connection.fetchval(
                f'SELECT count(*) FROM "{table}" WHERE {condition}', str(value)
            )
            if count:
                found[table] = count
        return found
    finally:
        await connection.close()


@ON_BOTH_BACKENDS
async def test_forget_me_leaves_no_row_of_the_member(sandbox: Sandbox) -> None:
    server = sandbox.server
    member = server.member_id
    question = await sandbox.invoke("quiz ask", user=member)
    data = (await question.first_response(within=3))["data"]
    first = data["components"][0]["components"][0]["label"]
    await (await server.click(question, first, user=member)).wait_followups(1, within=3)
    await sandbox.ask("quiz join", user=member)
    await sandbox.ask("review next", user=member)
    await sandbox.ask("review remind", {"time": "09:00", "timezone": "UTC"}, user=member)
    await save_from_define(sandbox, "civil society")
    await sandbox.ask("syllabus add", {"reading": READING_ID}, user=server.moderator_id)
    other = await sandbox.invoke("quiz ask", user=server.moderator_id)  # someone else's data
    await other.first_response(within=3)

    assert set(await rows_with(sandbox, member)) == {
        "quiz_questions",
        "quiz_scores",
        "review_cards",
        "review_reminders",
        "notes",
    }
    record = await sandbox.invoke("forget-me", user=member)
    prompt = (await record.first_response(within=3))["data"]
    assert prompt["flags"] & EPHEMERAL
    assert (
        "1 quiz questions, 1 quiz scores, 1 review cards, 1 review reminders, 1 notes"
        in (prompt["content"])
    )
    await (await server.click(record, "Delete everything", user=member)).first_response(within=3)
    assert record.original["content"].startswith("Done: deleted 1 quiz questions")
    assert await rows_with(sandbox, member) == {}
    assert await rows_with(sandbox, server.moderator_id)  # nobody else's data went
    assert await sandbox.bot.store.syllabus(server.guild_id) == [READING_ID]


async def test_forget_me_can_be_cancelled(sandbox: Sandbox) -> None:
    server = sandbox.server
    await save_from_define(sandbox, "civil society")
    record = await sandbox.invoke("forget-me", user=server.member_id)
    await record.first_response(within=3)
    await (await server.click(record, "Cancel", user=server.member_id)).first_response(within=3)
    assert record.original["content"] == "Nothing was deleted."
    assert len((await sandbox.bot.study.notes(server.guild_id, server.member_id)).notes) == 1
