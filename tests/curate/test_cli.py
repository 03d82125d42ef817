"""`python -m bot curate`: a draft from each kind of source, clear refusals with nothing
half-written, approval only once nothing is left to review, and drafts never served."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.store import Store
from tests.conftest import DATA_DIR, READING_ID
from tests.curate.loopback import serving_folder

ROOT = Path(__file__).resolve().parents[2]
SEED_SOURCE = DATA_DIR / "readings" / READING_ID / "source.txt"
PAGE = ROOT / "tests" / "curate" / "articles" / "arctic-shipping-insurance" / "article.html"


def curate(*args: str, stdin: bytes = b"", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "curate", *args],
        cwd=cwd,
        input=stdin.decode(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def check_library(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`python -m bot check` on the library in `data_dir`."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "READING_ROOM_DATA": str(data_dir)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_draft_check_edit_approve(tmp_path: Path) -> None:
    out = tmp_path / "readings" / "markets-draft"
    drafted = curate("draft", str(SEED_SOURCE), "--out", str(out))
    assert drafted.returncode == 0, drafted.stderr
    assert "21 quotes" in drafted.stdout
    assert "to review" in drafted.stdout
    check = check_library(tmp_path)
    assert check.returncode == 0, check.stderr
    assert "a draft: not served" in check.stdout
    assert re.search(r"\d+ x concepts\.toml: no definition yet", check.stdout)
    refused = curate("approve", str(out))
    assert refused.returncode == 1
    assert "still to review" in refused.stderr
    meta = out / "reading.toml"
    text = meta.read_text(encoding="utf-8")
    text = re.sub(r"title = .Untitled reading.", 'title = "Markets and civil society"', text)
    meta.write_text(re.sub(r"(?m)^review = .*\n", "", text), encoding="utf-8")
    for name in ("concepts.toml", "quotes.toml", "speakers.toml"):  # each note checked
        path = out / name
        edited = re.sub(r"(?m)^review = .*\n", "", path.read_text(encoding="utf-8"))
        edited = re.sub(r"definition = (''|\"\")", 'definition = "As the article uses it."', edited)
        path.write_text(edited, encoding="utf-8")
    approved = curate("approve", str(out))
    assert approved.returncode == 0, approved.stderr
    assert 'status = "curated"' in meta.read_text(encoding="utf-8")


def test_approve_refuses_a_reading_that_would_not_load_as_curated(tmp_path: Path) -> None:
    article = ROOT / "tests" / "library" / "articles" / "vantor-chip-plant-delay.txt"
    out = tmp_path / "readings" / "vantor"
    assert curate("draft", str(article), "--out", str(out)).returncode == 0
    for path in out.glob("*.toml"):  # every note checked; the draft found no concepts
        text = re.sub(r"(?m)^review = .*\n", "", path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")
    before = (out / "reading.toml").read_text(encoding="utf-8")
    refused = curate("approve", str(out))
    assert refused.returncode == 1
    assert "concepts.toml: '-', field 'concepts': needs at least one [[concepts]]" in (
        refused.stderr
    )
    assert (out / "reading.toml").read_text(encoding="utf-8") == before  # still a draft
    assert check_library(tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty, there is no article to draft"),
        (b"   \n\n  ", "empty, there is no article to draft"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a binary file"),
        (b"\xff\xfe\xfa not utf-8", "not UTF-8 text"),
        (b"<html><body><nav>Home</nav><footer>(c)</footer></body></html>", "no article text"),
    ],
)
def test_bad_sources_are_refused_in_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    source = tmp_path / ("page.html" if content.startswith(b"<html") else "article.txt")
    source.write_bytes(content)
    out = tmp_path / "never-made"
    done = curate("draft", str(source), "--out", str(out))
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [source.name], "nothing half-written"


def test_a_folder_with_files_is_kept_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    refused = curate("draft", str(SEED_SOURCE), "--out", str(out))
    assert refused.returncode == 2
    assert "is not empty" in refused.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    forced = curate("draft", str(SEED_SOURCE), "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "notes.txt" not in {p.name for p in out.iterdir()}
    assert (out / "quotes.toml").exists()


def test_the_folder_is_named_after_the_reading(tmp_path: Path) -> None:
    done = curate("draft", str(SEED_SOURCE), "--out", str(tmp_path / "x"), "--id", "other")
    assert done.returncode == 2
    assert "the folder must be named after the reading's id (other)" in done.stderr


def test_a_page_from_a_url_or_standard_input(tmp_path: Path) -> None:
    shutil.copy(PAGE, tmp_path / "article.html")
    with serving_folder(tmp_path) as address:
        fetched = curate("draft", f"{address}/article.html", "--out", str(tmp_path / "web"))
        missing = curate("draft", f"{address}/nothing.html", "--out", str(tmp_path / "gone"))
    assert fetched.returncode == 0, fetched.stderr
    meta = (tmp_path / "web" / "reading.toml").read_text(encoding="utf-8")
    assert "status = 'draft'" in meta
    assert "publisher =" in meta
    assert missing.returncode == 2
    assert "the server answered 404" in missing.stderr
    piped = curate("draft", "-", "--out", str(tmp_path / "piped"), stdin=SEED_SOURCE.read_bytes())
    assert piped.returncode == 0, piped.stderr
    assert "21 quotes" in piped.stdout


def test_an_address_nobody_answers_is_one_line(tmp_path: Path) -> None:
    with serving_folder(tmp_path) as address:
        pass  # the server is gone: its port refuses
    done = curate("draft", f"{address}/article.html", "--out", str(tmp_path / "none"))
    assert done.returncode == 2
    assert "could not be fetched" in done.stderr


async def test_a_draft_in_the_library_is_not_served(reading_copy: Path, tmp_path: Path) -> None:
    out = reading_copy / "readings" / "a-draft"
    done = curate("draft", str(SEED_SOURCE), "--out", str(out))
    assert done.returncode == 0, done.stderr
    async with await Store.open(tmp_path / "store.db", reading_copy) as store:
        assert [o.id for o in await store.overview()] == [READING_ID]


def test_odd_but_honest_articles_draft_and_read_back(tmp_path: Path) -> None:
    """Backslashes, lines wrapped by hand and quotes across them stay exactly as written."""
    source = tmp_path / "wrapped.txt"
    source.write_text(
        "A wrapped article\n\n"
        'Files went to C:\\temp\\new and \\q. "We kept every\n'
        'line as it was," said Ann Lee, a clerk at the Records Office.\n',
        encoding="utf-8",
    )
    out = tmp_path / "readings" / "wrapped"
    done = curate("draft", str(source), "--out", str(out))
    assert done.returncode == 0, done.stderr
    quotes = (out / "quotes.toml").read_text(encoding="utf-8")
    assert "We kept every\nline as it was" in quotes
    check = check_library(tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_paragraph_too_long_for_discord_or_a_linked_folder_is_one_line(tmp_path: Path) -> None:
    source = tmp_path / "long.txt"
    source.write_text("A title\n\n" + "word " * 900 + "\n", encoding="utf-8")
    long = curate("draft", str(source), "--out", str(tmp_path / "long"))
    assert long.returncode == 2
    assert "paragraph 1 has 4499 characters, over 3500" in long.stderr  # stripped
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "linked").symlink_to(real)
    linked = curate("draft", str(SEED_SOURCE), "--out", str(tmp_path / "linked"))
    assert linked.returncode == 2
    assert "is a link" in linked.stderr
