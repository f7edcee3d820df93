"""Question language: German or English, by function words (robust on short questions)."""

from __future__ import annotations

import re

from qa_service.lang import english, german
from qa_service.models import Language

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_UMLAUT = re.compile(r"[äöüßÄÖÜ]")


def detect_language(text: str, default: Language = "de") -> Language:
    """Function words decide; umlauts and ß weigh for German, a capitalised word's (a name
    the question quotes: "Why was the newspaper Österreich fined?") only half."""
    found = _WORD.findall(text)
    words = [w.lower() for w in found]
    umlauts = [w for w in found if _UMLAUT.search(w)]
    de = sum(w in german.LANGUAGE_MARKERS for w in words) + (
        2 if any(w[:1].islower() for w in umlauts) else len(umlauts[:1])
    )
    en = sum(w in english.LANGUAGE_MARKERS for w in words)
    if de == en:
        return default
    return "de" if de > en else "en"
