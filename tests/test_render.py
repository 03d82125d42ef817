"""Everything the renderer makes, from the real data and from content at its size limits,
stays inside Discord's limits; user text is escaped."""

from __future__ import annotations

from collections.abc import Sequence

import discord
import pytest
from discord.utils import escape_markdown, escape_mentions
from hypothesis import example, given
from hypothesis import strategies as st

from bot import render, ui
from bot.sandbox.message_checks import autocomplete_problems, component_problems, message_problems
from bot.store import Store
from bot.store.answers import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Attributed,
    ConceptEntry,
    ExpertEntry,
    ExpertRole,
    PublicationEntry,
    PublicationList,
    ReadingOverview,
    SearchHit,
    Suggestion,
)
from bot.store.errors import NotFoundError
from bot.store.models import Concept, Passage, Publication, Quote, Section, Speaker
from bot.store.validate import MAX_LENGTH
from bot.ui import Answers, page_view


def assert_pages_fit(pages: Sequence[discord.Embed]) -> None:
    assert pages
    for page in pages:
        problems = message_problems({"embeds": [page.to_dict()]})
        problems += message_problems({"content": render.embed_text(page)})
        assert problems == [], problems
    for page in range(len(pages)):
        view = page_view(Answers(), "search", ["q" * 6000], page, len(pages), shareable=True)
        assert view is not None
        assert component_problems(view.to_components()) == []


async def test_every_real_concept_renders_within_limits(store: Store) -> None:
    library = await store.read_library()
    for concept in (c for reading in library.readings for c in reading.concepts):
        pages = render.concept_pages(await store.define(concept.term))
        assert_pages_fit(pages)
        assert pages[0].title == concept.term


async def test_every_real_expert_renders_within_limits(store: Store) -> None:
    (overview,) = await store.overview()
    for speaker in overview.speakers:
        entry = await store.expert(speaker.name)
        pages = render.expert_pages(entry)
        assert_pages_fit(pages)
        shown = "".join(field.value for page in pages for field in page.fields)
        for item in entry.quotes:
            assert render.clean(item.quote.text) in shown
        for topic in entry.topics:
            assert_pages_fit(render.expert_pages(await store.expert(speaker.name, topic)))


async def test_every_real_publication_and_quote_renders_within_limits(store: Store) -> None:
    assert_pages_fit(render.publication_pages(await store.publications()))
    library = await store.read_library()
    for quote in library.readings[0].quotes:
        entry = await store.expert(quote.speaker)
        for item in entry.quotes:
            assert_pages_fit([render.quote_embed(item)])
    assert_pages_fit(render.overview_pages(await store.overview()))


@pytest.mark.parametrize("query", ["markets", "civil society trust", "state", "x"])
async def test_search_results_render_within_limits(store: Store, query: str) -> None:
    try:
        hits = await store.search(query)
    except NotFoundError:
        return
    pages = render.search_pages(query, hits)
    assert_pages_fit(pages)
    assert "**" in pages[0].fields[0].value or query == "x"


