"""The attribution rule shared by the validator and the drafter: who the wording credits."""

from __future__ import annotations

import pytest

from bot.store.attribution import Attribution, Credit, Named, credited_speaker

SPEAKERS = [
    Named("yeo", "Andrew Yeo", "director of Asian studies, Catholic University"),
    Named("hastings", "Justin Hastings", "professor of international relations"),
    Named("okafor", "Ngozi Okafor", "finance minister of Nigeria"),
]


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
def test_the_rule_on_constructed_sentences(passage: str, quote: str, speaker: str | None) -> None:
    surnames = {"Yeo": "yeo", "Hastings": "hastings"}
    assert credited_speaker(passage, quote, surnames) == speaker


@pytest.mark.parametrize(
    ("passage", "quote", "credit"),
    [
        ("“Trust is the currency,” said Andrew Yeo.", "Trust is the currency", ("yeo", "tag")),
        ("Justin Hastings said: “Policies shift.”", "Policies shift.", ("hastings", "tag")),
        ("According to Yeo, “markets adapt.”", "markets adapt.", ("yeo", "tag")),
        (
            "And while “all of this seems natural” to us, Hastings said so.",
            "all of this seems natural",
            ("hastings", "tag"),
        ),
        ("“I doubt it” in Korea, said Hastings, a professor.", "I doubt it", ("hastings", "tag")),
        (
            "For Yeo, the evidence “shows that people talk.”",
            "shows that people talk.",
            ("yeo", "named before"),
        ),
        ("“A,” Yeo said. “B.” Then Hastings spoke.", "B.", ("yeo", "tag")),
        ("“Markets adapt” is a slogan.", "Markets adapt", (None, "")),
    ],
)
def test_tags_after_and_before_and_the_name_before(
    passage: str, quote: str, credit: tuple[str | None, str]
) -> None:
    assert Attribution(SPEAKERS).credit([passage], 0, quote) == Credit(*credit)


def test_a_pronoun_or_a_title_resolves_to_the_last_such_speaker_and_asks_for_review() -> None:
    passages = [
        "Ngozi Okafor, the finance minister of Nigeria, spoke on Monday.",
        "Andrew Yeo was there too. “Prices will fall,” he said.",
        "“Not this year,” the minister said, “and not next.”",
    ]
    attribution = Attribution(SPEAKERS)
    pronoun = attribution.credit(passages, 1, "Prices will fall")
    assert pronoun == Credit("yeo", "pronoun")
    assert pronoun.review == "speaker resolved from a pronoun"
    title = attribution.credit(passages, 2, "Not this year")
    assert title == Credit("okafor", "title")
    assert title.review == "speaker resolved from a title"
    assert attribution.credit(passages, 2, "and not next.") == Credit("okafor", "title")


def test_a_paragraph_of_quotation_continues_the_speaker_before_it() -> None:
    passages = [
        "“The first part of a long answer,” said Hastings. “It goes on",
        "“and on, into a second paragraph.”",
        "Nobody speaks here.",
        "“A quotation with no speaker.”",
    ]
    attribution = Attribution(SPEAKERS)
    assert attribution.credit(passages, 1, "and on, into a second paragraph.") == Credit(
        "hastings", "continuation"
    )
    assert attribution.credit(passages, 3, "A quotation with no speaker.") == Credit(None)


def test_a_surname_two_speakers_share_names_neither_but_full_names_do() -> None:
    attribution = Attribution([Named("a", "Mina Park"), Named("b", "Joon Park")])
    assert attribution.credit(["“Yes,” said Park."], 0, "Yes") == Credit(None)
    assert attribution.credit(["“Yes,” said Joon Park."], 0, "Yes") == Credit("b", "tag")


def test_a_quote_not_in_the_passage_is_credited_to_no_one() -> None:
    assert Attribution(SPEAKERS).credit(["“Yes,” said Yeo."], 0, "absent") == Credit(None)
    assert Attribution([]).credit(["“Yes,” said Yeo."], 0, "Yes") == Credit(None)


@pytest.mark.parametrize(
    "passage",
    [
        "Yeo said: “Markets adapt.” Said the the the defector the that on.",
        "Yeo said: “Markets adapt.” The and said the ministers of nothing.",
        "Yeo said: “Markets adapt.” Government in said the of the treaty.",
    ],
)
def test_a_title_is_a_word_beside_a_cue_not_any_word_after_the(passage: str) -> None:
    """Found in a synthetic library: "the the" or "the of" is no title of anybody's."""
    attribution = Attribution([*SPEAKERS, Named("x", "Wei Zomi", "the and of the ministers")])
    assert attribution.credit([passage], 0, "Markets adapt.") == Credit("yeo", "tag")


def test_a_body_is_never_a_person_named_before() -> None:
    """“The agriculture ministry said...” after a person was named: no one, not that person."""
    people = [Named("khan", "Amir Khan", "climatologist"), Named("min", "Ministry of Water")]
    passages = [
        "Amir Khan, a climatologist, spoke first.",
        "The agriculture ministry said it was “monitoring the situation closely.”",
        "The Ministry of Water was asked too. The ministry said it would “act within days.”",
    ]
    attribution = Attribution(people)
    assert attribution.credit(passages, 1, "monitoring the situation closely.") == Credit(None)
    assert attribution.credit(passages, 2, "act within days.") == Credit("min", "title")


def test_a_pronoun_in_what_is_said_is_not_the_speaker() -> None:
    people = [Named("ruiz", "Carlos Ruiz"), Named("cruz", "Maria Cruz")]
    passage = (
        "Carlos Ruiz left. Maria Cruz, a farmer, said she sold her herd. “It hurts,” said Cruz."
    )
    assert Attribution(people).credit([passage], 0, "It hurts") == Credit("cruz", "tag")
    alone = "Carlos Ruiz left. Someone said she sold her herd. “It hurts.”"
    assert Attribution(people).credit([alone], 0, "It hurts.") == Credit("ruiz", "named before")


def test_a_shared_surname_is_the_one_named_in_full_last() -> None:
    people = [Named("eirlys", "Eirlys Morgan"), Named("cerys", "Cerys Morgan")]
    passages = [
        "Eirlys Morgan, 81, rides the bus.",
        "‘I go down on a Tuesday,’ Morgan said.",
        "Her granddaughter Cerys Morgan disagrees. “It is too late,” Morgan said.",
    ]
    attribution = Attribution(people)
    assert attribution.credit(passages, 1, "I go down on a Tuesday") == Credit("eirlys", "tag")
    assert attribution.credit(passages, 2, "It is too late") == Credit("cerys", "tag")
