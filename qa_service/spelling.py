"""One way to compare spellings, for every analyser: `fold`, the `name_key` and the `skeleton`.

`fold` makes "Müller", "MÜLLER" and "Muller" one word (lower case, ß as ss, accents, umlaut
dots and strokes dropped: ł, ı, ø); `name_key` makes the German, English and typed spellings
of one name one string ("Mueller"/"Müller" → "muler", "Yaroshenko"/"Jaroschenko" →
"iarosenko", "Kotsenyuk"/"Kozenjuk" → "koseniuk") by rewriting the letter groups the
languages spell differently, longer groups first ("tsch" before "sch", "shch" before "sh");
`skeleton` is its first letter and consonants ("Sawadskyj"/"Zavadsky" → "svdsk"), the key
that ignores vowels too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TRANSLIT = (
    ("tsch", "c"),
    ("shch", "sc"),
    ("sch", "s"),
    ("sh", "s"),
    ("zh", "s"),
    ("ck", "k"),
    ("kh", "c"),
    ("ch", "c"),
    ("tz", "z"),
    ("ts", "z"),
    ("dh", "d"),
    ("gh", "g"),
    ("th", "t"),
    ("ph", "f"),
    ("w", "v"),
    ("z", "s"),
    ("q", "k"),
    ("c", "k"),
    ("ae", "a"),
    ("oe", "o"),
    ("ue", "u"),
    ("ou", "u"),
    ("j", "i"),
    ("y", "i"),
)
_STROKES = str.maketrans({"ł": "l", "ı": "i", "ø": "o", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe"})


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss").translate(_STROKES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def name_key(word: str) -> str:
    w = fold(word)
    for a, b in _TRANSLIT:
        w = w.replace(a, b)
    w = re.sub(r"ev$", "ov", w)  # Russian -ёв: English -ev, German -ow (Kalachev/Kalatschow)
    return re.sub(r"(.)\1+", r"\1", w)


@lru_cache(maxsize=200_000)  # per candidate sentence word on every question: keep it cached
def skeleton(word: str) -> str:
    k = name_key(word)
    return re.sub(r"(.)\1+", r"\1", k[:1] + re.sub(r"[aeiou]", "", k[1:]))
