"""SentenceVectors: passage sentences embedded once per process, shared by the answerers.

The same article sentences come back question after question; embedding them is most of an
extractive answer's cost, and citation resolution needs the same vectors again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from qa_service.protocols import Embedder


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

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
