"""`python -m bot migrate-state --to URL`: the guilds' state moved from the SQLite file to an
empty PostgreSQL, each table's count checked."""

from __future__ import annotations

import asyncio
import sys

from bot.config import Settings
from bot.store import Store
from bot.store.errors import UserError
from bot.store.state_copy import copy_state
from bot.store.state_db import open_state


def migrate_state(settings: Settings, url: str | None) -> int:
    """Copy the state of the SQLite file into the empty PostgreSQL at `url` (by default
    DATABASE_URL's, which keeps a password out of the shell's history), verify each table's
    count, and print them. Stop the bot first: what it writes meanwhile would not be copied."""
    url = url or settings.database_url
    if not url:
        print("Name the PostgreSQL: --to URL, or DATABASE_URL in .env.", file=sys.stderr)
        return 2

    async def migrate() -> dict[str, int]:
        async with await Store.open(settings.database_path, settings.data_dir) as store:
            target = await open_state(url)
            try:
                async with store.snapshot():  # every table as of one moment
                    return await copy_state(store.state, target)
            finally:
                await target.close()

    try:
        counts = asyncio.run(migrate())
    except UserError as error:  # a target that already holds state: nothing was written
        print(error, file=sys.stderr)
        return 1
    for table, count in counts.items():
        print(f"{table}: {count} row(s) copied, counts match")
    print("ok: the state is in PostgreSQL; set DATABASE_URL to it and restart the bot")
    return 0
