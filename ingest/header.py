"""The corpus header line: " date 2026-01-06  70.398" (optional, first line of a .txt).

Some files carry the article body on the header line itself (" date 2026-01-06 Die ..."), so
the header is only the date token plus a trailing number when nothing else follows it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_FULL_LINE = re.compile(
    r"[^\S\n]*date[^\S\n]+(\d{4}-\d{2}-\d{2})(?:[^\S\n]+(\d[\d.,]*))?[^\S\n]*(?=\n|\Z)"
)
_INLINE = re.compile(r"[^\S\n]*date[^\S\n]+(\d{4}-\d{2}-\d{2})[^\S\n]+(?=\S)")


@dataclass(frozen=True)
class Header:
    date: dt.date | None
    number: str | None
    end: int
    """Offset just after the header; the body (or the line break) starts here."""
    inline_body: bool


def parse_header(text: str) -> Header | None:
    """The header at the very start of `text`, or None when there is none."""
    match = _FULL_LINE.match(text)
    inline = match is None
    if inline:
        match = _INLINE.match(text)
    if match is None:
        return None
    try:
        date = dt.date.fromisoformat(match.group(1))
    except ValueError:
        date = None
    number = None if inline else match.group(2)
    return Header(date=date, number=number, end=match.end(), inline_body=inline)
