"""Command line: `python -m bot [COMMAND]`, run (the default), console, ask, sync, check, commands,
export, curate, invite, doctor and reload."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime

import discord

from bot.client import ReadingRoomBot, bot_class
from bot.config import ConfigError, Settings, load_settings
from bot.console import (
    HELP,
    ConsoleError,
    Prompt,
    callback_bodies_json,
    format_reply,
    open_console,
)
from bot.curate import cli as curate_cli
from bot.doctor import diagnose
from bot.endpoints import use_endpoints
from bot.invite import InviteError, application_id, invite_text
from bot.migrate_state import migrate_state
from bot.reload import ReloadOnHangup, reload_command
from bot.startup import exit_code, login
from bot.store import Store, clock
from bot.store.export import library_to_dict
from bot.store.loader import (
    READINGS_DIR,
    ContentError,
    load_reading,
    reading_dirs,
)
from bot.store.models import DRAFT
from bot.store.sync import title_problems
from bot.store.validate import Problem

log = logging.getLogger("bot")
NO_TOKEN = "DISCORD_TOKEN is not set: copy .env.example to .env and put your bot token in it."
OFFLINE = (
    "No DISCORD_TOKEN: starting the offline console on a local Discord. "
    "To go online, put your bot token in .env (see .env.example)."
)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    offline = args.command in {"console", "ask"} or (
        args.command in {None, "run"} and not settings.token and sys.stdin.isatty()
    )
    # The console's replies are the output; only warnings go to the log there.
    quiet = offline or args.command in {"doctor", "invite"}  # their findings are the output
    level = logging.WARNING if quiet else getattr(logging, settings.log_level)
    discord.utils.setup_logging(level=level, root=True)
    use_endpoints(settings.api_base, settings.gateway_url)
    handlers = {
        "run": lambda: _run_online(settings),
        "console": lambda: _console(settings),
        "ask": lambda: _ask(settings, args.line, args.json, args.autocomplete),
        "sync": lambda: _sync(settings, args.guild),
        "check": lambda: _check(settings),
        "commands": lambda: _print_commands(settings),
        "export": lambda: _export(settings),
        "curate": lambda: curate_cli.run(args),
        "invite": lambda: _invite(settings, args.minimal, args.application_id),
        "doctor": lambda: _doctor(settings),
        "reload": lambda: _reload(settings),
        "migrate-state": lambda: migrate_state(settings, args.to),
    }
    try:
        return handlers[args.command or "run"]()
    except Exception as error:
        code = exit_code(error)
        if code is None:
            raise
        print(error, file=sys.stderr)
        return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="start the bot (the default); the console without a token")
    sub.add_parser("console", help="try the bot offline: type slash commands, see the replies")
    ask = sub.add_parser("ask", help="send one slash line offline and print the reply")
    ask.add_argument("line", nargs="?", help='a slash line, e.g. "/define civil society"')
    ask.add_argument("--json", action="store_true", help="print the callback bodies as JSON")
    ask.add_argument("--autocomplete", metavar="LINE", help="print autocomplete choices")
    sync = sub.add_parser("sync", help="sync slash commands globally, or to one guild")
    sync.add_argument("--guild", type=int, help="guild (server) id to sync to instead")
    sub.add_parser("check", help="validate the curated content and print a coverage summary")
    commands = sub.add_parser("commands", help="print the command definitions sent to Discord")
    commands.add_argument("--json", action="store_true", required=True)
    sub.add_parser("export", help="print the whole loaded store as JSON")
    curate_cli.add_parser(sub)
    invite = sub.add_parser("invite", help="print the link that invites the bot to a server")
    invite.add_argument("--minimal", action="store_true", help="only what lookups need")
    invite.add_argument("--application-id", type=int, help="when the token does not carry it")
    sub.add_parser("doctor", help="check a live setup: data, token, commands, permissions")
    sub.add_parser("reload", help="make the running bot load changed readings, no restart")
    migrate = sub.add_parser(
        "migrate-state", help="copy the guilds' state from DATABASE_PATH into an empty PostgreSQL"
    )
    migrate.add_argument("--to", metavar="URL", help="postgresql://... (default: DATABASE_URL)")
    return parser


def _run_online(settings: Settings) -> int:
    if not settings.token:
        if not sys.stdin.isatty():
            print(NO_TOKEN, file=sys.stderr)
            return 2
        print(OFFLINE)
        return _console(settings)
    return asyncio.run(_until_signalled(_serve(settings)))


def _console(settings: Settings) -> int:
    async def repl() -> None:
        async with open_console(settings) as console:
            print(HELP)
            prompt = Prompt("> ")
            while (line := await prompt.read()) is not None:
                if line.strip() in {"quit", "exit"}:
                    break
                if line.strip():
                    print(await console.handle(line))

    return asyncio.run(_until_signalled(repl()))


def _ask(settings: Settings, line: str | None, as_json: bool, autocomplete: str | None) -> int:
    if (line is None) == (autocomplete is None):
        print('ask needs one slash line, or --autocomplete "/command text"', file=sys.stderr)
        return 2

    async def one() -> int:
        async with open_console(settings) as console:
            try:
                if autocomplete is not None:
                    choices = await console.complete(autocomplete)
                    answer = {"type": 8, "data": {"choices": choices}}
                    print(
                        json.dumps(choices, indent=2, ensure_ascii=False)
                        if as_json
                        else format_reply(answer)
                    )
                    return 0
                record = await console.send(line or "")
            except ConsoleError as error:
                print(error, file=sys.stderr)
                return 2
            if not record.responses:
                print("the bot sent no reply", file=sys.stderr)
                return 1
            if as_json:
                print(callback_bodies_json(record))
            else:
                print(console.show(record))
            return 0

    return asyncio.run(one())


async def _until_signalled(coroutine: object) -> int:
    """Run `coroutine` until it ends or SIGTERM/SIGINT arrives, then shut down cleanly."""
    task = asyncio.ensure_future(coroutine)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task
    log.info("stopped")
    return 0


async def _serve(settings: Settings) -> None:
    if settings.clock_file:
        log.warning("the time is read from CLOCK_FILE %s, not the clock", settings.clock_file)
    async with (
        await Store.open(
            settings.database_path, settings.data_dir, settings.database_url or None
        ) as store,
        bot_class(settings.shards)(
            settings,
            store,
            now=clock.read_from(settings.clock_file) if settings.clock_file else _system_now,
            scheduler_interval=settings.excerpt_check_seconds,
        ) as bot,
    ):
        await store.register_process(int(time.time()))
        reloads = ReloadOnHangup(store)
        try:
            await login(bot, settings.token)
            await bot.sync_on_start()
            await bot.connect()
        finally:
            reloads.stop()
            await store.unregister_process()


def _system_now() -> datetime:
    return datetime.now(UTC)


def _sync(settings: Settings, guild_id: int | None) -> int:
    if not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2

    async def sync() -> None:
        async with (
            await Store.open(
                settings.database_path, settings.data_dir, settings.database_url or None
            ) as store,
            ReadingRoomBot(settings, store) as bot,
        ):
            await login(bot, settings.token)
            if guild_id is None:
                await bot.sync_global()
            else:
                guild = discord.Object(guild_id)
                bot.tree.copy_global_to(guild=guild)
                synced = await bot.tree.sync(guild=guild)
                print(f"synced {len(synced)} commands to guild {guild_id}")

    asyncio.run(sync())
    return 0


def _invite(settings: Settings, minimal: bool, app_id: int | None) -> int:
    if app_id is None and not settings.token:
        print(NO_TOKEN + " Or give --application-id.", file=sys.stderr)
        return 2
    try:
        print(invite_text(app_id or application_id(settings.token), minimal=minimal))
    except InviteError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


def _doctor(settings: Settings) -> int:
    if not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    findings = asyncio.run(diagnose(settings))
    print("\n".join(map(str, findings)))
    return 0 if all(f.ok for f in findings) else 1


def _reload(settings: Settings) -> int:
    code, lines = reload_command(settings.database_path)
    print("\n".join(lines), file=sys.stdout if code == 0 else sys.stderr)
    return code


def _check(settings: Settings) -> int:
    """Each reading in turn: a summary of those that are valid, then every problem of those
    that are not (the running bot serves the rest, and such a reading's last good version)."""
    folders = reading_dirs(settings.data_dir)
    problems: list[Problem] = []
    if not folders:
        problems.append(
            Problem(str(settings.data_dir / READINGS_DIR), "-", "-", "no reading folders")
        )
    valid, titles = 0, {}
    for folder in folders:
        reading, found = load_reading(folder)
        if reading is not None and not found:
            found = title_problems(reading, folder, titles)
        if found or reading is None:
            problems += found
            print(f"{folder.name}: not loaded, {len(found)} problem(s) (listed below)")
            continue
        valid += 1
        print(f"{reading.id}: {reading.title}")
        print(
            f"  {len(reading.sections)} sections, {len(reading.passages)} passages, "
            f"{len(reading.speakers)} speakers, {len(reading.quotes)} quotes, "
            f"{len(reading.concepts)} concepts, {len(reading.publications)} publications"
        )
        for speaker in reading.speakers:
            said = sum(1 for q in reading.quotes if q.speaker == speaker.id)
            print(f"  {speaker.name}: {said} quotes")
        bare = [c.id for c in reading.concepts if not c.evidence]
        print(f"  concepts without evidence: {', '.join(bare) if bare else 'none'}")
        if reading.status == DRAFT:
            print("  a draft: not served until `python -m bot curate approve` marks it curated")
            print("\n".join(curate_cli.review_lines(reading)))
    if problems:
        raise ContentError(list(problems))
    print(f"ok: {valid} reading(s) valid")
    return 0


def _print_commands(settings: Settings) -> int:
    async def payload() -> list[dict]:
        async with (
            await Store.open(":memory:", settings.data_dir) as store,
            ReadingRoomBot(settings, store) as bot,
        ):
            await bot.load_extensions()
            return bot.command_payload()

    print(json.dumps(asyncio.run(payload()), indent=2, ensure_ascii=False))
    return 0


def _export(settings: Settings) -> int:
    async def export() -> dict:
        async with await Store.open(settings.database_path, settings.data_dir) as store:
            return library_to_dict(await store.read_library())

    print(json.dumps(asyncio.run(export()), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
