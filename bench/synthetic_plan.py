"""What the readings of a synthetic library share: their sizes, people, topics and concepts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench.synthetic_text import (
    Text,
    ZipfWords,
    cumulative_zipf,
    made_up_word,
    make_vocabulary,
    slug,
    word_list,
)
from bot.store.normalize import words

# Per 1000 quotes of a reading.
SPEAKERS_PER_1000 = 60
CONCEPTS_PER_1000 = 150
PUBLICATIONS_PER_1000 = 20
SHARED_CONCEPT_SHARE = 0.2
SHARED_CONCEPT_READINGS = 5

_FIRST_NAMES = word_list("""
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
PUBLISHERS = (
    "United States Institute of Peace",
    "Center for Policy Studies",
    "Institute for Regional Affairs",
    "The Northern Review",
)


@dataclass
class Person:
    """Someone quoted: a speaker in any reading that draws them."""

    first: str
    surname: str
    role: str
    affiliation: str
    name: str = ""
    id: str = ""

    def __post_init__(self) -> None:
        self.name = f"{self.first} {self.surname}"
        self.id = slug(self.surname)


@dataclass
class ReadingPlan:
    """How many quotes a reading holds and who speaks in it."""

    index: int
    quotes: int
    speakers: list[Person] = field(default_factory=list)


class LibraryPlan:
    """Every reading's plan, and what the readings share: vocabulary, people, topics and
    shared concepts."""

    def __init__(self, seed: int, quotes: int, per_reading: int) -> None:
        self.seed = seed
        rng = random.Random(seed)
        self.rng = rng
        self.vocabulary = make_vocabulary(rng)
        self.zipf = ZipfWords(self.vocabulary)
        text = Text(rng, self.vocabulary, self.zipf)
        readings = max(1, round(quotes / per_reading))
        self.plans = [
            ReadingPlan(i, quotes // readings + (1 if i < quotes % readings else 0))
            for i in range(readings)
        ]
        speaker_slots = [self.scaled(p.quotes, SPEAKERS_PER_1000, 2) for p in self.plans]
        self.people = self._people(max(max(speaker_slots), int(sum(speaker_slots) * 0.6)))
        for plan, slots in zip(self.plans, speaker_slots, strict=True):
            plan.speakers = rng.sample(self.people, slots)
        # Topics: a global pool drawn with Zipf weights, so a few are on most quotes.
        self.topics = text.phrases(300, lowercase=True)
        self.topic_cum = cumulative_zipf(len(self.topics), 1.0)
        self.publication_topics = text.phrases(40, lowercase=False)
        self.publication_topic_cum = cumulative_zipf(len(self.publication_topics), 1.0)
        total_concepts = sum(self.scaled(p.quotes, CONCEPTS_PER_1000, 3) for p in self.plans)
        # Shared concepts: each is defined by about SHARED_CONCEPT_READINGS readings.
        shared = round(total_concepts * SHARED_CONCEPT_SHARE / SHARED_CONCEPT_READINGS)
        self.shared_concepts = [text.fresh_term() for _ in range(max(1, shared))]

    @staticmethod
    def scaled(quotes: int, per_1000: int, least: int) -> int:
        """`per_1000` for every 1000 of `quotes`, and at least `least`."""
        return max(least, round(per_1000 * quotes / 1000))

    def text_for(self, plan: ReadingPlan) -> Text:
        """Each reading draws from its own stream, so readings can be written in any order."""
        rng = random.Random(f"{self.seed}/{plan.index}")
        return Text(rng, self.vocabulary, self.zipf)

    def _people(self, count: int) -> list[Person]:
        """People with distinct surnames that no other capitalised word of a tag can match."""
        fixed = " ".join((*_FIRST_NAMES, *_ROLES, *_INSTITUTIONS, *PUBLISHERS))
        taken = {word.casefold() for word in fixed.split()} | set(words(fixed))
        places = [made_up_word(self.rng).capitalize() for _ in range(max(10, count // 4))]
        taken |= {place.casefold() for place in places}
        people = []
        while len(people) < count:
            surname = made_up_word(self.rng).capitalize()
            if self.rng.random() < 0.05:
                surname = surname.replace("e", "é", 1)
            key = " ".join(words(surname))
            if key in taken or surname.casefold() in taken:
                continue
            taken |= {key, surname.casefold()}
            institution = self.rng.choice(_INSTITUTIONS)
            people.append(
                Person(
                    first=self.rng.choice(_FIRST_NAMES),
                    surname=surname,
                    role=self.rng.choice(_ROLES),
                    affiliation=f"{self.rng.choice(places)} {institution}",
                )
            )
        return people
