"""How a claim names the process that made it, and when that process is surely gone."""

from __future__ import annotations

import socket
import subprocess
import sys

from bot.store.processes import claim_owner, identity, owner_is_gone


def test_this_process_is_not_gone() -> None:
    owner = claim_owner()
    assert owner.startswith(f"{socket.gethostname()}:")
    assert not owner_is_gone(owner)


def test_a_process_that_ended_is_gone_and_one_elsewhere_is_never_taken_for_gone() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    owner = f"{socket.gethostname()}:{child.pid}:{identity(child.pid)}"
    assert not owner_is_gone(owner)  # running
    child.communicate(b"")
    assert owner_is_gone(owner)  # ended (and a pid given again has another start)
    assert not owner_is_gone(f"another-host:{child.pid}:{identity(child.pid) or '1'}")
    assert not owner_is_gone("")  # a claim from before owners were recorded
    assert not owner_is_gone(f"{socket.gethostname()}:not-a-pid:1")
