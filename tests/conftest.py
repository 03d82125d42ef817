"""Shared fixtures: the real data folder, and a throwaway copy of a reading to corrupt."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
READING_ID = "markets-and-civil-society-north-korea"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real, shipped data folder."""
    return DATA_DIR


@pytest.fixture
def reading_copy(tmp_path: Path) -> Path:
    """A data dir in tmp_path holding a copy of the real reading, safe to edit; returns the dir."""
    shutil.copytree(DATA_DIR / "readings" / READING_ID, tmp_path / "readings" / READING_ID)
    return tmp_path
