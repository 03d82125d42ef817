"""Reading an article: what the server says a page is and which charset it is in are honoured,
text is never garbled, and what cannot be drafted is one clear line."""

from __future__ import annotations

import pytest

from bot.curate.sources import SourceError, read_article
from tests.curate.loopback import PLAIN, QUOTE, Response, serving, with_quote


def page_in(charset: str, *, declared_in: str) -> tuple[str, bytes]:
    """The test page encoded in `charset`, which the header or the page's head names."""
    if declared_in == "page":
        return "text/html", with_quote(f'<meta charset="{charset}">').encode(charset)
    return f"text/html; charset={charset}", with_quote("").encode(charset)


@pytest.mark.parametrize("declared_in", ["header", "page"])
def test_a_page_in_windows_1252_reads_as_written(declared_in: str) -> None:
    kind, body = page_in("windows-1252", declared_in=declared_in)
    with serving({"/page": (200, kind, body)}) as address:
        article = read_article(f"{address}/page")
    assert QUOTE in article.source_text
    assert "â€" not in article.source_text, "no mojibake"


def test_a_page_in_utf8_that_claims_latin1_is_still_read_as_utf8() -> None:
    body = with_quote("").encode()
    with serving({"/page": (200, "text/html; charset=ISO-8859-1", body)}) as address:
        article = read_article(f"{address}/page")
    assert QUOTE in article.source_text


def test_a_page_that_is_not_in_the_charset_it_names_is_refused_not_garbled() -> None:
    body = with_quote('<meta charset="utf-8">').encode("windows-1252")
    with (
        serving({"/page": (200, "text/html", body)}) as address,
        pytest.raises(SourceError, match=r"/page: not UTF-8 text \(invalid start byte at byte"),
    ):
        read_article(f"{address}/page")


def test_plain_text_at_an_address_keeps_its_paragraphs() -> None:
    with serving({"/notes.txt": (200, "text/plain; charset=utf-8", PLAIN.encode())}) as address:
        article = read_article(f"{address}/notes.txt")
    assert article.title == "A headline"
    assert [block.text for block in article.blocks][-1] == QUOTE


@pytest.mark.parametrize(
    ("path", "response", "message"),
    [
        ("/gone", None, r"/gone: the server answered 404 Not Found$"),
        ("/paper.pdf", (200, "application/pdf", b"%PDF-1.7"), r"sent application/pdf, not a web"),
        ("/empty", (200, "text/html", b"  \n"), r"/empty: empty, there is no article"),
        ("/blank", (200, "text/html", b"<html><body></body></html>"), r"no article text found"),
    ],
)
def test_what_cannot_be_drafted_is_one_clear_line(
    path: str, response: Response | None, message: str
) -> None:
    pages = {path: response} if response else {}
    with serving(pages) as address, pytest.raises(SourceError, match=message) as refused:
        read_article(f"{address}{path}")
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("charset", "message"),
    [
        ("hex", None),  # no text encoding: ignored, the bytes are read as UTF-8
        ("utf-7", None),  # no page is written in it
        ("x-no-such", None),
        ("windows-1252", r"says it is cp1252 text, but byte \d+ is not"),
    ],
)
def test_a_charset_that_cannot_be_right_never_garbles_the_text(
    charset: str, message: str | None
) -> None:
    body = with_quote("").encode() + b"\x81\x8d"  # not UTF-8, nor defined in Windows-1252
    with (
        serving({"/page": (200, f"text/html; charset={charset}", body)}) as address,
        pytest.raises(SourceError, match=message or r"/page: not UTF-8 text"),
    ):
        read_article(f"{address}/page")


@pytest.mark.parametrize("charset", ["utf-16", "utf-16-le", "utf-32"])
def test_a_page_in_utf16_or_utf32_is_read(charset: str) -> None:
    body = with_quote("").encode(charset)
    header = "text/html" if charset in ("utf-16", "utf-32") else f"text/html; charset={charset}"
    with serving({"/page": (200, header, body)}) as address:  # a byte order mark, or the header
        assert QUOTE in read_article(f"{address}/page").source_text
