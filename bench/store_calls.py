"""The store calls the benchmark times, the naive baselines beside them, and the timing loop."""

from __future__ import annotations

import difflib
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from bench.stats import latency_ms
from bot.store import Store
from bot.store.errors import NotFoundError, UserError
from bot.store.normalize import words
from bot.store.search import MAX_TOKENS, SEARCH_LIMIT

WARMUP_CALLS = 10
WARMUP_BUDGET_S = 2.0
# A call so slow that `calls` of them would take longer than this stops being repeated once it
# has run MIN_CALLS times; the figures give the number of calls made.
CALL_BUDGET_S = 15.0
MIN_CALLS = 10

StoreCall = Callable[[Any], Awaitable[Any]]
# (name, kind or the store call it stands beside, call, the arguments it cycles through)
Timed = tuple[str, str, StoreCall, list]


def operations(store: Store, probes: dict[str, list], seed: int = 0) -> list[Timed]:
    """(name, kind, call, arguments) of every measured call; kind picks the target."""
    rng = random.Random(seed)
    return [
        ("define exact term", "lookup", store.define, probes["terms"]),
        ("define variant spelling", "lookup", store.define, probes["variants"]),
        ("define miss (did-you-mean)", "lookup", store.define, probes["misses"]),
        ("suggest term, empty", "autocomplete", lambda t: store.suggest("term", t), [""]),
        ("suggest term, 1 letter", "autocomplete", _suggest(store, "term"), probes["letters_1"]),
        ("suggest term, 2 letters", "autocomplete", _suggest(store, "term"), probes["letters_2"]),
        ("suggest term, 3 letters", "autocomplete", _suggest(store, "term"), probes["letters_3"]),
        (
            "suggest term, word + prefix",
            "autocomplete",
            _suggest(store, "term"),
            probes["word_prefixes"],
        ),
        (
            "suggest speaker, 1-3 letters",
            "autocomplete",
            _suggest(store, "speaker"),
            probes["speaker_prefixes"],
        ),
        (
            "suggest quote topic, 1-3 letters",
            "autocomplete",
            _suggest(store, "quote_topic"),
            [t[: 1 + i % 3] for i, t in enumerate(probes["quote_topics"])],
        ),
        ("expert by surname", "lookup", store.expert, probes["surnames"]),
        (
            "random quote on a topic",
            "lookup",
            lambda t: store.random_quote(topic=t, rng=rng),
            probes["quote_topics"],
        ),
        (
            "publications on a topic",
            "lookup",
            lambda t: store.publications(topic=t),
            probes["publication_topics"],
        ),
        ("search common word", "search", store.search, probes["common_words"]),
        ("search frequent word", "search", store.search, probes["frequent_words"]),
        ("search rare word", "search", store.search, probes["rare_words"]),
        ("search two words", "search", store.search, probes["word_pairs"]),
        ("search hostile string", "search", store.search, probes["hostile"]),
    ]


def _suggest(store: Store, kind: str) -> StoreCall:
    return lambda text: store.suggest(kind, text)


def baselines(store: Store, probes: dict[str, list]) -> list[Timed]:
    """(name, the store call it stands beside, call, arguments) of the naive baselines."""
    search = _like_search(store)
    labels = probes["labels"]
    return [
        (f"LIKE scan: {name.removeprefix('search ')}", name, search, probes[key])
        for name, key in (
            ("search common word", "common_words"),
            ("search frequent word", "frequent_words"),
            ("search rare word", "rare_words"),
            ("search two words", "word_pairs"),
        )
    ] + [
        (
            f"difflib scan: {name.removeprefix('suggest ')}",
            name,
            _difflib_suggest(labels[kind]),
            arguments,
        )
        for name, kind, arguments in (
            ("suggest term, 1 letter", "term", probes["letters_1"]),
            ("suggest term, 3 letters", "term", probes["letters_3"]),
            ("suggest term, word + prefix", "term", probes["word_prefixes"]),
            ("suggest speaker, 1-3 letters", "speaker", probes["speaker_prefixes"]),
        )
    ]


def _like_search(store: Store) -> StoreCall:
    """What a bot without a full-text index does: scan every document with LIKE for each word,
    and rank the matches by how often the words occur (a title counts as often as the text)."""

    async def search(query: str) -> list:
        tokens = words(query)[:MAX_TOKENS]
        where = " AND ".join("(c0 LIKE ? OR c1 LIKE ?)" for _ in tokens)
        occurrences = " + ".join(
            "length(c0 || ' ' || c1) - length(replace(lower(c0 || ' ' || c1), ?, ''))"
            for _ in tokens
        )
        rows = await store.connection.execute_fetchall(
            f"SELECT c2, c0, c1 FROM search_index_content WHERE {where} "
            f"ORDER BY {occurrences} DESC LIMIT ?",
            [*(f"%{t}%" for t in tokens for _ in range(2)), *tokens, SEARCH_LIMIT],
        )
        return list(rows)

    return search


def _difflib_suggest(labels: list[str]) -> StoreCall:
    """What a bot without an index does for autocomplete: every label in memory, those that
    contain the typed text first, then difflib's closest matches, 25 in all."""
    folded = {label.casefold(): label for label in labels}

    async def suggest(text: str) -> list[str]:
        typed = text.strip().casefold()
        found = [label for key, label in folded.items() if typed in key][:25]
        close = difflib.get_close_matches(typed, folded, n=25, cutoff=0.6)
        found += [folded[key] for key in close if folded[key] not in found]
        return found[:25]

    return suggest


async def try_call(call: StoreCall, argument: Any) -> str:
    """Make one call: whether it answered, came back empty, found nothing or was refused."""
    try:
        result = await call(argument)
    except NotFoundError:
        return "not found"
    except UserError:
        return "refused"
    return "answered" if result else "empty"


async def time_calls(call: StoreCall, arguments: list, calls: int) -> dict[str, Any]:
    """p50/p99/max in ms of `calls` calls cycling through `arguments`, and their outcomes."""
    warm_until = time.perf_counter_ns() + int(WARMUP_BUDGET_S * 1e9)
    for index in range(min(WARMUP_CALLS, calls)):
        await try_call(call, arguments[index % len(arguments)])
        if time.perf_counter_ns() > warm_until:
            break
    samples: list[int] = []
    outcomes: Counter[str] = Counter()
    deadline = time.perf_counter_ns() + int(CALL_BUDGET_S * 1e9)
    for index in range(calls):
        argument = arguments[index % len(arguments)]
        start = time.perf_counter_ns()
        outcome = await try_call(call, argument)
        samples.append(time.perf_counter_ns() - start)
        outcomes[outcome] += 1
        if index + 1 >= MIN_CALLS and time.perf_counter_ns() > deadline:
            break
    return {
        "n": len(samples),
        **latency_ms(samples, per_ms=1e6),
        "outcomes": dict(outcomes),
    }
