"""The curated TOML format, as the synthetic readings write it."""

from __future__ import annotations

import json

_LONG_FIELDS = frozenset({"text", "context", "definition", "summary"})


def basic_string(value: str) -> str:
    """A TOML basic string (JSON string escapes are a subset of TOML's)."""
    if value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return json.dumps(value, ensure_ascii=False)


def literal_string(value: str) -> str:
    """A TOML multi-line literal string, as the curated files write long text."""
    if "'''" in value or value.endswith("'") or value.startswith("\n"):
        raise ValueError(f"cannot write {value[:40]!r} as a literal string")
    return f"'''{value}'''"


def string_array(values: list[str] | tuple[str, ...]) -> str:
    """A TOML array of basic strings, on one line."""
    return "[" + ", ".join(basic_string(v) for v in values) + "]"


def items_toml(array: str, items: list[dict]) -> str:
    """`items` as a TOML array of tables named `array`: long text as literal strings."""
    out = []
    for item in items:
        out.append(f"[[{array}]]")
        for name, value in item.items():
            if isinstance(value, bool):
                out.append(f"{name} = {'true' if value else 'false'}")
            elif isinstance(value, list):
                out.append(f"{name} = {string_array(value)}")
            elif name in _LONG_FIELDS:
                out.append(f"{name} = {literal_string(value)}")
            else:
                out.append(f"{name} = {basic_string(value)}")
        out.append("")
    return "\n".join(out)
