"""German-aware tokens for keyword search: lower-case, Snowball stem, umlaut/ß folding.

Stemming runs before folding because the German Snowball stemmer knows umlauts; folding
afterwards makes "Großbritannien" and "Grossbritannien", "Maerz" and "März" meet.

The stemmer is PyStemmer, Snowball's C build: the same stems as the pure-Python
snowballstemmer on all 47,870 words of the GNAD and seed articles and 14,056 of XQuAD, 18x
faster (0.14 s against 2.53 s for the 47,870), which an ask pays for every word the process
has not stemmed yet: 20 new title questions on the 1,017-article index took 78 -> 41 ms at
the median (floor 32 ms).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import Stemmer

from qa_service.lang import english, german
from qa_service.spelling import fold

_WORD = re.compile(r"\w+", re.UNICODE)

STOPWORDS = german.STOPWORDS | english.STOPWORDS


_LOCAL = threading.local()


def _stemmer():
    """One stemmer per thread: a Snowball stemmer keeps the word it works on in itself, so
    two server threads sharing one garbled each other's words (IndexError under load)."""
    stemmer = getattr(_LOCAL, "stemmer", None)
    if stemmer is None:
        stemmer = _LOCAL.stemmer = Stemmer.Stemmer("german")
    return stemmer


@lru_cache(maxsize=200_000)
def _normalise(word: str) -> str:
    return fold(_stemmer().stemWord(word))


def words(text: str) -> list[str]:
    """Lower-cased, folded, unstemmed words (for compound and name look-ups)."""
    return [fold(w) for w in _WORD.findall(text.lower())]


def tokenize(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Index/query tokens; stop words dropped unless asked for."""
    out = []
    for word in _WORD.findall(text.lower()):
        if not keep_stopwords and word in STOPWORDS:
            continue
        out.append(_normalise(word))
    return out
