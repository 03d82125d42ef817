"""The PostgreSQL benchmark at a small size, on the tests' PostgreSQL: its figures, targets and
table."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from bench import postgres_bench


def test_due_query_and_two_processes_posting_once_each_within_the_budget(
    tmp_path: Path, postgres_server: Any
) -> None:
    def new_database() -> str:
        name = f"bench_{uuid.uuid4().hex[:12]}"
        postgres_server.psql(f"CREATE DATABASE {name};")
        return postgres_server.get_uri(name)

    report = postgres_bench.run(500, 20, workdir=tmp_path, new_database=new_database)

    query = report["query"]
    assert query["due_now"] == 410  # 82 of every 100
    assert query["returned"] == query["limit"] == 200
    assert 0 < query["returned_half"] <= 200
    assert query["half_all_on_shard"]
    assert query["due"]["p99_ms"] > 0
    posting = report["posting"]
    assert posting["exactly_once"], posting
    assert posting["posts_each"] == [10, 10]  # each process its own shard's servers
    assert posting["rate_limited_429"] == 0
    assert posting["exit_codes"] == [0, 0]
    assert posting["tracebacks"] == 0
    query_target, posting_target = postgres_bench.targets(report)
    assert "500 schedules" in query_target["target"]
    assert posting_target["met"] is True
    table = postgres_bench.markdown_table(report)
    assert "20 posts from 2 processes at 20/s each" in table
