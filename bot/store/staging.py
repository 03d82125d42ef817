"""Staging: rows go by executemany into plain temporary tables, then one INSERT ... SELECT a
table copies them into the content tables while Python prepares the next batch."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.store.codec import is_json_field


@dataclass(frozen=True, slots=True)
class Staged:
    """The statements that stage a batch of rows for one table and copy them over."""

    create: str
    put: str
    clear: str
    copy: str
    drop: str


def staged(table: str, columns: str, item: type | None = None, verb: str = "INSERT") -> Staged:
    """Staging for `table`: a row holds `columns`, then the fields of an `item` (see
    item_values), from which the copy builds the JSON of the `item` column."""
    names = [name.strip() for name in columns.split(",")]
    fields = dataclasses.fields(item) if item is not None else ()
    staged = [f"v{number}" for number in range(1, len(names) + len(fields) + 1)]
    selected = staged[: len(names)]
    if fields:
        pairs = (
            f"'{field.name}', {f'json({column})' if is_json_field(field) else column}"
            for field, column in zip(fields, staged[len(names) :], strict=True)
        )
        names.append("item")
        selected.append(f"json_object({', '.join(pairs)})")
    stage = f"temp.staged_{table}"
    return Staged(
        create=f"CREATE TABLE {stage} ({', '.join(staged)})",
        put=f"INSERT INTO {stage} VALUES ({', '.join('?' for _ in staged)})",
        clear=f"DELETE FROM {stage}",
        copy=f"{verb} INTO main.{table} ({', '.join(names)}) "
        f"SELECT {', '.join(selected)} FROM {stage} ORDER BY rowid",
        drop=f"DROP TABLE {stage}",
    )


class Staging:
    """Moves batches of rows into the content tables while Python loads the next batch.

    A batch goes by executemany into plain temporary tables, a statement a row, then one
    INSERT ... SELECT a table copies it over, indexing it on the way. Such a copy is one SQLite
    step, which runs without the GIL, so SQLite copies and indexes a batch in the background;
    with a step a row, it would wait for the GIL from Python's busy thread at every row.
    Staging a row costs well under half of inserting it into its indexed table."""

    def __init__(self, connection: aiosqlite.Connection, tables: dict[str, Staged]) -> None:
        self.connection = connection
        self._tables = tables  # in foreign-key order
        self._copying: asyncio.Future[list[Any]] | None = None

    async def create(self) -> None:
        for staged in self._tables.values():
            await self.connection.execute(staged.create)

    async def insert(self, rows: dict[str, list[Sequence[Any]]]) -> None:
        """Stage `rows` (table -> rows) and start copying them over in the background."""
        for table, staged in self._tables.items():
            await self.connection.execute(staged.clear)  # copied by now: statements run in order
            if rows[table]:
                await self.connection.executemany(staged.put, rows[table])
        await self.copied()
        copies = [
            self.connection.execute(self._tables[table].copy) for table in rows if rows[table]
        ]
        self._copying = asyncio.gather(*copies)
        await asyncio.sleep(0)  # each task hands its statement to the SQLite thread now, in order

    async def copied(self) -> None:
        """Wait for the batch being copied, if any."""
        copying, self._copying = self._copying, None
        if copying is not None:
            await copying

    async def drop(self) -> None:
        for staged in self._tables.values():
            await self.connection.execute(staged.drop)
