"""Checks the shipped content on every run, re-deriving each faithfulness rule from source.txt.

The checks read the source text themselves rather than trust the validator; only the attribution
rule is shared with it (bot/store/attribution.py, tested on its own in test_attribution.py).
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from pathlib import Path

import pytest

from bot.store.attribution import Attribution, Named, credited_speaker
from bot.store.loader import load_library
from bot.store.models import Library, Quote, Reading
from bot.store.normalize import term_key

FIRST_READING = "markets-and-civil-society-north-korea"
RELATED_HEADING = "Related Publications"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
OPEN_MARKS = '“"'
CLOSE_MARKS = '”"'
# A photo caption ends with a parenthesised credit such as "(Jonah M. Kessel/The New York Times)".
CAPTION_CREDIT = re.compile(r"\([^()]*/[^()]*\)$")


@pytest.fixture(scope="module")
def library(data_dir: Path) -> Library:
    return load_library(data_dir)


@pytest.fixture(scope="module")
def first(library: Library) -> Reading:
    return next(r for r in library.readings if r.id == FIRST_READING)


def paragraphs(source: str) -> list[str]:
    """The paragraphs of a source text: blocks separated by blank lines, surrounding space cut."""
    return [p.strip() for p in re.split(r"\n\s*\n", source) if p.strip()]


def body_paragraphs(source: str) -> list[str]:
    """The paragraphs of the article itself, without the related-publications listing."""
    paras = paragraphs(source)
    return paras[: paras.index(RELATED_HEADING)] if RELATED_HEADING in paras else paras


def surname_index(reading: Reading) -> dict[str, str]:
    return {speaker.name.split()[-1]: speaker.id for speaker in reading.speakers}


def test_the_shipped_library_loads(data_dir: Path) -> None:
    library = load_library(data_dir)
    assert library.readings
    assert FIRST_READING in {r.id for r in library.readings}


def test_every_quote_is_verbatim_in_source_and_in_its_passage(library: Library) -> None:
    bad = []
    for reading in library.readings:
        passages = {p.id: p.text for p in reading.passages}
        for quote in reading.quotes:
            if quote.text not in reading.source_text:
                bad.append((reading.id, quote.id, "not verbatim in source.txt"))
            if quote.text not in passages.get(quote.passage, ""):
                bad.append((reading.id, quote.id, f"not inside passage {quote.passage}"))
    assert bad == []


def test_every_quote_is_a_whole_quoted_span(library: Library) -> None:
    """The text is exactly the words between the article's quotation marks, nothing cut."""
    bad = []
    for reading in library.readings:
        passages = {p.id: p.text for p in reading.passages}
        for quote in reading.quotes:
            passage = passages[quote.passage]
            at = passage.find(quote.text)
            after = passage[at + len(quote.text) :].removeprefix(",")
            opened = at >= 1 and passage[at - 1] in OPEN_MARKS
            closed = bool(after) and after[0] in CLOSE_MARKS
            if not (opened and closed):
                bad.append((reading.id, quote.id))
    assert bad == []


def test_no_quote_keeps_the_trailing_comma(library: Library) -> None:
    bad = [(r.id, q.id) for r in library.readings for q in r.quotes if q.text.rstrip()[-1] == ","]
    assert bad == []


def test_every_context_contains_its_quote_and_sits_in_the_passage(library: Library) -> None:
    bad = []
    for reading in library.readings:
        passages = {p.id: p.text for p in reading.passages}
        for quote in reading.quotes:
            if quote.context and (
                quote.text not in quote.context or quote.context not in passages[quote.passage]
            ):
                bad.append((reading.id, quote.id))
    assert bad == []


def test_every_passage_is_a_whole_paragraph_of_the_body_in_order(library: Library) -> None:
    for reading in library.readings:
        body = body_paragraphs(reading.source_text)
        missing = [p.id for p in reading.passages if p.text.strip() not in body]
        assert missing == [], f"{reading.id}: passages that are not a paragraph of the body"
        positions = [body.index(p.text.strip()) for p in reading.passages]
        assert positions == sorted(set(positions)), f"{reading.id}: passages out of order"


def test_every_body_paragraph_is_a_passage_heading_or_caption(library: Library) -> None:
    for reading in library.readings:
        texts = {p.text.strip() for p in reading.passages}
        headings = {s.title for s in reading.sections}
        left_out = [
            para
            for para in body_paragraphs(reading.source_text)
            if para not in texts and para not in headings and not CAPTION_CREDIT.search(para)
        ]
        assert left_out == [], f"{reading.id}: article paragraphs missing from passages.toml"


def test_every_passage_sits_under_its_heading(library: Library) -> None:
    """A passage's section is the last heading before it; the untitled opening is the first."""
    for reading in library.readings:
        titles = {s.title: s.id for s in reading.sections}
        current = reading.sections[0].id
        expected = {}
        for para in body_paragraphs(reading.source_text):
            current = titles.get(para, current)
            expected[para] = current
        wrong = [p.id for p in reading.passages if expected[p.text.strip()] != p.section]
        assert wrong == [], f"{reading.id}: passages filed under the wrong section"


