"""How well `curate draft` finds quotations and their speakers, scored against gold annotations
(the project's evaluation set and the seed reading), and how fast it drafts a long article.

    python -m bench.curate_bench [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.stats import check, render_table
from bot.curate.draft import draft_reading
from bot.curate.sources import read_article
from bot.store.models import Reading

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "curate" / "articles"
SEED = ROOT / "data" / "readings" / "markets-and-civil-society-north-korea"
TARGETS = {"recall": 0.95, "precision": 0.90, "speaker": 0.90, "roles": 0.80, "seconds": 2.0}
LONG_WORDS = 10_000


@dataclass
class Score:
    """Counts for one article, or summed over several."""

    gold_quotes: int = 0
    drafted_quotes: int = 0
    found: int = 0  # gold quotations drafted, word for word
    right_speaker: int = 0  # of those found, credited to the gold speaker
    false: int = 0  # drafted quotations that are no gold quotation
    described: int = 0  # gold speakers the article gives a role or affiliation
    roles_given: int = 0  # of those, drafted with a role or affiliation
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("gold_quotes", "drafted_quotes", "found", "right_speaker", "false"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.described += other.described
        self.roles_given += other.roles_given
        self.misses += other.misses

    def rates(self) -> dict[str, float]:
        return {
            "recall": self.found / self.gold_quotes if self.gold_quotes else 1.0,
            "precision": 1 - self.false / self.drafted_quotes if self.drafted_quotes else 1.0,
            "speaker": self.right_speaker / self.found if self.found else 1.0,
            "roles": self.roles_given / self.described if self.described else 1.0,
        }


def _same_person(drafted: str, gold: str) -> bool:
    a, b = drafted.casefold().split(), gold.casefold().split()
    return a == b or (
        bool(a) and bool(b) and a[-1] == b[-1] and (set(a) <= set(b) or set(b) <= set(a))
    )


def _norm(text: str) -> str:
    return " ".join(text.split())


def score(
    reading: Reading,
    gold_quotes: list[dict[str, str]],
    gold_speakers: list[dict[str, str]],
    name: str,
) -> Score:
    """The draft `reading` against gold quotations (text, speaker name) and speakers."""
    names = {s.id: s.name for s in reading.speakers}
    drafted = {_norm(q.text): names.get(q.speaker, "") for q in reading.quotes}
    result = Score(gold_quotes=len(gold_quotes), drafted_quotes=len(drafted))
    gold_texts = {_norm(g["text"]) for g in gold_quotes}
    for gold in gold_quotes:
        speaker = drafted.get(_norm(gold["text"]))
        if speaker is None:
            result.misses.append(f"{name}: missed “{gold['text'][:60]}” ({gold['speaker']})")
            continue
        result.found += 1
        if _same_person(speaker, gold["speaker"]):
            result.right_speaker += 1
        else:
            result.misses.append(
                f"{name}: “{gold['text'][:50]}” credited to {speaker}, not {gold['speaker']}"
            )
    for text in drafted:
        if text not in gold_texts:
            result.false += 1
            result.misses.append(f"{name}: not a quotation: “{text[:60]}”")
    for gold in gold_speakers:
        if gold.get("role") or gold.get("affiliation"):
            result.described += 1
            match = next((s for s in reading.speakers if _same_person(s.name, gold["name"])), None)
            if match is not None and (match.role or match.affiliation):
                result.roles_given += 1
            else:
                result.misses.append(f"{name}: no role for {gold['name']}")
    return result


def score_article(folder: Path) -> Score:
    """A test article (article.txt or article.html beside gold.toml), drafted and scored."""
    source = next(p for p in (folder / "article.txt", folder / "article.html") if p.exists())
    gold = tomllib.loads((folder / "gold.toml").read_text(encoding="utf-8"))
    reading = draft_reading(read_article(str(source)), "evaluation")
    return score(reading, gold.get("quotes", []), gold.get("speakers", []), folder.name)


def score_seed() -> Score:
    """The seed reading: its curated quotes and speakers are the gold."""
    curated = {
        name: tomllib.loads((SEED / f"{name}.toml").read_text(encoding="utf-8"))[name]
        for name in ("quotes", "speakers")
    }
    names = {s["id"]: s["name"] for s in curated["speakers"]}
    gold_quotes = [{"text": q["text"], "speaker": names[q["speaker"]]} for q in curated["quotes"]]
    reading = draft_reading(read_article(str(SEED / "source.txt")), "seed")
    return score(reading, gold_quotes, curated["speakers"], "seed")


def evaluation_set() -> list[Path]:
    return sorted(p for p in ARTICLES.iterdir() if (p / "gold.toml").exists())


def long_article(words: int = LONG_WORDS) -> str:
    """An article of about `words` words made of the evaluation set's own texts, in turn."""
    texts = [
        read_article(
            str(next(f for f in (p / "article.txt", p / "article.html") if f.exists()))
        ).paragraphs
        for p in evaluation_set()
    ]
    paragraphs: list[str] = []
    count = 0
    while count < words:
        for text in texts:
            paragraphs += text
            count += sum(len(p.split()) for p in text)
    return "A long article\n\n" + "\n\n".join(paragraphs) + "\n"


def time_long_article(folder: Path, runs: int = 3) -> float:
    """The fastest of `runs` drafts of a 10,000-word article, from file to reading, in seconds."""
    path = folder / "long-article.txt"
    path.write_text(long_article(), encoding="utf-8")
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        draft_reading(read_article(str(path)), "long-article")
        best = min(best, time.perf_counter() - started)
    return best


def run(workdir: Path) -> dict[str, Any]:
    total = Score()
    per_article = {}
    for folder in evaluation_set():
        result = score_article(folder)
        per_article[folder.name] = result.rates()
        total.add(result)
    seed = score_seed()
    return {
        "articles": len(per_article),
        "evaluation": asdict(total) | total.rates(),
        "seed": asdict(seed) | seed.rates(),
        "per_article": per_article,
        "long_article_words": LONG_WORDS,
        "long_article_s": time_long_article(workdir),
    }


def _rate_row(label: str, key: str, report: dict[str, Any]) -> list[str]:
    measured, seed, target = report["evaluation"][key], report["seed"][key], TARGETS[key]
    return [label, f">= {target}", f"{measured:.3f} {check(measured >= target)}", f"{seed:.3f}"]


def table(report: dict[str, Any]) -> str:
    evaluation, seed = report["evaluation"], report["seed"]
    seconds = report["long_article_s"]
    rows = [
        _rate_row("quotation recall", "recall", report),
        _rate_row("quotation precision", "precision", report),
        _rate_row("speaker right, of quotations found", "speaker", report),
        _rate_row("role given, of speakers the article describes", "roles", report),
        [
            "quotations (gold / drafted)",
            "",
            f"{evaluation['gold_quotes']} / {evaluation['drafted_quotes']}",
            f"{seed['gold_quotes']} / {seed['drafted_quotes']}",
        ],
        [
            f"draft of a {report['long_article_words']:,}-word article (s)",
            f"< {TARGETS['seconds']}",
            f"{seconds:.2f} {check(seconds < TARGETS['seconds'])}",
            "",
        ],
    ]
    header = ["figure", "target", f"evaluation set ({report['articles']} articles)", "seed"]
    return render_table(header, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.curate_bench", description=__doc__)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        report = run(Path(folder))
    print(table(report))
    if args.misses:
        print("\n".join(report["evaluation"]["misses"] + report["seed"]["misses"]))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
