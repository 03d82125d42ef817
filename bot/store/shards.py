"""Which servers a process serves when the bot's shards are split across processes: Discord
sends a server's events to shard `(guild_id >> 22) % shard_count`, and a process running some
of the shards answers, posts and reminds for those servers only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SHARD_BITS = 22  # a snowflake's timestamp starts above its 22 low bits


@dataclass(frozen=True, slots=True)
class Shards:
    """The shards this process runs, of `count` in all (the default: the only one)."""

    count: int = 1
    ids: tuple[int, ...] = field(default=(0,))

    def __post_init__(self) -> None:
        if self.count < 1 or not self.ids or not all(0 <= i < self.count for i in self.ids):
            raise ValueError(f"shards {self.ids} of {self.count}")

    @property
    def everything(self) -> bool:
        return set(self.ids) == set(range(self.count))

    def of(self, guild_id: int) -> int:
        """The shard a server's events go to."""
        return (guild_id >> SHARD_BITS) % self.count

    def owns(self, guild_id: int) -> bool:
        return self.of(guild_id) in self.ids

    def condition(self, column: str = "guild_id") -> tuple[str, tuple[int, ...]]:
        """An SQL condition keeping this process's servers, and its parameters (SQLite and
        PostgreSQL both shift and take remainders of integers alike)."""
        if self.everything:
            return "1 = 1", ()
        marks = ", ".join("?" * len(self.ids))
        return f"(({column} >> {SHARD_BITS}) % ?) IN ({marks})", (self.count, *self.ids)


def parse_shards(count_text: str, ids_text: str) -> Shards:
    """SHARD_COUNT and SHARD_IDS as typed ("4" and "0-1", "2,3" or "" for all); ValueError
    with one line saying what is wrong."""
    count = int(count_text) if count_text.strip() else 1
    if count < 1:
        raise ValueError("SHARD_COUNT must be 1 or more")
    if not ids_text.strip():
        return Shards(count, tuple(range(count)))
    ids: list[int] = []
    for part in ids_text.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if match is None:
            raise ValueError(f"SHARD_IDS must be numbers and ranges like 0-3 or 0,2, not {part!r}")
        low, high = int(match[1]), int(match[2] or match[1])
        if low > high:
            raise ValueError(f"SHARD_IDS range {part.strip()!r} runs backwards")
        ids += range(low, high + 1)
    if any(i >= count for i in ids):
        raise ValueError(f"SHARD_IDS must be below SHARD_COUNT ({count}), not {ids_text!r}")
    return Shards(count, tuple(sorted(set(ids))))
