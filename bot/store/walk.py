"""A schedule's walk through its readings: the server's syllabus in order, or, while the
syllabus is empty, the whole library by id. A place is (reading, item), so adding, removing,
reordering or editing readings never shifts or repeats what a server was already posted."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from bot.store.answers import START, Place, Placed
from bot.store.excerpts import ExcerptSequence
from bot.store.library import Catalog, ReadingMeta


class ExcerptWalk:
    """Finds the excerpts that come next from a place on a walk."""

    def __init__(self, sequence: ExcerptSequence, readings: Catalog) -> None:
        self._sequence = sequence
        self._readings = readings

    def order(self, syllabus: Sequence[str]) -> list[str]:
        """The reading ids a walk goes through: the syllabus's, else the library's."""
        return list(syllabus) or [reading.id for reading in self._readings.current]

    async def next(
        self, syllabus: Sequence[str], source: str, place: Place, wrap: bool, count: int = 1
    ) -> list[Placed]:
        """Up to `count` excerpts from `place` on, each with the place after it; fewer (none)
        once a walk that stops is finished."""
        order = self.order(syllabus)
        on_syllabus = bool(syllabus)
        placed: list[Placed] = []
        found = await self._resolve(order, source, place, wrap, on_syllabus)
        while found is not None and len(placed) < count:
            reading, index = found
            excerpt = await self._sequence.at(reading, source, index)
            following = Place(
                reading.id, await self._sequence.item_id(reading, source, index + 1), index + 1
            )
            after = (  # the next item of this reading ("" past its end), else the next reading
                (reading, index + 1)
                if following.item
                else await self._resolve(order, source, following, False, on_syllabus)
            )
            if after is None:
                excerpt = dataclasses.replace(excerpt, is_last=True)
                if wrap:
                    after = await self._resolve(order, source, START, False, on_syllabus)
            placed.append(Placed(excerpt, Place(reading.id, excerpt.item, index), following))
            found = after
        return placed

    async def _resolve(
        self, order: list[str], source: str, place: Place, wrap: bool, syllabus: bool
    ) -> tuple[ReadingMeta, int] | None:
        """The reading and index of the excerpt at `place`, moving on to the next reading of
        `order` past a reading's end (to the first again if `wrap`); None past the end."""
        by_id = self._readings.by_id
        if not place.reading:  # the first reading of the walk, by index
            position, index = 0, place.index
        elif place.reading in order:
            position, index = order.index(place.reading), place.index
            reading = by_id.get(place.reading)
            if reading is not None and place.item:
                found = await self._sequence.index_of(reading, source, place.item)
                index = place.index if found is None else found
        elif syllabus:  # not on the syllabus (it was the library's walk): the syllabus's start
            position, index = 0, 0
        else:  # gone from the library: the readings after it by id
            later = [n for n, reading_id in enumerate(order) if reading_id > place.reading]
            position, index = (later[0] if later else len(order)), 0
        for lap in range(2 if wrap else 1):
            if lap:
                position, index = 0, 0
            while position < len(order):
                reading = by_id.get(order[position])
                if reading is not None and index < self._sequence.length(reading, source):
                    return reading, max(index, 0)
                position, index = position + 1, 0
        return None
