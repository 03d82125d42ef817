"""Reads the curated TOML files of every reading into the content model, refusing bad content."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rtoml

from bot.store.codec import ITEM_CLASSES
from bot.store.models import CURATED, DRAFT, Library, Reading, Section
from bot.store.validate import Problem, validate_reading

READINGS_DIR = "readings"
READING_FILE = "reading.toml"

# file name -> (top-level array name, item class); sections live in reading.toml
ITEM_FILES: dict[str, tuple[str, type]] = {
    f"{array}.toml": (array, cls) for array, cls in ITEM_CLASSES.items() if cls is not Section
}
MAX_SOURCE_BYTES = 20_000_000  # a source is one article: far below this
_READING_SCALARS = (
    "id",
    "title",
    "publisher",
    "source_file",
    "author",
    "date",
    "url",
    "status",
    "review",
)


class ContentError(Exception):
    """The curated content is invalid; `problems` names file, item and field of each fault."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in the curated content:\n{lines}")


def reading_dirs(data_dir: Path) -> list[Path]:
    root = data_dir / READINGS_DIR
    if not root.is_dir():
        return []
    # A hidden folder (as a draft being written) is no reading.
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def content_hash(data_dir: Path) -> str:
    """A hash of every reading folder and every file in it (a source file must be one of
    them): the store rebuilds when it changes, and the rebuild reports what `check` would."""
    digest = hashlib.sha256()
    for folder in reading_dirs(data_dir):
        digest.update(f"{folder.name}:{reading_hash(folder)}\0".encode())
    return digest.hexdigest()


def reading_hash(folder: Path) -> str:
    """A hash of one reading folder: the names and bytes of every file in it."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        try:
            digest.update(path.read_bytes() if path.is_file() else b"<not a file>")
        except OSError as error:  # unreadable: changes the hash; the loader names it
            digest.update(repr(error).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def load_library(data_dir: Path) -> Library:
    """Load and validate every reading under `data_dir`; raise ContentError if any is bad."""
    return Library(readings=tuple(read_readings(data_dir)), content_hash=content_hash(data_dir))


def read_readings(data_dir: Path) -> Iterator[Reading]:
    """Load and validate each reading in turn, yielding it while all so far are valid; after
    the last, raise ContentError if any was bad. Only one reading is held at a time."""
    problems: list[Problem] = []
    folders = reading_dirs(data_dir)
    if not folders:
        problems.append(Problem(str(data_dir / READINGS_DIR), "-", "-", "no reading folders"))
    for folder in folders:
        reading = _load_reading(folder, problems)
        if reading is not None:
            problems.extend(validate_reading(reading, folder))
            if not problems:
                yield reading
    if problems:
        raise ContentError(problems)


def load_reading(folder: Path) -> tuple[Reading | None, list[Problem]]:
    """One reading folder, loaded and validated: the reading (None if it cannot be built)
    and every problem found."""
    problems: list[Problem] = []
    reading = _load_reading(folder, problems)
    if reading is not None:
        problems.extend(validate_reading(reading, folder))
    return reading, problems


def _read_toml(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        return rtoml.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(str(path), "-", "-", "file is missing"))
    except IsADirectoryError:
        problems.append(Problem(str(path), "-", "-", "is a folder, not a TOML file"))
    except OSError as error:
        problems.append(Problem(str(path), "-", "-", f"cannot be read: {error.strerror}"))
    except (rtoml.TomlParsingError, UnicodeDecodeError) as error:
        problems.append(Problem(str(path), "-", "-", f"not valid TOML: {error}"))
    return None


def _read_source(
    folder: Path, name: str, item_id: str, meta_path: Path, problems: list[Problem]
) -> str:
    """The text of a reading's source file, which must be a regular file inside its folder
    (so the content hash covers it); "" with the fault added to `problems` otherwise."""
    path = (folder / name).resolve()

    def refused(file: Path, message: str) -> str:
        problems.append(Problem(str(file), item_id, "source_file", message))
        return ""

    if not path.is_relative_to(folder.resolve()):
        return refused(meta_path, f"{name!r} is outside the reading's folder: keep it inside")
    if not path.exists():
        return refused(folder / name, "No such file")
    if not path.is_file():
        return refused(meta_path, f"{name!r} is not a regular file")
    if path.stat().st_size > MAX_SOURCE_BYTES:
        return refused(folder / name, f"over {MAX_SOURCE_BYTES // 1_000_000} MB: not one article")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return refused(folder / name, f"not UTF-8 text ({error.reason} at byte {error.start})")
    except OSError as error:
        return refused(folder / name, f"cannot be read: {error.strerror}")


def _load_reading(folder: Path, problems: list[Problem]) -> Reading | None:
    start = len(problems)
    meta_path = folder / READING_FILE
    meta = _read_toml(meta_path, problems)
    if meta is None:
        return None
    item_id = str(meta.get("id", folder.name))
    scalars = {}
    for name in _READING_SCALARS:
        value = meta.get(name, "")
        if not isinstance(value, str):
            problems.append(Problem(str(meta_path), item_id, name, "must be a string"))
            value = ""
        scalars[name] = value
    scalars["status"] = scalars["status"] or CURATED
    for name in ("id", "title", "publisher", "source_file"):
        if not scalars[name].strip():
            problems.append(Problem(str(meta_path), item_id, name, "is required and empty"))
    unknown = set(meta) - {*_READING_SCALARS, "sections"}
    for name in sorted(unknown):
        problems.append(Problem(str(meta_path), item_id, name, "unknown field"))
    sections = _build_items(meta_path, meta, "sections", Section, problems)

    source_text = ""
    if scalars["source_file"]:
        source_text = _read_source(folder, scalars["source_file"], item_id, meta_path, problems)

    items: dict[str, tuple] = {}
    for file_name, (array, cls) in ITEM_FILES.items():
        path = folder / file_name
        raw = _read_toml(path, problems)
        # A draft may lack what its article lacks; so may any reading, related publications.
        may_be_empty = scalars["status"] == DRAFT or array == "publications"
        items[array] = (
            () if raw is None else _build_items(path, raw, array, cls, problems, may_be_empty)
        )
    if len(problems) > start:
        return None
    return Reading(
        **scalars,
        source_text=source_text,
        sections=sections,
        **items,
    )


def _build_items(
    path: Path,
    raw: dict[str, Any],
    array: str,
    cls: type,
    problems: list[Problem],
    may_be_empty: bool = False,
) -> tuple:
    entries = raw.get(array)
    if may_be_empty and entries == []:
        return ()
    if not isinstance(entries, list) or not entries:
        problems.append(Problem(str(path), "-", array, f"needs at least one [[{array}]] entry"))
        return ()
    built = []
    for index, entry in enumerate(entries):
        item = _build_item(path, entry, index, cls, problems)
        if item is not None:
            built.append(item)
    return tuple(built)


@dataclass(frozen=True, slots=True)
class _FieldSpec:
    name: str
    kind: type
    required: bool


@functools.cache
def _field_specs(cls: type) -> list[_FieldSpec]:
    specs = []
    for field in dataclasses.fields(cls):
        has_default = field.default is not dataclasses.MISSING
        kind = type(field.default) if has_default else str
        specs.append(_FieldSpec(field.name, kind, required=not has_default))
    return specs


@dataclass(frozen=True, slots=True)
class _Shape:
    """The fields of an item class: all, the required ones, and each one's TOML type."""

    names: frozenset[str]
    required: frozenset[str]
    toml_types: dict[str, type]


