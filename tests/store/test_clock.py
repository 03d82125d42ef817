"""Daily post times: parsing, zones, and the UTC instant each local day's post is due."""

from __future__ import annotations

import itertools
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.store import clock
from bot.store.clock import (
    epoch,
    from_epoch,
    is_within_grace,
    load_zone,
    local_date,
    next_occurrence,
    occurrence_on,
    parse_local_time,
    zone_suggestions,
)
from bot.store.errors import NotFoundError, UserError

Z = zoneinfo.ZoneInfo
LONDON = Z("Europe/London")
NEW_YORK = Z("America/New_York")
SYDNEY = Z("Australia/Sydney")
LORD_HOWE = Z("Australia/Lord_Howe")  # DST shifts by 30 minutes
KIRITIMATI = Z("Pacific/Kiritimati")  # UTC+14
PAGO_PAGO = Z("Pacific/Pago_Pago")  # UTC-11
KOLKATA = Z("Asia/Kolkata")  # +5:30, no DST
KATHMANDU = Z("Asia/Kathmandu")  # +5:45, no DST
SANTIAGO = Z("America/Santiago")  # clocks jump at midnight: 00:00 -> 01:00
HAVANA = Z("America/Havana")  # midnight gap in March, 00:xx twice in November

# Zones the properties and the year walk run over: both sides of UTC, odd offsets, both
# hemispheres' DST, a 30-minute DST, DST changes at midnight, negative DST (Dublin), none.
ZONE_NAMES = [
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "America/New_York",
    "America/St_Johns",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Seoul",
    "America/Santiago",
    "America/Havana",
]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def assert_reads_at(instant: datetime, day: date, at: time, zone: zoneinfo.ZoneInfo) -> None:
    """`instant` is when the wall clock in `zone` first reads `at` on `day`, or, if the clock
    skips `at` that day, the first minute after the skip."""
    local = instant.astimezone(zone)
    assert local.date() == day
    if local.time() == at:
        assert local.fold == 0, "the second reading of an ambiguous time"
        return
    wall = datetime.combine(day, at)
    just_before = (instant - timedelta(seconds=1)).astimezone(zone).replace(tzinfo=None)
    assert just_before < wall < local.replace(tzinfo=None), "not the end of a gap over `at`"
    assert local.second == local.microsecond == 0


