"""Time expressions in a question, as a date range against the day it is asked.

"am 5. Januar", "on January 6", "im Januar 2026" are absolute; "gestern", "am Montag",
"letzte Woche", "seit Montag", "yesterday", "last week" are relative to `today` (injected, so
tests can fix it); "zuletzt", "neueste", "latest" ask for the newest articles, no range.
dateparser reads the day expressions (German and English month names, missing years); the
ranges (a week, a month, "since") are ours, because a parser returns one day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from qa_service.date_words import MONTH_NUMBERS, WEEKDAY_NUMBERS
from qa_service.lang import alternatives, english, german

_MONTH = alternatives(MONTH_NUMBERS)
_WEEKDAY = alternatives(WEEKDAY_NUMBERS)
_DAY = re.compile(
    rf"\b(\d{{1,2}})\.?\s*(?:of\s+)?({_MONTH})\.?(?:\s+(\d{{4}}))?\b"
    rf"|\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b"
    r"|\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b",
    re.IGNORECASE,
)
_DAY_RANGE = re.compile(
    rf"\b(?:zwischen\s+dem|vom|von|between|from)\s+(\d{{1,2}})\.?\s*(?:({_MONTH})\s+)?"
    rf"(?:und|bis(?:\s+zum)?|and|to|-)\s+(?:dem\s+)?(\d{{1,2}})\.?\s*({_MONTH})\b",
    re.IGNORECASE,
)
_LAST_MONTH = re.compile(
    r"\b(?:letzte[nr]?|vergangene[nr]?|vorige[nr]?)\s+monat|\blast\s+month\b", re.I
)
_MONTH_ONLY = re.compile(rf"\b(?:im|in|during)\s+({_MONTH})(?:\s+(\d{{4}}))?\b", re.IGNORECASE)
_SINCE_WEEKDAY = re.compile(rf"\b(?:seit|since)\s+(?:letztem\s+|last\s+)?({_WEEKDAY})\b", re.I)
_WEEKDAY_RE = re.compile(rf"\b({_WEEKDAY})\b", re.IGNORECASE)
_DAYS_AGO = re.compile(
    r"\b(?:vor\s+(\w+)\s+tagen|(\w+)\s+days?\s+ago)\b",
    re.IGNORECASE,
)
_NUMBER_VALUES = german.NUMBER_VALUES | english.NUMBER_VALUES
_RELATIVE_DAYS = [
    (re.compile(r"\bvorgestern\b|\bday before yesterday\b", re.I), 2),
    (re.compile(r"\bgestern\b|\byesterday\b", re.I), 1),
    (re.compile(r"\bheute\b|\btoday\b", re.I), 0),
]
_LAST_WEEK = re.compile(r"\b(?:letzte|vergangene|vorige)[nr]?\s+woche\b|\blast\s+week\b", re.I)
_THIS_WEEK = re.compile(r"\bdiese[rn]?\s+woche\b|\bthis\s+week\b", re.I)
_LATEST = re.compile(
    r"\b(?:zuletzt|neues|neuigkeiten|news|what's new|neueste[nrs]?|jüngste[nrs]?"
    r"|aktuellste[nrs]?|latest|most\s+recent|recently|newest)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TimeRange:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    latest: bool = False
    expression: str | None = None  # the words of the question it was read from

    @property
    def is_empty(self) -> bool:
        return self.date_from is None and self.date_to is None and not self.latest


def _year_for(month: int, day: int, today: dt.date) -> int:
    """A date without a year is the most recent one: "am 5. Januar" asked in March."""
    year = today.year
    try:
        if dt.date(year, month, day) > today:
            year -= 1
    except ValueError:
        pass
    return year


def _parse_day(text: str, today: dt.date) -> dt.date | None:
    import dateparser  # only questions with a date pay for the import

    parsed = dateparser.parse(
        text,
        languages=["de", "en"],
        settings={
            "RELATIVE_BASE": dt.datetime.combine(today, dt.time()),
            "PREFER_DATES_FROM": "past",
            "DATE_ORDER": "DMY",
            "REQUIRE_PARTS": ["day", "month"],
        },
    )
    return parsed.date() if parsed else None


def _absolute_day(m: re.Match, today: dt.date) -> dt.date | None:
    g = m.groups()
    if g[0] and g[1]:
        day, month, year = int(g[0]), MONTH_NUMBERS[g[1].lower()], g[2]
    elif g[3] and g[4]:
        day, month, year = int(g[4]), MONTH_NUMBERS[g[3].lower()], g[5]
    elif g[6]:
        day, month, year = int(g[6]), int(g[7]), g[8]
    else:
        day, month, year = int(g[11]), int(g[10]), g[9]
    y = int(year) if year else _year_for(month, day, today)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return _parse_day(f"{day:02d}.{month:02d}.{y}", today)


def read_time(question: str, today: dt.date) -> TimeRange:
    """The date range a question asks about, or an empty range."""
    m = _DAY_RANGE.search(question)
    if m:
        month = MONTH_NUMBERS[(m.group(4)).lower()]
        first_month = MONTH_NUMBERS[m.group(2).lower()] if m.group(2) else month
        first_day, last_day = int(m.group(1)), int(m.group(3))
        year = _year_for(month, last_day, today)
        first = _parse_day(f"{first_day:02d}.{first_month:02d}.{year}", today)
        last = _parse_day(f"{last_day:02d}.{month:02d}.{year}", today)
        if first and last:
            return TimeRange(first, last, expression=m.group())
    m = _LAST_MONTH.search(question)
    if m:
        last = today.replace(day=1) - dt.timedelta(days=1)
        return TimeRange(last.replace(day=1), last, expression=m.group())
    m = _DAY.search(question)
    if m:
        day = _absolute_day(m, today)
        if day:
            return TimeRange(day, day, expression=m.group())
    m = _MONTH_ONLY.search(question)
    if m:
        month = MONTH_NUMBERS[m.group(1).lower()]
        year = int(m.group(2)) if m.group(2) else _year_for(month, 1, today)
        last = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
        return TimeRange(dt.date(year, month, 1), last, expression=m.group())
    for pattern, days in _RELATIVE_DAYS:
        m = pattern.search(question)
        if m:
            day = today - dt.timedelta(days=days)
            return TimeRange(day, day, expression=m.group())
    m = _DAYS_AGO.search(question)
    if m:
        word = (m.group(1) or m.group(2)).lower()
        n = int(word) if word.isdigit() else _NUMBER_VALUES.get(word)
        if n is not None:
            day = today - dt.timedelta(days=n)
            return TimeRange(day, day, expression=m.group())
    m = _LAST_WEEK.search(question)
    if m:
        monday = today - dt.timedelta(days=today.weekday() + 7)
        return TimeRange(monday, monday + dt.timedelta(days=6), expression=m.group())
    m = _THIS_WEEK.search(question)
    if m:
        return TimeRange(today - dt.timedelta(days=today.weekday()), today, expression=m.group())
    m = _SINCE_WEEKDAY.search(question)
    if m:
        return TimeRange(_last_weekday(m.group(1), today), today, expression=m.group())
    m = _WEEKDAY_RE.search(question)
    if m:
        day = _last_weekday(m.group(1), today)
        return TimeRange(day, day, expression=m.group())
    m = _LATEST.search(question)
    if m:
        return TimeRange(latest=True, expression=m.group())
    return TimeRange()


def _last_weekday(name: str, today: dt.date) -> dt.date:
    """The most recent such weekday before today ("am Montag" asked on a Thursday)."""
    back = (today.weekday() - WEEKDAY_NUMBERS[name.lower()]) % 7 or 7
    return today - dt.timedelta(days=back)
