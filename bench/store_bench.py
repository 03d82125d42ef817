"""Benchmark of the store on synthetic libraries of growing size.

    python -m bench.store_bench [--sizes 1000,10000,100000] [--runs N] [--calls N] [--json PATH]

For each size (a number of quotes) it writes a synthetic library (`bench.synthetic`) into a
temporary folder, then measures, each phase in a fresh Python process so that its peak RSS is
its own:

* cold load: `Store.open` on a new database (hash, load + validate, build SQLite and FTS);
* warm start: `Store.open` again with the content unchanged; the database size on disk;
* in-process calls, p50/p99 over `--calls` calls each (after a short warm-up): `define` (exact
  term, variant spelling, a miss that takes the did-you-mean path), `suggest` (terms after 0-3
  typed letters and a word prefix, speakers), `expert` by surname, `random_quote` on a topic,
  `publications` on a topic, and `search` (a common word: the five words in most passages, about
  99% of them; a frequent word, in 2-20% of passages; a rare word, in 2-10 passages; two words
  from one passage; hostile strings);
* the naive baselines a simpler bot would use, on the same probes in the same process, as
  ratios to the store call they stand beside: a `LIKE '%word%'` scan of every document ranked
  by occurrences, for search; a linear scan of every label in memory (substring, then difflib's
  close matches), for autocomplete;
* peak RSS (`resource.getrusage`) of the cold-load process and of the serving process.

It prints a markdown table with the issue's targets (at 100k quotes on a 2-core machine) and,
with `--json`, writes every figure. `--profile DIR` also writes cProfile files of one cold load
and of each call (timed separately, so the profiler does not distort the figures).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import difflib
import json
import math
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.machine import describe
from bench.synthetic import write_library
from bot.store.errors import NotFoundError, UserError
from bot.store.loader import load_library
from bot.store.models import Library
from bot.store.normalize import term_key, words
from bot.store.search import MAX_TOKENS, SEARCH_LIMIT
from bot.store import Store

DEFAULT_SIZES = (1000, 10_000, 100_000)
ROOT = Path(__file__).resolve().parent.parent
WARMUP_CALLS = 10
WARMUP_BUDGET_S = 2.0
# A call so slow that `calls` of them would take longer than this stops being repeated once it
# has run MIN_CALLS times; the figures give the number of calls made.
CALL_BUDGET_S = 15.0
MIN_CALLS = 10

# The targets, at 100k quotes on this 2-core machine.
TARGETS = {
    "lookup_p99_ms": 5.0,
    "search_p99_ms": 5.0,
    "autocomplete_p99_ms": 2.0,
    "warm_start_s": 0.5,
    "cold_load_s": 10.0,
    "rss_mb": 200.0,
    "naive_ratio": 10.0,
}
KIND_TARGET = {
    "lookup": "lookup_p99_ms",
    "search": "search_p99_ms",
    "autocomplete": "autocomplete_p99_ms",
}

HOSTILE = (
    '"NEAR( *',
    "NEAR(market state, 2)",
    'market" OR "',
    "* OR *",
    "title:market",
    "^market AND NOT (state",
    "'; DROP TABLE quotes; --",
    "Ünïcödé “市场” ☃ \U0001d510\U0001d51e\U0001d52f\U0001d528\U0001d522\U0001d531 ﬁnance",
    "\u200b\ufeff\u0301",
    "é" * 300,
    "—",
    "state* -market +trade",
)


# ---------------------------------------------------------------------------- probes


def make_probes(library: Library, seed: int = 0, count: int = 200) -> dict[str, list]:
    """What the calls ask for, drawn from the library as a reader would type it."""
    rng = random.Random(seed)
    concepts = [c for r in library.readings for c in r.concepts]
    speakers = [s for r in library.readings for s in r.speakers]
    quotes = [q for r in library.readings for q in r.quotes]
    publications = [p for r in library.readings for p in r.publications]
    keys = {term_key(t) for c in concepts for t in (c.term, *c.aliases)}

    def sample(items: list, k: int = count) -> list:
        return [rng.choice(items) for _ in range(k)]

    terms = [c.term for c in sample(concepts)]
    variants = [v for v in (_variant(t) for t in terms) if v]
    misses = [m for m in (_typo(t, rng) for t in terms) if m and term_key(m) not in keys]
    first_words = [words(t)[0] for t in terms]
    term_words = [words(t) for t in terms if len(words(t)) > 1]
    surnames = [words(s.name)[-1] for s in sample(speakers)]
    probes: dict[str, list] = {
        "terms": terms,
        "variants": variants,
        "misses": misses,
        "letters_1": [w[:1] for w in first_words],
        "letters_2": [w[:2] for w in first_words],
        "letters_3": [w[:3] for w in first_words],
        "word_prefixes": [f"{w[0]} {w[1][:3]}" for w in term_words],
        "speaker_prefixes": [s[: 1 + i % 3] for i, s in enumerate(surnames)],
        "surnames": surnames,
        "quote_topics": [rng.choice(q.topics) for q in sample(quotes) if q.topics],
        "publication_topics": [rng.choice(p.topics) for p in sample(publications) if p.topics],
    }
    probes.update(_word_probes(library, rng, count))
    probes["hostile"] = list(HOSTILE)
    probes["labels"] = {
        "term": sorted({t for c in concepts for t in (c.term, *c.aliases)}),
        "speaker": sorted({s.name for s in speakers}),
        "quote_topic": sorted({t for q in quotes for t in q.topics}),
    }
    return probes


def _variant(term: str) -> str | None:
    """Another spelling of `term` that folds to the same key: -isation, plural, hyphens."""
    parts = term.split()
    if parts[-1].endswith("ization"):
        parts[-1] = parts[-1].removesuffix("ization") + "isations"
    elif not parts[-1].endswith("s"):
        parts[-1] += "s"
    variant = "-".join(parts).upper() if len(parts) > 1 else parts[0].lower()
    return variant if term_key(variant) == term_key(term) and variant != term else None


def _typo(term: str, rng: random.Random) -> str | None:
    """`term` with a letter dropped from the middle of its first long word (no prefix matches)."""
    parts = term.split()
    for index, part in enumerate(parts):
        if len(part) >= 5:
            cut = rng.randrange(2, len(part) - 1)
            parts[index] = part[:cut] + part[cut + 1 :]
            return " ".join(parts)
    return None


def _word_probes(library: Library, rng: random.Random, count: int) -> dict[str, list]:
    """Common, rare and paired words, chosen by their document frequency in the passages."""
    token = re.compile(r"[a-z]+")
    frequency: Counter[str] = Counter()
    passages = [p.text for r in library.readings for p in r.passages]
    for text in passages:
        frequency.update(set(token.findall(text.lower())))
    total = len(passages)
    by_count = frequency.most_common()
    common = [w for w, _ in by_count[:5]]
    frequent = [w for w, n in by_count if 0.02 * total <= n <= 0.2 * total] or common
    rare = [w for w, n in by_count if 2 <= n <= 10] or [w for w, _ in by_count[-50:]]
    middle = {w for w, n in by_count if 0.001 * total <= n <= 0.05 * total and len(w) > 3}
    pairs = []
    for text in rng.sample(passages, min(len(passages), count * 5)):
        found = [w for w in dict.fromkeys(token.findall(text.lower())) if w in middle]
        if len(found) >= 2:
            pairs.append(" ".join(rng.sample(found, 2)))
        if len(pairs) >= count:
            break
    return {
        "common_words": common,
        "common_share": [frequency[w] / total for w in common],
        "frequent_words": frequent,
        "frequent_share": [frequency[w] / total for w in frequent],
        "rare_words": [rng.choice(rare) for _ in range(count)],
        "word_pairs": pairs or common[:2],
    }


# ---------------------------------------------------------------------------- calls


def operations(
    store: Store, probes: dict[str, list], seed: int = 0
) -> list[tuple[str, str, Callable[[Any], Awaitable[Any]], list]]:
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


def _suggest(store: Store, kind: str) -> Callable[[str], Awaitable[Any]]:
    return lambda text: store.suggest(kind, text)


def baselines(
    store: Store, probes: dict[str, list]
) -> list[tuple[str, str, Callable[[Any], Awaitable[Any]], list]]:
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


def _like_search(store: Store) -> Callable[[str], Awaitable[Any]]:
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


def _difflib_suggest(labels: list[str]) -> Callable[[str], Awaitable[Any]]:
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


async def _call(call: Callable[[Any], Awaitable[Any]], argument: Any) -> str:
    try:
        result = await call(argument)
    except NotFoundError:
        return "not found"
    except UserError:
        return "refused"
    return "answered" if result else "empty"


def percentile(samples: list[int], share: float) -> int:
    """Nearest-rank percentile of `samples`."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


