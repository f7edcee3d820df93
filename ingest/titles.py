"""A document title: the headline line if there is one, else the file name, else the lead.

Headline heuristic: the first line is short (at most 200 characters and 30 words), does not end
like a sentence or a lead-in (".", ",", ";", ":"), and more text follows it. Corpus files 000,
003 and 004 start with such a line; 001, 002 and the XQuAD files start with a paragraph.
A file name is used when it reads as words ("Apollo_program.txt" -> "Apollo program"), not as an
id ("001_ea25f4a6a3f17485.txt") or a numbered file of a collection ("gnad_0054_panorama.txt",
"gnad_1026_sport.txt");
otherwise the first sentence of the lead, without a dateline
("PARIS (dpa-AFX) - "), shortened at a word boundary.
"""

from __future__ import annotations

import re

from qa_service.clip import clip
from qa_service.sentences import split_sentences

MAX_HEADLINE_CHARS = 200
MAX_HEADLINE_WORDS = 30
MAX_LEAD_TITLE_CHARS = 120  # with the "…" of a shortened one
_NOT_A_HEADLINE_END = ".,;:"
_CLOSING = "\"'“”»«’)"
_LEAD_DATELINE = re.compile(r"[A-ZÄÖÜ][A-ZÄÖÜ./' -]{1,40}\([^()\n]{1,30}\)[^\S\n]*[-–—][^\S\n]*")
_GLUED_COLON = re.compile(r"(?<=[a-zäöüß]):(?=[A-ZÄÖÜ])")
_HEX_ID = re.compile(r"[0-9a-f]{8,}", re.I)
# A running number: "0054", "1026"; not a year like "1973" ("1973_oil_crisis.txt").
_SERIAL = re.compile(r"0\d{2,}|(?!19\d\d$|20\d\d$)\d{3,}")


def resolve_title(text: str, name: str, explicit: str | None = None) -> str:
    """The best title for a cleaned text from file `name`; `explicit` (HTML <title>) wins."""
    for candidate in (explicit, headline(text), title_from_filename(name), title_from_lead(text)):
        if candidate and candidate.strip():
            return _tidy(candidate)
    return _tidy(_stem(name)) or "Untitled"


def headline(text: str) -> str | None:
    """The first line, when it reads like a headline (see module docstring)."""
    first, _, rest = text.lstrip().partition("\n")
    line = first.strip()
    if not line or not rest.strip():
        return None
    if len(line) > MAX_HEADLINE_CHARS or len(line.split()) > MAX_HEADLINE_WORDS:
        return None
    tail = line.rstrip(_CLOSING)
    if not tail or tail[-1] in _NOT_A_HEADLINE_END:
        return None
    return line


def title_from_filename(name: str) -> str | None:
    """ "Fresno,_California.txt" -> "Fresno, California"; None for id-like names."""
    words = _stem(name).replace("_", " ").split()
    readable = any(w.isalpha() and len(w) >= 3 and not _HEX_ID.fullmatch(w) for w in words)
    # A running number marks a file of a collection ("gnad_0054_panorama"), not a title.
    numbered = any(_SERIAL.fullmatch(w) for w in words)
    return " ".join(words) if readable and not numbered else None


def title_from_lead(text: str) -> str | None:
    """First sentence of the first paragraph, without dateline or final period."""
    paragraph = text.strip().split("\n", 1)[0]
    paragraph = paragraph[_dateline_end(paragraph) :]
    spans = split_sentences(paragraph)
    if not spans:
        return None
    sentence = paragraph[slice(*spans[0])].rstrip(".")
    return clip(sentence, MAX_LEAD_TITLE_CHARS)


def _dateline_end(paragraph: str) -> int:
    match = _LEAD_DATELINE.match(paragraph)
    return match.end() if match else 0


def _stem(name: str) -> str:
    base = re.split(r"[\\/]", name)[-1]
    return base.rsplit(".", 1)[0] if "." in base.strip(".") else base


def _tidy(title: str) -> str:
    """Titles are labels, not quotes: collapse whitespace, space a glued "Ukraine:Groß"."""
    return _GLUED_COLON.sub(": ", " ".join(title.split()))
