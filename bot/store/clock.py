"""Wall-clock time for daily scheduled posts: parse what moderators type, find the next due instant.

Every instant here is an aware datetime; arithmetic and comparison happen in UTC, because
datetimes sharing one ZoneInfo compare and subtract by wall time and ignore `fold`.
"""

from __future__ import annotations

import difflib
import logging
import re
import zoneinfo
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path

from bot.store.errors import NotFoundError, UserError, shown, visible

log = logging.getLogger(__name__)

__all__ = [
    "COMMON_ZONES",
    "epoch",
    "from_epoch",
    "is_within_grace",
    "load_zone",
    "local_date",
    "next_occurrence",
    "occurrence_on",
    "parse_local_time",
    "read_from",
    "zone_suggestions",
]

# Offered first when nothing is typed yet; names missing from the tz database are left out.
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)
_MINUTE = timedelta(minutes=1)
_DAY = timedelta(days=1)
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_MAX_ZONE_INPUT = 64  # the longest IANA name is 32 characters
_MAX_QUERY = 100
# In available_timezones() on many systems, but not IANA zones a moderator should pick.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules", "posix", "right"})
_DAYS_TO_TRY = 4  # a whole local day can be missing (Pacific/Apia, 2011-12-30)


def parse_local_time(text: str) -> time:
    """Read a 24-hour "HH:MM" (or "H:MM") wall-clock time; raise UserError for anything else."""
    match = _TIME.fullmatch(visible(text))
    if match is None:
        typed = shown(text)
        if not typed:
            raise UserError("Give a time as HH:MM on the 24-hour clock, such as 07:30 or 19:05.")
        raise UserError(
            f"“{typed}” isn't a time I can read: use HH:MM on the 24-hour clock, "
            "such as 07:30 or 19:05."
        )
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise UserError(
            f"“{shown(text)}” isn't a time of day: hours run from 00 to 23 and minutes "
            "from 00 to 59, so midnight is 00:00."
        )
    return time(hour, minute)


def load_zone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA time zone called `name`, ignoring case and reading spaces as underscores.

    Raises NotFoundError (a UserError) with close names as `suggestions` otherwise.
    """
    typed = visible(name)
    if not typed:
        raise UserError("Give a time zone by its IANA name, such as Europe/London or Asia/Seoul.")
    if len(typed) > _MAX_ZONE_INPUT:
        raise UserError(
            f"“{shown(typed)}” is too long for a time zone name; try one such as Europe/London."
        )
    key = _zone_key(typed)
    canonical = _zones_by_key().get(key)
    if canonical is not None:
        try:
            return zoneinfo.ZoneInfo(canonical)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass  # listed but unreadable: report it like an unknown name
    suggestions = _close_zones(typed)
    hint = f" Did you mean {_or_list(suggestions)}?" if suggestions else ""
    raise NotFoundError(
        f"“{shown(typed)}” isn't a time zone I know. Use an IANA name such as "
        f"Europe/London or America/New_York.{hint}",
        suggestions,
    )


def zone_suggestions(text: str, limit: int = 25) -> list[str]:
    """Zone names containing every typed word (case-insensitive), best matches first.

    With nothing typed, common zones come first, then the rest alphabetically.
    """
    if limit <= 0:
        return []
    words = _query_words(text)
    if not words:
        common = _common_zones()
        rest = [zone for zone in _sorted_zones() if zone not in common]
        return [*common, *rest][:limit]
    query = " ".join(words)
    common = set(_common_zones())
    ranked: list[tuple[int, bool, str]] = []
    for zone, haystack, parts in _zone_index():
        if all(word in haystack for word in words):
            ranked.append((_match_rank(query, words[0], haystack, parts), zone not in common, zone))
    ranked.sort()
    return [zone for _, _, zone in ranked[:limit]]


def occurrence_on(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime:
    """The UTC instant the wall clock in `zone` first reads `at` on `day`.

    In a gap (spring forward) this is the first minute after the gap; when ambiguous, the first.
    """
    wall = datetime.combine(day, _wall_time(at))
    candidates = [wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)]
    real = [instant for instant in candidates if _wall_clock(instant, zone) == wall]
    if real:
        return min(real)
    return _ceil_to_minute(_end_of_gap(wall, zone, min(candidates), max(candidates)), zone)


def next_occurrence(after: datetime, at: time, zone: zoneinfo.ZoneInfo) -> tuple[datetime, date]:
    """The first occurrence strictly after `after`, in UTC, and the local date it belongs to.

    A local date on which `at` would fall on another date (a skipped day) gets no occurrence.
    """
    after_utc = _utc(after)
    day = local_date(after_utc, zone)
    for _ in range(_DAYS_TO_TRY):
        instant = occurrence_on(day, at, zone)
        if instant > after_utc and local_date(instant, zone) == day:
            return instant, day
        day += _DAY
    raise RuntimeError(f"no occurrence of {at} in {zone.key} within {_DAYS_TO_TRY} days")


def local_date(instant: datetime, zone: zoneinfo.ZoneInfo) -> date:
    """The date on the wall calendar in `zone` at `instant` (aware)."""
    return _utc(instant).astimezone(zone).date()


def epoch(instant: datetime) -> int:
    """Whole seconds since 1970-01-01 UTC, rounded down, for an aware instant."""
    return (_utc(instant) - _EPOCH) // _SECOND


def from_epoch(seconds: int) -> datetime:
    """The aware UTC datetime `seconds` after 1970-01-01 UTC."""
    return _EPOCH + timedelta(seconds=seconds)


def is_within_grace(now: datetime, due: datetime, grace: timedelta) -> bool:
    """Whether a post due at `due` still goes out at `now`: it is due and at most `grace` late."""
    if grace < timedelta(0):
        raise ValueError(f"grace must not be negative, got {grace}")
    late = _utc(now) - _utc(due)
    return timedelta(0) <= late <= grace


def read_from(path: Path) -> Callable[[], datetime]:
    """A clock whose time is the ISO 8601 instant, with its offset, in the file at `path`, read at
    each call: a rehearsal or a test moves the bot's time by replacing the file (atomically).
    Raises ValueError at once if the file does not hold such an instant; later, a file that
    cannot be read (half written, say) leaves the time where it was, with a warning."""
    example = "2026-03-02T09:00+00:00"

    def read() -> datetime:
        try:
            return _utc(datetime.fromisoformat(path.read_text(encoding="utf-8").strip()))
        except (OSError, ValueError) as error:
            raise ValueError(f"{path} does not hold a time such as {example}") from error

    last = read()

    def now() -> datetime:
        nonlocal last
        try:
            last = read()
        except ValueError as error:
            log.warning("%s; the time stays %s", error, last.isoformat())
        return last

    return now


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {instant!r}")
    return instant.astimezone(UTC)


def _wall_time(at: time) -> time:
    return time(at.hour, at.minute, at.second, at.microsecond)


def _wall_clock(instant: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None, fold=0)


def _end_of_gap(wall: datetime, zone: zoneinfo.ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The first instant whose wall clock reads later than `wall`, which lies in a gap.

    `low` and `high` are `wall` read with the offsets after and before the transition.
    """
    if _wall_clock(low, zone) > wall:
        return low
    if _wall_clock(high, zone) <= wall:  # not the single transition expected: never go back
        return high
    below, above = 0, -(-(high - low) // _SECOND)  # whole seconds after `low`
    while above - below > 1:
        middle = (below + above) // 2
        if _wall_clock(low + middle * _SECOND, zone) > wall:
            above = middle
        else:
            below = middle
    return low + above * _SECOND


def _ceil_to_minute(instant: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    local = instant.astimezone(zone)
    extra = timedelta(seconds=local.second, microseconds=local.microsecond)
    return instant if not extra else instant + (_MINUTE - extra)


def _zone_key(text: str) -> str:
    return "_".join(text.split()).lower()


def _or_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


@cache
def _sorted_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones() - _NOT_ZONES))


