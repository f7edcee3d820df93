"""The scale benchmark's synthetic corpus: labelled, distinct, and consistent like real chunks."""

from __future__ import annotations

import numpy as np
import pytest

from qa_service.evaluation.scale import CHUNKS_PER_DOCUMENT, distinct_pairs, synthetic_documents


def test_pairs_are_distinct_and_seeded():
    pairs = distinct_pairs(30, 400)
    assert len({tuple(sorted(p)) for p in pairs}) == 400
    assert all(a != b for a, b in pairs)
    assert distinct_pairs(30, 400) == pairs
    with pytest.raises(ValueError):
        distinct_pairs(10, 46)  # only 45 pairs exist


def test_synthetic_documents_are_labelled_and_offsets_hold():
    passages = [f"Absatz {i}: " + "Wort " * (20 + i) for i in range(12)]
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(12, 8)).astype(np.float32)
    docs = list(synthetic_documents(passages, vectors, 45, "t"))
    assert [len(chunks) for _, chunks, _ in docs] == [CHUNKS_PER_DOCUMENT] * 2 + [5]
    seen_vectors = []
    for doc, chunks, chunk_vectors in docs:
        assert doc.id.startswith("synthetic-") and doc.title.startswith("synthetic-")
        assert "not real" in doc.title
        for chunk, vector in zip(chunks, chunk_vectors, strict=True):
            assert chunk.id.startswith("synthetic-") and chunk.doc_id == doc.id
            assert doc.text[chunk.start : chunk.end] == chunk.text
            assert np.isclose(np.linalg.norm(vector), 1.0)
            seen_vectors.append(tuple(np.round(vector, 6)))
    assert len(set(seen_vectors)) == 45  # a distinct pair of passages, a distinct vector
