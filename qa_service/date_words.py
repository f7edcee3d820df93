"""Dates in words, German and English: the one table of month and weekday names, and the
forms answers and doors write them in ("7. Januar 2026", "6.11 Uhr" / "7 January 2026", "6:11")."""

from __future__ import annotations

import datetime as dt

MONTHS = {
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "en": "January February March April May June July August September October November December",
}
WEEKDAYS = {
    "de": "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag",
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
}
_MONTHS = {lang: names.split() for lang, names in MONTHS.items()}
_WEEKDAYS = {lang: names.split() for lang, names in WEEKDAYS.items()}


def _numbers(names: list[str], start: int) -> dict[str, int]:
    return {name.lower(): n for n, name in enumerate(names, start)}


# Spellings to numbers, lower case. German as articles write it (with Austrian and
# transliterated forms); then what questions use too: English names and abbreviations.
GERMAN_MONTH_NUMBERS = _numbers(_MONTHS["de"], 1) | {"jänner": 1, "feber": 2, "maerz": 3}
MONTH_NUMBERS = (
    GERMAN_MONTH_NUMBERS
    | _numbers(_MONTHS["en"], 1)
    | {"jan": 1, "feb": 2, "apr": 4, "aug": 8, "sept": 9, "sep": 9, "okt": 10, "oct": 10}
    | {"nov": 11, "dez": 12, "dec": 12}
)
WEEKDAY_NUMBERS = _numbers(_WEEKDAYS["de"], 0) | _numbers(_WEEKDAYS["en"], 0) | {"sonnabend": 5}


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
