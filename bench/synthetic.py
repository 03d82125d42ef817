"""Deterministic synthetic libraries in the real curated format, for benchmarking the store.

`write_library(folder, quotes)` writes `folder/readings/<id>/` folders that pass the real loader
and validator (`bot.store.loader.load_library`). The shape of one reading of 1000 quotes:
about 1000 passages in 25 sections, 60 speakers, 150 concepts (each with 1-5 aliases) and 20
related publications; smaller and larger readings scale in proportion. Words follow a Zipf law
over a vocabulary of common English words followed by made-up ones, so a few words occur in
nearly every passage and most are rare. Each quote is a span of its passage, which names the
speaker (in full on the first mention in the reading, by surname after that). About one concept
in five is a "shared" concept that other readings define too, as real readings on related
subjects share terms like "civil society"; people recur across readings the same way.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import json
import multiprocessing
import os
import random
from array import array
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bot.store.normalize import term_key, words

QUOTES_PER_READING = 1000
# Per 1000 quotes of a reading.
SPEAKERS_PER_1000 = 60
CONCEPTS_PER_1000 = 150
PUBLICATIONS_PER_1000 = 20
PASSAGES_PER_SECTION = 40
# How many quotes a passage holds, and how often (mean 1.0: about one passage per quote).
QUOTES_IN_PASSAGE = (0, 1, 2)
QUOTES_IN_PASSAGE_WEIGHTS = (0.3, 0.4, 0.3)
VOCABULARY_SIZE = 30_000
ZIPF_EXPONENT = 1.05
_TOKEN_BATCH = 1 << 16  # words are drawn in batches
SHARED_CONCEPT_SHARE = 0.2
SHARED_CONCEPT_READINGS = 5
POSSESSIVE = "\u2019s"  # as in "regime\u2019s": the curated texts use typographic apostrophes


def _split(text: str) -> list[str]:
    return text.split()


_FUNCTION_WORDS = _split("""
the of and to in a that is for on with as by it was at from this be are have has not but
which their they its an or more who were been would will can than also had about other into
over these after new when some many there could all between while because such those most
only even how what said we our them may where do does both through under against without
""")
_DOMAIN_WORDS = _split("""
market state regime trade policy economy network trust power government society border
information security reform growth control people country region leader official report
system local public private social political economic military nuclear foreign domestic
sanction price food money labor workers farmers traders citizens village city province
capital network community media radio phone smuggling exchange currency bank loan credit
risk crackdown surveillance loyalty ideology party elite family household women youth
school church norm value identity memory history war peace treaty alliance diplomacy summit
negotiation conflict violence protest dissent rights law court justice corruption bribery
patronage reform opening isolation famine survival hunger health hospital energy fuel water
land housing migration refugee defector broker middleman cooperation competition innovation
technology internet rumor news broadcast drama film music fashion consumer goods cargo ship
railway road bridge factory mine harvest crop rice corn cattle fishing export import tariff
""")
_ONSETS = _split("b br c ch d dr f g gr h j k kl l m n p pr qu r s sh st t th tr v w z")
_VOWELS = _split("a e i o u a e i o u ai ea ou")
_CODAS = ["", "", "", "n", "r", "l", "m", "s", "th", "nd", "st", "x"]
_FIRST_NAMES = _split("""
Andrew Justin Celeste Jieun Maria Wei Amina Olusegun Sofia Tomas Hana Ravi Leila Mateo Chen
Nadia Kwame Elena Yusuf Ingrid Jorge Mei Farah Pavel Aisha Lucas Priya Dmitri Grace Hiroshi
José Zoë Renée Søren Anaïs Björn Chloé Ramón Inês Łukasz
""")
_ROLES = """
co-author of the report|director of Asian studies|professor of international relations|
senior fellow|former ambassador|research director|program officer|visiting scholar|
associate professor of political science|economist|lecturer in Korean studies|
former intelligence analyst|editor|founder and chief executive|policy adviser
""".replace("\n", "").split("|")
_INSTITUTIONS = """
University|Institute|Center|Foundation|Council|School of Government|Policy Institute|
Research Institute|College|Forum
""".replace("\n", "").split("|")
_PUBLISHERS = (
    "United States Institute of Peace",
    "Center for Policy Studies",
    "Institute for Regional Affairs",
    "The Northern Review",
)
_PUBLICATION_TYPES = (
    "Analysis",
    "Question and Answer",
    "Report",
    "Fact Sheet",
    "Event",
    "Peace Brief",
    "Article",
)
_CAPTION = "A street scene in the capital, {date}. (Staff Photographer/The Archive)"


def _cumulative_zipf(count: int, exponent: float = ZIPF_EXPONENT) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(count)))


def _slot_table(words_: list[str], weights: list[float], least: int) -> list[str | None]:
    """A 2**16-slot table in which each word fills a share of slots equal to its probability.

    Words from the first one that would get fewer than `least` slots on are left out, and the
    slots that are left are None (for `least` = 1 every word gets at least one slot).
    """
    size = 1 << 16
    cum = list(itertools.accumulate(weights))
    table: list[str | None] = []
    for word, upto in zip(words_, cum, strict=True):
        end = round(upto / cum[-1] * size)
        if end - len(table) < least:
            if least > 1:
                break
            end = len(table) + 1
        table.extend([word] * (end - len(table)))
    del table[size:]
    table.extend([None if least > 1 else words_[-1]] * (size - len(table)))
    return table


class _ZipfWords:
    """Zipf-distributed words, drawn at C speed through a table of 2**16 slots.

    The common head of the law gets slots in proportion to its probability. The rest of the
    slots stand for the rare tail: before each batch of 2**16 draws they are refilled with words
    drawn from a second table over the tail, so every word has its exact probability.
    """

    HEAD_SLOTS = 8

    def __init__(self, vocabulary: list[str]) -> None:
        if array("H").itemsize != 2:
            raise RuntimeError("array('H') is not 16 bits on this platform")
        weights = [1.0 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(vocabulary))]
        self.table = _slot_table(vocabulary, weights, self.HEAD_SLOTS)
        self.start = self.table.index(None)
        first_tail = vocabulary.index(self.table[self.start - 1]) + 1
        self.tail = _slot_table(vocabulary[first_tail:], weights[first_tail:], 1)

    def draw(self, rng: random.Random, count: int) -> list[str]:
        table, tail, size = self.table, self.tail, len(self.table)
        tokens: list[str] = []
        for done in range(0, count, size):
            table[self.start :] = map(
                tail.__getitem__, array("H", rng.randbytes(2 * (size - self.start)))
            )
            batch = min(size, count - done)
            tokens += map(table.__getitem__, array("H", rng.randbytes(2 * batch)))
        return tokens


def _zipf_pick(rng: random.Random, items: list, cum: list[float]) -> object:
    return items[bisect.bisect(cum, rng.random() * cum[-1], 0, len(items) - 1)]


def _made_up_word(rng: random.Random) -> str:
    syllables = rng.choice((1, 2, 2, 2, 3, 3))
    parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)]
    return "".join(parts) + rng.choice(_CODAS)


def _slug(text: str, limit: int = 56) -> str:
    return "-".join(words(text)).encode("ascii", "ignore").decode()[:limit].strip("-") or "x"


def _basic(value: str) -> str:
    """A TOML basic string (JSON string escapes are a subset of TOML's)."""
    if value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return json.dumps(value, ensure_ascii=False)


def _literal(value: str) -> str:
    """A TOML multi-line literal string, as the curated files write long text."""
    if "'''" in value or value.endswith("'") or value.startswith("\n"):
        raise ValueError(f"cannot write {value[:40]!r} as a literal string")
    return f"'''{value}'''"


def _array(values: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(_basic(v) for v in values) + "]"


@dataclass
class _Person:
    first: str
    surname: str
    role: str
    affiliation: str
    name: str = ""
    id: str = ""

    def __post_init__(self) -> None:
        self.name = f"{self.first} {self.surname}"
        self.id = _slug(self.surname)


@dataclass
class _ReadingPlan:
    index: int
    quotes: int
    speakers: list[_Person] = field(default_factory=list)


class _Text:
    """Words, sentences and concept terms drawn from one random stream."""

    def __init__(self, rng: random.Random, vocabulary: list[str], zipf: _ZipfWords) -> None:
        self.rng = rng
        self.vocabulary = vocabulary
        self.zipf = zipf
        self.stream: list[str] = []
        self.position = 0

    def between(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1))

    def _zipf_words(self, count: int) -> list[str]:
        if self.position + count > len(self.stream):
            self.stream = self.zipf.draw(self.rng, max(count, _TOKEN_BATCH))
            self.position = 0
        start = self.position
        self.position += count
        return self.stream[start : self.position]

    def plain_words(self, count: int, low: int, high: int) -> list[str]:
        """`count` words drawn uniformly from vocabulary ranks [low, high), not possessive."""
        chosen = (self.vocabulary[self.rng.randrange(low, high)] for _ in range(count))
        return [word.removesuffix(POSSESSIVE) for word in chosen]

    def phrases(self, count: int, *, lowercase: bool) -> list[str]:
        phrases: dict[str, None] = {}
        while len(phrases) < count:
            phrase = " ".join(self.plain_words(self.rng.choice((1, 2, 2)), 100, 1000))
            phrases[phrase if lowercase else phrase.title()] = None
        return list(phrases)

    def sentence(self, low: int, high: int, *, end: str = ".") -> str:
        """A sentence of `low` to `high` Zipf-distributed words, capitalised."""
        count = low + int(self.rng.random() * (high - low + 1))
        chosen = self._zipf_words(count)
        if count > 10:
            chosen[3 + int(self.rng.random() * (count - 6))] += ","
        text = " ".join(chosen)
        return text[0].upper() + text[1:] + end

    def fresh_term(self) -> str:
        """A concept term: a two-word phrase, an -ization word or a hyphenated three-word one."""
        shape = self.rng.random()
        if shape < 0.15:
            base = self.plain_words(1, 200, 8000)[0].rstrip("aeiou")
            return f"{base}ization".capitalize()
        parts = self.plain_words(3, 100, 8000)
        if shape < 0.25:
            return f"{parts[0]}-{parts[1]} {parts[2]}".capitalize()
        return f"{parts[0]} {parts[1]}".capitalize()

    def aliases(self, term: str) -> list[str]:
        """Spellings people type: plural, -isation, unhyphenated, 'the ...', acronym, synonym."""
        rng = self.rng
        aliases = []
        last = term.split()[-1]
        if last.endswith("ization"):
            aliases.append(term.removesuffix("ization") + "isation")
            aliases.append(term.lower() + "s")
        elif not last.endswith("s"):
            aliases.append(term.lower() + "s")
        if "-" in term:
            aliases.append(term.replace("-", " ").lower())
            aliases.append(term.replace("-", "").lower())
        if rng.random() < 0.1:
            aliases.append(f"the {term.lower()}")
        if len(term.split()) > 1 and rng.random() < 0.3:
            aliases.append("".join(w[0] for w in words(term)).upper())
        if rng.random() < 0.4:
            aliases.append(self.fresh_term().lower())
        return aliases


class _Generator:
    """What the readings share: vocabulary, people, topics and shared concepts."""

    def __init__(self, seed: int, quotes: int, per_reading: int) -> None:
        self.seed = seed
        rng = random.Random(seed)
        self.rng = rng
        self.vocabulary = self._vocabulary()
        self.zipf = _ZipfWords(self.vocabulary)
        text = _Text(rng, self.vocabulary, self.zipf)
        readings = max(1, round(quotes / per_reading))
        self.plans = [
            _ReadingPlan(i, quotes // readings + (1 if i < quotes % readings else 0))
            for i in range(readings)
        ]
        speaker_slots = [self.scaled(p.quotes, SPEAKERS_PER_1000, 2) for p in self.plans]
        self.people = self._people(max(max(speaker_slots), int(sum(speaker_slots) * 0.6)))
        for plan, slots in zip(self.plans, speaker_slots, strict=True):
            plan.speakers = rng.sample(self.people, slots)
        # Topics: a global pool drawn with Zipf weights, so a few are on most quotes.
        self.topics = text.phrases(300, lowercase=True)
        self.topic_cum = _cumulative_zipf(len(self.topics), 1.0)
        self.publication_topics = text.phrases(40, lowercase=False)
        self.publication_topic_cum = _cumulative_zipf(len(self.publication_topics), 1.0)
        total_concepts = sum(self.scaled(p.quotes, CONCEPTS_PER_1000, 3) for p in self.plans)
        # Shared concepts: each is defined by about SHARED_CONCEPT_READINGS readings.
        shared = round(total_concepts * SHARED_CONCEPT_SHARE / SHARED_CONCEPT_READINGS)
        self.shared_concepts = [text.fresh_term() for _ in range(max(1, shared))]

    @staticmethod
    def scaled(quotes: int, per_1000: int, least: int) -> int:
        return max(least, round(per_1000 * quotes / 1000))

    def text_for(self, plan: _ReadingPlan) -> _Text:
        """Each reading draws from its own stream, so readings can be written in any order."""
        rng = random.Random(f"{self.seed}/{plan.index}")
        return _Text(rng, self.vocabulary, self.zipf)

    def _vocabulary(self) -> list[str]:
        vocabulary = list(dict.fromkeys(_FUNCTION_WORDS + _DOMAIN_WORDS))
        seen = set(vocabulary)
        while len(vocabulary) < VOCABULARY_SIZE:
            word = _made_up_word(self.rng)
            if word not in seen:
                seen.add(word)
                vocabulary.append(word)
        # A few possessives with a typographic apostrophe, as in the curated texts.
        for rank in range(len(_FUNCTION_WORDS), len(vocabulary), 97):
            vocabulary[rank] += POSSESSIVE
        return vocabulary

    def _people(self, count: int) -> list[_Person]:
        """People with distinct surnames that no other capitalised word of a tag can match."""
        fixed = " ".join((*_FIRST_NAMES, *_ROLES, *_INSTITUTIONS, *_PUBLISHERS))
        taken = {word.casefold() for word in fixed.split()} | set(words(fixed))
        places = [_made_up_word(self.rng).capitalize() for _ in range(max(10, count // 4))]
        taken |= {place.casefold() for place in places}
        people = []
        while len(people) < count:
            surname = _made_up_word(self.rng).capitalize()
            if self.rng.random() < 0.05:
                surname = surname.replace("e", "é", 1)
            key = " ".join(words(surname))
            if key in taken or surname.casefold() in taken:
                continue
            taken |= {key, surname.casefold()}
            institution = self.rng.choice(_INSTITUTIONS)
            people.append(
                _Person(
                    first=self.rng.choice(_FIRST_NAMES),
                    surname=surname,
                    role=self.rng.choice(_ROLES),
                    affiliation=f"{self.rng.choice(places)} {institution}",
                )
            )
        return people


class _ReadingWriter:
    def __init__(self, gen: _Generator, plan: _ReadingPlan) -> None:
        self.gen = gen
        self.text = gen.text_for(plan)
        self.rng = self.text.rng
        self.plan = plan
        title = " ".join(self.text.plain_words(self.rng.randint(3, 6), 40, 3000)).title()
        self.title = f"{title}: A Synthetic Reading"
        self.id = f"r{plan.index:04d}-{_slug(title, 40)}"
        self.date = datetime.date(2015, 1, 1) + datetime.timedelta(self.rng.randrange(3650))
        self.speaker_cum = _cumulative_zipf(len(plan.speakers), 1.0)
        topic_count = min(len(gen.topics), self.rng.randint(12, 25))
        topics: dict[str, None] = {}
        while len(topics) < topic_count:
            topics[_zipf_pick(self.rng, gen.topics, gen.topic_cum)] = None
        self.topics = list(topics)
        self.topics_cum = _cumulative_zipf(len(self.topics), 1.0)

    def write(self, root: Path) -> None:
        folder = root / self.id
        folder.mkdir(parents=True)
        passages, quotes = self._passages_and_quotes()
        sections = self._sections(len(passages))
        for number, passage in enumerate(passages):
            passage["section"] = sections[number * len(sections) // len(passages)][0]
        concepts = self._concepts(sections, passages, quotes)
        publications = self._publications()
        self._write_source(folder, sections, passages, publications)
        (folder / "reading.toml").write_text(self._reading_toml(sections), encoding="utf-8")
        (folder / "speakers.toml").write_text(self._speakers_toml(), encoding="utf-8")
        (folder / "passages.toml").write_text(_items_toml("passages", passages), encoding="utf-8")
        (folder / "quotes.toml").write_text(_items_toml("quotes", quotes), encoding="utf-8")
        (folder / "concepts.toml").write_text(_items_toml("concepts", concepts), encoding="utf-8")
        (folder / "publications.toml").write_text(
            _items_toml("publications", publications), encoding="utf-8"
        )

    def _passages_and_quotes(self) -> tuple[list[dict], list[dict]]:
        rng, text_ = self.rng, self.text
        passages: list[dict] = []
        quotes: list[dict] = []
        introduced: set[str] = set()
        remaining = self.plan.quotes
        in_passage = list(itertools.accumulate(QUOTES_IN_PASSAGE_WEIGHTS))[:-1]
        while remaining > 0:
            count = min(remaining, QUOTES_IN_PASSAGE[bisect.bisect(in_passage, rng.random())])
            pid = f"p{len(passages) + 1:04d}"
            parts = [text_.sentence(10, 22) for _ in range(text_.between(1, 3))]
            for _ in range(count):
                person = _zipf_pick(rng, self.plan.speakers, self.speaker_cum)
                said = person.surname
                if person.id not in introduced:
                    introduced.add(person.id)
                    said = f"{person.name}, {person.role} at {person.affiliation}"
                body = text_.sentence(6, 16) if rng.random() < 0.5 else ""
                text = f"{body} {text_.sentence(6, 18, end='')}".strip()
                tagged_after = rng.random() < 0.5
                if tagged_after:
                    sentence = f"“{text},” said {said}."
                else:
                    text += "."
                    sentence = f"{said} said: “{text}”"
                parts.append(sentence)
                quote = {
                    "id": f"{person.id}-{len(quotes) + 1:04d}",
                    "speaker": person.id,
                    "passage": pid,
                    "text": text,
                }
                if rng.random() < 0.15:
                    quote["context"] = sentence
                quote["topics"] = self._pick_topics()
                quotes.append(quote)
                if not tagged_after:
                    # What follows "X said: “...”" must not read as another speaker's tag.
                    parts.append(text_.sentence(8, 18))
            if count == 0 or rng.random() < 0.3:
                parts.append(text_.sentence(10, 22))
            passages.append({"id": pid, "section": "", "text": " ".join(parts)})
            remaining -= count
        return passages, quotes

    def _pick_topics(self) -> list[str]:
        chosen = {
            _zipf_pick(self.rng, self.topics, self.topics_cum)
            for _ in range(self.rng.choice((1, 2, 2, 3)))
        }
        return sorted(chosen)

    def _sections(self, passages: int) -> list[tuple[str, str]]:
        count = max(1, round(passages / PASSAGES_PER_SECTION))
        sections = [("introduction", "Introduction")]
        for number in range(2, count + 1):
            heading = " ".join(self.text.plain_words(self.rng.randint(2, 5), 40, 2000)).title()
            sections.append((f"s{number:03d}-{_slug(heading, 40)}", heading))
        return sections

    def _concepts(self, sections: list, passages: list[dict], quotes: list[dict]) -> list[dict]:
        rng, gen, text = self.rng, self.gen, self.text
        count = gen.scaled(self.plan.quotes, CONCEPTS_PER_1000, 3)
        used: set[str] = set()
        concepts: list[dict] = []
        shared = min(len(gen.shared_concepts), round(count * SHARED_CONCEPT_SHARE))
        terms = rng.sample(gen.shared_concepts, shared)
        while len(concepts) < count:
            term = terms.pop() if terms else text.fresh_term()
            key = term_key(term)
            if not key or key in used:
                continue
            aliases = []
            used.add(key)
            for alias in text.aliases(term):
                alias_key = term_key(alias)
                if alias_key and (alias_key == key or alias_key not in used):
                    aliases.append(alias)
                    used.add(alias_key)
            evidence = [rng.choice(passages)["id"] for _ in range(rng.randint(1, 3))]
            evidence += [rng.choice(quotes)["id"] for _ in range(rng.randint(0, 2))]
            definition = " ".join(text.sentence(10, 25) for _ in range(rng.randint(1, 3)))
            concepts.append(
                {
                    "id": _slug(term, 60),
                    "term": term,
                    "aliases": list(dict.fromkeys(aliases)),
                    "definition": f"{term} is the name the reading gives to this idea. "
                    + definition,
                    "section": rng.choice(sections)[0],
                    "evidence": list(dict.fromkeys(evidence)),
                    "related": [],
                    "topics": sorted(set(self._pick_topics()[:2])),
                }
            )
        ids = [c["id"] for c in concepts]
        for concept in concepts:
            related = {rng.choice(ids) for _ in range(rng.randint(0, 3))} - {concept["id"]}
            concept["related"] = sorted(related)
        return concepts

    def _publications(self) -> list[dict]:
        rng, gen, text = self.rng, self.gen, self.text
        publications = []
        for number in range(gen.scaled(self.plan.quotes, PUBLICATIONS_PER_1000, 2)):
            title = text.sentence(6, 12, end="").replace(",", "")
            when = self.date - datetime.timedelta(rng.randrange(1, 900))
            topics = {
                _zipf_pick(rng, gen.publication_topics, gen.publication_topic_cum)
                for _ in range(rng.randint(1, 2))
            }
            publications.append(
                {
                    "id": f"pub{number + 1:03d}-{_slug(title, 40)}",
                    "title": title,
                    "date": when.isoformat(),
                    "type": _zipf_pick(rng, list(_PUBLICATION_TYPES), _cumulative_zipf(7, 1.0)),
                    "topics": sorted(topics),
                    "summary": " ".join(text.sentence(12, 25) for _ in range(rng.randint(2, 4))),
                    "summary_is_own": False,
                }
            )
        return publications

    def _write_source(self, folder: Path, sections: list, passages: list, publications: list):
        out: list[str] = []
        current = ""
        for passage in passages:
            if passage["section"] != current:
                current = passage["section"]
                if current != "introduction":
                    out.append(dict(sections)[current])
            out.append(passage["text"])
            if self.rng.random() < 0.03:
                caption = _CAPTION.format(date=self.date.strftime("%b. %d, %Y"))
                out += [caption, caption]
        out.append("Related Publications")
        for publication in publications:
            out += [publication["title"], publication["date"], publication["type"]]
            out.append(publication["summary"])
        (folder / "source.txt").write_text("\n\n".join(out) + "\n", encoding="utf-8")

    def _reading_toml(self, sections: list) -> str:
        lines = [
            f"id = {_basic(self.id)}",
            f"title = {_basic(self.title)}",
            f"publisher = {_basic(self.rng.choice(_PUBLISHERS))}",
            f"date = {_basic(self.date.isoformat())}",
            f"url = {_basic(f'https://example.org/readings/{self.id}')}",
            'source_file = "source.txt"',
        ]
        for section_id, title in sections:
            lines += ["", "[[sections]]", f"id = {_basic(section_id)}", f"title = {_basic(title)}"]
        return "\n".join(lines) + "\n"

    def _speakers_toml(self) -> str:
        speakers = [
            {"id": p.id, "name": p.name, "role": p.role, "affiliation": p.affiliation}
            for p in self.plan.speakers
        ]
        return _items_toml("speakers", speakers)


_LONG_FIELDS = frozenset({"text", "context", "definition", "summary"})


def _items_toml(array: str, items: list[dict]) -> str:
    out = []
    for item in items:
        out.append(f"[[{array}]]")
        for name, value in item.items():
            if isinstance(value, bool):
                out.append(f"{name} = {'true' if value else 'false'}")
            elif isinstance(value, list):
                out.append(f"{name} = {_array(value)}")
            elif name in _LONG_FIELDS:
                out.append(f"{name} = {_literal(value)}")
            else:
                out.append(f"{name} = {_basic(value)}")
        out.append("")
    return "\n".join(out)


_WORK: tuple[_Generator, Path] | None = None  # what forked workers write from


def _write_reading(index: int) -> None:
    assert _WORK is not None
    gen, root = _WORK
    _ReadingWriter(gen, gen.plans[index]).write(root)


def write_library(
    folder: Path,
    quotes: int,
    seed: int = 0,
    *,
    per_reading: int = QUOTES_PER_READING,
    workers: int | None = None,
) -> Path:
    """Write a library of `quotes` quotes under `folder/readings/` and return `folder`.

    Pass the returned folder as `data_dir` to `load_library` or `Store.open`. The same
    arguments always give the same files, whatever `workers` is. `per_reading` sets how many
    quotes one reading holds (the readings of an uneven split differ by one). Readings are
    written by `workers` forked processes (default: one a CPU) when there are several.
    """
    global _WORK
    if quotes < 1 or per_reading < 1:
        raise ValueError("quotes and per_reading must be positive")
    folder = Path(folder)
    root = folder / "readings"
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    root.mkdir(parents=True, exist_ok=True)
    gen = _Generator(seed, quotes, per_reading)
    if workers is None:
        workers = os.cpu_count() or 1
    workers = min(workers, len(gen.plans) // 2)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for plan in gen.plans:
            _ReadingWriter(gen, plan).write(root)
        return folder
    _WORK = (gen, root)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            list(pool.map(_write_reading, range(len(gen.plans))))
    finally:
        _WORK = None
    return folder
