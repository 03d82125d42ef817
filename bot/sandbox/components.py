"""Message components: walking nested ones, finding the one a user clicks or selects, and filling
in a modal's text inputs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bot.sandbox.errors import NoSuchComponentError, OptionError
from bot.sandbox.protocol import ACTION_ROW, LABEL, LINK_STYLE, TEXT_INPUT


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


def find_component(
    message: Mapping[str, Any], target: str, kinds: frozenset[int]
) -> dict[str, Any]:
    """The component of one of `kinds` whose custom_id, label or placeholder equals target."""
    candidates = []
    for _, component in iter_components(message.get("components") or []):
        if component.get("type") not in kinds:
            continue
        candidates.append(component)
        names = (component.get("custom_id"), component.get("label"), component.get("placeholder"))
        if target in names:
            if component.get("disabled"):
                raise NoSuchComponentError(f"component {target!r} is disabled")
            if component.get("style") == LINK_STYLE:
                raise NoSuchComponentError(f"{target!r} is a link button; it sends no interaction")
            return dict(component)
    described = [(c.get("custom_id"), c.get("label") or c.get("placeholder")) for c in candidates]
    raise NoSuchComponentError(
        f"no component {target!r} on message {message.get('id')}; it has {described}"
    )


def has_component(message: Mapping[str, Any], target: str, kinds: frozenset[int]) -> bool:
    """Whether find_component would find something (disabled ones included)."""
    return any(
        c.get("type") in kinds
        and target in (c.get("custom_id"), c.get("label"), c.get("placeholder"))
        for _, c in iter_components(message.get("components") or [])
    )


def check_select_values(select: Mapping[str, Any], values: list[str]) -> list[str]:
    """The values, after checking they are options of the select and within min/max_values."""
    offered = [option["value"] for option in select.get("options") or []]
    unknown = [value for value in values if value not in offered]
    if unknown:
        raise OptionError(
            f"select {select['custom_id']!r} has no options {unknown}; it has {offered}"
        )
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    if not low <= len(values) <= high:
        raise OptionError(
            f"select {select['custom_id']!r} takes {low}-{high} values, not {len(values)}"
        )
    return values


def modal_submit_components(
    modal: Mapping[str, Any], values: Mapping[str, str]
) -> list[dict[str, Any]]:
    """MODAL_SUBMIT components mirroring the modal's layout, filled with values by custom_id."""
    inputs = {
        c["custom_id"]: c
        for _, c in iter_components(modal.get("components") or [])
        if c.get("type") == TEXT_INPUT
    }
    unknown = [key for key in values if key not in inputs]
    if unknown:
        raise OptionError(
            f"modal {modal.get('custom_id')!r} has no inputs {unknown}; it has {list(inputs)}"
        )
    for custom_id, field in inputs.items():
        if field.get("required", True) and not values.get(custom_id):
            raise OptionError(f"modal input {custom_id!r} is required")

    def submitted(component: Mapping[str, Any]) -> dict[str, Any]:
        custom_id = component["custom_id"]
        return {
            "type": TEXT_INPUT,
            "id": component.get("id"),
            "custom_id": custom_id,
            "value": values.get(custom_id, ""),
        }

    result = []
    for component in modal.get("components") or []:
        inner = component.get("component") or {}
        if component.get("type") == ACTION_ROW:
            row = component.get("components") or []
            filled = [submitted(c) for c in row if c.get("type") == TEXT_INPUT]
            result.append({"type": ACTION_ROW, "id": component.get("id"), "components": filled})
        elif component.get("type") == LABEL and inner.get("type") == TEXT_INPUT:
            result.append({"type": LABEL, "id": component.get("id"), "component": submitted(inner)})
    return result
