"""Injected failures: the next N matching requests get an error status, as Discord sends it, or
are carried out with their reply kept back."""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.sandbox.rest import json_response

DEFAULT_ERRORS = {
    400: (50035, "Invalid Form Body"),
    401: (0, "401: Unauthorized"),
    403: (50013, "Missing Permissions"),
    404: (10003, "Unknown Channel"),
    429: (0, "You are being rate limited."),
    500: (0, "500: Internal Server Error"),
    502: (0, "502: Bad Gateway"),
    503: (0, "503: Service Unavailable"),
    504: (0, "504: Gateway Timeout"),
}


@dataclass
class Fault:
    """An injected failure: the next `remaining` requests matching method and path get `status`."""

    method: str
    pattern: re.Pattern[str]
    status: int
    remaining: int
    retry_after: float
    code: int
    message: str
    is_global: bool = False
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to the request."""
        method_ok = self.method in ("*", method)
        return self.remaining > 0 and method_ok and bool(self.pattern.search(path))

    def response(self) -> web.Response:
        """The reply Discord (or its proxy) would send."""
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        headers: dict[str, str] = {}
        if self.status == 429:
            body.update(retry_after=self.retry_after, **{"global": self.is_global})
            headers = {
                "Via": "1.1 google",
                "Retry-After": str(math.ceil(self.retry_after)),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + self.retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{self.retry_after:.3f}",
                "X-RateLimit-Bucket": f"sandbox-{abs(hash(self.pattern.pattern)):x}",
                "X-RateLimit-Scope": "global" if self.is_global else "user",
            }
            if self.is_global:
                headers["X-RateLimit-Global"] = "true"
        return json_response(body, status=self.status, headers=headers)


def make_fault(
    method: str,
    path_regex: str,
    status: int,
    times: int,
    retry_after: float,
    code: int | None,
    message: str | None,
    is_global: bool,
) -> Fault:
    """A Fault with Discord's usual code and message for the status unless given."""
    default_code, default_message = DEFAULT_ERRORS.get(status, (0, f"{status}: Error"))
    return Fault(
        method.upper() if method != "*" else "*",
        re.compile(path_regex),
        status,
        times,
        retry_after,
        default_code if code is None else code,
        message or default_message,
        is_global,
    )


# Discord exempts interaction callbacks from the global limit (followups count like webhooks).
GLOBAL_EXEMPT = re.compile(r"^/interactions/\d+/[^/]+/callback$")


@dataclass
class GlobalRateLimit:
    """At most `limit` REST requests in any trailing second per key (interaction callbacks
    exempt). The server keys requests by bot token, so every process and connection of one bot
    shares its limit, as on Discord."""

    limit: int
    window: float = 1.0
    passed: defaultdict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    refused: int = 0
    refused_by: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))

    def check(self, path: str, now: float, key: str = "") -> web.Response | None:
        """None if the request may pass (it is counted against `key`); otherwise the global 429
        to send."""
        if GLOBAL_EXEMPT.match(path):
            return None
        passed = self.passed[key]
        while passed and passed[0] <= now - self.window:
            passed.popleft()
        if len(passed) < self.limit:
            passed.append(now)
            return None
        self.refused += 1
        self.refused_by[key] += 1
        retry_after = round(max(passed[0] + self.window - now, 0.001), 3)
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": True,
            "code": 0,
        }
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Global": "true",
            "X-RateLimit-Scope": "global",
        }
        return json_response(body, status=429, headers=headers)


@dataclass
class Hold:
    """The next `remaining` requests matching method and path are carried out (a message is
    created and dispatched) but their reply is kept back until `release()`: Discord took the
    request and its sender has not heard so yet, the moment a sender can die in. `held` counts
    the requests kept back so far."""

    method: str
    pattern: re.Pattern[str]
    remaining: int
    held: int = 0
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    def matches(self, method: str, path: str) -> bool:
        method_ok = self.method in ("*", method)
        return self.remaining > 0 and method_ok and bool(self.pattern.search(path))

    def take(self) -> None:
        """Count a request as kept back."""
        self.remaining -= 1
        self.held += 1

    async def wait(self) -> None:
        """Until released."""
        await self._released.wait()

    def release(self) -> None:
        """Send the replies kept back, and those of any request held from now on."""
        self.remaining = 0
        self._released.set()
