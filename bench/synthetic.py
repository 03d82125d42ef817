"""Deterministic synthetic libraries in the real curated format, for benchmarking the store.

`write_library(folder, quotes)` writes `folder/readings/<id>/` folders that pass the real loader
and validator (`bot.store.loader.load_library`). The shape of one reading of 1000 quotes:
about 1000 passages in 25 sections, 60 speakers, 150 concepts (each with 1-5 aliases) and 20
related publications; smaller and larger readings scale in proportion. Words follow a Zipf law
over a vocabulary of common English words followed by made-up ones, so a few words occur in
nearly every passage and most are rare. Each quote is a span of its passage, which names the
speaker (in full on the first mention in the reading, by surname after that). About one concept
in five is a "shared" concept that other readings define too, as real readings on related
subjects share terms like "civil society"; people recur across readings the same way.

The parts: `bench.synthetic_plan` (what the readings share), `bench.synthetic_reading` (one
reading's files), `bench.synthetic_text` (Zipf words and sentences), `bench.synthetic_toml`.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench.synthetic_plan import LibraryPlan
from bench.synthetic_reading import ReadingWriter

QUOTES_PER_READING = 1000

_WORK: tuple[LibraryPlan, Path] | None = None  # what forked workers write from


def _write_reading(index: int) -> None:
    """A forked worker's task: write reading `index` of the library in `_WORK`."""
    assert _WORK is not None
    library, root = _WORK
    ReadingWriter(library, library.plans[index]).write(root)


def write_library(
    folder: Path,
    quotes: int,
    seed: int = 0,
    *,
    per_reading: int = QUOTES_PER_READING,
    workers: int | None = None,
) -> Path:
    """Write a library of `quotes` quotes under `folder/readings/` and return `folder`.

    Pass the returned folder as `data_dir` to `load_library` or `Store.open`. The same
    arguments always give the same files, whatever `workers` is. `per_reading` sets how many
    quotes one reading holds (the readings of an uneven split differ by one). Readings are
    written by `workers` forked processes (default: one a CPU) when there are several.
    """
    global _WORK
    if quotes < 1 or per_reading < 1:
        raise ValueError("quotes and per_reading must be positive")
    folder = Path(folder)
    root = folder / "readings"
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    root.mkdir(parents=True, exist_ok=True)
    library = LibraryPlan(seed, quotes, per_reading)
    if workers is None:
        workers = os.cpu_count() or 1
    workers = min(workers, len(library.plans) // 2)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for plan in library.plans:
            ReadingWriter(library, plan).write(root)
        return folder
    _WORK = (library, root)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            list(pool.map(_write_reading, range(len(library.plans))))
    finally:
        _WORK = None
    return folder
