"""Copying the guilds' and members' state from one database to another (SQLite's to an empty
PostgreSQL, for `python -m bot migrate-state`): every table in one transaction of the target,
each table's count checked against the source's, and the target's row numbers set to go on
after the rows copied."""

from __future__ import annotations

from bot.store.errors import UserError
from bot.store.guild_state import STATE_KEYS
from bot.store.state_db import StateDB

# The state's tables and their columns, parents first.
TABLES: dict[str, tuple[str, ...]] = {
    "syllabus": ("guild_id", "reading", "position", "added_by"),
    "schedules": (
        "guild_id", "channel_id", "local_time", "timezone", "mention_role_id", "open_thread",
        "source", "at_end", "position", "next_run", "next_date", "paused", "pause_reason",
        "failures", "retry_at", "last_result", "last_error", "last_run", "updated_by",
        "reading", "item",
    ),
    "posts": (
        "guild_id", "local_date", "position", "nonce", "status", "claimed_at", "message_id",
        "reading", "item", "claimed_by",
    ),
    "quiz_questions": (
        "id", "guild_id", "member_id", "kind", "reading", "item", "question", "asked_at",
        "chosen", "answered_at",
    ),
    "quiz_scores": (
        "guild_id", "member_id", "answered", "correct", "streak", "best_streak", "on_board",
    ),
    "review_cards": (
        "id", "guild_id", "member_id", "reading", "kind", "item", "card", "due", "reviews",
        "added_at", "chosen",
    ),
    "review_reminders": (
        "guild_id", "member_id", "local_time", "timezone", "next_run", "next_date", "last_date",
    ),
    "notes": (
        "id", "guild_id", "member_id", "readings", "title", "body", "digest", "saved_at",
    ),
}  # fmt: skip
NUMBERED = ("quiz_questions", "review_cards", "notes")  # whose `id` the database gives out
META = "meta"


def _only_state(table: str) -> tuple[str, tuple[str, ...]]:
    """A condition keeping the rows of `table` that are state (meta: the bot's own keys)."""
    if table != META:
        return "1 = 1", ()
    return f"key IN ({', '.join('?' * len(STATE_KEYS))})", STATE_KEYS


async def count(db: StateDB) -> dict[str, int]:
    """The state's rows, per table."""
    counts = {}
    for table in [*TABLES, META]:
        condition, params = _only_state(table)
        rows = await db.fetch(f"SELECT count(*) FROM {table} WHERE {condition}", params)
        counts[table] = int(rows[0][0])
    return counts


async def copy_state(source: StateDB, target: StateDB) -> dict[str, int]:
    """Copy every row of state from `source` into `target`, which must hold none; the rows
    copied per table, each checked against the source's count."""
    if any((await count(target)).values()):
        raise UserError("The target database already holds state: copy into an empty one.")
    expected = await count(source)
    async with target.transaction() as tx:
        for table, columns in [*TABLES.items(), (META, ("key", "value"))]:
            condition, params = _only_state(table)
            rows = await source.fetch(
                f"SELECT {', '.join(columns)} FROM {table} WHERE {condition}", params
            )
            marks = ", ".join("?" * len(columns))
            await tx.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [tuple(row) for row in rows],
            )
        if tx.dialect == "postgres":
            for table in NUMBERED:  # new rows go on after the copied ones
                await tx.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
        copied = await count(tx)
        if copied != expected:  # raised inside: the transaction is rolled back, nothing kept
            raise RuntimeError(f"the copy does not match the source: {copied} != {expected}")
    return copied
