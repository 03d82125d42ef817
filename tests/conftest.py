"""Shared fixtures: the real data folder, a copy of a reading to corrupt, and the real bot
logged in to the local Discord sandbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.client import ReadingRoomBot
from bot.config import Settings
from bot.sandbox import BotRun, InteractionRecord, LocalDiscord, run_bot_against
from bot.sandbox.message_checks import autocomplete_problems, message_problems
from bot.store import Store

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# Readings the curate tool drafted from test articles (then reviewed): with the seed, a library.
LIBRARY_DIR = Path(__file__).resolve().parent / "library"
READING_ID = "markets-and-civil-society-north-korea"
COMMAND_NAMES = {
    "define",
    "search",
    "expert",
    "quote",
    "publications",
    "reading",
    "syllabus",
    "help",
    "excerpt",
    "quiz",
    "review",
    "cite",
    "notes",
    "forget-me",
    "Save to my notes",
}


BACKENDS = ("sqlite", "postgres")  # where the guilds' state can be kept


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One real PostgreSQL for the whole run, from the pgserver package's own binaries (nothing
    installed by hand, no Docker); started when a test first needs it, stopped at the end."""
    import pgserver

    logging.getLogger("pgserver").disabled = True  # its exit hook logs after pytest's streams
    server = pgserver.get_server(tmp_path_factory.mktemp("postgres"), cleanup_mode="stop")
    yield server
    # Its data goes with the temporary folder: an immediate shutdown, not a checkpoint writing
    # out every page the run changed first (seconds); pgserver then only does its bookkeeping.
    pgserver.pg_ctl(
        ["-w", "-m", "immediate", "stop"], pgdata=server.pgdata, user=server.system_user
    )
    server.cleanup_mode = None
    server.cleanup()


@pytest.fixture
def postgres_url(postgres_server: Any) -> str:
    """A new, empty database on the tests' PostgreSQL. Its commits do not wait for their WAL to
    reach the disk (synchronous_commit off): what every session sees, and when, is the same;
    only a crash of the server itself could lose the last commits."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    postgres_server.psql(
        f"CREATE DATABASE {name}; ALTER DATABASE {name} SET synchronous_commit = off;"
    )
    return postgres_server.get_uri(name)


@pytest.fixture(params=BACKENDS)
def state_url(request: pytest.FixtureRequest) -> str | None:
    """Where a store keeps the guilds' state: its own SQLite file (None), or PostgreSQL."""
    return None if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real, shipped data folder."""
    return DATA_DIR


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data built once by Store.open into a database file, closed; tests start from
    copies of it (see built_copy) instead of building the same content again each time."""
    path = tmp_path_factory.mktemp("built") / "store.db"

    async def build() -> None:
        async with await Store.open(path, DATA_DIR):
            pass

    loop = asyncio.new_event_loop()  # not asyncio.run: that would unset the tests' loop
    try:
        loop.run_until_complete(build())
    finally:
        loop.close()
    assert [p.name for p in path.parent.iterdir()] == [path.name], "closed: all in one file"
    return path


@pytest.fixture
def built_copy(tmp_path: Path, built_store: Path) -> Callable[[str], Path]:
    """Copies built_store into tmp_path under the name given and returns the copy's path: a
    database of the test's own, byte for byte what Store.open builds from the shipped data,
    which Store.open then finds current and opens without building it again. (The build
    itself is tested in tests/store/test_build.py and test_sync.py, on their own files.)"""

    def copy(name: str) -> Path:
        return Path(shutil.copyfile(built_store, tmp_path / name))

    return copy


@pytest.fixture
async def store(built_copy: Callable[[str], Path], data_dir: Path) -> AsyncIterator[Store]:
    """A store of the shipped data, in a database of its own (a copy of built_store)."""
    async with await Store.open(built_copy("store.db"), data_dir) as opened:
        yield opened


@pytest.fixture
def reading_copy(tmp_path: Path) -> Path:
    """A data dir in tmp_path holding a copy of the real reading, safe to edit; returns the dir."""
    shutil.copytree(DATA_DIR / "readings" / READING_ID, tmp_path / "readings" / READING_ID)
    return tmp_path


@pytest.fixture
def add_reading(reading_copy: Path) -> Callable[[str], Path]:
    """Adds to `reading_copy` another copy of the real reading, under the id given (its title
    followed by the id: readings have titles of their own); the added function returns the new
    reading's folder."""

    def add(reading_id: str) -> Path:
        folder = reading_copy / "readings" / reading_id
        shutil.copytree(DATA_DIR / "readings" / READING_ID, folder)
        meta = folder / "reading.toml"
        text = meta.read_text(encoding="utf-8")
        text = text.replace(f'id = "{READING_ID}"', f'id = "{reading_id}"')
        text = re.sub(r'(?m)^title = "(.*)"$', rf'title = "\1 ({reading_id})"', text, count=1)
        meta.write_text(text, encoding="utf-8")
        return folder

    return add


