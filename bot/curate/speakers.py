"""The people and organisations an article quotes: named where a tag names them ("said Andrew
Yeo", "Hastings told", "according to the Ministry of Finance"), with the role and affiliation the
article gives at their first full mention ("X, a fellow at Y,", "Y's director X")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.curate.quotations import Span
from bot.store.saying import CUES, tag_after, tag_before

_PARTICLES = "de|da|di|del|der|van|von|bin|al|la|le|du|dos|das|ter|ten"
_WORD = r"(?:[A-Z][a-z\u00e0-\u00ff\u2019'\-]+(?:-[A-Z][a-z\u00e0-\u00ff]+)?|[A-Z]\.|[A-Z]{2,})"
NAME = rf"{_WORD}(?:\s+(?:(?:{_PARTICLES})\s+){{0,2}}{_WORD}){{0,4}}"
_CUE = "|".join(sorted(CUES - {"according", "put", "puts", "pointed", "points"}))
_AFTER_CUE = re.compile(rf"\b(?:{_CUE})\s+(?:the\s+)?({NAME})")
_BEFORE_CUE = re.compile(
    rf"(?:^|[^\w\u2019])(?:the\s+)?({NAME})(?:\s*\([^()]{{1,120}}\))?"
    rf"(?:\s*,[^,\u201c\u201d\"]{{1,200}},)?\s+(?:also\s+|later\s+|then\s+)?(?:{_CUE})\b"
)
_ACCORDING = re.compile(rf"\b(?:according to|as|in the words of)\s+(?:the\s+)?({NAME})")
# Capitalised words that start a sentence or a clause rather than a name.
_NOT_NAME_WORDS = (
    "The A An And But Or So Yet In On At For As If When While This That These Those It He "
    "She They We I You Yes No Still Even Also Then Now However Moreover Meanwhile Instead "
    "There Here Some Many Most Others Another After Before During Since Despite Although "
    "Though Because Last Next Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mr "
    "Mrs Ms Dr Prof Professor Sir Dame Lord Lady Rev Sen Rep Gov Gen Col Capt"
)
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())

_TITLE_WORDS = "Mr Mrs Ms Dr Prof Professor Sir Dame Rev Sen Rep Gov Gen Col Capt"
_TITLES = frozenset(_TITLE_WORDS.split())

# Words that make a name an organisation's (its role is then its own name).
_ORGANISATION_WORDS = (
    "Institute University Center Centre Ministry Department Foundation Council Bank Agency "
    "Committee Commission Association Party Group Company Corporation Inc Ltd School "
    "College Office Service Fund Organization Organisation Programme Program Court Senate "
    "Parliament Government Administration Union Forum Network Society Lab Laboratory "
    "Project Trust Board Authority Police Army Federation Alliance Coalition Campaign "
    "Council Hospital Trust Authority Bureau Cabinet Embassy Secretariat Institution "
    "Clinic Museum Library"
)
ORGANISATION_WORDS = frozenset(_ORGANISATION_WORDS.split())

MAX_NAMES = 500  # names looked at for a role, at most
_LISTENERS = re.compile(r"\b(?:told|tells|telling)\s+(?:the\s+)?$")


@dataclass(frozen=True, slots=True)
class Found:
    """A speaker the article quotes, as first named in full."""

    name: str
    role: str = ""
    affiliation: str = ""
    review: str = ""

    @property
    def is_organisation(self) -> bool:
        return any(word in ORGANISATION_WORDS for word in self.name.split())


def _clean_name(name: str) -> str:
    """A matched name without the sentence words, honorifics or titles it may start with
    ("Labor Minister Jonas Aalto" is Jonas Aalto; the title is his role)."""
    words = name.split()
    while words and (words[0] in _NOT_NAMES or words[0].rstrip(".") in _TITLES):
        words.pop(0)
    titled = [i for i, word in enumerate(words[:-2]) if _is_title_word(word)]
    if titled:
        words = words[titled[-1] + 1 :]
    return " ".join(words)


def _is_title_word(word: str) -> bool:
    return bool(_ROLE_NOUNS.fullmatch(word)) or bool(
        re.fullmatch(r"[A-Z][a-z]+(?:man|woman|ist|ian|or)", word)
    )


def _named_in_tag(tag: str, before: bool) -> str:
    """The name a tag gives its speaker, "" when it gives none (a pronoun, a title)."""
    candidates: list[str] = []
    for pattern in (_AFTER_CUE, _BEFORE_CUE, _ACCORDING):
        for match in pattern.finditer(tag):
            if pattern is _AFTER_CUE and _LISTENERS.search(tag[: match.start(1)]):
                continue  # "told Reuters": the one told, not the one speaking
            name = _clean_name(match.group(1))
            if name:
                candidates.append(name)
    if not candidates:
        return ""
    return candidates[-1] if before else candidates[0]


def names_in_tags(paragraphs: Sequence[str], spans: Sequence[Span]) -> list[str]:
    """The names the article's quotation tags give, in order of first appearance."""
    names: dict[str, None] = {}
    for span in spans:
        text = paragraphs[span.paragraph]
        opening = max(span.start - 1, 0)
        for tag, before in ((tag_after(text, span.end), False), (tag_before(text, opening), True)):
            name = _named_in_tag(tag, before)
            if name:
                names.setdefault(name, None)
                break
    return list(names)


