"""The domain: the curated content, the guilds' state and the daily-excerpt scheduler.

Imports nothing from discord. `Store` is the one face every command and the scheduler ask.
"""

from bot.store.store import Store

__all__ = ["Store"]
