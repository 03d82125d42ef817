"""Discord's documented payload limits, checked in one place.

Every checker returns a list of human-readable problems, each "dotted.path: message" with the path
in Discord's own error style (e.g. "embeds.0.title"); an empty list means Discord would accept it.
Imports nothing from discord or aiohttp so any part of the project can use it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bot.limits import (  # noqa: F401  (re-exported for the checks below)
    ACTION_ROWS_MAX,
    ALLOWED_MENTIONS_IDS_MAX,
    AUTOCOMPLETE_CHOICES_MAX,
    BUTTON_LABEL_MAX,
    CHOICE_NAME_MAX,
    CHOICE_VALUE_MAX,
    COMMAND_CHOICES_MAX,
    COMMAND_DESCRIPTION_MAX,
    COMMAND_NAME_MAX,
    COMMAND_OPTIONS_MAX,
    COMMAND_TOTAL_CHARS_MAX,
    COMPONENTS_V2_TOTAL_MAX,
    CONTEXT_MENU_COMMANDS_MAX,
    CUSTOM_ID_MAX,
    EMBED_AUTHOR_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_NAME_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_FIELDS_MAX,
    EMBED_FOOTER_MAX,
    EMBED_TITLE_MAX,
    EMBED_TOTAL_MAX,
    MESSAGE_CONTENT_MAX,
    MESSAGE_EMBEDS_MAX,
    MODAL_COMPONENTS_MAX,
    MODAL_TITLE_MAX,
    NONCE_MAX,
    OPTION_LENGTH_MAX,
    ROW_BUTTONS_MAX,
    SELECT_OPTION_TEXT_MAX,
    SELECT_OPTIONS_MAX,
    SELECT_PLACEHOLDER_MAX,
    SELECT_VALUES_MAX,
    SLASH_COMMANDS_MAX,
    TEXT_DISPLAY_TOTAL_MAX,
    TEXT_INPUT_LABEL_MAX,
    TEXT_INPUT_PLACEHOLDER_MAX,
    TEXT_INPUT_VALUE_MAX,
    THREAD_NAME_MAX,
    URL_MAX,
)

# Message flags
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_IS_COMPONENTS_V2 = 1 << 15

# Component types
ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
LABEL = 18
LINK_STYLE, PREMIUM_STYLE = 5, 6

# Command and option types
CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, NUMBER = 3, 4, 5, 10
CHOICE_TYPES = frozenset({STRING, INTEGER, NUMBER})


def _length(path: str, value: Any, low: int, high: int) -> list[str]:
    if not isinstance(value, str):
        return [f"{path}: must be a string, got {type(value).__name__}"]
    if not low <= len(value) <= high:
        if low == 0:
            return [f"{path}: must be {high} or fewer in length (got {len(value)})"]
        return [f"{path}: must be between {low} and {high} in length (got {len(value)})"]
    return []


def _optional_length(path: str, value: Any, low: int, high: int) -> list[str]:
    return [] if value is None else _length(path, value, low, high)


def _url(path: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, str) or not value.startswith(("http://", "https://", "attachment://")):
        return [f"{path}: not a well formed URL ({value!r})"]
    return _length(path, value, 1, URL_MAX)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def embed_size(embed: Mapping[str, Any]) -> int:
    """Characters counted towards the 6000 total: title, description, fields, footer, author."""
    total = len(_text(embed.get("title"))) + len(_text(embed.get("description")))
    for field in embed.get("fields") or []:
        total += len(_text(field.get("name"))) + len(_text(field.get("value")))
    total += len(_text((embed.get("footer") or {}).get("text")))
    total += len(_text((embed.get("author") or {}).get("name")))
    return total


def embed_problems(embed: Mapping[str, Any], path: str = "embeds.0") -> list[str]:
    """Problems with one embed dict (as produced by discord.Embed.to_dict())."""
    problems = _optional_length(f"{path}.title", embed.get("title"), 0, EMBED_TITLE_MAX)
    problems += _optional_length(
        f"{path}.description", embed.get("description"), 0, EMBED_DESCRIPTION_MAX
    )
    problems += _url(f"{path}.url", embed.get("url"))
    colour = embed.get("color")
    if colour is not None and not (isinstance(colour, int) and 0 <= colour <= 0xFFFFFF):
        problems.append(f"{path}.color: must be an integer from 0 to 16777215 (got {colour!r})")
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS_MAX:
        problems.append(
            f"{path}.fields: must be {EMBED_FIELDS_MAX} or fewer in length (got {len(fields)})"
        )
    for index, field in enumerate(fields):
        where = f"{path}.fields.{index}"
        problems += _length(f"{where}.name", field.get("name"), 1, EMBED_FIELD_NAME_MAX)
        problems += _length(f"{where}.value", field.get("value"), 1, EMBED_FIELD_VALUE_MAX)
    footer = embed.get("footer")
    if footer is not None:
        problems += _length(f"{path}.footer.text", footer.get("text"), 1, EMBED_FOOTER_MAX)
        problems += _url(f"{path}.footer.icon_url", footer.get("icon_url"))
    author = embed.get("author")
    if author is not None:
        problems += _length(f"{path}.author.name", author.get("name"), 1, EMBED_AUTHOR_MAX)
        problems += _url(f"{path}.author.url", author.get("url"))
        problems += _url(f"{path}.author.icon_url", author.get("icon_url"))
    for media in ("image", "thumbnail"):
        if embed.get(media) is not None:
            problems += _url(f"{path}.{media}.url", embed[media].get("url"))
    return problems


def iter_components(
    components: Sequence[Mapping[str, Any]], path: str = "components"
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Yield (path, component) for every component, depth first, including nested ones."""
    for index, component in enumerate(components):
        where = f"{path}.{index}"
        yield where, component
        yield from iter_components(component.get("components") or [], f"{where}.components")
        for key in ("accessory", "component"):
            if isinstance(component.get(key), Mapping):
                yield from iter_components([component[key]], f"{where}.{key}")


