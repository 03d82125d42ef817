"""The JSON form of a library (what `python -m bot export` prints), both ways.

Schema: {"format": "reading-room/1", "readings": [READING, ...]} where READING holds the fields of
`reading.toml` plus "source_text" and the arrays "sections", "speakers", "passages", "quotes",
"concepts" and "publications", each item with the fields of its TOML table (see data/README.md).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.store.codec import reading_from_dict
from bot.store.models import Library

FORMAT = "reading-room/1"


def library_to_dict(library: Library) -> dict[str, Any]:
    return {"format": FORMAT, "readings": [dataclasses.asdict(r) for r in library.readings]}


def library_from_dict(data: dict[str, Any]) -> Library:
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} export")
    return Library(readings=tuple(reading_from_dict(r) for r in data["readings"]))
