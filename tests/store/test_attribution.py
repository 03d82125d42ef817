"""The attribution rule: the tag after a quotation names its speaker, else the last one named."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.store.attribution import Attribution, _surname_pattern, credited_speaker


@pytest.mark.parametrize(
    ("passage", "quote", "speaker"),
    [
        # "Nearest name" would say Yeo (3 characters before) over Hastings (8 after).
        ("“Markets first,” said Yeo. “Trust next,” said Hastings.", "Trust next", "hastings"),
        ("Yeo spoke first. “Trust next,” Hastings said.", "Trust next", "hastings"),
        ("“Markets first,” said Yeo. “Trust next.”", "Trust next.", "yeo"),
        ("Hastings and Yeo agree. “Trust next.”", "Trust next.", "yeo"),
        ("Nobody is named. “Trust next.”", "Trust next.", None),
    ],
)
def test_attribution_rule_on_constructed_sentences(
    passage: str, quote: str, speaker: str | None
) -> None:
    surnames = {"Yeo": "yeo", "Hastings": "hastings"}
    assert credited_speaker(passage, quote, surnames) == speaker


_NAME = st.text(alphabet="AaBbKkOo'-.", min_size=1, max_size=6)


@given(
    st.lists(_NAME, min_size=1, max_size=6, unique=True),
    st.lists(st.one_of(_NAME, st.sampled_from([" ", ", ", "-", "“", "”", "."])), max_size=30),
    st.integers(min_value=0, max_value=200),
)
def test_surname_pattern_finds_what_plain_alternation_finds(
    names: list[str], pieces: list[str], cut: int
) -> None:
    """The look-ahead only skips work; matching text only up to `cut` is matching a prefix."""
    text = "".join(pieces)
    pattern = _surname_pattern(frozenset(names))
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    plain = re.compile(rf"\b(?:{alternatives})\b")
    assert pattern.findall(text) == plain.findall(text)
    assert pattern.findall(text, 0, cut) == plain.findall(text[:cut])


def test_attribution_of_a_reading_credits_as_the_function_does() -> None:
    surnames = {"Yeo": "yeo", "Hastings": "hastings"}
    passage = "“Markets first,” said Yeo. “Trust next,” said Hastings. “Then?”"
    attribution = Attribution(surnames)
    for quote in ("Markets first", "Trust next", "Then?", "absent"):
        assert attribution.credited_speaker(passage, quote) == credited_speaker(
            passage, quote, surnames
        )
    assert Attribution({}).credited_speaker(passage, "Trust next") is None
