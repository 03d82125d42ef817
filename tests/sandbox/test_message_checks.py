"""The checks of what the bot sends as messages (bot.sandbox.message_checks)."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import limits
from bot.sandbox.message_checks import (
    autocomplete_problems,
    is_empty_message,
    message_problems,
    modal_problems,
)
from tests.sandbox.conftest import only_problem


@given(st.integers(min_value=0, max_value=2100))
def test_content_limit(length: int) -> None:
    problems = message_problems({"content": "a" * length})
    assert bool(problems) == (length > limits.MESSAGE_CONTENT_MAX)


@pytest.mark.parametrize(
    ("embed", "path"),
    [
        ({"title": "t" * 257}, "embeds.0.title"),
        ({"description": "d" * 4097}, "embeds.0.description"),
        ({"fields": [{"name": "n", "value": "v"}] * 26}, "embeds.0.fields"),
        ({"fields": [{"name": "n" * 257, "value": "v"}]}, "embeds.0.fields.0.name"),
        ({"fields": [{"name": "n", "value": "v" * 1025}]}, "embeds.0.fields.0.value"),
        ({"fields": [{"name": "", "value": "v"}]}, "embeds.0.fields.0.name"),
        ({"footer": {"text": "f" * 2049}}, "embeds.0.footer.text"),
        ({"author": {"name": "a" * 257}}, "embeds.0.author.name"),
        ({"url": "not a url"}, "embeds.0.url"),
        ({"thumbnail": {"url": "https://x/" + "y" * 2048}}, "embeds.0.thumbnail.url"),
        ({"color": 0x1000000}, "embeds.0.color"),
    ],
)
def test_embed_limits(embed: dict[str, Any], path: str) -> None:
    only_problem(message_problems({"embeds": [embed]}), path)


def test_embed_limits_at_the_edge_are_fine() -> None:
    embed = discord.Embed(title="t" * 256, description="d" * 4096, url="https://example.org")
    embed.set_footer(text="f" * 800)  # 256 + 4096 + 800 + 256 + 25 * 20 = 5908
    embed.set_author(name="a" * 256)
    for _ in range(25):
        embed.add_field(name="n" * 10, value="v" * 10)
    assert message_problems({"content": "c" * 2000, "embeds": [embed.to_dict()]}) == []


def test_embed_total_is_across_all_embeds() -> None:
    embeds = [{"description": "d" * 3000}, {"description": "d" * 3000}]
    assert message_problems({"embeds": embeds}) == []
    embeds[1]["title"] = "t"
    assert "6000" in only_problem(message_problems({"embeds": embeds}), "embeds")


def test_too_many_embeds() -> None:
    only_problem(message_problems({"embeds": [{"title": "t"}] * 11}), "embeds")


def _row(*children: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(children)}


def _button(custom_id: str | None = "b", label: str | None = "Go", **extra: Any) -> dict:
    button = {"type": 2, "style": 1, "custom_id": custom_id, "label": label, **extra}
    return {k: v for k, v in button.items() if v is not None}


@pytest.mark.parametrize(
    ("components", "path"),
    [
        ([_row(_button(f"b{i}")) for i in range(6)], "components"),
        ([_row(*[_button(f"b{i}") for i in range(6)])], "components.0.components"),
        ([_row(_button("x" * 101))], "components.0.components.0.custom_id"),
        ([_row(_button(""))], "components.0.components.0.custom_id"),
        ([_row(_button(label="l" * 81))], "components.0.components.0.label"),
        ([_row(_button("same"), _button("same"))], "components.0.components.1.custom_id"),
        ([_row(_button(None, style=5))], "components.0.components.0.url"),
        ([_button()], "components.0.type"),
        ([_row()], "components.0.components"),
    ],
)
def test_component_limits(components: list[dict], path: str) -> None:
    only_problem(message_problems({"components": components}), path)


def test_select_limits() -> None:
    options = [{"label": f"o{i}", "value": f"v{i}"} for i in range(26)]
    select = {"type": 3, "custom_id": "s", "options": options, "placeholder": "p" * 151}
    problems = message_problems({"components": [_row(select)]})
    assert {p.split(": ")[0] for p in problems} == {
        "components.0.components.0.placeholder",
        "components.0.components.0.options",
    }


def test_real_discord_view_passes() -> None:
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Open", custom_id="open"))
    view.add_item(discord.ui.Button(label="Docs", url="https://example.org"))
    view.add_item(discord.ui.Select(custom_id="pick", options=[discord.SelectOption(label="a")]))
    assert message_problems({"content": "hi", "components": view.to_components()}) == []


def test_allowed_mentions_conflicts() -> None:
    payload = {"content": "x", "allowed_mentions": {"parse": ["users"], "users": ["1"]}}
    only_problem(message_problems(payload), "allowed_mentions.parse")
    assert message_problems({"content": "x", "allowed_mentions": {"parse": []}}) == []


def test_empty_message() -> None:
    assert is_empty_message({"content": "", "embeds": []})
    assert not is_empty_message({"embeds": [{"title": "t"}]})


@given(st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=120))
def test_autocomplete_limits(count: int, name_length: int) -> None:
    choices = [{"name": "n" * name_length, "value": "v"} for _ in range(count)]
    problems = autocomplete_problems({"choices": choices})
    too_many = count > limits.AUTOCOMPLETE_CHOICES_MAX
    bad_name = count > 0 and not 1 <= name_length <= limits.CHOICE_NAME_MAX
    assert bool(problems) == (too_many or bad_name)


def test_autocomplete_value_length() -> None:
    only_problem(
        autocomplete_problems({"choices": [{"name": "n", "value": "v" * 101}]}), "choices.0.value"
    )


def test_modal_limits() -> None:
    modal = discord.ui.Modal(title="t" * 45, custom_id="m")
    modal.add_item(discord.ui.TextInput(label="Note", custom_id="note"))
    assert modal_problems(modal.to_dict()) == []
    assert "title" in modal_problems({**modal.to_dict(), "title": "t" * 46})[0]
