"""What every benchmark report says about where it ran: cores, versions, commit, load."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _git(*arguments: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), *arguments], capture_output=True, text=True, check=False
    )
    return done.stdout.strip()


def describe() -> dict[str, Any]:
    """The machine, the versions that matter, the commit and the load when the run began."""
    changed = _git("status", "--porcelain", "--", "bot", "cogs").splitlines()
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "discord.py": metadata.version("discord.py"),
        "aiosqlite": metadata.version("aiosqlite"),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "bot_changes_not_committed": [line[3:] for line in changed],
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def machine_summary(info: dict[str, Any]) -> str:
    """The cores and versions of `describe()`, as a report's footnote starts them."""
    return (
        f"{info['cores']} cores, Python {info['python']}, SQLite {info['sqlite']}, "
        f"discord.py {info['discord.py']}"
    )
