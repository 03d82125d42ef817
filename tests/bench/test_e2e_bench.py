"""Smoke test of the end-to-end benchmark: a tiny library, every case measured through the bot."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench.e2e_bench import has_failures, markdown_table, run_size
from bench.e2e_cases import CHOICES_FLOOR, FLOOR
from bench.e2e_measure import CONCURRENCY
from bot.sandbox import response_routes as responses

QUOTES = 200
CALLS = 3
COMMANDS = {"define", "expert", "quote", "publications", "search", "reading", "help"}
AUTOCOMPLETE = {
    "define term",
    "expert name",
    "quote topic",
    "publications topic",
    "publications type",
}


def test_every_command_and_autocomplete_is_measured_against_its_floor(tmp_path: Path) -> None:
    figures = run_size(QUOTES, calls=CALLS, workdir=tmp_path)

    assert figures["quotes"] == QUOTES
    assert not has_failures(figures)
    assert figures["failed_callbacks"] == figures["bot_errors"] == 0
    assert set(figures["concurrency"]) == {str(c) for c in CONCURRENCY}
    for concurrency, measured in figures["concurrency"].items():
        assert set(measured["commands"]) == COMMANDS, concurrency
        assert set(measured["autocomplete"]) == AUTOCOMPLETE, concurrency
        assert measured[FLOOR]["outcomes"] == {"text": CALLS}
        assert measured[CHOICES_FLOOR]["outcomes"] == {"choices": CALLS}
        for name, row in {**measured["commands"], **measured["autocomplete"]}.items():
            where = f"{name} at concurrency {concurrency}"
            assert row["n"] == CALLS, where
            assert row["failed"] == 0, where
            assert sum(row["outcomes"].values()) == CALLS, where
            assert 0 < row["p50_ms"] <= row["p99_ms"] <= row["max_ms"], where
            for ratio in (row["p50_ratio"], row["p99_ratio"]):
                assert math.isfinite(ratio), where
                assert ratio > 0, where
        for name in COMMANDS:
            assert set(measured["commands"][name]["outcomes"]) <= {"embed", "text"}, name
        for name in AUTOCOMPLETE:
            outcomes = measured["autocomplete"][name]["outcomes"]
            assert set(outcomes) <= {"choices", "no choices"}, name
            assert outcomes.get("choices"), name

    table = markdown_table([figures])
    for name in COMMANDS:
        assert f"| /{name} |" in table
    for name in AUTOCOMPLETE:
        assert f"| /{name} (autocomplete) |" in table
    assert f"{QUOTES} quotes" in table


def test_refused_callbacks_and_the_errors_they_cause_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(responses, "INITIAL_RESPONSE_WINDOW", -1.0)  # every answer is too late
    figures = run_size(QUOTES, calls=1, workdir=tmp_path)

    assert has_failures(figures)
    for measured in figures["concurrency"].values():
        assert measured[FLOOR]["n"] == 0
        assert measured[FLOOR]["outcomes"] == {"failed: 404/10062 Unknown interaction": 1}
        assert measured["commands"]["define"]["p50_ratio"] is None
    assert figures["bot_errors"] > 0
    assert "in /define" in " ".join(figures["bot_error_lines"])
    table = markdown_table([figures])
    assert "no accepted callback" in table
    assert "**FAILED 1 of 1**" in table
