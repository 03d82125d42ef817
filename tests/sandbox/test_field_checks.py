"""The sandbox's checks of what the bot sends stand apart from the client they check."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["command_checks", "message_checks", "field_checks"])
def test_module_imports_neither_discord_nor_aiohttp(module: str) -> None:
    code = (
        f"import sys, bot.sandbox.{module}; "
        "print(sorted(m for m in ('discord', 'aiohttp') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
