"""The attribution rule: the tag after a quotation names its speaker, else the last one named."""

from __future__ import annotations

import pytest

from bot.store.attribution import credited_speaker


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
