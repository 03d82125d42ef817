"""The offline console and `python -m bot ask`: slash lines in, what Discord would show out."""

from __future__ import annotations

import json

import pytest

from bot.config import Settings
from bot.console import ConsoleError, format_reply, open_console, parse_slash
from tests.test_main import run_cli

COMMANDS = {
    "expert": {
        "name": "expert",
        "options": [
            {"name": "name", "type": 3, "required": True, "autocomplete": True},
            {"name": "topic", "type": 3, "autocomplete": True},
        ],
    },
    "preview": {"name": "preview", "options": [{"name": "count", "type": 4}]},
    "help": {"name": "help"},
    "excerpt": {
        "name": "excerpt",
        "options": [
            {
                "name": "schedule",
                "type": 1,
                "options": [
                    {"name": "channel", "type": 7, "required": True},
                    {"name": "time", "type": 3, "required": True},
                    {"name": "thread", "type": 5},
                ],
            },
            {"name": "status", "type": 1, "options": []},
        ],
    },
}


@pytest.mark.parametrize(
    ("line", "options", "last"),
    [
        ("/expert Hastings", {"name": "Hastings"}, "name"),
        ("/expert name:Hastings topic:markets", {"name": "Hastings", "topic": "markets"}, "topic"),
        (
            "/expert Justin Hastings topic: state control",
            {"name": "Justin Hastings", "topic": "state control"},
            "topic",
        ),
        ("/expert topic:trust name:Yeo", {"topic": "trust", "name": "Yeo"}, "name"),
        ("/expert name:a:b", {"name": "a:b"}, "name"),
        ("/preview count:3", {"count": 3}, "count"),
        ("/help", {}, None),
        (
            "/excerpt schedule channel:#study time:09:00 thread:yes",
            {"channel": "study", "time": "09:00", "thread": True},
            "thread",
        ),
        ("/excerpt status", {}, None),
    ],
)
def test_parse_slash(line: str, options: dict, last: str | None) -> None:
    parsed = parse_slash(line, COMMANDS)
    assert parsed.options == options
    assert parsed.last_option == last


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("expert Yeo", "start with '/'"),
        ("/nope", "Unknown command /nope"),
        ("/help me", "takes no options"),
        ("/preview count:many", "not a valid value"),
        ("/excerpt", "needs one of: schedule, status"),
    ],
)
def test_parse_slash_explains_bad_lines(line: str, message: str) -> None:
    with pytest.raises(ConsoleError, match=message):
        parse_slash(line, COMMANDS)


def test_format_reply_shows_what_discord_shows() -> None:
    response = {
        "type": 4,
        "data": {
            "flags": 64,
            "content": "Shared by <@42> \\*really\\*",
            "embeds": [
                {
                    "title": "Civil society",
                    "description": "A space",
                    "fields": [{"name": "Related", "value": "Trust"}],
                    "footer": {"text": "page 1/2"},
                }
            ],
            "components": [
                {
                    "type": 1,
                    "components": [
                        {"type": 2, "label": "Previous", "disabled": True},
                        {"type": 2, "label": "Next"},
                    ],
                }
            ],
        },
    }
    assert format_reply(response, {42: "reader"}).splitlines() == [
        "[only you can see this]",
        "Shared by @reader *really*",
        "== Civil society ==",
        "A space",
        "-- Related",
        "   Trust",
        "(page 1/2)",
        "[Previous] (disabled) [Next]",
    ]


def test_ask_prints_the_reply(tmp_path) -> None:
    result = run_cli("ask", "/expert name:Hastings topic:markets", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["[only you can see this]", "== Justin Hastings =="]
    assert "“The state is chasing control rather than exercising it.”" in result.stdout
    assert lines[-1] == "[Previous] (disabled) [Next] [Share] [Save]"


def test_ask_json_is_exactly_the_callback_bodies(tmp_path) -> None:
    result = run_cli("ask", "/publications type:Analysis", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    (body,) = json.loads(result.stdout)
    assert body["type"] == 4
    assert body["data"]["flags"] == 64
    assert body["data"]["allowed_mentions"] == {"parse": []}
    assert len(body["data"]["embeds"][0]["fields"]) == 3


def test_ask_autocomplete(tmp_path) -> None:
    result = run_cli("ask", "--autocomplete", "/define civ", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0] == {"name": "Civil society", "value": "Civil society"}


def test_ask_refuses_a_bad_line(tmp_path) -> None:
    result = run_cli("ask", "/define", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "option 'term' is required" in result.stderr


def test_ask_drives_moderator_commands_by_channel_name(tmp_path) -> None:
    line = "/excerpt schedule channel:#study time:07:30 timezone:asia/seoul"
    result = run_cli("ask", line, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "== Daily excerpts · active =="
    assert lines[3] == "   #study"
    assert lines[5] == "   07:30 Asia/Seoul"
    assert not (tmp_path / "cli.db").exists(), "the console keeps off the bot's real database"


async def test_the_console_shows_what_a_manual_post_put_in_the_channel(tmp_path) -> None:
    settings = Settings(database_path=tmp_path / "unused.db")
    async with open_console(settings) as console:
        await console.handle("/excerpt schedule channel:#study time:07:30 timezone:UTC")
        lines = (await console.handle("/excerpt post")).splitlines()
    assert lines[:4] == [
        "[only you can see this]",
        "Posted excerpt 1 of 25 in #general.",
        "[posted in #general]",
        "== Introduction ==",
    ]
    assert lines[-1] == "(Can Markets Help Foster Civil Society in North Korea? · excerpt 1 of 25)"
