"""The reading's files as curate writes them: any text, however hostile, reads back as itself."""

from __future__ import annotations

import tomllib

from hypothesis import given
from hypothesis import strategies as st

from bot.curate.reading_files import toml_string

AWKWARD = st.sampled_from(["'", "'''", '"', "\\", "\n", "\r", "\t", "\x7f", "\x00", "\u2028", "é"])


@given(text=st.lists(st.text() | AWKWARD, max_size=8).map("".join))
def test_any_text_reads_back_as_itself(text: str) -> None:
    assert tomllib.loads(f"value = {toml_string(text)}")["value"] == text


def test_plain_text_is_written_as_a_literal_string() -> None:
    assert toml_string(r"C:\path, as written") == r"'C:\path, as written'"
    assert toml_string("it's\nsaid") == "'''it's\nsaid'''"
