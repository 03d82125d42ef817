"""The JSON form of a library (what `python -m bot export` prints), both ways.

Schema: {"format": "reading-room/1", "readings": [READING, ...]} where READING holds the fields of
`reading.toml` plus "source_text" and the arrays "sections", "speakers", "passages", "quotes",
"concepts" and "publications", each item with the fields of its TOML table (see data/README.md).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.store.models import (
    Concept,
    Library,
    Passage,
    Publication,
    Quote,
    Reading,
    Section,
    Speaker,
)

FORMAT = "reading-room/1"
ITEM_CLASSES: dict[str, type] = {
    "sections": Section,
    "speakers": Speaker,
    "passages": Passage,
    "quotes": Quote,
    "concepts": Concept,
    "publications": Publication,
}


def library_to_dict(library: Library) -> dict[str, Any]:
    return {"format": FORMAT, "readings": [dataclasses.asdict(r) for r in library.readings]}


def item_from_dict(cls: type, data: dict[str, Any]) -> Any:
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def reading_from_dict(data: dict[str, Any]) -> Reading:
    fields = dict(data)
    for name, cls in ITEM_CLASSES.items():
        fields[name] = tuple(item_from_dict(cls, item) for item in data[name])
    return Reading(**fields)


def library_from_dict(data: dict[str, Any]) -> Library:
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} export")
    return Library(readings=tuple(reading_from_dict(r) for r in data["readings"]))
