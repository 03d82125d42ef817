"""One synthetic reading's folder: its passages, quotes, concepts and publications, as TOML."""

from __future__ import annotations

import bisect
import datetime
import itertools
from pathlib import Path

from bench.synthetic_plan import (
    CONCEPTS_PER_1000,
    PUBLICATIONS_PER_1000,
    PUBLISHERS,
    SHARED_CONCEPT_SHARE,
    LibraryPlan,
    ReadingPlan,
)
from bench.synthetic_text import cumulative_zipf, slug, zipf_pick
from bench.synthetic_toml import basic_string, items_toml
from bot.store.normalize import term_key

PASSAGES_PER_SECTION = 40
# How many quotes a passage holds, and how often (mean 1.0: about one passage per quote).
QUOTES_IN_PASSAGE = (0, 1, 2)
QUOTES_IN_PASSAGE_WEIGHTS = (0.3, 0.4, 0.3)
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


class ReadingWriter:
    """Writes one reading, drawing from its own random stream (`LibraryPlan.text_for`)."""

    def __init__(self, library: LibraryPlan, plan: ReadingPlan) -> None:
        self.library = library
        self.text = library.text_for(plan)
        self.rng = self.text.rng
        self.plan = plan
        title = " ".join(self.text.plain_words(self.rng.randint(3, 6), 40, 3000)).title()
        self.title = f"{title}: A Synthetic Reading"
        self.id = f"r{plan.index:04d}-{slug(title, 40)}"
        self.date = datetime.date(2015, 1, 1) + datetime.timedelta(self.rng.randrange(3650))
        self.speaker_cum = cumulative_zipf(len(plan.speakers), 1.0)
        topic_count = min(len(library.topics), self.rng.randint(12, 25))
        topics: dict[str, None] = {}
        while len(topics) < topic_count:
            topics[zipf_pick(self.rng, library.topics, library.topic_cum)] = None
        self.topics = list(topics)
        self.topics_cum = cumulative_zipf(len(self.topics), 1.0)

    def write(self, root: Path) -> None:
        """Write the reading's folder, `root`/<id>/: its TOML files and its source text."""
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
        (folder / "passages.toml").write_text(items_toml("passages", passages), encoding="utf-8")
        (folder / "quotes.toml").write_text(items_toml("quotes", quotes), encoding="utf-8")
        (folder / "concepts.toml").write_text(items_toml("concepts", concepts), encoding="utf-8")
        (folder / "publications.toml").write_text(
            items_toml("publications", publications), encoding="utf-8"
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
                person = zipf_pick(rng, self.plan.speakers, self.speaker_cum)
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
            zipf_pick(self.rng, self.topics, self.topics_cum)
            for _ in range(self.rng.choice((1, 2, 2, 3)))
        }
        return sorted(chosen)

    def _sections(self, passages: int) -> list[tuple[str, str]]:
        count = max(1, round(passages / PASSAGES_PER_SECTION))
        sections = [("introduction", "Introduction")]
        for number in range(2, count + 1):
            heading = " ".join(self.text.plain_words(self.rng.randint(2, 5), 40, 2000)).title()
            sections.append((f"s{number:03d}-{slug(heading, 40)}", heading))
        return sections

    def _concepts(self, sections: list, passages: list[dict], quotes: list[dict]) -> list[dict]:
        rng, library, text = self.rng, self.library, self.text
        count = library.scaled(self.plan.quotes, CONCEPTS_PER_1000, 3)
        used: set[str] = set()
        concepts: list[dict] = []
        shared = min(len(library.shared_concepts), round(count * SHARED_CONCEPT_SHARE))
        terms = rng.sample(library.shared_concepts, shared)
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
                    "id": slug(term, 60),
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
        rng, library, text = self.rng, self.library, self.text
        publications = []
        for number in range(library.scaled(self.plan.quotes, PUBLICATIONS_PER_1000, 2)):
            title = text.sentence(6, 12, end="").replace(",", "")
            when = self.date - datetime.timedelta(rng.randrange(1, 900))
            topics = {
                zipf_pick(rng, library.publication_topics, library.publication_topic_cum)
                for _ in range(rng.randint(1, 2))
            }
            publications.append(
                {
                    "id": f"pub{number + 1:03d}-{slug(title, 40)}",
                    "title": title,
                    "date": when.isoformat(),
                    "type": zipf_pick(rng, list(_PUBLICATION_TYPES), cumulative_zipf(7, 1.0)),
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
            f"id = {basic_string(self.id)}",
            f"title = {basic_string(self.title)}",
            f"publisher = {basic_string(self.rng.choice(PUBLISHERS))}",
            f"date = {basic_string(self.date.isoformat())}",
            f"url = {basic_string(f'https://example.org/readings/{self.id}')}",
            'source_file = "source.txt"',
        ]
        for section_id, title in sections:
            lines += [
                "",
                "[[sections]]",
                f"id = {basic_string(section_id)}",
                f"title = {basic_string(title)}",
            ]
        return "\n".join(lines) + "\n"

    def _speakers_toml(self) -> str:
        speakers = [
            {"id": p.id, "name": p.name, "role": p.role, "affiliation": p.affiliation}
            for p in self.plan.speakers
        ]
        return items_toml("speakers", speakers)
