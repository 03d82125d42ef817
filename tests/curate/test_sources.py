"""Reading an article from an address: what the server says a page is and which charset it is in
are honoured, and every way a fetch goes wrong is one clear line, on a web server on loopback."""

from __future__ import annotations

import contextlib
import http.server
import itertools
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.curate import sources
from bot.curate.sources import SourceError, fetch, read_article

PAGE = Path(__file__).parent / "articles" / "arctic-shipping-insurance" / "article.html"
QUOTE = "“We were never told,” she said. Café owners agreed."
PLAIN = f"A headline\n\nThe first paragraph of a plain text article.\n\n{QUOTE}\n"

Response = tuple[int, str, bytes]  # status, Content-Type, body


@contextlib.contextmanager
def serving(pages: dict[str, Response]) -> Iterator[str]:
    """A web server on loopback answering each path with its response; yields its address."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/moved":
                self.send_response(301)
                self.send_header("Location", "/page")
                self.end_headers()
                return
            status, kind, body = pages.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

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
    monkeypatch.setattr(sources, "MAX_BYTES", 1_000_000)
    body = b"<p>" + b"word " * 300_000 + b"</p>"
    with (
        serving({"/big": (200, "text/html", body)}) as address,
        pytest.raises(SourceError, match=r"/big: over 1 MB, not an article"),
    ):
        read_article(f"{address}/big")


def test_a_page_that_takes_too_long_in_all_is_cut_off() -> None:
    """Each read is quick but the whole is not: 30 s pass (on the injected clock) per read."""
    ticks = itertools.count(0, 30)
    body = b"<p>" + b"word " * 50_000 + b"</p>"  # four reads of 64 kB
    with (
        serving({"/slow": (200, "text/html", body)}) as address,
        pytest.raises(SourceError, match=r"took over 60 s to send the page; save it and draft"),
    ):
        fetch(f"{address}/slow", clock=lambda: float(next(ticks)))


def test_an_address_nothing_answers_is_one_clear_line() -> None:
    with serving({}) as address:
        pass  # the server is closed again: its port now refuses
    with pytest.raises(SourceError, match=r"could not be fetched \(.*refused"):
        read_article(f"{address}/page")
    with pytest.raises(SourceError, match=r"could not be fetched"):
        read_article("http://[::1/broken")
