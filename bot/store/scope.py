"""The scope of a lookup: the readings it answers from, as an SQL condition."""

from __future__ import annotations

# The readings a lookup answers from, by row: a server's syllabus, one reading, or None for the
# whole library.
Scope = tuple[int, ...] | None


def in_scope(column: str, scope: Scope) -> str:
    """An SQL condition (to follow AND) keeping rows whose `column` is a reading in `scope`."""
    if scope is None:
        return "1"
    return f"{column} IN ({', '.join(str(int(row)) for row in scope)})"