async def time_calls(
    call: Callable[[Any], Awaitable[Any]], arguments: list, calls: int
) -> dict[str, Any]:
    """p50/p99/max in ms of `calls` calls cycling through `arguments`, and their outcomes."""
    warm_until = time.perf_counter_ns() + int(WARMUP_BUDGET_S * 1e9)
    for index in range(min(WARMUP_CALLS, calls)):
        await _call(call, arguments[index % len(arguments)])
        if time.perf_counter_ns() > warm_until:
            break
    samples: list[int] = []
    outcomes: Counter[str] = Counter()
    deadline = time.perf_counter_ns() + int(CALL_BUDGET_S * 1e9)
    for index in range(calls):
        argument = arguments[index % len(arguments)]
        start = time.perf_counter_ns()
        outcome = await _call(call, argument)
        samples.append(time.perf_counter_ns() - start)
        outcomes[outcome] += 1
        if index + 1 >= MIN_CALLS and time.perf_counter_ns() > deadline:
            break
    return {
        "n": len(samples),
        "p50_ms": statistics.median(samples) / 1e6,
        "p99_ms": percentile(samples, 0.99) / 1e6,
        "max_ms": max(samples) / 1e6,
        "outcomes": dict(outcomes),
    }


# ---------------------------------------------------------------------------- phases


