"""HybridRetriever: dense (the store) + BM25, fused by weighted reciprocal rank.

BM25 is only trusted as far as the question shares the corpus language: plain RRF lets
keyword matches drown a cross-lingual query (measured on XQuAD: English MRR 0.90 -> 0.56),
so the BM25 list gets a lower weight when the question is not in the corpus language.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from qa_service.bilingual import Dictionary
from qa_service.corpus.snapshot import CorpusSnapshots
from qa_service.models import Filters, Language, Passage, Retrieval, SearchMode
from qa_service.protocols import Embedder, Store
from qa_service.retrieval.cross_language import keyword_groups


def reciprocal_rank_fusion(
    rankings: Sequence[tuple[Sequence[str], float]], rrf_k: int = 60
) -> dict[str, float]:
    """Fuse ranked id lists, each with a weight: sum of weight / (rrf_k + rank)."""
    fused: dict[str, float] = {}
    for ids, weight in rankings:
        if weight <= 0:
            continue
        for rank, cid in enumerate(ids, start=1):
            fused[cid] = fused.get(cid, 0.0) + weight / (rrf_k + rank)
    return fused


class HybridRetriever:
    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        snapshots: CorpusSnapshots,
        *,
        mode: SearchMode = "hybrid",
        candidate_k: int = 30,
        rrf_k: int = 60,
        bm25_weight_same_language: float = 1.0,
        bm25_weight_cross_language: float = 0.0,
        corpus_language: Language = "de",
        dictionary: Dictionary | None = None,
    ) -> None:
        self.store, self.embedder, self.snapshots, self.mode = store, embedder, snapshots, mode
        self.candidate_k, self.rrf_k = candidate_k, rrf_k
        self.w_same, self.w_cross = bm25_weight_same_language, bm25_weight_cross_language
        self.corpus_language = corpus_language
        self.dictionary = dictionary

    def retrieve(
        self,
        question: str,
        k: int,
        filters: Filters | None = None,
        language: Language | None = None,
        mode: SearchMode | None = None,
    ) -> Retrieval:
        mode = mode or self.mode
        timings: dict[str, float] = {}
        n = max(self.candidate_k, k)
        dense: list[Passage] = []
        vector = None
        snapshot = self.snapshots.current()
        if mode in ("hybrid", "dense"):
            t = time.perf_counter()
            vector = self.embedder.embed_query(question)
            timings["embed_ms"] = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            # The store may be ahead of the snapshot (another process mid-write, or written
            # since the last refresh): a passage the snapshot has no sentences for cannot be
            # answered from, and its neighbours would be answered without it.
            dense = [
                p for p in self.store.search(vector, n, filters) if p.doc_id in snapshot.documents
            ]
            timings["dense_ms"] = (time.perf_counter() - t) * 1000

        t = time.perf_counter()
        index = snapshot.bm25
        allowed = None
        if filters is not None and not filters.is_empty():
            allowed = np.array(
                [filters.matches(c.date, c.source) for c in index.chunks], dtype=bool
            )
        same = (language or self.corpus_language) == self.corpus_language
        query = question
        if not same and self.dictionary is not None:
            query = keyword_groups(question, self.dictionary, index.idf)
        hits = index.search(query, n, allowed) if mode != "dense" else []
        timings["bm25_ms"] = (time.perf_counter() - t) * 1000

        if mode == "dense":
            passages = dense[:k]
        elif mode == "bm25":
            passages = [
                Passage.from_chunk(index.chunks[i], score=s, via="bm25", rank=r)
                for r, (i, s) in enumerate(hits[:k], start=1)
            ]
        else:
            fused = reciprocal_rank_fusion(
                [
                    ([p.chunk_id for p in dense], 1.0),
                    ([index.chunks[i].id for i, _ in hits], self.w_same if same else self.w_cross),
                ],
                self.rrf_k,
            )
            by_id: dict[str, Passage] = {p.chunk_id: p for p in dense}
            for i, s in hits:
                c = index.chunks[i]
                by_id.setdefault(c.id, Passage.from_chunk(c, score=s, via="bm25"))
            best = sorted(fused, key=lambda cid: -fused[cid])[:k]
            passages = [
                by_id[cid].model_copy(update={"score": fused[cid], "rank": r, "via": "hybrid"})
                for r, cid in enumerate(best, start=1)
            ]
        query_vector = tuple(vector) if vector is not None else None
        return Retrieval(passages, snapshot, timings, query_vector)
