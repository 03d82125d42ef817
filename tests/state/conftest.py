"""The state's two databases for the tests: SQLite (the store's own file) and a real
PostgreSQL, started by the tests from the pgserver package's binaries (nothing installed by
hand, no Docker), a new database for each test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.store import database
from bot.store.state_db import SqliteState, StateDB, open_state

BACKENDS = ("sqlite", "postgres")


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One PostgreSQL server for the whole run, stopped when the tests end."""
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("postgres"), cleanup_mode="stop")
    yield server
    server.cleanup()


@pytest.fixture
def postgres_url(postgres_server: object) -> str:
    """A new, empty database on the test server."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    postgres_server.psql(f"CREATE DATABASE {name};")  # type: ignore[attr-defined]
    return postgres_server.get_uri(name)  # type: ignore[attr-defined]


@pytest.fixture(params=BACKENDS)
async def state(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StateDB]:
    """The state's database, migrated: each test runs once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        connection = await database.connect(tmp_path / "state.db")
        try:
            yield SqliteState(connection)
        finally:
            await connection.close()
    else:
        opened = await open_state(request.getfixturevalue("postgres_url"))
        try:
            yield opened
        finally:
            await opened.close()
