"""Every question the quiz makes, checked against the curated content read back from the store:
its answer is the curated fact, and no other option is also right."""

from __future__ import annotations

import random
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.errors import UserError
from bot.store.models import Concept, Publication, Quote, Reading, Speaker
from bot.store.normalize import term_key
from bot.study.material import Material
from bot.study.questions import (
    BLANK,
    KINDS,
    Question,
    fill_gap,
    which_concept,
    which_publication,
    who_said,
)
from bot.study.quiz import make_question
from tests.conftest import READING_ID as READING
from tests.conftest import library_copy

ROUNDS = 60  # questions of each kind


@pytest.fixture
async def library(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "study.db", library_copy(tmp_path)) as store:
        yield store


def check(question: Question, reading: Reading) -> None:
    """The question's answer is the curated fact and no distractor is right too."""
    options = question.options
    assert len(options) >= 2
    assert len({term_key(o) for o in options}) == len(options), options
    right = question.right
    wrong = [o for i, o in enumerate(options) if i != question.answer]
    if question.kind in ("speaker", "gap"):
        quote = next(q for q in reading.quotes if q.id == question.item)
        speaker = next(s for s in reading.speakers if s.id == quote.speaker)
        assert question.source.text == quote.text
        assert question.source.heading == speaker.name
    if question.kind == "speaker":
        assert quote.text in question.prompt
        assert right == speaker.name
        said_same = {
            s.name
            for q in reading.quotes
            if q.text == quote.text
            for s in reading.speakers
            if s.id == q.speaker
        }
        assert not said_same & set(wrong)
        names = {s.name for s in reading.speakers}
        assert set(options) <= names
    elif question.kind == "gap":
        blanked = question.prompt.split("\n", 1)[1].strip("“”")
        assert blanked.count(BLANK) == len(question.blanked) >= 1
        assert {term_key(span) for span in question.blanked} == {term_key(right)}
        filled = blanked
        for span in question.blanked:
            filled = filled.replace(BLANK, span, 1)
        assert filled == quote.text  # the right answer restores the verbatim quote
        for option in wrong:
            assert term_key(option) != term_key(right)
            assert not re.search(rf"(?<!\w){re.escape(option)}(?!\w)", quote.text, re.I)
    elif question.kind == "concept":
        concept = next(c for c in reading.concepts if c.id == question.item)
        assert right == concept.term
        assert question.source.text == concept.definition
        spellings = {term_key(s) for s in (concept.term, *concept.aliases)}
        for option in wrong:
            other = next(c for c in reading.concepts if c.term == option)
            assert not spellings & {term_key(s) for s in (other.term, *other.aliases)}
            assert other.definition != concept.definition
        for spelling in (concept.term, *concept.aliases):  # the definition doesn't name it
            pattern = rf"(?<!\w){re.escape(spelling)}(?!\w)"
            assert not re.search(pattern, question.prompt.split("\n", 1)[1], re.I)
    else:
        publication = next(p for p in reading.publications if p.id == question.item)
        aspect = "date" if right == publication.date else "type"
        assert right == getattr(publication, aspect)
        same_title = [
            p for p in reading.publications if term_key(p.title) == term_key(publication.title)
        ]
        for option in wrong:
            assert all(getattr(p, aspect) != option for p in same_title)
            assert any(getattr(p, aspect) == option for p in reading.publications)


