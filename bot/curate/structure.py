"""An article as the drafter reads it: title and metadata, then headings and paragraphs in order,
with captions, credits, bylines and the related-publications list set apart."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING = "heading"
PARAGRAPH = "paragraph"
_HEADING_WORDS_MAX = 14
_END_PUNCTUATION = tuple(".!?;:,\u201d\"\u2019')…")
# A photo credit closing a caption: "(Jonah M. Kessel/The New York Times)", "(Photo: AP)".
_CREDIT = re.compile(
    r"\((?:[A-Z][^()/]*/\s*[A-Z][^()]*|[^()]*\b(?:Photo|Image|Getty|AFP|Reuters|AP)\b[^()]*)\)\s*$"
)
_CAPTION_WORDS = 60  # a caption is short; a paragraph is not one however it ends
_CAPTION_START = re.compile(r"^(?:Photo|Image|Picture|Credit|Caption)s?\s*[:(]")
_BYLINE = re.compile(r"^By\s+(?P<author>[A-Z][^,\n]{1,80}?)(?:,\s*(?P<rest>.*))?$")
_RELATED = re.compile(
    r"^(?:Related(?: Publications| Articles| Reading| Content| Stories)?|"
    r"Read more|See also|More from\b.*)$",
    re.IGNORECASE,
)
_MONTH_NAMES = (
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec January February March April June July "
    "August September October November December Sept"
)
_MONTHS = _MONTH_NAMES.split()
_DATE = re.compile(
    r"\b(?:(?P<iso>\d{4}-\d{2}-\d{2})|(?P<month>" + "|".join(_MONTHS) + r")\.? (?P<day>\d{1,2}),? "
    r"(?P<year>\d{4})|(?P<day2>\d{1,2}) (?P<month2>"
    + "|".join(_MONTHS)
    + r")\.? (?P<year2>\d{4}))\b"
)


@dataclass(frozen=True, slots=True)
class Block:
    kind: str  # HEADING or PARAGRAPH
    text: str


@dataclass(frozen=True, slots=True)
class Related:
    """One entry of the page's related-publications list, as listed."""

    title: str
    date: str = ""
    type: str = ""
    summary: str = ""
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """What the draft is made from: `source_text` is written as the reading's source file."""

    source_text: str
    blocks: tuple[Block, ...]
    title: str = ""
    author: str = ""
    date: str = ""
    publisher: str = ""
    url: str = ""
    related: tuple[Related, ...] = field(default=())

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == PARAGRAPH]


def iso_date(text: str) -> str:
    """The first date `text` gives, as YYYY-MM-DD; "" when it gives none."""
    match = _DATE.search(text)
    if match is None:
        return ""
    if match["iso"]:
        return match["iso"]
    month = match["month"] or match["month2"]
    day = match["day"] or match["day2"]
    year = match["year"] or match["year2"]
    number = _MONTHS.index(month[:3]) % 12 + 1  # the short names follow the long
    return f"{year}-{number:02d}-{int(day):02d}"


def is_heading(text: str) -> bool:
    """A line that reads as a heading: short, capitalised, without closing punctuation (a
    question in title case, "What Do We Mean by Civil Society?", is one too)."""
    words = text.split()
    if not (0 < len(words) <= _HEADING_WORDS_MAX and "\n" not in text and text[0].isupper()):
        return False
    if _DATE.fullmatch(text.strip()):
        return False
    if text.endswith("?"):
        long_words = [w for w in words if len(w) > 3]
        return sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words)
    return not text.endswith(_END_PUNCTUATION)


def is_caption(text: str) -> bool:
    """A photo caption or credit: a credit in brackets at its end, a "Photo:" start, or the
    same line twice (as pages that repeat a caption for screen readers)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and len(set(lines)) == 1:
        return True
    short = len(text.split()) <= _CAPTION_WORDS
    return short and bool(_CREDIT.search(text) or _CAPTION_START.match(text))


def article_from_text(text: str) -> Article:
    """The structure of a plain-text article: an optional title line, byline and date line,
    then paragraphs separated by blank lines and headings on lines of their own."""
    chunks = [c.strip() for c in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if c.strip()]
    title = author = date = ""
    blocks: list[Block] = []
    related: list[str] = []
    for number, chunk in enumerate(chunks):
        if related or _RELATED.match(chunk):
            related.append(chunk)
            continue
        if is_caption(chunk):
            continue
        first_lines = number < 3 and not any(b.kind == PARAGRAPH for b in blocks)
        byline = _BYLINE.match(chunk) if first_lines else None
        if byline:
            author = byline["author"].strip()
            date = date or iso_date(chunk)
            continue
        if first_lines and not date and _DATE.search(chunk) and len(chunk.split()) <= 8:
            date = iso_date(chunk)
            continue
        if is_heading(chunk):
            if number == 0 and not title:
                title = chunk
                continue
            blocks.append(Block(HEADING, chunk))
        else:
            blocks.append(Block(PARAGRAPH, chunk))  # as written: its lines are the source's
    return Article(text, tuple(blocks), title, author, date, related=tuple(_related(related)))


def _related(chunks: list[str]) -> list[Related]:
    """Entries of a related-publications list in plain text: a title (often twice), a date,
    "Type: ...", topics and a summary, entry after entry."""
    entries: list[Related] = []
    current: dict[str, object] | None = None
    for chunk in chunks[1:]:
        if chunk.startswith("Type:"):
            if current is not None:
                current["type"] = chunk.removeprefix("Type:").strip()
            continue
        date = iso_date(chunk) if len(chunk.split()) <= 6 else ""
        if date and current is not None and not current.get("date"):
            current["date"] = date
            continue
        if current is not None and chunk == current["title"]:
            continue
        if current is not None and current.get("type") and len(chunk.split()) <= 4:
            current.setdefault("topics", []).append(chunk)  # type: ignore[union-attr]
            continue
        if current is not None and current.get("date") and not current.get("summary"):
            current["summary"] = chunk
            continue
        if is_heading(chunk):
            if current is not None:
                entries.append(_entry(current))
            current = {"title": chunk}
    if current is not None:
        entries.append(_entry(current))
    return [e for e in entries if e.date]


def _entry(fields: dict[str, object]) -> Related:
    return Related(
        title=str(fields["title"]),
        date=str(fields.get("date", "")),
        type=str(fields.get("type", "")),
        summary=str(fields.get("summary", "")),
        topics=tuple(fields.get("topics", ())),  # type: ignore[arg-type]
    )
