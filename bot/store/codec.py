"""Content items to and from JSON: the `item` column of every content table, and the export.

A stored item is a JSON object of its dataclass fields. The build sends each item's fields in
order (`item_values`) and SQLite assembles the object (`json_object`), with the fields that are
lists or flags (`is_json_field`) sent as JSON text; every read decodes with `item_from_json`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any

from bot.store.models import Concept, Passage, Publication, Quote, Reading, Section, Speaker

# The arrays of a reading, in their files and in the export, and the class of their items.
ITEM_CLASSES: dict[str, type] = {
    "sections": Section,
    "speakers": Speaker,
    "passages": Passage,
    "quotes": Quote,
    "concepts": Concept,
    "publications": Publication,
}


def item_from_dict(cls: type, data: dict[str, Any]) -> Any:
    """An item of `cls` from its fields as decoded JSON (lists become tuples)."""
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def item_from_json(cls: type, text: str) -> Any:
    """An item of `cls` from its stored JSON."""
    return item_from_dict(cls, json.loads(text))


@functools.lru_cache(maxsize=8192)
def speaker_from_json(text: str) -> Speaker:
    """A speaker from its stored JSON; the same few speakers recur in answer after answer."""
    return item_from_json(Speaker, text)


def is_json_field(field: dataclasses.Field[Any]) -> bool:
    """Whether an item field is sent to SQLite as JSON text: lists and flags are."""
    return isinstance(field.default, tuple | bool)


@functools.cache
def _item_fields(cls: type) -> tuple[Callable[[Any], tuple[Any, ...]], tuple[int, ...]]:
    """How to read the fields of an item of `cls`, and the positions of those sent as JSON."""
    fields = dataclasses.fields(cls)
    json_at = tuple(index for index, field in enumerate(fields) if is_json_field(field))
    return attrgetter(*(field.name for field in fields)), json_at


def item_values(item: Any) -> Sequence[Any]:
    """The fields of an item, in order, lists and flags as JSON text: what `json_object`
    turns into the item's stored JSON."""
    read, json_at = _item_fields(type(item))
    values = read(item)
    if not json_at:
        return values
    converted = list(values)
    for index in json_at:
        value = values[index]
        converted[index] = (
            ("true" if value else "false")
            if isinstance(value, bool)
            else "[" + ", ".join(map(encode_basestring, value)) + "]"
        )
    return converted


def reading_meta_json(reading: Reading) -> str:
    """A reading's stored JSON: its own fields and its sections, not its items or source."""
    meta: dict[str, Any] = {
        field.name: getattr(reading, field.name)
        for field in dataclasses.fields(reading)
        if field.name not in {"source_text", *ITEM_CLASSES}
    }
    meta["sections"] = [dataclasses.asdict(section) for section in reading.sections]
    return json.dumps(meta, ensure_ascii=False)


def reading_from_dict(data: dict[str, Any]) -> Reading:
    """A reading from its fields, its source text and its arrays of items as decoded JSON."""
    fields = dict(data)
    for name, cls in ITEM_CLASSES.items():
        fields[name] = tuple(item_from_dict(cls, item) for item in data[name])
    return Reading(**fields)
