"""All settings, read once from the environment and an optional `.env` file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from bot.store import clock
from bot.store.shards import Shards, parse_shards

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


@dataclass(frozen=True, slots=True)
class Settings:
    token: str = ""
    database_path: Path = PROJECT_ROOT / "reading-room.db"
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    data_dir: Path = DEFAULT_DATA_DIR
    api_base: str = ""
    gateway_url: str = ""
    excerpt_grace_hours: float = 6.0
    post_rate: float = 40.0
    database_url: str = ""  # postgresql://...: the guilds' state there, not in database_path
    shards: Shards = field(default_factory=Shards)  # SHARD_COUNT, SHARD_IDS: this process's
    excerpt_check_seconds: float = 20.0  # between the scheduler's looks for due posts
    clock_file: Path | None = None  # rehearsals and tests: the bot's time is read from it

    def __repr__(self) -> str:
        hidden = "<set>" if self.token else "<empty>"
        state = ", database_url=<set>" if self.database_url else ""  # it may hold a password
        return f"Settings(token={hidden}, database_path={self.database_path!s}{state}, ...)"


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = PROJECT_ROOT / ".env"
) -> Settings:
    """Settings from `environ` (default: the process environment) over the `.env` file."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str:
        return values.get(name, "").strip()

    guild = get("DEV_GUILD_ID")
    if guild and not guild.isdigit():
        raise ConfigError(f"DEV_GUILD_ID must be a server id (digits only), not {guild!r}.")
    level = (get("LOG_LEVEL") or "INFO").upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}.")
    grace = _number("EXCERPT_GRACE_HOURS", get("EXCERPT_GRACE_HOURS"), 6.0, 0.5, 24 * 7)
    rate = _number("POST_RATE_PER_SECOND", get("POST_RATE_PER_SECOND"), 40.0, 0.1, 49)
    try:
        shards = parse_shards(get("SHARD_COUNT"), get("SHARD_IDS"))
    except ValueError as error:
        raise ConfigError(f"{error}.") from None
    check = _number("EXCERPT_CHECK_SECONDS", get("EXCERPT_CHECK_SECONDS"), 20.0, 0.05, 3600)
    clock_file = get("CLOCK_FILE")
    if clock_file:
        try:
            clock.read_from(Path(clock_file))
        except ValueError as error:
            raise ConfigError(f"CLOCK_FILE: {error}.") from None
    url = get("DATABASE_URL")
    if url and not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError("DATABASE_URL must be a postgresql:// address (or unset for SQLite).")
    return Settings(
        token=get("DISCORD_TOKEN"),
        database_path=Path(get("DATABASE_PATH") or PROJECT_ROOT / "reading-room.db"),
        dev_guild_id=int(guild) if guild else None,
        log_level=level,
        data_dir=Path(get("READING_ROOM_DATA") or DEFAULT_DATA_DIR),
        api_base=get("DISCORD_API_BASE"),
        gateway_url=get("DISCORD_GATEWAY_URL"),
        excerpt_grace_hours=grace,
        post_rate=rate,
        database_url=url,
        shards=shards,
        excerpt_check_seconds=check,
        clock_file=Path(clock_file) if clock_file else None,
    )


def _number(name: str, text: str, default: float, low: float, high: float) -> float:
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise ConfigError(f"{name} must be a number from {low:g} to {high:g}, not {text!r}.")
    return value
