"""The checks of application command definitions (bot.sandbox.command_checks)."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from discord import app_commands
from hypothesis import given
from hypothesis import strategies as st

from bot.sandbox.command_checks import command_problems, name_problem
from tests.sandbox.conftest import only_problem


@given(st.text(alphabet="abcXYZ-_'0 !é", min_size=0, max_size=34))
def test_name_rule(name: str) -> None:
    ok = 1 <= len(name) <= 32 and all(c not in " !" for c in name) and name == name.lower()
    assert (name_problem(name) is None) == ok


def _command(**extra: Any) -> dict[str, Any]:
    return {"name": "echo", "description": "Repeat", "type": 1, "options": [], **extra}


def _option(name: str = "text", **extra: Any) -> dict[str, Any]:
    return {"type": 3, "name": name, "description": "What", "required": True, **extra}


@pytest.mark.parametrize(
    ("command", "path"),
    [
        (_command(name="Echo"), "0.name"),
        (_command(name="has space"), "0.name"),
        (_command(description=""), "0.description"),
        (_command(description="d" * 101), "0.description"),
        (_command(options=[_option(f"o{i}") for i in range(26)]), "0.options"),
        (_command(options=[_option(description="")]), "0.options.0.description"),
        (
            _command(options=[_option(choices=[{"name": "a", "value": "a"}] * 26)]),
            "0.options.0.choices",
        ),
        (
            _command(options=[_option(autocomplete=True, choices=[{"name": "a", "value": "a"}])]),
            "0.options.0.autocomplete",
        ),
        (_command(options=[_option(max_length=6001)]), "0.options.0.max_length"),
        (_command(options=[_option("a", required=False), _option("b")]), "0.options.1.required"),
        (_command(options=[_option("a"), _option("a")]), "0.options"),
        (_command(default_member_permissions="admin"), "0.default_member_permissions"),
    ],
)
def test_command_limits(command: dict[str, Any], path: str) -> None:
    problem = only_problem(command_problems([command]), path)
    assert "echo" in problem or "Echo" in problem or "has space" in problem


def test_command_total_characters() -> None:
    choices = [{"name": "n" * 100, "value": "v" * 100} for _ in range(25)]
    options = [_option(f"o{i}", description="d" * 100, choices=choices) for i in range(2)]
    problem = only_problem(command_problems([_command(options=options)]), "0")
    assert "8000" in problem


def test_command_list_limits() -> None:
    problems = command_problems([_command(), _command()])
    assert problems == ["commands: duplicate command names ['echo'] (type 1)"]
    many = [_command(name=f"c{i}") for i in range(101)]
    assert "at most 100" in only_problem(command_problems(many), "commands")
    menus = [{"name": f"Menu {i}", "type": 3} for i in range(6)]
    assert "at most 5" in only_problem(command_problems(menus), "commands")


def test_subcommand_structure() -> None:
    sub = {"type": 1, "name": "start", "description": "Start", "options": [_option()]}
    group = {"type": 2, "name": "session", "description": "Sessions", "options": [sub]}
    assert command_problems([_command(options=[group])]) == []
    mixed = _command(options=[sub, _option("x")])
    assert any("mixed" in p for p in command_problems([mixed]))
    deep = {**sub, "options": [sub]}
    assert any("nested" in p for p in command_problems([_command(options=[deep])]))


def test_real_command_tree_passes() -> None:
    client = discord.Client(intents=discord.Intents.none())
    tree = app_commands.CommandTree(client)

    @tree.command(description="Find a passage")
    @app_commands.describe(query="Words to look for", limit="How many")
    @app_commands.choices(mode=[app_commands.Choice(name="exact", value="exact")])
    async def find(
        interaction: discord.Interaction, query: str, mode: str, limit: int = 5
    ) -> None: ...

    group = app_commands.Group(name="study", description="Study")
    group.command(name="start", description="Start")(find.callback)
    tree.add_command(group)

    @tree.context_menu(name="Save quote")
    async def save(interaction: discord.Interaction, message: discord.Message) -> None: ...

    payload = [command.to_dict(tree) for command in tree.get_commands()]
    assert command_problems(payload) == []
