"""Dates in words, German and English: month and weekday names to numbers (the names are
the language layer's), and the forms answers and doors write them in ("7. Januar 2026",
"6.11 Uhr" / "7 January 2026", "6:11")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from qa_service.lang import english, german

_MONTHS = {"de": german.MONTHS, "en": english.MONTHS}
_WEEKDAYS = {"de": german.WEEKDAYS, "en": english.WEEKDAYS}


def _numbers(names: Sequence[str], start: int) -> dict[str, int]:
    return {name.lower(): n for n, name in enumerate(names, start)}


# Spellings to numbers, lower case. German as articles write it (with Austrian and
# transliterated forms); then what questions use too: English names and abbreviations.
GERMAN_MONTH_NUMBERS = _numbers(german.MONTHS, 1) | german.MONTH_SPELLINGS
MONTH_NUMBERS = (
    GERMAN_MONTH_NUMBERS
    | _numbers(english.MONTHS, 1)
    | german.MONTH_ABBREVIATIONS
    | english.MONTH_ABBREVIATIONS
)
WEEKDAY_NUMBERS = (
    _numbers(german.WEEKDAYS, 0) | _numbers(english.WEEKDAYS, 0) | german.WEEKDAY_SPELLINGS
)


def month_name(month: int, lang: str) -> str:
    return _MONTHS["en" if lang == "en" else "de"][month - 1]


def weekday_name(day: dt.date, lang: str) -> str:
    return _WEEKDAYS["en" if lang == "en" else "de"][day.weekday()]


def day_month(day: dt.date, lang: str = "de") -> str:
    """5. Januar · 5 January."""
    if lang == "en":
        return f"{day.day} {month_name(day.month, lang)}"
    return f"{day.day}. {month_name(day.month, lang)}"


def long_date(day: dt.date, lang: str = "de") -> str:
    """7. Januar 2026 · 7 January 2026."""
    return f"{day_month(day, lang)} {day.year}"


def clock_time(moment: dt.datetime, lang: str = "de") -> str:
    """6.11 Uhr (the German news style) · 6:11."""
    if lang == "en":
        return f"{moment.hour}:{moment.minute:02d}"
    return f"{moment.hour}.{moment.minute:02d} Uhr"