def people(text: str) -> list[str]:
    """Every person or organisation the article names in full beside a cue ("Tanya Ruiz, a
    parent, said", "said the Ministry of Finance") or with a role ("Mayor Carol Deschenes",
    "Glyn Price, a driver for Y,"), in order of first mention: whom a pronoun may mean."""
    found: dict[str, None] = {}
    for pattern in (_AFTER_CUE, _BEFORE_CUE, _ACCORDING):
        for match in pattern.finditer(text):
            name = _clean_name(match.group(1))
            if _is_person_or_body(name, text[: match.start(1)]):
                found.setdefault(name, None)
    tried: set[str] = set()
    for match in re.finditer(NAME, text):
        name = _clean_name(match.group())
        if name in found or name in tried or not _is_person_or_body(name, text[: match.start()]):
            continue
        if len(tried) >= MAX_NAMES:
            break  # a crafted text of endless names: those first met are the article's cast
        tried.add(name)
        described = describe(name, text)
        if described.role or described.affiliation:
            found.setdefault(name, None)
    return sorted(found, key=text.find)


def _is_person_or_body(name: str, before: str) -> bool:
    """A full name (two words or more) that is not a place named with "the" ("the East Side")
    nor a body named as the place of someone's work ("a professor at Tawe County Council")."""
    if len(name.split()) < 2 or name.endswith(("\u2019s", "'s")):
        return False  # one word, or a possessive ("North Korea's regime")
    body = Found(name).is_organisation
    if re.search(r"\b(?:at|of|for|from|with|in|by|to)\s+(?:the\s+)?$", before[-30:]):
        return False
    return body or not re.search(r"\bthe\s+$", before[-6:])


def full_names(names: Sequence[str], text: str) -> list[str]:
    """Each name as the article first gives it in full: a surname in a tag ("said Yeo")
    becomes the first longer name ending with it ("Andrew Yeo"); one name per person."""
    full: dict[str, None] = {}
    for name in names:
        if len(name.split()) == 1:  # a surname, or a first name where surnames are shared
            longer = re.search(rf"\b({NAME}\s+{re.escape(name)})\b", text) or re.search(
                rf"\b({re.escape(name)}\s+{NAME})\b", text
            )
            if longer:
                name = _clean_name(longer.group(1))
        surname = name.split()[-1]
        known = next((f for f in full if f.split()[-1] == surname and f != name), None)
        if known and (name in known or known in name):
            continue
        full.setdefault(name, None)
    return list(full)


_WHO = re.compile(
    r",\s+who\s+(?P<verb>heads|leads|runs|chairs|directs|manages|oversees|teaches|founded|"
    r"owns|co-founded|advises|represents|coordinates|edits|studies|farms|works|trains|coaches|"
    r"serves|sells|drives|builds|researches|organises|organizes|volunteers)\s+"
    r"(?P<rest>[^,;:()\u201c\u201d\"]{2,120}?)\s*(?:,|;|\.(?:\s|$)|$)"
)


def _mentions(name: str, text: str, most: int = 12) -> list[int]:
    """Where the article names `name`, first first (at most `most` places)."""
    found, start = [], text.find(name)
    while start >= 0 and len(found) < most:
        found.append(start)
        start = text.find(name, start + len(name))
    return found


