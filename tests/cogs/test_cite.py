"""/cite end to end: the seed reading, one of its quotes and one of its publications, in every
style, equal to golden outputs (the seed gives no author and no date: each style's own form for
that, never an invented one)."""

from __future__ import annotations

import pytest

from tests.conftest import READING_ID, Sandbox

URL = "https://www.usip.org/publications/2021/02/can-markets-help-foster-civil-society-north-korea"
TITLE = "Can Markets Help Foster Civil Society in North Korea?"
PUBLISHER = "United States Institute of Peace"
QUOTE = f"{READING_ID}/quote/yeo-private-small-scale"
PUBLICATION = f"{READING_ID}/publication/china-dilemmas-ukraine-war"
PUB_TITLE = "China\u2019s Dilemmas Deepen as North Korea Enters Ukraine War"

READING = {
    "apa": (f"{PUBLISHER}. (n.d.). *{TITLE}* {URL}", f"({PUBLISHER}, n.d.)"),
    "chicago-author-date": (f"{PUBLISHER}. n.d. “{TITLE}” {URL}.", f"({PUBLISHER}, n.d.)"),
    "chicago-notes": (f"{PUBLISHER}. “{TITLE}” {URL}.", f"“{TITLE}” {PUBLISHER}, {URL}."),
    "mla": (f"“{TITLE}” *{PUBLISHER}*, {URL}.", f"(“{TITLE}”)"),
    "bibtex": (
        f"@misc{{{READING_ID}, title={{{TITLE}}}, url={{{URL}}}, publisher={{{PUBLISHER}}} }}",
        "",
    ),
}
QUOTED = {  # the reading's reference, and the source quoted in another
    "apa": f"(Yeo, as cited in {PUBLISHER}, n.d.)",
    "chicago-author-date": f"(Yeo, quoted in {PUBLISHER}, n.d.)",
    "chicago-notes": f"Andrew Yeo, quoted in “{TITLE}” {PUBLISHER}, {URL}.",
    "mla": f"(qtd. in “{TITLE}”)",
    "bibtex": "",
}
PUBLISHED = {
    "apa": (f"*{PUB_TITLE}*. (2024). [Analysis]. {PUBLISHER}.", f"(*{PUB_TITLE}*, 2024)"),
    "chicago-author-date": (
        f"*{PUB_TITLE}*. 2024. Analysis. {PUBLISHER}.",
        f"(*{PUB_TITLE}* 2024)",
    ),
    "chicago-notes": (
        f"*{PUB_TITLE}*. Analysis. {PUBLISHER}, 2024.",
        f"*{PUB_TITLE}*, Analysis ({PUBLISHER}, 2024).",
    ),
    "mla": (f"*{PUB_TITLE}*. Analysis. {PUBLISHER}, 14 Nov. 2024.", f"(*{PUB_TITLE}*)"),
    "bibtex": (
        "@techreport{china-dilemmas-ukraine-war, type={Analysis}, "
        f"title={{{PUB_TITLE}}}, institution={{{PUBLISHER}}}, year={{2024}}, month=nov }}",
        "",
    ),
}


async def cite(sandbox: Sandbox, options: dict) -> tuple[str, str]:
    """The reference and in-text citation /cite shows."""
    data = (await sandbox.ask("cite", options))["data"]
    assert data["flags"] & 64
    (embed,) = data["embeds"]
    reference = embed["description"]
    if reference.startswith("```bibtex\n"):
        reference = reference.removeprefix("```bibtex\n").removesuffix("\n```")
    in_text = embed["fields"][0]["value"] if embed.get("fields") else ""
    return reference, in_text


@pytest.mark.parametrize("style", list(READING))
async def test_the_reading_quote_and_publication_in_each_style(
    sandbox: Sandbox, style: str
) -> None:
    assert await cite(sandbox, {"style": style}) == READING[style]  # the reading by default
    assert await cite(sandbox, {"what": QUOTE, "style": style}) == (
        READING[style][0],
        QUOTED[style],
    )
    assert await cite(sandbox, {"what": PUBLICATION, "style": style}) == PUBLISHED[style]


async def test_apa_is_the_default_and_what_is_offered_as_typed(sandbox: Sandbox) -> None:
    assert await cite(sandbox, {}) == READING["apa"]
    offered = await sandbox.choices("cite", "what", "small scale")
    assert {
        "name": "Quote: Andrew Yeo: “Most networks derived from markets remain private and "
        "small scale”",
        "value": QUOTE,
    } in offered
    offered = await sandbox.choices("cite", "what", "")
    assert offered[0]["value"] == READING_ID
    assert PUBLICATION in [choice["value"] for choice in offered]


async def test_something_not_in_the_library_is_a_clear_error(sandbox: Sandbox) -> None:
    data = (await sandbox.ask("cite", {"what": f"{READING_ID}/quote/nobody"}))["data"]
    assert data["flags"] & 64
    assert "No quote “nobody”" in data["content"]
