"""The store built from the real data, shared by the store's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.store import Store


@pytest.fixture
async def store(tmp_path: Path, data_dir: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "store.db", data_dir) as opened:
        yield opened


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
