"""Who the article's own wording credits with a quotation: the one rule the validator checks
curated quotes by and the drafter attributes new ones by, so they never disagree.

In order: a tag in the rest of the sentence after the quotation (",” said Baek.", ",” she
added"); a tag before it in the same sentence ("Yeo said: “", "according to Yeo, “"); the last
speaker named earlier in the paragraph; and for a paragraph that is all quotation, the speaker of
the paragraph before. A tag that names the speaker by pronoun or by title ("the minister said")
resolves to the speaker last named (or with that title) before it, and says so, for review.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.store.saying import (
    BODIES,
    CUES,
    DOCUMENTS,
    NOT_TITLE_WORDS,
    OPEN_MARKS,
    QUOTED,
    SENTENCE_END,
    SPEAKING_PRONOUN,
    TITLE,
    WORD,
    cue_in,
    sentence_start,
    tag_after,
    tag_before,
)

# How many quotations back a chain of continuations and split quotations is followed.
MAX_CHAIN = 8


@dataclass(frozen=True, slots=True)
class Credit:
    """Whom a quotation is credited to, and how the wording says so."""

    speaker: str | None
    how: str = ""  # "tag", "named before", "continuation", "paragraph before", "pronoun", "title"

    @property
    def review(self) -> str:
        """Why a person should check this credit; empty when the article names the speaker."""
        if self.how == "pronoun":
            return "speaker resolved from a pronoun"
        if self.how == "title":
            return "speaker resolved from a title"
        if self.how == "paragraph before":
            return "speaker named only in the paragraph before"
        if self.how == "named before":
            return "speaker named earlier in the paragraph, with no word of saying"
        if self.how == "continuation":
            return "a paragraph of quotation: credited to the speaker of the one before"
        return ""


@dataclass(frozen=True, slots=True)
class Named:
    """A speaker as the text may refer to them: full name, and role words for titles."""

    id: str
    name: str
    role: str = ""

    def references(self) -> list[str]:
        """The full name and the surname (the last word), as the text names them."""
        words = self.name.split()
        return list(dict.fromkeys([self.name, *words[-1:]])) if words else []


@functools.lru_cache(maxsize=64)
def _pattern(references: frozenset[str]) -> re.Pattern[str] | None:
    """One pattern for every reference of a reading's speakers, longest first, whole words."""
    if not references:
        return None
    alternatives = "|".join(re.escape(r) for r in sorted(references, key=len, reverse=True))
    return re.compile(rf"(?<![\w\u2019'-])(?:{alternatives})(?![\w\u2019-])")