# ---------------------------------------------------------------- parse_local_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00:00", time(0, 0)),
        ("0:00", time(0, 0)),
        ("7:05", time(7, 5)),
        ("07:05", time(7, 5)),
        ("12:30", time(12, 30)),
        ("23:59", time(23, 59)),
        ("  19:45  ", time(19, 45)),
        ("\t9:00\n", time(9, 0)),
    ],
)
def test_parse_local_time_reads_24_hour_times(text: str, expected: time) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("25:00", "hours run from 00 to 23"),
        ("24:00", "midnight is 00:00"),
        ("12:60", "minutes from 00 to 59"),
        ("99:99", "hours run from 00 to 23"),
        ("7pm", "HH:MM"),
        ("7", "HH:MM"),
        ("1230", "HH:MM"),
        ("12.30", "HH:MM"),
        ("12:5", "HH:MM"),
        ("123:00", "HH:MM"),
        ("12:30:00", "HH:MM"),
        ("-1:00", "HH:MM"),
        ("12 : 30", "HH:MM"),
        ("١٢:٣٠", "HH:MM"),  # Arabic-Indic digits
        ("", "HH:MM"),
        ("   ", "HH:MM"),
    ],
)
def test_parse_local_time_rejects_anything_else_helpfully(text: str, hint: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_local_time(text)
    message = str(caught.value)
    assert hint in message
    assert text.strip() in message  # names what was typed


@given(st.text(max_size=300))
@example("x" * 10_000)
def test_parse_local_time_raises_only_user_errors(text: str) -> None:
    try:
        parsed = parse_local_time(text)
    except UserError as error:
        message = str(error)
    else:
        assert parsed == time(parsed.hour, parsed.minute)
        return
    assert "HH:MM" in message or "hours run from 00 to 23" in message
    assert len(message) < 200


# ---------------------------------------------------------------- load_zone


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Europe/London", "Europe/London"),
        ("europe/london", "Europe/London"),
        ("EUROPE/LONDON", "Europe/London"),
        ("  Asia/Seoul ", "Asia/Seoul"),
        ("utc", "UTC"),
        ("america/new york", "America/New_York"),
        ("America/Argentina/ComodRivadavia", "America/Argentina/ComodRivadavia"),
        ("asia/kathmandu", "Asia/Kathmandu"),
        ("US/Eastern", "US/Eastern"),  # backward-compatible links are still IANA names
    ],
)
def test_load_zone_matches_iana_names_ignoring_case(typed: str, key: str) -> None:
    zone = load_zone(typed)
    assert zone.key == key
    assert zone is Z(key)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("UTC\x00", "UTC"),
        ("Europe/London\u202e", "Europe/London"),
        ("Asia/\u200bSeoul", "Asia/Seoul"),
        ("\tEurope/Paris\n", "Europe/Paris"),
    ],
)
def test_load_zone_reads_past_invisible_characters(typed: str, key: str) -> None:
    assert load_zone(typed).key == key


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Europe/Londn", "Europe/London"),
        ("london", "Europe/London"),
        ("new york", "America/New_York"),
        ("seoul", "Asia/Seoul"),
        ("Asia/Tokio", "Asia/Tokyo"),
        ("Sydney", "Australia/Sydney"),
        ("Calcutta", "Asia/Calcutta"),
        ("Mars/Olympus_Mons", None),
        ("../../etc/passwd", None),
        ("/etc/localtime", None),
        ("Europe/../UTC", None),
        ("localtime", None),  # a file in the system tz folder, not an IANA zone
        ("Factory", None),
        ("Europe\\London", "Europe/London"),
        ("x" * 10_000, None),
    ],
)
def test_load_zone_refuses_unknown_names_with_suggestions(
    typed: str, suggested: str | None
) -> None:
    with pytest.raises(UserError) as caught:
        load_zone(typed)
    message = str(caught.value)
    assert "Europe/London" in message  # says what a zone name looks like
    assert len(message) < 300
    if len(typed) < 50:
        assert typed.strip().replace("\x00", "") in message
    if suggested is not None:
        assert isinstance(caught.value, NotFoundError)
        assert caught.value.suggestions[0] == suggested
        assert f"Did you mean {suggested}" in message


@pytest.mark.parametrize("typed", ["", "   ", "\n"])
def test_load_zone_asks_for_a_name_when_given_none(typed: str) -> None:
    with pytest.raises(UserError, match="IANA name, such as Europe/London"):
        load_zone(typed)


@given(st.text(max_size=80))
@example("Europe/London/")
@example(".")
@example("..")
def test_load_zone_returns_a_zone_or_raises_a_user_error(text: str) -> None:
    try:
        zone = load_zone(text)
    except NotFoundError as error:
        suggestions = error.suggestions
    except UserError:
        suggestions = []
    else:
        assert zone.key.lower() == "_".join(text.split()).lower()
        return
    assert set(suggestions) <= zoneinfo.available_timezones()


# ---------------------------------------------------------------- zone_suggestions


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("london", "Europe/London"),
        ("LON", "Europe/London"),
        ("europe/lo", "Europe/London"),
        ("utc", "UTC"),
        ("seoul", "Asia/Seoul"),
        ("kathmandu", "Asia/Kathmandu"),
        ("york", "America/New_York"),
        ("america new", "America/New_York"),
    ],
)
def test_zone_suggestions_finds_zones_by_any_typed_words(typed: str, first: str) -> None:
    found = zone_suggestions(typed)
    assert found[0] == first
    words = typed.lower().replace("_", " ").split()
    assert all(word in zone.lower().replace("_", " ") for zone in found for word in words)


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        # Common zones lead among names starting with what was typed, the rest alphabetically.
        (
            "eur",
            ["Europe/Berlin", "Europe/London", "Europe/Moscow", "Europe/Paris", "Europe/Amsterdam"],
        ),
        # A name starting with it, then a part starting with it, then anywhere inside.
        ("lon", ["Europe/London", "Arctic/Longyearbyen", "America/Blanc-Sablon"]),
        ("america new", ["America/New_York", "America/North_Dakota/New_Salem"]),
    ],
)
def test_zone_suggestions_puts_prefix_matches_first(typed: str, first: list[str]) -> None:
    assert zone_suggestions(typed, limit=100)[: len(first)] == first


