"""A reading written as its folder of TOML files (the format of data/README.md), all at once:
the files go to a new folder that takes the reading's place only when every one is written."""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from bot.store.codec import ITEM_CLASSES
from bot.store.loader import load_reading
from bot.store.models import Reading

# The fields of reading.toml, in the order a curator reads them.
_READING_FIELDS = (
    "id",
    "title",
    "publisher",
    "author",
    "date",
    "url",
    "source_file",
    "status",
    "review",
)


class FolderError(Exception):
    """The folder cannot take the reading; the message says why, in one line."""


def toml_string(text: str) -> str:
    """A TOML string that reads back as `text`: literal where it can be (no escapes, so texts
    read as written, backslashes included), else basic with JSON's escapes, which TOML's are."""
    controls = any((ord(c) < 32 and c != "\t") or c == "\x7f" for c in text.replace("\n", ""))
    if not controls and "\n" not in text and "'" not in text:
        return f"'{text}'"
    if not controls and "'''" not in text and not text.endswith("'") and not text.startswith("\n"):
        return f"'''{text}'''"
    # TOML wants DEL escaped too, which JSON leaves as it is.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_string(v) for v in value) + "]"
    return toml_string(str(value))


def _table(array: str, item: Any) -> str:
    """One [[array]] table, with the fields that differ from their defaults."""
    lines = [f"[[{array}]]"]
    for field in dataclasses.fields(item):
        value = getattr(item, field.name)
        default = field.default
        if field.default is not dataclasses.MISSING and value == default and field.name != "text":
            continue
        lines.append(f"{field.name} = {_value(value)}")
    return "\n".join(lines)


def reading_files(reading: Reading) -> dict[str, str]:
    """File name -> content of the reading's folder (its source text included)."""
    meta = [
        f"{name} = {_value(getattr(reading, name))}"
        for name in _READING_FIELDS
        if getattr(reading, name)
    ]
    sections = [_table("sections", s) for s in reading.sections]
    files = {"reading.toml": "\n".join(meta) + "\n\n" + "\n\n".join(sections) + "\n"}
    for array in ITEM_CLASSES:
        if array == "sections":
            continue
        items = getattr(reading, array)
        body = "\n\n".join(_table(array, item) for item in items)
        files[f"{array}.toml"] = (body + "\n") if body else f"{array} = []\n"
    files[reading.source_file] = reading.source_text
    return files


def write_reading(reading: Reading, folder: Path, *, force: bool = False) -> None:
    """Write the reading into `folder`: refused if the folder has files, unless `force`;
    never left half-written."""
    if folder.is_symlink():
        raise FolderError(f"{folder} is a link: give the reading's own folder")
    if folder.exists() and not folder.is_dir():
        raise FolderError(f"{folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise FolderError(f"{folder} is not empty: choose a new folder, or --force to replace it")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        for name, content in reading_files(reading).items():
            (staging / name).write_text(content, encoding="utf-8")
        staging.chmod(0o755)  # mkdtemp's 0700 would hide it from a bot run as another user
        written, _ = load_reading(staging)
        if written != reading:
            raise RuntimeError("the files written do not read back as the draft")
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
