"""The question-forms table (tests/data/question_forms.jsonl) is consistent with its rules.

The question analyser is tested against this table; these checks keep the table right: the
relative dates are resolved as tests/data/README.md says (against each row's `today`), the
speaker is set only where statements are asked for, and `latest` carries no dates.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import get_args

import pytest

from qa_service.analysis.question import QuestionType

FORMS = Path(__file__).resolve().parent.parent / "data" / "question_forms.jsonl"
FIELDS = {"q", "today", "language", "type", "speaker", "subject", "date_from", "date_to", "latest"}
TYPES = set(get_args(QuestionType))  # the analyser's types, one list
WEEKDAYS = {
    "montag": 0,
    "dienstag": 1,
    "mittwoch": 2,
    "donnerstag": 3,
    "freitag": 4,
    "samstag": 5,
    "sonntag": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    lines = FORMS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def test_fields_and_size(rows: list[dict]) -> None:
    assert len(rows) >= 90
    for row in rows:
        assert set(row) == FIELDS, row
        assert row["language"] in {"de", "en"}, row
        assert row["type"] in TYPES, row
        assert isinstance(row["latest"], bool), row
        _day(row["today"])
    assert len({row["q"] for row in rows}) == len(rows)
    counts = Counter(row["language"] for row in rows)
    assert counts["de"] >= 40 and counts["en"] >= 40, counts
    assert set(Counter(row["type"] for row in rows)) == TYPES


def test_dates_are_ordered_ranges_starting_by_today(rows: list[dict]) -> None:
    for row in rows:
        start, end, today = _day(row["date_from"]), _day(row["date_to"]), _day(row["today"])
        assert (start is None) == (end is None), row
        if start:
            assert start <= end and start <= today, row  # a month may run past today
            assert not row["latest"], row


def test_speaker_only_where_statements_are_asked_for(rows: list[dict]) -> None:
    for row in rows:
        if row["speaker"] is not None:
            assert row["type"] == "said_what", row
    assert sum(row["speaker"] is not None for row in rows) >= 20


def test_yesterday_and_the_day_before(rows: list[dict]) -> None:
    seen = 0
    for row in rows:
        q, today = row["q"].casefold(), _day(row["today"])
        back = None
        if "vorgestern" in q or "day before yesterday" in q:
            back = 2
        elif "gestern" in q or "yesterday" in q:
            back = 1
        elif re.search(r"\bheute\b|\btoday\b", q):
            back = 0
        if back is not None:
            seen += 1
            expected = (today - dt.timedelta(days=back)).isoformat()
            assert row["date_from"] == row["date_to"] == expected, row
    assert seen >= 8


def test_weekdays_are_the_most_recent_one_before_today(rows: list[dict]) -> None:
    seen = 0
    for row in rows:
        q, today = row["q"].casefold(), _day(row["today"])
        m = re.search(r"\b(am|on|seit|since) (\w+)", q)
        if not m or m.group(2) not in WEEKDAYS:
            continue
        seen += 1
        start = _day(row["date_from"])
        assert start.weekday() == WEEKDAYS[m.group(2)], row
        assert 1 <= (today - start).days <= 7, row
        since = m.group(1) in {"seit", "since"}
        assert _day(row["date_to"]) == (today if since else start), row
    assert seen >= 8


def test_last_week_is_the_previous_monday_to_sunday(rows: list[dict]) -> None:
    seen = 0
    for row in rows:
        q, today = row["q"].casefold(), _day(row["today"])
        if "letzte woche" in q or "last week" in q:
            seen += 1
            monday = today - dt.timedelta(days=today.weekday() + 7)
            assert _day(row["date_from"]) == monday, row
            assert _day(row["date_to"]) == monday + dt.timedelta(days=6), row
    assert seen >= 4


def test_latest_forms(rows: list[dict]) -> None:
    words = ("zuletzt", "neueste", "neues", "latest", "most recent")
    for row in rows:
        q = row["q"].casefold()
        assert row["latest"] == any(w in q for w in words), row
    assert sum(row["latest"] for row in rows) >= 8
