"""Facts of the German language both ingest and the query path read (no dependencies)."""

from __future__ import annotations

# Month names as articles spell them (with Austrian and transliterated forms), to numbers.
MONTHS = {
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "feber": 2,
    "märz": 3,
    "maerz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
}
