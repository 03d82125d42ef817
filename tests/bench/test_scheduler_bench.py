"""Smoke test of the scheduler benchmark: a tiny due query and a short posting run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.scheduler_bench import main

QUERY_SCHEDULES = 200
POSTS = 30
PERCENTILES = {"p50_ms", "p99_ms", "max_ms", "mean_ms"}


def test_the_bench_measures_every_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scheduler.json"
    argv = [
        f"--query-schedules={QUERY_SCHEDULES}",
        "--query-runs=10",
        f"--schedules={POSTS}",
        "--post-rate=500",
        "--batch=10",
        "--channels=3",
        f"--workdir={tmp_path}",
        f"--json={out}",
    ]
    assert main(argv) == 0
    results = json.loads(out.read_text())

    assert {"cores", "python", "sqlite", "discord.py"} <= set(results["machine"])
    assert results["machine"]["cores"] >= 1

    (query,) = results["query"]
    assert query["schedules"] == QUERY_SCHEDULES
    assert query["returned"] == query["due_now"] == 164  # 82 of every 100 are due
    for figure in ("due", "due_reference_limit", "aiosqlite_rows", "sql_only"):
        assert set(query[figure]) == PERCENTILES
        assert all(value > 0 for value in query[figure].values())
    assert query["uses_index"]
    assert not query["temp_sort"]

    posting = results["posting"]
    assert posting["schedules"] == POSTS
    assert posting["ticks"] == 3
    assert posting["tick_handled"] == [10, 10, 10]
    assert posting["posts_ok"] == posting["post_requests"] == POSTS
    assert posting["channel_messages"] == posting["distinct_nonces"] == POSTS
    assert posting["posts_table_sent"] == posting["posts_table_guilds"] == POSTS
    assert posting["nonces_match"]
    assert posting["repeated_nonces"] == posting["schedules_not_posted"] == 0
    assert posting["exactly_once"]
    assert posting["rate_limited_429"] == posting["rate_limit_refused"] == 0
    assert posting["bot_alive"]
    assert posting["sandbox_internal_errors"] == 0
    assert posting["wall_s"] > 0
    assert posting["posts_per_s"] > 0
    assert posting["windows_per_s"]
    assert 1 <= posting["busiest_second"] <= 50

    table = capsys.readouterr().out
    assert f"due query, {QUERY_SCHEDULES} schedules" in table
    assert "posting: 429 replies | 0 | 0 | yes |" in table
