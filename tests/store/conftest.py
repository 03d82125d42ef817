"""Two readings in one store, for the store's tests; `store` itself is in tests/conftest.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.store import Store


@pytest.fixture
async def two_readings(
    reading_copy: Path, add_reading: Callable[[str], Path], tmp_path: Path
) -> AsyncIterator[Store]:
    """The real reading and a copy of it whose title starts with "Again: "."""
    meta = add_reading("second-reading") / "reading.toml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace('title = "', 'title = "Again: ', 1),
        encoding="utf-8",
    )
    async with await Store.open(tmp_path / "two.db", reading_copy) as opened:
        yield opened
