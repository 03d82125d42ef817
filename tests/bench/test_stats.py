"""The benchmarks' percentiles, summaries, ratios and tables, on inputs worked out by hand."""

from __future__ import annotations

import pytest

from bench.stats import check, latency_ms, percentile, ratios, render_table, times


@pytest.mark.parametrize(
    ("share", "expected"),
    [(0.05, 15), (0.3, 20), (0.4, 20), (0.5, 35), (0.99, 50), (1.0, 50)],
)
def test_percentile_is_the_nearest_rank(share: float, expected: int) -> None:
    assert percentile([35, 20, 50, 15, 40], share) == expected


def test_p99_of_200_samples_is_the_198th() -> None:
    assert percentile(list(range(200, 0, -1)), 0.99) == 198
    assert percentile([7.5], 0.99) == 7.5


def test_percentile_refuses_no_samples_and_shares_outside_0_to_1() -> None:
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 0.5)
    for share in (0.0, 1.5):
        with pytest.raises(ValueError, match="share must be"):
            percentile([1], share)


def test_latency_in_ms_takes_the_median_between_the_middle_two() -> None:
    samples_ns = [4_000_000, 1_000_000, 3_000_000, 2_000_000]
    assert latency_ms(samples_ns, per_ms=1e6) == {"p50_ms": 2.5, "p99_ms": 4.0, "max_ms": 4.0}
    assert latency_ms([0.25, 0.5, 2.0]) == {"p50_ms": 0.5, "p99_ms": 2.0, "max_ms": 2.0}


def test_ratios_and_how_tables_show_them() -> None:
    figures = {"p50_ms": 3.0, "p99_ms": 9.0, "max_ms": 12.0}
    base = {"p50_ms": 1.5, "p99_ms": 3.0, "max_ms": 4.0}
    assert ratios(figures, base) == {"p50_ratio": 2.0, "p99_ratio": 3.0}
    assert times(2.0) == "2.00x"
    assert times(10.24, ".1f") == "10.2x"
    assert times(1.5, "g") == "1.5x"
    assert (check(True), check(False)) == ("✓", "✗")


def test_render_table() -> None:
    table = render_table(
        ["figure", "target", "1,000 quotes"],
        [["cold load (s)", "< 10 s", "0.24 ✓"], ["database on disk (MB)", "", "3.2"]],
    )
    assert table == (
        "| figure | target | 1,000 quotes |\n"
        "| --- | --- | --- |\n"
        "| cold load (s) | < 10 s | 0.24 ✓ |\n"
        "| database on disk (MB) |  | 3.2 |"
    )
