"""On PostgreSQL a process's claims are known live by a lock its own session holds: held while
the state is open, gone with the session, and taken again when that connection drops."""

from __future__ import annotations

from bot.store.state_db import PostgresState, open_state, owner_alive

OWNER = "machine/boot/1:4242:99"


async def _alive(probe: PostgresState, owner: str = OWNER) -> bool:
    async with probe.transaction() as tx:
        return await owner_alive(tx, owner)


async def test_the_lock_lives_with_the_state_and_is_taken_again_after_a_drop(
    postgres_url: str,
) -> None:
    probe = await open_state(postgres_url)  # no owner: takes no lock
    state = await open_state(postgres_url, OWNER)
    try:
        assert await _alive(probe)
        assert not await _alive(probe, "machine/boot/1:1:1")
        # The server drops the lock's connection (a restart, a network fault), and waits
        # until that session has ended.
        await probe.fetch(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE locktype = 'advisory' "
            "AND mode = 'ShareLock' AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        assert not await _alive(probe)
        assert await state.hold_owner_lock()  # as the next claim asks: taken again
        assert await _alive(probe)
        assert await state.hold_owner_lock()  # held: nothing to do
    finally:
        await state.close()
    assert not await _alive(probe)  # closed: gone with its session
    await probe.close()
