"""Where discord.py sends REST calls and opens the gateway: Discord, or a local server."""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl


def use_endpoints(api_base: str, gateway_url: str) -> None:
    """Point discord.py at a Discord-compatible server (local servers and tests only)."""
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
