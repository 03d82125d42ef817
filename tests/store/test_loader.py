"""Every kind of bad content is refused with problems naming the right file, item id and field.

Each case edits one file of a throwaway copy of the real reading with a small text replacement,
then checks the exact set of (file, item, field) the loader reports, so a fault is neither
missed nor blamed on the wrong place.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.store.loader import ContentError, content_hash, load_library, read_readings

READING = "markets-and-civil-society-north-korea"

Edit = Callable[[str], str] | None  # None deletes the file


def sub(old: str, new: str) -> Edit:
    """Replace the one occurrence of `old` (failing loudly if the data no longer has it once)."""

    def edit(text: str) -> str:
        assert text.count(old) == 1, f"expected exactly one {old!r} in the file"
        return text.replace(old, new)

    return edit


def sub_re(pattern: str, repl: str) -> Edit:
    def edit(text: str) -> str:
        new, count = re.subn(pattern, repl, text, flags=re.MULTILINE)
        assert count == 1, f"expected exactly one match of {pattern!r}"
        return new

    return edit


def swap_passages(first: str, second: str) -> Edit:
    """Swap two [[passages]] blocks, so their order in the file no longer follows the source."""

    def edit(text: str) -> str:
        head, *blocks = text.split("[[passages]]")
        ids = [re.search(r'id = "([^"]+)"', block).group(1) for block in blocks]
        i, j = ids.index(first), ids.index(second)
        blocks[i], blocks[j] = blocks[j], blocks[i]
        blocks = [block.rstrip("\n") + "\n\n" for block in blocks]
        return "[[passages]]".join([head, *blocks])

    return edit


def apply(data_dir: Path, file: str, edit: Edit) -> Path:
    path = data_dir / "readings" / READING / file
    if edit is None:
        path.unlink()
    else:
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def problems_of(data_dir: Path) -> list:
    with pytest.raises(ContentError) as caught:
        load_library(data_dir)
    return caught.value.problems


def where(data_dir: Path, problems: list) -> set[tuple[str, str, str]]:
    """(file relative to the reading folder, item, field) of each problem."""
    folder = data_dir / "readings" / READING
    return {(Path(p.file).relative_to(folder).as_posix(), p.item, p.field) for p in problems}


LONG = "x" * 1001
FOOD = "Are they just so busy putting food on the table, that there's hardly any time"
FOOD_TOPICS = 'topics = ["survival", "markets", "civil society"]'
NEED_SOMETHING = 'speaker = "yeo"\npassage = "p15"'
SURVEILLANCE_ALIASES = (
    'aliases = ["surveillance programs", "surveillance programmes", "state surveillance"]'
)
SURVEILLANCE_TAIL = 'section = "long-way"\nevidence = ["p21"]\nrelated = ["hidden-dissent", "legit'
SURVEILLANCE_RELATED = 'related = ["hidden-dissent", "legitimacy-crisis"]'
SURVEILLANCE_DEFINITION = r"^definition = '''North Korea.s expansive surveillance programs.*$"
PUTIN_DATE = 'date = "2024-10-29"'
PUTIN_ID = 'id = "putin-doubling-down"'
SELF_INTEREST_CONTEXT = (
    "context = '''“Even if they\u2019re driven by profit and self-interest, rather than collective "
    "interest,” these sorts of interactions can mimic the functions of civil society, said Yeo.'''"
)

CASES = [
    # --- files that cannot be read ---
    pytest.param(
        "quotes.toml",
        sub('id = "yeo-shared-norms"', 'id = "yeo-shared-norms'),
        {("quotes.toml", "-", "-")},
        "not valid TOML",
        id="invalid-toml-items",
    ),
    pytest.param(
        "reading.toml",
        sub('[[sections]]\nid = "introduction"', '[[sections]\nid = "introduction"'),
        {("reading.toml", "-", "-")},
        "not valid TOML",
        id="invalid-toml-reading",
    ),
    pytest.param(
        "speakers.toml", None, {("speakers.toml", "-", "-")}, "missing", id="missing-items-file"
    ),
    pytest.param(
        "reading.toml", None, {("reading.toml", "-", "-")}, "missing", id="missing-reading-toml"
    ),
    pytest.param(
        "source.txt",
        None,
        {("source.txt", READING, "source_file")},
        "No such file",
        id="missing-source",
    ),
    # --- structure: required, types, unknown fields ---
    pytest.param(
        "speakers.toml",
        sub('\nrole = "fellow"', ""),
        {("speakers.toml", "baek", "role")},
        "is required",
        id="missing-field-speaker-role",
    ),
    pytest.param(
        "concepts.toml",
        sub('id = "surveillance"\nterm = "Surveillance"\n', 'id = "surveillance"\n'),
        {("concepts.toml", "surveillance", "term")},
        "is required",
        id="missing-field-concept-term",
    ),
    pytest.param(
        "quotes.toml",
        sub('speaker = "baek"\npassage = "p24"\n', 'speaker = "baek"\n'),
        {("quotes.toml", "baek-anecdotes", "passage")},
        "is required",
        id="missing-field-quote-passage",
    ),
    pytest.param(
        "reading.toml",
        sub('publisher = "United States Institute of Peace"\n', ""),
        {("reading.toml", READING, "publisher")},
        "is required",
        id="missing-field-reading-publisher",
    ),
    pytest.param(
        "concepts.toml",
        sub(SURVEILLANCE_ALIASES, 'aliases = "surveillance programs"'),
        {("concepts.toml", "surveillance", "aliases")},
        "must be a list of strings",
        id="wrong-type-string-for-list",
    ),
    pytest.param(
        "quotes.toml",
        sub(FOOD_TOPICS, 'topics = ["survival", 3]'),
        {("quotes.toml", "arrington-food-on-table", "topics")},
        "must be a list of strings",
        id="wrong-type-number-in-list",
    ),
    pytest.param(
        "publications.toml",
        sub_re(r"summary_is_own = false\s*\Z", 'summary_is_own = "no"\n'),
        {("publications.toml", "putin-doubling-down", "summary_is_own")},
        "must be a bool",
        id="wrong-type-string-for-bool",
    ),
    pytest.param(
        "publications.toml",
        sub(PUTIN_DATE, "date = 2024-10-29"),
        {("publications.toml", "putin-doubling-down", "date")},
        "must be a str",
        id="wrong-type-unquoted-toml-date",
    ),
    pytest.param(
        "reading.toml",
        sub('url = "https://', 'url = 5\nx_url = "https://'),
        {("reading.toml", READING, "url"), ("reading.toml", READING, "x_url")},
        "must be a string",
        id="wrong-type-reading-scalar",
    ),
    pytest.param(
        "quotes.toml",
        sub(FOOD_TOPICS, FOOD_TOPICS.replace("topics", "topic")),
        {("quotes.toml", "arrington-food-on-table", "topic")},
        "unknown field",
        id="unknown-field-optional-typo",
    ),
    pytest.param(
        "speakers.toml",
        sub('affiliation = "Catholic University"', 'affiliaton = "Catholic University"'),
        {("speakers.toml", "yeo", "affiliaton"), ("speakers.toml", "yeo", "affiliation")},
        "unknown field",
        id="unknown-field-required-typo",
    ),
    pytest.param(
        "reading.toml",
        sub("url = ", "ulr = "),
        {("reading.toml", READING, "ulr")},
        "unknown field",
        id="unknown-field-reading",
    ),
    # --- empty text ---
    pytest.param(
        "reading.toml",
        sub('title = "A Look at Markets in North Korea"', 'title = "  "'),
        {("reading.toml", "markets", "title")},
        "is empty",
        id="empty-section-title",
    ),
    pytest.param(
        "quotes.toml",
        sub_re(rf"text = '''{re.escape(FOOD)}[^']*'''", "text = ''''''"),
        {("quotes.toml", "arrington-food-on-table", "text")},
        "is empty",
        id="empty-quote-text",
    ),
    pytest.param(
        "concepts.toml",
        sub('"state surveillance"]', '""]'),
        {("concepts.toml", "surveillance", "aliases")},
        "is empty",
        id="empty-alias",
    ),
    pytest.param(
        "reading.toml",
        sub('title = "Introduction"', 'title = ""'),
        {("reading.toml", "introduction", "title")},
        "is empty",
        id="empty-section-title",
    ),
    # --- ids ---
    pytest.param(
        "publications.toml",
        sub(PUTIN_ID, 'id = "seoul-north-korea-soldiers-russia"'),
        {("publications.toml", "seoul-north-korea-soldiers-russia", "id")},
        "used 2 times",
        id="duplicate-id",
    ),
    pytest.param(
        "quotes.toml",
        sub('id = "baek-anecdotes"', 'id = "baek-traditional-view"'),
        {
            ("quotes.toml", "baek-traditional-view", "id"),
            ("concepts.toml", "hidden-dissent", "evidence"),  # its evidence is now gone
        },
        "used 2 times",
        id="duplicate-id-referenced",
    ),
    *(
        pytest.param(
            "publications.toml",
            sub(PUTIN_ID, f"id = {bad!r}".replace("'", '"')),
            {("publications.toml", bad, "id")},
            "lowercase slug",
            id=f"bad-slug-{label}",
        )
        for label, bad in [
            ("uppercase-underscore", "Putin_Doubling_Down"),
            ("space", "putin doubling"),
            ("leading-hyphen", "-putin"),
            ("too-long", "p" * 65),
            ("accent", "putin-doublé"),
        ]
    ),
    pytest.param(
        "publications.toml",
        sub(PUTIN_ID, 'id = "putin-doubling-down\\n"'),
        {("publications.toml", "putin-doubling-down\n", "id")},
        "lowercase slug",
        id="bad-slug-trailing-newline",
    ),
    pytest.param(
        "reading.toml",
        sub(f'id = "{READING}"', 'id = "markets-and-civil-society"'),
        {("reading.toml", "markets-and-civil-society", "id")},
        "folder name",
        id="reading-id-not-folder",
    ),
    # --- references ---
    pytest.param(
        "quotes.toml",
        sub('id = "baek-anecdotes"\nspeaker = "baek"', 'id = "baek-anecdotes"\nspeaker = "beak"'),
        {("quotes.toml", "baek-anecdotes", "speaker")},
        "unknown id 'beak'",
        id="unknown-speaker",
    ),
    pytest.param(
        "quotes.toml",
        sub('speaker = "baek"\npassage = "p24"', 'speaker = "baek"\npassage = "p99"'),
        {("quotes.toml", "baek-anecdotes", "passage")},
        "unknown id 'p99'",
        id="unknown-passage",
    ),
    pytest.param(
        "passages.toml",
        sub('id = "p05"\nsection = "markets"', 'id = "p05"\nsection = "market"'),
        {("passages.toml", "p05", "section")},
        "unknown id 'market'",
        id="unknown-section-passage",
    ),
    pytest.param(
        "concepts.toml",
        sub(SURVEILLANCE_TAIL, SURVEILLANCE_TAIL.replace("long-way", "long-road")),
        {("concepts.toml", "surveillance", "section")},
        "unknown id 'long-road'",
        id="unknown-section-concept",
    ),
    pytest.param(
        "concepts.toml",
        sub(SURVEILLANCE_TAIL, SURVEILLANCE_TAIL.replace('["p21"]', '["p21", "p26"]')),
        {("concepts.toml", "surveillance", "evidence")},
        "unknown id 'p26'",
        id="unknown-evidence",
    ),
    pytest.param(
        "concepts.toml",
        sub(SURVEILLANCE_RELATED, 'related = ["hidden-dissent", "legitimacy-crises"]'),
        {("concepts.toml", "surveillance", "related")},
        "'legitimacy-crises'",
        id="unknown-related",
    ),
    pytest.param(
        "concepts.toml",
        sub(SURVEILLANCE_RELATED, 'related = ["hidden-dissent", "surveillance"]'),
        {("concepts.toml", "surveillance", "related")},
        "cannot relate to itself",
        id="related-self-reference",
    ),
    pytest.param(
        "concepts.toml",
        sub(SURVEILLANCE_ALIASES, SURVEILLANCE_ALIASES.replace("]", ', "Legitimacy Crises"]')),
        {("concepts.toml", "surveillance", "aliases")},
        "also names 'legitimacy-crisis'",
        id="shared-folded-spelling",
    ),
    pytest.param(
        "concepts.toml",
        sub(SURVEILLANCE_ALIASES, SURVEILLANCE_ALIASES.replace("]", ', "the Civil-Societies"]')),
        {("concepts.toml", "surveillance", "aliases")},
        "also names 'civil-society'",
        id="shared-folded-spelling-article-hyphen-plural",
    ),
    # --- faithfulness of quotes ---
    pytest.param(
        "quotes.toml",
        sub("there's hardly", "there\u2019s hardly"),
        {("quotes.toml", "arrington-food-on-table", "text")},
        "verbatim",
        id="quote-straight-apostrophe-made-curly",
    ),
    pytest.param(
        "quotes.toml",
        sub("government\u2019s not'''", "government's not'''"),
        {("quotes.toml", "yeo-need-something", "text")},
        "verbatim",
        id="quote-curly-apostrophe-made-straight",
    ),
    pytest.param(
        "quotes.toml",
        sub("shared norms and idea'''", "shared norms and ideas'''"),
        {("quotes.toml", "yeo-shared-norms", "text")},
        "verbatim",
        id="quote-typo-fixed",
    ),
    pytest.param(
        "quotes.toml",
        sub("market actors … marketization", "market actors ... marketization"),
        {("quotes.toml", "hastings-addicted", "text")},
        "verbatim",
        id="quote-ellipsis-changed",
    ),
    pytest.param(
        "quotes.toml",
        sub("small scale'''", "small scale,'''"),
        {("quotes.toml", "yeo-private-small-scale", "text")},
        "comma",
        id="quote-keeps-trailing-comma",
    ),
    pytest.param(
        "quotes.toml",
        sub(NEED_SOMETHING, NEED_SOMETHING.replace("p15", "p10")),
        {("quotes.toml", "yeo-need-something", "text")},
        "is not in passage 'p10'",
        id="quote-not-in-its-passage",
    ),
    pytest.param(
        "quotes.toml",
        sub(
            SELF_INTEREST_CONTEXT,
            "context = '''Once that baseline of trust is established, these relationships can "
            "develop into networks that have allowed for things like credit to be established.'''",
        ),
        {("quotes.toml", "yeo-self-interest", "context")},
        "does not contain the quote",
        id="context-without-its-quote",
    ),
    pytest.param(
        "quotes.toml",
        sub("these sorts of interactions can mimic", "these kinds of interactions can mimic"),
        {("quotes.toml", "yeo-self-interest", "context")},
        "is not in passage 'p19'",
        id="context-not-in-passage",
    ),
    pytest.param(
        "quotes.toml",
        sub(NEED_SOMETHING, NEED_SOMETHING.replace("yeo", "hastings")),
        {("quotes.toml", "yeo-need-something", "speaker")},
        "passage 'p15' credits 'yeo'",
        id="misattributed-speaker-not-named",
    ),
    pytest.param(
        "quotes.toml",
        sub('speaker = "baek"\npassage = "p24"', 'speaker = "arrington"\npassage = "p24"'),
        {("quotes.toml", "baek-anecdotes", "speaker")},
        "passage 'p24' credits 'baek'",
        id="misattributed-speaker-named-nearby",
    ),
    # --- passages ---
    pytest.param(
        "passages.toml",
        swap_passages("p02", "p03"),
        {("passages.toml", "p02", "text")},
        "in order",
        id="passages-out-of-order",
    ),
    pytest.param(
        "passages.toml",
        sub("aren\u2019t", "aren't"),
        {("passages.toml", "p08", "text")},
        "verbatim in the source",
        id="passage-not-in-source",
    ),
    pytest.param(
        "passages.toml",
        sub(
            " This is intended to keep social trust low, as actors aren\u2019t able to reliably "
            "interact with one another.'''",
            "'''",
        ),
        {("passages.toml", "p08", "text")},
        "paragraph",
        id="passage-only-part-of-a-paragraph",
    ),
    # --- lengths ---
    pytest.param(
        "concepts.toml",
        sub_re(SURVEILLANCE_DEFINITION, f"definition = '''{LONG}'''"),
        {("concepts.toml", "surveillance", "definition")},
        "over 1000",
        id="too-long-definition",
    ),
    pytest.param(
        "speakers.toml",
        sub('role = "fellow"', f'role = "{"f" * 257}"'),
        {("speakers.toml", "baek", "role")},
        "over 256",
        id="too-long-role",
    ),
    pytest.param(
        "quotes.toml",
        sub(FOOD_TOPICS, f'topics = ["{"t" * 101}"]'),
        {("quotes.toml", "arrington-food-on-table", "topics")},
        "over 100",
        id="too-long-topic",
    ),
    # --- dates ---
    *(
        pytest.param(
            "publications.toml",
            sub(PUTIN_DATE, f'date = "{bad}"'),
            {("publications.toml", "putin-doubling-down", "date")},
            "ISO date",
            id=f"bad-date-{bad}",
        )
        for bad in ["2024-11-31", "October 29, 2024", "2024-10", "29-10-2024", ""]
    ),
    *(
        pytest.param(
            "publications.toml",
            sub(PUTIN_DATE, f'date = "{bad}"'),
            {("publications.toml", "putin-doubling-down", "date")},
            "ISO date",
            id=f"bad-date-{bad}",
        )
        for bad in ["20241029", "2024-W44-2"]
    ),
    pytest.param(
        "reading.toml",
        sub('source_file = "source.txt"', 'date = "2021-02"\nsource_file = "source.txt"'),
        {("reading.toml", READING, "date")},
        "ISO date",
        id="bad-date-reading",
    ),
]


@pytest.mark.parametrize(("file", "edit", "expected", "message"), CASES)
def test_bad_content_is_refused_naming_file_item_and_field(
    reading_copy: Path,
    file: str,
    edit: Edit,
    expected: set[tuple[str, str, str]],
    message: str,
) -> None:
    apply(reading_copy, file, edit)
    problems = problems_of(reading_copy)
    assert where(reading_copy, problems) == expected
    assert any(message in p.message for p in problems), [p.message for p in problems]


def test_the_untouched_copy_loads(reading_copy: Path) -> None:
    library = load_library(reading_copy)
    assert [r.id for r in library.readings] == [READING]


def test_text_at_the_length_limit_is_accepted(reading_copy: Path) -> None:
    apply(
        reading_copy,
        "concepts.toml",
        sub_re(SURVEILLANCE_DEFINITION, f"definition = '''{LONG[1:]}'''"),
    )
    concepts = load_library(reading_copy).readings[0].concepts
    assert len(next(c for c in concepts if c.id == "surveillance").definition) == 1000


def test_every_problem_is_reported_at_once_and_named_in_the_message(reading_copy: Path) -> None:
    apply(reading_copy, "quotes.toml", sub("there's hardly", "there\u2019s hardly"))
    apply(reading_copy, "publications.toml", sub(PUTIN_DATE, 'date = "2024-13-01"'))
    with pytest.raises(ContentError) as caught:
        load_library(reading_copy)
    assert where(reading_copy, caught.value.problems) == {
        ("quotes.toml", "arrington-food-on-table", "text"),
        ("publications.toml", "putin-doubling-down", "date"),
    }
    message = str(caught.value)
    assert "2 problem(s)" in message
    for needle in ("quotes.toml", "'arrington-food-on-table'", "'text'", "putin-doubling-down"):
        assert needle in message


def test_no_readings_folder_at_all(tmp_path: Path) -> None:
    problems = problems_of(tmp_path)
    assert [(p.file, p.item, p.field) for p in problems] == [(str(tmp_path / "readings"), "-", "-")]
    assert "no reading folders" in problems[0].message


def test_readings_folder_without_reading_folders(tmp_path: Path) -> None:
    (tmp_path / "readings").mkdir()
    (tmp_path / "readings" / "notes.txt").write_text("not a reading", encoding="utf-8")
    problems = problems_of(tmp_path)
    assert [(p.file, p.item, p.field) for p in problems] == [(str(tmp_path / "readings"), "-", "-")]


def test_reading_id_must_be_a_slug(reading_copy: Path) -> None:
    bad = "Markets_NK"
    folder = reading_copy / "readings" / READING
    apply(reading_copy, "reading.toml", sub(f'id = "{READING}"', f'id = "{bad}"'))
    folder.rename(folder.with_name(bad))
    problems = problems_of(reading_copy)
    assert {(Path(p.file).name, p.item, p.field) for p in problems} == {("reading.toml", bad, "id")}


# --- content_hash ---

READING_FILES = sorted(
    p.name for p in (Path(__file__).resolve().parents[2] / "data" / "readings" / READING).iterdir()
)


def test_content_hash_is_stable(reading_copy: Path, tmp_path_factory) -> None:
    first = content_hash(reading_copy)
    assert content_hash(reading_copy) == first
    assert load_library(reading_copy).content_hash == first
    for path in (reading_copy / "readings" / READING).iterdir():  # rewrite same bytes
        path.write_bytes(path.read_bytes())
    assert content_hash(reading_copy) == first
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    shutil.copytree(reading_copy / "readings", elsewhere / "readings")
    assert content_hash(elsewhere) == first  # independent of where the data dir lives
    (reading_copy / "README.md").write_text("not part of any reading", encoding="utf-8")
    assert content_hash(reading_copy) == first


@pytest.mark.parametrize("file", READING_FILES)
def test_content_hash_changes_when_any_file_changes(reading_copy: Path, file: str) -> None:
    before = content_hash(reading_copy)
    path = reading_copy / "readings" / READING / file
    path.write_bytes(path.read_bytes() + b"\n")
    assert content_hash(reading_copy) != before


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda folder: (folder / "notes.md").write_text("x"), id="file-added"),
        pytest.param(lambda folder: (folder / "source.txt").unlink(), id="file-removed"),
        pytest.param(
            lambda folder: (folder / "source.txt").rename(folder / "source2.txt"),
            id="file-renamed",
        ),
        pytest.param(
            lambda folder: (
                (folder / "extra").mkdir() or (folder / "extra" / "a.txt").write_text("")
            ),
            id="empty-file-in-subfolder",
        ),
    ],
)
def test_content_hash_changes_when_the_set_of_files_changes(
    reading_copy: Path, change: Callable[[Path], object]
) -> None:
    before = content_hash(reading_copy)
    change(reading_copy / "readings" / READING)
    assert content_hash(reading_copy) != before


def test_content_hash_tells_apart_bytes_moved_between_files(reading_copy: Path) -> None:
    folder = reading_copy / "readings" / READING
    before = content_hash(reading_copy)
    quotes, reading = folder / "quotes.toml", folder / "reading.toml"
    text = quotes.read_bytes()
    quotes.write_bytes(text[:-1])
    reading.write_bytes(text[-1:] + reading.read_bytes())
    assert content_hash(reading_copy) != before


# --- reading one reading at a time ---


def test_readings_are_yielded_one_at_a_time_and_faults_raised_after_the_last(
    reading_copy: Path, add_reading: Callable[[str], Path]
) -> None:
    later = add_reading("zz-later-reading")  # sorts after READING
    (later / "speakers.toml").unlink()
    readings = read_readings(reading_copy)
    assert next(readings).id == READING  # yielded before the later reading is read
    with pytest.raises(ContentError) as caught:
        next(readings)
    assert {(Path(p.file).parent.name, Path(p.file).name) for p in caught.value.problems} == {
        ("zz-later-reading", "speakers.toml")
    }


def test_after_a_bad_reading_the_rest_are_checked_but_not_yielded(
    reading_copy: Path, add_reading: Callable[[str], Path]
) -> None:
    later = add_reading("zz-later-reading")
    (later / "quotes.toml").unlink()
    apply(reading_copy, "publications.toml", sub(PUTIN_DATE, 'date = "2024-13-01"'))
    yielded = []
    with pytest.raises(ContentError) as caught:
        yielded.extend(read_readings(reading_copy))
    assert yielded == []
    assert {(Path(p.file).parent.name, Path(p.file).name) for p in caught.value.problems} == {
        (READING, "publications.toml"),
        ("zz-later-reading", "quotes.toml"),
    }


@pytest.mark.parametrize(
    ("source_file", "message"),
    [
        ("../../../../../../etc/hostname", "is outside the reading's folder"),
        ("/etc/hostname", "is outside the reading's folder"),
        ("/dev/zero", "is outside the reading's folder"),
        (".", "is not a regular file"),
        ("outside-link.txt", "is outside the reading's folder"),
    ],
)
def test_a_source_file_must_be_a_regular_file_inside_the_reading(
    reading_copy: Path, source_file: str, message: str
) -> None:
    folder = reading_copy / "readings" / READING
    (reading_copy / "elsewhere.txt").write_text("a file beside, not inside", encoding="utf-8")
    (folder / "outside-link.txt").symlink_to(reading_copy / "elsewhere.txt")
    apply(reading_copy, "reading.toml", sub('"source.txt"', f'"{source_file}"'))
    problems = problems_of(reading_copy)
    assert where(reading_copy, problems) == {("reading.toml", READING, "source_file")}
    assert any(message in p.message for p in problems), [p.message for p in problems]


def test_a_folder_where_a_toml_file_should_be_is_a_problem_not_a_crash(
    reading_copy: Path,
) -> None:
    path = apply(reading_copy, "quotes.toml", None)
    path.mkdir()
    problems = problems_of(reading_copy)
    assert where(reading_copy, problems) == {("quotes.toml", "-", "-")}
    assert problems[0].message == "is a folder, not a TOML file"


def test_the_content_hash_sees_an_empty_reading_folder(reading_copy: Path) -> None:
    before = content_hash(reading_copy)
    (reading_copy / "readings" / "half-made").mkdir()
    assert content_hash(reading_copy) != before, "so the store rebuilds, and refuses, as check"
    problems = problems_of(reading_copy)
    assert {(Path(p.file).name, p.message) for p in problems} == {
        ("reading.toml", "file is missing")
    }