def test_zone_suggestions_offers_common_zones_when_nothing_is_typed() -> None:
    found = zone_suggestions("")
    assert len(found) == 25
    assert found[:3] == ["UTC", "Europe/London", "America/New_York"]
    for zone in ["Asia/Seoul", "Asia/Tokyo", "Europe/Berlin", "Australia/Sydney"]:
        assert zone in found
    assert len(set(found)) == len(found)


@pytest.mark.parametrize(("typed", "limit"), [("", 0), ("a", 0), ("a", 1), ("a", 5), ("  ", 3)])
def test_zone_suggestions_honours_the_limit(typed: str, limit: int) -> None:
    assert len(zone_suggestions(typed, limit)) == limit


@given(st.text(max_size=200), st.integers(min_value=-5, max_value=40))
@example("x" * 100_000, 25)
def test_zone_suggestions_never_fails(typed: str, limit: int) -> None:
    found = zone_suggestions(typed, limit)
    assert len(found) <= max(limit, 0)
    assert set(found) <= zoneinfo.available_timezones()


def test_zone_list_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    reads = []
    real = zoneinfo.available_timezones

    def counted() -> set[str]:
        reads.append(1)
        return real()

    monkeypatch.setattr(zoneinfo, "available_timezones", counted)
    for cached in (clock._sorted_zones, clock._zones_by_key, clock._zone_index):
        cached.cache_clear()
    for typed in ["", "lon", "new york", "Europe/Londn"]:
        zone_suggestions(typed)
    with pytest.raises(UserError):
        load_zone("Europe/Londn")
    assert load_zone("europe/london") is LONDON
    assert len(reads) == 1


