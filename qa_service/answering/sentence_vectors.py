"""SentenceVectors: passage sentences embedded once per process, shared by the answerers.

The same article sentences come back question after question; embedding them is most of an
extractive answer's cost, and citation resolution needs the same vectors again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from qa_service.corpus.attribution import SentenceUnit
from qa_service.protocols import Embedder, Store

log = logging.getLogger(__name__)


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
    """Sentence vectors embedded at ingest, read from the store, so a question costs one query
    embedding. A document id names one text (it ends in the content hash), so vectors are kept
    by id and never go stale. A document indexed before sentences were stored falls back to
    embedding its sentences here, until it is re-ingested.

    `load()` reads every stored vector once into one matrix (a long-running server; reading
    them per question from the store was most of a warm answer's time). Documents not in it
    (written after the load, or all of them while it runs or when the index exceeds
    `resident_bytes`) are read per document into an LRU of `documents` ids, as before."""

    def __init__(
        self,
        store: Store,
        fallback: SentenceVectors,
        *,
        resident_bytes: int = 0,
        documents: int = 512,
    ) -> None:
        self.store, self.fallback = store, fallback
        self.resident_bytes, self.documents = resident_bytes, documents
        self._cache: OrderedDict[str, dict[tuple[int, int], np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()
        # (doc_id, start, end) -> row of the matrix; replaced whole, so readers need no lock.
        self._resident: tuple[dict[tuple[str, int, int], int], np.ndarray] = ({}, _EMPTY)
        self._in_memory = False
        self._load_ended = threading.Event()

    def __call__(self, units: Sequence[SentenceUnit]) -> np.ndarray:
        index, matrix = self._resident
        rows: list[np.ndarray | None] = [
            matrix[r] if (r := index.get((u.doc_id, u.start, u.end))) is not None else None
            for u in units
        ]
        if any(row is None for row in rows):
            rows = self._per_document(units, rows)
        unstored = [u.text for u, row in zip(units, rows, strict=True) if row is None]
        if unstored:
            embedded = iter(self.fallback(unstored))
            rows = [row if row is not None else next(embedded) for row in rows]
        return np.stack(rows)

    def _per_document(
        self, units: Sequence[SentenceUnit], rows: list[np.ndarray | None]
    ) -> list[np.ndarray | None]:
        """The rows still missing, from the documents' stored sentences (cached by id)."""
        pending = [u for u, row in zip(units, rows, strict=True) if row is None]
        doc_ids = list(dict.fromkeys(u.doc_id for u in pending))
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
            return [
                row if row is not None else self._cache.get(u.doc_id, {}).get((u.start, u.end))
                for u, row in zip(units, rows, strict=True)
            ]

    def load(self) -> bool:
        """Read every stored sentence vector into memory in one pass; False (and the per-
        document path stays) when they would take more than `resident_bytes`."""
        t = time.perf_counter()
        keys: list[tuple[str, int, int]] = []
        pages: list[np.ndarray] = []
        size = 0
        for page_keys, vectors in self.store.sentence_vectors(_PAGE):
            page = np.asarray(vectors, dtype=np.float32)
            size += page.nbytes
            if size > self.resident_bytes:
                log.info(
                    "sentence vectors exceed QA_SENTENCE_VECTORS_MB; read per document",
                    extra={"limit_mb": self.resident_bytes // 2**20},
                )
                return False
            keys += page_keys
            pages.append(page)
        matrix = np.concatenate(pages) if pages else _EMPTY
        self._resident = ({k: i for i, k in enumerate(keys)}, matrix)
        self._in_memory = True
        with self._lock:
            self._cache.clear()  # every document read so far is in the matrix now
        log.info(
            "sentence vectors in memory",
            extra={
                "vectors": len(keys),
                "mb": round(matrix.nbytes / 2**20, 1),
                "seconds": round(time.perf_counter() - t, 2),
            },
        )
        return True

    def load_in_background(self, after: Callable[[], None]) -> threading.Thread:
        """`load()` on a daemon thread once `after` (the service's warm-up, which is
        idempotent and locked) has returned, so the load never delays readiness."""

        def run() -> None:
            try:
                after()
            except Exception:
                self._load_ended.set()
                return  # the server's own warm-up fails the same way and reports it
            try:
                self.load()
            except Exception:  # the per-document path still answers; say why it stays
                log.exception("loading the sentence vectors failed; reading them per document")
            finally:
                self._load_ended.set()

        thread = threading.Thread(target=run, name="sentence-vectors", daemon=True)
        thread.start()
        return thread

    def wait_loaded(self, timeout: float | None = None) -> bool:
        """Block until `load_in_background` has ended (or `timeout` seconds); True if every
        stored vector is in memory then. A benchmark of the server's answers waits for this."""
        self._load_ended.wait(timeout)
        return self._in_memory


# Rows per store read: pages of 1,000, 2,000 and 5,000 read the 22,667 vectors of the
# 1,017-article index in about the same time (medians of 3: 2.6, 2.5, 2.7 s).
_PAGE = 2000
_EMPTY = np.empty((0, 0), dtype=np.float32)
