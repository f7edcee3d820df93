"""How a citation's source reads in every door: "Brunner (Tagesblatt, 15. Januar 2026,
vor 3 Tagen)".

One module for Gradio, Slack and Mattermost, so the three never disagree about who said it,
where and how long ago. `today` is passed in (an injectable clock), so tests can pin it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from qa_service.date_words import clock_time, long_date
from qa_service.models import Citation

Clock = Callable[[], dt.date]


def _unit(count: int, lang: str, de: tuple[str, str], en: str) -> str:
    if lang == "en":
        return f"{count} {en}{'' if count == 1 else 's'}"
    return f"{count} {de[0] if count == 1 else de[1]}"


def age(day: dt.date, today: dt.date, lang: str = "de") -> str:
    """How long ago `day` was: heute, gestern, vor 3 Tagen, vor 2 Wochen, vor 5 Monaten …"""
    days = (today - day).days
    if days < 0:
        span = _unit(-days, lang, ("Tag", "Tagen"), "day")
        return f"in {span}"
    if days == 0:
        return "today" if lang == "en" else "heute"
    if days == 1:
        return "yesterday" if lang == "en" else "gestern"
    if days < 14:
        span = _unit(days, lang, ("Tag", "Tagen"), "day")
    elif days < 60:
        span = _unit(days // 7, lang, ("Woche", "Wochen"), "week")
    elif days < 730:
        span = _unit(days // 30, lang, ("Monat", "Monaten"), "month")
    else:
        span = _unit(days // 365, lang, ("Jahr", "Jahren"), "year")
    return f"{span} ago" if lang == "en" else f"vor {span}"


def source_line(citation: Citation, today: dt.date, lang: str = "de") -> str:
    """Speaker, then outlet, date (the ticker entry's when known), time and age in brackets:
    "Brunner (Tagesblatt, 15. Januar 2026, 6.11 Uhr, vor 3 Tagen)"; without a speaker just
    the bracket's content; other outlets carrying the same sentence follow ("auch in: …")."""
    day = citation.section_time.date() if citation.section_time else citation.date
    parts = [citation.publisher]
    if day is not None:
        parts.append(long_date(day, lang))
    if citation.section_time is not None:
        parts.append(clock_time(citation.section_time, lang))
    if day is not None:
        parts.append(age(day, today, lang))
    where = ", ".join(p for p in parts if p)
    if citation.speaker:
        line = f"{citation.speaker} ({where})" if where else citation.speaker
    else:
        line = where
    also = [a.publisher or a.title for a in citation.also_in]
    if also:
        label = "also in" if lang == "en" else "auch in"
        outlets = f"{label}: {', '.join(dict.fromkeys(also))}"
        line = f"{line}; {outlets}" if line else outlets
    return line
