"""The SQLite file: versioned migrations and the content tables built from a loaded library."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import sqlite3
import weakref
from collections.abc import AsyncIterator, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.models import Library, Reading
from bot.store.normalize import term_key, topic_key, words

log = logging.getLogger(__name__)

CONTENT_HASH_KEY = "content_hash"
# A word in more than this share of all documents (and at least COMMON_WORD_MIN of them) is
# "common": search sets it aside when the query has other words, and does not rank by it.
COMMON_WORD_SHARE = 0.2
COMMON_WORD_MIN = 3000
CONTENT_TABLES = (
    "suggestion_labels",
    "common_words",
    "search_index",
    "suggestions",
    "topics",
    "lookup_keys",
    "publications",
    "concepts",
    "quotes",
    "passages",
    "speakers",
    "readings",
)


def migrations() -> list[tuple[int, str]]:
    """The numbered SQL migrations shipped with the package, in order."""
    folder = resources.files("bot.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


async def connect(path: Path | str) -> aiosqlite.Connection:
    """Open the database, apply pending migrations and return the connection."""
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = aiosqlite.Row
    await connection.execute("PRAGMA busy_timeout = 5000")  # first: other processes may hold locks
    await _use_wal(connection)
    await connection.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints
    await connection.execute("PRAGMA foreign_keys = ON")
    await connection.execute("PRAGMA cache_size = -16000")  # KiB: large stores stay cached
    await migrate(connection)
    return connection


async def _use_wal(connection: aiosqlite.Connection, tries: int = 100) -> None:
    """Switch to WAL; SQLite refuses the switch at once, without waiting, while another process
    is opening the same new file, so try again briefly."""
    for attempt in range(tries):
        try:
            await connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == tries - 1:
                raise
            await asyncio.sleep(0.02)


async def migrate(connection: aiosqlite.Connection) -> None:
    """Apply pending migrations, each in its own transaction; two processes never both apply one."""
    for number, sql in migrations():
        async with transaction(connection):
            rows = await connection.execute_fetchall("PRAGMA user_version")
            if number <= next(iter(rows))[0]:
                continue
            log.info("applying migration %04d", number)
            for statement in _statements(sql):
                await connection.execute(statement)
            await connection.execute(f"PRAGMA user_version = {number}")


def _statements(sql: str) -> Iterator[str]:
    """The complete SQL statements of a script, in order."""
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""


async def get_meta(connection: aiosqlite.Connection, key: str) -> str | None:
    async with connection.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cursor:
        row = await cursor.fetchone()
    return None if row is None else row[0]


async def set_meta(connection: aiosqlite.Connection, key: str, value: str) -> None:
    await connection.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def to_json(item: Any) -> str:
    """A flat content item as JSON (dataclasses.asdict deep-copies, which is slow at scale)."""
    return json.dumps({name: getattr(item, name) for name in item.__slots__}, ensure_ascii=False)


_LOCKS: weakref.WeakKeyDictionary[aiosqlite.Connection, asyncio.Lock] = weakref.WeakKeyDictionary()


@contextlib.asynccontextmanager
async def transaction(connection: aiosqlite.Connection) -> AsyncIterator[None]:
    """One write transaction; tasks sharing the connection take turns instead of interleaving."""
    lock = _LOCKS.setdefault(connection, asyncio.Lock())
    async with lock:
        await connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            await connection.execute("ROLLBACK")
            raise
        await connection.execute("COMMIT")


async def build_content(
    connection: aiosqlite.Connection, library: Library, content_version: str
) -> None:
    """Replace all content tables with `library` in one transaction, recording its version."""
    async with transaction(connection):
        for table in CONTENT_TABLES:
            await connection.execute(f"DELETE FROM {table}")
        suggestions: dict[tuple[str, str, str], None] = {}
        for reading in library.readings:
            suggestions.update(dict.fromkeys(await _insert_reading(connection, reading)))
        await connection.executemany(
            "INSERT INTO suggestions (label, kind, value) VALUES (?, ?, ?)", list(suggestions)
        )
        await connection.executemany(
            "INSERT OR IGNORE INTO suggestion_labels (kind, key, label, value) VALUES (?, ?, ?, ?)",
            [(kind, label.casefold(), label, value) for label, kind, value in suggestions],
        )
        await connection.execute(
            "INSERT INTO common_words SELECT term FROM search_vocabulary "
            "WHERE doc > max(? * (SELECT count(*) FROM search_index), ?)",
            (COMMON_WORD_SHARE, COMMON_WORD_MIN),
        )
        await set_meta(connection, CONTENT_HASH_KEY, content_version)


async def _insert_reading(db: aiosqlite.Connection, reading: Reading) -> list[tuple[str, str, str]]:
    """Insert one reading's rows; return its autocomplete suggestions (label, kind, value)."""
    meta = {
        field.name: getattr(reading, field.name)
        for field in dataclasses.fields(reading)
        if field.name not in {"speakers", "quotes", "concepts", "passages", "publications"}
    }
    meta["sections"] = [dataclasses.asdict(section) for section in reading.sections]
    cursor = await db.execute(
        "INSERT INTO readings (id, title, item) VALUES (?, ?, ?)",
        (reading.id, reading.title, json.dumps(meta, ensure_ascii=False)),
    )
    r = cursor.lastrowid
    section_titles = {s.id: s.title for s in reading.sections}
    speaker_names = {s.id: s.name for s in reading.speakers}

    await db.executemany(
        "INSERT INTO speakers (reading, id, name, item) VALUES (?, ?, ?, ?)",
        [(r, s.id, s.name, to_json(s)) for s in reading.speakers],
    )
    await db.executemany(
        "INSERT INTO passages (reading, id, section, item) VALUES (?, ?, ?, ?)",
        [(r, p.id, p.section, to_json(p)) for p in reading.passages],
    )
    await db.executemany(
        "INSERT INTO quotes (reading, speaker, passage, id, item) VALUES (?1, "
        "(SELECT rowid FROM speakers WHERE reading = ?1 AND id = ?2), "
        "(SELECT rowid FROM passages WHERE reading = ?1 AND id = ?3), ?4, ?5)",
        [(r, q.speaker, q.passage, q.id, to_json(q)) for q in reading.quotes],
    )
    await db.executemany(
        "INSERT INTO concepts (reading, id, term, item) VALUES (?, ?, ?, ?)",
        [(r, c.id, c.term, to_json(c)) for c in reading.concepts],
    )
    await db.executemany(
        "INSERT INTO publications (reading, id, date, type_key, item) VALUES (?, ?, ?, ?, ?)",
        [(r, p.id, p.date, topic_key(p.type), to_json(p)) for p in reading.publications],
    )

    await _insert_targeted(
        db,
        "lookup_keys",
        "speakers",
        r,
        [("speaker", key, s.id) for s in reading.speakers for key in _speaker_keys(s.name)],
    )
    await _insert_targeted(
        db,
        "lookup_keys",
        "concepts",
        r,
        [("concept", term_key(t), c.id) for c in reading.concepts for t in {c.term, *c.aliases}],
    )
    await _insert_targeted(
        db,
        "topics",
        "quotes",
        r,
        [("quote", topic_key(t), q.id) for q in reading.quotes for t in q.topics],
    )
    await _insert_targeted(
        db,
        "topics",
        "concepts",
        r,
        [("concept", topic_key(t), c.id) for c in reading.concepts for t in c.topics],
    )
    await _insert_targeted(
        db,
        "topics",
        "publications",
        r,
        [("publication", topic_key(t), p.id) for p in reading.publications for t in p.topics],
    )
    # Columns: title, body, kind, reading; the item id becomes `target` (its rowid).
    indexed = {
        "passages": [
            (section_titles[p.section], p.text, "passage", r, p.id) for p in reading.passages
        ],
        "quotes": [(speaker_names[q.speaker], q.text, "quote", r, q.id) for q in reading.quotes],
        "concepts": [
            (c.term, " ".join((c.definition, *c.aliases)), "concept", r, c.id)
            for c in reading.concepts
        ],
        "publications": [
            (p.title, p.summary, "publication", r, p.id) for p in reading.publications
        ],
    }
    for table, rows in indexed.items():
        await _insert_targeted(
            db, "search_index (title, body, kind, reading, target)", table, r, rows
        )

    suggestions = [
        (label, "speaker", s.name)
        for s in reading.speakers
        for label in (s.name, *s.name.split()[-1:])
    ]
    suggestions += [
        (spelling, "term", c.term) for c in reading.concepts for spelling in (c.term, *c.aliases)
    ]
    suggestions += [(t, "quote_topic", t) for q in reading.quotes for t in q.topics]
    for p in reading.publications:
        suggestions += [(t, "publication_topic", t) for t in p.topics]
        suggestions.append((p.type, "publication_type", p.type))
    return suggestions


def _speaker_keys(name: str) -> set[str]:
    """A speaker is found by full name or surname."""
    name_words = words(name)
    return {" ".join(name_words), *name_words[-1:]}


async def _insert_targeted(
    db: aiosqlite.Connection, into: str, table: str, reading_row: int, rows: list[tuple]
) -> None:
    """Insert `rows` into `into`, replacing each row's last value (an item id) by its rowid."""
    if not rows:
        return
    ids = await db.execute_fetchall(
        f"SELECT id, rowid FROM {table} WHERE reading = ?", (reading_row,)
    )
    rowids = dict(ids)
    values = ", ".join("?" for _ in rows[0])
    # VALUES, not INSERT ... SELECT: several times faster into FTS5.
    await db.executemany(
        f"INSERT OR IGNORE INTO {into} VALUES ({values})",
        [(*row[:-1], rowids[row[-1]]) for row in rows],
    )