@functools.cache
def _shape(cls: type) -> _Shape:
    specs = _field_specs(cls)
    return _Shape(
        names=frozenset(spec.name for spec in specs),
        required=frozenset(spec.name for spec in specs if spec.required),
        toml_types={spec.name: list if spec.kind is tuple else spec.kind for spec in specs},
    )


def _valid_values(entry: dict[str, Any], shape: _Shape) -> dict[str, Any] | None:
    """`entry` with its lists as tuples if `_build_item` would find no fault in it, else None:
    most entries are valid, and this is quicker than finding each fault."""
    keys = entry.keys()
    if not (keys <= shape.names and shape.required <= keys):
        return None
    values = entry
    for name, value in entry.items():
        kind = shape.toml_types[name]
        if not isinstance(value, kind):
            return None
        if kind is list:
            for element in value:
                if not isinstance(element, str):
                    return None
            if values is entry:
                values = dict(entry)
            values[name] = tuple(value)
    return values


def _build_item(
    path: Path, entry: Any, index: int, cls: type, problems: list[Problem]
) -> Any | None:
    if isinstance(entry, dict) and (values := _valid_values(entry, _shape(cls))) is not None:
        return cls(**values)
    item_id = str(entry.get("id", f"#{index + 1}")) if isinstance(entry, dict) else f"#{index + 1}"
    if not isinstance(entry, dict):
        problems.append(Problem(str(path), item_id, "-", "must be a table"))
        return None
    start = len(problems)
    values: dict[str, Any] = {}
    specs = _field_specs(cls)
    for spec in specs:
        if spec.name not in entry:
            if spec.required:
                problems.append(Problem(str(path), item_id, spec.name, "is required"))
            continue
        value = entry[spec.name]
        if spec.kind is tuple:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(Problem(str(path), item_id, spec.name, "must be a list of strings"))
                continue
            value = tuple(value)
        elif not isinstance(value, spec.kind):
            problems.append(
                Problem(str(path), item_id, spec.name, f"must be a {spec.kind.__name__}")
            )
            continue
        values[spec.name] = value
    for name in sorted(set(entry) - {spec.name for spec in specs}):
        problems.append(Problem(str(path), item_id, name, "unknown field"))
    if len(problems) > start:
        return None
    return cls(**values)
