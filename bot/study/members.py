"""Forgetting a member on a server: every row of their study data deleted, and their name taken
off what they changed as a moderator (the syllabus and schedule stay, credited to nobody)."""

from __future__ import annotations

from bot.store.state_db import StateDB

# The tables of a member's own data, each keyed by guild_id and member_id.
MEMBER_TABLES = ("quiz_questions", "quiz_scores", "review_cards", "review_reminders", "notes")
# Moderators' changes, kept for the server with the member's id replaced by NOBODY.
CREDITED = (("syllabus", "added_by"), ("schedules", "updated_by"))
NOBODY = 0


async def forget(db: StateDB, guild_id: int, member_id: int) -> dict[str, int]:
    """Delete the member's data on the server in one transaction; the rows deleted per table."""
    counts: dict[str, int] = {}
    async with db.transaction() as tx:
        for table in MEMBER_TABLES:
            counts[table] = await tx.execute(
                f"DELETE FROM {table} WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
            )
        for table, column in CREDITED:
            await tx.execute(
                f"UPDATE {table} SET {column} = ? WHERE guild_id = ? AND {column} = ?",
                (NOBODY, guild_id, member_id),
            )
    return counts


async def count(db: StateDB, guild_id: int, member_id: int) -> dict[str, int]:
    """The rows of the member's data on the server, per table (what forgetting would delete)."""
    counts = {}
    for table in MEMBER_TABLES:
        rows = await db.fetch(
            f"SELECT count(*) FROM {table} WHERE guild_id = ? AND member_id = ?",
            (guild_id, member_id),
        )
        counts[table] = int(rows[0][0])
    return counts
