"""One budget of requests per second, shared by every sender of the bot's posts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class RateBudget:
    """Spaces requests at least 1/`per_second` apart, shared by every sender."""

    def __init__(
        self,
        per_second: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_free = monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            now = self._monotonic()
            start = max(now, self._next_free)
            self._next_free = start + self.interval
            if start > now:
                await self._sleep(start - now)
