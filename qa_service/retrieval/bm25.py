"""BM25 over chunks with an inverted index; rebuilt from the store, never a source of truth."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from qa_service.models import Chunk
from qa_service.retrieval.entities import Vocabulary
from qa_service.retrieval.tokens import tokenize, words


class BM25Index:
    """Okapi BM25 (k1=1.5, b=0.75). Scores only the chunks that share a term with the query.

    Built from `previous` where it can: when every chunk of the previous index is still there
    with the same text (documents added, none changed or removed), only the new chunks are
    read and the old postings are moved to the chunks' new positions, so adding a few
    articles to ten thousand tokenises a few. The result is the index a full build gives:
    the same lengths in the same order, so the same scores to the bit."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        k1: float = 1.5,
        b: float = 0.75,
        previous: BM25Index | None = None,
    ) -> None:
        self.chunks = list(chunks)
        self.k1, self.b = k1, b
        moved = _moved(previous, self.chunks) if previous is not None else None
        lengths = np.zeros(len(self.chunks), dtype=np.float32)
        fresh = range(len(self.chunks))
        if moved is not None:
            lengths[moved] = previous._lengths
            fresh = np.setdiff1d(np.arange(len(self.chunks)), moved).tolist()
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        raw_words: set[str] = set()
        for i in fresh:
            text = self.chunks[i].text
            raw_words.update(words(text))
            counts = Counter(tokenize(text))
            lengths[i] = sum(counts.values())
            for term, tf in counts.items():
                postings[term].append((i, tf))
        self._lengths = lengths
        avg = float(lengths.mean()) if len(lengths) else 1.0
        self._norm = k1 * (1 - b + b * lengths / max(avg, 1e-9))
        n = len(self.chunks)
        added = {
            t: (
                np.array([i for i, _ in p], dtype=np.int64),
                np.array([f for _, f in p], np.float32),
            )
            for t, p in postings.items()
        }
        if moved is None:
            self._postings = added
        else:
            self._postings = {t: (moved[ids], tf) for t, (ids, tf) in previous._postings.items()}
            for t, (ids, tf) in added.items():
                old = self._postings.get(t)
                self._postings[t] = (
                    (ids, tf)
                    if old is None
                    else (np.concatenate((old[0], ids)), np.concatenate((old[1], tf)))
                )
        self.idf = {
            t: math.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
            for t, (ids, _) in self._postings.items()
        }
        self.vocabulary = (
            Vocabulary(self.idf, raw_words)
            if moved is None
            else previous.vocabulary.extended(self.idf, raw_words)
        )

    def __len__(self) -> int:
        return len(self.chunks)

    def __reduce__(self):
        """Pickled with the postings as three flat arrays instead of two small arrays per
        term: a cold `qa ask` loads the 1,017-article snapshot's 70k terms in 0.3 s, not 1 s."""
        state = dict(vars(self))
        postings = state.pop("_postings")
        ids = [i for i, _ in postings.values()]
        tfs = [tf for _, tf in postings.values()]
        return _unflatten, (
            state,
            list(postings),
            np.cumsum([len(i) for i in ids], dtype=np.int64),
            np.concatenate(ids) if ids else np.empty(0, np.int64),
            np.concatenate(tfs) if tfs else np.empty(0, np.float32),
        )

    def scores(self, query: str) -> np.ndarray:
        return self.group_scores([[t] for t in set(tokenize(query))])

    def group_scores(self, groups: Sequence[Sequence[str]]) -> np.ndarray:
        """BM25 of a query whose words each stand for a group of alternative index terms
        (an English word's German translations): a word scores its best term only, so a word
        with many translations counts once."""
        out = np.zeros(len(self.chunks), dtype=np.float32)
        for group in groups:
            best = np.zeros(len(self.chunks), dtype=np.float32)
            for term in set(group):
                if term not in self._postings:
                    continue
                ids, tf = self._postings[term]
                s = self.idf[term] * tf * (self.k1 + 1) / (tf + self._norm[ids])
                best[ids] = np.maximum(best[ids], s)
            out += best
        return out

    def search(
        self, query: str | Sequence[Sequence[str]], top_k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """(chunk position, score) pairs, best first; only chunks with a positive score. The
        query is text, or term groups (`group_scores`)."""
        s = self.scores(query) if isinstance(query, str) else self.group_scores(query)
        if allowed is not None:
            s = np.where(allowed, s, 0.0)
        if top_k <= 0 or not len(s):
            return []
        k = min(top_k, len(s))
        top = np.argpartition(-s, k - 1)[:k]
        top = top[np.argsort(-s[top], kind="stable")]
        return [(int(i), float(s[i])) for i in top if s[i] > 0]

    def known_terms(self, text: str) -> tuple[list[str], list[str]]:
        """The query's content terms split into those the corpus has and those it lacks."""
        terms = list(dict.fromkeys(tokenize(text)))
        return [t for t in terms if t in self.idf], [t for t in terms if t not in self.idf]


def _moved(previous: BM25Index, chunks: Sequence[Chunk]) -> np.ndarray | None:
    """Each previous chunk's position among `chunks`, or None when one of them is gone or
    its text changed (then the index is built whole)."""
    at = {c.id: i for i, c in enumerate(chunks)}
    moved = np.empty(len(previous.chunks), dtype=np.int64)
    for j, old in enumerate(previous.chunks):
        i = at.get(old.id)
        if i is None or chunks[i].text != old.text:
            return None
        moved[j] = i
    return moved


def _unflatten(state: dict, terms: list[str], ends, ids, tfs) -> BM25Index:
    """The index again, each term's postings a view of the flat arrays."""
    index = BM25Index.__new__(BM25Index)
    vars(index).update(state)
    bounds = [0, *ends.tolist()]
    index._postings = {
        t: (ids[a:b], tfs[a:b]) for t, a, b in zip(terms, bounds, bounds[1:], strict=False)
    }
    return index
