"""The command tree's one error handler: user errors, unexpected errors, and staying up."""

from __future__ import annotations

import logging
import re

import pytest

from tests.conftest import Sandbox


async def test_unexpected_error_shows_a_code_and_logs_the_traceback(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(query: str, **_: object) -> list:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sandbox.bot.store, "search", broken)
    with caplog.at_level(logging.ERROR, logger="bot.tree"):
        response = await sandbox.ask("search", {"query": "markets"})
    content = response["data"]["content"]
    assert response["data"]["flags"] & 64
    assert "disk on fire" not in content
    code = re.search(r"error code `([0-9a-f]{8})`", content).group(1)
    (record,) = [r for r in caplog.records if r.name == "bot.tree"]
    assert code in record.getMessage()
    assert record.exc_info[1].args == ("disk on fire",)
    monkeypatch.undo()
    again = await sandbox.ask("search", {"query": "markets"})
    assert again["data"]["embeds"]


async def test_user_error_is_short_and_private(sandbox: Sandbox) -> None:
    response = await sandbox.ask("search", {"query": "  !!! "})
    assert response["data"]["flags"] & 64
    assert response["data"]["content"] == "Type at least one word to search for."
