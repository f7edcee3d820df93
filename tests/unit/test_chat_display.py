"""The one source line every door shows: speaker, outlet, date, ticker time, age, other outlets."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_service.chat.display import age, source_line
from qa_service.date_words import long_date
from qa_service.models import AlsoIn, Citation

TODAY = dt.date(2026, 1, 10)


def citation(**extra) -> Citation:
    base = {
        "n": 1,
        "doc_id": "d",
        "title": "t",
        "source": "/c/004_x.txt",
        "start": 0,
        "end": 1,
        "quote": "x",
        "date": dt.date(2026, 1, 7),
        "publisher": "ZDF",
    }
    return Citation(**(base | extra))


@pytest.mark.parametrize(
    ("day", "de", "en"),
    [
        (dt.date(2026, 1, 10), "heute", "today"),
        (dt.date(2026, 1, 9), "gestern", "yesterday"),
        (dt.date(2026, 1, 7), "vor 3 Tagen", "3 days ago"),
        (dt.date(2025, 12, 20), "vor 3 Wochen", "3 weeks ago"),
        (dt.date(2025, 10, 1), "vor 3 Monaten", "3 months ago"),
        (dt.date(2025, 1, 10), "vor 12 Monaten", "12 months ago"),
        (dt.date(2023, 1, 1), "vor 3 Jahren", "3 years ago"),
        (dt.date(2026, 1, 11), "in 1 Tag", "in 1 day"),
    ],
)
def test_age_in_both_languages(day, de, en):
    assert age(day, TODAY, "de") == de
    assert age(day, TODAY, "en") == en


def test_long_dates():
    assert long_date(dt.date(2026, 3, 7)) == "7. März 2026"
    assert long_date(dt.date(2026, 3, 7), "en") == "7 March 2026"


def test_publisher_date_and_age_without_a_speaker():
    assert source_line(citation(), TODAY) == "ZDF, 7. Januar 2026, vor 3 Tagen"
    assert source_line(citation(), TODAY, "en") == "ZDF, 7 January 2026, 3 days ago"


def test_speaker_and_ticker_time_lead_the_line():
    c = citation(speaker="Merz", section_time=dt.datetime(2026, 1, 6, 17, 26))
    assert source_line(c, TODAY) == "Merz (ZDF, 6. Januar 2026, 17.26 Uhr, vor 4 Tagen)"
    assert source_line(c, TODAY, "en") == "Merz (ZDF, 6 January 2026, 17:26, 4 days ago)"


def test_other_outlets_follow_once_each():
    also = AlsoIn(doc_id="e", title="T", source="s", start=0, end=1, publisher="tagesschau.de")
    c = citation(speaker="Merz", also_in=(also, also))
    assert source_line(c, TODAY).endswith("; auch in: tagesschau.de")


def test_nothing_known_is_an_empty_line():
    assert source_line(citation(date=None, publisher=None), TODAY) == ""
