"""Checks of application command definitions (the body of PUT .../commands) against bot.limits;
each returns problems as "dotted.path: message" naming the command, [] if none."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from bot.limits import (
    COMMAND_CHOICES_MAX,
    COMMAND_DESCRIPTION_MAX,
    COMMAND_NAME_MAX,
    COMMAND_OPTIONS_MAX,
    COMMAND_TOTAL_CHARS_MAX,
    CONTEXT_MENU_COMMANDS_MAX,
    OPTION_LENGTH_MAX,
    SLASH_COMMANDS_MAX,
)
from bot.sandbox.field_checks import choice_problems, length_problems, text
from bot.sandbox.protocol import (
    ATTACHMENT,
    CHANNEL,
    CHAT_INPUT,
    CHOICE_TYPES,
    INTEGER,
    MESSAGE_COMMAND,
    NUMBER,
    STRING,
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    USER_COMMAND,
)


def _is_name_char(char: str) -> bool:
    if char in "-_'":
        return True
    if unicodedata.category(char)[0] in "LN":
        return True
    code = ord(char)
    return 0x0900 <= code <= 0x097F or 0x0E00 <= code <= 0x0E7F  # Devanagari, Thai


def name_problem(name: Any) -> str | None:
    """Why a slash command or option name is invalid, or None if it is fine."""
    if not isinstance(name, str) or not 1 <= len(name) <= COMMAND_NAME_MAX:
        return f"must be 1-{COMMAND_NAME_MAX} characters ({name!r})"
    if not all(_is_name_char(char) for char in name):
        return f"must match ^[-_'\\p{{L}}\\p{{N}}\\p{{sc=Deva}}\\p{{sc=Thai}}]{{1,32}}$ ({name!r})"
    if name != name.lower():
        return f"must be lowercase ({name!r})"
    return None


def _option_problems(path: str, option: Mapping[str, Any], label: str) -> list[str]:
    problems: list[str] = []
    kind = option.get("type")
    name = option.get("name")
    label = f"{label} option {name!r}"
    reason = name_problem(name)
    if reason:
        problems.append(f"{path}.name: option name {reason} in {label}")
    problems += [
        f"{p} in {label}"
        for p in length_problems(
            f"{path}.description", option.get("description"), 1, COMMAND_DESCRIPTION_MAX
        )
    ]
    if kind not in range(SUB_COMMAND, ATTACHMENT + 1):
        problems.append(f"{path}.type: unknown option type {kind!r} in {label}")
    choices = option.get("choices") or []
    if choices and kind not in CHOICE_TYPES:
        problems.append(f"{path}.choices: only string, integer and number options in {label}")
    if choices and option.get("autocomplete"):
        problems.append(f"{path}.autocomplete: cannot be combined with choices in {label}")
    if option.get("autocomplete") and kind not in CHOICE_TYPES:
        problems.append(f"{path}.autocomplete: only string, integer and number options in {label}")
    problems += [
        f"{p} in {label}" for p in choice_problems(f"{path}.choices", choices, COMMAND_CHOICES_MAX)
    ]
    for index, choice in enumerate(choices):
        value = choice.get("value")
        expected = {STRING: str, INTEGER: int, NUMBER: int | float}.get(kind)
        if expected and (not isinstance(value, expected) or isinstance(value, bool)):
            problems.append(
                f"{path}.choices.{index}.value: {value!r} does not fit type {kind} in {label}"
            )
    for key, low in (("min_length", 0), ("max_length", 1)):
        value = option.get(key)
        if value is None:
            continue
        if kind != STRING:
            problems.append(f"{path}.{key}: only string options have {key} in {label}")
        elif not low <= value <= OPTION_LENGTH_MAX:
            problems.append(f"{path}.{key}: must be from {low} to {OPTION_LENGTH_MAX} in {label}")
    low, high = option.get("min_value"), option.get("max_value")
    if (low is not None or high is not None) and kind not in (INTEGER, NUMBER):
        problems.append(f"{path}.min_value: only integer and number options in {label}")
    if low is not None and high is not None and low > high:
        problems.append(f"{path}.min_value: greater than max_value in {label}")
    if option.get("channel_types") and kind != CHANNEL:
        problems.append(f"{path}.channel_types: only channel options in {label}")
    children = option.get("options") or []
    if kind == SUB_COMMAND_GROUP:
        problems += _options_problems(f"{path}.options", children, label, allow={SUB_COMMAND})
        if not children:
            problems.append(f"{path}.options: a subcommand group needs subcommands in {label}")
    elif kind == SUB_COMMAND:
        problems += _options_problems(f"{path}.options", children, label, allow=None)
    elif children:
        problems.append(f"{path}.options: only subcommands and groups have options in {label}")
    return problems


def _options_problems(
    path: str, options: Sequence[Mapping[str, Any]], label: str, allow: set[int] | None
) -> list[str]:
    """Check one level of options; allow=None means plain options only (no subcommands)."""
    problems: list[str] = []
    if len(options) > COMMAND_OPTIONS_MAX:
        problems.append(
            f"{path}: must be {COMMAND_OPTIONS_MAX} or fewer in length (got {len(options)})"
            f" in {label}"
        )
    kinds = [option.get("type") for option in options]
    nested = [kind in (SUB_COMMAND, SUB_COMMAND_GROUP) for kind in kinds]
    if allow is None and any(nested):
        problems.append(f"{path}: subcommands cannot be nested here in {label}")
    if allow is not None and not all(kind in allow for kind in kinds):
        problems.append(f"{path}: only subcommands may appear here in {label}")
    if any(nested) and not all(nested):
        problems.append(f"{path}: subcommands cannot be mixed with plain options in {label}")
    names = [option.get("name") for option in options]
    duplicates = sorted({n for n in names if isinstance(n, str) and names.count(n) > 1})
    if duplicates:
        problems.append(f"{path}: duplicate option names {duplicates} in {label}")
    seen_optional = False
    for index, option in enumerate(options):
        if option.get("type") not in (SUB_COMMAND, SUB_COMMAND_GROUP):
            if option.get("required") and seen_optional:
                problems.append(
                    f"{path}.{index}.required: required options must come before optional ones"
                    f" in {label}"
                )
            seen_optional = seen_optional or not option.get("required")
        problems += _option_problems(f"{path}.{index}", option, label)
    return problems


def command_size(command: Mapping[str, Any]) -> int:
    """Characters counted towards the 8000 limit: names, descriptions and choice names/values."""

    def walk(node: Mapping[str, Any]) -> int:
        total = len(text(node.get("name"))) + len(text(node.get("description")))
        for choice in node.get("choices") or []:
            total += len(text(choice.get("name"))) + len(str(choice.get("value", "")))
        return total + sum(walk(child) for child in node.get("options") or [])

    return walk(command)


def _command_problems(path: str, command: Mapping[str, Any]) -> list[str]:
    kind = command.get("type", CHAT_INPUT)
    name = command.get("name")
    label = f"command {name!r}"
    problems: list[str] = []
    if kind == CHAT_INPUT:
        reason = name_problem(name)
        if reason:
            problems.append(f"{path}.name: command name {reason}")
        problems += [
            f"{p} in {label}"
            for p in length_problems(
                f"{path}.description", command.get("description"), 1, COMMAND_DESCRIPTION_MAX
            )
        ]
        problems += _options_problems(
            f"{path}.options",
            command.get("options") or [],
            label,
            allow={SUB_COMMAND, SUB_COMMAND_GROUP, *range(STRING, ATTACHMENT + 1)},
        )
    elif kind in (USER_COMMAND, MESSAGE_COMMAND):
        problems += length_problems(f"{path}.name", name, 1, COMMAND_NAME_MAX)
        if command.get("description"):
            problems.append(f"{path}.description: context menus have no description in {label}")
        if command.get("options"):
            problems.append(f"{path}.options: context menus have no options in {label}")
    else:
        problems.append(f"{path}.type: unknown command type {kind!r}")
    size = command_size(command)
    if size > COMMAND_TOTAL_CHARS_MAX:
        problems.append(
            f"{path}: {label} has {size} characters of names, descriptions and choices"
            f" (limit {COMMAND_TOTAL_CHARS_MAX})"
        )
    permissions = command.get("default_member_permissions")
    if permissions is not None and not str(permissions).isdigit():
        problems.append(
            f"{path}.default_member_permissions: must be a permission bitset string in {label}"
        )
    for context in command.get("contexts") or []:
        if context not in (0, 1, 2):
            problems.append(f"{path}.contexts: unknown interaction context {context!r} in {label}")
    for integration in command.get("integration_types") or []:
        if integration not in (0, 1):
            problems.append(
                f"{path}.integration_types: unknown integration type {integration!r} in {label}"
            )
    return problems


def command_problems(commands: Sequence[Mapping[str, Any]]) -> list[str]:
    """Problems with a bulk command list (the body of PUT .../commands), per command and overall."""
    problems: list[str] = []
    for index, command in enumerate(commands):
        problems += _command_problems(str(index), command)
    for kind, limit in (
        (CHAT_INPUT, SLASH_COMMANDS_MAX),
        (USER_COMMAND, CONTEXT_MENU_COMMANDS_MAX),
        (MESSAGE_COMMAND, CONTEXT_MENU_COMMANDS_MAX),
    ):
        names = [c.get("name") for c in commands if c.get("type", CHAT_INPUT) == kind]
        if len(names) > limit:
            problems.append(f"commands: at most {limit} commands of type {kind} (got {len(names)})")
        duplicates = sorted({n for n in names if isinstance(n, str) and names.count(n) > 1})
        if duplicates:
            problems.append(f"commands: duplicate command names {duplicates} (type {kind})")
    return problems
