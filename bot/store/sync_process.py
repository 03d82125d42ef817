"""A reload's sync in a process of its own: loading, validating and building a reading is
Python work that would hold the serving process's interpreter (its GIL) for most of a second,
and every answer would queue behind it. The child brings the database up to date and reports;
the serving process only swaps in what is served now.
The child is `python -m bot.store.sync_child DATABASE DATA_DIR`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

from bot.store.library import ReadingMeta
from bot.store.sync import SyncReport

COMMITTING = "committing"  # what the child prints, and the readings, just before it commits
GO_AHEAD = "commit"  # what the child waits for before it commits
REPORT_MAX = 16 << 20  # bytes of the one-line report (every problem of every failed reading)


class SyncProcessError(RuntimeError):
    """The sync process failed (its log says why); the content served before serves on."""


async def sync_in_a_process(
    database_path: Path, data_dir: Path, committing: Callable[[dict[int, ReadingMeta]], None]
) -> SyncReport:
    """Run the sync in a child process (its log goes to this process's standard error); call
    `committing` with the readings it adds or replaces when it is about to commit them (the
    child waits for it). The report's `readings` is left for the caller."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.store.sync_child",
        str(database_path),
        str(data_dir),
        stdout=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.PIPE,
        limit=REPORT_MAX,
    )
    assert child.stdout is not None
    assert child.stdin is not None
    report: SyncReport | None = None
    try:
        async for line in child.stdout:
            text = line.decode().strip()
            if text.startswith(COMMITTING):
                found = json.loads(text.removeprefix(COMMITTING))
                committing({reading["row"]: ReadingMeta.from_dict(reading) for reading in found})
                with contextlib.suppress(ConnectionError):  # ended: its code tells
                    child.stdin.write(f"{GO_AHEAD}\n".encode())
                    await child.stdin.drain()
            elif text.startswith("{"):
                report = SyncReport.from_json(text)
    except BaseException:  # cancelled (the bot stopping), say: the child stops at once
        with contextlib.suppress(ProcessLookupError):  # it has ended already
            child.kill()
        raise
    finally:
        child.stdin.close()  # a child waiting for the go-ahead rolls back
        code = await child.wait()
    if code != 0 or report is None:
        raise SyncProcessError(f"the content sync process ended with code {code}: see its log")
    return report
