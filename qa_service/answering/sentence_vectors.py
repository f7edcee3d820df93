"""SentenceVectors: passage sentences embedded once per process, shared by the answerers.

The same article sentences come back question after question; embedding them is most of an
extractive answer's cost, and citation resolution needs the same vectors again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from qa_service.corpus.attribution import SentenceUnit
from qa_service.protocols import Embedder, Store


class SentenceVectors:
    def __init__(self, embedder: Embedder, size: int = 20_000) -> None:
        self.embedder, self.size = embedder, size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Passage-side vectors of `texts` (rows in order), from the cache where possible."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            fresh = self.embedder.embed_documents(missing)
            with self._lock:
                for text, v in zip(missing, fresh, strict=True):
                    self._cache[text] = np.asarray(v, dtype=np.float32)
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        with self._lock:
            return np.stack([self._cache[t] for t in texts])


class StoredSentenceVectors:
    """Sentence vectors embedded at ingest, read from the store per document, so a question
    costs one query embedding. A document id names one text (it ends in the content hash), so
    its vectors are cached by id. A document indexed before sentences were stored falls back
    to embedding its sentences here, until it is re-ingested."""

    def __init__(self, store: Store, fallback: SentenceVectors, documents: int = 512) -> None:
        self.store, self.fallback, self.documents = store, fallback, documents
        self._cache: OrderedDict[str, dict[tuple[int, int], np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, units: Sequence[SentenceUnit]) -> np.ndarray:
        doc_ids = list(dict.fromkeys(u.doc_id for u in units))
        with self._lock:
            missing = [d for d in doc_ids if d not in self._cache]
        if missing:
            fresh: dict[str, dict[tuple[int, int], np.ndarray]] = {d: {} for d in missing}
            for s in self.store.get_sentences(missing):
                fresh[s.doc_id][(s.start, s.end)] = np.asarray(s.vector, dtype=np.float32)
            with self._lock:
                self._cache.update(fresh)
                while len(self._cache) > self.documents:
                    self._cache.popitem(last=False)
        with self._lock:
            rows = [self._cache.get(u.doc_id, {}).get((u.start, u.end)) for u in units]
        unstored = [u.text for u, row in zip(units, rows, strict=True) if row is None]
        if unstored:
            embedded = iter(self.fallback(unstored))
            rows = [row if row is not None else next(embedded) for row in rows]
        return np.stack(rows)
