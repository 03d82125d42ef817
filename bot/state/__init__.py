"""Guild and member state on SQLite (the embedded default, in the content's file) or on
PostgreSQL (several processes on several machines): one interface, `StateDB`, and SQL written
once for both. Imports nothing from discord."""

from bot.state.db import StateDB, open_state

__all__ = ["StateDB", "open_state"]
