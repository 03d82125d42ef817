"""The posting rates the scheduler benchmark reports: in windows, and the busiest second."""

from __future__ import annotations

from bench.scheduler_posting import _busiest_second, _rate_windows


def test_rates_in_windows_and_the_busiest_second() -> None:
    times = [0.0, 0.5, 0.9, 1.0, 1.4, 5.2, 9.9, 10.1]
    assert _rate_windows(times, width=5.0) == [1.0, 0.4]  # the partial window after 10 s is left
    assert _rate_windows([], width=5.0) == []
    assert _busiest_second(times) == 4  # 0.5, 0.9, 1.0, 1.4
