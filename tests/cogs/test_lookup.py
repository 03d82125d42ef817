"""/define and /search end to end: the real client, cogs and store against the sandbox."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Sandbox

EPHEMERAL = 64


def embed(response: dict) -> dict:
    (first,) = response["data"]["embeds"]
    return first


def button_labels(response: dict) -> list[str]:
    return [c["label"] for row in response["data"].get("components", []) for c in row["components"]]


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("civil society", "Civil society"),
        ("marketisation", "Marketization"),
        ("patron client networks", "Patron-client networks"),
        ("Trust network", "Trust networks"),
    ],
)
async def test_define_answers_privately_with_share(
    sandbox: Sandbox, typed: str, title: str
) -> None:
    response = await sandbox.ask("define", {"term": typed})
    assert response["type"] == 4
    assert response["data"]["flags"] & EPHEMERAL
    assert embed(response)["title"] == title
    assert "Share" in button_labels(response)
    assert response["data"]["allowed_mentions"] == {"parse": []}


async def test_define_shows_quotes_with_their_speakers(sandbox: Sandbox) -> None:
    page = embed(await sandbox.ask("define", {"term": "trust networks"}))
    quotes = [f["value"] for f in page["fields"] if f["name"] == "Said in the reading"]
    assert any(value.startswith("**Andrew Yeo**: “") for value in quotes)
    assert "section:" in page["footer"]["text"]


async def test_define_unknown_term_suggests(sandbox: Sandbox) -> None:
    response = await sandbox.ask("define", {"term": "civl society"})
    assert response["data"]["flags"] & EPHEMERAL
    assert "Did you mean" in response["data"]["content"]
    assert "**Civil society**" in response["data"]["content"]


async def test_define_autocomplete(sandbox: Sandbox) -> None:
    names = [c["value"] for c in await sandbox.choices("define", "term", "civ")]
    assert names[0] == "Civil society"
    assert len(await sandbox.choices("define", "term", "")) == 25
    assert await sandbox.choices("define", "term", "zzzz") == []


async def test_search_highlights_and_ranks(sandbox: Sandbox) -> None:
    page = embed(await sandbox.ask("search", {"query": "semi-autonomous public sphere"}))
    assert page["fields"][0]["name"] == "Concept · Semi-autonomous public sphere"
    marked = re.findall(r"\*\*([^*]+)\*\*", page["fields"][0]["value"])
    assert {word.casefold() for word in marked} == {
        "semi",
        "autonomous",
        "public",
        "sphere",
        "spheres",
    }


HOSTILE = [
    "",
    "x" * 1000,
    "**bold** __under__ ~~strike~~ ||spoiler|| `code`",
    "@everyone @here <@123> <@&456>",
    '" NEAR( * ^ OR AND NOT col:val',
    "北朝鮮の市場 🙂 Ünïcödé",
    "nothing-matches-this-zzzz",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize(("command", "option"), [("define", "term"), ("search", "query")])
async def test_hostile_input_gets_a_safe_answer(
    sandbox: Sandbox, command: str, option: str, text: str
) -> None:
    response = await sandbox.ask(command, {option: text})
    assert response["type"] == 4
    data = response["data"]
    shown = (data.get("content") or "") + str(data.get("embeds") or "")
    assert "@everyone" not in shown.replace("@\u200beveryone", "")
    assert data["allowed_mentions"] == {"parse": []}


async def test_answers_as_text_where_the_bot_may_not_embed(sandbox: Sandbox) -> None:
    server = sandbox.server
    await server.set_permissions(server.general_id, server.bot_id, deny=1 << 14)
    record = await sandbox.invoke("expert", {"name": "Yeo"})
    data = (await record.first_response())["data"]
    assert not data.get("embeds")
    assert data["content"].startswith("**Andrew Yeo**")
    assert "page 1/2" in data["content"]
    turned = await server.click(record, "Next")
    assert "page 2/2" in (await turned.first_response())["data"]["content"]
    shared = await server.click(record, "Share")
    content = (await shared.first_response())["data"]["content"]
    assert content.startswith(f"Shared by <@{server.member_id}>\n**Andrew Yeo**")


async def test_define_asks_the_store_once_and_its_add_button_keeps_the_concept_shown(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = sandbox.bot.store
    (entry,) = await store.define("civil society")
    asked: list[tuple[object, ...]] = []
    define = store.define

    async def counted(*args: object, **kwargs: object) -> object:
        asked.append(args)
        return await define(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "define", counted)
    response = await sandbox.ask("define", {"term": "civil society"})
    assert len(asked) == 1  # the page and its buttons from one answer
    (add,) = [
        c
        for row in response["data"]["components"]
        for c in row["components"]
        if c.get("label") == "Add to review"
    ]
    assert add["custom_id"] == f'rr:card:c:["{entry.reading_id}","{entry.concept.id}"]'
