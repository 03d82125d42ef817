"""`python -m bot doctor`: a live setup checked, one line per finding with what to do: the data
and the database, the token, the intents, the commands, and every scheduled excerpt channel."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import discord

from bot.client import ReadingRoomBot
from bot.config import Settings
from bot.permissions import LOOKUPS, NEEDS, missing_permissions
from bot.startup import login
from bot.store import Store
from bot.store.loader import ContentError, load_library, reading_dirs, reading_hash
from bot.store.models import DRAFT
from bot.store.sync import FORMAT_KEY, STORE_FORMAT

READY_WITHIN = 60.0  # seconds to connect and receive every server


@dataclass(frozen=True, slots=True)
class Finding:
    ok: bool
    text: str

    def __str__(self) -> str:
        return f"{'ok ' if self.ok else 'FIX'}  {self.text}"


def check_data(settings: Settings) -> list[Finding]:
    """The data folder validates, and the database holds what it would build from it."""
    try:
        library = load_library(settings.data_dir)
    except ContentError as error:
        first = error.problems[0] if error.problems else "no readings"
        return [
            Finding(False, f"data: {len(error.problems)} problem(s), first: {first}; run check")
        ]
    found = [
        Finding(True, f"data: {len(library.readings)} reading(s) in {settings.data_dir} valid")
    ]
    wanted = {
        folder.name: reading_hash(folder)
        for folder in reading_dirs(settings.data_dir)
        if folder.name in {reading.id for reading in library.readings if reading.status != DRAFT}
    }
    if not settings.database_path.is_file():
        return [*found, Finding(True, f"database: {settings.database_path} is made on first start")]
    try:
        uri = f"file:{settings.database_path}?mode=ro"
        with sqlite3.connect(uri, uri=True) as connection:
            row = connection.execute(
                "SELECT value FROM meta WHERE key = ?", (FORMAT_KEY,)
            ).fetchone()
            built = dict(connection.execute("SELECT id, hash FROM readings").fetchall())
        connection.close()
    except sqlite3.Error as error:
        return [*found, Finding(False, f"database: {settings.database_path}: {error}")]
    current = row is not None and row[0] == STORE_FORMAT and built == wanted
    text = "holds the current data" if current else "rebuilds from the changed data on next start"
    return [*found, Finding(True, f"database: {settings.database_path} {text}")]


def _shape(command: Mapping[str, Any]) -> Any:
    """What of a command definition a member sees, to compare ours with Discord's."""
    keys = ("name", "description", "type", "required", "autocomplete", "choices")
    options = command.get("options") or []
    return (
        tuple((key, str(command.get(key) or "")) for key in keys),
        tuple(_shape(option) for option in options),
    )


def compare_commands(ours: Iterable[Mapping[str, Any]], theirs: Iterable[Mapping[str, Any]]) -> str:
    """How Discord's commands differ from the code's, in words; "" when they match."""
    mine = {c["name"]: _shape(c) for c in ours}
    known = {c["name"]: _shape(c) for c in theirs}
    missing = sorted(set(mine) - set(known))
    extra = sorted(set(known) - set(mine))
    changed = sorted(n for n in set(mine) & set(known) if mine[n] != known[n])
    parts = [
        f"{label}: {', '.join('/' + n for n in names)}"
        for label, names in (("missing", missing), ("not in the code", extra), ("changed", changed))
        if names
    ]
    return "; ".join(parts)


def intents_text(flags: discord.ApplicationFlags) -> str:
    """The privileged intents the portal grants that the bot does not need, in words."""
    granted = [
        name
        for name, on in (
            ("Presence", flags.gateway_presence or flags.gateway_presence_limited),
            ("Server Members", flags.gateway_guild_members or flags.gateway_guild_members_limited),
            (
                "Message Content",
                flags.gateway_message_content or flags.gateway_message_content_limited,
            ),
        )
        if on
    ]
    return ", ".join(granted)


SCHEDULED = "SELECT guild_id, channel_id, open_thread, mention_role_id FROM schedules"


async def scheduled_channels(settings: Settings) -> dict[int, tuple[int, bool, int | None]]:
    """Each server's excerpt schedule (channel, thread, role), read without writing: from the
    PostgreSQL of DATABASE_URL when set (none there yet if it was never migrated), else from
    the SQLite file."""
    if settings.database_url:
        import asyncpg

        connection = await asyncpg.connect(settings.database_url)
        try:
            rows = await connection.fetch(SCHEDULED)
        except asyncpg.UndefinedTableError:
            rows = []
        finally:
            await connection.close()
    elif settings.database_path.is_file():
        uri = f"file:{settings.database_path}?mode=ro"
        with sqlite3.connect(uri, uri=True) as sqlite:
            rows = sqlite.execute(SCHEDULED).fetchall()
        sqlite.close()
    else:
        return {}
    return {guild: (channel, bool(thread), role) for guild, channel, thread, role in rows}


