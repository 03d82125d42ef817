"""Going online, and the one line and exit code for each fault that stops the bot starting."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import aiohttp
import discord

from bot.config import ConfigError
from bot.store.database_faults import DiskFullError, UnusableDatabaseError
from bot.store.loader import ContentError

log = logging.getLogger(__name__)

LOGIN_TRIES = 8  # about four minutes of backoff before giving up
LOGIN_BACKOFF_CAP = 60.0  # seconds


class TokenRefusedError(Exception):
    """Discord refused DISCORD_TOKEN."""


class DiscordUnreachableError(Exception):
    """Discord could not be reached, however long the bot tried."""


# Every fault that stops the bot starting, with its exit code, most specific class first (the
# README's operations section lists them). 1 and 2 keep the meanings they always had.
EXIT_CODES: tuple[tuple[type[Exception], int], ...] = (
    (ContentError, 1),
    (ConfigError, 2),
    (DiskFullError, 4),
    (UnusableDatabaseError, 3),
    (TokenRefusedError, 5),
    (DiscordUnreachableError, 6),
)


def exit_code(error: BaseException) -> int | None:
    """The exit code for a startup fault; None for anything else (a bug: let it show)."""
    return next((code for kind, code in EXIT_CODES if isinstance(error, kind)), None)


async def login(
    client: discord.Client,
    token: str,
    *,
    tries: int = LOGIN_TRIES,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Log in, trying again with backoff while Discord cannot be reached; a refused token
    is final at once."""
    delay = 1.0
    for attempt in range(1, tries + 1):
        try:
            await client.login(token)
            return
        except discord.LoginFailure as error:
            raise TokenRefusedError(
                "Discord refused DISCORD_TOKEN: copy the bot's token from the Developer Portal "
                "(your application, Bot, Reset Token) into .env."
            ) from error
        except discord.HTTPException as error:
            if error.status < 500:
                raise
            reason = f"Discord answered {error.status}"
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            reason = str(error) or type(error).__name__
        if attempt == tries:
            raise DiscordUnreachableError(
                f"could not reach Discord after {tries} tries ({reason}): check the network "
                "and https://discordstatus.com, then start again."
            )
        log.warning("could not reach Discord (%s); trying again in %.0f s", reason, delay)
        await sleep(delay)
        delay = min(delay * 2, LOGIN_BACKOFF_CAP)
