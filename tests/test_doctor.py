"""`python -m bot invite` and `doctor` against the local Discord."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import discord

from bot.client import ReadingRoomBot
from bot.config import Settings
from bot.doctor import check_clock, compare_commands, intents_text, scheduled_channels
from bot.invite import application_id, invite_text
from bot.permissions import NEEDS, bot_permissions
from bot.sandbox import LocalDiscord, run_bot_against
from bot.store import Store
from bot.store.scheduler import Scheduler
from tests.conftest import DATA_DIR

ROOT = Path(__file__).resolve().parents[1]
EMBED_LINKS = 1 << 14


def run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# `python -m bot`, its clients made as run_bot_against makes the tests' own: discord.py waits
# guild_ready_timeout (2 s by default) past the last GUILD_CREATE before it is ready, for Discord's
# servers arriving one by one; the sandbox sends its servers at once, right after READY.
BOT_READY_AT_ONCE = """
import runpy, discord
made = discord.Client.__init__
def make(self, *args, **options):
    made(self, *args, **{"guild_ready_timeout": 0.05, **options})
discord.Client.__init__ = make
runpy.run_module("bot", run_name="__main__", alter_sys=True)
"""


async def run_async(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    """The command in a child process (see BOT_READY_AT_ONCE) while this loop goes on serving
    the sandbox."""
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-c", BOT_READY_AT_ONCE, *args),
        cwd=cwd,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def test_invite_asks_for_what_the_features_use_and_names_each(tmp_path: Path) -> None:
    token = base64.b64encode(b"123456789012345678").decode().rstrip("=") + ".Gx.secret"
    assert application_id(token) == 123456789012345678
    done = run("invite", env={"DISCORD_TOKEN": token}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    url, *_ = done.stdout.splitlines()
    value = bot_permissions().value
    assert url == (
        "https://discord.com/oauth2/authorize?client_id=123456789012345678"
        f"&scope=bot+applications.commands&permissions={value}"
    )
    wanted = discord.Permissions(value)
    assert not wanted.administrator
    assert not wanted.mention_everyone, "needed only sometimes: not asked for"
    for need in NEEDS:
        if not need.member and not need.only:
            assert getattr(wanted, need.flag)
            assert f"  - {need.name}: " in done.stdout
    minimal = invite_text(1, minimal=True).splitlines()[0]
    assert minimal.endswith(f"permissions={discord.Permissions(embed_links=True).value}")
    assert "secret" not in done.stdout + done.stderr


def test_every_permission_the_code_checks_is_in_the_one_table() -> None:
    """A feature that starts using a permission must add it to bot/permissions.py's NEEDS."""
    used: set[str] = set()
    for path in [*ROOT.glob("bot/*.py"), *ROOT.glob("cogs/*.py"), *ROOT.glob("bot/render/*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bpermissions\.([a-z_]+)\b", text))
        used |= set(re.findall(r'"([a-z_]+)": (?:True|embeds|thread|role is)', text))
    used -= {"for_me", "value"}
    assert used <= {need.flag for need in NEEDS}, used - {need.flag for need in NEEDS}


def test_doctor_reads_commands_and_intents_as_a_member_would() -> None:
    ours = [{"name": "define", "description": "d", "options": [{"name": "term", "type": 3}]}]
    theirs = [
        {
            "name": "define",
            "description": "d",
            "id": "1",
            "version": "2",
            "options": [{"name": "term", "type": 3}],
        },
        {"name": "old", "description": "x"},
    ]
    assert compare_commands(ours, ours) == ""
    assert compare_commands(ours, theirs) == "not in the code: /old"
    assert compare_commands([*ours, {"name": "search"}], theirs[:1]) == "missing: /search"
    flags = discord.ApplicationFlags._from_value(1 << 15 | 1 << 19)
    assert intents_text(flags) == "Server Members, Message Content"


async def test_doctor_on_a_live_setup_names_the_channel_and_the_permission(tmp_path: Path) -> None:
    async with LocalDiscord() as server:
        settings = Settings(
            token="sandbox-token",
            database_path=tmp_path / "bot.db",
            dev_guild_id=server.guild_id,
        )
        async with await Store.open(settings.database_path, DATA_DIR) as store:
            bot = ReadingRoomBot(settings, store, scheduler_interval=None)
            async with run_bot_against(server, bot):
                await bot.sync_on_start()
                await bot.scheduler.plan(
                    guild_id=server.guild_id,
                    channel_id=server.study_id,
                    local_time="08:30",
                    timezone="UTC",
                    moderator_id=server.moderator_id,
                )
        env = {
            "DISCORD_TOKEN": "sandbox-token",
            "DATABASE_PATH": str(settings.database_path),
            "DEV_GUILD_ID": str(server.guild_id),
            "DISCORD_API_BASE": server.api_base,
            "DISCORD_GATEWAY_URL": server.gateway_url,
        }
        healthy = await run_async("doctor", env=env, cwd=tmp_path)
        await server.set_permissions(server.study_id, server.bot_id, deny=EMBED_LINKS)
        lacking = await run_async("doctor", env=env, cwd=tmp_path)
    assert healthy[0] == 0, healthy[1] + healthy[2]
    lines = healthy[1].splitlines()
    assert all(line.startswith("ok ") for line in lines), lines
    assert any("token: valid, for the application Reading Room" in line for line in lines)
    assert any(line.endswith("all 15 match the code") for line in lines)
    assert any("daily excerpts can post in #study" in line for line in lines)
    code, out, err = lacking
    assert code == 1, out + err
    (fix,) = [line for line in out.splitlines() if line.startswith("FIX")]
    assert fix.endswith("#study lacks Embed Links for daily excerpts; grant it there")
    assert "sandbox-token" not in out + err


async def test_scheduled_channels_are_read_from_postgresql_when_it_holds_the_state(
    tmp_path: Path, postgres_url: str
) -> None:
    settings = Settings(database_path=tmp_path / "absent.db", database_url=postgres_url)
    assert await scheduled_channels(settings) == {}  # never migrated: no table, nothing planned
    async with await Store.open(tmp_path / "content.db", DATA_DIR, postgres_url) as store:
        scheduler = Scheduler(store, None, lambda: datetime(2026, 3, 1, tzinfo=UTC))  # type: ignore[arg-type]
        await scheduler.plan(
            guild_id=7, channel_id=70, local_time="09:00", timezone="UTC", moderator_id=1
        )
    assert await scheduled_channels(settings) == {7: (70, False, None)}


def test_a_clock_file_left_set_is_a_finding(tmp_path: Path) -> None:
    assert check_clock(Settings()) == []
    (finding,) = check_clock(Settings(clock_file=tmp_path / "now"))
    assert not finding.ok
    assert str(finding).startswith("FIX  clock: the time is read from CLOCK_FILE")
