"""Smoke test of the memory benchmark: a short run through the bot, every answer accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.memory_bench import (
    CHECKPOINTS,
    GROWTH_TARGET_MB,
    has_failures,
    main,
    markdown_table,
    run,
)
from bot.sandbox import response_routes as responses

ANSWERS = 150


def test_the_bot_answers_every_lookup_and_its_rss_is_read_at_each_checkpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "memory.json"
    assert main([f"--answers={ANSWERS}", f"--workdir={tmp_path}", f"--json={out}"]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))["memory"]

    assert result["answers"] == ANSWERS
    assert result["failed"] == result["bot_errors"] == 0
    assert result["failures"] == {}
    assert result["page_turns"] > 0
    assert result["shares"] > 0
    assert result["interactions"] == ANSWERS + result["page_turns"] + result["shares"]
    assert [point["answers"] for point in result["checkpoints"]] == [CHECKPOINTS[0], ANSWERS]
    assert result["rss_start_mb"] > 0
    assert result["checkpoints"][0]["elapsed_s"] < result["checkpoints"][1]["elapsed_s"]
    last = result["checkpoints"][-1]["rss_mb"]
    assert result["growth_mb"] == pytest.approx(last - result["checkpoints"][0]["rss_mb"])
    assert result["rss_peak_mb"] >= last
    assert result["target_mb"] == GROWTH_TARGET_MB
    assert result["duration_s"] > 0

    table = capsys.readouterr().out
    assert f"RSS growth {CHECKPOINTS[0]} → {ANSWERS} answers" in table
    assert f"RSS after {ANSWERS} answers" in table


def test_the_growth_needs_answers_past_the_first_checkpoint(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=f"more than {CHECKPOINTS[0]} answers"):
        run(CHECKPOINTS[0], workdir=tmp_path)


def test_refused_answers_and_the_errors_they_cause_fail_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(responses, "INITIAL_RESPONSE_WINDOW", -1.0)  # every answer is too late
    result = run(ANSWERS, workdir=tmp_path)

    assert has_failures(result)
    assert not result["met"]
    assert result["failed"] == ANSWERS
    assert result["failures"] == {"failed answer: 404/10062 Unknown interaction": ANSWERS}
    assert result["bot_errors"] > 0
    table = markdown_table(result)
    assert f"**{ANSWERS} interactions unanswered or refused" in table
    assert "✗" in table
