"""The study tools' face: one call for each thing a study command does, over the store's content
(the readings of the server's scope) and the members' state in the same database."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.store import Store
from bot.store.clock import epoch, load_zone, local_date, occurrence_on
from bot.store.errors import UserError, shown
from bot.store.shards import Shards
from bot.store.state_db import StateDB
from bot.study import members
from bot.study.citations import STYLES, Citation, Work, cite
from bot.study.material import Material
from bot.study.notes import Note, Notes
from bot.study.quiz import Answered, Asked, Quiz, Score, make_question
from bot.study.reminders import Reminder, Reminders
from bot.study.review import Card, Deck, DeckStats, Rated, face_of
from bot.study.targets import Target, parse_target, suggest_targets


@dataclass(frozen=True, slots=True)
class NextCard:
    """The next card to review, or None with the deck's figures to say why."""

    card: Card | None
    stats: DeckStats | None = None  # only when there is no card


@dataclass(frozen=True, slots=True)
class NotesView:
    """A member's notes, newest first, with what names their readings."""

    notes: tuple[Note, ...]
    titles: dict[str, str]  # reading id -> title, for the readings in the library
    citations: dict[str, Citation] = field(default_factory=dict)  # reading id -> its citation


class Study:
    """Quizzes, review decks, reminders, citations, notes and forgetting, for the bot's cogs."""

    def __init__(
        self,
        store: Store,
        rng: random.Random | None = None,
        fuzz: bool = True,
        state: StateDB | None = None,
    ) -> None:
        """Study tools over `store`'s content, keeping the members' state in `state` (by
        default the store's: its SQLite file, or PostgreSQL)."""
        self.store = store
        self.rng = rng or random.Random()
        self.db = state or store.state
        self._quiz = Quiz(self.db)
        self._deck = Deck(self.db, fuzz=fuzz)
        self._reminders = Reminders(self.db)
        self._notes = Notes(self.db)
        self._material = Material(store.reader)

    # Quiz

    async def ask(
        self, guild_id: int, member_id: int, reading: str, kind: str | None, now: datetime
    ) -> Asked:
        """A new question for the member from the server's readings (or `reading`)."""
        readings = await self.store.readings_in_scope(guild_id, reading)
        question, meta = await make_question(self._material, readings, kind, self.rng)
        return await self._quiz.record(guild_id, member_id, question, meta.title, epoch(now))

    async def answer(
        self, number: int, guild_id: int, member_id: int, chosen: int, now: datetime
    ) -> Answered:
        return await self._quiz.answer(number, guild_id, member_id, chosen, epoch(now))

    async def board(self, guild_id: int) -> list[Score]:
        return await self._quiz.board(guild_id)

    async def score(self, guild_id: int, member_id: int) -> Score:
        return await self._quiz.score(guild_id, member_id)

    async def join_board(self, guild_id: int, member_id: int, on_board: bool) -> Score:
        return await self._quiz.set_on_board(guild_id, member_id, on_board)

    # Review

    async def next_card(self, guild_id: int, member_id: int, now: datetime) -> NextCard:
        start, end = await self._day(guild_id, member_id, now)
        try:
            syllabus = await self.store.readings_in_scope(guild_id)
        except UserError:  # the syllabus's readings are all out of the library: no new cards
            syllabus = []
        catalog = await self.store.fresh_catalog()
        card = await self._deck.next_card(
            guild_id,
            member_id,
            self._material,
            catalog,
            syllabus,
            now,
            start,
        )
        if card is not None:
            return NextCard(card)
        return NextCard(None, await self._deck.stats(guild_id, member_id, now, end, catalog))

    async def card(self, number: int, guild_id: int, member_id: int) -> Card:
        return await self._deck.card(
            number, guild_id, member_id, self._material, await self.store.fresh_catalog()
        )

    async def rate(
        self,
        number: int,
        guild_id: int,
        member_id: int,
        shown_at: int,
        rating: str,
        now: datetime,
    ) -> Rated:
        return await self._deck.rate(
            number,
            guild_id,
            member_id,
            shown_at,
            rating,
            now,
            self._material,
            await self.store.fresh_catalog(),
        )

    async def add_card(
        self, guild_id: int, member_id: int, reading: str, kind: str, item: str, now: datetime
    ) -> bool:
        """Add a concept or quote to the member's deck; False if it was there already."""
        meta = self.store.reading_meta(reading)
        if await face_of(self._material, meta, kind, item) is None:
            raise UserError(f"That is no longer in {meta.title}: ask again.")
        return await self._deck.add(guild_id, member_id, meta.id, kind, item, now)

    async def deck_stats(self, guild_id: int, member_id: int, now: datetime) -> DeckStats:
        _, end = await self._day(guild_id, member_id, now)
        catalog = await self.store.fresh_catalog()
        return await self._deck.stats(guild_id, member_id, now, end, catalog)

    async def _day(self, guild_id: int, member_id: int, now: datetime) -> tuple[datetime, datetime]:
        """The member's day around `now`: in their reminder's time zone, else UTC."""
        reminder = await self._reminders.get(guild_id, member_id)
        zone = load_zone(reminder.timezone if reminder else "UTC")
        today = local_date(now, zone)
        start = occurrence_on(today, datetime.min.time(), zone)
        end = occurrence_on(today + timedelta(days=1), datetime.min.time(), zone)
        return start, end

    # Reminders

    async def remind(
        self, guild_id: int, member_id: int, local_time: str, timezone: str, now: datetime
    ) -> Reminder:
        return await self._reminders.set(guild_id, member_id, local_time, timezone, now)

    async def remind_off(self, guild_id: int, member_id: int) -> bool:
        return await self._reminders.remove(guild_id, member_id)

    async def due_reminders(self, now: datetime, shards: Shards | None = None) -> list[Reminder]:
        """The reminders due now, of the servers on `shards` (all by default)."""
        return await self._reminders.due(now, shards)

    async def claim_reminder(self, reminder: Reminder, now: datetime) -> bool:
        return await self._reminders.claim(reminder, now)

    # Citations

    async def cite(self, guild_id: int | None, what: str, style: str) -> tuple[Citation, str]:
        """`what` (a reading, a quote or a publication; the first reading in scope when "")
        cited in `style`; and a line saying what was cited."""
        if style not in STYLES:
            raise UserError(
                f"No citation style “{shown(style)}”: choose one of {', '.join(STYLES)}."
            )
        target = parse_target(what)
        if not target.reading:
            readings = await self.store.readings_in_scope(guild_id)
            if not readings:
                raise UserError("There is no reading in the library to cite.")
            target = Target(readings[0].id)
        meta = self.store.reading_meta(target.reading)
        overview = await self.store.reading_overview(meta.id)
        work = Work(
            overview.id,
            "article",
            overview.title,
            overview.author,
            overview.publisher,
            overview.date,
            overview.url,
        )
        if target.kind == "quote":
            found = await self._material.quote(meta, target.item)
            if found is None:
                raise UserError(f"No quote “{shown(target.item)}” in {meta.title}.")
            text = f"“{found.quote.text}” ({found.speaker.name})"
            return cite(work, style, quote_speaker=found.speaker.name), text
        if target.kind == "publication":
            pubs = {p.id: p for p in await self._material.publications(meta)}
            pub = pubs.get(target.item)
            if pub is None:
                raise UserError(f"No publication “{shown(target.item)}” in {meta.title}.")
            work = Work(
                pub.id, "publication", pub.title, "", overview.publisher, pub.date, "", pub.type
            )
            return cite(work, style), pub.title
        return cite(work, style), overview.title

    async def suggest_cited(self, guild_id: int | None, text: str) -> list[tuple[str, str]]:
        """(label, value) of what /cite can cite, matching what was typed."""
        try:
            readings = await self.store.readings_in_scope(guild_id)
        except UserError:
            readings = list((await self.store.fresh_catalog()).current)
        return await suggest_targets(self.store.reader, readings, text)

    # Notes

    async def save_note(
        self, guild_id: int, member_id: int, title: str, body: str, now: datetime
    ) -> tuple[Note, bool]:
        """Keep what the member saw as a note, with the readings whose titles it names."""
        catalog = await self.store.fresh_catalog()
        readings = tuple(r.id for r in catalog.current if r.title in named_readings(title, body))
        return await self._notes.save(guild_id, member_id, readings, title, body, epoch(now))

    async def notes(self, guild_id: int, member_id: int) -> NotesView:
        """The member's notes, newest first, with the titles of the library's readings."""
        notes = await self._notes.list(guild_id, member_id)
        return NotesView(tuple(notes), await self.titles())

    async def titles(self) -> dict[str, str]:
        """The title of each reading in the library, by id."""
        catalog = await self.store.fresh_catalog()
        return {reading.id: reading.title for reading in catalog.current}

    async def export_notes(self, guild_id: int, member_id: int, style: str) -> NotesView:
        """The member's notes, with the citation in `style` of each reading they come from."""
        view = await self.notes(guild_id, member_id)
        citations = {}
        for reading in dict.fromkeys(r for note in view.notes for r in note.readings):
            citation = await self.reading_citation(reading, style)
            if citation is not None:
                citations[reading] = citation
        return NotesView(view.notes, view.titles, citations)

    async def reading_citation(self, reading: str, style: str) -> Citation | None:
        """A reading's citation, or None once it is out of the library."""
        if reading not in (await self.store.fresh_catalog()).by_id:
            return None
        citation, _ = await self.cite(None, reading, style)
        return citation

    # Forgetting a member

    async def forget(self, guild_id: int, member_id: int) -> dict[str, int]:
        return await members.forget(self.db, guild_id, member_id)

    async def held(self, guild_id: int, member_id: int) -> dict[str, int]:
        return await members.count(self.db, guild_id, member_id)


def named_readings(title: str, body: str) -> set[str]:
    """What a saved page gives as the name of a reading: each part of its last line (the
    footer, "Title · section: ...") and each line in italics (a search hit's reading), as
    the renderer wrote them (its escapes undone)."""
    lines = [line for line in body.splitlines() if line.strip()]
    parts: set[str] = set()
    if lines:
        parts.update(lines[-1].strip("*").split(" · "))
    parts.update(re.findall(r"^\*([^*].*?)\*$", body, re.MULTILINE))
    return {re.sub(r"\\(.)", r"\1", part).strip() for part in parts} | {title}
