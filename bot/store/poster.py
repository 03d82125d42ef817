"""What the scheduler asks of whoever posts its excerpts (in the bot: Discord, through
bot/posting.py), and the nonce that makes a resent post one message."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from bot.store.answers import Excerpt, Schedule


class PostError(Exception):
    """Sending failed; `permanent` when retrying the same request cannot help (403, 404)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class Posted:
    """A message that went out, and why its discussion thread did not open, if it did not."""

    message_id: int
    thread_error: str | None = None


class Poster(Protocol):
    async def post(
        self, channel_id: int, schedule: Schedule, excerpt: Excerpt, nonce: str
    ) -> Posted:
        """Post the excerpt to the channel as the schedule says (ping, thread)."""
        ...

    async def find(
        self, channel_id: int, schedule: Schedule, excerpt: Excerpt, nonce: str, after: int | None
    ) -> Posted | None:
        """The post in the channel, made by an earlier attempt that ended before it was recorded
        (a crash, a timeout after Discord took it), looking only after message `after` (the
        guild's previous daily post), else among the latest; None if it is not there or cannot
        be looked for."""
        ...


def post_nonce(guild_id: int, occasion: str) -> str:
    """The same nonce for every attempt at one post (a local date's, or one manual request's),
    so Discord keeps only one."""
    return hashlib.blake2b(f"{guild_id}:{occasion}".encode(), digest_size=8).hexdigest()
