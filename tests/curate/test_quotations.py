"""Quotation marks paired as a careful reader pairs them."""

from __future__ import annotations

from bot.curate.quotations import find_spans


def quotes(*paragraphs: str) -> list[tuple[int, str, bool]]:
    return [(s.paragraph, s.quote, s.runs_on) for s in find_spans(paragraphs)]


def test_curly_and_straight_marks_and_the_comma_before_the_tag() -> None:
    assert quotes('“Trust is the currency,” said Park. He added: "Markets adapt."') == [
        (0, "Trust is the currency", False),
        (0, "Markets adapt.", False),
    ]


def test_an_inner_quotation_stays_inside_the_outer_one() -> None:
    assert quotes("“He told me ‘never again,’ and meant it,” she said.") == [
        (0, "He told me ‘never again,’ and meant it", False)
    ]


def test_a_quotation_over_several_paragraphs_is_one_span_a_paragraph() -> None:
    assert quotes("“The first part", "“The second part", "“And the end.” She stopped.") == [
        (0, "The first part", True),
        (1, "The second part", True),
        (2, "And the end.", False),
    ]


def test_single_marks_quote_where_the_article_uses_them_and_apostrophes_are_not_marks() -> None:
    found = quotes(
        "‘I’m not worried about me,’ Price said. ‘The Kims’ shop is what I miss.’",
        "It’s the valley’s front door, he said.",
    )
    assert found == [
        (0, "I’m not worried about me", False),
        (0, "The Kims’ shop is what I miss.", False),
    ]
