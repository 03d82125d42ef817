"""Autocomplete and "did you mean": labels by whole-label prefix, then by word prefix, then by
words one typo away."""

from __future__ import annotations

import asyncio
import difflib
import json
from collections import OrderedDict
from collections.abc import Collection, Iterable, Sequence

import aiosqlite

from bot.store.answers import Suggestion
from bot.store.database import fetch_all
from bot.store.normalize import words
from bot.store.scope import Scope, in_scope

SUGGESTION_KINDS = frozenset(
    {"term", "speaker", "quote_topic", "publication_topic", "publication_type"}
)
# The most entries one call returns (Discord shows 25 choices): the stored answers are this long.
MAX_SUGGESTIONS = 25
# One typed word up to this long is answered from `suggestion_prefixes`; a longer word selects
# few enough labels to rank at query time.
STORED_PREFIX = 3
MAX_TOKENS = 12  # typed words after these are ignored
# Stored answers kept in memory: every prefix of a large library, and little memory.
ANSWERS_KEPT = 20_000
# Typed words are corrected only between these lengths: a shorter one is one typo from too many
# words to help, and no label has a word as long as a longer one.
MIN_TYPO_WORD = 3
MAX_TYPO_WORD = 40
# "Did you mean" ranks by difflib this many labels a value wanted, those matching most words.
CLOSEST_SPREAD = 4
# Below this difflib ratio a label that matches only some typed words is not offered.
CLOSEST_CUTOFF = 0.6
_LAST = "\U0010ffff"  # sorts after every string that starts with a given prefix

# One row a value, with its best label: whole-label prefixes first, then shorter labels, then
# the value's own spelling (as `_stored_answers` orders them).
_RANKED_SQL = (
    "SELECT label, value, "
    "min((instr(key, ?) != 1) * 1000000000 + length(label) * 2 + (label != value)) AS rank "
    "FROM suggestion_words WHERE kind = ? AND word >= ? AND word < ?{others} AND {scope} "
    "GROUP BY value ORDER BY rank, label, value LIMIT ?"
)
# A word in more labels than this (such as "the") tells none of them apart: "did you mean"
# does not offer labels for it.
CLOSEST_WORD_LABELS = 100
# Labels holding those words: those matching most typed words, then those about as long.
_NEAR_SQL = (
    "WITH near (token, word) AS (VALUES {near}), "
    "telling (token, word) AS (SELECT token, word FROM near n WHERE NOT EXISTS "
    "(SELECT 1 FROM suggestion_words x WHERE x.kind = ? AND x.word = n.word LIMIT 1 OFFSET ?)) "
    "SELECT w.label, w.value, w.key, count(DISTINCT n.token) AS matched FROM telling n "
    "JOIN suggestion_words w ON w.kind = ? AND w.word = n.word AND {scope} "
    "GROUP BY w.label, w.value ORDER BY matched DESC, abs(length(w.key) - ?) LIMIT ?"
)


def suggestion_word_rows(
    suggestions: Iterable[tuple[str, str, str]], reading: int
) -> list[tuple[str, str, str, str, str, int]]:
    """The `suggestion_words` rows of one reading's (label, kind, value) triples."""
    rows = []
    for label, kind, value in suggestions:
        label_words = words(label)
        key = " ".join(label_words)
        rows += [(kind, word, label, value, key, reading) for word in set(label_words)]
    return rows


async def build_suggestions(connection: aiosqlite.Connection) -> None:
    """Fill the stored answers and the vocabulary from every reading's `suggestion_words`
    (inside the build's transaction; the ranking runs off the event loop)."""
    labels = await fetch_all(
        connection, "SELECT DISTINCT kind, label, value, key FROM suggestion_words"
    )
    prefix_rows, vocabulary_rows = await asyncio.to_thread(_answer_rows, labels)
    await connection.execute("DELETE FROM suggestion_prefixes")
    await connection.execute("DELETE FROM suggestion_vocabulary")
    await connection.executemany(
        "INSERT INTO suggestion_prefixes (kind, prefix, answer) VALUES (?, ?, ?)",
        prefix_rows,
    )
    await connection.executemany(
        "INSERT INTO suggestion_vocabulary (kind, word) VALUES (?, ?)",
        vocabulary_rows,
    )


