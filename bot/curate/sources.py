"""Reading what the curator gives `curate draft`: a text file, a saved web page, standard input
or an http(s) address. A web page's main text and metadata come from trafilatura."""

from __future__ import annotations

import codecs
import re
import sys
from pathlib import Path
from typing import BinaryIO

from bot.curate import web
from bot.curate.errors import SourceError
from bot.curate.structure import HEADING, PARAGRAPH, Article, Block, article_from_text, iso_date
from bot.curate.web import fetch, too_big

__all__ = ["SourceError", "article_from_html", "read_article"]


def read_article(source: str, stdin: BinaryIO | None = None) -> Article:
    """The article at `source`: a path, "-" for standard input, or an http(s) URL."""
    if re.match(r"https?://", source, re.IGNORECASE):
        page = fetch(source)
        text = _decode(page.data, source, page.charset)
        return _article(text, html=page.html, url=page.url, name=source)
    if source == "-":
        data = (stdin or sys.stdin.buffer).read(web.MAX_BYTES + 1)
        if len(data) > web.MAX_BYTES:
            raise too_big("standard input")
        return _article(_decode(data, "standard input"), html=None, url="", name="standard input")
    path = Path(source)
    if not path.is_file():
        raise SourceError(f"{source}: no such file")
    if path.stat().st_size > web.MAX_BYTES:
        raise too_big(source)
    html = True if path.suffix.lower() in (".html", ".htm") else None
    return _article(_decode(path.read_bytes(), source), html=html, url="", name=source)


def _decode(data: bytes, name: str, charset: str | None = None) -> str:
    """The text of `data`: UTF-8 when it reads as UTF-8 (other text rarely does, whatever a
    page says it is), else in the charset declared (by a byte order mark, the server or the
    page's head), read strictly: text that would come out garbled is refused, not drafted."""
    if not data.strip():
        raise SourceError(f"{name}: empty, there is no article to draft")
    declared = _codec(_bom_charset(data) or charset or _declared_charset(data))
    wide = declared is not None and declared.startswith(("utf-16", "utf-32"))
    zeros = b"\x00" in data[:8192]  # as any page in UTF-16 or -32 has: its markup is ASCII
    if wide and zeros:
        return _strictly(data, declared or "", name).removeprefix("\ufeff")
    if zeros:
        raise SourceError(f"{name}: a binary file, not an article's text or web page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if declared is None or declared == "utf-8" or wide:
            raise SourceError(
                f"{name}: not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8"
            ) from error
    return _strictly(data, declared, name)


def _strictly(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{name}: says it is {codec} text, but byte {error.start} is not; save it as UTF-8"
        ) from error


def _bom_charset(data: bytes) -> str | None:
    """The charset a byte order mark at the start names (UTF-32's before UTF-16's, which
    begin alike)."""
    for bom, charset in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return charset
    return None


def _declared_charset(data: bytes) -> str | None:
    """The charset a web page names in its head (`<meta charset=...>`), if any."""
    found = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", data[:4096], re.IGNORECASE)
    return found.group(1).decode("ascii") if found else None


# Codecs Python calls text encodings but no web page is written in (or ones that hide text).
_NOT_PAGE_CODECS = frozenset({"idna", "punycode", "utf-7", "raw-unicode-escape", "unicode-escape"})


def _codec(charset: str | None) -> str | None:
    """Python's codec for a declared charset, if it is a text encoding a page may be in; as
    in browsers, Latin-1 and ASCII mean Windows-1252."""
    try:
        info = codecs.lookup(charset or "")
    except (LookupError, ValueError):
        return None
    if not info._is_text_encoding or info.name in _NOT_PAGE_CODECS:
        return None
    return "cp1252" if info.name in ("latin-1", "iso8859-1", "ascii") else info.name


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
    blocks: list[Block] = []
    # The main text as parsed once: the elements `extract` would write as <main>'s.
    for element in document.body if document.body is not None else ():
        text = " ".join("".join(element.itertext()).split())
        if text:
            blocks.append(Block(HEADING if element.tag == "head" else PARAGRAPH, text))
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
