"""The bot's side of the end-to-end benchmark: the real bot in a child process, as deployed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import logging.handlers
import os
import queue
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import discord

from bench.e2e_cases import choices_command, floor_command
from bot.client import ReadingRoomBot
from bot.config import Settings
from bot.endpoints import use_endpoints
from bot.sandbox import LocalDiscord
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "e2e-bench-token"
READY_WITHIN_S = 120.0
STOP_WITHIN_S = 10.0


async def serve_bot(data_dir: Path, database: Path, api_base: str, gateway_url: str) -> None:
    """The bot as `python -m bot run` starts it, plus the floor commands. Prints "ready" once it
    is connected, runs until stdin closes, then prints the errors it logged as a JSON list."""
    discord.utils.setup_logging(level=logging.INFO, root=True)
    errors: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    collector = logging.handlers.QueueHandler(errors)
    collector.setLevel(logging.ERROR)
    logging.getLogger().addHandler(collector)
    use_endpoints(api_base, gateway_url)
    settings = Settings(token=TOKEN, database_path=database, data_dir=data_dir)
    async with (
        await Store.open(database, data_dir) as store,
        ReadingRoomBot(settings, store) as bot,
    ):
        bot.tree.add_command(floor_command)
        bot.tree.add_command(choices_command)
        # Start-up only: discord.py waits 2 s after the last GUILD_CREATE before it is ready.
        bot._connection.guild_ready_timeout = 0.05
        await bot.login(settings.token)
        await bot.sync_global()  # every run's sandbox starts without commands
        connection = asyncio.create_task(bot.connect())
        ready = asyncio.create_task(bot.wait_until_ready())
        await asyncio.wait({connection, ready}, return_when=asyncio.FIRST_COMPLETED)
        if connection.done():
            ready.cancel()
            connection.result()
            raise RuntimeError("the bot stopped before it was ready")
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    with contextlib.suppress(asyncio.CancelledError):
        await connection
    logged = []
    while not errors.empty():
        logged.append(errors.get_nowait().getMessage().splitlines()[0])
    print(json.dumps(logged), flush=True)


@dataclass
class BotChild:
    """The bot's child process: its pid, and the errors it logged, filled in once it stopped."""

    pid: int
    errors: list[str] = field(default_factory=list)


@contextlib.asynccontextmanager
async def bot_process(
    server: LocalDiscord, data_dir: Path, database: Path, log: Path
) -> AsyncIterator[BotChild]:
    """Start the bot in a child process against `server`, its log in `log`; yields the child,
    whose errors are there once it has stopped."""
    environ = dict(os.environ)
    environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), environ.get("PYTHONPATH")) if p)
    with log.open("wb") as sink:
        child = await asyncio.create_subprocess_exec(  # runs serve_bot
            *(sys.executable, "-m", "bench.e2e_bench", "--bot"),
            *("--data", str(data_dir), "--db", str(database)),
            *("--api-base", server.api_base, "--gateway", server.gateway_url),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=sink,
            env=environ,
        )
    assert child.stdin is not None
    assert child.stdout is not None
    bot = BotChild(child.pid)
    try:
        line = await asyncio.wait_for(child.stdout.readline(), READY_WITHIN_S)
        if line.strip() != b"ready":
            raise RuntimeError(f"the bot did not start:\n{_tail(log)}")
        yield bot
    finally:
        child.stdin.close()
        try:
            report = await asyncio.wait_for(child.stdout.read(), STOP_WITHIN_S)
        except TimeoutError:
            child.kill()
            report = b""
        await child.wait()
    if child.returncode != 0 or not report.strip():
        bot.errors.append(f"the bot did not stop cleanly (exit {child.returncode}):\n{_tail(log)}")
    else:
        bot.errors.extend(json.loads(report.splitlines()[-1]))


def _tail(log: Path, lines: int = 30) -> str:
    text = log.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])
