"""Reading an article from an address: what the server says a page is and which charset it is in
are honoured, text is never garbled, and every way a fetch goes wrong is one clear line; on a
web server on loopback."""

from __future__ import annotations

import contextlib
import gzip
import http.server
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.curate import web
from bot.curate.sources import SourceError, read_article
from bot.curate.web import fetch

PAGE = Path(__file__).parent / "articles" / "arctic-shipping-insurance" / "article.html"
QUOTE = "“We were never told,” she said. Café owners agreed."
PLAIN = f"A headline\n\nThe first paragraph of a plain text article.\n\n{QUOTE}\n"

Response = tuple[int, str, bytes]  # status, Content-Type, body
REDIRECTS = {"/moved": "/page", "/loop": "/loop", "/to-ftp": "ftp://127.0.0.1/x"}


@contextlib.contextmanager
def serving(pages: dict[str, Response]) -> Iterator[str]:
    """A web server on loopback answering each path with its response; yields its address."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path in REDIRECTS:
                self.send_response(302)
                self.send_header("Location", REDIRECTS[self.path])
                self.end_headers()
                return
            status, kind, body = pages.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            if self.path.startswith("/gzip"):
                body = gzip.compress(body)
                self.send_header("Content-Encoding", "gzip")
            length = len(body) + (5000 if self.path.startswith("/cut") else 0)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def with_quote(declared: str) -> str:
    """The test page with QUOTE in its first paragraph and `declared` as its head's charset."""
    text = PAGE.read_text(encoding="utf-8").replace("<p>Each summer", f"<p>{QUOTE} Each summer")
    return re.sub(r'<meta charset="UTF-8">', declared, text)


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


def test_a_redirect_gives_the_address_it_ended_at() -> None:
    with serving({"/page": (200, "text/html", PAGE.read_bytes())}) as address:
        page = fetch(f"{address}/moved")
    assert page.url == f"{address}/page"
    assert page.html is True


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
