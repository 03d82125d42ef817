"""Smoke test of the store benchmark: a tiny synthetic library, every figure measured."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.store_bench import main, markdown_table, run_size

QUOTES = 200
SCALARS = (
    "generate_s",
    "data_bytes",
    "readings",
    "passages",
    "speakers",
    "concepts",
    "publications",
    "cold_load_s",
    "warm_start_s",
    "db_bytes",
    "rss_cold_peak_mb",
    "rss_serve_peak_mb",
)
CALLS = (
    "define exact term",
    "define variant spelling",
    "define miss (did-you-mean)",
    "suggest term, 1 letter",
    "suggest term, 3 letters",
    "suggest term, word + prefix",
    "suggest speaker, 1-3 letters",
    "expert by surname",
    "random quote on a topic",
    "search common word",
    "search rare word",
    "search two words",
    "search hostile string",
)


def _numbers(value: Any, path: str = "") -> Iterator[tuple[str, float]]:
    """Every measured number in `value` (the machine's load average may well be 0)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "load_average":
                yield from _numbers(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _numbers(item, f"{path}/{index}")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield path, value


def test_every_figure_is_present_and_positive(tmp_path: Path) -> None:
    figures = run_size(QUOTES, runs=1, calls=5, workdir=tmp_path, isolate=False)
    for key in SCALARS:
        assert figures[key] > 0, key
    assert set(CALLS) <= set(figures["calls"])
    for name, call in figures["calls"].items():
        assert call["n"] == 5, name
        assert 0 < call["p50_ms"] <= call["p99_ms"] <= call["max_ms"], name
        assert sum(call["outcomes"].values()) == 5, name
    assert {naive["beside"] for naive in figures["baselines"].values()} == {
        "search common word",
        "search frequent word",
        "search rare word",
        "search two words",
        "suggest term, 1 letter",
        "suggest term, 3 letters",
        "suggest term, word + prefix",
        "suggest speaker, 1-3 letters",
    }
    for name, naive in figures["baselines"].items():
        ours = figures["calls"][naive["beside"]]
        assert naive["n"] == 5, name
        assert naive["p99_ratio"] == naive["p99_ms"] / ours["p99_ms"], name
    for path, number in _numbers(figures):
        assert number > 0, path
    table = markdown_table([figures])
    assert all(name in table for name in (*figures["calls"], *figures["baselines"]))


def test_command_line_measures_in_child_processes(tmp_path: Path) -> None:
    report = tmp_path / "bench.json"
    argv = ["--sizes", str(QUOTES), "--runs", "1", "--calls", "3", "--json", str(report)]
    assert main([*argv, "--workdir", str(tmp_path)]) == 0
    (figures,) = json.loads(report.read_text(encoding="utf-8"))["results"]
    for key in SCALARS:
        assert figures[key] > 0, key
    for path, number in _numbers(figures):
        assert number > 0, path