def _answer_rows(
    labels: Iterable[Sequence[str]],
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The `suggestion_prefixes` and `suggestion_vocabulary` rows of (kind, label, value, key)."""
    by_kind: dict[str, dict[tuple[str, str], list[str]]] = {}
    for kind, label, value, key in labels:
        by_kind.setdefault(kind, {})[label, value] = key.split()
    prefix_rows, vocabulary_rows = [], []
    for kind, kind_labels in by_kind.items():
        prefix_rows += [
            (kind, prefix, _answer_json(answer))
            for prefix, answer in _stored_answers(kind_labels).items()
        ]
        vocabulary = {word for label_words in kind_labels.values() for word in label_words}
        vocabulary_rows += [(kind, word) for word in vocabulary]
    return prefix_rows, vocabulary_rows


async def add_suggestions(connection: aiosqlite.Connection, readings: list[int]) -> None:
    """Merge the labels of readings just added (rows in `readings`) into the stored answers
    and the vocabulary (inside the build's transaction). An answer is the best
    MAX_SUGGESTIONS of its labels, and labels added can only push others out, so ranking the
    labels of the answers stored with those added gives the answers a full rebuild would."""
    marks = ", ".join("?" for _ in readings)
    added = await fetch_all(
        connection,
        f"SELECT DISTINCT kind, label, value, key FROM suggestion_words WHERE reading IN ({marks})",
        readings,
    )
    by_kind: dict[str, dict[tuple[str, str], list[str]]] = {}
    for kind, label, value, key in added:
        by_kind.setdefault(kind, {})[label, value] = key.split()
    for kind, labels in by_kind.items():
        prefixes = {""} | {
            word[:length]
            for label_words in labels.values()
            for word in label_words
            for length in range(1, STORED_PREFIX + 1)
        }
        candidates = dict(labels)
        for prefix, answer in await fetch_all(
            connection, "SELECT prefix, answer FROM suggestion_prefixes WHERE kind = ?", (kind,)
        ):
            if prefix in prefixes:
                for label, value in json.loads(answer):
                    candidates.setdefault((label, value), words(label))
        answers = _stored_answers(candidates)
        await connection.executemany(
            "INSERT OR REPLACE INTO suggestion_prefixes (kind, prefix, answer) VALUES (?, ?, ?)",
            [(kind, prefix, _answer_json(answers[prefix])) for prefix in prefixes],
        )
        await connection.executemany(
            "INSERT OR IGNORE INTO suggestion_vocabulary (kind, word) VALUES (?, ?)",
            [(kind, word) for word in {w for label_words in labels.values() for w in label_words}],
        )


def _answer_json(answer: dict[str, str]) -> str:
    """A stored answer (value to label, in order) as `suggestion_prefixes` keeps it."""
    return json.dumps([[label, value] for value, label in answer.items()])


def _stored_answers(labels: dict[tuple[str, str], list[str]]) -> dict[str, dict[str, str]]:
    """Value to label, in order, for empty input ('': values alphabetically) and for each prefix
    of 1-3 letters of a word, ranked as `_RANKED_SQL` ranks."""
    answers = {"": {value: value for value in sorted({v for _, v in labels})[:MAX_SUGGESTIONS]}}
    # Shorter labels first, then the value's own spelling.
    ordered = sorted(
        (len(label), label != value, label, value, label_words)
        for (label, value), label_words in labels.items()
    )
    # Labels whose first word starts with the prefix, then labels with another word that does.
    for first in (True, False):
        for _, _, label, value, label_words in ordered:
            for word in label_words[:1] if first else label_words[1:]:
                # Every value offered to a prefix is offered to its shorter prefixes too: once
                # one is full, so are they.
                for length in range(STORED_PREFIX, 0, -1):
                    found = answers.setdefault(word[:length], {})
                    if len(found) == MAX_SUGGESTIONS:
                        break
                    found.setdefault(value, label)
    return answers


def one_typo_away(typed: str, alphabet: Collection[str]) -> set[str]:
    """Every word made from `typed` by dropping, adding or changing one letter (from
    `alphabet`) or swapping two neighbours, and `typed` itself."""
    splits = [(typed[:cut], typed[cut:]) for cut in range(len(typed) + 1)]
    found = {typed}
    for start, end in splits:
        found.update(start + letter + end for letter in alphabet)
        if end:
            found.add(start + end[1:])
            found.update(start + letter + end[1:] for letter in alphabet)
        if len(end) > 1:
            found.add(start + end[1] + end[0] + end[2:])
    return found


class Suggestions:
    """What autocomplete offers for each kind of option."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        self._answers: OrderedDict[tuple[str, str], list[Suggestion]] = OrderedDict()
        self._vocabularies: dict[str, tuple[frozenset[str], str]] = {}

    async def _stored_answer(self, kind: str, prefix: str) -> list[Suggestion]:
        """The stored answer for empty input or a 1-3 letter prefix, kept in memory once read
        (the content does not change while the store is open), the least recent dropped."""
        answer = self._answers.get((kind, prefix))
        if answer is None:
            rows = await fetch_all(
                self.connection,
                "SELECT answer FROM suggestion_prefixes WHERE kind = ? AND prefix = ?",
                (kind, prefix),
            )
            pairs = json.loads(rows[0]["answer"]) if rows else []
            answer = [Suggestion(label, value) for label, value in pairs]
            self._answers[kind, prefix] = answer
            if len(self._answers) > ANSWERS_KEPT:
                self._answers.popitem(last=False)
        else:
            self._answers.move_to_end((kind, prefix))
        return answer

    async def suggest(
        self, kind: str, text: str, limit: int = 25, scope: Scope = None
    ) -> list[Suggestion]:
        """Autocomplete from the readings in `scope`, one entry per value: labels starting with
        the text, then labels with a word starting with each typed word; shorter labels first."""
        if kind not in SUGGESTION_KINDS:
            raise ValueError(f"unknown suggestion kind {kind!r}")
        if limit > MAX_SUGGESTIONS:
            raise ValueError(f"at most {MAX_SUGGESTIONS} suggestions, not {limit}")
        tokens = words(text)[:MAX_TOKENS]
        if not tokens and scope is not None:
            rows = await fetch_all(
                self.connection,
                "SELECT DISTINCT value FROM suggestion_words WHERE kind = ? AND "
                f"{in_scope('reading', scope)} ORDER BY value LIMIT ?",
                (kind, limit),
            )
            return [Suggestion(row[0], row[0]) for row in rows]
        if scope is None and len(tokens) <= 1 and len("".join(tokens)) <= STORED_PREFIX:
            return (await self._stored_answer(kind, "".join(tokens)))[:limit]
        # The longest typed word selects the fewest labels; each other word must start one.
        others = sorted(tokens, key=len)
        driver = others.pop()
        rows = await fetch_all(
            self.connection,
            _RANKED_SQL.format(
                others=" AND instr(' ' || key, ?)" * len(others), scope=in_scope("reading", scope)
            ),
            (
                " ".join(tokens),
                kind,
                driver,
                driver + _LAST,
                *(" " + token for token in others),
                limit,
            ),
        )
        return [Suggestion(row["label"], row["value"]) for row in rows]

    async def closest(self, kind: str, text: str, limit: int = 5, scope: Scope = None) -> list[str]:
        """The nearest known values in `scope` for a miss: word prefixes first, then labels with
        words one typo (a letter dropped, added or changed, two swapped) from the typed words."""
        found = [s.value for s in await self.suggest(kind, text, limit, scope)]
        tokens = [
            token
            for token in words(text)[:MAX_TOKENS]
            if MIN_TYPO_WORD <= len(token) <= MAX_TYPO_WORD
        ]
        if found or not tokens:
            return found
        near = await self._near_words(kind, tokens)
        if not near:
            return []
        wanted = " ".join(tokens)
        rows = await fetch_all(
            self.connection,
            _NEAR_SQL.format(
                near=", ".join("(?, ?)" for _ in near), scope=in_scope("w.reading", scope)
            ),
            (
                *(v for pair in near for v in pair),
                kind,
                CLOSEST_WORD_LABELS,
                kind,
                len(wanted),
                limit * CLOSEST_SPREAD,
            ),
        )
        matcher = difflib.SequenceMatcher(b=wanted)
        scored = []
        for row in rows:
            matcher.set_seq1(row["key"])
            ratio = matcher.ratio()
            if row["matched"] == len(tokens) or ratio >= CLOSEST_CUTOFF:
                scored.append((-row["matched"], -ratio, len(row["label"]), row["value"]))
        return list(dict.fromkeys(value for *_, value in sorted(scored)))[:limit]

    async def _near_words(self, kind: str, tokens: list[str]) -> list[tuple[int, str]]:
        """(index of the typed word, known word) for the known words one typo from each."""
        vocabulary, alphabet = await self._vocabulary(kind)
        return [
            (index, word)
            for index, token in enumerate(tokens)
            for word in sorted(one_typo_away(token, alphabet) & vocabulary)
        ]

    async def _vocabulary(self, kind: str) -> tuple[frozenset[str], str]:
        """The words of one kind's labels and the letters they use, read once: the content does
        not change while the store is open."""
        known = self._vocabularies.get(kind)
        if known is None:
            rows = await fetch_all(
                self.connection, "SELECT word FROM suggestion_vocabulary WHERE kind = ?", (kind,)
            )
            vocabulary = frozenset(row[0] for row in rows)
            letters = "".join(sorted(set().union(*vocabulary)))
            known = self._vocabularies[kind] = (vocabulary, letters)
        return known
