"""Guild and member state on SQLite (the embedded default, in the content's file) or on
PostgreSQL (several processes on several machines): one interface to either, `StateDB`.

SQL is written once, with `?` placeholders and what SQLite and PostgreSQL both understand
(`ON CONFLICT`, `RETURNING`, `CASE`); the PostgreSQL side numbers the placeholders. A write is
one transaction: `async with db.transaction() as tx:` gives the statements of one connection,
committed together or not at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any, Protocol

import aiosqlite

from bot.store import database

Row = Any  # aiosqlite.Row or asyncpg.Record: both index by position and by name
log = logging.getLogger(__name__)

SQLITE, POSTGRES = "sqlite", "postgres"


class StateDB(Protocol):
    dialect: str

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row of one query."""
        ...

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def transaction(
        self, lock: int | None = None
    ) -> contextlib.AbstractAsyncContextManager[StateDB]:
        """One write transaction; statements go through the StateDB it gives. With `lock`
        (see `lock_key`), transactions of the same key, in any process, run one at a time:
        what SQLite's single writer gives every transaction, PostgreSQL gives those that read
        before they write."""
        ...


def lock_key(*parts: object) -> int:
    """A transaction lock's key for what it guards (e.g. "syllabus", guild_id): a signed
    64-bit number, the same in every process."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class SqliteState:
    """State in the SQLite file of the content: writes through the store's write connection,
    reads outside a transaction through `reader` (the read-only pool, which a content build on
    the write connection never holds up) when given."""

    dialect = SQLITE

    def __init__(
        self,
        connection: aiosqlite.Connection,
        reader: database.Queryable | None = None,
        *,
        in_transaction: bool = False,
    ) -> None:
        self.connection = connection
        self.reader = reader or connection
        self._in_transaction = in_transaction

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return await database.fetch_all(self.reader, sql, params)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        if not self._in_transaction:  # a write of its own: never inside another task's
            async with self.transaction() as tx:
                return await tx.execute(sql, params)
        cursor = await self.connection.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if not self._in_transaction:
            async with self.transaction() as tx:
                await tx.executemany(sql, rows)
            return
        await self.connection.executemany(sql, rows)

    @contextlib.asynccontextmanager
    async def transaction(self, lock: int | None = None) -> AsyncIterator[SqliteState]:
        # One writer at a time already: `lock` adds nothing here.
        async with database.transaction(self.connection):
            # Reads inside see the transaction's writes.
            yield SqliteState(self.connection, in_transaction=True)


_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\?")


def numbered(sql: str) -> str:
    """`sql` with its `?` placeholders numbered `$1`, `$2`, ... (none inside a string)."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group() != "?":
            return match.group()
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql)


def _changed(status: str) -> int:
    """The row count of a PostgreSQL command status ("UPDATE 3", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresConnection:
    """The statements of one PostgreSQL connection (inside a transaction)."""

    dialect = POSTGRES

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(await self.connection.fetch(numbered(sql), *params))

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return _changed(await self.connection.execute(numbered(sql), *params))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.connection.executemany(numbered(sql), [tuple(row) for row in rows])

    @contextlib.asynccontextmanager
    async def transaction(self, lock: int | None = None) -> AsyncIterator[PostgresConnection]:
        async with self.connection.transaction():  # a savepoint inside another
            if lock is not None:
                await self.connection.execute("SELECT pg_advisory_xact_lock($1)", lock)
            yield self


OWNER_LOCK = "claim owner"  # lock_key(OWNER_LOCK, owner): held while a claim's owner lives
LOCK_CHECK_S = 5.0  # seconds the owner's lock connection may take to answer before it is redone


class PostgresState:
    """State in PostgreSQL, through a pool of connections (asyncpg). With `owner`, a connection
    of its own holds a shared session lock for this process's claims (see `owner_alive`)."""

    dialect = POSTGRES

    def __init__(self, pool: Any, url: str = "", owner: str = "") -> None:
        self.pool = pool
        self.owner = owner
        self._url = url
        self._alive: Any = None  # the connection holding the owner's lock
        self._holding = asyncio.Lock()  # one check of it at a time (one query a connection)

    async def hold_owner_lock(self) -> bool:
        """Whether this process holds its owner's lock now: taken on a connection of its own
        at the first ask, and again when that connection has dropped (a restart of the server,
        a network fault), which each ask checks. False without an owner, or while it cannot
        be taken."""
        if not self.owner:
            return False
        import asyncpg

        async with self._holding:
            if self._alive is not None:
                try:
                    async with asyncio.timeout(LOCK_CHECK_S):
                        await self._alive.fetchval("SELECT 1")
                    return True
                except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                    self._alive.terminate()
                    self._alive = None
            connection = None
            try:
                connection = await asyncpg.connect(self._url, timeout=LOCK_CHECK_S)
                key = lock_key(OWNER_LOCK, self.owner)
                await connection.execute("SELECT pg_advisory_lock_shared($1)", key)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("cannot hold this process's claim lock (%s): claims name none", error)
                if connection is not None:
                    connection.terminate()
                return False
            self._alive = connection
            return True

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self.pool.acquire() as connection:
            return await PostgresConnection(connection).fetch(sql, params)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self.pool.acquire() as connection:
            return await PostgresConnection(connection).execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.pool.acquire() as connection:
            await PostgresConnection(connection).executemany(sql, rows)

    @contextlib.asynccontextmanager
    async def transaction(self, lock: int | None = None) -> AsyncIterator[PostgresConnection]:
        async with self.pool.acquire() as connection, connection.transaction():
            if lock is not None:  # held until the transaction ends
                await connection.execute("SELECT pg_advisory_xact_lock($1)", lock)
            yield PostgresConnection(connection)

    async def close(self) -> None:
        try:
            if self._alive is not None:
                await self._alive.close()  # the owner's lock goes with its session
        finally:
            await self.pool.close()


async def owner_alive(tx: StateDB, owner: str) -> bool:
    """Whether a process that claims as `owner` holds its lock now, on any machine (inside a
    transaction on PostgreSQL: the probe's own lock ends with it)."""
    rows = await tx.fetch("SELECT pg_try_advisory_xact_lock(?)", (lock_key(OWNER_LOCK, owner),))
    return not rows[0][0]


async def open_state(url: str, owner: str = "") -> PostgresState:
    """The PostgreSQL state at `url` (postgresql://...), its migrations applied. With `owner`
    (the process, as its claims name it), a session of its own holds a shared lock for it for
    as long as the state is open: when the process dies, the lock goes, and its claims are
    taken over at once (several stores of one process share the lock)."""
    import asyncpg  # only a bot configured for PostgreSQL needs it loaded

    from bot.store.state_migrations import migrate

    pool = await asyncpg.create_pool(url, min_size=1, max_size=8)
    state = PostgresState(pool, url, owner)
    try:
        await migrate(state)
        await state.hold_owner_lock()
    except BaseException:
        await state.close()
        raise
    return state
