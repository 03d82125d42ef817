"""Each member's spaced-review deck, scheduled by FSRS (the `fsrs` package): cards are a term
with its definition or a quote with its speaker, dealt from the syllabus in reading order (at
most NEW_PER_DAY a day) or added by the member from an answer. A card refers to its reading and
item by id, so editing a reading keeps the deck; a card whose item left the reading is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import fsrs

from bot.store.clock import epoch, from_epoch
from bot.store.errors import UserError
from bot.store.library import Catalog, ReadingMeta
from bot.store.state_db import Row, StateDB
from bot.study.material import Material

NEW_PER_DAY = 10  # cards dealt from the syllabus a day, as flashcard apps default to
RATINGS = {"again": fsrs.Rating.Again, "hard": fsrs.Rating.Hard, "good": fsrs.Rating.Good}
RATINGS["easy"] = fsrs.Rating.Easy
_CARD = "SELECT id, reading, kind, item, card, reviews FROM review_cards "


@dataclass(frozen=True, slots=True)
class Face:
    """What a card asks and answers: the term or the quote, then the definition or speaker."""

    front: str
    back: str
    detail: str  # the speaker's role, or the concept's section
    reading_title: str


@dataclass(frozen=True, slots=True)
class Card:
    number: int
    reading: str
    kind: str  # 'concept' or 'quote'
    item: str
    reviews: int
    due: datetime
    face: Face
    new: bool = False  # never reviewed yet


@dataclass(frozen=True, slots=True)
class Rated:
    card: Card
    rating: str
    next_due: datetime
    first_time: bool  # False when the card had been rated already at that showing


@dataclass(frozen=True, slots=True)
class DeckStats:
    due_today: int
    learned: int  # cards in FSRS's review state: past their learning steps
    total: int
    retention: float | None  # mean predicted recall now of the cards reviewed at least once
    next_due: datetime | None


class Deck:
    """The review decks of every member (writes in transactions)."""

    def __init__(self, db: StateDB, fuzz: bool = True) -> None:
        self.db = db
        self.scheduler = fsrs.Scheduler(enable_fuzzing=fuzz)
        self.new_per_day = NEW_PER_DAY

    async def next_card(
        self,
        guild_id: int,
        member_id: int,
        material: Material,
        catalog: Catalog,
        syllabus: Sequence[ReadingMeta],
        now: datetime,
        day_start: datetime,
    ) -> Card | None:
        """The member's card due first, or else a new one from the syllabus (if fewer than
        `new_per_day` were dealt since `day_start`); None when nothing is due."""
        # Only the cards of readings in the library: one whose reading left it (for now) waits.
        served = [reading.id for reading in catalog.current]
        in_library = f"reading IN ({', '.join('?' * len(served))})"
        for _ in range(8):  # a card whose item left its reading is dropped, and the next taken
            rows = await self.db.fetch(
                _CARD + f"WHERE guild_id = ? AND member_id = ? AND due <= ? AND {in_library} "
                "ORDER BY due LIMIT 1",
                (guild_id, member_id, epoch(now), *served),
            )
            if not rows:
                break
            card = await self._card(rows[0], material, catalog)
            if card is not None:
                return card
        dealt = await self.db.fetch(
            "SELECT count(*) FROM review_cards WHERE guild_id = ? AND member_id = ? "
            "AND chosen = 0 AND added_at >= ?",
            (guild_id, member_id, epoch(day_start)),
        )
        if dealt[0][0] >= self.new_per_day:
            return None
        for reading in syllabus:
            for kind, table in (("concept", "concepts"), ("quote", "quotes")):
                # The deck and the content may be in two databases: the member's items of
                # this reading, then the reading's first item (in reading order) not among them.
                held = await self.db.fetch(
                    "SELECT item FROM review_cards WHERE guild_id = ? AND member_id = ? "
                    "AND reading = ? AND kind = ?",
                    (guild_id, member_id, reading.id, kind),
                )
                have = {row[0] for row in held}
                item = next((i for i in await material.ids(table, reading) if i not in have), None)
                if item is not None:
                    face = await face_of(material, reading, kind, item)
                    if face is None:  # unreachable: the item was just read from the reading
                        continue
                    number = await self._insert(
                        guild_id, member_id, reading.id, kind, item, now, chosen=False
                    )
                    return Card(number, reading.id, kind, item, 0, now, face, new=True)
        return None

    async def add(
        self,
        guild_id: int,
        member_id: int,
        reading: str,
        kind: str,
        item: str,
        now: datetime,
    ) -> bool:
        """Put a card in the member's deck, due now; False if it was there already."""
        rows = await self.db.fetch(
            "SELECT 1 FROM review_cards WHERE guild_id = ? AND member_id = ? AND reading = ? "
            "AND kind = ? AND item = ?",
            (guild_id, member_id, reading, kind, item),
        )
        if rows:
            return False
        await self._insert(guild_id, member_id, reading, kind, item, now, chosen=True)
        return True

    async def _insert(
        self,
        guild_id: int,
        member_id: int,
        reading: str,
        kind: str,
        item: str,
        now: datetime,
        chosen: bool,
    ) -> int:
        # A card id of our own: without one, fsrs reads the wall clock (and sleeps a millisecond).
        state = fsrs.Card(card_id=0, due=now).to_dict()
        async with self.db.transaction() as tx:
            rows = await tx.fetch(
                "INSERT INTO review_cards (guild_id, member_id, reading, kind, item, card, due, "
                "added_at, chosen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, member_id, reading, kind, item) DO UPDATE "
                "SET chosen = review_cards.chosen RETURNING id",
                (
                    guild_id,
                    member_id,
                    reading,
                    kind,
                    item,
                    json.dumps(state),
                    epoch(now),
                    epoch(now),
                    int(chosen),
                ),
            )
        return int(rows[0][0])  # the card's, inserted now or by a click a moment before

    async def card(
        self, number: int, guild_id: int, member_id: int, material: Material, catalog: Catalog
    ) -> Card:
        """The member's card `number` (a user error if it is not theirs, is gone, or its
        reading is out of the library for now)."""
        rows = await self.db.fetch(
            _CARD + "WHERE id = ? AND guild_id = ? AND member_id = ?",
            (number, guild_id, member_id),
        )
        if rows and rows[0]["reading"] not in catalog.by_id:
            raise UserError(
                "That card's reading is not in the library now: /review next shows another."
            )
        card = await self._card(rows[0], material, catalog) if rows else None
        if card is None:
            raise UserError("That card is no longer in your deck: /review next shows the next.")
        return card

    async def _card(self, row: Row, material: Material, catalog: Catalog) -> Card | None:
        """The card of `row` with its faces; None, and the card dropped, if its item is gone
        from its reading as the library stands (`catalog` must be fresh: a reading edited by
        another process has new rows). A reading out of the library keeps its cards."""
        number, reading_id, kind, item, state, reviews = row
        reading = catalog.by_id.get(reading_id)
        if reading is None:
            return None
        face = await face_of(material, reading, kind, item)
        if face is None:
            await self.db.execute("DELETE FROM review_cards WHERE id = ?", (number,))
            return None
        due = fsrs.Card.from_dict(json.loads(state)).due
        return Card(number, reading_id, kind, item, reviews, due, face, new=reviews == 0)

    async def rate(
        self,
        number: int,
        guild_id: int,
        member_id: int,
        shown_at: int,
        rating: str,
        now: datetime,
        material: Material,
        catalog: Catalog,
    ) -> Rated:
        """Rate the card as shown after `shown_at` reviews; a second click at the same showing
        changes nothing and is told when the card is due."""
        if rating not in RATINGS:
            raise UserError(f"No rating “{rating}”: choose one of {', '.join(RATINGS)}.")
        card = await self.card(number, guild_id, member_id, material, catalog)
        rows = await self.db.fetch("SELECT card, reviews FROM review_cards WHERE id = ?", (number,))
        state, reviews = rows[0]
        current = fsrs.Card.from_dict(json.loads(state))
        if reviews == shown_at:
            updated, _ = self.scheduler.review_card(current, RATINGS[rating], now)
            rated = await self.db.execute(  # only if no other click rated it meanwhile
                "UPDATE review_cards SET card = ?, due = ?, reviews = reviews + 1 "
                "WHERE id = ? AND reviews = ?",
                (json.dumps(updated.to_dict()), epoch(updated.due), number, shown_at),
            )
            if rated:
                return Rated(card, rating, updated.due, first_time=True)
            rows = await self.db.fetch("SELECT card FROM review_cards WHERE id = ?", (number,))
            current = fsrs.Card.from_dict(json.loads(rows[0][0]))
        return Rated(card, rating, current.due, first_time=False)

    async def stats(
        self, guild_id: int, member_id: int, now: datetime, day_end: datetime, catalog: Catalog
    ) -> DeckStats:
        """The deck's figures; cards of a reading out of the library are not counted due."""
        rows = await self.db.fetch(
            "SELECT card, due, reading FROM review_cards WHERE guild_id = ? AND member_id = ?",
            (guild_id, member_id),
        )
        due_today = learned = 0
        recall: list[float] = []
        next_due: int | None = None
        for state, due, reading in rows:
            card = fsrs.Card.from_dict(json.loads(state))
            due_today += due <= epoch(day_end) and reading in catalog.by_id
            learned += card.state == fsrs.State.Review
            if card.last_review is not None:
                recall.append(self.scheduler.get_card_retrievability(card, now))
            if due > epoch(now) and (next_due is None or due < next_due):
                next_due = due
        return DeckStats(
            due_today,
            learned,
            len(rows),
            sum(recall) / len(recall) if recall else None,
            from_epoch(next_due) if next_due is not None else None,
        )


async def face_of(material: Material, reading: ReadingMeta, kind: str, item: str) -> Face | None:
    """The faces of the reading's concept or quote `item`; None if it has none such."""
    if kind == "concept":
        concept = await material.concept(reading, item)
        if concept is None:
            return None
        section = reading.sections.get(concept.section, concept.section)
        return Face(concept.term, concept.definition, section, reading.title)
    found = await material.quote(reading, item)
    if found is None:
        return None
    speaker = found.speaker
    role = ", ".join(part for part in (speaker.role, speaker.affiliation) if part)
    return Face(found.quote.text, speaker.name, role, reading.title)
