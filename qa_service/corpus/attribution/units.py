"""What attribution produces: a document's sentences with their speakers (`SentenceUnit`), and
the markers a source rule returns for a sentence that names no one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# "verb" | "so" | "laut" | "line" | "intro" | "colon" | "continued" | "pronoun" | "role" | "voice"
How = str

UNKNOWN: tuple[str, How] = ("", "unknown")  # someone speaks whom the text does not name
CONTINUES: tuple[str, How] = ("", "continues")  # "hieß es weiter": the last speaker goes on
FOLLOWS: tuple[str, How] = ("", "follows")  # "Demnach …": the sentence before's source, if any
MARKERS = (UNKNOWN, CONTINUES, FOLLOWS)  # what a source rule returns that names no one


@dataclass(frozen=True, slots=True)
class SentenceUnit:
    """One sentence of a document, the unit answers quote: `doc.text[start:end] == text`."""

    doc_id: str
    index: int
    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_key: str | None = None
    how: How | None = None
    section_time: dt.datetime | None = None
    section_start: int | None = None
    introduces: bool = False  # ends in ":" - its content is the next sentence
    refers_back: bool = False  # "Er …", "Damit …", "Dies …": needs the sentence before
