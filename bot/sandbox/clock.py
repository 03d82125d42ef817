"""ManualClock: a clock a test moves by hand, for the sandbox's 3 s and 15 min windows."""

from __future__ import annotations


class ManualClock:
    """A clock for tests: call it for the time, advance it by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds
