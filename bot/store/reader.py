"""What every module answering from the content holds: where it reads, the readings by row,
and the suggestions that make "did you mean"."""

from __future__ import annotations

from bot.store.database import Queryable
from bot.store.library import Catalog
from bot.store.suggestions import Suggestions


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
