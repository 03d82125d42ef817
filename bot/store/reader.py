"""What every module answering from the content holds: the connection, the titles of the
readings by row, and the suggestions that make "did you mean"."""

from __future__ import annotations

import aiosqlite

from bot.store.library import ReadingMeta
from bot.store.suggestions import Suggestions


class ContentReader:
    """A base for the modules that answer one kind of question about the content."""

    def __init__(
        self,
        connection: aiosqlite.Connection,
        readings: dict[int, ReadingMeta],
        suggestions: Suggestions,
    ) -> None:
        self.connection = connection
        self._readings = readings
        self._suggestions = suggestions
