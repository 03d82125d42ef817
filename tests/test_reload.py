"""Adding a reading to a running bot: `python -m bot reload` signals the real bot process, which
rebuilds only what changed; answers include the new reading and no schedule's next item moves."""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import sqlite3
from pathlib import Path

from bot.reload import reload_command, reload_running
from bot.sandbox import LocalDiscord
from bot.store import database
from tests.conftest import DATA_DIR, LIBRARY_DIR
from tests.test_main import run_cli, start_bot

NK_INFO = "north-korea-information-access"
VANTOR = "vantor-chip-plant-delay"


async def ask(server: LocalDiscord, command: str, options: dict, user: int | None = None) -> dict:
    record = await server.invoke(command, options, user=user)
    return await record.first_response(within=10)


def position(response: dict) -> str:
    fields = response["data"]["embeds"][0]["fields"]
    return next(f["value"] for f in fields if f["name"] == "Position")


async def test_a_reading_added_and_one_edited_go_live_on_reload(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "readings", data / "readings")
    shutil.copytree(LIBRARY_DIR / "readings" / VANTOR, data / "readings" / VANTOR)
    async with LocalDiscord() as server:
        process = await start_bot(
            server,
            "sandbox-token",
            tmp_path,
            DEV_GUILD_ID=str(server.guild_id),
            READING_ROOM_DATA=str(data),
        )
        try:
            await server.wait_until(lambda: server.guild_commands.get(server.guild_id), within=30)
            await server.wait_until(lambda: server.gateway.live_sessions, within=30)
            moderator = server.moderator_id
            for reading in (VANTOR, "markets-and-civil-society-north-korea"):
                await ask(server, "syllabus add", {"reading": reading}, moderator)
            schedule = {"channel": server.study_id, "time": "09:00", "timezone": "UTC"}
            await ask(server, "excerpt schedule", {**schedule, "content": "quotes"}, moderator)
            await ask(server, "excerpt skip", {}, moderator)
            before = position(await ask(server, "excerpt status", {}, moderator))
            missing = await ask(server, "define", {"term": "shortwave radio"})
            assert missing["data"]["content"].startswith("No concept called")

            shutil.copytree(LIBRARY_DIR / "readings" / NK_INFO, data / "readings" / NK_INFO)
            concepts = data / "readings" / VANTOR / "concepts.toml"
            concepts.write_text(
                concepts.read_text(encoding="utf-8").replace(
                    "term = 'Weak auto demand'", "term = 'Soft auto demand'"
                ),
                encoding="utf-8",
            )
            broken = data / "readings" / "zz-broken"
            shutil.copytree(LIBRARY_DIR / "readings" / NK_INFO, broken)
            (broken / "quotes.toml").unlink()
            code, lines = await asyncio.to_thread(reload_command, tmp_path / "run.db", 60)
            assert code == 1, lines  # a reading failed: said, and the rest serve
            assert lines[:2] == [
                f"process {process.pid}: 1 added ({NK_INFO}), 1 replaced ({VANTOR}), "
                "1 failed validation (zz-broken)",
                "  zz-broken is not loaded (its last good version, if any, serves):",
            ]
            assert lines[2].endswith("quotes.toml: '-', field '-': file is missing")

            added = await ask(server, "define", {"term": "shortwave radio", "reading": NK_INFO})
            assert added["data"]["embeds"][0]["title"] == "Shortwave radio"
            edited = await ask(server, "define", {"term": "soft auto demand"})
            assert edited["data"]["embeds"][0]["title"] == "Soft auto demand"
            after = position(await ask(server, "excerpt status", {}, moderator))
            assert after == before
            assert after.startswith("next: quote 2 of 11 of")
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=15)
        log = output.decode()
        assert process.returncode == 0, log
        assert "reloaded the content: 1 added (north-korea-information-access), 1 replaced" in log
        assert "reading zz-broken is not loaded: 1 problem(s)" in log


def test_reload_with_no_bot_running_says_so(tmp_path: Path) -> None:
    assert run_cli("export", tmp_path=tmp_path).returncode == 0  # makes the database
    result = run_cli("reload", tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == f"no bot is running on {tmp_path / 'cli.db'} on this host"


def test_reload_without_a_database_says_so(tmp_path: Path) -> None:
    code, lines = reload_command(tmp_path / "none.db")
    assert code == 1
    assert lines == [f"no database at {tmp_path / 'none.db'}: no bot has run on it"]


async def test_a_pid_given_to_another_process_is_never_signalled(tmp_path: Path) -> None:
    assert run_cli("export", tmp_path=tmp_path).returncode == 0  # makes the database
    other = await asyncio.create_subprocess_exec("sleep", "30")
    try:
        connection = await database.connect(tmp_path / "cli.db")
        async with database.transaction(connection):
            await connection.execute(
                "INSERT INTO bot_processes (host, pid, started, identity) VALUES (?, ?, 0, ?)",
                (socket.gethostname(), other.pid, "a bot that stopped long ago"),
            )
        await connection.close()
        code, lines = await reload_running(tmp_path / "cli.db", wait=1)
        assert (code, lines) == (1, [f"no bot is running on {tmp_path / 'cli.db'} on this host"])
        assert other.returncode is None  # not signalled: still sleeping
        with sqlite3.connect(tmp_path / "cli.db") as raw:
            assert raw.execute("SELECT count(*) FROM bot_processes").fetchone() == (0,)
        raw.close()
    finally:
        other.kill()
        await other.wait()
