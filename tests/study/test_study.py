"""The study face's own rules: which readings a saved page names."""

from __future__ import annotations

from bot.study.study import named_readings


def test_a_page_names_the_readings_of_its_footer_and_its_italic_lines() -> None:
    body = (
        "**Civil society**\n\nA space in North Korea apart from the state.\n\n"
        "**Search hit**\nsome words\n*Vantor delays $8 billion Ohio chip plant*\n\n"
        "*Can Markets Help Foster Civil Society in North Korea? · section: Introduction*"
    )
    named = named_readings("Civil society", body)
    assert "Can Markets Help Foster Civil Society in North Korea?" in named
    assert "Vantor delays $8 billion Ohio chip plant" in named
    assert "North Korea" not in named  # a short title met in the text is not the page's reading


def test_escapes_are_undone() -> None:
    assert "A *bold* title" in named_readings("x", "text\n\n*A \\*bold\\* title · section: One*")
