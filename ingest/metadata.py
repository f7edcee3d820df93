"""Date, publisher and live-ticker sections, read from what the article itself says."""

from __future__ import annotations

import datetime as dt
import re

from qa_service.date_words import GERMAN_MONTH_NUMBERS
from qa_service.models import Section

_MONTH = "|".join(GERMAN_MONTH_NUMBERS)
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_WORD_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})\.[^\S\n]?({_MONTH})[^\S\n]+(\d{{4}})(?!\d)", re.I)
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")

# A credit line closing a report: "(APA, 23.8.2015)", "(red, 21.6.2015)", "(Anna Muster,
# 5.9.2015)", "(APA/dpa; 23.8.2015)".
_CREDIT_DATE = re.compile(r"\([^()\n]{1,40}[,;]\s*(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\)")
# The head of a text: its headline, lead and date lines.
_HEAD_LINES = 5
_HEAD_CHARS = 600
# A date after these words is when something happens, not when the text was written.
_EVENT_BEFORE = re.compile(
    r"\b(?:bis|seit|ab|vom|von|zum|zur|zwischen|nach|vor|und)\s+(?:de[mn]\s+)?$", re.I
)
# A dateline agency opens the text: "PARIS (dpa-AFX) - ...".
_DATELINE_AGENCY = re.compile(
    r"\((dpa-AFX|dpa|APA|AFP|Reuters|AP|KNA|epd|Keystone-SDA|SDA|sid|dts)\)", re.I
)
_DATELINE_WINDOW = 300
_CANONICAL_AGENCY = {
    a.lower(): a
    for a in ("dpa-AFX", "dpa", "APA", "AFP", "Reuters", "AP", "KNA", "epd", "Keystone-SDA", "SDA")
}
_CANONICAL_AGENCY.update({"sid": "SID", "dts": "dts"})
# Outlets an article may be credited to, by the spellings they use.
_OUTLET_NAMES = (
    ("TAG24", r"TAG24"),
    ("ZDF", r"ZDF(?:heute)?"),
    ("ARD", r"ARD"),
    ("tagesschau", r"[Tt]agesschau(?:\.de)?"),
    ("ORF", r"ORF"),
    ("APA", r"APA"),
    ("Deutschlandfunk", r"Deutschlandfunk"),
    ("SPIEGEL", r"(?:SPIEGEL|Spiegel Online)"),
)
# Where a text credits its outlet, not merely mentions one ("Neue Formate im ORF" does not
# make the ORF the publisher): its own ticker or correspondent ("im TAG24-Newsticker"), a
# reporter "vom ZDF", "meldet die APA", "sagte er zur APA", a "Quelle:" line, a "(APA)"
# closing the text or a dated "(APA/dpa, 23.8.2015)" closing a report.
_CREDIT = (
    r"\b{o}-(?:News|Live)?[Tt]icker",
    r"\b{o}-(?:Korrespondent|Reporter)",
    r"\bberichtet(?:e)?\s+(?:[A-ZÄÖÜ][\w-]+\s+){{1,3}}(?:vom|von\s+der|von)\s+{o}\b",
    r"\b(?:meldet|meldete|berichtet|berichtete|schreibt|schrieb)\s+(?:die|der|das)\s+{o}\b",
    r"\b(?:Quelle|Mit Material von)\s*:\s*(?:[\w.-]+[,/]\s*)*{o}\b",
    r"\b(?:zur|gegenüber\s+der|gegenüber\s+dem|im\s+Gespräch\s+mit\s+(?:der|dem))\s+{o}\b",
    r"\((?:[\w-]+/)*{o}(?:/[\w-]+)*\s*[,;]\s*\d{{1,2}}\.\s?\d{{1,2}}\.\s?\d{{4}}\)",
    r"\((?:[\w-]+/)*{o}(?:/[\w-]+)*\)\s*\Z",
)
_OUTLETS = tuple(
    (name, re.compile("|".join(c.format(o=spelling) for c in _CREDIT)))
    for name, spelling in _OUTLET_NAMES
)

_TICKER_HEADING = re.compile(
    rf"^[^\S\n]*(\d{{1,2}})\.[^\S\n]*({_MONTH})(?:[^\S\n]+(\d{{4}}))?,[^\S\n]*"
    r"(\d{1,2})[.:](\d{2})[^\S\n]*Uhr[^\S\n]*:[^\n]{0,200}$",
    re.M | re.I,
)


def find_date(text: str) -> dt.date | None:
    """The article's own date: the one its credit line gives ("(APA, 5.2.2016)", anywhere),
    else the first date of its head ("06.01.2026 | 59:00 min", "Heute, am 6. Januar 2026, …"
    in its first lines). A date in the running text is an event's ("ihre Verhaftung am 12.
    November 1939"): a text of one paragraph is dated by its credit line only."""
    credit = _CREDIT_DATE.search(text)
    if credit:
        date = _date(credit.group(3), credit.group(2), credit.group(1))
        if date is not None and date <= dt.date.today():  # "(APA, 4.6.3015)" is a typo
            return date
    if "\n" not in text.strip():
        return None
    head = "\n".join(text.lstrip().split("\n", _HEAD_LINES)[:_HEAD_LINES])[:_HEAD_CHARS]
    found: list[tuple[int, dt.date]] = []
    for pattern, order in ((_NUMERIC_DATE, "dmy"), (_WORD_DATE, "dmy"), (_ISO_DATE, "ymd")):
        for match in pattern.finditer(head):
            parts = dict(zip(order, match.groups(), strict=True))
            date = _date(parts["y"], parts["m"], parts["d"])
            if date is not None and not _EVENT_BEFORE.search(head, 0, match.start()):
                found.append((match.start(), date))
                break  # later matches of this pattern cannot come earlier
    return min(found)[1] if found else None


def find_publisher(text: str) -> str | None:
    """A dateline agency near the start wins; else the first outlet the text credits."""
    match = _DATELINE_AGENCY.search(text, 0, _DATELINE_WINDOW)
    if match:
        return _CANONICAL_AGENCY[match.group(1).lower()]
    hits = [(m.start(), name) for name, rx in _OUTLETS if (m := rx.search(text))]
    return min(hits)[1] if hits else None


def find_sections(text: str, reference: dt.date | None) -> tuple[Section, ...]:
    """Live-ticker entries: a line "6. Januar, 6.11 Uhr: ..." opens one, the next closes it.

    The year comes from the heading or else from `reference` (the article date); a month later
    than the reference month belongs to the year before (a ticker runs backwards in time).
    """
    matches = list(_TICKER_HEADING.finditer(text))
    sections = []
    for k, match in enumerate(matches):
        start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
        stop = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        end = len(text[:stop].rstrip())
        heading, time = match.group(0).strip(), _time(match, reference)
        sections.append(Section(start=start, end=end, heading=heading, time=time))
    return tuple(sections)


def _time(match: re.Match[str], reference: dt.date | None) -> dt.datetime | None:
    day, month_name, year, hour, minute = match.groups()
    month = GERMAN_MONTH_NUMBERS[month_name.lower()]
    if year is None:
        if reference is None:
            return None
        year = reference.year - (1 if month > reference.month else 0)
    try:
        return dt.datetime(int(year), month, int(day), int(hour), int(minute))
    except ValueError:
        return None


def _date(year: str, month: str, day: str) -> dt.date | None:
    month_no = GERMAN_MONTH_NUMBERS.get(month.lower()) if not month.isdigit() else int(month)
    try:
        return dt.date(int(year), month_no or 0, int(day))
    except ValueError:
        return None
