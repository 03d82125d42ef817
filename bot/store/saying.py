"""The words of attribution: which words say that someone speaks ("said", "according to"),
which name a body or a document rather than a person, and where a quotation's tag stands in
its sentence. `attribution` applies them; the drafter's speaker finder reads them too."""

from __future__ import annotations

import re

OPEN_MARKS = "\u201c\"\u2018'"  # opening double and single quotation marks
CLOSE_MARKS = "\u201d\"'\u2019"  # closing double and single quotation marks
# Words that tell who is speaking: "said Yeo", "Hastings told", "according to Baek".
_CUE_WORDS = (
    "said says say told tells added adds noted notes wrote writes argued argues warned "
    "warns explained explains asked asks stated states insisted insists continued "
    "continues recalled recalls acknowledged acknowledges observed observes remarked "
    "remarks commented comments replied replies declared declares conceded concedes "
    "claimed claims suggested suggests maintained maintains cautioned cautions predicted "
    "predicts admitted admits agreed agrees stressed stresses emphasised emphasized "
    "emphasises emphasizes urged urges countered counters testified testifies announced "
    "announces concluded concludes according puts put pointed points wondered wonders "
    "joked jokes laughed described describes dismissed dismisses branded labelled labeled"
)
CUES = frozenset(_CUE_WORDS.split())
PRONOUNS = {"he": "he", "she": "she", "they": "they"}
SENTENCE_END = re.compile(r"[.?!][\u201d\"\u2019']?(?=\s|$)")
QUOTED = re.compile(r"\u201c[^\u201d]*\u201d?|\"[^\"]*\"?")
WORD = re.compile(r"[\w\u2019'-]+")
# "the minister said", "said the economist": a title beside a cue.
_CUE_PATTERN = "|".join(sorted(CUES))
TITLE = re.compile(
    rf"\bthe ((?:[a-z]+ )?[a-z]+) (?:{_CUE_PATTERN})\b"
    rf"|\b(?:{_CUE_PATTERN}) the ([a-z]+(?: [a-z]+)?)\b"
)
# What says things in print, not in person: "the report said" credits no speaker.
_DOCUMENT_WORDS = (
    "report statement study survey paper letter document filing release memo analysis website "
    "notice order ruling plan bill law data figures proposal agreement minutes budget guidance "
    "review audit assessment petition complaint lawsuit contract policy"
)
DOCUMENTS = frozenset(_DOCUMENT_WORDS.split())
# Titles of bodies, not of a person the text named before ("the ministry said"): a quotation
# so credited goes to the last speaker named with that word in their name, or to no one.
_BODY_WORDS = (
    "ministry company department agency government council authority bank firm group union "
    "office board commission committee court police university school district city county "
    "state administration campaign organization organisation institute center centre "
    "foundation association federation party team club service network church hospital army "
    "military embassy league alliance coalition parliament senate house cabinet bureau "
    "secretariat library museum clinic airline operator utility regulator"
)
BODIES = frozenset(_BODY_WORDS.split())
# A pronoun as the one speaking: beside a cue ("she said", "said he," at the end of a tag),
# not in what is said ("said she had sold").
SPEAKING_PRONOUN = re.compile(
    rf"\b(?:he|she|they)\s+(?:also\s+)?(?:{_CUE_PATTERN})\b"
    rf"|\b(?:{_CUE_PATTERN})\s+(?:he|she|they)\s*(?:[.,;!?]|$)"
)
# Words no title is made of.
_NO_TITLE = "a an the and or but of in on at to for from by with as is was that this it its"
NOT_TITLE_WORDS = frozenset(_NO_TITLE.split())


def cue_in(text: str) -> bool:
    """Whether a word of saying is in `text`."""
    return any(word.casefold() in CUES for word in WORD.findall(text))


def unquoted(text: str) -> str:
    """`text` with what stands between quotation marks blanked out (lengths kept)."""
    return QUOTED.sub(lambda m: " " * len(m.group()), text)


def sentence_start(passage: str, position: int) -> int:
    """Where the sentence holding `position` starts (quotations do not end it)."""
    ends = [m.end() for m in SENTENCE_END.finditer(unquoted(passage), 0, position)]
    return ends[-1] if ends else 0


def tag_after(passage: str, end: int) -> str:
    """The rest of the sentence after a quotation, up to any quotation that follows, when
    it reads as a tag: the sentence goes on (",” said Baek.", "” in North Korea, said
    Arrington.") or a new one begins with a cue ("” Hastings said.")."""
    rest = passage[end:]
    tail = rest.removeprefix(",").lstrip(CLOSE_MARKS)
    stripped = tail.lstrip()
    if not stripped:
        return ""
    stop = len(tail)
    sentence_end = SENTENCE_END.search(tail)
    if sentence_end:
        stop = sentence_end.start() + 1
    next_quote = re.search('[\u201c"\u2018]', tail)
    if next_quote:
        stop = min(stop, next_quote.start())
    tag = tail[:stop]
    goes_on = rest.startswith(",") or not stripped[0].isupper()
    if goes_on or any(w.casefold() in CUES for w in WORD.findall(tag)[:4]):
        return tag
    return ""


def tag_before(passage: str, opening: int) -> str:
    """The sentence before a quotation's opening mark, quotations in it blanked out: where a
    tag such as "Yeo said:" or "according to Baek," stands."""
    return unquoted(passage[sentence_start(passage, opening) : opening])
