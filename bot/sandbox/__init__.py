"""A local Discord-compatible server (REST + gateway) that the real discord.py client logs into;
names are exported lazily, so importing the checks loads neither aiohttp nor discord."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "LocalDiscord": "bot.sandbox.server",
    "Fault": "bot.sandbox.faults",
    "GuildInfo": "bot.sandbox.guilds",
    "ManualClock": "bot.sandbox.clock",
    "InteractionRecord": "bot.sandbox.records",
    "RecordedRequest": "bot.sandbox.records",
    "GatewayFrame": "bot.sandbox.records",
    "InteractionRejectedError": "bot.sandbox.records",
    "SandboxError": "bot.sandbox.errors",
    "UnknownCommandError": "bot.sandbox.errors",
    "OptionError": "bot.sandbox.errors",
    "NoSuchComponentError": "bot.sandbox.errors",
    "InteractionTimeoutError": "bot.sandbox.errors",
    "run_bot_against": "bot.sandbox.harness",
    "BotRun": "bot.sandbox.harness",
    "BotCrashedError": "bot.sandbox.harness",
}

__all__ = [
    "BotCrashedError",
    "BotRun",
    "Fault",
    "GatewayFrame",
    "GuildInfo",
    "InteractionRecord",
    "InteractionRejectedError",
    "InteractionTimeoutError",
    "LocalDiscord",
    "ManualClock",
    "NoSuchComponentError",
    "OptionError",
    "RecordedRequest",
    "SandboxError",
    "UnknownCommandError",
    "run_bot_against",
]

if TYPE_CHECKING:
    from bot.sandbox.clock import ManualClock
    from bot.sandbox.errors import (
        InteractionTimeoutError,
        NoSuchComponentError,
        OptionError,
        SandboxError,
        UnknownCommandError,
    )
    from bot.sandbox.faults import Fault
    from bot.sandbox.guilds import GuildInfo
    from bot.sandbox.harness import BotCrashedError, BotRun, run_bot_against
    from bot.sandbox.records import (
        GatewayFrame,
        InteractionRecord,
        InteractionRejectedError,
        RecordedRequest,
    )
    from bot.sandbox.server import LocalDiscord


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bot.sandbox' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
