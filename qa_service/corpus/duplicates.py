"""Near-duplicate sentences across articles: dpa text carried by several outlets.

Sentences are compared by the Jaccard similarity of their word 3-shingles, all pairs above the
threshold found exactly by a prefix-filtered set join (Bayardo et al., "Scaling up all pairs
similarity search", 2007): a pair at Jaccard >= t shares a shingle among the first
|s| - ceil(t |s|) + 1 shingles of each set, rarest first, so only those are indexed. The
threshold is measured on the sample corpus (every pair above 0.2, read by hand): copies with
small edits (a name spelt another way, an age added in brackets, an added clause) score
0.41-1.0, different sentences on the same topic 0.36 and below, so 0.4 splits them.
datasketch's MinHash LSH (64 permutations) did this before: on the 22,667 sentence units of
the 1,017 GNAD and seed articles it took 5.6-6.6 s against 1.1 s and found 30 of the 45
groups whole, 2 in part and 13 not at all.

A build after documents were added, changed or removed (`update_duplicates`) starts from the
previous build: a `ShingleIndex` of every candidate sentence's shingles as CRC-32 hashes in
flat arrays, and its groups. A removed sentence leaves the index and its group; the rest of a
group it was in are compared among themselves again (a group is a connected component, so
none of them pairs with a sentence outside it). A new sentence S can reach Jaccard t with R
only if R holds one of any |S| - ceil(t |S|) + 1 of S's shingles (otherwise they share fewer
than t |S|), so S looks up its rarest that many, and each sentence found is compared on its
shingles themselves: the same pairs as a whole build, so the same groups (a hash collision
only adds a sentence to compare). A changed document is removed and added.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from qa_service.corpus.attribution import SentenceUnit

THRESHOLD = 0.4
MIN_WORDS = 6  # shorter sentences ("Elias Brunner", headings) repeat by accident
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


Groups = dict[int, tuple[SentenceUnit, ...]]  # keyed by the first member's candidate position


@dataclass(frozen=True)
class ShingleIndex:
    """The candidate sentences of a build with their hashed shingles, for the next build to
    extend: `owners[i]` is the position in `keys` of the sentence `hashes[i]` came from."""

    keys: tuple[tuple[str, int], ...]  # (doc id, start)
    hashes: np.ndarray  # uint32
    owners: np.ndarray  # int32

    def extended(self, keys: Sequence[tuple[str, int]], sets: Sequence[set[str]]) -> ShingleIndex:
        hashes, owners = _hashed(sets, offset=len(self.keys))
        return ShingleIndex(
            (*self.keys, *keys),
            np.concatenate((self.hashes, hashes)),
            np.concatenate((self.owners, owners)),
        )

    def without(self, removed: set[str]) -> ShingleIndex:
        """The index less the sentences of the documents `removed`."""
        kept = np.asarray([doc_id not in removed for doc_id, _ in self.keys], dtype=bool)
        if kept.all():
            return self
        renumbered = np.cumsum(kept) - 1
        rows = kept[self.owners]
        return ShingleIndex(
            tuple(k for k, keep in zip(self.keys, kept.tolist(), strict=True) if keep),
            self.hashes[rows],
            renumbered[self.owners[rows]],
        )


def _hashed(sets: Sequence[set[str]], offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    hashes = [zlib.crc32(x.encode()) for s in sets for x in s]
    owners = np.repeat(
        np.arange(offset, offset + len(sets), dtype=np.int64), [len(s) for s in sets]
    )
    return np.asarray(hashes, dtype=np.uint32), owners


def _candidates(units: Sequence[SentenceUnit]) -> list[SentenceUnit]:
    return [u for u in units if len(u.text.split()) >= MIN_WORDS]


def near_duplicate_groups(units: Sequence[SentenceUnit]) -> Groups:
    """Groups of two or more near-identical sentences from different places."""
    return find_duplicates(units)[0]


def find_duplicates(units: Sequence[SentenceUnit]) -> tuple[Groups, ShingleIndex]:
    """The groups of `units`, every pair compared, and the index a later build extends."""
    candidates = _candidates(units)
    sets = [shingles(u.text) for u in candidates]
    frequency = Counter(x for s in sets for x in s)
    index: dict[str, list[int]] = defaultdict(list)
    parent = list(range(len(candidates)))
    for i, s in enumerate(sets):
        rarest = sorted(s, key=lambda x: (frequency[x], x))
        seen: set[int] = set()
        for x in rarest[: len(s) - math.ceil(THRESHOLD * len(s)) + 1]:
            for j in index[x]:
                if j not in seen:
                    seen.add(j)
                    if jaccard(s, sets[j]) >= THRESHOLD:
                        _union(parent, i, j)
            index[x].append(i)
    hashes, owners = _hashed(sets)
    keys = tuple((u.doc_id, u.start) for u in candidates)
    return _groups(candidates, parent), ShingleIndex(keys, hashes, owners)


def update_duplicates(
    units: Sequence[SentenceUnit],
    previous: Groups,
    index: ShingleIndex,
    removed: Iterable[str],
    added: Iterable[str],
) -> tuple[Groups, ShingleIndex]:
    """The groups of `units` when they are the previous build's units less those of the
    documents `removed` plus those of the documents `added` (a changed document is in both):
    only the pairs a change can make or break are compared; the same groups as
    `find_duplicates`. On the 1,017 GNAD and seed articles with one of them changed: 0.1 s
    against 1.4 s for a whole build."""
    removed, added = set(removed), set(added)
    candidates = _candidates(units)
    position = {(u.doc_id, u.start): k for k, u in enumerate(candidates)}
    parent = list(range(len(candidates)))
    for members in previous.values():
        kept = [position[(u.doc_id, u.start)] for u in members if u.doc_id not in removed]
        if len(kept) == len(members):
            for k in kept[1:]:
                _union(parent, kept[0], k)
        else:  # a member left: the others may no longer be connected
            sets = {k: shingles(candidates[k].text) for k in kept}
            for a, b in combinations(kept, 2):
                if jaccard(sets[a], sets[b]) >= THRESHOLD:
                    _union(parent, a, b)
    new = [k for k, u in enumerate(candidates) if u.doc_id in added]
    sets = {k: shingles(candidates[k].text) for k in new}
    grown = index.without(removed).extended(
        [(candidates[k].doc_id, candidates[k].start) for k in new], list(sets.values())
    )
    at = np.asarray([position[key] for key in grown.keys], dtype=np.int64)  # key -> candidate
    values, counts = np.unique(grown.hashes, return_counts=True)
    asked: dict[int, list[int]] = defaultdict(list)  # hash -> the new sentences looking it up
    for k, s in sets.items():
        hashed = sorted({zlib.crc32(x.encode()) for x in s})
        frequency = counts[np.searchsorted(values, hashed)]
        rarest = sorted(zip(frequency.tolist(), hashed, strict=True))
        for _, h in rarest[: len(s) - math.ceil(THRESHOLD * len(s)) + 1]:
            asked[h].append(k)
    found = np.isin(grown.hashes, np.fromiter(asked, dtype=np.uint32, count=len(asked)))
    pairs = {
        (k, int(j))
        for h, j in zip(grown.hashes[found].tolist(), at[grown.owners[found]], strict=True)
        for k in asked[h]
        if k != j
    }
    known = dict(sets)  # and the earlier sentences compared, read once
    for k, j in sorted(pairs):
        if j not in known:
            known[j] = shingles(candidates[j].text)
        if jaccard(sets[k], known[j]) >= THRESHOLD:
            _union(parent, k, j)
    return _groups(candidates, parent), grown


def _union(parent: list[int], i: int, j: int) -> None:
    parent[_find(parent, i)] = _find(parent, j)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _groups(candidates: Sequence[SentenceUnit], parent: list[int]) -> Groups:
    """The sets of two or more, each in candidate order and keyed by its first member's
    position, so a build that extends another gives what a whole build gives."""
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(candidates)):
        members[_find(parent, i)].append(i)
    return {
        ms[0]: tuple(candidates[i] for i in ms) for ms in sorted(members.values()) if len(ms) > 1
    }
