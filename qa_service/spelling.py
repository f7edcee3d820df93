"""One way to compare spellings, for every analyser: `fold` and the name `skeleton`.

`fold` makes "Müller", "MÜLLER" and "Muller" one word (lower case, ß as ss, accents and umlaut
dots dropped); `skeleton` makes transliterations of one name one key ("Selenskyj"/"Zelensky" →
"slnsk", "Tkatschenko"/"Tkachenko" → "tkcnk"): first letter and consonants after rewriting
the letter groups German and English spell differently ("tsch" before "sch", so the longer
group wins).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TRANSLIT = (
    ("tsch", "c"),
    ("sch", "s"),
    ("ch", "c"),
    ("ck", "k"),
    ("w", "v"),
    ("j", "y"),
    ("z", "s"),
    ("q", "k"),
)


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def skeleton(word: str) -> str:
    w = fold(word)
    for a, b in _TRANSLIT:
        w = w.replace(a, b)
    w = w[:1] + re.sub(r"[aeiouy]", "", w[1:])
    return re.sub(r"(.)\1+", r"\1", w)
