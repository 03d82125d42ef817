"""Sending the members' daily review reminders by direct message, each round of the scheduler
that posts excerpts: a reminder is claimed for its local day before it is sent, so it goes out
at most once that day, across restarts and processes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import discord

from bot.render import study as study_render
from bot.store.clock import load_zone, local_date
from bot.store.shards import Shards
from bot.study import Study

log = logging.getLogger(__name__)


class DiscordReminders:
    def __init__(
        self,
        client: discord.Client,
        study: Study,
        now: Callable[[], datetime],
        shards: Shards | None = None,
    ) -> None:
        self.client = client
        self.study = study
        self.now = now
        self.shards = shards or Shards()  # the servers whose members this process reminds

    async def send_due(self) -> int:
        """Send the reminders due now to members with cards due today; how many were sent. One
        missed while the bot was down is not sent on a later day, and one claimed when the bot
        stops before sending it is not sent that day: it waits for its next time."""
        now = self.now()
        sent = 0
        for reminder in await self.study.due_reminders(now, self.shards):
            if not await self.study.claim_reminder(reminder, now):
                continue  # another process took it, or the member changed it meanwhile
            if local_date(now, load_zone(reminder.timezone)).isoformat() != reminder.next_date:
                continue  # its day is over
            guild = self.client.get_guild(reminder.guild_id)
            if guild is None:  # the bot left the server: the member can't turn it off there
                await self.study.remind_off(reminder.guild_id, reminder.member_id)
                continue
            stats = await self.study.deck_stats(reminder.guild_id, reminder.member_id, now)
            if not stats.due_today:
                continue  # nothing to review today: no message
            text = study_render.reminder_text(guild.name, stats)
            try:
                channel = await self.client.create_dm(discord.Object(reminder.member_id))
                await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
            except discord.HTTPException as error:  # DMs closed (50007), say: not retried today
                log.info("review reminder to a member not sent: %s", error)
                continue
            sent += 1
        return sent
