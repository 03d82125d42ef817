"""Try the bot offline: the real bot logged in to a local Discord, driven by typed slash lines."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import re
import tempfile
import textwrap
import threading
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.client import ReadingRoomBot
from bot.config import Settings
from bot.sandbox import InteractionRecord, LocalDiscord, SandboxError, run_bot_against
from bot.store import Store

WIDTH = 88
# After an answer, the bot counts as done once no request arrives for one interval.
QUIET_INTERVAL = 0.05
QUIET_CHECKS = 40
EPHEMERAL = 64
OPTION_TYPES = {4: int, 5: lambda text: text.lower() in {"true", "yes", "1"}, 10: float}
SUBCOMMAND, CHANNEL, ROLE = 1, 7, 8
_ESCAPED = re.compile(r"\\([*_~`|>\\])")
_MENTION = re.compile(r"<(@!?|@&|#)(\d+)>")
_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::[tTdDfFR])?>")
HELP = (
    "Type a slash command as in Discord (/define civil society, /expert name:Hastings "
    "topic:markets), `click <button label>`, `complete <slash line>` for autocomplete, "
    "or `quit`."
)


class ConsoleError(Exception):
    """A line the console cannot send; the message says why."""


@dataclass(frozen=True, slots=True)
class SlashLine:
    command: str  # "define", or "excerpt schedule" for a subcommand
    options: dict[str, Any]
    last_option: str | None
    definitions: dict[str, dict[str, Any]]  # option name -> its registered definition


def parse_slash(line: str, commands: Mapping[str, Mapping[str, Any]]) -> SlashLine:
    """`/name value opt:value ...` as typed in Discord; the first option may go unnamed."""
    text = line.strip()
    if not text.startswith("/"):
        raise ConsoleError(f"Commands start with '/'. {HELP}")
    name, _, rest = text[1:].partition(" ")
    command = commands.get(name)
    if command is None:
        raise ConsoleError(f"Unknown command /{name}. Try: {', '.join(sorted(commands))}")
    subcommands = {o["name"]: o for o in command.get("options") or [] if o["type"] == SUBCOMMAND}
    if subcommands:
        sub, _, rest = rest.strip().partition(" ")
        if sub not in subcommands:
            raise ConsoleError(f"/{name} needs one of: {', '.join(subcommands)}")
        name, command = f"{name} {sub}", subcommands[sub]
    definitions = {o["name"]: o for o in command.get("options") or []}
    values: dict[str, str] = {}
    last = None
    if definitions:
        names = "|".join(re.escape(n) for n in definitions)
        marks = list(re.finditer(rf"(?:^|\s)({names}):", rest))
        head = rest[: marks[0].start()] if marks else rest
        if head.strip():
            last = next(iter(definitions))
            values[last] = head.strip()
        ends = [mark.start() for mark in marks[1:]] + [len(rest)]
        for mark, end in zip(marks, ends[: len(marks)], strict=True):
            last = mark.group(1)
            values[last] = rest[mark.end() : end].strip()
    elif rest.strip():
        raise ConsoleError(f"/{name} takes no options.")
    options = {}
    for key, value in values.items():
        kind = definitions[key]["type"]
        if kind in (CHANNEL, ROLE):
            options[key] = value.lstrip("#@")  # a name; the console resolves it to an id
            continue
        convert = OPTION_TYPES.get(kind, str)
        try:
            options[key] = convert(value)
        except ValueError:
            raise ConsoleError(f"{key}: {value!r} is not a valid value") from None
    return SlashLine(name, options, last, definitions)


def _plain(text: str, names: Mapping[int, str] | None = None) -> str:
    """What a reader sees of escaped markdown, mentions (`names`: id -> name) and timestamps."""
    known = names or {}

    def mention(match: re.Match[str]) -> str:
        sigil = "#" if match.group(1) == "#" else "@"
        return sigil + known.get(int(match.group(2)), "unknown")

    def timestamp(match: re.Match[str]) -> str:
        return f"{datetime.fromtimestamp(int(match.group(1)), UTC):%Y-%m-%d %H:%M} UTC"

    text = _TIMESTAMP.sub(timestamp, _MENTION.sub(mention, text))
    return _ESCAPED.sub(r"\1", text).replace("\u200b", "")


def _wrap(text: str, indent: str = "", names: Mapping[int, str] | None = None) -> list[str]:
    lines = []
    for paragraph in _plain(text, names).splitlines() or [""]:
        lines += textwrap.wrap(paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent)
        if not paragraph:
            lines.append("")
    return lines


def format_reply(response: Mapping[str, Any], names: Mapping[int, str] | None = None) -> str:
    """A callback body as a person would see it in Discord (`names`: id -> display name)."""
    data = response.get("data") or {}
    if response.get("type") == 8:
        choices = data.get("choices") or []
        return "\n".join(f"  {c['name']}" for c in choices) or "  (no suggestions)"
    lines = []
    if data.get("flags", 0) & EPHEMERAL:
        lines.append("[only you can see this]")
    if data.get("content"):
        lines += _wrap(data["content"], names=names)
    for embed in data.get("embeds") or []:
        if embed.get("author"):
            lines.append(_plain(embed["author"]["name"]))
        if embed.get("title"):
            lines.append(f"== {_plain(embed['title'])} ==")
        if embed.get("description"):
            lines += _wrap(embed["description"], names=names)
        for field in embed.get("fields") or []:
            lines.append(f"-- {_plain(field['name'])}")
            lines += _wrap(field["value"], "   ", names)
        if embed.get("footer"):
            lines.append(f"({_plain(embed['footer']['text'])})")
    buttons = [
        f"[{c['label']}]" + (" (disabled)" if c.get("disabled") else "")
        for row in data.get("components") or []
        for c in row.get("components") or []
        if c.get("label")
    ]
    if buttons:
        lines.append(" ".join(buttons))
    return "\n".join(lines)


DEFERRED = 5  # an interaction response type: the answer follows
CHANNEL_POST = re.compile(r"^/channels/\d+/messages$")


class Console:
    """The local server and the real bot in one process, answering typed slash lines."""

    def __init__(self, server: LocalDiscord) -> None:
        self.server = server
        self.last: InteractionRecord | None = None
        self._posted: list[tuple[int, dict[str, Any]]] = []  # by the last line: (channel, body)

    @property
    def commands(self) -> dict[str, dict[str, Any]]:
        registered = self.server.guild_commands.get(self.server.guild_id, [])
        return {c["name"]: c for c in registered}

    def _resolve(self, slash: SlashLine) -> dict[str, Any]:
        """Channel and role options typed by name, as the ids Discord would send."""
        world = self.server.world
        named = {
            CHANNEL: {c["name"]: int(c["id"]) for c in world.channels.values()},
            ROLE: {r["name"].lstrip("@"): int(r["id"]) for r in world.roles.values()},
        }
        resolved = dict(slash.options)
        for key, value in slash.options.items():
            names = named.get(slash.definitions[key]["type"])
            if names is None:
                continue
            if value not in names:
                raise ConsoleError(
                    f"{key}: no {value!r} here; try one of {', '.join(sorted(names))}"
                )
            resolved[key] = names[value]
        return resolved

    async def send(self, line: str) -> InteractionRecord:
        """Send one slash line as the server's owner; return the interaction."""
        slash = parse_slash(line, self.commands)
        options = self._resolve(slash)
        try:
            record = await self.server.invoke(slash.command, options, user=self.server.owner_id)
        except SandboxError as error:
            raise ConsoleError(str(error)) from None
        await self._settle(record)
        self.last = record
        return record

    async def complete(self, line: str) -> list[dict[str, Any]]:
        """The autocomplete choices for the last option typed (or the first option)."""
        slash = parse_slash(line, self.commands)
        focused = slash.last_option or next(
            (name for name, o in slash.definitions.items() if o.get("autocomplete")), None
        )
        if focused is None or not slash.definitions[focused].get("autocomplete"):
            raise ConsoleError(f"/{slash.command} offers no autocomplete there.")
        options = {**self._resolve(slash), focused: str(slash.options.get(focused, ""))}
        try:
            return await self.server.autocomplete(
                slash.command, options, focused=focused, user=self.server.owner_id
            )
        except SandboxError as error:
            raise ConsoleError(str(error)) from None

    async def click(self, label: str) -> InteractionRecord:
        if self.last is None:
            raise ConsoleError("Nothing to click yet: send a command first.")
        try:
            record = await self.server.click(self.last, label, user=self.server.owner_id)
        except SandboxError as error:
            raise ConsoleError(str(error)) from None
        await self._settle(record)
        if record.response_type == 4 and record.data.get("components"):
            self.last = record
        return record

    async def _settle(self, record: InteractionRecord) -> None:
        """Wait for the answer, then until the bot has finished (e.g. a post and its thread);
        keep what it posted to channels meanwhile."""
        first = len(self.server.requests)
        with contextlib.suppress(SandboxError):
            await record.first_response(within=3.0)
        seen = -1
        for _ in range(QUIET_CHECKS):
            if len(self.server.requests) == seen:
                break
            seen = len(self.server.requests)
            await asyncio.sleep(QUIET_INTERVAL)
        self._posted = [
            (int(request.path.split("/")[2]), request.body)
            for request in self.server.requests[first:]
            if request.method == "POST"
            and CHANNEL_POST.match(request.path)
            and request.status == 200
        ]

    async def handle(self, line: str) -> str:
        """One line typed at the console prompt, answered as text."""
        words = line.strip()
        try:
            if words.startswith("click "):
                record = await self.click(words.removeprefix("click ").strip())
            elif words.startswith("complete "):
                choices = await self.complete(words.removeprefix("complete ").strip())
                return format_reply({"type": 8, "data": {"choices": choices}})
            else:
                record = await self.send(words)
        except ConsoleError as error:
            return str(error)
        return self.show(record) or "(the bot did not answer)"

    def show(self, record: InteractionRecord) -> str:
        world = self.server.world
        names = {uid: user["username"] for uid, user in world.users.items()}
        names |= {int(cid): channel["name"] for cid, channel in world.channels.items()}
        names |= {int(rid): role["name"].lstrip("@") for rid, role in world.roles.items()}
        replies = [
            format_reply(response, names)
            for response in record.responses
            if response.get("type") != DEFERRED  # "thinking…": the followups say the rest
        ]
        replies += [format_reply({"data": body}, names) for body in record.followups]
        replies += [
            f"[posted in #{names.get(channel, channel)}]\n{format_reply({'data': body}, names)}"
            for channel, body in self._posted
        ]
        return "\n".join(reply for reply in replies if reply)


