"""How the end-to-end benchmark judges a callback: only the expected answer is timed."""

from __future__ import annotations

import pytest

from bench.e2e_cases import Case
from bench.e2e_measure import _outcome
from bot.sandbox.records import InteractionRecord, Notifier
from bot.sandbox.world import World


@pytest.mark.parametrize(
    ("responses", "errors", "outcome"),
    [
        ([], [{"status": 404, "code": 10062, "message": "Unknown interaction"}], "404/10062"),
        ([{"type": 5, "data": {}}], [], "type 5"),  # deferred: the answer would come later
    ],
)
def test_a_callback_not_accepted_as_expected_counts_as_failed(
    responses: list[dict], errors: list[dict], outcome: str
) -> None:
    record = InteractionRecord(
        id=1,
        token="token",
        type=2,
        payload={"data": {"name": "define"}},
        created_at=0.0,
        name="define",
        world=World(),
        notifier=Notifier(),
        responses=responses,
        errors=errors,
    )
    answer = _outcome(Case("define", "define", [{}]), record)
    assert answer.startswith("failed")
    assert outcome in answer
