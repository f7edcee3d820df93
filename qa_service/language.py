"""Question language: German or English, by function words (robust on short questions)."""

from __future__ import annotations

import re

from qa_service.lang import english, german
from qa_service.models import Language

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str, default: Language = "de") -> Language:
    words = [w.lower() for w in _WORD.findall(text)]
    de = sum(w in german.LANGUAGE_MARKERS for w in words) + 2 * bool(re.search(r"[äöüßÄÖÜ]", text))
    en = sum(w in english.LANGUAGE_MARKERS for w in words)
    if de == en:
        return default
    return "de" if de > en else "en"
