"""Going online: a refused token and an unreachable Discord each end in one line and their own
exit code; Discord out of reach is tried again with backoff first."""

from __future__ import annotations

import aiohttp
import discord
import pytest

from bot.config import ConfigError
from bot.startup import (
    EXIT_CODES,
    DiscordUnreachableError,
    TokenRefusedError,
    exit_code,
    login,
)
from bot.store.database_faults import DiskFullError, UnusableDatabaseError
from bot.store.loader import ContentError


class FakeResponse:
    def __init__(self, status: int) -> None:
        self.status = status
        self.reason = "refused"


class FlakyClient:
    """A client whose logins fail with the given errors, then succeed."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.logins = 0

    async def login(self, token: str) -> None:
        self.logins += 1
        if self.errors:
            raise self.errors.pop(0)


async def test_unreachable_discord_is_tried_again_with_backoff() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    client = FlakyClient(
        aiohttp.ClientConnectionError("connection refused"),
        discord.HTTPException(FakeResponse(503), "unavailable"),  # type: ignore[arg-type]
        TimeoutError(),
    )
    await login(client, "token", sleep=sleep)  # type: ignore[arg-type]
    assert client.logins == 4
    assert slept == [1, 2, 4]


async def test_discord_out_of_reach_for_good_is_one_line() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    client = FlakyClient(*(OSError("Network is unreachable") for _ in range(20)))
    with pytest.raises(DiscordUnreachableError) as caught:
        await login(client, "token", tries=9, sleep=sleep)  # type: ignore[arg-type]
    assert slept == [1, 2, 4, 8, 16, 32, 60, 60]
    assert str(caught.value).startswith("could not reach Discord after 9 tries")
    assert "\n" not in str(caught.value)


async def test_a_refused_token_is_final_at_once() -> None:
    async def sleep(seconds: float) -> None:
        raise AssertionError("a refused token is not tried again")

    client = FlakyClient(discord.LoginFailure("Improper token has been passed."))
    with pytest.raises(TokenRefusedError, match="Discord refused DISCORD_TOKEN"):
        await login(client, "secret", sleep=sleep)  # type: ignore[arg-type]
    bad_request = FlakyClient(discord.HTTPException(FakeResponse(400), "bad"))  # type: ignore[arg-type]
    with pytest.raises(discord.HTTPException):
        await login(bad_request, "secret", sleep=sleep)  # type: ignore[arg-type]


def test_every_startup_fault_has_its_own_exit_code() -> None:
    codes = [code for _, code in EXIT_CODES]
    assert len(set(codes)) == len(codes)
    assert exit_code(ContentError([])) == 1
    assert exit_code(ConfigError("x")) == 2
    assert exit_code(UnusableDatabaseError("x")) == 3
    assert exit_code(DiskFullError("x")) == 4
    assert exit_code(TokenRefusedError("x")) == 5
    assert exit_code(DiscordUnreachableError("x")) == 6
    assert exit_code(RuntimeError("a bug")) is None