def test_speaker_name_role_and_affiliation_are_the_articles_words(library: Library) -> None:
    bad = [
        (r.id, s.id, name)
        for r in library.readings
        for s in r.speakers
        for name in ("name", "role", "affiliation")
        if getattr(s, name) not in r.source_text
    ]
    assert bad == []


def test_every_quote_is_attributed_as_the_article_attributes_it(library: Library) -> None:
    bad = []
    for reading in library.readings:
        attribution = Attribution([Named(s.id, s.name, s.role) for s in reading.speakers])
        texts = [p.text for p in reading.passages]
        order = {p.id: i for i, p in enumerate(reading.passages)}
        for quote in reading.quotes:
            found = attribution.credit(texts, order[quote.passage], quote.text).speaker
            if found != quote.speaker:
                bad.append((reading.id, quote.id, quote.speaker, found))
    assert bad == []


def test_every_quote_passage_names_its_speaker(library: Library) -> None:
    bad = []
    for reading in library.readings:
        speakers = {s.id: s for s in reading.speakers}
        passages = {p.id: p.text for p in reading.passages}
        for quote in reading.quotes:
            surname = speakers[quote.speaker].name.split()[-1]
            if not re.search(rf"\b{re.escape(surname)}\b", passages[quote.passage]):
                bad.append((reading.id, quote.id))
    assert bad == []


@pytest.mark.parametrize(
    ("quote_id", "wrong_speaker"),
    [
        ("baek-anecdotes", "arrington"),  # Arrington is named in the passage, but not the tag
        ("yeo-social-relations", "hastings"),
        ("hastings-second-nature", "yeo"),
    ],
)
def test_attribution_check_catches_a_swapped_speaker(
    first: Reading, quote_id: str, wrong_speaker: str
) -> None:
    """The checker above has teeth: a misattributed quote does not get past it."""
    quote: Quote = next(q for q in first.quotes if q.id == quote_id)
    swapped = dataclasses.replace(quote, speaker=wrong_speaker)
    passage = next(p.text for p in first.passages if p.id == quote.passage)
    assert credited_speaker(passage, swapped.text, surname_index(first)) != swapped.speaker


def test_first_reading_has_the_four_experts_each_quoted(first: Reading) -> None:
    surnames = {s.id: s.name.split()[-1] for s in first.speakers}
    assert surnames == {
        "yeo": "Yeo",
        "hastings": "Hastings",
        "arrington": "Arrington",
        "baek": "Baek",
    }
    quoted = {q.speaker for q in first.quotes}
    assert {s.id for s in first.speakers} <= quoted


def test_first_reading_has_enough_concepts_each_with_evidence(first: Reading) -> None:
    assert len(first.concepts) >= 15
    known = {q.id for q in first.quotes} | {p.id for p in first.passages}
    for concept in first.concepts:
        assert concept.evidence, concept.id
        assert set(concept.evidence) <= known, concept.id


def test_every_concept_in_every_reading_has_resolvable_evidence(library: Library) -> None:
    bad = []
    for reading in library.readings:
        known = {q.id for q in reading.quotes} | {p.id for p in reading.passages}
        bad += [
            (reading.id, c.id)
            for c in reading.concepts
            if not c.evidence or not set(c.evidence) <= known
        ]
    assert bad == []


def test_first_reading_lists_four_publications_as_the_source_does(first: Reading) -> None:
    assert len(first.publications) == 4
    listing = paragraphs(first.source_text)
    listing = listing[listing.index(RELATED_HEADING) :]
    for pub in first.publications:
        assert ISO_DATE.fullmatch(pub.date), pub.id
        at = listing.index(pub.title)
        entry = [p for p in listing[at + 1 : at + 6] if p != pub.title]
        listed_date = datetime.datetime.strptime(entry[0], "%A, %B %d, %Y").date()
        assert listed_date == datetime.date.fromisoformat(pub.date), pub.id
        if not pub.summary_is_own:
            assert entry[1] == pub.summary, pub.id
        assert entry[2] == f"Type: {pub.type}", pub.id
        assert entry[3] == "".join(pub.topics), pub.id


@pytest.mark.parametrize(
    ("typed", "concept_id"),
    [
        ("marketisation", "marketization"),
        ("patron client networks", "patron-client-networks"),
        ("trust network", "trust-networks"),
        ("civil society", "civil-society"),
        ("Arduous March", "arduous-march"),
        ("semi-autonomous public sphere", "semi-autonomous-public-sphere"),
    ],
)
def test_required_concepts_are_findable_by_term_key(
    first: Reading, typed: str, concept_id: str
) -> None:
    index = {
        term_key(spelling): concept.id
        for concept in first.concepts
        for spelling in (concept.term, *concept.aliases)
    }
    assert index.get(term_key(typed)) == concept_id
