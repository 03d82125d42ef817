"""What every module answering from the content holds: where it reads, the readings by row,
and the suggestions that make "did you mean"; and the scope a lookup is answered from."""

from __future__ import annotations

from bot.store.database import Queryable
from bot.store.library import Catalog
from bot.store.suggestions import Suggestions

# The readings a lookup answers from, by row: a server's syllabus, one reading, or None for the
# whole library.
Scope = tuple[int, ...] | None


def in_scope(column: str, scope: Scope) -> str:
    """An SQL condition (to follow AND) keeping rows whose `column` is a reading in `scope`."""
    if scope is None:
        return "1"
    return f"{column} IN ({', '.join(str(int(row)) for row in scope)})"


class ContentReader:
    """A base for the modules that answer one kind of question about the content."""

    def __init__(
        self,
        connection: Queryable,
        readings: Catalog,
        suggestions: Suggestions,
    ) -> None:
        self.connection = connection
        self._readings = readings
        self._suggestions = suggestions