def describe(name: str, text: str) -> Found:
    """The role and affiliation the article gives `name` at its first full mention."""
    escaped = re.escape(name)
    who = _WHO.match(text, text.find(name) + len(name)) if name in text else None
    if who:
        rest = who["rest"]
        at = rest.rfind(" at ")
        if at > 0:
            return Found(name, f"{who['verb']} {rest[:at]}", _strip_article(rest[at + 4 :]))
        if rest[:1].isupper() or (rest.startswith("the ") and rest[4:5].isupper()):
            return Found(name, who["verb"], _strip_article(rest))
        return Found(name, f"{who['verb']} {rest}")
    mentions = _mentions(name, text)
    after_pattern = re.compile(
        rf"{escaped}\s*(?:,|\()\s*(?:\d{{1,3}}\s*,\s*)?(?!who\b|whose\b|which\b|said\b|says\b)"
        rf"(?P<role>[^,;:()\u201c\u201d\"]{{3,160}}?)\s*(?:,|\)|;|\.(?:\s|$)|$)"
    )
    after = next(
        (m for p in mentions if (m := after_pattern.match(text[p : p + 400])) is not None), None
    )
    if after and _reads_as_role(after["role"], appositive=True):
        role, affiliation = split_role(after["role"])
        return Found(name, role, affiliation)
    before_pattern = re.compile(
        rf"(?:(?P<org>{NAME})[\u2019']s\s+)?(?P<title>(?:[a-z][\w-]*\s+){{0,3}}"
        rf"(?:[A-Z][\w-]*\s+){{0,3}})(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?{escaped}\Z"
    )
    before = next(
        (
            m
            for p in mentions
            if (m := before_pattern.search(text[max(0, p - 150) : p + len(name)])) is not None
            and (m["title"].strip() or m["org"])
        ),
        None,
    )
    ahead = re.compile(
        rf"\b(?:[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)\s+(?P<role>[a-z][\w -]{{2,60}}?)"
        rf"\s*,\s*{escaped}\s*,"
    )
    appositive = next(
        (m for p in mentions if (m := ahead.search(text[max(0, p - 80) : p + len(name) + 2]))),
        None,
    )
    if appositive and _reads_as_role(appositive["role"]):  # "The spokesman, Carlos Ruiz, said"
        role, affiliation = split_role(appositive["role"])
        return Found(name, role, affiliation)
    title_words = before["title"].split() if before else []
    while title_words and (title_words[0] in _NOT_NAMES or title_words[0].islower()):
        title_words.pop(0)  # "After Yeo", "market actors Yeo": no title
    if before and before["org"] and not title_words:
        title_words = before["title"].split()  # "Brookport's chief information officer X"
    title = " ".join(title_words)
    if title and _reads_as_role(title) and (title_words[-1][:1].isupper() or before["org"]):
        return Found(name, _strip_article(title), _strip_article(before["org"] or ""))
    review = "" if Found(name).is_organisation else "no role found in the article"
    return Found(name, review=review)


_ROLE_NOUNS = re.compile(
    r"\b(?:professor|fellow|director|head|chief|chair|chairman|chairwoman|president|"
    r"minister|secretary|spokesperson|spokesman|spokeswoman|author|co-author|analyst|"
    r"economist|researcher|scholar|lecturer|editor|reporter|officer|official|manager|founder|"
    r"member|adviser|advisor|governor|mayor|senator|lawyer|doctor|nurse|teacher|principal|"
    r"executive|ceo|leader|expert|historian|scientist|engineer|owner|trader|student|resident|"
    r"worker|organizer|organiser|coordinator|consultant|representative|ambassador|deputy|"
    r"commissioner|general|judge|partner|strategist|associate|vice|dean|pastor|priest|farmer|"
    r"veteran|activist|campaigner|volunteer|candidate|councillor|councilor|inspector|"
    r"superintendent|surgeon|physician|epidemiologist|psychologist|planner|architect)s?\b",
    re.IGNORECASE,
)


_NOT_ROLE_WORDS = (
    "at in on for with from to by of who whose which that said says told added and but or as "
    "was is were are had has have will would could also now then"
)
_NOT_ROLE_START = frozenset(_NOT_ROLE_WORDS.split())


def _reads_as_role(phrase: str, appositive: bool = False) -> bool:
    """Whether a phrase beside a name describes the person: it names a role, or (right after
    the name) begins as a description does ("a driver for Y", "branch librarian at Y")."""
    words = phrase.split()
    if not 0 < len(words) <= 25 or words[0].casefold() in _NOT_ROLE_START:
        return False
    if _ROLE_NOUNS.search(phrase) or re.search(r"\w(?:man|woman|er|or|ist|ian)\b", phrase):
        return True
    return appositive and words[0].casefold() in ("a", "an", "the")


def _strip_article(text: str) -> str:
    return re.sub(r"^(?:a|an|the)\s+", "", text.strip(), flags=re.IGNORECASE)


def split_role(phrase: str) -> tuple[str, str]:
    """A role phrase as (role, affiliation): "Y's spokeswoman", split at its last " at " ("a
    fellow at Y"), or at " of " or " for " before a name ("a driver for Tawe Valley Coaches");
    articles dropped."""
    phrase = phrase.strip()
    owner = re.match(rf"^(?:the\s+)?(?P<org>{NAME})[\u2019']s\s+(?P<role>.+)$", phrase)
    if owner:
        return _strip_article(owner["role"]), owner["org"]
    at = phrase.rfind(" at ")
    if at > 0:
        return _strip_article(phrase[:at]), _strip_article(phrase[at + 4 :])
    of = re.search(r"\s(?:of|for|with)\s+(?:the\s+)?(?=[A-Z])", phrase)
    if of:
        return _strip_article(phrase[: of.start()]), _strip_article(phrase[of.end() :])
    return _strip_article(phrase), ""
