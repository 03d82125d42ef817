"""The child of a reload (bot/store/sync_process.py): brings the database up to date with the
data folder, prints `committing` and the readings it adds or replaces (as JSON) just before its
change commits, and commits once it reads `commit` on standard input: the serving process's
go-ahead (the end of its input instead rolls the change back; run from a terminal, it does not
wait). Then it prints its report as one line of JSON. Its log goes to standard error, which it
shares with the bot.

    python -m bot.store.sync_child DATABASE DATA_DIR
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path

from bot.store import database
from bot.store.sync import SyncReport, sync_content
from bot.store.sync_process import COMMITTING, GO_AHEAD, SyncProcessError


async def _sync(database_path: Path, data_dir: Path) -> SyncReport:
    connection = await database.connect(database_path)
    try:
        return await sync_content(connection, data_dir, _committing)
    finally:
        await connection.close()


def _committing(report: SyncReport) -> None:
    """Tell the serving process the readings about to be committed, and wait until it knows:
    an answer that meets their rows before the swap then finds their titles, and one that
    finds nothing is asked again after the swap."""
    new = {*report.added, *report.replaced}
    readings = [meta.to_dict() for meta in (report.readings or {}).values() if meta.id in new]
    print(COMMITTING, json.dumps(readings, ensure_ascii=False), flush=True)
    if not sys.stdin.isatty() and sys.stdin.readline().strip() != GO_AHEAD:
        raise SyncProcessError("the serving process gave no go-ahead: nothing committed")


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(message)s")
    report = asyncio.run(_sync(Path(argv[0]), Path(argv[1])))
    print(report.to_json(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