@pytest.mark.parametrize("kind", list(KINDS))
async def test_every_question_is_faithful_and_unambiguous(library: Store, kind: str) -> None:
    content = {r.id: r for r in (await library.read_library()).readings}
    readings = await library.readings_in_scope(None)
    rng = random.Random(kind)
    made = set()
    for _ in range(ROUNDS):
        try:
            question, meta = await make_question(Material(library.reader), readings, kind, rng)
        except UserError:
            continue
        assert question.kind == kind
        assert question.reading == meta.id
        check(question, content[meta.id])
        made.add((question.reading, question.item))
    items = {"speaker": "quotes", "gap": "quotes", "concept": "concepts"}.get(kind, "publications")
    possible = sum(len(getattr(r, items)) for r in content.values())
    assert len(made) >= min(ROUNDS // 4, possible), "questions come from across the content"


async def test_questions_come_from_the_scope_asked(library: Store) -> None:
    readings = await library.readings_in_scope(None, "vantor-chip-plant-delay")
    rng = random.Random(1)
    for _ in range(20):
        question, meta = await make_question(Material(library.reader), readings, None, rng)
        assert question.reading == meta.id == "vantor-chip-plant-delay"


async def test_an_unknown_kind_is_a_user_error(library: Store) -> None:
    readings = await library.readings_in_scope(None)
    with pytest.raises(UserError, match="No quiz kind"):
        await make_question(Material(library.reader), readings, "riddle", random.Random(1))


# The guards against a second right answer, each met by content made to break it.

SPEAKERS = [
    Speaker("a", "Ann Lee", "", ""),
    Speaker("b", "Bo Kim", "", ""),
    Speaker("c", "Cy Ng", "", ""),
]
QUOTE = Quote("q1", "a", "The state is chasing control.", "p1")


def test_no_who_said_it_when_two_speakers_said_the_words() -> None:
    rng = random.Random(0)
    asked = who_said("r", QUOTE, SPEAKERS[0], SPEAKERS, ["a", "b"], None, "", rng)
    assert asked is None
    alone = who_said("r", QUOTE, SPEAKERS[0], SPEAKERS, ["a"], None, "", rng)
    assert alone is not None
    assert alone.right == "Ann Lee"


async def test_the_same_words_are_found_whatever_their_case_and_punctuation(
    library: Store,
) -> None:
    content = next(r for r in (await library.read_library()).readings if r.id == READING)
    quote = next(q for q in content.quotes if q.speaker == "yeo")
    meta = library.reading_meta(READING)
    variant = quote.text.upper().rstrip(".") + " !"
    assert await Material(library.reader).said_by(meta, variant) == ["yeo"]
    assert await Material(library.reader).said_by(meta, "words nobody said") == []


def test_a_concept_is_not_its_own_distractor_under_another_name() -> None:
    asked = Concept("civil", "Civil society", "A space apart from the state.", "s")
    alias = Concept("cs", "CS", "Another wording.", "s", aliases=("civil societies",))
    same = Concept("space", "Public space", "a space  apart from the STATE.", "s")
    other = Concept("market", "Markets", "Where goods are traded.", "s")
    for seed in range(20):
        question = which_concept(
            "r", asked, [asked, alias, same, other], None, "", random.Random(seed)
        )
        assert question is not None
        assert set(question.options) == {"Civil society", "Markets"}


def test_no_date_question_when_two_publications_share_a_title() -> None:
    first = Publication("p1", "Annual Review", "2023-01-01", "Report", "")
    second = Publication("p2", "Annual review", "2024-01-01", "Report", "")
    third = Publication("p3", "Elsewhere", "2022-05-05", "Brief", "")
    for seed in range(20):
        question = which_publication("r", first, [first, second, third], random.Random(seed))
        assert question is not None
        assert question.right == "Report"  # the type, which both share: never the date
        assert "2024-01-01" not in question.options


def test_a_gap_is_never_filled_by_a_phrase_in_the_quote() -> None:
    quote = Quote("q", "a", "Informal markets grew while the state watched the markets.", "p")
    concepts = [
        Concept("im", "Informal markets", "x", "s"),
        Concept("m", "Markets", "y", "s"),
        Concept("st", "State", "z", "s"),
        Concept("tr", "Trust networks", "w", "s"),
    ]
    for seed in range(20):
        question = fill_gap("r", quote, SPEAKERS[0], concepts, [], None, "", random.Random(seed))
        assert question is not None
        wrong = [o for i, o in enumerate(question.options) if i != question.answer]
        assert [w.casefold() for w in wrong] == ["trust networks"]  # the only phrase not in it
