"""Fetching an article from an http(s) address for `curate draft`: within one deadline for the
whole exchange, at most MAX_BYTES, redirects only to http(s), and every way it can go wrong one
line of SourceError."""

from __future__ import annotations

import http.client
import threading
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from typing import Any

from bot.curate.errors import SourceError

MAX_BYTES = 2_000_000  # an article (a long one is 100 kB), not a site or a book
FETCH_TIMEOUT = 20.0  # seconds to connect, or between two reads
FETCH_DEADLINE = 60.0  # seconds for the whole exchange, headers and all
CHUNK_BYTES = 65_536
USER_AGENT = "ReadingRoom-curate/1"
# What `quote` leaves as it is in an address: its own punctuation and what is escaped already.
_ADDRESS_SAFE = ":/?#[]@!$&'()*+,;=%~"


@dataclass(frozen=True)
class Page:
    """What an address answered: its bytes, the address after redirects, and what the server
    said it is (`html` None when it did not say)."""

    data: bytes
    url: str
    html: bool | None
    charset: str | None


def too_big(name: str) -> SourceError:
    return SourceError(f"{name}: over {MAX_BYTES // 1_000_000} MB, not an article")


def fetch(url: str, deadline: float = FETCH_DEADLINE) -> Page:
    """The page at `url`. A server that has not sent all of it within `deadline` seconds (a
    slow trickle, headers included) is given up on, not waited for."""
    outcome: list[Any] = []

    def work() -> None:
        try:
            outcome.append(_fetch(url))
        except BaseException as error:  # handed to the caller, whatever it is
            outcome.append(error)

    # A daemon thread: one that never returns holds neither the caller nor the exit.
    worker = threading.Thread(target=work, name="curate-fetch", daemon=True)
    worker.start()
    worker.join(deadline)
    if not outcome:
        raise SourceError(
            f"{url}: the whole page did not come within {deadline:g} s; "
            "save it from a browser and draft from the file"
        )
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed to http(s) addresses only (not to ftp: or file:)."""

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        scheme = urllib.parse.urlsplit(newurl).scheme.lower()
        if scheme not in ("http", "https"):
            raise SourceError(f"{req.full_url}: redirected to a {scheme}: address, not a web page")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch(url: str) -> Page:
    address = urllib.parse.quote(url, safe=_ADDRESS_SAFE)  # "/café" is sent as "/caf%C3%A9"
    opener = urllib.request.build_opener(_WebOnlyRedirects)
    try:
        request = urllib.request.Request(address, headers={"User-Agent": USER_AGENT})
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            html = _is_html(response.headers.get_content_type(), url)
            data = _body(response, url)
            expected = response.headers.get("Content-Length", "")
            encoding = response.headers.get("Content-Encoding", "").strip().lower()
            page = Page(
                _decompressed(data, encoding, url) if encoding else data,
                response.geturl(),
                html,
                response.headers.get_content_charset(),
            )
    except urllib.error.HTTPError as error:
        reason = _one_line(error.reason)
        raise SourceError(f"{url}: the server answered {error.code} {reason}") from error
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = _one_line(getattr(error, "reason", error)) or type(error).__name__
        raise SourceError(f"{url}: could not be fetched ({reason})") from error
    if expected.isdigit() and len(data) < int(expected):
        raise SourceError(
            f"{url}: the server closed after {len(data)} of {expected} bytes; try again"
        )
    return page


def _one_line(reason: object) -> str:
    return " ".join(str(reason).split())


def _body(response: http.client.HTTPResponse, url: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(CHUNK_BYTES):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            raise too_big(url)
    return b"".join(chunks)


def _decompressed(data: bytes, encoding: str, url: str) -> bytes:
    """The body a server sent compressed though not asked to, uncompressed (within MAX_BYTES)."""
    if encoding == "identity":
        return data
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise SourceError(f"{url}: the server sent the page in {encoding}, which I cannot read")
    try:
        unzip = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib, by the header
        text = unzip.decompress(data, MAX_BYTES + 1)
    except zlib.error as error:
        raise SourceError(f"{url}: the page's {encoding} data is damaged") from error
    if len(text) > MAX_BYTES:
        raise too_big(url)
    return text


def _is_html(kind: str, url: str) -> bool | None:
    """Whether a response of this content type is a web page; a type that is neither a page nor
    text is refused."""
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    if kind == "text/plain":
        return False
    if kind.startswith("text/") or kind == "application/octet-stream":
        return None
    raise SourceError(f"{url}: the server sent {kind}, not a web page or text")
