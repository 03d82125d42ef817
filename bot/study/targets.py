"""What /cite cites, as the option's value: a reading's id, or "<reading>/quote/<id>" or
"<reading>/publication/<id>"; and the choices offered as a member types."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.database import Queryable, fetch_all
from bot.store.errors import UserError, shown
from bot.store.library import ReadingMeta

KINDS = ("quote", "publication")
CHOICES = 25  # Discord's autocomplete shows this many at most
LABEL_MAX = 100


@dataclass(frozen=True, slots=True)
class Target:
    reading: str = ""  # "" for the first reading in scope
    kind: str = ""  # "" for the reading itself
    item: str = ""

    @property
    def value(self) -> str:
        return "/".join(part for part in (self.reading, self.kind, self.item) if part)


def parse_target(text: str) -> Target:
    """The target an option value (or a typed reading id or title) names."""
    parts = text.strip().split("/")
    if len(parts) == 3 and parts[1] in KINDS and all(parts):
        return Target(*parts)
    if len(parts) == 1:
        return Target(parts[0])
    raise UserError(f"I can't tell what “{shown(text)}” is: choose from the list.")


def _label(kind: str, text: str) -> str:
    label = f"{kind}: {' '.join(text.split())}"
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


async def suggest_targets(
    reader: Queryable, readings: Sequence[ReadingMeta], text: str
) -> list[tuple[str, str]]:
    """Readings, then publications, then quotes (by words of their text or speaker) of
    `readings` matching `text`, as (label, value)."""
    wanted = text.strip().casefold()
    found = [
        (_label("Reading", r.title), r.id)
        for r in readings
        if wanted in r.title.casefold() or wanted in r.id
    ]
    rows = {r.row: r for r in readings}
    if not rows:
        return found[:CHOICES]
    marks = ", ".join(str(int(row)) for row in rows)
    like = f"%{wanted.replace('%', '').replace('_', '')}%"
    publications = await fetch_all(
        reader,
        f"SELECT reading, id, json_extract(item, '$.title'), date FROM publications "
        f"WHERE reading IN ({marks}) AND json_extract(item, '$.title') LIKE ? "
        "ORDER BY date DESC LIMIT ?",
        (like, CHOICES),
    )
    for reading, item, title, date in publications:
        value = Target(rows[reading].id, "publication", item).value
        found.append((_label("Publication", f"{title} ({date})" if date else title), value))
    if wanted:
        quotes = await fetch_all(
            reader,
            "SELECT q.reading, q.id, s.name, json_extract(q.item, '$.text') FROM quotes q "
            f"JOIN speakers s ON s.rowid = q.speaker WHERE q.reading IN ({marks}) "
            "AND (s.name LIKE ? OR json_extract(q.item, '$.text') LIKE ?) ORDER BY q.rowid LIMIT ?",
            (like, like, CHOICES),
        )
        for reading, item, name, quote in quotes:
            value = Target(rows[reading].id, "quote", item).value
            found.append((_label("Quote", f"{name}: “{quote}”"), value))
    return [(label, value) for label, value in found if len(value) <= LABEL_MAX][:CHOICES]
