"""`python -m bot curate draft|approve`: draft a reading from an article, approve a reviewed one."""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import time
from collections import Counter
from pathlib import Path

from bot.curate.draft import DraftError, draft_reading, slug
from bot.curate.reading_files import FolderError, write_reading
from bot.curate.sources import SourceError, read_article
from bot.store.loader import load_reading
from bot.store.models import CURATED, DRAFT, Reading
from bot.store.validate import review_items, validate_reading

# Exit codes of `curate`: 0 done, 1 the reading is not ready (approve), 2 bad input.
NOT_READY, BAD_INPUT = 1, 2


def add_parser(sub: argparse._SubParsersAction) -> None:
    curate = sub.add_parser("curate", help="draft a reading from an article; approve a draft")
    verbs = curate.add_subparsers(dest="verb", required=True)
    draft = verbs.add_parser("draft", help="draft a reading folder from an article")
    draft.add_argument("source", help="a .txt file, a saved .html page, - for stdin, or a URL")
    draft.add_argument("--out", type=Path, required=True, help="the reading's new folder")
    draft.add_argument("--id", help="the reading's id (default: the folder's name)")
    draft.add_argument("--publisher", default="", help="when the article does not say")
    draft.add_argument("--force", action="store_true", help="replace a folder that has files")
    approve = verbs.add_parser("approve", help="mark a reviewed draft as curated")
    approve.add_argument("folder", type=Path)


def run(args: argparse.Namespace) -> int:
    if args.verb == "draft":
        return _draft(args)
    return _approve(args.folder)


def _draft(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    reading_id = args.id or slug(args.out.name, "")
    if not reading_id or reading_id != args.out.name:
        wanted = f" ({reading_id})" if reading_id else ""
        print(
            f"curate: the folder must be named after the reading's id{wanted}: "
            f"use --out {args.out.parent / (reading_id or 'a-reading-id')}",
            file=sys.stderr,
        )
        return BAD_INPUT
    try:
        article = read_article(args.source)
        reading = draft_reading(article, reading_id, args.publisher)
        problems = validate_reading(reading, args.out)
        if problems:  # a bug of the drafter's: never write what the validator refuses
            raise RuntimeError("the draft does not validate:\n" + "\n".join(map(str, problems)))
        write_reading(reading, args.out, force=args.force)
    except (SourceError, FolderError, DraftError) as error:
        print(f"curate: {error}", file=sys.stderr)
        return BAD_INPUT
    except RuntimeError as error:  # nothing was written; the article lets us find the bug
        print(f"curate: {error}: a bug, please report it with the article", file=sys.stderr)
        return 1
    print(_summary(reading, args.out, time.perf_counter() - started))
    return 0


def _summary(reading: Reading, folder: Path, seconds: float) -> str:
    lines = [
        f"drafted {folder} in {seconds:.2f} s: {reading.title}",
        f"  {len(reading.sections)} sections, {len(reading.passages)} passages, "
        f"{len(reading.speakers)} speakers, {len(reading.quotes)} quotes, "
        f"{len(reading.concepts)} candidate concepts, {len(reading.publications)} publications",
    ]
    lines += review_lines(reading)
    lines.append(f"next: review the files, then python -m bot curate approve {folder}")
    return "\n".join(lines)


def review_lines(reading: Reading) -> list[str]:
    """What a curator must still check, grouped by reason, with counts and item ids."""
    groups: dict[str, list[str]] = {}
    for file_name, item in review_items(reading):
        reason = re.sub(r"\s*\(.*?\)", "", item.review)
        groups.setdefault(f"{file_name}: {reason}", []).append(item.id)
    if not groups:
        return ["  nothing marked for review"]
    total = sum(Counter({k: len(v) for k, v in groups.items()}).values())
    lines = [f"  {total} item(s) to review:"]
    for reason, ids in groups.items():
        shown = ", ".join(ids[:6]) + (", ..." if len(ids) > 6 else "")
        lines.append(f"    {len(ids)} x {reason}: {shown}")
    return lines


def _approve(folder: Path) -> int:
    reading, problems = load_reading(folder)
    if reading is None:
        print(f"curate: {folder} does not load:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return NOT_READY
    if reading.status == CURATED:
        print(f"{folder} is curated already")
        return 0
    curated = dataclasses.replace(reading, status=CURATED)
    remaining = validate_reading(curated, folder)
    if remaining:
        print(f"curate: {folder} is not ready: {len(remaining)} thing(s) remain", file=sys.stderr)
        for problem in remaining:
            print(f"  {problem}", file=sys.stderr)
        return NOT_READY
    meta = folder / "reading.toml"
    text = meta.read_text(encoding="utf-8")
    approved, found = re.subn(
        rf"""(?m)^status\s*=\s*(["']){DRAFT}\1""", f'status = "{CURATED}"', text, count=1
    )
    if found:
        meta.write_text(approved, encoding="utf-8")
    reread, problems = load_reading(folder)
    if problems and found:  # a rule only the loader applies (a curated file may not be empty)
        meta.write_text(text, encoding="utf-8")  # still a draft, as it was
        print(f"curate: {folder} is not ready: {len(problems)} thing(s) remain", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return NOT_READY
    if reread is None or reread.status != CURATED:
        print(
            f'curate: could not mark {meta} curated: set status = "curated" there', file=sys.stderr
        )
        return NOT_READY
    print(
        f"approved {folder}: {reading.title} is curated; a running bot serves it after "
        "`python -m bot reload`, a stopped one from its next start"
    )
    return 0