def _button_problems(path: str, button: Mapping[str, Any]) -> list[str]:
    style = button.get("style")
    problems: list[str] = []
    if style not in range(1, 7):
        problems.append(f"{path}.style: unknown button style {style!r}")
    if style == LINK_STYLE:
        problems += _url(f"{path}.url", button.get("url")) if button.get("url") else []
        if not button.get("url"):
            problems.append(f"{path}.url: a link button needs a url")
        if button.get("custom_id") is not None:
            problems.append(f"{path}.custom_id: a link button cannot have a custom_id")
    elif style == PREMIUM_STYLE:
        if not button.get("sku_id"):
            problems.append(f"{path}.sku_id: a premium button needs a sku_id")
    elif button.get("custom_id") is None:
        problems.append(f"{path}.custom_id: a button of style {style} needs a custom_id")
    label = button.get("label")
    problems += _optional_length(f"{path}.label", label, 0, BUTTON_LABEL_MAX)
    if style != PREMIUM_STYLE and not label and not button.get("emoji"):
        problems.append(f"{path}: a button needs a label or an emoji")
    return problems


def _select_problems(path: str, select: Mapping[str, Any]) -> list[str]:
    problems = _optional_length(
        f"{path}.placeholder", select.get("placeholder"), 0, SELECT_PLACEHOLDER_MAX
    )
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    if not 0 <= low <= SELECT_VALUES_MAX:
        problems.append(f"{path}.min_values: must be from 0 to {SELECT_VALUES_MAX} (got {low})")
    if not 1 <= high <= SELECT_VALUES_MAX:
        problems.append(f"{path}.max_values: must be from 1 to {SELECT_VALUES_MAX} (got {high})")
    if low > high:
        problems.append(f"{path}.min_values: greater than max_values ({low} > {high})")
    if select.get("type") == STRING_SELECT:
        options = select.get("options") or []
        if not 1 <= len(options) <= SELECT_OPTIONS_MAX:
            problems.append(
                f"{path}.options: must be between 1 and {SELECT_OPTIONS_MAX} in length"
                f" (got {len(options)})"
            )
        if high > len(options) > 0:
            problems.append(f"{path}.max_values: more than the {len(options)} options")
        for index, option in enumerate(options):
            where = f"{path}.options.{index}"
            problems += _length(f"{where}.label", option.get("label"), 1, SELECT_OPTION_TEXT_MAX)
            problems += _length(f"{where}.value", option.get("value"), 1, SELECT_OPTION_TEXT_MAX)
            problems += _optional_length(
                f"{where}.description", option.get("description"), 0, SELECT_OPTION_TEXT_MAX
            )
    return problems


