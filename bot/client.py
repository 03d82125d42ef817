"""The bot: Discord client settings, extensions and command syncing."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
from discord.ext import commands

from bot.config import Settings
from bot.keep import BUTTONS as KEEP_BUTTONS
from bot.keep import SaveButton
from bot.posting import DiscordPoster
from bot.reminding import DiscordReminders
from bot.store import Store
from bot.store.database_faults import watch_file
from bot.store.guild_state import COMMANDS_HASH_KEY
from bot.store.rate_budget import RateBudget
from bot.store.scheduler import Scheduler, SchedulerConfig
from bot.store.shards import Shards
from bot.study import Study
from bot.tree import ReadingRoomTree
from bot.ui import BUTTONS as PAGE_BUTTONS
from bot.ui import Answers

log = logging.getLogger(__name__)

EXTENSIONS = (
    "cogs.lookup",
    "cogs.experts",
    "cogs.guide",
    "cogs.library",
    "cogs.excerpts",
    "cogs.quiz",
    "cogs.review",
    "cogs.notes",
    "cogs.cite",
    "cogs.forget",
)
SCHEDULER_INTERVAL = 20.0  # seconds between looks for due excerpts


class ReadingRoomBot(commands.Bot):
    """A slash-command-only client: no privileged intents, no message or member cache."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        scheduler_interval: float | None = SCHEDULER_INTERVAL,
    ) -> None:
        # A text-only bot: silence discord.py's warnings about missing voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents,
            tree_cls=ReadingRoomTree,
            allowed_mentions=discord.AllowedMentions.none(),
            max_messages=None,
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            **shard_options(settings.shards),
        )
        self.settings = settings
        self.store = store
        self.now = now  # the time every command and button reads
        self.study = Study(store)
        self.reminders = DiscordReminders(self, self.study, now, settings.shards)
        self.scheduler = Scheduler(
            store,
            DiscordPoster(self, RateBudget(settings.post_rate)),
            now,
            SchedulerConfig(
                grace=timedelta(hours=settings.excerpt_grace_hours), shards=settings.shards
            ),
        )
        self.scheduler.also.append(self.reminders.send_due)
        self.answers = Answers()  # those whose pages the buttons turn (bot/ui.py)
        self.answers.keep_any = lambda: [SaveButton()]
        self.scheduler_interval = scheduler_interval
        self._background: list[asyncio.Task[None]] = []
        _guard_parsers(self._connection.parsers)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*PAGE_BUTTONS, *KEEP_BUTTONS)
        await self.load_extensions()
        self._background.append(asyncio.create_task(watch_file(self.settings.database_path)))
        self._background.append(asyncio.create_task(self.store.checkpoint_in_background()))
        if self.scheduler_interval is not None:
            self._background.append(asyncio.create_task(self._schedule(self.scheduler_interval)))

    async def _schedule(self, interval: float) -> None:
        """The daily-excerpt loop, from the first time the bot is ready until it closes."""
        await self.wait_until_ready()
        await self.scheduler.run(interval)

    async def close(self) -> None:
        for task in self._background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await super().close()

    async def load_extensions(self) -> None:
        for extension in EXTENSIONS:
            if extension not in self.extensions:
                await self.load_extension(extension)

    def command_payload(self) -> list[dict[str, Any]]:
        """Exactly the JSON the bot PUTs to Discord for its global commands."""
        return [command.to_dict(self.tree) for command in self.tree.get_commands()]

    async def sync_on_start(self) -> None:
        """Sync to the dev guild when set, else globally if the commands changed; a failed
        sync is logged and the bot starts with the commands Discord already has."""
        try:
            await self._sync_on_start()
        except discord.HTTPException as error:
            log.error("command sync failed (%s); starting with the commands Discord has", error)

    async def _sync_on_start(self) -> None:
        if self.settings.dev_guild_id is not None:
            guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to guild %s", len(synced), guild.id)
            return
        digest = commands_hash(self.command_payload())
        if await self.store.get_state(COMMANDS_HASH_KEY) == digest:
            log.info("global commands unchanged since the last sync")
            return
        await self.sync_global()

    async def sync_global(self) -> None:
        synced = await self.tree.sync()
        await self.store.set_state(COMMANDS_HASH_KEY, commands_hash(self.command_payload()))
        log.info("synced %d global commands", len(synced))


class ShardedReadingRoomBot(ReadingRoomBot, commands.AutoShardedBot):
    """The bot running some of the shards (SHARD_IDS of SHARD_COUNT) in this process, one
    gateway connection each: Discord sends each its servers' events."""


def bot_class(shards: Shards) -> type[ReadingRoomBot]:
    """The client for this process: sharded when the shards are split across processes."""
    return ReadingRoomBot if shards.count == 1 else ShardedReadingRoomBot


def shard_options(shards: Shards) -> dict[str, Any]:
    """What discord.py is told of the shards: nothing for a bot of one shard."""
    if shards.count == 1:
        return {}
    return {"shard_ids": list(shards.ids), "shard_count": shards.count}


def _guard_parsers(parsers: dict[str, Callable[[Any], None]]) -> None:
    """Drop a malformed gateway event with a log line: discord.py would stop the whole client."""

    def guarded(event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
        def parse_or_drop(data: Any) -> None:
            try:
                parse(data)
            except Exception:
                log.exception("dropped a malformed %s event", event)

        return parse_or_drop

    for event, parse in parsers.items():
        parsers[event] = guarded(event, parse)


def commands_hash(payload: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