class FakeClock:
    """The scheduler's `now`, moved by tests instead of waited for."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def set(self, local: str, zone: str) -> None:
        self.current = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class Sandbox:
    server: LocalDiscord
    run: BotRun
    bot: ReadingRoomBot
    clock: FakeClock

    async def ask(self, name: str, options: dict[str, Any] | None = None, **kw: Any) -> dict:
        """Invoke a command and return the accepted initial response."""
        record = await self.invoke(name, options, **kw)
        return await record.first_response(within=3.0)

    async def invoke(
        self, name: str, options: dict[str, Any] | None = None, **kw: Any
    ) -> InteractionRecord:
        return await self.server.invoke(name, options, **kw)

    async def choices(self, command: str, focused: str, typed: str, **others: str) -> list[dict]:
        return await self.server.autocomplete(command, {**others, focused: typed}, focused=focused)


# Discord's answers to a bot that broke the rules (injected 429/5xx/403 faults are not these).
REFUSAL_CODES = {10062, 40060, 50035}


def sent_within_limits(server: LocalDiscord) -> None:
    """Every message and choice list the bot sent passes the one limits validator."""
    for record in server.interactions:
        for response in record.responses:
            data = response.get("data") or {}
            problems = (
                autocomplete_problems(data) if response["type"] == 8 else message_problems(data)
            )
            assert problems == [], (record.name, problems)
    refused = [r for r in server.requests if r.status == 400 or r.code in REFUSAL_CODES]
    assert refused == [], [(r.method, r.path, r.status, r.response) for r in refused]


@contextlib.asynccontextmanager
async def running_sandbox(
    folder: Path,
    scheduler_interval: float | None = None,
    data_dir: Path = DATA_DIR,
    state_url: str | None = None,
) -> AsyncIterator[Sandbox]:
    """The real bot logged in to a fresh local Discord, its database in `folder` (the state in
    PostgreSQL at `state_url` when given), its clock fake; its own excerpt loop runs only when
    given an interval (in real seconds)."""
    async with (
        LocalDiscord() as server,
        await Store.open(folder / "e2e.db", data_dir, state_url) as store,
    ):
        settings = Settings(
            database_path=folder / "e2e.db",
            dev_guild_id=server.guild_id,
            database_url=state_url or "",
        )
        clock = FakeClock(datetime(2026, 3, 1, 12, tzinfo=UTC))
        bot = ReadingRoomBot(settings, store, now=clock, scheduler_interval=scheduler_interval)
        async with run_bot_against(server, bot) as run:
            await bot.sync_on_start()
            yield Sandbox(server, run, bot, clock)
            assert run.alive, "the bot must stay up"
            assert server.internal_errors == []
        sent_within_limits(server)


# On a test that uses `sandbox` or `library_sandbox`: run it with the state in SQLite and again
# with the state in PostgreSQL.
ON_BOTH_BACKENDS = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str | None:
    """Where the sandbox's bot keeps the state: None (its SQLite file) unless a test is
    parametrized by ON_BOTH_BACKENDS, then a new PostgreSQL database in turn."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return None
    return request.getfixturevalue("postgres_url")


@pytest.fixture
async def sandbox(
    tmp_path: Path, backend: str | None, built_copy: Callable[[str], Path]
) -> AsyncIterator[Sandbox]:
    built_copy("e2e.db")  # the database running_sandbox opens, its content already built
    async with running_sandbox(tmp_path, state_url=backend) as opened:
        yield opened


def library_copy(folder: Path) -> Path:
    """A data folder in `folder` with the seed reading and the test library's readings: three
    readings, one expert (Andrew Yeo) quoted in two of them. Returns the data folder."""
    data = folder / "library-data"
    for readings in (DATA_DIR / "readings", LIBRARY_DIR / "readings"):
        for reading in readings.iterdir():
            shutil.copytree(reading, data / "readings" / reading.name)
    return data


@pytest.fixture
async def library_sandbox(tmp_path: Path, backend: str | None) -> AsyncIterator[Sandbox]:
    """The sandbox with a library of three readings (see library_copy)."""
    data_dir = library_copy(tmp_path)
    async with running_sandbox(tmp_path, data_dir=data_dir, state_url=backend) as opened:
        yield opened