class Attribution:
    """The attribution rule for one article, given its speakers."""

    def __init__(self, speakers: Sequence[Named]) -> None:
        self._speakers = {s.id: s for s in speakers}
        self._by_reference: dict[str, str] = {}
        for speaker in speakers:
            for reference in speaker.references():
                # A surname two speakers share names neither: the full name must, or (as
                # writers then do) the first name.
                owner = self._by_reference.setdefault(reference, speaker.id)
                if owner != speaker.id and reference != self._speakers[owner].name:
                    self._by_reference[reference] = ""
        # Writers name some people by first name ("Jaylen said"), and two who share a surname
        # so: a first name no other speaker has is a reference too.
        firsts: dict[str, list[str]] = {}
        for speaker in speakers:
            words = speaker.name.split()
            if len(words) > 1:
                firsts.setdefault(words[0], []).append(speaker.id)
        for first, owners in firsts.items():
            if len(owners) == 1 and first not in self._by_reference:
                self._by_reference[first] = owners[0]
        # A surname two speakers share means the one of them named in full last before it.
        self._shared: dict[str, list[str]] = {}
        for speaker in speakers:
            words = speaker.name.split()
            if len(words) > 1 and self._by_reference.get(words[-1]) == "":
                self._shared.setdefault(words[-1], []).append(speaker.id)
        self._pattern = _pattern(frozenset(self._by_reference))
        # Credits already worked out, for this rule's passages (one article at a time).
        self._memo: dict[tuple[int, str, int | None], Credit] = {}
        self._memo_for: Sequence[str] | None = None

    @classmethod
    def by_surname(cls, surnames: Mapping[str, str]) -> Attribution:
        """The rule for speakers known by surname only (surname -> speaker id)."""
        return cls([Named(speaker, surname) for surname, speaker in surnames.items()])

    def credit(
        self,
        passages: Sequence[str],
        index: int,
        quote: str,
        depth: int = 0,
        start: int | None = None,
    ) -> Credit:
        """Whom passage `index` credits with `quote` (the one at `start`, else its first
        occurrence), reading earlier passages for pronouns, titles and quotations that run on
        (a chain of those is followed MAX_CHAIN steps back: a reader does not credit a
        quotation by one a page before it)."""
        if depth > MAX_CHAIN:
            return Credit(None)
        if passages is not self._memo_for:  # credits hold for one list of passages
            self._memo, self._memo_for = {}, passages
        key = (index, quote, start)
        if key in self._memo:
            return self._memo[key]
        credit = self._credit(passages, index, quote, depth, start)
        if credit.speaker is not None or depth == 0:  # a None deep down may be the cap's
            self._memo[key] = credit
        return credit

    def _credit(
        self, passages: Sequence[str], index: int, quote: str, depth: int, start: int | None
    ) -> Credit:
        passage = passages[index]
        start = passage.find(quote) if start is None else start
        if start < 0 or not quote.strip() or passage[start : start + len(quote)] != quote:
            return Credit(None)
        end = start + len(quote)
        opening = start - 1 if start and passage[start - 1] in OPEN_MARKS else start
        after = tag_after(passage, end)
        before = tag_before(passage, opening)
        dashed = after.lstrip().startswith(("\u2014", "\u2013", "- "))  # “...” — Bill Turner
        for tag, needs_cue in ((after, not dashed), (before, True)):
            credit = self._from_tag(passages, index, tag, passage[:opening], needs_cue)
            if credit.speaker is not None:
                return credit
        previous = self._tagged_before(passages, index, opening, depth)
        if previous is not None:
            return previous
        begins = sentence_start(passage, opening)
        if begins > 0:  # "He said he would stay. ‘I’m not worried.’"
            sentence_before = tag_before(passage, begins - 1)
            credit = self._from_tag(passages, index, sentence_before, passage[:opening], True)
            if credit.speaker is not None:
                return credit
        named = self._named(passage[:start], "\n".join(passages[:index]))
        if named:
            return Credit(named[-1], "named before")
        if index and passage[:opening].strip() == "" and not after.strip():
            previous_speaker = self.last_credit(passages, index - 1, depth + 1)
            if previous_speaker is not None:
                return Credit(previous_speaker, "continuation")
            named = self._named(passages[index - 1])
            if named:
                return Credit(named[-1], "paragraph before")
        return Credit(None)

    def _tagged_before(
        self, passages: Sequence[str], index: int, opening: int, depth: int
    ) -> Credit | None:
        """The credit of the quotation just before this one in the passage, when only its tag
        stands between them: “A,” she said. “B.” -- B is hers too."""
        passage = passages[index]
        earlier = list(QUOTED.finditer(passage, 0, opening))
        if not earlier or not earlier[-1].group().endswith(("\u201d", '"')):
            return None
        gap = passage[earlier[-1].end() : opening]
        sentences = [m.end() for m in SENTENCE_END.finditer(gap)]
        if not cue_in(gap) or any(end < len(gap.rstrip()) for end in sentences):
            return None  # no tag between them, or more than the tag's sentence
        quote = earlier[-1].group()[1:-1].rstrip(",")
        credit = self.credit(passages, index, quote, depth + 1)
        return credit if credit.speaker is not None else None

    def credited_speaker(self, passage: str, quote: str) -> str | None:
        """The speaker id a single passage credits with `quote`, or None."""
        return self.credit([passage], 0, quote).speaker

    def last_credit(self, passages: Sequence[str], index: int, depth: int = 0) -> str | None:
        """The speaker of the last quotation in passage `index`, if it has one."""
        passage = passages[index]
        spans = re.findall(r"\u201c([^\u201c\u201d]+)\u201d?|\"([^\"]+)\"?", passage)
        for curly, straight in reversed(spans):
            credit = self.credit(passages, index, (curly or straight).rstrip(","), depth)
            if credit.speaker is not None:
                return credit.speaker
        return None

    def _from_tag(
        self, passages: Sequence[str], index: int, tag: str, before: str, needs_cue: bool
    ) -> Credit:
        """The speaker a tag names: by name (beside a cue, where `needs_cue`), or by pronoun or
        title beside a cue, resolved from `before` (the text before the quotation) and the
        passages before it."""
        cue = cue_in(tag)
        if not tag.strip() or (needs_cue and not cue):
            return Credit(None)
        named = set(self._named(tag, "\n".join([*passages[:index], before])))
        if len(named) == 1:
            return Credit(named.pop(), "tag")
        if named or not cue:
            return Credit(None)
        if SPEAKING_PRONOUN.search(tag.casefold()):
            speaker = self._last_named(passages, index, before)
            return Credit(speaker, "pronoun") if speaker else Credit(None)
        titles = [m.group(1) or m.group(2) for m in TITLE.finditer(tag.casefold())]
        titles = [t for t in titles if not set(t.split()) & (NOT_TITLE_WORDS | DOCUMENTS)]
        bodies = [t for t in titles if t.split()[-1] in BODIES]
        for body in bodies:
            speaker = self._body(passages, index, before, body.split()[-1])
            if speaker:
                return Credit(speaker, "title")
        titles = [t for t in titles if t not in bodies]
        for title in titles:
            speaker = self._titled(passages, index, before, title)
            if speaker:
                return Credit(speaker, "title")
        if titles:  # "the underwriter said": the person last named, whatever their role's words
            speaker = self._last_named(passages, index, before)
            if speaker:
                return Credit(speaker, "title")
        return Credit(None)

    def _named(self, text: str, earlier: str = "") -> list[str]:
        """The speakers `text` names, in order; a surname two speakers share names the one of
        them named in full last before it (in `earlier`, then `text`), or no one."""
        if self._pattern is None:
            return []
        found = []
        for match in self._pattern.finditer(text):
            speaker = self._by_reference[match.group()]
            if not speaker:
                speaker = self._last_in_full(
                    self._shared.get(match.group(), []), earlier + text[: match.start()]
                )
            if speaker:
                found.append(speaker)
        return found

    def _last_in_full(self, candidates: Sequence[str], text: str) -> str:
        """Of `candidates`, the one whose full name `text` gives last; "" if it gives none."""
        places = {c: text.rfind(self._speakers[c].name) for c in candidates}
        best = max(places, key=places.__getitem__, default="")
        return best if best and places[best] >= 0 else ""

    def _last_named(self, passages: Sequence[str], index: int, before: str) -> str | None:
        for text in (before, *reversed(passages[:index])):
            named = self._named(text)
            if named:
                return named[-1]
        return None

    def _body(self, passages: Sequence[str], index: int, before: str, word: str) -> str | None:
        """The speaker last named whose name holds `word` ("the ministry": the Ministry of
        Finance), or None: a body is never a person named before."""
        for text in (before, *reversed(passages[:index])):
            for speaker in reversed(self._named(text)):
                if word in self._speakers[speaker].name.casefold().split():
                    return speaker
        return None

    def _titled(self, passages: Sequence[str], index: int, before: str, title: str) -> str | None:
        """The speaker last named whose role holds every word of `title` ("the minister")."""
        wanted = set(title.split()) - CUES
        if not wanted or wanted & NOT_TITLE_WORDS:
            return None
        for text in (before, *reversed(passages[:index])):
            for speaker in reversed(self._named(text)):
                role = {w.casefold() for w in WORD.findall(self._speakers[speaker].role)}
                if wanted <= role:
                    return speaker
        return None


def credited_speaker(passage: str, quote: str, surnames: Mapping[str, str]) -> str | None:
    """The speaker id the passage credits with `quote` (see Attribution.credit)."""
    return Attribution.by_surname(surnames).credited_speaker(passage, quote)