# ---------------------------------------------------------------- occurrence_on


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # London springs forward 2026-03-29 01:00 GMT -> 02:00 BST.
        (LONDON, date(2026, 3, 29), time(0, 30), utc(2026, 3, 29, 0, 30)),
        (LONDON, date(2026, 3, 29), time(1, 0), utc(2026, 3, 29, 1, 0)),  # gap -> 02:00 BST
        (LONDON, date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1, 0)),  # gap -> 02:00 BST
        (LONDON, date(2026, 3, 29), time(2, 0), utc(2026, 3, 29, 1, 0)),
        (LONDON, date(2026, 3, 29), time(9, 0), utc(2026, 3, 29, 8, 0)),
        # London falls back 2026-10-25 02:00 BST -> 01:00 GMT: 01:xx happens twice.
        (LONDON, date(2026, 10, 25), time(1, 0), utc(2026, 10, 25, 0, 0)),
        (LONDON, date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),  # first, BST
        (LONDON, date(2026, 10, 25), time(2, 0), utc(2026, 10, 25, 2, 0)),
        # New York springs forward 2026-03-08 02:00 EST -> 03:00 EDT.
        (NEW_YORK, date(2026, 3, 8), time(1, 59), utc(2026, 3, 8, 6, 59)),
        (NEW_YORK, date(2026, 3, 8), time(2, 0), utc(2026, 3, 8, 7, 0)),  # gap -> 03:00 EDT
        (NEW_YORK, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 0)),  # gap -> 03:00 EDT
        (NEW_YORK, date(2026, 3, 8), time(3, 0), utc(2026, 3, 8, 7, 0)),
        # New York falls back 2026-11-01 02:00 EDT -> 01:00 EST.
        (NEW_YORK, date(2026, 11, 1), time(0, 0), utc(2026, 11, 1, 4, 0)),
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),  # first, EDT
        (NEW_YORK, date(2026, 11, 1), time(2, 0), utc(2026, 11, 1, 7, 0)),
        # Sydney falls back 2026-04-05 03:00 AEDT -> 02:00 AEST, springs 2026-10-04 02:00 -> 03:00.
        (SYDNEY, date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30)),  # first, AEDT
        (SYDNEY, date(2026, 4, 5), time(3, 0), utc(2026, 4, 4, 17, 0)),
        (SYDNEY, date(2026, 10, 4), time(0, 0), utc(2026, 10, 3, 14, 0)),
        (SYDNEY, date(2026, 10, 4), time(2, 30), utc(2026, 10, 3, 16, 0)),  # gap -> 03:00 AEDT
        # Lord Howe: +10:30 -> +11 at 02:00 on 2026-10-04, +11 -> +10:30 at 02:00 on 2026-04-05.
        (LORD_HOWE, date(2026, 10, 4), time(2, 15), utc(2026, 10, 3, 15, 30)),  # gap -> 02:30
        (LORD_HOWE, date(2026, 10, 4), time(2, 30), utc(2026, 10, 3, 15, 30)),
        (LORD_HOWE, date(2026, 4, 5), time(1, 45), utc(2026, 4, 4, 14, 45)),  # first, +11
        (LORD_HOWE, date(2026, 4, 5), time(2, 0), utc(2026, 4, 4, 15, 30)),
        # Santiago: 00:00 -> 01:00 on 2026-09-06; 00:00 -> 23:00 the day before on 2026-04-05.
        (SANTIAGO, date(2026, 9, 6), time(0, 0), utc(2026, 9, 6, 4, 0)),  # gap -> 01:00
        (SANTIAGO, date(2026, 9, 6), time(0, 59), utc(2026, 9, 6, 4, 0)),
        (SANTIAGO, date(2026, 4, 4), time(23, 30), utc(2026, 4, 5, 2, 30)),  # first, -03
        (SANTIAGO, date(2026, 4, 5), time(0, 0), utc(2026, 4, 5, 4, 0)),
        # Offsets far from UTC and off the hour; month, year and leap-day boundaries.
        (KIRITIMATI, date(2026, 1, 1), time(0, 0), utc(2025, 12, 31, 10, 0)),
        (PAGO_PAGO, date(2026, 12, 31), time(23, 59), utc(2027, 1, 1, 10, 59)),
        (KOLKATA, date(2028, 2, 29), time(9, 0), utc(2028, 2, 29, 3, 30)),
        (KATHMANDU, date(2026, 1, 31), time(0, 0), utc(2026, 1, 30, 18, 15)),
        (Z("UTC"), date(2026, 12, 31), time(23, 59), utc(2026, 12, 31, 23, 59)),
        # Samoa skipped 2011-12-30 entirely: the first minute after is 2011-12-31 00:00 (+14).
        (Z("Pacific/Apia"), date(2011, 12, 30), time(9, 0), utc(2011, 12, 30, 10, 0)),
    ],
)
def test_occurrence_on(zone: zoneinfo.ZoneInfo, day: date, at: time, expected: datetime) -> None:
    found = occurrence_on(day, at, zone)
    assert found == expected
    assert found.tzinfo is UTC


