"""Percentiles, latency summaries, ratios and markdown tables, as every benchmark reports them."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

Number = TypeVar("Number", int, float)


def percentile(samples: Sequence[Number], share: float) -> Number:
    """Nearest-rank percentile: the smallest sample with at least `share` of them at or below it."""
    if not samples:
        raise ValueError("no samples")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], not {share}")
    ordered = sorted(samples)
    return ordered[math.ceil(share * len(ordered)) - 1]


def latency_ms(samples: Sequence[float], *, per_ms: float = 1.0) -> dict[str, float]:
    """p50 (the median, between the middle two of an even count), p99 (nearest rank) and max,
    in ms; `per_ms` is how many of the samples' unit make a millisecond (1e6 for ns)."""
    return {
        "p50_ms": statistics.median(samples) / per_ms,
        "p99_ms": percentile(samples, 0.99) / per_ms,
        "max_ms": max(samples) / per_ms,
    }


def ratios(figures: Mapping[str, float], base: Mapping[str, float]) -> dict[str, float]:
    """The p50 and p99 of `figures` as multiples of those of `base`."""
    return {f"{key}_ratio": figures[f"{key}_ms"] / base[f"{key}_ms"] for key in ("p50", "p99")}


def times(ratio: float, spec: str = ".2f") -> str:
    """A ratio as a table shows it: `2.50x`."""
    return f"{ratio:{spec}}x"


def check(met: bool) -> str:
    """✓ or ✗, after a figure that has a target."""
    return "✓" if met else "✗"


def render_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A markdown table: the header, its rule, then a line per row."""
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join(f"| {' | '.join(cells)} |" for cells in lines)
