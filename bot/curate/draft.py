"""An article drafted into a reading: sections and passages from its structure, every quotation
the shared attribution rule credits, its speakers with their roles, candidate concepts, related
publications. What the drafter is unsure of carries a review note; the status is "draft"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.curate.concept_candidates import candidates
from bot.curate.quotations import Span, find_spans
from bot.curate.speakers import describe, full_names, names_in_tags, people
from bot.curate.structure import HEADING, Article
from bot.store.attribution import Attribution, Credit, Named
from bot.store.models import (
    DRAFT,
    Concept,
    Passage,
    Publication,
    Quote,
    Reading,
    Section,
    Speaker,
)
from bot.store.normalize import words
from bot.store.validate import MAX_LENGTH, MAX_QUOTE_WITH_CONTEXT

SOURCE_FILE = "source.txt"
OPENING = Section("opening", "Introduction", title_is_own=True)
_TITLE_CASE_WORDS = 6
_NAMING = re.compile(
    r"(?:called|dubbed|titled|entitled|known as|so-called|the term|the word|the phrase|"
    r"report|book|film|campaign|slogan|motto|programme|program|policy|song|series)\s*[:,]?\s*$",
    re.IGNORECASE,
)


def slug(text: str, fallback: str = "item") -> str:
    """A lowercase id from `text` ("Andrew Yeo" -> "andrew-yeo"), at most 48 characters."""
    made = "-".join(words(text))[:48].strip("-")
    made = re.sub(r"[^a-z0-9-]", "", made)
    return made if made and made[0].isalnum() else fallback


def _unique(base: str, taken: set[str]) -> str:
    made, number = base, 2
    while made in taken:
        made, number = f"{base}-{number}", number + 1
    taken.add(made)
    return made


@dataclass(frozen=True, slots=True)
class Attributed:
    span: Span
    credit: Credit


def _named_by_context(span: Span, paragraph: str) -> bool:
    """Quotation marks after "the report", "called", "titled": a title or a name, not speech."""
    return bool(_NAMING.search(paragraph[: max(span.start - 1, 0)][-40:]))


def _looks_named(span: Span, paragraph: str) -> bool:
    """A name, title or term in quotation marks rather than something someone said: so
    introduced, or in title case ("Arduous March", "Paper Towns: Labor and Loss")."""
    if _named_by_context(span, paragraph):
        return True
    tokens = span.quote.split()
    longest = _TITLE_CASE_WORDS * 2 if ":" in span.quote else _TITLE_CASE_WORDS
    return 0 < len(tokens) <= longest and all(
        t[:1].isupper() or t.casefold() in {"of", "the", "and", "a", "in", "for", "on", "to"}
        for t in tokens
    )


def _opens_sentence(span: Span, paragraph: str) -> bool:
    """Whether the quotation is a sentence of its own (a scare quote or a name sits inside
    the author's sentence)."""
    before = paragraph[: max(span.start - 1, 0)].rstrip()
    return (not before or before.endswith((".", "?", "!", ":", "\u201d", '"'))) and span.text[
        :1
    ].isupper()


def _is_said(item: Attributed, paragraph: str) -> bool:
    """Whether a credited span is a quotation: scare quotes and quoted names are not."""
    if _named_by_context(item.span, paragraph):
        return False
    if item.credit.how == "tag":
        return not (_looks_named(item.span, paragraph) and item.span.words <= 3)
    if item.credit.how in ("pronoun", "title", "continuation"):
        return True
    if _opens_sentence(item.span, paragraph) and not _looks_named(item.span, paragraph):
        return True
    return item.span.words >= 4 and not _looks_named(item.span, paragraph)


def _context(paragraph: str, span: Span) -> str:
    """The sentence around a partial quotation, when the quotation is not the sentence."""
    start = paragraph.rfind(". ", 0, span.start) + 2 if ". " in paragraph[: span.start] else 0
    end_match = re.search(r"[.?!][\u201d\"\u2019']?(?=\s|$)", paragraph[span.end :])
    end = span.end + end_match.end() if end_match else len(paragraph)
    sentence = paragraph[start:end].strip()
    lead = paragraph[start : span.start - 1].strip()
    opens_sentence = not lead or lead.endswith(":")  # "Lopez added: “Talks go on.”"
    if opens_sentence or len(sentence) + len(span.quote) > MAX_QUOTE_WITH_CONTEXT:
        return ""
    return sentence


class DraftError(ValueError):
    """The article cannot make a reading as it is; the message says why, in one line."""


def draft_reading(article: Article, reading_id: str, publisher: str = "") -> Reading:
    """The draft reading of `article`, with the id `reading_id`."""
    longest = MAX_LENGTH["passage_text"]
    for number, text in enumerate(article.paragraphs, start=1):
        if len(text) > longest:
            raise DraftError(
                f"paragraph {number} has {len(text)} characters, over {longest}: a passage "
                "must fit one Discord message; split it in the source"
            )
    sections: list[Section] = []
    passages: list[Passage] = []
    current = OPENING
    for block in article.blocks:
        if block.kind == HEADING:
            current = Section(
                _unique(slug(block.text, "section"), {s.id for s in sections}), block.text
            )
            sections.append(current)
        else:
            if current is OPENING and OPENING not in sections:
                sections.insert(0, OPENING)
            passages.append(Passage(f"p{len(passages) + 1:02d}", current.id, block.text))
    texts = [p.text for p in passages]
    spans = find_spans(texts)
    whole = "\n\n".join(texts)
    speakers = _speakers(texts, spans, whole)
    credited = _credit(speakers, texts, spans)
    said = [a for a in credited if a.credit.speaker and _is_said(a, texts[a.span.paragraph])]
    # Only those quoted stay; the rule must credit each quote alike among them alone (as the
    # validator reads it), so any the smaller cast credits otherwise are left out.
    for _ in range(3):
        kept = [s for s in speakers if any(a.credit.speaker == s.id for a in said)]
        again = {id(a.span): a.credit for a in _credit(kept, texts, [a.span for a in said])}
        agreed = [a for a in said if again.get(id(a.span)) == a.credit]
        if len(agreed) == len(said):
            break
        said = agreed
    quotes = _quotes(said, passages, speakers)
    named = [
        a.span.quote
        for a in credited
        if a not in said and _looks_named(a.span, texts[a.span.paragraph])
    ]
    concepts = _concepts(texts, named, passages, sections)
    missing = [
        what
        for what, given in (("title", article.title), ("publisher", article.publisher or publisher))
        if not given
    ]
    return Reading(
        id=reading_id,
        title=article.title or "Untitled reading",
        publisher=article.publisher or publisher or "Unknown publisher",
        review=f"the article gives no {' or '.join(missing)}: write it" if missing else "",
        source_file=SOURCE_FILE,
        source_text=article.source_text,
        sections=tuple(sections),
        speakers=tuple(s for s in speakers if any(q.speaker == s.id for q in quotes)),
        quotes=tuple(quotes),
        concepts=tuple(concepts),
        passages=tuple(passages),
        publications=tuple(_publications(article)),
        date=article.date,
        url=article.url,
        author=article.author,
        status=DRAFT,
    )


def _credit(
    speakers: Sequence[Speaker], texts: Sequence[str], spans: Sequence[Span]
) -> list[Attributed]:
    attribution = Attribution([Named(s.id, s.name, f"{s.role} {s.affiliation}") for s in speakers])
    return [
        Attributed(s, attribution.credit(texts, s.paragraph, s.quote, start=s.start))
        for s in spans
        if texts[s.paragraph].count(s.quote) == 1  # twice in a paragraph: which is meant?
    ]


def _speakers(texts: Sequence[str], spans: Sequence[Span], whole: str) -> list[Speaker]:
    """Everyone a quotation may be credited to: those the tags name, and the people the
    article names with a cue or a role (whom a pronoun or a title may mean)."""
    speakers: list[Speaker] = []
    taken: set[str] = set()
    named = full_names([*names_in_tags(texts, spans), *people(whole)], whole)
    for name in sorted(named, key=lambda n: whole.find(n) if n in whole else len(whole)):
        found = describe(name, whole)
        speaker_id = _unique(slug(name.split()[-1], "speaker"), taken)
        review = found.review if not (found.role or found.affiliation) else ""
        if len(name.split()) == 1 and not found.is_organisation:
            review = "only one name given: check who this is"
        speakers.append(Speaker(speaker_id, name, found.role, found.affiliation, review))
    return speakers


def _quotes(
    said: Sequence[Attributed], passages: Sequence[Passage], speakers: Sequence[Speaker]
) -> list[Quote]:
    quotes: list[Quote] = []
    taken: set[str] = set()
    for item in said:
        span, passage = item.span, passages[item.span.paragraph]
        text = span.quote
        if len(text) > min(MAX_LENGTH["text"], MAX_QUOTE_WITH_CONTEXT):
            continue  # too long to show in one embed field: a curator may split it
        speaker = item.credit.speaker or ""
        words_of = "-".join(words(text)[:4]) or "quote"
        quote_id = _unique(slug(f"{speaker}-{words_of}", "quote"), taken)
        quotes.append(
            Quote(
                id=quote_id,
                speaker=speaker,
                text=text,
                passage=passage.id,
                context=_context(passage.text, span),
                review=item.credit.review,
            )
        )
    return quotes


def _concepts(
    texts: Sequence[str],
    named: Sequence[str],
    passages: Sequence[Passage],
    sections: Sequence[Section],
) -> list[Concept]:
    concepts: list[Concept] = []
    taken: set[str] = set()
    for candidate in candidates(texts, named):
        first = passages[candidate.paragraphs[0]]
        concepts.append(
            Concept(
                id=_unique(slug(candidate.term, "concept"), taken),
                term=candidate.term[:1].upper() + candidate.term[1:],
                definition="",
                section=first.section,
                evidence=tuple(passages[i].id for i in candidate.paragraphs[:5]),
                review=f"no definition yet ({candidate.why}): write one from the article",
            )
        )
    return concepts


def _publications(article: Article) -> list[Publication]:
    taken: set[str] = set()
    return [
        Publication(
            id=_unique(slug(entry.title, "publication"), taken),
            title=entry.title[:200],
            date=entry.date,
            type=entry.type or "Publication",
            summary=entry.summary[:1000],
            topics=entry.topics,
        )
        for entry in article.related
        if entry.date and entry.summary
    ]
