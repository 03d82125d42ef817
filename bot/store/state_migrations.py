"""The numbered migrations of the state on PostgreSQL (`bot/store/postgres/`; SQLite's state
tables are in `bot/store/migrations/`, beside the content's). Each is applied once, in a
transaction, under an advisory lock, so that processes starting together never apply one
twice."""

from __future__ import annotations

import logging
from importlib import resources
from typing import Any

log = logging.getLogger(__name__)

LOCK = 0x5265_6164  # "Read": the advisory lock of this database's migrations


def migrations() -> list[tuple[int, str]]:
    folder = resources.files("bot.store") / "postgres"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(state: Any) -> None:
    async with state.transaction() as tx:
        await tx.execute("SELECT pg_advisory_xact_lock(?)", (LOCK,))
        await tx.execute(
            "CREATE TABLE IF NOT EXISTS state_migrations (version INTEGER PRIMARY KEY, "
            "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        done = {row[0] for row in await tx.fetch("SELECT version FROM state_migrations")}
        for number, sql in migrations():
            if number in done:
                continue
            log.info("applying state migration %04d", number)
            await tx.connection.execute(sql)  # a whole script: asyncpg runs it as it is
            await tx.execute("INSERT INTO state_migrations (version) VALUES (?)", (number,))