def component_problems(components: Sequence[Mapping[str, Any]], flags: int = 0) -> list[str]:
    """Problems with a message's components (action rows, or Components V2 when flagged)."""
    problems: list[str] = []
    v2 = bool(flags & FLAG_IS_COMPONENTS_V2)
    if not v2:
        if len(components) > ACTION_ROWS_MAX:
            problems.append(
                f"components: must be {ACTION_ROWS_MAX} or fewer in length (got {len(components)})"
            )
        for index, row in enumerate(components):
            problems += _row_problems(f"components.{index}", row)
    seen: dict[str, str] = {}
    total = 0
    text_total = 0
    for path, component in iter_components(components):
        total += 1
        kind = component.get("type")
        if kind == 10:
            text_total += len(_text(component.get("content")))
        if kind == BUTTON:
            problems += _button_problems(path, component)
        elif kind in SELECT_TYPES:
            problems += _select_problems(path, component)
        custom_id = component.get("custom_id")
        if custom_id is not None:
            problems += _length(f"{path}.custom_id", custom_id, 1, CUSTOM_ID_MAX)
            if custom_id in seen:
                problems.append(
                    f"{path}.custom_id: duplicate custom_id {custom_id!r}"
                    f" (also at {seen[custom_id]})"
                )
            seen.setdefault(custom_id, path)
    if v2 and total > COMPONENTS_V2_TOTAL_MAX:
        problems.append(
            f"components: at most {COMPONENTS_V2_TOTAL_MAX} components in total (got {total})"
        )
    if v2 and text_total > TEXT_DISPLAY_TOTAL_MAX:
        problems.append(
            f"components: text displays hold at most {TEXT_DISPLAY_TOTAL_MAX} characters"
            f" in total (got {text_total})"
        )
    return problems


def _row_problems(path: str, row: Mapping[str, Any]) -> list[str]:
    if row.get("type") != ACTION_ROW:
        return [f"{path}.type: top-level components must be action rows (type 1)"]
    children = row.get("components") or []
    kinds = [child.get("type") for child in children]
    if not children:
        return [f"{path}.components: an action row cannot be empty"]
    if any(kind in SELECT_TYPES for kind in kinds):
        if len(children) > 1:
            return [f"{path}.components: a select menu must be alone in its action row"]
        return []
    if len(children) > ROW_BUTTONS_MAX:
        return [
            f"{path}.components: must be {ROW_BUTTONS_MAX} or fewer in length (got {len(children)})"
        ]
    return []


