"""Settings come from one module: environment over `.env`, with one-line errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.config import DEFAULT_DATA_DIR, PROJECT_ROOT, ConfigError, load_settings


def test_defaults_without_anything() -> None:
    settings = load_settings({}, env_file=None)
    assert settings.token == ""
    assert settings.database_path == PROJECT_ROOT / "reading-room.db"
    assert settings.dev_guild_id is None
    assert settings.log_level == "INFO"
    assert settings.data_dir == DEFAULT_DATA_DIR


def test_environment_overrides_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=from-file\nDEV_GUILD_ID=42\nLOG_LEVEL=debug\n")
    settings = load_settings({"DISCORD_TOKEN": "from-env"}, env_file=env_file)
    assert settings.token == "from-env"
    assert settings.dev_guild_id == 42
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DEV_GUILD_ID": "my-server"}, "DEV_GUILD_ID"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ],
)
def test_bad_values_give_one_clear_line(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(environ, env_file=None)
    assert "\n" not in str(caught.value)


def test_repr_never_shows_the_token() -> None:
    settings = load_settings({"DISCORD_TOKEN": "super-secret-token"}, env_file=None)
    assert "super-secret-token" not in repr(settings)
    assert "super-secret-token" not in str(settings)


def test_every_env_file_but_the_example_is_kept_out_of_git() -> None:
    root = Path(__file__).resolve().parents[1]
    names = [".env", ".env.local", ".env.production", ".env.example"]
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", *names],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.split() == [".env", ".env.local", ".env.production"]


def test_a_postgresql_state_is_named_by_database_url_and_never_shown() -> None:
    url = "postgresql://bot:hunter2@db.internal:5432/reading_room"
    settings = load_settings({"DATABASE_URL": url}, env_file=None)
    assert settings.database_url == url
    assert "hunter2" not in repr(settings)
    assert "database_url=<set>" in repr(settings)
    assert load_settings({}, env_file=None).database_url == ""  # SQLite, the default
    with pytest.raises(ConfigError, match="postgresql://"):
        load_settings({"DATABASE_URL": "mysql://x"}, env_file=None)


def test_the_scheduler_looks_every_excerpt_check_seconds() -> None:
    assert load_settings({}, env_file=None).excerpt_check_seconds == 20.0
    quick = load_settings({"EXCERPT_CHECK_SECONDS": "0.5"}, env_file=None)
    assert quick.excerpt_check_seconds == 0.5
    for wrong in ("0", "soon", "7200"):
        with pytest.raises(ConfigError, match="EXCERPT_CHECK_SECONDS"):
            load_settings({"EXCERPT_CHECK_SECONDS": wrong}, env_file=None)


def test_clock_file_sets_the_bots_time_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    assert load_settings({}, env_file=None).clock_file is None
    clock_file = tmp_path / "now"
    clock_file.write_text("2026-03-02T09:00:00+01:00\n")
    settings = load_settings({"CLOCK_FILE": str(clock_file)}, env_file=None)
    assert settings.clock_file == clock_file
    for content in ("tomorrow", "2026-03-02T09:00:00"):  # no offset: which 09:00?
        clock_file.write_text(content)
        with pytest.raises(ConfigError, match="CLOCK_FILE") as caught:
            load_settings({"CLOCK_FILE": str(clock_file)}, env_file=None)
        assert "\n" not in str(caught.value)
    with pytest.raises(ConfigError, match="CLOCK_FILE"):
        load_settings({"CLOCK_FILE": str(tmp_path / "missing")}, env_file=None)
