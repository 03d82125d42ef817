"""Reading what the curator gives `curate draft`: a text file, a saved web page, standard input
or an http(s) address. A web page's main text and metadata come from trafilatura."""

from __future__ import annotations

import codecs
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from bot.curate.structure import HEADING, PARAGRAPH, Article, Block, article_from_text, iso_date

MAX_BYTES = 2_000_000  # an article (a long one is 100 kB), not a site or a book
FETCH_TIMEOUT = 20.0  # seconds to connect, or between two reads
FETCH_DEADLINE = 60.0  # seconds for the whole page
CHUNK_BYTES = 65_536
USER_AGENT = "ReadingRoom-curate/1 (+https://github.com/)"


class SourceError(Exception):
    """The source cannot be drafted from; the message says why, in one line."""


def read_article(source: str, stdin: BinaryIO | None = None) -> Article:
    """The article at `source`: a path, "-" for standard input, or an http(s) URL."""
    if re.match(r"https?://", source, re.IGNORECASE):
        page = fetch(source)
        text = _decode(page.data, source, page.charset)
        return _article(text, html=page.html, url=page.url, name=source)
    if source == "-":
        data = (stdin or sys.stdin.buffer).read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise SourceError(f"standard input: over {MAX_BYTES // 1_000_000} MB, not an article")
        return _article(_decode(data, "standard input"), html=None, url="", name="standard input")
    path = Path(source)
    if not path.is_file():
        raise SourceError(f"{source}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise SourceError(f"{source}: over {MAX_BYTES // 1_000_000} MB, not an article")
    html = True if path.suffix.lower() in (".html", ".htm") else None
    return _article(_decode(path.read_bytes(), source), html=html, url="", name=source)


@dataclass(frozen=True)
class Page:
    """What an address answered: its bytes, the address after redirects, and what the server
    said it is (`html` None when it did not say)."""

    data: bytes
    url: str
    html: bool | None
    charset: str | None


def fetch(url: str, clock: Callable[[], float] = time.monotonic) -> Page:
    """The page at `url`, read within FETCH_DEADLINE in all (a server that trickles bytes is
    cut off, not waited on) and at most MAX_BYTES."""
    deadline = clock() + FETCH_DEADLINE
    try:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            kind = response.headers.get_content_type()
            charset = response.headers.get_content_charset()
            final = response.geturl()
            html = _is_html(kind, url)
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read1(CHUNK_BYTES):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_BYTES:
                    raise SourceError(f"{url}: over {MAX_BYTES // 1_000_000} MB, not an article")
                if clock() > deadline:
                    raise SourceError(
                        f"{url}: the server took over {FETCH_DEADLINE:.0f} s to send the page; "
                        "save it and draft from the file"
                    )
    except urllib.error.HTTPError as error:
        raise SourceError(f"{url}: the server answered {error.code} {error.reason}") from error
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise SourceError(f"{url}: could not be fetched ({reason})") from error
    return Page(b"".join(chunks), final, html, charset)


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


def _decode(data: bytes, name: str, charset: str | None = None) -> str:
    if not data.strip():
        raise SourceError(f"{name}: empty, there is no article to draft")
    if b"\x00" in data[:8192]:
        raise SourceError(f"{name}: a binary file, not an article's text or web page")
    try:
        # Bytes that read as UTF-8 are UTF-8, whatever the page says (other text rarely is).
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        declared = _codec(charset or _declared_charset(data))
        if declared and declared != "utf-8":
            return data.decode(declared, errors="replace")
        raise SourceError(
            f"{name}: not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8"
        ) from error


def _declared_charset(data: bytes) -> str | None:
    """The charset a web page names in its head (`<meta charset=...>`), if any."""
    found = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", data[:4096], re.IGNORECASE)
    return found.group(1).decode("ascii") if found else None


def _codec(charset: str | None) -> str | None:
    """Python's codec for a declared charset; as in browsers, Latin-1 and ASCII mean
    Windows-1252."""
    try:
        name = codecs.lookup(charset or "").name
    except LookupError:
        return None
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _article(text: str, *, html: bool | None, url: str, name: str) -> Article:
    if html is None:
        html = bool(re.match(r"\s*(?:<!doctype html|<html|<head|<body)", text, re.IGNORECASE))
    article = article_from_html(text, url) if html else article_from_text(text)
    if not article.paragraphs:
        what = "no article text found in the page" if html else "no paragraphs found"
        raise SourceError(f"{name}: {what}")
    return article


def article_from_html(page: str, url: str = "") -> Article:
    """The main text of a web page as headings and paragraphs, with its title, author, date,
    site name and canonical address; its source text is what the draft is made from."""
    import trafilatura  # a few hundred ms to import: only a web page needs it
    from lxml import etree

    document = trafilatura.bare_extraction(
        page,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_formatting=False,
        output_format="python",
    )
    if document is None:
        return Article("", ())
    xml = trafilatura.extract(
        page,
        url=url or None,
        output_format="xml",
        include_comments=False,
        include_tables=False,
        include_formatting=False,
    )
    blocks: list[Block] = []
    if xml:
        main = etree.fromstring(xml.encode()).find("main")
        for element in main if main is not None else ():
            text = " ".join("".join(element.itertext()).split())
            if not text:
                continue
            kind = HEADING if element.tag == "head" else PARAGRAPH
            blocks.append(Block(kind, text))
    title = (document.title or "").strip()
    if blocks and blocks[0].kind == HEADING and blocks[0].text == title:
        blocks.pop(0)
    source = "\n\n".join([title, *(b.text for b in blocks)] if title else [b.text for b in blocks])
    return Article(
        source_text=source + "\n",
        blocks=tuple(blocks),
        title=title,
        author=(document.author or "").strip(),
        date=iso_date(document.date or ""),
        publisher=(document.sitename or "").strip(),
        url=(document.url or url or "").strip(),
    )
