"""The quiz: questions made from the readings in scope and kept until answered (a button names
the question's number), answers recorded once, each member's score and streak, and the server's
leaderboard of those who chose to be on it."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from bot.store.errors import UserError
from bot.store.library import ReadingMeta
from bot.store.state_db import Row, StateDB, lock_key
from bot.study import questions
from bot.study.material import Material
from bot.study.questions import KINDS, Question, Source

TRIES = 12  # random picks of a reading (and a kind) before each reading is tried in turn
ATTEMPTS_MAX = 60  # questions tried at most before saying none can be made (a reply is due in 3 s)
BOARD_SIZE = 10
# Concepts read for a "which concept" question: the one asked about and the candidates for its
# distractors (some may be the same concept under another name, and are left out).
CONCEPT_SAMPLE = 10


class NotYoursError(UserError):
    """A member clicked an answer to a question someone else was asked."""


@dataclass(frozen=True, slots=True)
class Score:
    member_id: int
    answered: int = 0
    correct: int = 0
    streak: int = 0
    best_streak: int = 0
    on_board: bool = False


@dataclass(frozen=True, slots=True)
class Asked:
    """A question as asked: its number (the buttons name it) and its reading's title."""

    number: int
    question: Question
    reading_title: str


@dataclass(frozen=True, slots=True)
class Answered:
    asked: Asked
    chosen: int
    score: Score
    first_time: bool  # False when the question had been answered already (a second click)

    @property
    def correct(self) -> bool:
        return self.chosen == self.asked.question.answer


async def make_question(
    material: Material,
    readings: Sequence[ReadingMeta],
    kind: str | None,
    rng: random.Random,
) -> tuple[Question, ReadingMeta]:
    """A question of `kind` (any kind when None) from one of `readings`."""
    if kind is not None and kind not in KINDS:
        raise UserError(f"No quiz kind “{kind}”: choose one of {', '.join(KINDS)}.")
    kinds = [kind] if kind else list(KINDS)
    attempts = [(rng.choice(readings), rng.choice(kinds)) for _ in range(TRIES)] if readings else []
    every = [(reading, k) for reading in readings for k in kinds]
    rng.shuffle(every)
    for reading, chosen_kind in (attempts + every)[:ATTEMPTS_MAX]:
        made = await _make(material, reading, chosen_kind, rng)
        if made is not None:
            return made, reading
    what = f"a “{KINDS[kind]}” question" if kind else "a question"
    raise UserError(
        f"I can't make {what} from these readings without an ambiguous answer: "
        "try another kind or reading."
    )


async def _make(
    material: Material, reading: ReadingMeta, kind: str, rng: random.Random
) -> Question | None:
    if kind == "concept":
        concepts = await material.concept_sample(reading, CONCEPT_SAMPLE, rng)
        if len(concepts) < 2:
            return None
        concept = concepts[0]  # the others are the distractors' candidates
        evidence = None
        for item in concept.evidence:
            evidence = await material.passage(reading, item)
            if evidence is not None:
                break
        section = reading.sections.get(concept.section, concept.section)
        return questions.which_concept(reading.id, concept, concepts, evidence, section, rng)
    if kind == "publication":
        publications = await material.publications(reading)
        if len(publications) < 2:
            return None
        chosen = rng.choice(publications)
        return questions.which_publication(reading.id, chosen, publications, rng)
    found = await material.random_quote(reading, rng)
    if found is None:
        return None
    if kind == "speaker":
        speakers = await material.speakers(reading)
        said_by = await material.said_by(reading, found.quote.text)
        return questions.who_said(
            reading.id,
            found.quote,
            found.speaker,
            speakers,
            said_by,
            found.passage,
            found.section,
            rng,
        )
    # The concepts named in the quote (by their lookup keys), and a sample of the others for
    # the distractors: not every concept of the reading decoded.
    named = await material.concepts_keyed(reading, questions.phrase_keys(found.quote.text))
    sample = await material.concept_sample(reading, CONCEPT_SAMPLE, rng)
    concepts = named + [c for c in sample if c not in named]
    made = questions.fill_gap(
        reading.id, found.quote, found.speaker, concepts, [], found.passage, found.section, rng
    )
    if made is not None:
        return made
    # No concept's name stands in the quote as written: one of its longer words, among others
    # of the reading's quotes.
    others = [q for q in await material.random_quotes(reading, TRIES, rng) if q != found.quote]
    return questions.fill_gap(
        reading.id, found.quote, found.speaker, concepts, others, found.passage, found.section, rng
    )


def _to_json(question: Question, reading_title: str) -> str:
    data = asdict(question)
    data["reading_title"] = reading_title
    return json.dumps(data, ensure_ascii=False)