@given(
    st.sampled_from(ZONE_NAMES),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
def test_occurrence_on_reads_the_time_on_that_day(name: str, day: date, at: time) -> None:
    zone = Z(name)
    assert_reads_at(occurrence_on(day, at, zone), day, at, zone)


TRANSITION_DAYS_2026 = [
    ("Europe/London", date(2026, 3, 29)),
    ("Europe/London", date(2026, 10, 25)),
    ("Europe/Dublin", date(2026, 3, 29)),
    ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
    ("America/St_Johns", date(2026, 3, 8)),
    ("Australia/Sydney", date(2026, 4, 5)),
    ("Australia/Sydney", date(2026, 10, 4)),
    ("Australia/Lord_Howe", date(2026, 4, 5)),
    ("Australia/Lord_Howe", date(2026, 10, 4)),
    ("Pacific/Chatham", date(2026, 4, 5)),
    ("Pacific/Chatham", date(2026, 9, 27)),
    ("America/Santiago", date(2026, 4, 4)),
    ("America/Santiago", date(2026, 9, 6)),
    ("America/Havana", date(2026, 3, 8)),
    ("America/Havana", date(2026, 11, 1)),
]


@pytest.mark.parametrize(("name", "day"), TRANSITION_DAYS_2026)
def test_every_minute_of_a_transition_day(name: str, day: date) -> None:
    zone = Z(name)
    offsets = {
        (datetime.combine(day, time()) + timedelta(hours=h)).replace(tzinfo=zone).utcoffset()
        for h in range(25)
    }
    assert len(offsets) == 2, "not a transition day"
    previous = None
    for minute in range(24 * 60):
        at = time(minute // 60, minute % 60)
        found = occurrence_on(day, at, zone)
        assert_reads_at(found, day, at, zone)
        assert previous is None or previous <= found
        previous = found


# ---------------------------------------------------------------- next_occurrence


@pytest.mark.parametrize(
    ("zone", "at", "after", "expected", "day"),
    [
        # Spring-forward gap in New York: 02:30 posts at 03:00 EDT, then at 02:30 EDT.
        ("America/New_York", "02:30", "2026-03-07T12:00Z", "2026-03-08T07:00Z", "2026-03-08"),
        ("America/New_York", "02:30", "2026-03-08T07:00Z", "2026-03-09T06:30Z", "2026-03-09"),
        # Ambiguous 01:30 posts once, at the first reading (EDT, BST, AEDT).
        ("America/New_York", "01:30", "2026-10-31T12:00Z", "2026-11-01T05:30Z", "2026-11-01"),
        ("America/New_York", "01:30", "2026-11-01T05:30Z", "2026-11-02T06:30Z", "2026-11-02"),
        ("America/New_York", "01:30", "2026-11-01T06:00Z", "2026-11-02T06:30Z", "2026-11-02"),
        ("Europe/London", "01:30", "2026-10-25T00:30Z", "2026-10-26T01:30Z", "2026-10-26"),
        ("Australia/Sydney", "02:30", "2026-04-04T15:30Z", "2026-04-05T16:30Z", "2026-04-06"),
        ("Australia/Sydney", "02:30", "2026-10-03T00:00Z", "2026-10-03T16:00Z", "2026-10-04"),
        ("Australia/Lord_Howe", "02:15", "2026-10-03T00:00Z", "2026-10-03T15:30Z", "2026-10-04"),
        # The local date differs from the UTC date on both sides of the date line.
        ("Pacific/Kiritimati", "00:00", "2026-01-31T09:59:59Z", "2026-01-31T10:00Z", "2026-02-01"),
        ("Pacific/Pago_Pago", "23:59", "2027-01-01T00:00Z", "2027-01-01T10:59Z", "2026-12-31"),
        ("Asia/Kathmandu", "23:59", "2026-06-30T18:14Z", "2026-07-01T18:14Z", "2026-07-01"),
        ("Asia/Kolkata", "00:00", "2026-02-28T18:30Z", "2026-03-01T18:30Z", "2026-03-02"),
        # Leap day, month end, year end.
        ("Europe/London", "09:00", "2028-02-28T09:00Z", "2028-02-29T09:00Z", "2028-02-29"),
        ("Europe/London", "09:00", "2028-02-29T09:00Z", "2028-03-01T09:00Z", "2028-03-01"),
        ("UTC", "00:00", "2026-12-31T00:00Z", "2027-01-01T00:00Z", "2027-01-01"),
        ("UTC", "00:00", "2026-12-31T23:59:59Z", "2027-01-01T00:00Z", "2027-01-01"),
        ("UTC", "23:59", "2026-12-31T23:59Z", "2027-01-01T23:59Z", "2027-01-01"),
        # `after` given with another offset is the same instant.
        ("America/New_York", "02:30", "2026-03-08T09:00+09:00", "2026-03-08T07:00Z", "2026-03-08"),
    ],
)
def test_next_occurrence(zone: str, at: str, after: str, expected: str, day: str) -> None:
    found = next_occurrence(datetime.fromisoformat(after), parse_local_time(at), Z(zone))
    assert found == (datetime.fromisoformat(expected), date.fromisoformat(day))


@pytest.mark.parametrize(
    ("zone", "at", "start", "days"),
    [
        # Samoa jumped from -10 to +14: 2011-12-30 never happened there.
        (
            "Pacific/Apia",
            time(9, 0),
            date(2011, 12, 28),
            [date(2011, 12, 28), date(2011, 12, 29), date(2011, 12, 31), date(2012, 1, 1)],
        ),
        (
            "Pacific/Apia",
            time(0, 0),
            date(2011, 12, 28),
            [date(2011, 12, 28), date(2011, 12, 29), date(2011, 12, 31), date(2012, 1, 1)],
        ),
        # Kwajalein went from -12 to +12: 1993-08-21 never happened there.
        (
            "Pacific/Kwajalein",
            time(23, 59),
            date(1993, 8, 19),
            [date(1993, 8, 19), date(1993, 8, 20), date(1993, 8, 22), date(1993, 8, 23)],
        ),
    ],
)
def test_next_occurrence_skips_days_a_zone_never_had(
    zone: str, at: time, start: date, days: list[date]
) -> None:
    tz = Z(zone)
    after = occurrence_on(start, at, tz) - timedelta(seconds=1)
    found = []
    for _ in days:
        after, day = next_occurrence(after, at, tz)
        assert_reads_at(after, day, at, tz)
        found.append(day)
    assert found == days


WALK_ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/Santiago",
    "America/Havana",
]
WALK_TIMES = [
    time(0, 0),
    time(0, 30),
    time(1, 30),
    time(2, 0),
    time(2, 30),
    time(12, 0),
    time(23, 59),
]


@pytest.mark.parametrize("at", WALK_TIMES, ids=str)
@pytest.mark.parametrize("name", WALK_ZONES)
def test_a_year_of_daily_posts_has_one_per_local_date(name: str, at: time) -> None:
    zone = Z(name)
    after = datetime(2025, 12, 31, 23, 59, tzinfo=zone)
    instants, days = [], []
    while True:
        after, day = next_occurrence(after, at, zone)
        if day.year > 2026:
            break
        assert_reads_at(after, day, at, zone)
        instants.append(after)
        days.append(day)
    assert days == [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    assert all(earlier < later for earlier, later in itertools.pairwise(instants))


@settings(max_examples=300)
@given(
    st.sampled_from(ZONE_NAMES),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
    ),
)
@example("America/New_York", time(2, 30), utc(2026, 3, 8, 6, 59, 59))
@example("America/New_York", time(1, 30), utc(2026, 11, 1, 5, 30))
@example("Australia/Lord_Howe", time(1, 45), utc(2026, 4, 4, 14, 45))
def test_next_occurrence_properties(name: str, at: time, after: datetime) -> None:
    zone = Z(name)
    found, day = next_occurrence(after, at, zone)
    assert found.tzinfo is UTC
    assert after < found <= after + timedelta(hours=26)
    assert local_date(found, zone) == day
    assert_reads_at(found, day, at, zone)
    following, next_day = next_occurrence(found, at, zone)
    assert found < following
    assert next_day == day + timedelta(days=1)


def test_next_occurrence_needs_an_aware_instant() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_occurrence(datetime(2026, 1, 1), time(9, 0), LONDON)


# ---------------------------------------------------------------- small helpers


@pytest.mark.parametrize(
    ("instant", "zone", "expected"),
    [
        (utc(2027, 1, 1, 5), PAGO_PAGO, date(2026, 12, 31)),
        (utc(2025, 12, 31, 10), KIRITIMATI, date(2026, 1, 1)),
        (utc(2025, 12, 31, 9, 59, 59), KIRITIMATI, date(2025, 12, 31)),
        (utc(2026, 3, 8, 4, 59), NEW_YORK, date(2026, 3, 7)),
        (utc(2026, 1, 30, 18, 15), KATHMANDU, date(2026, 1, 31)),
        (datetime(2026, 1, 1, 8, 59, tzinfo=Z("Asia/Tokyo")), LONDON, date(2025, 12, 31)),
    ],
)
def test_local_date(instant: datetime, zone: zoneinfo.ZoneInfo, expected: date) -> None:
    assert local_date(instant, zone) == expected


@pytest.mark.parametrize(
    ("instant", "seconds"),
    [
        (utc(1970, 1, 1), 0),
        (utc(2026, 3, 8, 7), 1_772_953_200),
        (datetime(2026, 3, 8, 3, tzinfo=NEW_YORK), 1_772_953_200),
        (utc(2038, 1, 19, 3, 14, 8), 2**31),
        (datetime(1970, 1, 1, 0, 0, 1, 999_999, tzinfo=UTC), 1),  # rounds down
        (datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC), -1),
    ],
)
def test_epoch(instant: datetime, seconds: int) -> None:
    assert epoch(instant) == seconds


