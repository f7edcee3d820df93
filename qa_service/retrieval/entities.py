"""Names in a question that the corpus never mentions.

A question about "Olaf Scholz" or "Bitcoin" cannot be answered from articles that never
name them, however close its vector lands. Names are the capitalised words after the first;
one counts as present if the corpus has it (stemmed, or split into two known parts for German
compounds), its German form (English names and demonyms, `data/names_en_de.tsv`), or a word
with the same consonant skeleton (transliterations: Zelensky/Selenskyj, Kyiv/Kyjiw).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from qa_service.models import Language
from qa_service.retrieval.tokens import STOPWORDS, tokenize
from qa_service.spelling import fold, skeleton

_NAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "names_en_de.tsv"
_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)
_SENTENCE_START = re.compile(r"(^|[.!?:;\"„“]\s*)$")
_MIN_SKELETON = 4


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[str, ...]]:
    out = {}
    for line in _NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            en, forms = line.split("\t")
            out[en] = tuple(forms.split())
    return out


class Vocabulary:
    """What words the corpus contains, in the forms the checks above need."""

    def __init__(self, stems: Iterable[str], words: Iterable[str]) -> None:
        self.stems = set(stems)
        self.words = set(words)
        self.skeletons = {s for s in map(skeleton, self.words) if len(s) >= _MIN_SKELETON}

    def knows(self, word: str, language: Language) -> bool:
        if all(t in self.stems for t in tokenize(word, keep_stopwords=True)):
            return True
        lowered = word.lower()
        if language == "en" and lowered in _names():
            return any(self.knows(form, "de") for form in _names()[lowered])
        parts = [p for p in re.split(r"-", lowered) if p]
        if len(parts) > 1:
            return all(self.knows(p, language) for p in parts)
        if self._compound(fold(lowered)):
            return True
        sk = skeleton(lowered)
        return len(sk) >= _MIN_SKELETON and sk in self.skeletons

    def _compound(self, word: str) -> bool:
        """German compounds: 'kriegsbeginn' = 'kriegs' + 'beginn' when both halves occur."""
        for i in range(4, len(word) - 3):
            left, right = word[:i], word[i:]
            if (left in self.words or left.rstrip("s") in self.words) and right in self.words:
                return True
        return False


def missing_names(question: str, language: Language, vocabulary: Vocabulary) -> list[str]:
    missing = []
    for m in _WORD.finditer(question):
        word = m.group()
        if not word[0].isupper() or _SENTENCE_START.search(question[: m.start()]):
            continue
        if word.lower() in STOPWORDS or len(word) < 2:
            continue
        if not vocabulary.knows(word, language):
            missing.append(word)
    return missing
