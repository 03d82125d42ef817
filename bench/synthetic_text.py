"""Random words and sentences whose word frequencies follow a Zipf law, for synthetic readings."""

from __future__ import annotations

import bisect
import itertools
import random
from array import array
from collections.abc import Sequence
from typing import TypeVar

from bot.store.normalize import words

VOCABULARY_SIZE = 30_000
ZIPF_EXPONENT = 1.05
_TOKEN_BATCH = 1 << 16  # words are drawn in batches
POSSESSIVE = "\u2019s"  # as in "regime\u2019s": the curated texts use typographic apostrophes

Item = TypeVar("Item")


def word_list(text: str) -> list[str]:
    """The whitespace-separated words of `text`: long word lists read better as text."""
    return text.split()


_FUNCTION_WORDS = word_list("""
the of and to in a that is for on with as by it was at from this be are have has not but
which their they its an or more who were been would will can than also had about other into
over these after new when some many there could all between while because such those most
only even how what said we our them may where do does both through under against without
""")
_DOMAIN_WORDS = word_list("""
market state regime trade policy economy network trust power government society border
information security reform growth control people country region leader official report
system local public private social political economic military nuclear foreign domestic
sanction price food money labor workers farmers traders citizens village city province
capital network community media radio phone smuggling exchange currency bank loan credit
risk crackdown surveillance loyalty ideology party elite family household women youth
school church norm value identity memory history war peace treaty alliance diplomacy summit
negotiation conflict violence protest dissent rights law court justice corruption bribery
patronage reform opening isolation famine survival hunger health hospital energy fuel water
land housing migration refugee defector broker middleman cooperation competition innovation
technology internet rumor news broadcast drama film music fashion consumer goods cargo ship
railway road bridge factory mine harvest crop rice corn cattle fishing export import tariff
""")
_ONSETS = word_list("b br c ch d dr f g gr h j k kl l m n p pr qu r s sh st t th tr v w z")
_VOWELS = word_list("a e i o u a e i o u ai ea ou")
_CODAS = ["", "", "", "n", "r", "l", "m", "s", "th", "nd", "st", "x"]


def cumulative_zipf(count: int, exponent: float = ZIPF_EXPONENT) -> list[float]:
    """Running sums of the Zipf weights of ranks 1 to `count`, as `zipf_pick` takes them."""
    return list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(count)))


def _slot_table(words_: list[str], weights: list[float], least: int) -> list[str | None]:
    """A 2**16-slot table in which each word fills a share of slots equal to its probability.

    Words from the first one that would get fewer than `least` slots on are left out, and the
    slots that are left are None (for `least` = 1 every word gets at least one slot).
    """
    size = 1 << 16
    cum = list(itertools.accumulate(weights))
    table: list[str | None] = []
    for word, upto in zip(words_, cum, strict=True):
        end = round(upto / cum[-1] * size)
        if end - len(table) < least:
            if least > 1:
                break
            end = len(table) + 1
        table.extend([word] * (end - len(table)))
    del table[size:]
    table.extend([None if least > 1 else words_[-1]] * (size - len(table)))
    return table


class ZipfWords:
    """Zipf-distributed words, drawn at C speed through a table of 2**16 slots.

    The common head of the law gets slots in proportion to its probability. The rest of the
    slots stand for the rare tail: before each batch of 2**16 draws they are refilled with words
    drawn from a second table over the tail, so every word has its exact probability.
    """

    HEAD_SLOTS = 8

    def __init__(self, vocabulary: list[str]) -> None:
        if array("H").itemsize != 2:
            raise RuntimeError("array('H') is not 16 bits on this platform")
        weights = [1.0 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(vocabulary))]
        self.table = _slot_table(vocabulary, weights, self.HEAD_SLOTS)
        self.start = self.table.index(None)
        first_tail = vocabulary.index(self.table[self.start - 1]) + 1
        self.tail = _slot_table(vocabulary[first_tail:], weights[first_tail:], 1)

    def draw(self, rng: random.Random, count: int) -> list[str]:
        table, tail, size = self.table, self.tail, len(self.table)
        tokens: list[str] = []
        for done in range(0, count, size):
            table[self.start :] = map(
                tail.__getitem__, array("H", rng.randbytes(2 * (size - self.start)))
            )
            batch = min(size, count - done)
            tokens += map(table.__getitem__, array("H", rng.randbytes(2 * batch)))
        return tokens


