"""What the store benchmark asks for, drawn from the library as a reader would type it."""

from __future__ import annotations

import random
import re
from collections import Counter

from bot.store.models import Library
from bot.store.normalize import term_key, words

# Search strings a reader might paste: query syntax, SQL, odd Unicode, a very long word.
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