async def check_discord(settings: Settings, store: Store) -> list[Finding]:
    """The token, the intents, the commands and the excerpt channels, asked of Discord."""
    bot = ReadingRoomBot(settings, store, scheduler_interval=None)
    findings: list[Finding] = []
    try:
        await bot.load_extensions()
        await login(bot, settings.token)
        app = await bot.application_info()
        findings.append(Finding(True, f"token: valid, for the application {app.name} ({app.id})"))
        extra = intents_text(app.flags)
        findings.append(
            Finding(False, f"intents: turn off {extra} in the developer portal (Bot): not used")
            if extra
            else Finding(True, "intents: no privileged intent granted, none needed")
        )
        findings.append(await _commands_finding(bot, app.id, settings))
        findings += await _servers(bot, await scheduled_channels(settings))
    finally:
        await bot.close()
    return findings


async def _commands_finding(bot: ReadingRoomBot, app_id: int, settings: Settings) -> Finding:
    guild = settings.dev_guild_id
    if guild is not None:
        theirs = await bot.http.get_guild_commands(app_id, guild)
        where, fix = f"server {guild} (DEV_GUILD_ID)", "start the bot, which syncs them there"
    else:
        theirs = await bot.http.get_global_commands(app_id)
        where, fix = "everywhere", "run python -m bot sync (global commands take a while to show)"
    difference = compare_commands(bot.command_payload(), theirs)
    if difference:
        return Finding(False, f"commands {where}: {difference}; {fix}")
    return Finding(True, f"commands {where}: all {len(theirs)} match the code")


async def _servers(
    bot: ReadingRoomBot, schedules: Mapping[int, tuple[int, bool, int | None]]
) -> list[Finding]:
    """For every server: what the bot lacks for lookups, and in each scheduled channel."""
    connection = asyncio.create_task(bot.connect(reconnect=False))
    ready = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait(
        {connection, ready}, timeout=READY_WITHIN, return_when="FIRST_COMPLETED"
    )
    if ready not in done:
        ready.cancel()
        return [Finding(False, "gateway: could not connect to receive the servers")]
    findings = []
    lookups = [n for n in NEEDS if n.feature == LOOKUPS and not n.member]
    for guild in bot.guilds:
        lacking = [n.name for n in lookups if not getattr(guild.me.guild_permissions, n.flag)]
        if lacking:
            findings.append(
                Finding(
                    False,
                    f"server {guild.name}: lacks {', '.join(lacking)} for lookups; "
                    "grant it to the bot's role",
                )
            )
        if guild.id not in schedules:
            continue
        channel_id, thread, role_id = schedules[guild.id]
        channel = guild.get_channel(channel_id)
        role = guild.get_role(role_id) if role_id else None
        missing = missing_permissions(channel, guild.me, thread=thread, role=role)
        name = f"#{channel.name}" if channel is not None else f"channel {channel_id}"
        findings.append(
            Finding(
                False,
                f"server {guild.name}: {name} lacks {missing} for daily excerpts; grant it there",
            )
            if missing
            else Finding(True, f"server {guild.name}: daily excerpts can post in {name}")
        )
    if not bot.guilds:
        findings.append(
            Finding(False, "servers: the bot is in none; invite it with python -m bot invite")
        )
    return findings


def check_clock(settings: Settings) -> list[Finding]:
    """A CLOCK_FILE left set freezes the bot's time: said, for a bot serving members."""
    if settings.clock_file is None:
        return []
    return [
        Finding(
            False,
            f"clock: the time is read from CLOCK_FILE {settings.clock_file} (rehearsals and "
            "tests only); unset it to use the system clock",
        )
    ]


async def diagnose(settings: Settings) -> list[Finding]:
    """Every finding, in order; those about Discord only once the data and database are fine.
    Nothing is written: the bot's commands are made over a store in memory."""
    findings = check_clock(settings) + check_data(settings)
    if not all(f.ok for f in findings):
        return findings
    async with await Store.open(":memory:", settings.data_dir) as store:
        return findings + await check_discord(settings, store)
