"""The store built from the real data, shared by the store's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.store import Store


@pytest.fixture
async def store(tmp_path: Path, data_dir: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "store.db", data_dir) as opened:
        yield opened