def zipf_pick(rng: random.Random, items: Sequence[Item], cum: list[float]) -> Item:
    """One of `items`, drawn with the weights whose running sums are `cum`."""
    return items[bisect.bisect(cum, rng.random() * cum[-1], 0, len(items) - 1)]


def made_up_word(rng: random.Random) -> str:
    """A pronounceable made-up word of one to three syllables."""
    syllables = rng.choice((1, 2, 2, 2, 3, 3))
    parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)]
    return "".join(parts) + rng.choice(_CODAS)


def slug(text: str, limit: int = 56) -> str:
    """An ASCII id of the words of `text`, at most `limit` characters."""
    return "-".join(words(text)).encode("ascii", "ignore").decode()[:limit].strip("-") or "x"


def make_vocabulary(rng: random.Random) -> list[str]:
    """Common English words, then made-up ones, in the order of their Zipf ranks."""
    vocabulary = list(dict.fromkeys(_FUNCTION_WORDS + _DOMAIN_WORDS))
    seen = set(vocabulary)
    while len(vocabulary) < VOCABULARY_SIZE:
        word = made_up_word(rng)
        if word not in seen:
            seen.add(word)
            vocabulary.append(word)
    # A few possessives with a typographic apostrophe, as in the curated texts.
    for rank in range(len(_FUNCTION_WORDS), len(vocabulary), 97):
        vocabulary[rank] += POSSESSIVE
    return vocabulary


class Text:
    """Words, sentences and concept terms drawn from one random stream."""

    def __init__(self, rng: random.Random, vocabulary: list[str], zipf: ZipfWords) -> None:
        self.rng = rng
        self.vocabulary = vocabulary
        self.zipf = zipf
        self.stream: list[str] = []
        self.position = 0

    def between(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1))

    def _zipf_words(self, count: int) -> list[str]:
        if self.position + count > len(self.stream):
            self.stream = self.zipf.draw(self.rng, max(count, _TOKEN_BATCH))
            self.position = 0
        start = self.position
        self.position += count
        return self.stream[start : self.position]

    def plain_words(self, count: int, low: int, high: int) -> list[str]:
        """`count` words drawn uniformly from vocabulary ranks [low, high), not possessive."""
        chosen = (self.vocabulary[self.rng.randrange(low, high)] for _ in range(count))
        return [word.removesuffix(POSSESSIVE) for word in chosen]

    def phrases(self, count: int, *, lowercase: bool) -> list[str]:
        phrases: dict[str, None] = {}
        while len(phrases) < count:
            phrase = " ".join(self.plain_words(self.rng.choice((1, 2, 2)), 100, 1000))
            phrases[phrase if lowercase else phrase.title()] = None
        return list(phrases)

    def sentence(self, low: int, high: int, *, end: str = ".") -> str:
        """A sentence of `low` to `high` Zipf-distributed words, capitalised."""
        count = low + int(self.rng.random() * (high - low + 1))
        chosen = self._zipf_words(count)
        if count > 10:
            chosen[3 + int(self.rng.random() * (count - 6))] += ","
        text = " ".join(chosen)
        return text[0].upper() + text[1:] + end

    def fresh_term(self) -> str:
        """A concept term: a two-word phrase, an -ization word or a hyphenated three-word one."""
        shape = self.rng.random()
        if shape < 0.15:
            base = self.plain_words(1, 200, 8000)[0].rstrip("aeiou")
            return f"{base}ization".capitalize()
        parts = self.plain_words(3, 100, 8000)
        if shape < 0.25:
            return f"{parts[0]}-{parts[1]} {parts[2]}".capitalize()
        return f"{parts[0]} {parts[1]}".capitalize()

    def aliases(self, term: str) -> list[str]:
        """Spellings people type: plural, -isation, unhyphenated, 'the ...', acronym, synonym."""
        rng = self.rng
        aliases = []
        last = term.split()[-1]
        if last.endswith("ization"):
            aliases.append(term.removesuffix("ization") + "isation")
            aliases.append(term.lower() + "s")
        elif not last.endswith("s"):
            aliases.append(term.lower() + "s")
        if "-" in term:
            aliases.append(term.replace("-", " ").lower())
            aliases.append(term.replace("-", "").lower())
        if rng.random() < 0.1:
            aliases.append(f"the {term.lower()}")
        if len(term.split()) > 1 and rng.random() < 0.3:
            aliases.append("".join(w[0] for w in words(term)).upper())
        if rng.random() < 0.4:
            aliases.append(self.fresh_term().lower())
        return aliases
