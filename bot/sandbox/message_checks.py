"""Checks of messages, embeds, components, autocomplete choices and modals against bot.limits;
each returns problems as "dotted.path: message" in Discord's error style, [] if none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.limits import (
    ACTION_ROWS_MAX,
    ALLOWED_MENTIONS_IDS_MAX,
    AUTOCOMPLETE_CHOICES_MAX,
    BUTTON_LABEL_MAX,
    COMPONENTS_V2_TOTAL_MAX,
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
    ROW_BUTTONS_MAX,
    SELECT_OPTION_TEXT_MAX,
    SELECT_OPTIONS_MAX,
    SELECT_PLACEHOLDER_MAX,
    SELECT_VALUES_MAX,
    TEXT_DISPLAY_TOTAL_MAX,
    TEXT_INPUT_LABEL_MAX,
    TEXT_INPUT_PLACEHOLDER_MAX,
    TEXT_INPUT_VALUE_MAX,
)
from bot.sandbox.components import iter_components
from bot.sandbox.field_checks import (
    choice_problems,
    length_problems,
    optional_length_problems,
    text,
    url_problems,
)
from bot.sandbox.protocol import (
    ACTION_ROW,
    BUTTON,
    FLAG_IS_COMPONENTS_V2,
    LABEL,
    LINK_STYLE,
    PREMIUM_STYLE,
    SELECT_TYPES,
    STRING_SELECT,
    TEXT_DISPLAY,
    TEXT_INPUT,
)


def embed_size(embed: Mapping[str, Any]) -> int:
    """Characters counted towards the 6000 total: title, description, fields, footer, author."""
    total = len(text(embed.get("title"))) + len(text(embed.get("description")))
    for field in embed.get("fields") or []:
        total += len(text(field.get("name"))) + len(text(field.get("value")))
    total += len(text((embed.get("footer") or {}).get("text")))
    total += len(text((embed.get("author") or {}).get("name")))
    return total


def embed_problems(embed: Mapping[str, Any], path: str = "embeds.0") -> list[str]:
    """Problems with one embed dict (as produced by discord.Embed.to_dict())."""
    problems = optional_length_problems(f"{path}.title", embed.get("title"), 0, EMBED_TITLE_MAX)
    problems += optional_length_problems(
        f"{path}.description", embed.get("description"), 0, EMBED_DESCRIPTION_MAX
    )
    problems += url_problems(f"{path}.url", embed.get("url"))
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
        problems += length_problems(f"{where}.name", field.get("name"), 1, EMBED_FIELD_NAME_MAX)
        problems += length_problems(f"{where}.value", field.get("value"), 1, EMBED_FIELD_VALUE_MAX)
    footer = embed.get("footer")
    if footer is not None:
        problems += length_problems(f"{path}.footer.text", footer.get("text"), 1, EMBED_FOOTER_MAX)
        problems += url_problems(f"{path}.footer.icon_url", footer.get("icon_url"))
    author = embed.get("author")
    if author is not None:
        problems += length_problems(f"{path}.author.name", author.get("name"), 1, EMBED_AUTHOR_MAX)
        problems += url_problems(f"{path}.author.url", author.get("url"))
        problems += url_problems(f"{path}.author.icon_url", author.get("icon_url"))
    for media in ("image", "thumbnail"):
        if embed.get(media) is not None:
            problems += url_problems(f"{path}.{media}.url", embed[media].get("url"))
    return problems


def _button_problems(path: str, button: Mapping[str, Any]) -> list[str]:
    style = button.get("style")
    problems: list[str] = []
    if style not in range(1, 7):
        problems.append(f"{path}.style: unknown button style {style!r}")
    if style == LINK_STYLE:
        problems += url_problems(f"{path}.url", button.get("url")) if button.get("url") else []
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
    problems += optional_length_problems(f"{path}.label", label, 0, BUTTON_LABEL_MAX)
    if style != PREMIUM_STYLE and not label and not button.get("emoji"):
        problems.append(f"{path}: a button needs a label or an emoji")
    return problems


def _select_problems(path: str, select: Mapping[str, Any]) -> list[str]:
    problems = optional_length_problems(
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
            problems += length_problems(
                f"{where}.label", option.get("label"), 1, SELECT_OPTION_TEXT_MAX
            )
            problems += length_problems(
                f"{where}.value", option.get("value"), 1, SELECT_OPTION_TEXT_MAX
            )
            problems += optional_length_problems(
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
        if kind == TEXT_DISPLAY:
            text_total += len(text(component.get("content")))
        if kind == BUTTON:
            problems += _button_problems(path, component)
        elif kind in SELECT_TYPES:
            problems += _select_problems(path, component)
        custom_id = component.get("custom_id")
        if custom_id is not None:
            problems += length_problems(f"{path}.custom_id", custom_id, 1, CUSTOM_ID_MAX)
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
        problems += length_problems("content", content, 0, MESSAGE_CONTENT_MAX)
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
        problems += length_problems("nonce", nonce, 0, NONCE_MAX)
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


def autocomplete_problems(payload: Mapping[str, Any]) -> list[str]:
    """Problems with an autocomplete result payload {"choices": [...]}."""
    choices = payload.get("choices")
    if not isinstance(choices, list):
        return ["choices: an autocomplete result needs a list of choices"]
    return choice_problems("choices", choices, AUTOCOMPLETE_CHOICES_MAX)


def modal_problems(payload: Mapping[str, Any]) -> list[str]:
    """Problems with a modal payload: custom_id, title and its text inputs."""
    problems = length_problems("custom_id", payload.get("custom_id"), 1, CUSTOM_ID_MAX)
    problems += length_problems("title", payload.get("title"), 1, MODAL_TITLE_MAX)
    components = payload.get("components") or []
    if not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        problems.append(
            f"components: must be between 1 and {MODAL_COMPONENTS_MAX} in length"
            f" (got {len(components)})"
        )
    for path, component in iter_components(components):
        if component.get("type") == LABEL:
            problems += length_problems(
                f"{path}.label", component.get("label"), 1, TEXT_INPUT_LABEL_MAX
            )
        if component.get("type") != TEXT_INPUT:
            continue
        problems += length_problems(
            f"{path}.custom_id", component.get("custom_id"), 1, CUSTOM_ID_MAX
        )
        problems += optional_length_problems(
            f"{path}.label", component.get("label"), 1, TEXT_INPUT_LABEL_MAX
        )
        problems += optional_length_problems(
            f"{path}.placeholder", component.get("placeholder"), 0, TEXT_INPUT_PLACEHOLDER_MAX
        )
        problems += optional_length_problems(
            f"{path}.value", component.get("value"), 0, TEXT_INPUT_VALUE_MAX
        )
        for key, low in (("min_length", 0), ("max_length", 1)):
            value = component.get(key)
            if value is not None and not low <= value <= TEXT_INPUT_VALUE_MAX:
                problems.append(f"{path}.{key}: must be from {low} to {TEXT_INPUT_VALUE_MAX}")
    return problems
