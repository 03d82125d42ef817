"""Bringing the content tables up to date with the data folder, reading by reading: only a
reading whose folder changed is loaded and rebuilt, and every change commits in one transaction,
so an answer sees the library before or after, never half of each."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiosqlite

from bot.store.build import (
    clear_content,
    delete_reading,
    finish_build,
    insert_readings,
    suggestion_labels,
)
from bot.store.database import (
    CONTENT_HASH_KEY,
    LONG_WRITE_WAIT,
    fetch_all,
    get_meta,
    set_meta,
    transaction,
)
from bot.store.library import ReadingMeta, load_reading_meta
from bot.store.loader import READING_FILE, load_reading, reading_dirs, reading_hash
from bot.store.models import DRAFT, Reading
from bot.store.suggestions import add_suggestions
from bot.store.validate import Problem

log = logging.getLogger(__name__)

# Bump when the tables built from content change meaning, so old databases rebuild in full.
STORE_FORMAT = "3"
FORMAT_KEY = "content_format"
# Where the content in the database was built from: this host and data folder.
CONTENT_SOURCE_KEY = "content_source"


@dataclass(slots=True)
class SyncReport:
    """What one sync did. `readings` is what is served now (None when nothing changed)."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, list[Problem]] = field(default_factory=dict)  # not loaded, with why
    readings: dict[int, ReadingMeta] | None = None

    @property
    def changed(self) -> bool:
        return self.readings is not None

    def to_json(self) -> str:
        """What changed, as one line of JSON (the served readings are not part of it)."""
        failed = {
            name: [dataclasses.asdict(problem) for problem in problems]
            for name, problems in self.failed.items()
        }
        found = {"added": self.added, "replaced": self.replaced, "removed": self.removed}
        return json.dumps(found | {"failed": failed}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> SyncReport:
        found = json.loads(text)
        failed = {
            name: [Problem(**problem) for problem in problems]
            for name, problems in found["failed"].items()
        }
        return cls(found["added"], found["replaced"], found["removed"], failed)

    def summary(self) -> str:
        parts = [
            f"{len(ids)} {what} ({', '.join(list(ids)[:5])}{', …' if len(ids) > 5 else ''})"
            for what, ids in (
                ("added", self.added),
                ("replaced", self.replaced),
                ("removed", self.removed),
                ("failed validation", self.failed),
            )
            if ids
        ]
        return ", ".join(parts) or "no reading changed"


def _content_source(data_dir: Path) -> str:
    return f"{socket.gethostname()}:{data_dir.resolve()}"


async def _built(connection: aiosqlite.Connection) -> bool:
    """Whether the content tables were built in this format and since the last migration that
    changed them (such a migration deletes the content's version): else they are built anew."""
    return (
        await get_meta(connection, FORMAT_KEY) == STORE_FORMAT
        and await get_meta(connection, CONTENT_HASH_KEY) is not None
    )


async def _stored(connection: aiosqlite.Connection) -> dict[str, tuple[int, str]]:
    """Each built reading's id: its row and the hash of the folder it was built from."""
    rows = await fetch_all(connection, "SELECT id, rowid, hash FROM readings")
    return {reading_id: (row, folder_hash) for reading_id, row, folder_hash in rows}


def title_problems(reading: Reading, folder: Path, titles: dict[str, str]) -> list[Problem]:
    """A reading whose title another served reading has (members tell readings apart by title)
    is refused; else its title joins `titles` (case-folded, to reading ids) unless a draft."""
    other = titles.get(reading.title.casefold())
    if other not in (None, reading.id):
        message = f"reading {other} has this title already: give each reading its own"
        return [Problem(str(folder / READING_FILE), "-", "title", message)]
    if reading.status != DRAFT:
        titles[reading.title.casefold()] = reading.id
    return []


async def _titles(connection: aiosqlite.Connection, keep: set[str]) -> dict[str, str]:
    """The case-folded titles of the built readings in `keep`, to their ids."""
    rows = await fetch_all(connection, "SELECT id, title FROM readings")
    return {title.casefold(): reading_id for reading_id, title in rows if reading_id in keep}


def _folders(
    data_dir: Path, known: dict[str, tuple[str, str]]
) -> tuple[dict[str, Path], dict[str, str], dict[str, str]]:
    """Each reading folder by name, the hash of its files, and how they look (names, sizes and
    modification times): a folder that looks as `known` says (name -> look, hash) keeps its
    hash unread. Run off the event loop."""
    folders = {folder.name: folder for folder in reading_dirs(data_dir)}
    looks = {name: folder_look(folder) for name, folder in folders.items()}
    hashes = {
        name: known[name][1]
        if name in known and known[name][0] == looks[name]
        else reading_hash(folder)
        for name, folder in folders.items()
    }
    return folders, hashes, looks


def folder_look(folder: Path) -> str:
    """A digest of the names, sizes and modification times of a folder's files."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        try:
            status = path.stat()
        except OSError:
            continue  # gone meanwhile: the hash, taken anew, names the fault
        digest.update(
            f"{path.relative_to(folder)}\0{status.st_size}\0{status.st_mtime_ns}\0".encode()
        )
    return digest.hexdigest()


async def _looks(connection: aiosqlite.Connection) -> dict[str, tuple[str, str]]:
    rows = await fetch_all(connection, "SELECT reading, look, hash FROM reading_files")
    return {reading: (look, folder_hash) for reading, look, folder_hash in rows}


async def _remember_looks(
    connection: aiosqlite.Connection, looks: dict[str, str], hashes: dict[str, str]
) -> None:
    """Keep how each folder looked when hashed (inside the sync's transaction)."""
    await connection.execute("DELETE FROM reading_files")
    await connection.executemany(
        "INSERT INTO reading_files (reading, look, hash) VALUES (?, ?, ?)",
        [(name, look, hashes[name]) for name, look in looks.items()],
    )


def _loaded(
    folders: dict[str, Path],
    hashes: dict[str, str],
    names: list[str],
    report: SyncReport,
    titles: dict[str, str],
) -> Iterator[tuple[Reading, str]]:
    """The readings of `names` that load and validate, with their folders' hashes; the others'
    problems go into the report, and drafts are left out (they are never served). `titles`
    holds the other served readings' titles (case-folded, to their ids): members tell readings
    apart by title, so a reading may not take another's."""
    for name in names:
        reading, problems = load_reading(folders[name])
        if reading is not None and not problems:
            problems = title_problems(reading, folders[name], titles)
        if problems or reading is None:
            report.failed[name] = problems
            log.error(
                "reading %s is not loaded: %d problem(s)\n%s",
                name,
                len(problems),
                "\n".join(f"  {problem}" for problem in problems),
            )
        elif reading.status != DRAFT:
            yield reading, hashes[name]


async def sync_content(
    connection: aiosqlite.Connection,
    data_dir: Path,
    before_commit: Callable[[SyncReport], None] | None = None,
) -> SyncReport:
    """Bring the content tables up to date with `data_dir`'s reading folders. A reading that
    fails validation is not loaded; the version built before, if any, keeps serving.
    `before_commit` learns the report, with the readings to be served, just before a change
    commits (readers on other connections may see them before this coroutine returns)."""
    folders, hashes, looks = await asyncio.to_thread(_folders, data_dir, await _looks(connection))
    report = SyncReport()
    if await _built(connection):
        # Load what changed before taking the write lock: others write meanwhile.
        stored = await _stored(connection)
        wanted = [name for name in folders if stored.get(name, (0, ""))[1] != hashes[name]]
        titles = await _titles(connection, keep=set(folders) - set(wanted))
        ready = await asyncio.to_thread(
            lambda: list(_loaded(folders, hashes, wanted, report, titles))
        )
        async with transaction(connection, wait=LONG_WRITE_WAIT):
            if await _built(connection):
                await _remember_looks(connection, looks, hashes)
                await _apply(connection, data_dir, hashes, ready, report, before_commit)
                return report
    async with transaction(connection, wait=LONG_WRITE_WAIT):
        if await _built(connection):  # built while we waited
            log.info("another process rebuilt the store from the same content meanwhile")
            return report
        log.info("building the store from %s", data_dir)
        await _remember_looks(connection, looks, hashes)
        await clear_content(connection)
        await insert_readings(connection, _loaded(folders, hashes, list(folders), report, {}))
        report.added = sorted(await _stored(connection))
        await _finish(connection, data_dir, report, full=True, before_commit=before_commit)
    log.info("rebuilt the store from %s", data_dir)
    return report


async def _apply(
    connection: aiosqlite.Connection,
    data_dir: Path,
    hashes: dict[str, str],
    ready: list[tuple[Reading, str]],
    report: SyncReport,
    before_commit: Callable[[SyncReport], None] | None,
) -> None:
    """Inside the write transaction: replace the readings loaded (unless another process has
    built the same version meanwhile), delete those whose folders are gone or now drafts."""
    stored = await _stored(connection)
    loaded = len(ready)
    ready = [(reading, h) for reading, h in ready if stored.get(reading.id, (0, ""))[1] != h]
    if loaded and not ready:
        log.info("another process rebuilt the store from the same content meanwhile")
    drafts = [
        name
        for name in hashes
        if name in stored and stored[name][1] != hashes[name] and name not in report.failed
    ]
    removed = [name for name in stored if name not in hashes]
    # A changed reading that is not ready now was a draft (failures keep their last version).
    removed += [name for name in drafts if name not in {r.id for r, _ in ready}]
    if not ready and not removed:
        return
    # Autocomplete: rebuilt if a label went or changed; labels only added are merged in.
    labels_changed = bool(removed)
    for reading, _ in ready:
        if labels_changed:
            break
        if reading.id in stored:
            old = await _labels(connection, stored[reading.id][0])
            labels_changed = suggestion_labels(reading) != old
    for name in [*removed, *(r.id for r, _ in ready if r.id in stored)]:
        await delete_reading(connection, stored[name][0])
    await insert_readings(connection, ready)
    report.added = [r.id for r, _ in ready if r.id not in stored]
    report.replaced = [r.id for r, _ in ready if r.id in stored]
    report.removed = removed
    if report.added and not labels_changed:
        rows = await fetch_all(
            connection,
            f"SELECT rowid FROM readings WHERE id IN ({', '.join('?' for _ in report.added)})",
            report.added,
        )
        await add_suggestions(connection, [row[0] for row in rows])
    await _finish(connection, data_dir, report, False, before_commit, labels_changed)


async def _labels(connection: aiosqlite.Connection, row: int) -> set[tuple[str, str, str]]:
    """The (kind, label, value) of each autocomplete suggestion of the reading built at `row`."""
    rows = await fetch_all(
        connection,
        "SELECT DISTINCT kind, label, value FROM suggestion_words WHERE reading = ?",
        (row,),
    )
    return {(kind, label, value) for kind, label, value in rows}


async def _finish(
    connection: aiosqlite.Connection,
    data_dir: Path,
    report: SyncReport,
    full: bool,
    before_commit: Callable[[SyncReport], None] | None,
    labels_changed: bool = True,
) -> None:
    """Autocomplete, common words and the content's version, then what is served now (read
    before the commit, so the store swaps it in as the commit lands)."""
    rows = await fetch_all(connection, "SELECT id, hash FROM readings ORDER BY id")
    version = hashlib.sha256("".join(f"{i}:{h}\0" for i, h in rows).encode()).hexdigest()
    await finish_build(connection, f"{STORE_FORMAT}:{version}", full, labels_changed)
    await set_meta(connection, FORMAT_KEY, STORE_FORMAT)
    source = _content_source(data_dir)
    previous = await get_meta(connection, CONTENT_SOURCE_KEY)
    if previous not in (None, source):
        log.warning("replacing the store's content, built from %s, with %s's", previous, source)
    await set_meta(connection, CONTENT_SOURCE_KEY, source)
    report.readings = await load_reading_meta(connection)
    if before_commit is not None:
        before_commit(report)
    log.info("content: %s", report.summary())
