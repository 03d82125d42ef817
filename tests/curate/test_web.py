"""Fetching a page from an address, on a web server on loopback: one deadline for the whole
exchange, redirects only to web pages, a page whole or refused, every fault one line."""

from __future__ import annotations

import socket

import pytest

from bot.curate import web
from bot.curate.sources import SourceError, read_article
from bot.curate.web import fetch
from tests.curate.loopback import PAGE, PLAIN, QUOTE, serving, with_quote


def test_a_redirect_gives_the_address_it_ended_at() -> None:
    with serving({"/page": (200, "text/html", PAGE.read_bytes())}) as address:
        page = fetch(f"{address}/moved")
    assert page.url == f"{address}/page"
    assert page.html is True


def test_a_page_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web, "MAX_BYTES", 1_000_000)
    body = b"<p>" + b"word " * 300_000 + b"</p>"
    with (
        serving({"/big": (200, "text/html", body)}) as address,
        pytest.raises(SourceError, match=r"/big: over 1 MB, not an article"),
    ):
        read_article(f"{address}/big")


def test_a_server_that_never_finishes_is_given_up_on() -> None:
    """It accepts and then sends nothing, not even headers: the deadline covers it all (a real
    0.3 s here, since the limit is on the wire)."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        with pytest.raises(SourceError, match=r"did not come within 0.3 s; save it from a brows"):
            fetch(f"http://127.0.0.1:{port}/page", deadline=0.3)


def test_a_compressed_page_is_uncompressed() -> None:
    with serving({"/gzip": (200, "text/html", with_quote("").encode())}) as address:
        assert QUOTE in read_article(f"{address}/gzip").source_text


def test_a_page_cut_off_before_its_length_is_refused_not_drafted() -> None:
    with (
        serving({"/cut": (200, "text/html", with_quote("").encode())}) as address,
        pytest.raises(SourceError, match=r"/cut: the server closed after \d+ of \d+ bytes"),
    ):
        read_article(f"{address}/cut")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/to-ftp", r"redirected to a ftp: address, not a web page$"),
        ("/loop", r"/loop: the server answered 302 .*infinite loop\. .*Found$"),
    ],
)
def test_redirects_go_only_to_web_pages_and_end(path: str, message: str) -> None:
    with serving({}) as address, pytest.raises(SourceError, match=message) as refused:
        read_article(f"{address}{path}")
    assert "\n" not in str(refused.value)


def test_an_address_with_a_space_or_an_accent_is_sent_escaped() -> None:
    with serving({"/caf%C3%A9%20noir": (200, "text/plain", PLAIN.encode())}) as address:
        assert read_article(f"{address}/café noir").title == "A headline"


def test_an_address_nothing_answers_is_one_clear_line() -> None:
    with serving({}) as address:
        pass  # the server is closed again: its port now refuses
    with pytest.raises(SourceError, match=r"could not be fetched \(.*refused"):
        read_article(f"{address}/page")
    with pytest.raises(SourceError, match=r"could not be fetched"):
        read_article("http://[::1/broken")
