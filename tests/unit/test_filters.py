"""Filters: the one range rule and the one match rule, used by every store and interface."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from qa_service.api.schemas import FiltersRequest
from qa_service.errors import QuestionError
from qa_service.models import Filters
from qa_service.ui.gradio import parse_filters

JAN = [dt.date(2026, 1, d) for d in range(1, 32)]


def test_range_is_checked_by_the_domain():
    with pytest.raises(ValidationError, match="date_from must not be after date_to"):
        Filters(date_from=JAN[9], date_to=JAN[0])
    assert Filters(date_from=JAN[0], date_to=JAN[0]).date_to == JAN[0]


def test_interfaces_report_the_domain_rule():
    with pytest.raises(ValidationError, match="date_from must not be after date_to"):
        FiltersRequest(date_from="2026-01-10", date_to="2026-01-01")
    with pytest.raises(QuestionError, match="date_from must not be after date_to"):
        parse_filters("2026-01-10", "2026-01-01", None)


def test_matches_dates_inclusive_and_undated_fails_any_bound():
    f = Filters(date_from=JAN[4], date_to=JAN[6])
    assert [f.matches(d, "a.txt") for d in (JAN[3], JAN[4], JAN[6], JAN[7])] == [
        False,
        True,
        True,
        False,
    ]
    assert not f.matches(None, "a.txt")
    assert Filters(sources=("a.txt",)).matches(None, "a.txt")


def test_sources_compare_by_file_name():
    f = Filters(sources=("/corpus/a.txt", "C:\\uploads\\b.md", "a.txt"))
    assert f.sources == ("a.txt", "b.md")
    assert f.matches(None, "/other/place/a.txt") and f.matches(None, "b.md")
    assert not f.matches(None, "/corpus/c.txt")
    assert Filters().matches(None, "anything") and Filters().is_empty()