@cache
def _zones_by_key() -> dict[str, str]:
    return {zone.lower(): zone for zone in _sorted_zones()}


@cache
def _common_zones() -> tuple[str, ...]:
    known = set(_sorted_zones())
    return tuple(zone for zone in COMMON_ZONES if zone in known)


@cache
def _zone_index() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Each zone with its searchable text ("america/new york") and its parts."""
    index = []
    for zone in _sorted_zones():
        haystack = zone.lower().replace("_", " ")
        index.append((zone, haystack, tuple(haystack.split("/"))))
    return tuple(index)


def _query_words(text: str) -> list[str]:
    return text[:_MAX_QUERY].lower().replace("_", " ").split()


def _match_rank(query: str, first: str, haystack: str, parts: tuple[str, ...]) -> int:
    if haystack.startswith(query):
        return 0  # "europe/lo", "utc"
    if any(part.startswith(query) for part in parts):
        return 1  # "london", "new york"
    if any(part.startswith(first) for part in parts):
        return 2
    if any(word.startswith(first) for word in re.split(r"[/ -]", haystack)):
        return 3  # "york" in "america/new york"
    return 4


@cache
def _zones_by_city() -> dict[str, str]:
    """Zones by their last part ("new_york"); the first zone alphabetically wins a shared city."""
    by_city: dict[str, str] = {}
    for zone in _sorted_zones():
        by_city.setdefault(zone.rsplit("/", 1)[-1].lower(), zone)
    return by_city


def _close_zones(typed: str, limit: int = 5) -> list[str]:
    key = _zone_key(typed)
    found = zone_suggestions(typed, limit) if len(key) >= 3 else []
    keys = _zones_by_key()
    by_city = _zones_by_city()
    for close in difflib.get_close_matches(key, keys, n=limit, cutoff=0.6):
        found.append(keys[close])
    for close in difflib.get_close_matches(key, by_city, n=limit, cutoff=0.75):
        found.append(by_city[close])
    return list(dict.fromkeys(found))[:limit]
