"""What the sandbox records (requests, gateway frames, interactions and what the bot did with
them), and waiting until a record shows what a test expects."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.sandbox.errors import InteractionTimeoutError, SandboxError
from bot.sandbox.protocol import AUTOCOMPLETE_RESULT, FLAG_EPHEMERAL

if TYPE_CHECKING:
    from bot.sandbox.world import World


@dataclass
class RecordedRequest:
    """One REST request and the status the sandbox answered."""

    method: str
    path: str
    body: Any
    status: int
    time: float
    files: list[dict[str, Any]] = field(default_factory=list)
    response: Any = None
    received_ns: int = 0  # time.perf_counter_ns() as it reached the server, before its body

    @property
    def code(self) -> int | None:
        """Discord error code of the answer, if it was an error."""
        return self.response.get("code") if isinstance(self.response, dict) else None


@dataclass
class GatewayFrame:
    """One gateway frame; direction is "send" (server to bot) or "recv" (bot to server)."""

    direction: str
    op: int
    t: str | None
    s: int | None
    d: Any
    time: float
    ns: int = 0  # time.perf_counter_ns() just before it was written, or when it was read


class Notifier:
    """Wakes waiters whenever the sandbox records something (and polls, for outside state)."""

    POLL = 0.01

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        """Wake every waiter so it re-checks its condition."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_for(self, predicate: Callable[[], Any], within: float, what: str) -> Any:
        """Return predicate()'s first truthy value, or raise InteractionTimeoutError."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise InteractionTimeoutError(f"timed out after {within}s waiting for {what}")
            waiter = loop.create_future()
            self._waiters.append(waiter)
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(waiter, min(remaining, self.POLL))
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)


@dataclass
class InteractionRecord:
    """Everything the bot did with one interaction the sandbox sent it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    created_at: float
    name: str | None
    world: World = field(repr=False)
    notifier: Notifier = field(repr=False)
    responses: list[dict[str, Any]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)
    original_id: int | None = None
    loading: bool = False

    @property
    def response(self) -> dict[str, Any] | None:
        """The accepted initial response body {"type", "data"}, or None."""
        return self.responses[0] if self.responses else None

    @property
    def response_type(self) -> int | None:
        """Type of the accepted initial response (4 message, 5 defer, 7 update, 8 choices...)."""
        return self.response["type"] if self.response else None

    @property
    def data(self) -> dict[str, Any]:
        """The initial response's data ({} if none)."""
        return (self.response or {}).get("data") or {}

    @property
    def ephemeral(self) -> bool:
        """Whether the initial response was ephemeral."""
        return bool(self.data.get("flags", 0) & FLAG_EPHEMERAL)

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        """Autocomplete choices, if the bot answered with type 8."""
        return self.data.get("choices") if self.response_type == AUTOCOMPLETE_RESULT else None

    @property
    def original(self) -> dict[str, Any] | None:
        """The current state of the original response message, if it exists."""
        return self.world.messages.get(self.original_id) if self.original_id else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Current state of every live message this interaction created or answered on."""
        ids = dict.fromkeys([*([self.original_id] if self.original_id else []), *self.message_ids])
        return [self.world.messages[i] for i in ids if i in self.world.messages]

    @property
    def last_message(self) -> dict[str, Any] | None:
        """The most recently created or edited live message of this interaction."""
        live = self.messages
        return max(live, key=lambda m: self.world.touched.get(int(m["id"]), 0)) if live else None

    async def first_response(self, within: float = 2.0) -> dict[str, Any]:
        """Wait for the accepted initial response; raise if it was rejected or never came."""
        await self.wait_for(lambda r: r.responses or r.errors, within, "an initial response")
        if not self.responses:
            raise InteractionRejectedError(self, self.errors[-1])
        return self.responses[0]

    async def wait_for(
        self, predicate: Callable[[InteractionRecord], Any], within: float = 2.0, what: str = ""
    ) -> Any:
        """Wait until predicate(self) is truthy (real seconds; only I/O should take time)."""
        label = f"{what or 'condition'} on interaction {self.id} ({self.name})"
        try:
            return await self.notifier.wait_for(lambda: predicate(self), within, label)
        except InteractionTimeoutError as exc:
            raise InteractionTimeoutError(
                f"{exc}; responses={self.responses} errors={self.errors}"
            ) from None

    async def wait_followups(self, count: int = 1, within: float = 2.0) -> list[dict[str, Any]]:
        """Wait until the bot has sent `count` followups; return them."""
        await self.wait_for(lambda r: len(r.followups) >= count, within, f"{count} followups")
        return self.followups

    async def wait_error(self, within: float = 2.0) -> dict[str, Any]:
        """Wait for the first request of this interaction that the sandbox refused."""
        await self.wait_for(lambda r: r.errors, within, "a refused request")
        return self.errors[0]


class InteractionRejectedError(SandboxError):
    """The bot answered, but the sandbox refused the answer (e.g. 50035 Invalid Form Body)."""

    def __init__(self, record: InteractionRecord, error: Mapping[str, Any]) -> None:
        super().__init__(f"interaction {record.id} answer rejected: {error}")
        self.record = record
        self.error = error
