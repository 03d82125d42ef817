"""The curate benchmark's scorer: counts that mean what the README says they mean."""

from __future__ import annotations

from bench.curate_bench import Score, score
from bot.store.models import Quote, Reading, Speaker


def reading(quotes: list[tuple[str, str]], speakers: list[Speaker]) -> Reading:
    return Reading(
        id="r",
        title="t",
        publisher="p",
        source_file="source.txt",
        source_text="",
        sections=(),
        speakers=tuple(speakers),
        quotes=tuple(Quote(f"q{i}", s, t, "p01") for i, (t, s) in enumerate(quotes)),
        concepts=(),
        passages=(),
        publications=(),
    )


def test_a_quotation_found_with_the_wrong_speaker_counts_as_found_not_right() -> None:
    speakers = [Speaker("yeo", "Andrew Yeo", "director", ""), Speaker("park", "Mina Park", "", "")]
    drafted = reading([("Markets adapt.", "yeo"), ("Trust  is the currency", "park")], speakers)
    gold = [
        {"text": "Markets adapt.", "speaker": "Andrew Yeo"},
        {"text": "Trust is the currency", "speaker": "Andrew Yeo"},
        {"text": "Never again", "speaker": "Mina Park"},
    ]
    gold_speakers = [
        {"name": "Andrew Yeo", "role": "director", "affiliation": ""},
        {"name": "Mina Park", "role": "fellow", "affiliation": ""},
        {"name": "Sam Lee", "role": "", "affiliation": ""},
    ]
    result = score(drafted, gold, gold_speakers, "a")
    assert (result.found, result.right_speaker, result.false) == (2, 1, 0)
    assert (result.described, result.roles_given) == (2, 1)
    assert result.rates() == {"recall": 2 / 3, "precision": 1.0, "speaker": 0.5, "roles": 0.5}


def test_a_drafted_quotation_that_is_no_gold_one_costs_precision() -> None:
    drafted = reading([("public", "yeo")], [Speaker("yeo", "Yeo", "", "")])
    result = score(drafted, [], [], "a")
    assert result.rates()["precision"] == 0.0
    total = Score()
    total.add(result)
    total.add(result)
    assert total.false == 2
