"""The link that invites the bot to a server, asking for exactly what its features use."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlencode

from bot.permissions import EXCERPTS, LOOKUPS, NEEDS, bot_permissions

AUTHORIZE = "https://discord.com/oauth2/authorize"
SCOPES = ("bot", "applications.commands")


class InviteError(Exception):
    """No application id to invite: the message says where to find one."""


def application_id(token: str) -> int:
    """The application a bot token belongs to: its first part is the bot's user id, which for
    a bot is its application's id, in base64."""
    first = token.strip().split(".", 1)[0]
    try:
        decoded = base64.b64decode(first + "=" * (-len(first) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InviteError(
            "DISCORD_TOKEN does not look like a bot token: give the application id with "
            "--application-id (the developer portal, General Information)"
        ) from error
    if not decoded.isdigit():
        raise InviteError("DISCORD_TOKEN does not carry an application id: use --application-id")
    return int(decoded)


def invite_text(app_id: int, *, minimal: bool = False) -> str:
    """The invite URL, then each permission it asks for and why."""
    features = (LOOKUPS,) if minimal else (LOOKUPS, EXCERPTS)
    permissions = bot_permissions(features)
    query = {"client_id": str(app_id), "scope": " ".join(SCOPES), "permissions": permissions.value}
    lines = [f"{AUTHORIZE}?{urlencode(query)}", "", "It asks for:"]
    asked = [n for n in NEEDS if n.feature in features and not n.member]
    lines += [f"  - {n.name}: {n.why} ({n.feature})" for n in asked if not n.only]
    optional = [n for n in asked if n.only]
    lines.append(
        "  - the scopes bot and applications.commands: to join and to offer slash commands"
    )
    if optional:
        lines.append("Not asked for, and needed only sometimes (grant it in the server if so):")
        lines += [f"  - {n.name}: {n.only}" for n in optional]
    if minimal:
        lines.append("(--minimal: lookups only; daily excerpts then cannot post)")
    return "\n".join(lines)