@given(st.integers(min_value=-(2**35), max_value=2**35))
def test_from_epoch_round_trips(seconds: int) -> None:
    instant = from_epoch(seconds)
    assert instant.tzinfo is UTC
    assert epoch(instant) == seconds
    assert instant == datetime.fromtimestamp(seconds, UTC)


@pytest.mark.parametrize("helper", [epoch, lambda when: local_date(when, LONDON)])
def test_helpers_refuse_naive_datetimes(helper: object) -> None:
    with pytest.raises(ValueError, match="aware"):
        helper(datetime(2026, 1, 1))  # type: ignore[operator]


DUE = utc(2026, 3, 8, 7)


@pytest.mark.parametrize(
    ("now", "grace", "expected"),
    [
        (DUE, timedelta(hours=1), True),
        (DUE + timedelta(minutes=59), timedelta(hours=1), True),
        (DUE + timedelta(hours=1), timedelta(hours=1), True),
        (DUE + timedelta(hours=1, seconds=1), timedelta(hours=1), False),
        (DUE - timedelta(seconds=1), timedelta(hours=1), False),  # not due yet
        (DUE, timedelta(0), True),
        (DUE + timedelta(seconds=1), timedelta(0), False),
        (datetime(2026, 3, 8, 16, 30, tzinfo=Z("Asia/Tokyo")), timedelta(hours=1), True),
        (datetime(2026, 3, 8, 3, 0, tzinfo=NEW_YORK), timedelta(0), True),
    ],
)
def test_is_within_grace(now: datetime, grace: timedelta, expected: bool) -> None:
    assert is_within_grace(now, DUE, grace) is expected