@contextlib.asynccontextmanager
async def open_console(settings: Settings) -> AsyncIterator[Console]:
    """Start the local server and the real bot, synced to the local guild, on a database of
    its own that is gone afterwards: the bot's real database and schedules stay untouched."""
    with tempfile.TemporaryDirectory(prefix="reading-room-console-") as folder:
        local = dataclasses.replace(settings, database_path=Path(folder) / "console.db")
        async with LocalDiscord() as server:
            local = dataclasses.replace(local, dev_guild_id=server.guild_id)
            async with await Store.open(local.database_path, local.data_dir) as store:
                bot = ReadingRoomBot(local, store)
                async with run_bot_against(server, bot, max_http_sleep=None):
                    await bot.sync_on_start()
                    yield Console(server)


def callback_bodies_json(record: InteractionRecord) -> str:
    """Exactly the interaction callback bodies the bot sent, in order."""
    return json.dumps(record.responses, indent=2, ensure_ascii=False)


class Prompt:
    """Typed lines, read by a daemon thread so Ctrl-C never waits for the Enter key."""

    def __init__(self, prompt: str) -> None:
        self._prompt = prompt
        self._wanted = threading.Event()
        self._loop = asyncio.get_running_loop()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while self._wanted.wait():
            self._wanted.clear()
            try:
                line: str | None = input(self._prompt)
            except EOFError:
                line = None
            self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
            if line is None:
                return

    async def read(self) -> str | None:
        """The next line, or None at the end of input."""
        self._wanted.set()
        return await self._lines.get()
