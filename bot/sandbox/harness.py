"""Run any discord.Client against a LocalDiscord: patch the endpoints, start, wait for ready."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import discord
import discord.http
import discord.webhook.async_
import yarl

from bot.sandbox.server import LocalDiscord


class BotCrashedError(RuntimeError):
    """The client's connection task died while the test was running."""


class _CappedSleepAsyncio:
    """Stands in for the asyncio module inside discord.py's HTTP code: caps and records sleeps."""

    def __init__(self, cap: float, record: list[float]) -> None:
        self._cap = cap
        self._record = record

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, delay: float, result: Any = None) -> Any:
        self._record.append(delay)
        return await asyncio.sleep(min(delay, self._cap), result)


@contextlib.contextmanager
def capped_http_sleeps(cap: float, record: list[float]) -> Iterator[None]:
    """Make discord.py's rate-limit and 5xx retry sleeps last at most `cap` real seconds."""
    modules = (discord.http, discord.webhook.async_)
    saved = [module.asyncio for module in modules]
    for module in modules:
        module.asyncio = _CappedSleepAsyncio(cap, record)  # type: ignore[assignment]
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            module.asyncio = original


class _ErrorCollector(logging.Handler):
    def __init__(self, sink: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record)


@dataclass
class BotRun:
    """A client running against a sandbox server."""

    client: discord.Client
    server: LocalDiscord
    task: asyncio.Task[None]
    http_sleeps: list[float] = field(default_factory=list)
    logged_errors: list[logging.LogRecord] = field(default_factory=list)
    _crash_seen: bool = False

    @property
    def alive(self) -> bool:
        """Whether the client's connection task is still running."""
        return not self.task.done()

    def crash(self) -> BaseException | None:
        """What ended the connection task, if anything (the harness then won't re-raise it)."""
        self._crash_seen = True
        if not self.task.done() or self.task.cancelled():
            return None
        return self.task.exception()

    async def wait_crash(self, within: float = 2.0) -> BaseException | None:
        """Wait for the connection task to end; return what it raised."""
        await asyncio.wait({self.task}, timeout=within)
        return self.crash()


@contextlib.asynccontextmanager
async def run_bot_against(
    server: LocalDiscord,
    client: discord.Client,
    *,
    token: str = "sandbox-token",
    ready_timeout: float = 10.0,
    guild_ready_timeout: float | None = 0.05,
    max_http_sleep: float | None = 0.05,
    shard: tuple[int, int] | None = None,
) -> AsyncIterator[BotRun]:
    """Log `client` in to `server`, connect it, wait until it is ready, and close it on exit.

    guild_ready_timeout shortens discord.py's wait after the last GUILD_CREATE; max_http_sleep caps
    its HTTP retry sleeps (requested delays are kept in BotRun.http_sleeps). Errors logged by
    discord.py (e.g. exceptions in commands) are kept in BotRun.logged_errors; with several
    clients running at once, each run sees every client's errors (discord.py logs to one logger).
    shard=(shard_id, shard_count) makes a plain discord.Client identify as that shard, as
    Client(shard_id=..., shard_count=...) does. Several clients may run against one server at once:
    nest their runs (each restores the patched endpoints on exit, innermost first); the innermost
    run's http_sleeps then records every client's HTTP sleeps.
    """
    saved_base = discord.http.Route.BASE
    saved_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = server.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(server.gateway_url)
    if shard is not None:
        client.shard_id, client.shard_count = shard
        client._connection.shard_count = shard[1]
    if guild_ready_timeout is not None:
        # Client(guild_ready_timeout=...) stores it here; the default of 2 s slows every start.
        client._connection.guild_ready_timeout = guild_ready_timeout
    errors: list[logging.LogRecord] = []
    collector = _ErrorCollector(errors)
    discord_logger = logging.getLogger("discord")
    discord_logger.addHandler(collector)
    sleeps: list[float] = []
    with contextlib.ExitStack() as stack:
        if max_http_sleep is not None:
            stack.enter_context(capped_http_sleeps(max_http_sleep, sleeps))
        task: asyncio.Task[None] | None = None
        try:
            await client.login(token)
            task = asyncio.create_task(client.connect(), name="sandbox-bot")
            run = BotRun(client, server, task, sleeps, errors)
            await _wait_ready(run, ready_timeout)
            yield run
        finally:
            await client.close()
            if task is not None:
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(asyncio.shield(task), 5.0)
                if not task.done():
                    task.cancel()
            discord_logger.removeHandler(collector)
            discord.http.Route.BASE = saved_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway
        crash = None if run._crash_seen or run.task.cancelled() else run.task.exception()
        if crash is not None:
            raise BotCrashedError(f"the client died during the test: {crash!r}") from crash


async def _wait_ready(run: BotRun, within: float) -> None:
    ready = asyncio.create_task(run.client.wait_until_ready())
    try:
        done, _ = await asyncio.wait(
            {ready, run.task}, timeout=within, return_when="FIRST_COMPLETED"
        )
    finally:
        ready.cancel()
    if run.task in done:
        run._crash_seen = True
        error = run.task.exception() if not run.task.cancelled() else None
        raise BotCrashedError(f"the client stopped before it was ready: {error!r}") from error
    if not done:
        raise TimeoutError(f"the client was not ready within {within}s")