def test_is_within_grace_refuses_negative_grace() -> None:
    with pytest.raises(ValueError, match="negative"):
        is_within_grace(DUE, DUE, timedelta(seconds=-1))


def test_read_from_takes_the_time_written_in_the_file_at_each_call(tmp_path) -> None:
    path = tmp_path / "now"
    path.write_text("2026-03-02T09:00:00+01:00")
    now = clock.read_from(path)
    assert now() == datetime(2026, 3, 2, 8, tzinfo=UTC)
    path.write_text("2026-03-03T00:00:30Z\n")
    assert now() == datetime(2026, 3, 3, 0, 0, 30, tzinfo=UTC)
    assert now().tzinfo is UTC
    path.write_text("2026-03-03T00:00:30")  # naive: never taken as some local time
    assert now() == datetime(2026, 3, 3, 0, 0, 30, tzinfo=UTC)  # the time stays
    path.write_text("")  # half written
    assert now() == datetime(2026, 3, 3, 0, 0, 30, tzinfo=UTC)
    path.write_text("2026-03-04T10:00:00+00:00")
    assert now() == datetime(2026, 3, 4, 10, tzinfo=UTC)
    path.write_text("2026-03-03T00:00:30")
    with pytest.raises(ValueError, match="2026-03-02T09:00"):
        clock.read_from(path)  # refused at once when it starts so
