"""Several bot processes on one database file: each rebuild happens once, a process waits for
another's rebuild rather than failing, and a running process follows content rebuilt under it."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.store import Store, database

ROOT = Path(__file__).resolve().parents[2]
OPEN_STORE = """
import asyncio, logging, sys
from pathlib import Path
from bot.store import Store

logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")

async def main():
    async with await Store.open(sys.argv[1], Path(sys.argv[2])) as store:
        print(len(await store.overview()))

asyncio.run(main())
"""


async def open_in_a_process(db_path: Path, data_dir: Path) -> tuple[int, str, str]:
    """Open the store in a new Python process: (exit code, what it printed, what it logged)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        OPEN_STORE,
        str(db_path),
        str(data_dir),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_three_processes_opening_a_new_database_build_it_once(
    tmp_path: Path, data_dir: Path
) -> None:
    db_path = tmp_path / "shared.db"
    results = await asyncio.gather(*(open_in_a_process(db_path, data_dir) for _ in range(3)))
    assert [(code, out.strip()) for code, out, _ in results] == [(0, "1")] * 3, results
    logs = [err for *_, err in results]
    built = [line for log in logs for line in log.splitlines() if line.startswith("rebuilt ")]
    assert built == [f"rebuilt the store from {data_dir}"], logs


async def test_a_rebuild_waits_for_another_process_past_the_usual_lock_wait(
    tmp_path: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    db_path = tmp_path / "shared.db"
    async with await Store.open(db_path, data_dir):
        pass
    with sqlite3.connect(db_path) as raw:
        (built,) = raw.execute("SELECT hash FROM readings").fetchone()
        raw.execute("UPDATE readings SET hash = 'older'")
    raw.close()
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 100)  # a statement's usual wait, shortened
    holding = threading.Event()

    def rebuild_elsewhere() -> None:  # another process's long rebuild, of the same content
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        holding.set()
        threading.Event().wait(0.6)  # six times the usual wait
        other.execute("UPDATE readings SET hash = ?", (built,))
        other.execute("COMMIT")
        other.close()

    elsewhere = threading.Thread(target=rebuild_elsewhere)
    elsewhere.start()
    await asyncio.to_thread(holding.wait)
    caplog.set_level(logging.INFO, logger="bot.store.sync")
    try:
        async with await Store.open(db_path, data_dir) as store:
            assert [r.title for r in await store.overview()]
    finally:
        await asyncio.to_thread(elsewhere.join)
    assert "another process rebuilt the store from the same content meanwhile" in caplog.text


async def test_a_running_store_follows_content_rebuilt_by_another_process(
    tmp_path: Path,
    data_dir: Path,
    reading_copy: Path,
    add_reading: Callable[[str], Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    db_path = tmp_path / "shared.db"
    meta = add_reading("a-new-reading") / "reading.toml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace('title = "', 'title = "New: ', 1), "utf-8"
    )
    async with await Store.open(db_path, data_dir) as running:
        assert len(await running.overview()) == 1
        code, out, log = await open_in_a_process(db_path, reading_copy)  # a new deployment
        assert (code, out.strip()) == (0, "2"), log
        assert "replacing the store's content, built from" in log
        caplog.set_level(logging.WARNING, logger="bot.store.store")
        overview = await running.overview()
        assert sorted(o.title.startswith("New: ") for o in overview) == [False, True]
        hits = await running.search("civil society")
        assert {hit.reading for hit in hits} == {o.title for o in overview}
        (first, second) = await running.define("civil society")
        assert (first.reading, second.reading) == (overview[0].title, overview[1].title)
        assert len((await running.expert("Hastings")).quotes) > 0
        assert (await running.publications()).total == 8
        assert "another process rebuilt the store's content: reloading it" in caplog.text
