"""Reading what the curator gives `curate draft`: a text file, a saved web page, standard input
or an http(s) address. A web page's main text and metadata come from trafilatura."""

from __future__ import annotations

import re
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import BinaryIO

from bot.curate.structure import HEADING, PARAGRAPH, Article, Block, article_from_text, iso_date

MAX_BYTES = 2_000_000  # an article (a long one is 100 kB), not a site or a book
FETCH_TIMEOUT = 20.0  # seconds
USER_AGENT = "ReadingRoom-curate/1 (+https://github.com/)"


class SourceError(Exception):
    """The source cannot be drafted from; the message says why, in one line."""


def read_article(source: str, stdin: BinaryIO | None = None) -> Article:
    """The article at `source`: a path, "-" for standard input, or an http(s) URL."""
    if re.match(r"https?://", source, re.IGNORECASE):
        data, url = _fetch(source)
        return _article(data, html=True, url=url, name=source)
    if source == "-":
        data = (stdin or sys.stdin.buffer).read(MAX_BYTES + 1)
        return _article(data, html=None, url="", name="standard input")
    path = Path(source)
    if not path.is_file():
        raise SourceError(f"{source}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise SourceError(f"{source}: over {MAX_BYTES // 1_000_000} MB, not an article")
    html = True if path.suffix.lower() in (".html", ".htm") else None
    return _article(path.read_bytes(), html=html, url="", name=source)


def _fetch(url: str) -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            data = response.read(MAX_BYTES + 1)
            final = response.geturl()
    except urllib.error.HTTPError as error:
        raise SourceError(f"{url}: the server answered {error.code} {error.reason}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SourceError(f"{url}: could not be fetched ({reason})") from error
    if len(data) > MAX_BYTES:
        raise SourceError(f"{url}: over {MAX_BYTES // 1_000_000} MB, not an article")
    return data, final


def _decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise SourceError(f"{name}: empty, there is no article to draft")
    if b"\x00" in data[:8192]:
        raise SourceError(f"{name}: a binary file, not an article's text or web page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{name}: not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8"
        ) from error


def _article(data: bytes, *, html: bool | None, url: str, name: str) -> Article:
    text = _decode(data, name)
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
