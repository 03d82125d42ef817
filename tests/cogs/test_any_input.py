"""Generated input at every command: the bot always answers in time, within limits, and stays up."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Sandbox

TEXT = st.text(max_size=300) | st.sampled_from(["@everyone", '"', "*", "NEAR(", "\u202e", "　"])
OPTIONS = {
    "define": ("term",),
    "search": ("query",),
    "expert": ("name", "topic"),
    "quote": ("speaker", "topic"),
    "publications": ("topic", "type"),
}


@st.composite
def invocations(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    command = draw(st.sampled_from(sorted(OPTIONS)))
    names = OPTIONS[command]
    required = {"define": 1, "search": 1, "expert": 1}.get(command, 0)
    chosen = names[:required] + tuple(n for n in names[required:] if draw(st.booleans()))
    return command, {name: draw(TEXT) for name in chosen}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(invocation=invocations())
async def test_every_command_answers_any_input(
    sandbox: Sandbox, invocation: tuple[str, dict[str, str]]
) -> None:
    command, options = invocation
    response = await sandbox.ask(command, options)
    assert response["type"] == 4
    assert response["data"]["flags"] & 64
    assert response["data"].get("content") or response["data"].get("embeds")
    assert sandbox.run.alive


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(command=st.sampled_from(["define", "expert", "quote", "publications"]), typed=TEXT)
async def test_autocomplete_answers_any_input(sandbox: Sandbox, command: str, typed: str) -> None:
    option = OPTIONS[command][0]
    choices = await sandbox.choices(command, option, typed)
    assert len(choices) <= 25
