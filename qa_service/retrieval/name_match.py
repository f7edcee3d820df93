"""Is a name in the question a spelling of a word the corpus has? A fuzzy look-up over name keys.

"Kalachev"/"Kalatschow", "Kraeutler"/"Kräutler" and "Kholodovsky"/"Cholodowski" have one
`name_key`; typos ("Oberleiner"/"Oberleitner", "Steinbucher"/"Steinbuchner") do not, so the
keys are compared with rapidfuzz's `ratio` (Indel similarity, 0-100) and a name matches a corpus
word at `SIMILARITY` or more. Acronyms ("EIB"/"EZB", "VfGH"/"VwGH") and keys shorter than
`MIN_KEY` letters are only matched exactly: one letter there is another institution.

`SIMILARITY` is measured on `tests/data/name_variants.jsonl` (239 labelled pairs, see
`tests/unit/test_name_variants.py`): the pairs are split in two halves by the CRC32 of their
target; on the first half the lowest threshold whose false matches stay at or under 3 % is
chosen, and the second half reports it. The figures are in that test's docstring.

Keys are bucketed by length: `ratio` >= t needs |a - b| <= (1 - t/100)(a + b), so a look-up
scans only the few lengths that can reach the threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from qa_service.spelling import name_key

SIMILARITY = 91.0
MIN_KEY = 4


class NameIndex:
    """The corpus words' name keys, for `similar` look-ups."""

    def __init__(self, words: Iterable[str], similarity: float = SIMILARITY) -> None:
        self.similarity = similarity
        by_length: dict[int, set[str]] = defaultdict(set)
        for w in words:
            key = name_key(w)
            if len(key) >= MIN_KEY:
                by_length[len(key)].add(key)
        self._by_length = {n: sorted(keys) for n, keys in by_length.items()}

    def similar(self, word: str) -> bool:
        """Does the corpus have a word within `similarity` of this one's name key?"""
        if word.isupper():
            return False
        key = name_key(word)
        if len(key) < MIN_KEY:
            return False
        slack = 1 - self.similarity / 100
        n = len(key)
        lo, hi = int(n * (1 - slack) / (1 + slack)), int(n * (1 + slack) / (1 - slack)) + 1
        for length in range(max(lo, MIN_KEY), hi + 1):
            keys = self._by_length.get(length)
            if keys and process.extractOne(
                key, keys, scorer=fuzz.ratio, score_cutoff=self.similarity
            ):
                return True
        return False