def _from_row(row: Row) -> Asked:
    data = json.loads(row["question"])
    title = data.pop("reading_title")
    data["options"] = tuple(data["options"])
    data["blanked"] = tuple(data.get("blanked", ()))
    data["source"] = Source(**data["source"])
    return Asked(row["id"], Question(**data), title)


class Quiz:
    """Questions asked and answered, scores and the leaderboard (writes in transactions)."""

    def __init__(self, db: StateDB) -> None:
        self.db = db

    async def record(
        self, guild_id: int, member_id: int, question: Question, title: str, now: int
    ) -> Asked:
        async with self.db.transaction() as tx:
            rows = await tx.fetch(
                "INSERT INTO quiz_questions (guild_id, member_id, kind, reading, item, question, "
                "asked_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    guild_id,
                    member_id,
                    question.kind,
                    question.reading,
                    question.item,
                    _to_json(question, title),
                    now,
                ),
            )
        return Asked(rows[0][0], question, title)

    async def answer(
        self, number: int, guild_id: int, member_id: int, chosen: int, now: int
    ) -> Answered:
        """Record the member's answer to question `number` (once: a second click is told the
        first answer), with their score and streak. Two clicks at once count once."""
        async with self.db.transaction(lock_key("quiz question", number)) as tx:
            rows = await tx.fetch(
                "SELECT id, guild_id, member_id, question, chosen FROM quiz_questions WHERE id = ?",
                (number,),
            )
            if not rows or rows[0]["guild_id"] != guild_id:
                raise UserError("That question is no longer kept: ask for a new one with /quiz.")
            row = rows[0]
            if row["member_id"] != member_id:
                raise NotYoursError("This question was asked to someone else: try /quiz ask.")
            asked = _from_row(row)
            if row["chosen"] is not None:
                score = await self._score(tx, guild_id, member_id)
                return Answered(asked, row["chosen"], score, first_time=False)
            if not 0 <= chosen < len(asked.question.options):
                raise UserError("That is not one of the question's answers.")
            right = int(chosen == asked.question.answer)
            await tx.execute(
                "UPDATE quiz_questions SET chosen = ?, answered_at = ? "
                "WHERE id = ? AND chosen IS NULL",
                (chosen, now, number),
            )
            await tx.execute(
                "INSERT INTO quiz_scores (guild_id, member_id, answered, correct, streak, "
                "best_streak) VALUES (?, ?, 1, ?, ?, ?) "
                "ON CONFLICT (guild_id, member_id) DO UPDATE SET "
                "answered = quiz_scores.answered + 1, "
                "correct = quiz_scores.correct + excluded.correct, "
                "streak = CASE WHEN excluded.correct = 1 THEN quiz_scores.streak + 1 ELSE 0 END, "
                "best_streak = CASE WHEN excluded.correct = 1 "
                "AND quiz_scores.streak + 1 > quiz_scores.best_streak "
                "THEN quiz_scores.streak + 1 ELSE quiz_scores.best_streak END",
                (guild_id, member_id, right, right, right),
            )
            score = await self._score(tx, guild_id, member_id)
        return Answered(asked, chosen, score, first_time=True)

    async def score(self, guild_id: int, member_id: int) -> Score:
        return await self._score(self.db, guild_id, member_id)

    @staticmethod
    async def _score(via: StateDB, guild_id: int, member_id: int) -> Score:
        rows = await via.fetch(
            "SELECT answered, correct, streak, best_streak, on_board FROM quiz_scores "
            "WHERE guild_id = ? AND member_id = ?",
            (guild_id, member_id),
        )
        if not rows:
            return Score(member_id)
        answered, correct, streak, best, on_board = rows[0]
        return Score(member_id, answered, correct, streak, best, bool(on_board))

    async def set_on_board(self, guild_id: int, member_id: int, on_board: bool) -> Score:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO quiz_scores (guild_id, member_id, on_board) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, member_id) DO UPDATE SET on_board = excluded.on_board",
                (guild_id, member_id, int(on_board)),
            )
            return await self._score(tx, guild_id, member_id)

    async def board(self, guild_id: int, limit: int = BOARD_SIZE) -> list[Score]:
        """The members on the server's leaderboard, most right answers first."""
        rows = await self.db.fetch(
            "SELECT member_id, answered, correct, streak, best_streak FROM quiz_scores "
            "WHERE guild_id = ? AND on_board = 1 "
            "ORDER BY correct DESC, answered ASC, member_id LIMIT ?",
            (guild_id, limit),
        )
        return [Score(m, a, c, s, b, True) for m, a, c, s, b in rows]
