"""Try the bot offline: the real bot logged in to a local Discord, driven by typed slash lines."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import textwrap
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.client import ReadingRoomBot
from bot.config import Settings
from bot.sandbox import InteractionRecord, LocalDiscord, SandboxError, run_bot_against
from bot.store.store import Store

WIDTH = 88
EPHEMERAL = 64
OPTION_TYPES = {4: int, 5: lambda text: text.lower() in {"true", "yes", "1"}, 10: float}
_ESCAPED = re.compile(r"\\([*_~`|>\\])")
_MENTION = re.compile(r"<@!?(\d+)>")
HELP = (
    "Type a slash command as in Discord (/define civil society, /expert name:Hastings "
    "topic:markets), `click <button label>`, `complete <slash line>` for autocomplete, "
    "or `quit`."
)


class ConsoleError(Exception):
    """A line the console cannot send; the message says why."""


@dataclass(frozen=True, slots=True)
class SlashLine:
    command: str
    options: dict[str, Any]
    last_option: str | None


def parse_slash(line: str, commands: Mapping[str, Mapping[str, Any]]) -> SlashLine:
    """`/name value opt:value ...` as typed in Discord; the first option may go unnamed."""
    text = line.strip()
    if not text.startswith("/"):
        raise ConsoleError(f"Commands start with '/'. {HELP}")
    name, _, rest = text[1:].partition(" ")
    command = commands.get(name)
    if command is None:
        raise ConsoleError(f"Unknown command /{name}. Try: {', '.join(sorted(commands))}")
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
        convert = OPTION_TYPES.get(definitions[key]["type"], str)
        try:
            options[key] = convert(value)
        except ValueError:
            raise ConsoleError(f"{key}: {value!r} is not a valid value") from None
    return SlashLine(name, options, last)


def _plain(text: str, users: Mapping[int, str] | None = None) -> str:
    """What a reader sees of escaped markdown and user mentions."""
    names = users or {}
    text = _MENTION.sub(lambda m: "@" + names.get(int(m.group(1)), "unknown-user"), text)
    return _ESCAPED.sub(r"\1", text).replace("\u200b", "")


def _wrap(text: str, indent: str = "", users: Mapping[int, str] | None = None) -> list[str]:
    lines = []
    for paragraph in _plain(text, users).splitlines() or [""]:
        lines += textwrap.wrap(paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent)
        if not paragraph:
            lines.append("")
    return lines


def format_reply(response: Mapping[str, Any], users: Mapping[int, str] | None = None) -> str:
    """A callback body as a person would see it in Discord (`users`: id -> name)."""
    data = response.get("data") or {}
    if response.get("type") == 8:
        choices = data.get("choices") or []
        return "\n".join(f"  {c['name']}" for c in choices) or "  (no suggestions)"
    lines = []
    if data.get("flags", 0) & EPHEMERAL:
        lines.append("[only you can see this]")
    if data.get("content"):
        lines += _wrap(data["content"], users=users)
    for embed in data.get("embeds") or []:
        if embed.get("author"):
            lines.append(_plain(embed["author"]["name"]))
        if embed.get("title"):
            lines.append(f"== {_plain(embed['title'])} ==")
        if embed.get("description"):
            lines += _wrap(embed["description"])
        for field in embed.get("fields") or []:
            lines.append(f"-- {_plain(field['name'])}")
            lines += _wrap(field["value"], "   ")
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


class Console:
    """The local server and the real bot in one process, answering typed slash lines."""

    def __init__(self, server: LocalDiscord) -> None:
        self.server = server
        self.last: InteractionRecord | None = None

    @property
    def commands(self) -> dict[str, dict[str, Any]]:
        registered = self.server.guild_commands.get(self.server.guild_id, [])
        return {c["name"]: c for c in registered}

    async def send(self, line: str) -> InteractionRecord:
        """Send one slash line; return the interaction with the bot's first response."""
        slash = parse_slash(line, self.commands)
        try:
            record = await self.server.invoke(slash.command, slash.options)
        except SandboxError as error:
            raise ConsoleError(str(error)) from None
        await self._settle(record)
        self.last = record
        return record

    async def complete(self, line: str) -> list[dict[str, Any]]:
        """The autocomplete choices for the last option typed (or the first option)."""
        slash = parse_slash(line, self.commands)
        definitions = self.commands[slash.command].get("options") or []
        focused = slash.last_option or next(
            (o["name"] for o in definitions if o.get("autocomplete")), None
        )
        if focused is None or not any(
            o["name"] == focused and o.get("autocomplete") for o in definitions
        ):
            raise ConsoleError(f"/{slash.command} offers no autocomplete there.")
        options = {**slash.options, focused: str(slash.options.get(focused, ""))}
        try:
            return await self.server.autocomplete(slash.command, options, focused=focused)
        except SandboxError as error:
            raise ConsoleError(str(error)) from None

    async def click(self, label: str) -> InteractionRecord:
        if self.last is None:
            raise ConsoleError("Nothing to click yet: send a command first.")
        try:
            record = await self.server.click(self.last, label)
        except SandboxError as error:
            raise ConsoleError(str(error)) from None
        await self._settle(record)
        if record.response_type == 4 and record.data.get("components"):
            self.last = record
        return record

    async def _settle(self, record: InteractionRecord) -> None:
        with contextlib.suppress(SandboxError):
            await record.first_response(within=3.0)

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
        users = {uid: user["username"] for uid, user in self.server.world.users.items()}
        return "\n".join(format_reply(response, users) for response in record.responses)


@contextlib.asynccontextmanager
async def open_console(settings: Settings) -> AsyncIterator[Console]:
    """Start the local server and the real bot, synced to the local guild."""
    async with LocalDiscord() as server:
        local = dataclasses.replace(settings, dev_guild_id=server.guild_id)
        async with await Store.open(local.database_path, local.data_dir) as store:
            bot = ReadingRoomBot(local, store)
            async with run_bot_against(server, bot, max_http_sleep=None):
                await bot.sync_on_start()
                yield Console(server)


def callback_bodies_json(record: InteractionRecord) -> str:
    """Exactly the interaction callback bodies the bot sent, in order."""
    return json.dumps(record.responses, indent=2, ensure_ascii=False)
