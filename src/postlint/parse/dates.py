"""Front-matter dates judged the way Jekyll 4.3 (Ruby's Time.parse) judges them.

Jekyll accepts far more than ISO dates (``July 27, 2021``, ``27/07/2021``, trailing junk) and
rolls impossible days over (``2023-02-30`` is March 2). It stops the build only when no date can
be read at all or the month is out of range.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import cache

from postlint.lazy_patterns import lazy_compile
from postlint.record import FrozenRecord

_ISO = lazy_compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")
_ISO_STRICT = lazy_compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}|[A-Z]{2,5}))?)?")
# English month names and their abbreviations (Ruby reads no other language), lower case.
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december")
_MONTHS = {name: index for index, name in enumerate(_MONTH_NAMES, 1)} | {
    name[:3]: index for index, name in enumerate(_MONTH_NAMES, 1)}


@cache
def _named_month_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """"March 5, 2024" and "5 March 2024": compiled when a date is not ISO (their alternations
    were half of this module's import)."""
    names = "|".join(sorted(_MONTHS, key=len, reverse=True))
    return (re.compile(r"\b(" + names + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I),
            re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + names + r")\.?,?\s+(\d{4})\b", re.I))
_SLASHED = lazy_compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_SLASHED_YEAR_FIRST = lazy_compile(r"\b(\d{4})/(\d{1,2})/(\d{1,2})\b")
_TIME = lazy_compile(r"[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")


class JekyllDate(FrozenRecord):
    """A date as Jekyll reads it: the day it publishes on, and what is wrong with how it is written."""
    __slots__ = ("date", "problem", "strict")

    date: _dt.date | None  # the calendar day Jekyll publishes on; None: the build stops
    problem: str  # why the build stops, or why the value is sloppy though accepted
    strict: bool  # written as YYYY-MM-DD (optionally with a time)

    def __init__(self, date: _dt.date | None, problem: str = "", strict: bool = True) -> None:
        self.date = date
        self.problem = problem
        self.strict = strict


def _roll(year: int, month: int, day: int) -> _dt.date:
    """Ruby rolls day overflow into the next month(s)."""
    return _dt.date(year, month, 1) + _dt.timedelta(days=day - 1)


def _ruby_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) as Ruby's Time.parse reads a `Y-M-D` date (a two-digit year completed
    as Date._parse completes it); None where it raises (month or day out of range)."""
    match = re.fullmatch(r"(\d+)-(\d+)-(\d+)", text)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if len(match.group(1)) == 2:
        year += 2000 if year < 69 else 1900
    return (year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 and year <= 9999 else None


def ruby_reads_date(text: str) -> bool:
    """Does Jekyll read the date of a post's name, or stop with "Invalid date"?"""
    return _ruby_parts(text) is not None


def ruby_date(text: str) -> _dt.date | None:
    """The day Ruby's Time.parse reads from the date of a post's name, in a file name or a
    post_url tag ("2024-3-1" works, "2024-02-30" rolls over to March 1, "24-01-15" is 2024); None
    where Jekyll raises "Invalid date", or for year 0, which Ruby reads and Python cannot hold."""
    parts = _ruby_parts(text)
    return _roll(*parts) if parts is not None and parts[0] >= 1 else None


def judge_date(value: object) -> JekyllDate:
    if isinstance(value, _dt.datetime):
        return JekyllDate(value.date())
    if isinstance(value, _dt.date):
        return JekyllDate(value)
    if not isinstance(value, str):
        return JekyllDate(None, f"is a {type(value).__name__} ({value!r}), not a date")
    text = value.strip()
    iso = _ISO.match(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            return JekyllDate(None, f"'{value}' has no month {month}" if not 1 <= month <= 12 else f"'{value}' has no day {day}")
        rolled = _roll(year, month, day)
        if rolled.day != day:
            return JekyllDate(rolled, f"'{value}' is not a real day; Jekyll rolls it over to {rolled.isoformat()}", strict=False)
        time = _TIME.match(text, iso.end())
        if time is not None:
            hour, minute, second = int(time.group(1)), int(time.group(2)), int(time.group(3) or 0)
            if hour > 24 or minute > 59 or second > 60 or (hour == 24 and minute + second > 0):
                return JekyllDate(None, f"'{value}' has no time {time.group(0).strip()}")
            if hour == 24:  # Ruby takes 24:00 as the next day's midnight
                return JekyllDate(rolled + _dt.timedelta(days=1), f"'{value}' is midnight of the next day", strict=False)
        if _ISO_STRICT.fullmatch(text) is not None:
            return JekyllDate(rolled, strict=True)
        if _ISO_STRICT.fullmatch(f"{year:04}-{month:02}-{day:02}{text[iso.end():]}") is not None:
            return JekyllDate(rolled, f"'{value}' has a one-digit month or day; Jekyll reads {rolled.isoformat()}", strict=False)
        ignored = "besides the date and time" if time is not None else "after the date"
        return JekyllDate(rolled, f"'{value}' has text Jekyll ignores {ignored}", strict=False)
    month_name, day_month_name = _named_month_patterns()
    for pattern, order in ((month_name, "mdy"), (day_month_name, "dmy"), (_SLASHED_YEAR_FIRST, "ymd"),
                           (_SLASHED, "slashed")):
        match = pattern.search(text)
        if not match:
            continue
        a, b, c = match.groups()
        if order == "mdy":
            year, month, day = int(c), _MONTHS[a.lower()], int(b)
        elif order == "dmy":
            year, month, day = int(c), _MONTHS[b.lower()], int(a)
        elif order == "ymd":
            year, month, day = int(a), int(b), int(c)
        else:  # Ruby reads dd/mm/yyyy
            year, month, day = int(c), int(b), int(a)
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            return JekyllDate(None, f"'{value}' is not a date Jekyll can read")
        read = _roll(year, month, day)
        if order == "slashed" and day <= 12 and month <= 12:  # 03/04/2024: April 3 to Ruby, March 4 to an American
            return JekyllDate(read, f"'{value}' is read day first (as {read.isoformat()}), but is ambiguous to people "
                                    "and tools", strict=False)
        return JekyllDate(read, f"'{value}' is accepted (as {read.isoformat()}), but other tools that read front "
                                "matter may not read it", strict=False)
    return JekyllDate(None, f"'{value}' is not a date Jekyll can read")