def _longest(name: str, fill: str = "w") -> str:
    return (fill + " ") * (MAX_LENGTH[name] // 2)


def _speaker() -> Speaker:
    return Speaker("s", _longest("name")[:100], _longest("role"), _longest("affiliation"))


def _attributed(index: int) -> Attributed:
    quote = Quote(
        id=f"q{index}",
        speaker="s",
        text=_longest("text"),
        passage="p",
        topics=("t",),
        context=_longest("context"),
    )
    return Attributed(quote, _speaker(), "S" * 256, "R" * 256)


def test_content_at_its_size_limits_pages_within_discords_limits() -> None:
    quotes = tuple(_attributed(i) for i in range(30))
    concept = Concept(
        id="c",
        term="T" * 100,
        definition=_longest("definition"),
        section="s",
        aliases=tuple("a" * 100 for _ in range(20)),
        related=(),
    )
    related = tuple("r" * 100 for _ in range(40))
    entry = ConceptEntry(concept, "R" * 256, "S" * 256, quotes, (Passage("p", "s", "x"),), related)
    pages = render.concept_pages([entry])
    assert len(pages) > 1
    assert_pages_fit(pages)
    topics = tuple("t" * 100 for _ in range(40))
    roles = tuple(ExpertRole(f"{i}" + "R" * 255, _speaker()) for i in range(30))
    expert = ExpertEntry(_speaker(), "R" * 256, roles, "", quotes, 10**6, topics)
    assert_pages_fit(render.expert_pages(expert))
    publications = [
        PublicationEntry(
            Publication(f"p{i}", "P" * 256, "2024-01-01", "T" * 100, "s" * 1000, ("t" * 100,) * 5),
            "R" * 256,
        )
        for i in range(12)
    ]
    assert_pages_fit(render.publication_pages(PublicationList(tuple(publications), 10**6)))
    hits = [SearchHit("quote", "H" * 256, "s" * 2000, "R") for _ in range(25)]
    assert_pages_fit(render.search_pages("q" * 1000, hits))


def test_overviews_at_their_size_limits_fit_one_page_each() -> None:
    overview = ReadingOverview(
        id="r" * 64,
        title="T" * 300,
        publisher=_longest("name"),
        author=_longest("name"),
        date="2024-01-01",
        url="https://example.org/" + "u" * 2000,
        sections=tuple(Section(f"s{i}", "S" * 200) for i in range(40)),
        speakers=tuple(_speaker() for _ in range(40)),
        counts={"passages": 10**6, "quotes": 10**6, "concepts": 10**6, "publications": 10**6},
    )
    pages = render.overview_pages([overview] * 3)
    assert len(pages) == 3
    assert_pages_fit(list(pages))
    assert pages[2].footer.text.endswith("reading 3 of 3")


def test_lazy_pages_are_made_once_and_only_when_shown() -> None:
    made: list[int] = []

    def make(index: int) -> discord.Embed:
        made.append(index)
        return discord.Embed(title=str(index))

    pages = render.LazyPages(100, make)
    assert len(pages) == 100
    assert made == []
    assert pages[0].title == "0"
    assert pages[-1].title == "99"
    assert pages[0] is pages[0]
    assert [page.title for page in pages[1:3]] == ["1", "2"]
    assert made == [0, 99, 1, 2]
    with pytest.raises(IndexError):
        pages[100]


def test_user_text_is_escaped() -> None:
    hit = SearchHit("quote", "t", f"a *b* {HIGHLIGHT_START}@everyone{HIGHLIGHT_END}", "r")
    (page,) = render.search_pages("**bold** @everyone <@123>", [hit])
    assert "\\*\\*bold\\*\\*" in page.description
    assert "@everyone" not in page.description.replace("@\u200beveryone", "")
    assert "\\*b\\*" in page.fields[0].value
    text = render.user_error_text(NotFoundError("No concept called “@here _x_”.", ["__y__"]))
    assert "@here" not in text.replace("@\u200bhere", "")
    assert "\\_x\\_" in text
    assert "\\_\\_y\\_\\_" in text


def test_search_echoes_the_query_on_one_visible_line() -> None:
    typed = "civil\nsociety\u202e \x1b[2J\u200b" + "x" * 300
    (page,) = render.search_pages(typed, [])
    echoed = page.description.split("“")[1].split("”")[0]
    assert echoed.startswith("civil society [2J" + "x" * 10)
    assert len(echoed) == 200
    assert echoed.endswith("…")
    assert not any(ch in echoed for ch in "\n\u202e\x1b\u200b")


@example("@everyone and @here")
@example("<@&123456789012345678> <@!12345678901234567>")
@example("- a list\n> a quote\n# a heading\n  - indented")
@example("[a link](https://example.org/x_y) and https://example.org/a_b_c")
@given(st.text(alphabet=st.sampled_from("ab \n\t*_~`|>#-[]()@&!0123456789:/.é"), max_size=60))
def test_clean_escapes_exactly_as_discord_py_does(text: str) -> None:
    assert render.clean(text) == escape_mentions(escape_markdown(text))


def test_choices_fit_autocomplete_limits() -> None:
    suggestions = [Suggestion(f"{i} " + "l" * 120, f"{i} " + "v" * 120) for i in range(40)]
    choices = render.choices(suggestions)
    payload = {"choices": [{"name": c.name, "value": c.value} for c in choices]}
    assert len(choices) == 25
    assert autocomplete_problems(payload) == []


def test_choices_show_the_matching_spelling_when_it_differs() -> None:
    choices = render.choices(
        [Suggestion("marketisation", "Marketization"), Suggestion("civil society", "Civil society")]
    )
    assert [(c.name, c.value) for c in choices] == [
        ("Marketization (marketisation)", "Marketization"),
        ("Civil society", "Civil society"),
    ]


def labels(view: discord.ui.View | None) -> list[str]:
    return [] if view is None else [item.item.label for item in view.children]  # type: ignore


def test_a_single_page_has_only_share_and_a_public_one_no_buttons() -> None:
    answers = Answers()
    assert labels(page_view(answers, "define", ["x"], 0, 1, shareable=True)) == ["Share"]
    assert page_view(answers, "define", ["x"], 0, 1, shareable=False) is None
    turn = page_view(answers, "define", ["x"], 0, 2, shareable=False)
    assert labels(turn) == ["Previous", "Next"]


def test_page_buttons_carry_the_answer_and_the_page_they_turn_to() -> None:
    answers = Answers()
    view = page_view(answers, "expert", ["Yeo", "trust"], 1, 3, shareable=True)
    assert view is not None
    previous, following, share = view.children
    assert previous.custom_id == 'rr:page:expert:0:["Yeo","trust"]'  # type: ignore[attr-defined]
    assert following.custom_id == 'rr:page:expert:2:["Yeo","trust"]'  # type: ignore[attr-defined]
    assert share.custom_id == "rr:share"  # type: ignore[attr-defined]
    assert answers.decode('["Yeo","trust"]') == ["Yeo", "trust"]


def test_arguments_too_long_for_a_custom_id_are_kept_in_a_bounded_table() -> None:
    answers = Answers()
    first = answers.encode(["x" * 200], room=80)
    assert first.startswith("#")
    assert len(first) <= 80
    assert answers.decode(first) == ["x" * 200]
    for n in range(ui.LONG_ARGUMENTS_KEPT):
        answers.encode([f"{n}" * 100], room=80)
    assert answers.decode(first) is None, "the oldest went first"
    assert answers.decode(answers.encode(["y" * 5000], room=80)) is None, "too long to keep"
    assert answers.decode('["not", 1]') is None
    assert answers.decode("{broken") is None


async def test_a_section_title_of_our_own_is_marked_as_ours(store: Store) -> None:
    (overview,) = await store.overview()
    (page,) = render.overview_pages([overview])[:1]
    sections = next(f.value for f in page.fields if f.name == "Sections").splitlines()
    assert sections[0] == "Introduction *(our label)*"
    assert sections[1] == "A Look at Markets in North Korea"


async def test_concept_pages_know_the_concept_each_page_shows(store: Store) -> None:
    entries = [*await store.define("civil society"), *await store.define("trust networks")]
    pages = render.concept_pages(entries)
    assert len(pages.shows) == len(pages)
    assert {id(shown) for shown in pages.shows} == {id(entry) for entry in entries}
    for page, shown in zip(pages, pages.shows, strict=True):
        assert page.title == shown.concept.term
