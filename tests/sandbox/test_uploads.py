"""Uploaded files: the bytes the bot sends in responses, followups, channel messages and DMs are
kept beside their attachments, and never sent back as JSON."""

from __future__ import annotations

import io

import discord
import pytest

from bot.limits import ATTACHMENT_SIZE_MAX
from bot.sandbox import BotRun, LocalDiscord, SandboxError
from tests.sandbox.conftest import APPENDIX_MD, EXPORT_MD

ATTACHMENT_KEYS = {"id", "filename", "description", "content_type", "size", "url", "proxy_url"}


@pytest.mark.parametrize("deferred", [False, True])
async def test_ephemeral_response_and_followup_files(
    server: LocalDiscord, running: BotRun, deferred: bool
) -> None:
    record = await server.invoke("exportmd", {"deferred": deferred})
    followups = await record.wait_followups(2 if deferred else 1)
    assert record.ephemeral
    assert record.original is not None
    assert record.original["flags"] & 64
    (export,) = record.original["attachments"]
    assert set(export) == ATTACHMENT_KEYS
    assert (export["filename"], export["size"]) == ("notes.md", len(EXPORT_MD))
    assert server.attachment_content(export) == EXPORT_MD
    (appendix,) = followups[-1]["attachments"]
    assert followups[-1]["flags"] & 64
    assert appendix["filename"] == "appendix.md"
    assert server.attachment_content(appendix["id"]) == APPENDIX_MD
    assert server.channel_messages[server.general_id] == []


async def test_public_response_file(server: LocalDiscord, running: BotRun) -> None:
    record = await server.invoke("export")
    await record.first_response()
    assert record.original is not None
    (attachment,) = record.original["attachments"]
    assert server.attachment_content(attachment) == b"chapter 1\nchapter 2\n"
    (callback,) = server.requests_to("POST", r"/callback$")
    assert callback.files[0]["content"] == b"chapter 1\nchapter 2\n"


async def test_channel_and_dm_message_files(server: LocalDiscord, running: BotRun) -> None:
    channel = running.client.get_channel(server.general_id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send(
        "Two files",
        files=[
            discord.File(io.BytesIO(EXPORT_MD), filename="notes.md"),
            discord.File(io.BytesIO(APPENDIX_MD), filename="appendix.md"),
        ],
    )
    assert [a.filename for a in sent.attachments] == ["notes.md", "appendix.md"]
    contents = [server.attachment_content(a.id) for a in sent.attachments]
    assert contents == [EXPORT_MD, APPENDIX_MD]
    (stored,) = server.channel_messages[server.general_id]
    assert all(set(a) == ATTACHMENT_KEYS for a in stored["attachments"])
    dm = await running.client.create_dm(discord.Object(server.member_id))
    await dm.send(file=discord.File(io.BytesIO(EXPORT_MD), filename="notes.md"))
    ((attachment,),) = [m["attachments"] for m in server.direct_messages(server.member_id)]
    assert server.attachment_content(attachment) == EXPORT_MD
    with pytest.raises(SandboxError):
        server.attachment_content(1)


async def test_file_over_the_upload_limit_is_413(server: LocalDiscord, running: BotRun) -> None:
    channel = running.client.get_channel(server.general_id)
    assert isinstance(channel, discord.TextChannel)
    too_big = discord.File(io.BytesIO(b"x" * (ATTACHMENT_SIZE_MAX + 1)), filename="big.md")
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send(file=too_big)
    assert (caught.value.status, caught.value.code) == (413, 40005)
    assert server.channel_messages[server.general_id] == []
    just_fits = discord.File(io.BytesIO(b"x" * ATTACHMENT_SIZE_MAX), filename="fits.md")
    sent = await channel.send(file=just_fits)
    assert len(server.attachment_content(sent.attachments[0].id)) == ATTACHMENT_SIZE_MAX
