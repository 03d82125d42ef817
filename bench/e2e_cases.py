"""What the end-to-end benchmark sends: the floor commands, and a case per command and
autocomplete with the arguments it cycles through."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import discord
from discord import app_commands

FLOOR, CHOICES_FLOOR = "floor", "autocomplete floor"
FLOOR_COMMAND, CHOICES_COMMAND = "bench_floor", "bench_choices"
FLOOR_TEXT = "A fixed answer: the floor of the end-to-end benchmark."


@app_commands.command(name=FLOOR_COMMAND, description="A fixed answer (benchmark floor)")
async def floor_command(interaction: discord.Interaction) -> None:
    await interaction.response.send_message(FLOOR_TEXT, ephemeral=True)


@app_commands.command(name=CHOICES_COMMAND, description="Fixed choices (benchmark floor)")
async def choices_command(interaction: discord.Interaction, text: str) -> None:
    await interaction.response.send_message(FLOOR_TEXT, ephemeral=True)


FIXED_CHOICES = [
    app_commands.Choice(name=f"fixed choice {i}", value=f"fixed-{i}") for i in range(25)
]


@choices_command.autocomplete("text")
async def fixed_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return FIXED_CHOICES


@dataclass(frozen=True, slots=True)
class Case:
    """One measured row: a command, or the autocomplete of one of its options."""

    label: str
    command: str
    arguments: list[dict[str, str]]  # the options of each call, cycled
    focused: str | None = None  # the option being typed, for autocomplete

    @property
    def is_floor(self) -> bool:
        return self.label in (FLOOR, CHOICES_FLOOR)


def _interleave(*lists: list[str]) -> list[str]:
    return [item for group in itertools.zip_longest(*lists) for item in group if item is not None]


def _typing(texts: Iterable[str]) -> list[str]:
    """What Discord asks autocomplete for while a reader types each text: "", then 1-3 letters."""
    return [text[:letters] for text in texts for letters in range(4)]


def make_cases(probes: dict[str, list], publication_types: list[str]) -> list[Case]:
    """The floors, every lookup command and every autocomplete, with their arguments."""
    terms = _interleave(probes["terms"], probes["variants"])
    queries = _interleave(probes["word_pairs"], probes["frequent_words"], probes["rare_words"])
    typed_terms = _typing(probes["terms"])
    return [
        Case(FLOOR, FLOOR_COMMAND, [{}]),
        Case(CHOICES_FLOOR, CHOICES_COMMAND, [{"text": t} for t in typed_terms], "text"),
        Case("define", "define", [{"term": term} for term in terms]),
        Case("expert", "expert", [{"name": name} for name in probes["surnames"]]),
        Case("quote", "quote", [{"topic": topic} for topic in probes["quote_topics"]]),
        Case("publications", "publications", [{"topic": t} for t in probes["publication_topics"]]),
        Case("search", "search", [{"query": query} for query in queries]),
        Case("reading", "reading", [{}]),
        Case("help", "help", [{}]),
        Case("define term", "define", [{"term": t} for t in typed_terms], "term"),
        Case("expert name", "expert", [{"name": t} for t in _typing(probes["surnames"])], "name"),
        Case(
            "quote topic", "quote", [{"topic": t} for t in _typing(probes["quote_topics"])], "topic"
        ),
        Case(
            "publications topic",
            "publications",
            [{"topic": t} for t in _typing(probes["publication_topics"])],
            "topic",
        ),
        Case(
            "publications type",
            "publications",
            [{"type": t} for t in _typing(publication_types)],
            "type",
        ),
    ]
