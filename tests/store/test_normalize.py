"""term_key folds what people type onto the spellings a concept was curated with."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.store.normalize import term_key, topic_key, words


@pytest.mark.parametrize(
    ("typed", "curated"),
    [
        ("Civil Society", "civil society"),  # case
        ("CIVIL SOCIETY", "civil society"),
        ("patron-client networks", "patron client networks"),  # hyphens
        ("patron\u2013client networks", "patron client networks"),  # en dash
        ("semi-autonomous", "semi autonomous"),
        ("régime", "regime"),  # accents
        ("Pyŏngyang", "pyongyang"),
        ("marketisation", "marketization"),  # British -ise family
        ("recentralise", "recentralize"),
        ("organised", "organized"),
        ("organises", "organizes"),
        ("organising", "organizing"),
        ("networks", "network"),  # plurals
        ("markets", "market"),
        ("societies", "society"),
        ("civil societies", "civil society"),
        ("the Arduous March", "Arduous March"),  # leading articles
        ("The civil society", "civil society"),
        ("a trust network", "trust network"),
        ("an informal market", "informal market"),
        ("  Trust   networks!  ", "trust network"),  # spacing and punctuation
    ],
)
def test_term_key_folds_variants_together(typed: str, curated: str) -> None:
    assert term_key(typed) == term_key(curated)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Marketisation", "marketization"),
        ("The Arduous March", "arduous march"),
        ("Patron-client networks", "patron client network"),
        ("Semi-autonomous public spheres", "semi autonomous public sphere"),
        ("policies", "policy"),
    ],
)
def test_term_key_values(text: str, key: str) -> None:
    assert term_key(text) == key


@pytest.mark.parametrize(
    "word",
    ["process", "status", "analysis", "crisis", "consensus", "class", "bus", "gas", "this", "its"],
)
def test_term_key_does_not_mangle_words_ending_in_s(word: str) -> None:
    assert term_key(word) == word


@pytest.mark.parametrize("short", ["ties", "lies", "is", "as", "us"])
def test_term_key_leaves_short_words_mostly_alone(short: str) -> None:
    """Short words are not stripped to nothing: 'ties' -> 'tie', not 'ty'; 'is' stays."""
    assert term_key(short) in {short, short[:-1]}
    assert term_key(short)


def test_term_key_keeps_a_lone_article_and_inner_articles() -> None:
    assert term_key("The") == "the"  # nothing else left to key on
    assert term_key("the the") == "the"
    assert term_key("state of the art") == "state of the art"


def test_term_key_keeps_distinct_terms_apart() -> None:
    assert term_key("civil society") != term_key("social capital")
    assert term_key("market") != term_key("marketization")


def test_words_drops_punctuation_hyphens_and_accents() -> None:
    assert words("“Civil society,” said Yeo — it\u2019s semi-autonomous… (really)!") == [
        "civil",
        "society",
        "said",
        "yeo",
        "it",
        "s",
        "semi",
        "autonomous",
        "really",
    ]
    assert words("Régime_change 2021") == ["regime", "change", "2021"]
    assert words("…—!?") == []


def test_topic_key_ignores_case_and_spacing_only() -> None:
    assert topic_key("  State   Control ") == topic_key("state control") == "state control"
    assert topic_key("markets") != topic_key("market")  # no plural folding for topics


@pytest.mark.parametrize("text", ["marketisations", "organisings", "\U0001d400", "\u210cello"])
def test_term_key_is_idempotent_on_known_counterexamples(text: str) -> None:
    assert term_key(term_key(text)) == term_key(text)


def test_plural_british_spelling_meets_american() -> None:
    assert term_key("marketisations") == term_key("marketization")


_STEMS = st.sampled_from(["market", "organ", "civil", "soc", "the", "a", "an", "trust", "cris"])
_SUFFIXES = st.sampled_from(
    ["", "s", "es", "ies", "is", "ise", "ised", "ises", "ising", "isation", "isations", "y"]
)
_TERMLIKE = st.lists(st.builds(lambda a, b: a + b, _STEMS, _SUFFIXES), min_size=1, max_size=4).map(
    " ".join
)


@given(st.one_of(st.text(), _TERMLIKE))
@example("marketisations")
@example("\U0001d400")
def test_term_key_is_idempotent(text: str) -> None:
    key = term_key(text)
    assert term_key(key) == key


@given(st.text(alphabet=st.characters(max_codepoint=127)))
@example("Semi-Autonomous_Public SPHERES 2021")
def test_words_of_ascii_text_are_those_of_the_general_folding(text: str) -> None:
    """ASCII text takes a short cut; a non-ASCII word after it sends it the long way."""
    assert words(text) == words(f"{text} é")[:-1]