def _allowed_mentions_problems(allowed: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    parse = allowed.get("parse") or []
    for kind in ("users", "roles"):
        ids = allowed.get(kind) or []
        if kind in parse and ids:
            problems.append(
                f"allowed_mentions.parse: {kind!r} in parse is mutually exclusive"
                f" with the {kind} list"
            )
        if len(ids) > ALLOWED_MENTIONS_IDS_MAX:
            problems.append(
                f"allowed_mentions.{kind}: must be {ALLOWED_MENTIONS_IDS_MAX} or fewer in length"
            )
    unknown = [item for item in parse if item not in ("users", "roles", "everyone")]
    if unknown:
        problems.append(f"allowed_mentions.parse: unknown values {unknown!r}")
    return problems


def message_problems(payload: Mapping[str, Any]) -> list[str]:
    """Problems with a message payload: content, embeds, components, nonce, allowed mentions."""
    problems: list[str] = []
    flags = payload.get("flags") or 0
    content = payload.get("content")
    if content is not None:
        problems += _length("content", content, 0, MESSAGE_CONTENT_MAX)
    embeds = payload.get("embeds") or []
    if len(embeds) > MESSAGE_EMBEDS_MAX:
        problems.append(
            f"embeds: must be {MESSAGE_EMBEDS_MAX} or fewer in length (got {len(embeds)})"
        )
    for index, embed in enumerate(embeds):
        problems += embed_problems(embed, f"embeds.{index}")
    total = sum(embed_size(embed) for embed in embeds)
    if total > EMBED_TOTAL_MAX:
        problems.append(
            f"embeds: embed size exceeds maximum size of {EMBED_TOTAL_MAX} (got {total})"
        )
    nonce = payload.get("nonce")
    if isinstance(nonce, str):
        problems += _length("nonce", nonce, 0, NONCE_MAX)
    problems += component_problems(payload.get("components") or [], flags)
    if flags & FLAG_IS_COMPONENTS_V2 and (content or embeds):
        problems.append("flags: a Components V2 message cannot have content or embeds")
    if payload.get("allowed_mentions"):
        problems += _allowed_mentions_problems(payload["allowed_mentions"])
    return problems


def is_empty_message(payload: Mapping[str, Any]) -> bool:
    """True if Discord would refuse the message as empty (error 50006)."""
    keys = ("content", "embeds", "components", "attachments", "sticker_ids", "poll", "files")
    return not any(payload.get(key) for key in keys)


def _choice_problems(path: str, choices: Sequence[Mapping[str, Any]], limit: int) -> list[str]:
    problems: list[str] = []
    if len(choices) > limit:
        problems.append(f"{path}: must be {limit} or fewer in length (got {len(choices)})")
    for index, choice in enumerate(choices):
        where = f"{path}.{index}"
        problems += _length(f"{where}.name", choice.get("name"), 1, CHOICE_NAME_MAX)
        value = choice.get("value")
        if isinstance(value, str):
            problems += _length(f"{where}.value", value, 0, CHOICE_VALUE_MAX)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{where}.value: must be a string, integer or number ({value!r})")
    return problems


def autocomplete_problems(payload: Mapping[str, Any]) -> list[str]:
    """Problems with an autocomplete result payload {"choices": [...]}."""
    choices = payload.get("choices")
    if not isinstance(choices, list):
        return ["choices: an autocomplete result needs a list of choices"]
    return _choice_problems("choices", choices, AUTOCOMPLETE_CHOICES_MAX)


def modal_problems(payload: Mapping[str, Any]) -> list[str]:
    """Problems with a modal payload: custom_id, title and its text inputs."""
    problems = _length("custom_id", payload.get("custom_id"), 1, CUSTOM_ID_MAX)
    problems += _length("title", payload.get("title"), 1, MODAL_TITLE_MAX)
    components = payload.get("components") or []
    if not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        problems.append(
            f"components: must be between 1 and {MODAL_COMPONENTS_MAX} in length"
            f" (got {len(components)})"
        )
    for path, component in iter_components(components):
        if component.get("type") == LABEL:
            problems += _length(f"{path}.label", component.get("label"), 1, TEXT_INPUT_LABEL_MAX)
        if component.get("type") != TEXT_INPUT:
            continue
        problems += _length(f"{path}.custom_id", component.get("custom_id"), 1, CUSTOM_ID_MAX)
        problems += _optional_length(
            f"{path}.label", component.get("label"), 1, TEXT_INPUT_LABEL_MAX
        )
        problems += _optional_length(
            f"{path}.placeholder", component.get("placeholder"), 0, TEXT_INPUT_PLACEHOLDER_MAX
        )
        problems += _optional_length(
            f"{path}.value", component.get("value"), 0, TEXT_INPUT_VALUE_MAX
        )
        for key, low in (("min_length", 0), ("max_length", 1)):
            value = component.get(key)
            if value is not None and not low <= value <= TEXT_INPUT_VALUE_MAX:
                problems.append(f"{path}.{key}: must be from {low} to {TEXT_INPUT_VALUE_MAX}")
    return problems


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
        for p in _length(
            f"{path}.description", option.get("description"), 1, COMMAND_DESCRIPTION_MAX
        )
    ]
    if kind not in range(1, 12):
        problems.append(f"{path}.type: unknown option type {kind!r} in {label}")
    choices = option.get("choices") or []
    if choices and kind not in CHOICE_TYPES:
        problems.append(f"{path}.choices: only string, integer and number options in {label}")
    if choices and option.get("autocomplete"):
        problems.append(f"{path}.autocomplete: cannot be combined with choices in {label}")
    if option.get("autocomplete") and kind not in CHOICE_TYPES:
        problems.append(f"{path}.autocomplete: only string, integer and number options in {label}")
    problems += [
        f"{p} in {label}" for p in _choice_problems(f"{path}.choices", choices, COMMAND_CHOICES_MAX)
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
    if option.get("channel_types") and kind != 7:
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
        total = len(_text(node.get("name"))) + len(_text(node.get("description")))
        for choice in node.get("choices") or []:
            total += len(_text(choice.get("name"))) + len(str(choice.get("value", "")))
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
            for p in _length(
                f"{path}.description", command.get("description"), 1, COMMAND_DESCRIPTION_MAX
            )
        ]
        problems += _options_problems(
            f"{path}.options",
            command.get("options") or [],
            label,
            allow={SUB_COMMAND, SUB_COMMAND_GROUP, *range(3, 12)},
        )
    elif kind in (USER_COMMAND, MESSAGE_COMMAND):
        problems += _length(f"{path}.name", name, 1, COMMAND_NAME_MAX)
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