def _rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _database_bytes(path: Path) -> int:
    return sum(
        Path(f"{path}{suffix}").stat().st_size
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )


async def cold_phase(
    data_dir: Path, database: Path, runs: int, profile: Path | None = None
) -> dict[str, Any]:
    """Open a new database `runs` times; every run loads, validates and builds from scratch."""
    baseline = _rss_mb()
    seconds = []
    for _ in range(runs):
        _remove_database(database)
        start = time.perf_counter_ns()
        store = await Store.open(database, data_dir)
        seconds.append((time.perf_counter_ns() - start) / 1e9)
        await store.close()
    peak = _rss_mb()
    if profile:
        _remove_database(database)
        profiler = cProfile.Profile()
        profiler.enable()
        store = await Store.open(database, data_dir)
        profiler.disable()
        await store.close()
        profiler.dump_stats(profile / "cold_load.prof")
    return {
        "cold_load_s": statistics.median(seconds),
        "cold_load_runs_s": seconds,
        "db_bytes": _database_bytes(database),
        "rss_baseline_mb": baseline,
        "rss_cold_peak_mb": peak,
    }


async def serve_phase(
    data_dir: Path,
    database: Path,
    probes: dict[str, list],
    runs: int,
    calls: int,
    seed: int = 0,
    profile: Path | None = None,
) -> dict[str, Any]:
    """Warm starts on the built database, then every call timed in one open store."""
    baseline = _rss_mb()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        store = await Store.open(database, data_dir)
        seconds.append((time.perf_counter_ns() - start) / 1e9)
        await store.close()
    results: dict[str, Any] = {}
    naive: dict[str, Any] = {}
    async with await Store.open(database, data_dir) as store:
        for name, kind, call, arguments in operations(store, probes, seed):
            if not arguments:
                raise ValueError(f"no probes for {name!r}")
            results[name] = {"kind": kind, **await time_calls(call, arguments, calls)}
        peak = _rss_mb()
        for name, beside, call, arguments in baselines(store, probes):
            figures = await time_calls(call, arguments, calls)
            ours = results[beside]
            naive[name] = {
                "beside": beside,
                **figures,
                "p50_ratio": figures["p50_ms"] / ours["p50_ms"],
                "p99_ratio": figures["p99_ms"] / ours["p99_ms"],
            }
        if profile:
            for name, _, call, arguments in operations(store, probes, seed):
                profiler = cProfile.Profile()
                until = time.perf_counter_ns() + int(WARMUP_BUDGET_S * 5e9)
                profiler.enable()
                for index in range(min(calls, 100)):
                    await _call(call, arguments[index % len(arguments)])
                    if time.perf_counter_ns() > until:
                        break
                profiler.disable()
                profiler.dump_stats(profile / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.prof")
    return {
        "warm_start_s": statistics.median(seconds),
        "warm_start_runs_s": seconds,
        "rss_serve_baseline_mb": baseline,
        "rss_serve_peak_mb": peak,
        "calls": results,
        "baselines": naive,
    }


def _run_phase(arguments: list[str]) -> dict[str, Any]:
    """Run one phase in a fresh interpreter (so its ru_maxrss is its own) and return its JSON."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), environment.get("PYTHONPATH", "")) if p
    )
    done = subprocess.run(
        [sys.executable, "-m", "bench.store_bench", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"phase {arguments[:2]} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def prepare_phase(folder: Path, quotes: int, seed: int = 0) -> dict[str, Any]:
    """Write the library into `folder`/data and the probes into `folder`/probes.json."""
    start = time.perf_counter_ns()
    data_dir = write_library(folder / "data", quotes, seed)
    generate_s = (time.perf_counter_ns() - start) / 1e9
    library = load_library(data_dir)
    probes = make_probes(library, seed)
    (folder / "probes.json").write_text(json.dumps(probes), encoding="utf-8")
    return {
        "quotes": quotes,
        "generate_s": generate_s,
        "data_bytes": sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file()),
        **_library_counts(library),
        "common_word_share": statistics.mean(probes["common_share"]),
        "frequent_word_share": statistics.mean(probes["frequent_share"]),
    }


def run_size(
    quotes: int,
    *,
    runs: int = 3,
    calls: int = 500,
    seed: int = 0,
    workdir: Path | None = None,
    isolate: bool = True,
    profile: Path | None = None,
) -> dict[str, Any]:
    """Every figure for a library of `quotes` quotes.

    `isolate` runs each phase (prepare, cold, serve) in a child process and keeps this one
    small: a child's ru_maxrss starts from its parent's peak, since exec keeps the high-water
    mark. Without it the phases run here and the RSS figures are this process's peak so far.
    """
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix=f"store-bench-{quotes}-", dir=workdir) as tmp:
        folder = Path(tmp)
        data_dir, database = folder / "data", folder / "store.db"
        probe_file = folder / "probes.json"
        if profile:
            profile.mkdir(parents=True, exist_ok=True)
        if isolate:
            prepare = ["--phase", "prepare", "--folder", str(folder), "--sizes", str(quotes)]
            figures = _run_phase([*prepare, "--seed", str(seed)])
            common = ["--data", str(data_dir), "--db", str(database), "--runs", str(runs)]
            common += ["--seed", str(seed)] + (["--profile", str(profile)] if profile else [])
            figures.update(_run_phase(["--phase", "cold", *common]))
            serve = ["--phase", "serve", *common, "--calls", str(calls)]
            figures.update(_run_phase([*serve, "--probes", str(probe_file)]))
        else:
            figures = prepare_phase(folder, quotes, seed)
            probes = json.loads(probe_file.read_text(encoding="utf-8"))
            figures.update(asyncio.run(cold_phase(data_dir, database, runs, profile)))
            figures.update(
                asyncio.run(serve_phase(data_dir, database, probes, runs, calls, seed, profile))
            )
    # Other work on the machine inflates every figure: the 1-minute load before and after.
    figures["load_average"] = [load_before, os.getloadavg()[0]]
    return figures


def _library_counts(library: Library) -> dict[str, int]:
    readings = library.readings
    return {
        "readings": len(readings),
        "passages": sum(len(r.passages) for r in readings),
        "speakers": sum(len(r.speakers) for r in readings),
        "concepts": sum(len(r.concepts) for r in readings),
        "concept_spellings": sum(1 + len(c.aliases) for r in readings for c in r.concepts),
        "publications": sum(len(r.publications) for r in readings),
    }


# ---------------------------------------------------------------------------- report


def _verdict(value: float, limit: float | None) -> str:
    if limit is None:
        return ""
    return " ✓" if value < limit else " ✗"


def markdown_table(results: list[dict[str, Any]]) -> str:
    """One row per figure, one column per size; ✓/✗ against the target where there is one."""
    sizes = [f"{r['quotes']:,} quotes" for r in results]
    lines = [
        f"| figure | target | {' | '.join(sizes)} |",
        f"| --- | --- |{' --- |' * len(results)}",
    ]

    def row(label: str, target: str, cells: list[str]) -> None:
        lines.append(f"| {label} | {target} | {' | '.join(cells)} |")

    row(
        "readings / passages / concepts",
        "",
        [f"{r['readings']} / {r['passages']:,} / {r['concepts']:,}" for r in results],
    )
    row("generate (s)", "", [f"{r['generate_s']:.2f}" for r in results])
    row(
        "machine load (1-min avg, before / after)",
        "",
        [" / ".join(f"{v:.2f}" for v in r["load_average"]) for r in results],
    )
    scalar = [
        ("cold load (s, median)", "cold_load_s", "< 10 s", TARGETS["cold_load_s"], "{:.2f}"),
        ("warm start (s, median)", "warm_start_s", "< 0.5 s", TARGETS["warm_start_s"], "{:.3f}"),
        ("database on disk (MB)", "db_bytes", "", None, "{:.1f}"),
        ("peak RSS, cold load (MB)", "rss_cold_peak_mb", "< 200 MB", TARGETS["rss_mb"], "{:.0f}"),
        ("peak RSS, serving (MB)", "rss_serve_peak_mb", "< 200 MB", TARGETS["rss_mb"], "{:.0f}"),
    ]
    for label, key, target, limit, form in scalar:
        values = [r[key] / 1e6 if key == "db_bytes" else r[key] for r in results]
        row(label, target, [form.format(v) + _verdict(v, limit) for v in values])
    for name, first in results[0]["calls"].items():
        limit = TARGETS[KIND_TARGET[first["kind"]]]
        cells = []
        for result in results:
            call = result["calls"][name]
            cells.append(
                f"{call['p50_ms']:.2f} / {call['p99_ms']:.2f}{_verdict(call['p99_ms'], limit)}"
            )
        row(f"{name} (p50 / p99 ms)", f"p99 < {limit:g} ms", cells)
    for name in results[0]["baselines"]:
        cells = []
        for result in results:
            naive = result["baselines"][name]
            mark = " ✓" if naive["p99_ratio"] >= TARGETS["naive_ratio"] else " ✗"
            cells.append(
                f"{naive['p50_ms']:.2f} / {naive['p99_ms']:.2f} ms: {naive['p99_ratio']:.1f}x{mark}"
            )
        target = f"p99 ≥ {TARGETS['naive_ratio']:g}x ours"
        row(f"{name} (p50 / p99, p99 ÷ ours)", target, cells)
    return "\n".join(lines)


# ---------------------------------------------------------------------------- command line


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.store_bench", description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--runs", type=int, default=3, help="cold loads and warm starts a size")
    parser.add_argument("--calls", type=int, default=500, help="timed calls of each kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--profile", type=Path, help="write cProfile files under this folder")
    parser.add_argument("--workdir", type=Path, help="where the temporary libraries go")
    parser.add_argument("--in-process", action="store_true", help="no child processes")
    # A phase run in a child process (see _run_phase).
    parser.add_argument("--phase", choices=("prepare", "cold", "serve"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--probes", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.phase == "prepare":
        print(json.dumps(prepare_phase(args.folder, int(args.sizes), args.seed)))
        return 0
    if args.phase == "cold":
        print(json.dumps(asyncio.run(cold_phase(args.data, args.db, args.runs, args.profile))))
        return 0
    if args.phase == "serve":
        probes = json.loads(args.probes.read_text(encoding="utf-8"))
        figures = serve_phase(
            args.data, args.db, probes, args.runs, args.calls, args.seed, args.profile
        )
        print(json.dumps(asyncio.run(figures)))
        return 0
    started = describe()
    results = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        profile = args.profile / str(size) if args.profile else None
        print(f"benchmarking {size:,} quotes ...", file=sys.stderr, flush=True)
        results.append(
            run_size(
                size,
                runs=args.runs,
                calls=args.calls,
                seed=args.seed,
                workdir=args.workdir,
                isolate=not args.in_process,
                profile=profile,
            )
        )
    print(markdown_table(results))
    if args.json:
        report = {"environment": started, "targets": TARGETS, "results": results}
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
