"""Each member's notes: what they saved of an answer or an excerpt post, as they saw it, with
the readings it came from (for its citation). The same page is saved once."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from bot.store.errors import UserError
from bot.store.state_db import StateDB, lock_key

NOTES_MAX = 1000  # notes one member keeps on one server
NOTE_TEXT_MAX = 4000  # characters of a note's body kept


@dataclass(frozen=True, slots=True)
class Note:
    number: int
    readings: tuple[str, ...]
    title: str
    body: str
    saved_at: int


class Notes:
    def __init__(self, db: StateDB) -> None:
        self.db = db

    async def save(
        self,
        guild_id: int,
        member_id: int,
        readings: tuple[str, ...],
        title: str,
        body: str,
        now: int,
    ) -> tuple[Note, bool]:
        """Keep a note; the note and True, or the one already kept and False."""
        title, body = title.strip()[:256], body.strip()[:NOTE_TEXT_MAX]
        digest = hashlib.blake2b(f"{title}\n{body}".encode(), digest_size=16).hexdigest()
        async with self.db.transaction(lock_key("notes", guild_id, member_id)) as tx:
            found = await self._find(tx, guild_id, member_id, "digest = ?", (digest,))
            if found:
                return found[0], False
            rows = await tx.fetch(
                "SELECT count(*) FROM notes WHERE guild_id = ? AND member_id = ?",
                (guild_id, member_id),
            )
            if rows[0][0] >= NOTES_MAX:
                raise UserError(
                    f"You keep {NOTES_MAX} notes here already: /notes export them, "
                    "then /forget-me to start again."
                )
            rows = await tx.fetch(
                "INSERT INTO notes (guild_id, member_id, readings, title, body, digest, saved_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (guild_id, member_id, json.dumps(list(readings)), title, body, digest, now),
            )
        return Note(rows[0][0], readings, title, body, now), True

    async def list(self, guild_id: int, member_id: int) -> list[Note]:
        """The member's notes, newest first."""
        return await self._find(self.db, guild_id, member_id, "1 = 1", ())

    @staticmethod
    async def _find(
        via: StateDB, guild_id: int, member_id: int, condition: str, params: tuple[object, ...]
    ) -> list[Note]:
        rows = await via.fetch(
            "SELECT id, readings, title, body, saved_at FROM notes "
            f"WHERE guild_id = ? AND member_id = ? AND {condition} ORDER BY saved_at DESC, id DESC",
            (guild_id, member_id, *params),
        )
        return [
            Note(number, tuple(json.loads(readings)), title, body, saved_at)
            for number, readings, title, body, saved_at in rows
        ]
