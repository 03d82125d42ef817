"""The command line: check, commands --json, export, and run without a token."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import NO_TOKEN
from bot.sandbox import LocalDiscord
from bot.sandbox.command_checks import command_problems
from bot.store.export import library_from_dict
from bot.store.loader import load_library
from tests.conftest import COMMAND_NAMES, DATA_DIR

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        "PATH": os.environ["PATH"],
        "DATABASE_PATH": str(tmp_path / "cli.db"),
        "DISCORD_TOKEN": "",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=environ,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_passes_on_the_shipped_data(tmp_path: Path) -> None:
    result = run_cli("check", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "concepts without evidence: none" in result.stdout
    assert result.stdout.strip().endswith("ok: 1 reading(s) valid")


def test_check_fails_naming_file_item_and_field(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "readings", data / "readings")
    quotes = next((data / "readings").iterdir()) / "quotes.toml"
    text = quotes.read_text(encoding="utf-8")
    quotes.write_text(text.replace("shared norms and idea", "shared norms and ideas"), "utf-8")
    result = run_cli("check", tmp_path=tmp_path, READING_ROOM_DATA=str(data))
    assert result.returncode == 1
    assert "quotes.toml: 'yeo-shared-norms', field 'text'" in result.stderr


def test_check_shows_the_valid_readings_and_the_problems_of_the_others(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "readings", data / "readings")
    broken = data / "readings" / "zz-broken"
    shutil.copytree(next((data / "readings").iterdir()), broken)
    (broken / "speakers.toml").unlink()
    result = run_cli("check", tmp_path=tmp_path, READING_ROOM_DATA=str(data))
    assert result.returncode == 1
    assert "markets-and-civil-society-north-korea: Can Markets" in result.stdout
    assert "zz-broken: not loaded, " in result.stdout
    assert "zz-broken/speakers.toml: '-', field '-': file is missing" in result.stderr


def test_commands_json_is_valid_against_platform_limits(tmp_path: Path) -> None:
    result = run_cli("commands", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    commands = json.loads(result.stdout)
    assert {c["name"] for c in commands} == COMMAND_NAMES
    assert command_problems(commands) == []


def test_export_round_trips_the_store(tmp_path: Path) -> None:
    result = run_cli("export", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert library_from_dict(json.loads(result.stdout)) == load_library(DATA_DIR)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEV_GUILD_ID": "not-a-number"}, "DEV_GUILD_ID must be"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL must be"),
    ],
)
def test_bad_configuration_is_one_clear_line(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = run_cli("check", tmp_path=tmp_path, **env)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_run_without_token_and_no_terminal_says_how_to_go_online(tmp_path: Path) -> None:
    result = run_cli("run", tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == NO_TOKEN


async def start_bot(
    server: LocalDiscord, token: str, tmp_path: Path, *, separate_errors: bool = False, **env: str
) -> asyncio.subprocess.Process:
    """`python -m bot run` against the sandbox, its output piped (with its errors, unless
    `separate_errors`)."""
    return await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "run"),
        cwd=tmp_path,
        env={
            "PATH": os.environ["PATH"],
            "DISCORD_TOKEN": token,
            "DATABASE_PATH": str(tmp_path / "run.db"),
            "DISCORD_API_BASE": server.api_base,
            "DISCORD_GATEWAY_URL": server.gateway_url,
            **env,
        },
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE if separate_errors else asyncio.subprocess.STDOUT,
    )


async def test_run_logs_in_syncs_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    token = "sandbox-secret-token"
    async with LocalDiscord() as server:
        process = await start_bot(server, token, tmp_path, DEV_GUILD_ID=str(server.guild_id))
        try:
            await server.wait_until(lambda: server.guild_commands.get(server.guild_id), within=30)
            await server.wait_until(lambda: server.gateway.live_sessions, within=30)
            record = await server.invoke("define", {"term": "civil society"})
            response = await record.first_response(within=5)
            assert response["data"]["embeds"][0]["title"] == "Civil society"
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=15)
        log = output.decode()
        assert process.returncode == 0, log
        assert "synced 15 commands to guild" in log
        assert log.rstrip().endswith("stopped")
        assert token not in log


async def test_a_refused_token_is_one_line_and_exit_code_5(tmp_path: Path) -> None:
    token = "sandbox-wrong-token"
    async with LocalDiscord() as server:
        server.fail("GET", r"^/users/@me$", 401, times=100)
        process = await start_bot(server, token, tmp_path, separate_errors=True, LOG_LEVEL="ERROR")
        output, errors = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 5
    assert errors.decode().strip().splitlines() == [
        "Discord refused DISCORD_TOKEN: copy the bot's token from the Developer Portal "
        "(your application, Bot, Reset Token) into .env."
    ]
    assert token not in output.decode() + errors.decode()


@pytest.mark.parametrize("command", ["run", "export"])
def test_a_database_path_that_is_a_folder_is_one_line_and_exit_code_3(
    tmp_path: Path, command: str
) -> None:
    result = run_cli(command, tmp_path=tmp_path, DATABASE_PATH=str(tmp_path), DISCORD_TOKEN="t")
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        f"DATABASE_PATH {tmp_path} is a folder: point it at a file (created if missing)."
    ]


def test_a_database_of_a_newer_version_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "cli.db"
    assert run_cli("export", tmp_path=tmp_path).returncode == 0
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 999")
    connection.close()
    result = run_cli("run", tmp_path=tmp_path, DISCORD_TOKEN="t")
    assert result.returncode == 3
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"DATABASE_PATH {path} has schema version 999")
