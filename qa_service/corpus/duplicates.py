"""Near-duplicate sentences across articles: dpa text carried by several outlets.

Sentences are compared by the Jaccard similarity of their word 3-shingles, found with
datasketch's MinHash LSH and confirmed exactly. The threshold is measured on the sample
corpus (every pair above 0.2, read by hand): copies with small edits (a name spelt another
way, an age added in brackets, an added clause) score 0.41-1.0, different sentences on the
same topic 0.36 and below, so 0.4 splits them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa_service.corpus.attribution import SentenceUnit

THRESHOLD = 0.4
MIN_WORDS = 6  # shorter sentences ("Elias Brunner", headings) repeat by accident
_NUM_PERM = 64
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def near_duplicate_groups(units: Sequence[SentenceUnit]) -> dict[int, tuple[SentenceUnit, ...]]:
    """Groups of two or more near-identical sentences from different places, keyed by an id."""
    candidates = [u for u in units if len(u.text.split()) >= MIN_WORDS]
    sets = [shingles(u.text) for u in candidates]
    from datasketch import MinHash, MinHashLSH  # scipy behind it: only when a snapshot is built

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=_NUM_PERM)
    hashes = []
    for i, s in enumerate(sets):
        m = MinHash(num_perm=_NUM_PERM)
        m.update_batch([x.encode() for x in s])
        hashes.append(m)
        lsh.insert(str(i), m)
    parent = list(range(len(candidates)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, m in enumerate(hashes):
        for key in lsh.query(m):
            j = int(key)
            if j != i and jaccard(sets[i], sets[j]) >= THRESHOLD:
                parent[find(i)] = find(j)
    members: dict[int, list[SentenceUnit]] = {}
    for i, u in enumerate(candidates):
        members.setdefault(find(i), []).append(u)
    return {g: tuple(ms) for g, ms in members.items() if len(ms) > 1}
