"""The state's two databases for the tests: SQLite and a real PostgreSQL (`postgres_url` in
tests/conftest.py), a new database for each test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import database
from bot.store.state_db import SqliteState, StateDB, open_state
from tests.conftest import BACKENDS


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
