"""English names of places and peoples with their German forms (qa_service/data/names_en_de.tsv):
general knowledge of the two languages, read once for every analyser."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_NAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "names_en_de.tsv"


@lru_cache(maxsize=1)
def english_names() -> dict[str, tuple[str, ...]]:
    """English name or demonym (lower case) -> the German forms news text uses."""
    out = {}
    for line in _NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            en, forms = line.split("\t")
            out[en] = tuple(forms.split())
    return out


@lru_cache(maxsize=1)
def place_short_forms() -> frozenset[str]:
    """German short forms in capitals that the table gives for an English name of a place
    ("america" -> "USA"): a country's, not an organisation's ("EU" stands only for itself)."""
    return frozenset(
        f for en, forms in english_names().items() for f in forms if f.isupper() and f.lower() != en
    )
