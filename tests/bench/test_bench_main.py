"""Smoke test of `make bench`: every benchmark at the smallest size, into one report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main

QUOTES = 200


def test_make_bench_writes_one_report_with_every_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.json"
    argv = [f"--sizes={QUOTES}", "--runs=1", "--calls=5", "--e2e-calls=3", "--posts=20"]
    argv += ["--query-schedules=200", "--memory-answers=150", "--study-cards=300"]
    # PostgreSQL's own test (tests/bench/test_postgres_bench.py) uses the tests' server.
    argv += ["--only=store,e2e,scheduler,memory,curate,library,study"]
    argv += [f"--workdir={tmp_path}", f"--json={out}"]
    assert main(argv) == 0
    report = json.loads(out.read_text(encoding="utf-8"))

    assert report["sizes"] == [QUOTES]
    assert report["machine"]["cores"] >= 1
    assert report["machine"]["python"]
    (store,) = report["store"]
    (e2e,) = report["e2e"]
    assert store["quotes"] == e2e["quotes"] == QUOTES
    assert store["cold_load_s"] > 0
    assert store["baselines"]
    assert set(e2e["concurrency"]) == {"1", "50"}
    assert e2e["failed_callbacks"] == 0
    assert report["scheduler"]["posting"]["posts_ok"] == 20
    assert report["memory"]["answers"] == 150
    assert report["memory"]["failed"] == report["memory"]["bot_errors"] == 0
    assert report["duration_s"] > 0

    measured = [t["target"] for t in report["targets"]]
    for words in (
        "concurrency 1",
        "concurrency 50",
        "store search",
        "store autocomplete",
        "naive",
        "grows",
        "warm start",
        "cold load",
        "RSS, cold",
        "RSS, serving",
        "due query",
        "posting",
        "RSS growth 100 → 150 answers",
        "curate draft: quotation recall",
        "curate draft of a 10,000-word article",
        "adding one reading, then reload",
        "changing one reading, then reload",
        "during back-to-back reloads",
        "after reloads",
        "study: next card, one due",
        "study: next card, a new one dealt",
        "study: quiz question",
    ):
        assert any(words in target for target in measured), words
    assert all(isinstance(t["met"], bool) and t["measured"] for t in report["targets"])
    table = capsys.readouterr().out
    assert all(t["target"] in table for t in report["targets"])
    assert "### End to end" in table
    assert "### Scheduler" in table
    assert "### Memory" in table
    assert "### Curate" in table
    assert "### Library" in table
    assert "### Study tools" in table
    study = report["study"]
    assert study["cards"] > 0  # 300 asked for, some on the same item: one card each
    assert all(row["p99_ms"] > 0 for row in study["calls"].values())
    library = report["library"]
    assert library["readings"] >= 1
    assert library["add"]["runs_s"]
    assert library["change"]["runs_s"]
    assert library["during_reload"]["reloading"]["errors"] == 0
    curate = report["curate"]
    assert curate["articles"] >= 12
    assert curate["seed"]["found"] == curate["seed"]["gold_quotes"] == 21


def test_only_some_benchmarks_keeps_the_others_figures(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    assert main(["--only=curate", f"--workdir={tmp_path}", f"--json={out}"]) == 0
    first = json.loads(out.read_text(encoding="utf-8"))
    argv = ["--only=memory", "--memory-answers=120", f"--workdir={tmp_path}", f"--json={out}"]
    assert main(argv) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["curate"] == first["curate"]
    assert report["kept"]["benchmarks"] == ["curate"]
    assert report["memory"]["answers"] == 120
    measured = [t["target"] for t in report["targets"]]
    assert any("curate draft" in target for target in measured)  # kept, and judged again
    assert any("RSS growth" in target for target in measured)
    assert "store" not in report
