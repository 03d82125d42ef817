"""The bot processes serving a database, so that `python -m bot reload` can find and signal
them, and what each last reload did, so that the command can report it."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.store.database import fetch_all, get_meta, set_meta, transaction
from bot.store.sync import SyncReport

LAST_RELOAD_KEY = "last_reload:{host}:{pid}"  # one a process


@dataclass(frozen=True, slots=True)
class ReloadRecord:
    """What a running bot's last reload did (`failed`: reading id -> its problems)."""

    at: float
    pid: int
    summary: str
    failed: dict[str, list[str]]


def this_process() -> tuple[str, int]:
    return socket.gethostname(), os.getpid()


def identity(pid: int) -> str:
    """When process `pid` began, in the system's clock ticks since boot ("" where the system
    does not say, or no such process runs): a pid the system gave again to another process
    after a bot stopped has another identity, and is never signalled."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return ""
    return fields[19] if len(fields) > 19 else ""


def _machine() -> str:
    """This machine, as a claim names it: its host name, boot and process namespace ("" for
    a part the system does not say), so that containers sharing a host name differ."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        boot = ""
    try:
        namespace = str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}/{boot}/{namespace}"


def claim_owner() -> str:
    """This process, as a claim records it: "machine:pid:start" (see `_machine`, `identity`)."""
    pid = os.getpid()
    return f"{_machine()}:{pid}:{identity(pid)}"


def owner_is_gone(owner: str) -> bool:
    """Whether the process that recorded `owner` (claim_owner) has surely stopped: it ran on this
    machine, in this process namespace, and no process with its pid and start runs now. One
    elsewhere, or one this system cannot tell of (no /proc, a process it may not look at), is
    never taken for gone."""
    machine, _, rest = owner.partition(":")
    pid_text, _, started = rest.partition(":")
    here = _machine()
    if machine != here or here.endswith("/") or "//" in here:
        return False
    if not pid_text.isdigit() or not started:
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # it runs, as another user: its start tells whether it is the same process
    now = identity(pid)
    return bool(now) and now != started


async def register(connection: aiosqlite.Connection, now: int) -> None:
    host, pid = this_process()
    async with transaction(connection):
        await connection.execute(
            "INSERT OR REPLACE INTO bot_processes (host, pid, started, identity) "
            "VALUES (?, ?, ?, ?)",
            (host, pid, now, identity(pid)),
        )


async def unregister(connection: aiosqlite.Connection, host: str, pid: int) -> None:
    async with transaction(connection):
        await connection.execute(
            "DELETE FROM bot_processes WHERE host = ? AND pid = ?", (host, pid)
        )
        await connection.execute(
            "DELETE FROM meta WHERE key = ?", (LAST_RELOAD_KEY.format(host=host, pid=pid),)
        )


async def registered(connection: aiosqlite.Connection) -> list[tuple[str, int, str]]:
    """(host, pid, identity) of every process that said it serves this database."""
    rows = await fetch_all(
        connection, "SELECT host, pid, identity FROM bot_processes ORDER BY started"
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def record_reload(connection: aiosqlite.Connection, report: SyncReport, at: float) -> None:
    record = {
        "at": at,
        "pid": os.getpid(),
        "summary": report.summary(),
        "failed": {name: [str(p) for p in found] for name, found in report.failed.items()},
    }
    host, pid = this_process()
    key = LAST_RELOAD_KEY.format(host=host, pid=pid)
    async with transaction(connection):
        await set_meta(connection, key, json.dumps(record, ensure_ascii=False))


async def last_reload(connection: aiosqlite.Connection, host: str, pid: int) -> ReloadRecord | None:
    """What the process `pid` on `host` last reported of a reload, if anything."""
    value = await get_meta(connection, LAST_RELOAD_KEY.format(host=host, pid=pid))
    if value is None:
        return None
    record = json.loads(value)
    return ReloadRecord(record["at"], record["pid"], record["summary"], record["failed"])
