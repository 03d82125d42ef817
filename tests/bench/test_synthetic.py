"""The synthetic library: valid for the real loader, and the same files for the same seed."""

from __future__ import annotations

from pathlib import Path

from bench.synthetic import write_library
from bot.store.loader import load_library

QUOTES = 200


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_synthetic_library_passes_the_real_loader(tmp_path: Path) -> None:
    data_dir = write_library(tmp_path / "data", QUOTES, seed=3)
    library = load_library(data_dir)
    readings = library.readings
    assert sum(len(r.quotes) for r in readings) == QUOTES
    assert all(r.passages and r.speakers and r.concepts and r.publications for r in readings)
    again = write_library(tmp_path / "again", QUOTES, seed=3)
    assert _files(again) == _files(data_dir), "the same seed writes the same files"
