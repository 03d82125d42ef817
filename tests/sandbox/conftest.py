"""Fixtures: a sandbox server with a manual clock, a throwaway discord.py bot logged in, and a
plain HTTP client for the server."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from bot.sandbox import BotRun, LocalDiscord, ManualClock, run_bot_against

TOPICS = ["ethics", "economics", "education", "energy", "environment"]
EXPORT_MD = "# Notes\n\n- Rawls, *A Theory of Justice* \u2014 p. 12\n".encode()
APPENDIX_MD = b"## Appendix\n\n\x00binary-safe\xff\n"
AUTH = {"Authorization": "Bot sandbox-token"}


def only_problem(problems: list[str], path: str) -> str:
    """The one problem a check found, at `path`."""
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}: "), problems
    return problems[0]


class VoteView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Yes", custom_id="vote:yes", style=discord.ButtonStyle.success)
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="Voted yes", view=None)

    @discord.ui.button(label="No", custom_id="vote:no")
    async def no(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message("You said no", ephemeral=True)


class TopicView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.select(
        custom_id="topic",
        placeholder="Pick a topic",
        options=[discord.SelectOption(label=t, value=t) for t in TOPICS],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.edit_message(content=f"Topic: {select.values[0]}", view=None)


class NoteModal(discord.ui.Modal, title="Add a note"):
    note: discord.ui.TextInput = discord.ui.TextInput(label="Note", custom_id="note")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Noted: {self.note.value}", ephemeral=True)


class DemoBot(discord.Client):
    """A tiny bot that exercises every kind of response the sandbox must handle."""

    def __init__(self) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            intents=intents,
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.tree = app_commands.CommandTree(self)
        self.seen_errors: list[discord.HTTPException] = []
        self.gate = asyncio.Event()
        self._add_commands()

    def _add_commands(self) -> None:
        tree, bot = self.tree, self

        @tree.command(description="Repeat some text")
        @app_commands.describe(text="What to say", private="Only you see it")
        async def echo(interaction: discord.Interaction, text: str, private: bool = False) -> None:
            await interaction.response.send_message(text, ephemeral=private)

        @echo.autocomplete("text")
        async def echo_complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=t, value=t) for t in TOPICS if t.startswith(current)]

        @tree.command(description="Suggest far too many topics")
        async def flood(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message(text)

        @flood.autocomplete("text")
        async def flood_complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=f"t{i}", value=f"t{i}") for i in range(30)]

        @tree.command(description="Vote with buttons")
        async def vote(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Vote?", view=VoteView())

        @tree.command(description="Pick a topic from a menu")
        async def topic(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.followup.send("Which topic?", view=TopicView())

        @tree.command(description="Add two numbers slowly")
        async def slowsum(interaction: discord.Interaction, a: int, b: int) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.followup.send(f"{a} + {b} = {a + b}")
            await interaction.followup.send("and a second followup")

        @tree.command(description="Post to the channel and open a thread")
        async def post(interaction: discord.Interaction, text: str) -> None:
            assert isinstance(interaction.channel, discord.TextChannel)
            message = await interaction.channel.send(text)
            thread = await message.create_thread(name=f"About: {text}"[:100])
            await thread.send("Discuss here.")
            await interaction.response.send_message("Posted", ephemeral=True)

        @tree.command(description="Edit and delete responses and messages")
        async def progress(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Working…")
            await interaction.edit_original_response(content="Done")
            extra = await interaction.followup.send("extra", wait=True)
            await extra.edit(content="extra, edited")
            fetched = await interaction.original_response()
            assert fetched.content == "Done"
            await extra.delete()
            assert isinstance(interaction.channel, discord.TextChannel)
            note = await interaction.channel.send("temporary")
            await note.edit(content="temporary, edited")
            history = [m.content async for m in interaction.channel.history(limit=5)]
            await note.delete()
            await interaction.followup.send(f"history: {history}")

        @tree.command(description="Send a file")
        async def export(interaction: discord.Interaction) -> None:
            file = discord.File(io.BytesIO(b"chapter 1\nchapter 2\n"), filename="notes.txt")
            await interaction.response.send_message("Your notes", file=file)

        @tree.command(description="Export notes as Markdown, privately, with an appendix")
        async def exportmd(interaction: discord.Interaction, deferred: bool = False) -> None:
            export = discord.File(io.BytesIO(EXPORT_MD), filename="notes.md")
            if deferred:
                await interaction.response.defer(ephemeral=True, thinking=True)
                await interaction.followup.send("Your export", file=export, ephemeral=True)
            else:
                await interaction.response.send_message("Your export", file=export, ephemeral=True)
            appendix = discord.File(io.BytesIO(APPENDIX_MD), filename="appendix.md")
            await interaction.followup.send(file=appendix, ephemeral=True)

        @tree.command(description="Send yourself a reminder by DM")
        async def remind(interaction: discord.Interaction, text: str) -> None:
            try:
                await interaction.user.send(f"Reminder: {text}")
            except discord.Forbidden as exc:
                bot.seen_errors.append(exc)
                await interaction.response.send_message("Your DMs are closed", ephemeral=True)
            else:
                await interaction.response.send_message("Sent you a DM", ephemeral=True)

        @tree.command(description="Answer twice (a bug)")
        async def twice(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("one")
            interaction.response._response_type = None  # simulate a second handler answering
            try:
                await interaction.response.send_message("two")
            except discord.HTTPException as exc:
                bot.seen_errors.append(exc)

        @tree.command(description="Wait for the test, then answer")
        async def late(interaction: discord.Interaction) -> None:
            await bot.gate.wait()
            try:
                await interaction.response.send_message("finally")
            except discord.HTTPException as exc:
                bot.seen_errors.append(exc)

        @tree.command(description="Reply with an embed of a given size")
        async def embed(interaction: discord.Interaction, size: int) -> None:
            try:
                await interaction.response.send_message(embed=discord.Embed(description="x" * size))
            except discord.HTTPException as exc:
                bot.seen_errors.append(exc)

        @tree.command(description="Open a modal")
        async def note(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(NoteModal())

        @tree.command(description="Name a member")
        async def whois(interaction: discord.Interaction, member: discord.Member) -> None:
            await interaction.response.send_message(f"{member.display_name} <@{member.id}>")

        @tree.context_menu(name="Quote this")
        async def quote(interaction: discord.Interaction, message: discord.Message) -> None:
            await interaction.response.send_message(f"> {message.content}", ephemeral=True)

        @tree.context_menu(name="Greet")
        async def greet(interaction: discord.Interaction, member: discord.Member) -> None:
            await interaction.response.send_message(f"Hello {member.display_name}")

        study = app_commands.Group(name="study", description="Study sessions")

        @study.command(name="start", description="Start a session")
        async def study_start(interaction: discord.Interaction, minutes: int = 25) -> None:
            await interaction.response.send_message(f"Studying for {minutes} minutes")

        tree.add_command(study)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def server(clock: ManualClock) -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord(clock=clock) as local:
        yield local
    assert local.internal_errors == []


@pytest.fixture
def make_bot() -> type[DemoBot]:
    """Build more demo bots (each discord.Client can only run once)."""
    return DemoBot


@pytest.fixture
async def bot() -> DemoBot:
    return DemoBot()


@pytest.fixture
async def running(server: LocalDiscord, bot: DemoBot) -> AsyncIterator[BotRun]:
    """The demo bot, logged in, ready, with its commands synced to the sandbox guild."""
    async with run_bot_against(server, bot) as run:
        guild = discord.Object(server.guild_id)
        bot.tree.copy_global_to(guild=guild)
        await bot.tree.sync(guild=guild)
        yield run


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers=AUTH) as session:
        yield session


async def get_json(http: aiohttp.ClientSession, url: str) -> tuple[int, str, Any]:
    """GET url; return the status, Content-Type and JSON body."""
    async with http.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.json()
