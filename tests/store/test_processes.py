"""How a claim names the process that made it, and when that process is surely gone."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import pytest

from bot.store.processes import claim_owner, identity, owner_is_gone

HAS_PROC = Path("/proc/self/ns/pid").exists() and Path("/proc/sys/kernel/random/boot_id").exists()


def test_this_process_is_not_gone() -> None:
    owner = claim_owner()
    assert owner.startswith(f"{socket.gethostname()}/")
    assert not owner_is_gone(owner)


@pytest.mark.skipif(not HAS_PROC, reason="the system does not say which processes run")
async def test_a_process_that_ended_here_is_gone_and_one_elsewhere_is_never() -> None:
    machine = claim_owner().partition(":")[0]
    host, boot, _ = machine.split("/")
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import sys; sys.stdin.read()", stdin=asyncio.subprocess.PIPE
    )
    started = identity(child.pid)
    owner = f"{machine}:{child.pid}:{started}"
    assert not owner_is_gone(owner)  # running
    await child.communicate(b"")
    assert owner_is_gone(owner)  # ended (and a pid given again has another start)
    # The same pid elsewhere: another host, another boot, another container's namespace.
    for there in (f"another-host/{boot}/1", f"{host}/another-boot/1", f"{host}/{boot}/1"):
        assert not owner_is_gone(f"{there}:{child.pid}:{started}"), there
    assert not owner_is_gone("")  # a claim that names no process
    assert not owner_is_gone(f"{machine}:not-a-pid:1")
